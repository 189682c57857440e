/**
 * Why a workspace cannot be loaded: `not_a_workspace` (no readable workspace.json at the root) or
 * `invalid_config` (workspace.json or a package.json is malformed; the message names the file and field).
 */
export type WorkspaceErrorCode = 'not_a_workspace' | 'invalid_config';

/** A workspace that cannot be read as one; callers branch on `code` (e.g. to pick an exit code). */
export class WorkspaceError extends Error {
  override readonly name = 'WorkspaceError';
  constructor(
    readonly code: WorkspaceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
