/**
 * Why the embedded database did not start: the port is taken, its folder is in use by another
 * process, or anything else (`start_failed`).
 */
export type EmbeddedDbErrorCode = 'start_failed' | 'port_in_use' | 'in_use';

/** A failed start of the embedded database; callers branch on `code`. */
export class EmbeddedDbError extends Error {
  override readonly name = 'EmbeddedDbError';
  constructor(
    readonly code: EmbeddedDbErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
