import express, { type Express, type RequestHandler } from 'express';
import { requireApiKey } from './auth.ts';
import { correlate } from './correlation.ts';
import type { ApiDependencies } from './dependencies.ts';
import { answerError, methodNotAllowed, notFound } from './error-handler.ts';
import { logRequests, nameRoute } from './request-log.ts';
import { ROUTES, routePaths } from './routes.ts';
import { refuseCrossOrigin } from './same-origin.ts';
import { setSecurityHeaders } from './security-headers.ts';

/**
 * Builds the HTTP API on its dependencies, without listening: routes from the routes table,
 * security headers, correlation ids, request logs and metrics, origin, API-key and body checks on
 * POST, and JSON errors.
 */
export function createApp(deps: ApiDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  // Answers are Cache-Control: no-store, so an ETag (a hash of each body) would never be used;
  // the dashboard's assets, which are revalidated, set their own (dashboard-handlers.ts).
  app.disable('etag');
  app.use(setSecurityHeaders, correlate(deps.logger), logRequests(deps.metrics));

  // Authenticate before reading a body; any non-empty body must be JSON, whatever its content type.
  const parseJson = express.json({ limit: deps.bodyLimit ?? '16kb', type: () => true });
  // Clients post most jobs with `Content-Length: 0`, which the parser would still stream and parse.
  const readBody: RequestHandler = (req, res, next) =>
    req.headers['content-length'] === '0' ? next() : parseJson(req, res, next);
  const postChecks = [refuseCrossOrigin, requireApiKey(deps.apiKey), readBody];
  for (const route of ROUTES) {
    const checks = route.method === 'post' ? postChecks : [];
    app[route.method](route.path, nameRoute(route.path), ...checks, (req, res) =>
      route.handler(deps, req, res),
    );
  }
  for (const path of routePaths()) app.all(path, nameRoute(path), methodNotAllowed(path));
  app.use(notFound);
  app.use(answerError);
  return app;
}
