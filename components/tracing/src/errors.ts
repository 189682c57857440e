/** What can go wrong when tracing starts. */
export type TracingErrorCode = 'already_started';

/** A failure of the tracing brick; callers branch on `code`. */
export class TracingError extends Error {
  override readonly name = 'TracingError';
  readonly code: TracingErrorCode;

  constructor(code: TracingErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
