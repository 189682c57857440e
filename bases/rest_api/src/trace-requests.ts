import { openSpan, tracingOn } from '@mousetrap/tracing';
import type { RequestHandler } from 'express';
import { routeOf } from './request-log.ts';

/**
 * Runs each request in a server span, named by its method and route pattern once it is over
 * (`POST /refresh`); a request that brings a W3C `traceparent` continues that trace. A no-op span
 * while tracing is off.
 */
export function traceRequests(): RequestHandler {
  return (req, res, next) => {
    if (!tracingOn()) {
      next();
      return;
    }
    const span = openSpan(req.method, {
      kind: 'server',
      parent: req.get('traceparent'),
      attributes: { 'http.request.method': req.method, 'url.path': req.path },
    });
    res.once('close', () => {
      const route = routeOf(res);
      span.rename(`${req.method} ${route}`);
      span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.fail(`answered ${res.statusCode}`);
      span.end();
    });
    span.run(next);
  };
}
