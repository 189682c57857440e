import { GitError } from '@mousetrap/git_changes';
import { PolyCreateError } from '@mousetrap/poly_create';
import { BuildError } from '@mousetrap/project_build';
import { TestRunError } from '@mousetrap/test_runner';
import { WorkspaceError } from '@mousetrap/workspace_model';
import { UsageError } from './args.ts';
import { EXIT } from './context.ts';

/** One of the exit codes `poly help` promises. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

interface ExitRule {
  type: abstract new (...args: never[]) => Error;
  exitFor(code: string): ExitCode | undefined;
}

/**
 * A row of the table: an error class and its exit code, or, where one class covers both failures and
 * usage or configuration errors, an exit code for each of its codes. The record must name every
 * code of the class, so a brick adding a code cannot compile until the table says how it exits.
 */
function row<Code extends string>(
  type: abstract new (...args: never[]) => Error & { readonly code: Code },
  exit: ExitCode | Readonly<Record<Code, ExitCode>>,
): ExitRule {
  return {
    type,
    exitFor: (code) => (typeof exit === 'number' ? exit : (exit as Record<string, ExitCode>)[code]),
  };
}

const { failures, usage, noWorkspace } = EXIT;

/**
 * How each brick's error ends poly: 1 when the command ran and failed, 2 when the command line or the
 * workspace's configuration is wrong, 3 when there is no workspace. Errors not listed keep their stack
 * and exit 1.
 */
const EXIT_CODES: readonly ExitRule[] = [
  row(UsageError, usage),
  row(WorkspaceError, {
    not_a_workspace: noWorkspace,
    invalid_config: usage,
    unknown_brick: usage,
    unknown_project: usage,
  }),
  row(PolyCreateError, {
    invalid_name: usage,
    exists: usage,
    unknown_base: usage,
    not_empty: usage,
    missing_toolchain: usage,
    conflict: failures,
  }),
  row(GitError, { not_a_repository: usage, unknown_ref: usage, no_merge_base: usage, git_failed: failures }),
  row(TestRunError, {
    unknown_brick: usage,
    unknown_project: usage,
    jest_not_found: usage,
    jest_failed: failures,
  }),
  row(BuildError, {
    unknown_project: usage,
    no_base: usage,
    not_locked: usage,
    unlisted_import: failures,
    bundle_failed: failures,
  }),
];

/** The exit code of a brick's known error, or undefined for anything unexpected (a bug: show its stack). */
export function exitCodeFor(error: unknown): ExitCode | undefined {
  const rule = EXIT_CODES.find((candidate) => error instanceof candidate.type);
  return rule?.exitFor((error as { code: string }).code);
}
