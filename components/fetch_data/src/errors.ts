/**
 * Why fetching places failed: `aborted` (the caller's signal), `timeout`, `http_status` (a non-2xx
 * answer), `invalid_response` (not JSON or not places), `network` (no answer at all),
 * `unavailable` (the simulation failing on purpose, see `failureRate`), or `invalid_options` (the
 * source was configured wrongly).
 */
export type FetchErrorCode =
  | 'aborted'
  | 'timeout'
  | 'http_status'
  | 'invalid_response'
  | 'network'
  | 'unavailable'
  | 'invalid_options';

/** A failed fetch of places; callers branch on `code`, e.g. to retry `timeout` but not `invalid_options`. */
export class FetchError extends Error {
  override readonly name = 'FetchError';
  constructor(
    readonly code: FetchErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
