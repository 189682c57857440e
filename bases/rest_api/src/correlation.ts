import { randomUUID } from 'node:crypto';
import type { Logger } from '@mousetrap/log';
import type { RequestHandler, Response } from 'express';
import * as v from 'valibot';

/** The header a correlation id travels in, in and out. */
export const CORRELATION_HEADER = 'X-Correlation-ID';

/** A correlation id a client may choose: 1–200 characters of `[A-Za-z0-9._:-]`. */
export const CorrelationIdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9._:-]{1,200}$/));

/** What every handler knows about the request it answers. */
export interface RequestContext {
  correlationId: string;
  /** The service's logger bound to this request's correlation id. */
  logger: Logger;
}

const contexts = new WeakMap<Response, RequestContext>();

/**
 * Gives each request a correlation id (the client's when it is a valid one, else a new UUID),
 * echoes it on the response whatever the outcome, and binds it into a logger for the request.
 */
export function correlate(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = v.safeParse(CorrelationIdSchema, req.get(CORRELATION_HEADER));
    const correlationId = given.success ? given.output : randomUUID();
    res.setHeader(CORRELATION_HEADER, correlationId);
    contexts.set(res, { correlationId, logger: logger.child({ correlation_id: correlationId }) });
    next();
  };
}

/** The request's context, as `correlate` (the app's first middleware) made it. */
export function contextOf(res: Response): RequestContext {
  const context = contexts.get(res);
  if (!context) throw new Error('no request context: the correlate middleware must run first');
  return context;
}
