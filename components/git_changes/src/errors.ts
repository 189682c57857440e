/**
 * Why git could not answer: `not_a_repository` (the root is not inside a work tree),
 * `unknown_ref` (`--since` names no tag, branch or commit), `no_merge_base` (the branch shares no
 * history with HEAD) or `git_failed` (git is missing or failed otherwise).
 */
export type GitErrorCode = 'not_a_repository' | 'unknown_ref' | 'no_merge_base' | 'git_failed';

/** A git question that has no answer; callers branch on `code`. */
export class GitError extends Error {
  override readonly name = 'GitError';
  constructor(
    readonly code: GitErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
