import type { RequestHandler, Response } from 'express';
import { contextOf } from './correlation.ts';
import type { ApiMetrics } from './metrics.ts';

/** The route label of a request that matched no route, so that raw paths never become labels. */
const UNMATCHED = 'unmatched';

/** What nginx logs for a request whose client went away before the answer was finished. */
const CLIENT_CLOSED = 499;

const routes = new WeakMap<Response, string>();
const failures = new WeakMap<Response, string>();

/** Names the route pattern a request matched, for its log line and its metric labels. */
export function nameRoute(pattern: string): RequestHandler {
  return (_req, res, next) => {
    routes.set(res, pattern);
    next();
  };
}

/** The route pattern a request matched, or `unmatched`. */
export function routeOf(res: Response): string {
  return routes.get(res) ?? UNMATCHED;
}

/** Attaches why a request failed (a stack, a cause) to its log line; never sent to the client. */
export function noteFailure(res: Response, detail: string): void {
  failures.set(res, detail);
}

/**
 * Logs every request once it is over (method, route, status, duration, correlation id) and
 * records it in the metrics: at debug level, since one line per request at info would flood the
 * logs, except failures: a 500 (a bug) as an error, another 5xx that a failure caused (the
 * database or broker away, an overload) as a warning. A 5xx a handler answers on purpose, such as
 * `GET /ready` saying not ready, is an answer, not a failure: debug, like the rest.
 */
export function logRequests(metrics: ApiMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(res);
      const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED;
      metrics.observeRequest({ method: req.method, route, status, seconds });
      const line = { method: req.method, route, status, duration_ms: Math.round(seconds * 1e4) / 10 };
      const { logger } = contextOf(res);
      const failure = failures.get(res);
      if (status === 500) return logger.error('request failed', failure ? { ...line, error: failure } : line);
      if (status > 500 && failure !== undefined)
        return logger.warn('request failed', { ...line, error: failure });
      logger.debug('request', line);
    });
    next();
  };
}
