/** Why a batch could not be summarised: `empty_batch` (no places) or `invalid_places` (malformed input). */
export type ProcessDataErrorCode = 'empty_batch' | 'invalid_places';

/** A batch that cannot be summarised; callers branch on `code`. */
export class ProcessDataError extends Error {
  override readonly name = 'ProcessDataError';
  constructor(
    readonly code: ProcessDataErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
