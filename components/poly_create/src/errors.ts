/**
 * Why a create or sync cannot go ahead: `invalid_name` (not a snake_case npm name, too long or
 * reserved), `exists` (a component, base, project or folder has the name), `unknown_base` (the
 * `--base` is not a base), `not_empty` (a new workspace's folder has files), `missing_toolchain`
 * (a tool the generated config needs has no version), `conflict` (a file to create appeared
 * between planning and writing).
 */
export type PolyCreateErrorCode =
  | 'invalid_name'
  | 'exists'
  | 'unknown_base'
  | 'not_empty'
  | 'missing_toolchain'
  | 'conflict';

/** A create or sync refused before writing anything; callers branch on `code`. */
export class PolyCreateError extends Error {
  override readonly name = 'PolyCreateError';
  constructor(
    readonly code: PolyCreateErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
