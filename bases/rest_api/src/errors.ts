import { isOverloaded, JobQueueError } from '@mousetrap/job_queue';
import { StoreError } from '@mousetrap/store';

/** The one table from an error's kind to its HTTP status; every error answer goes through it. */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  headers_too_large: 431,
  internal: 500,
  unavailable: 503,
  overloaded: 503,
} as const;

/** What went wrong, as the `error` field of an error answer says it. */
export type ErrorKind = keyof typeof ERROR_STATUS;

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: ErrorKind;
  message: string;
  status: number;
  correlation_id: string;
}

/** An error a handler raises on purpose: its kind, a message safe to show, and headers to send. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The status the table gives this error's kind. */
  get status(): number {
    return ERROR_STATUS[this.kind];
  }
}

const RETRY_SOON = { 'Retry-After': '1' };

/** What Express itself throws (an http-errors error), such as for a path it cannot decode. */
interface StatusError {
  status: number;
}

const isStatusError = (error: unknown): error is StatusError =>
  typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number';

function fromStatus(error: StatusError): HttpError {
  if (error.status >= 400 && error.status < 500) {
    return new HttpError('bad_request', 'the request could not be read', {}, { cause: error });
  }
  return new HttpError('internal', 'an unexpected error occurred', {}, { cause: error });
}

/**
 * Maps anything a handler or middleware threw to an HttpError: the store or the broker being
 * unreachable is `unavailable`, the broker refusing more work is `overloaded` (retry soon); Express's own 4xx errors are bad input; the rest is
 * `internal`, with a generic message so that nothing internal reaches the client.
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  // A call the database did not answer in time may still run once it answers: the client is told so.
  if (error instanceof StoreError && error.code === 'timeout') {
    return new HttpError(
      'unavailable',
      'the database did not answer in time, and the request may still take effect; retry shortly (a POST /refresh retried with the same Idempotency-Key gets the job it started)',
      RETRY_SOON,
      { cause: error },
    );
  }
  // A failed query is a bug, not an outage: it is a 500 (and logged), never a "retry shortly".
  if (error instanceof StoreError && error.code !== 'query') {
    return new HttpError('unavailable', 'the database is unavailable; retry shortly', RETRY_SOON, {
      cause: error,
    });
  }
  if (isOverloaded(error)) {
    return new HttpError(
      'overloaded',
      'the pipeline is taking no new jobs right now; retry shortly',
      RETRY_SOON,
      {
        cause: error,
      },
    );
  }
  if (error instanceof JobQueueError) {
    return new HttpError('unavailable', 'the message broker is unavailable; retry shortly', RETRY_SOON, {
      cause: error,
    });
  }
  if (isStatusError(error)) return fromStatus(error);
  return new HttpError('internal', 'an unexpected error occurred', {}, { cause: error });
}

/** The JSON body for an error, with the request's correlation id. */
export function errorBody(error: HttpError, correlationId: string): ErrorBody {
  return { error: error.kind, message: error.message, status: error.status, correlation_id: correlationId };
}
