/**
 * Why a workspace cannot be loaded or asked about: `not_a_workspace` (no readable workspace.json at
 * the root), `invalid_config` (workspace.json or a package.json is malformed; the message names the
 * file and field), `unknown_brick` or `unknown_project` (a query named one the workspace does not hold).
 */
export type WorkspaceErrorCode = 'not_a_workspace' | 'invalid_config' | 'unknown_brick' | 'unknown_project';

/** A workspace that cannot be read as one, or a name it does not hold; callers branch on `code` (e.g. to pick an exit code). */
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
