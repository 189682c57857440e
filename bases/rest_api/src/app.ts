import express, { type Express } from 'express';
import { requireApiKey } from './auth.ts';
import { correlate } from './correlation.ts';
import type { ApiDependencies } from './dependencies.ts';
import { DEFAULT_BODY_LIMIT_BYTES, discardBody } from './discard-body.ts';
import { answerError, methodNotAllowed, notFound } from './error-handler.ts';
import { logRequests, nameRoute } from './request-log.ts';
import { ROUTES, routePaths } from './routes.ts';
import { refuseCrossOrigin } from './same-origin.ts';
import { setSecurityHeaders } from './security-headers.ts';
import { traceRequests } from './trace-requests.ts';

/**
 * Builds the HTTP API on its dependencies, without listening: routes from the routes table,
 * a span per request, security headers, correlation ids, request logs and metrics, origin, API-key
 * and body checks on POST, and JSON errors.
 */
export function createApp(deps: ApiDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  // Answers are Cache-Control: no-store, so an ETag (a hash of each body) would never be used;
  // the dashboard's assets, which are revalidated, set their own (dashboard-handlers.ts).
  app.disable('etag');
  app.use(traceRequests(), setSecurityHeaders, correlate(deps.logger), logRequests(deps.metrics));

  // The origin first, then the key, and only then is a body read (and dropped).
  const postChecks = [
    refuseCrossOrigin,
    requireApiKey(deps.apiKey),
    discardBody(deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES),
  ];
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
