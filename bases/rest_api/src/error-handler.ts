import type { ErrorRequestHandler, RequestHandler } from 'express';
import { contextOf } from './correlation.ts';
import { errorBody, HttpError, toHttpError } from './errors.ts';
import { noteFailure } from './request-log.ts';
import { allowedMethods } from './routes.ts';

/** Answers a known path asked with a method it does not serve: 405 with the `Allow` header. */
export function methodNotAllowed(path: string): RequestHandler {
  const allow = allowedMethods(path).join(', ');
  return (req, _res, next) => {
    next(
      new HttpError('method_not_allowed', `${req.method} is not allowed here; use ${allow}`, {
        Allow: allow,
      }),
    );
  };
}

/** Answers a path no route matches: 404. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError('not_found', `no route for ${req.method} ${req.path}`));
};

/**
 * Turns any error into its JSON answer through the error table. The cause of a 5xx goes to the
 * request's log line (with the stack when unexpected), never to the client.
 */
export const answerError: ErrorRequestHandler = (error, _req, res, next) => {
  // Half an answer is on the wire already; Express's own handler closes the connection.
  if (res.headersSent) return next(error);
  const failure = toHttpError(error);
  if (failure.status >= 500) {
    const cause = failure.cause instanceof Error ? failure.cause : failure;
    noteFailure(
      res,
      failure.kind === 'internal' ? (cause.stack ?? cause.message) : `${cause.name}: ${cause.message}`,
    );
  }
  res
    .status(failure.status)
    .set(failure.headers)
    .json(errorBody(failure, contextOf(res).correlationId));
};
