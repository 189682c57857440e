import type { Workspace } from '@mousetrap/workspace_model';
import type { ParsedArgs } from './args.ts';
import type { History } from './commands/changes.ts';

/** Where the command line writes and what it runs in: process.stdout and friends, or a test's stand-ins. */
export interface PolyIo {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Whether stdout is a terminal (colours are used only then, and never with NO_COLOR). */
  isTTY: boolean;
}

/** What a command gets: its arguments, the loaded workspace, and where to write. */
export interface CommandContext {
  args: ParsedArgs;
  root: string;
  ws: Workspace;
  io: PolyIo;
  /** What git says changed, asked for while the workspace was loading (by the commands that show it). */
  history?: Promise<History>;
  color: boolean;
  /** Writes a line (or lines) to stdout. */
  out(text: string): void;
  /** Writes a line to stderr. */
  err(text: string): void;
}

/** The exit codes: 0 ok, 1 check or test failures, 2 usage or configuration error, 3 not in a workspace. */
export const EXIT = { ok: 0, failures: 1, usage: 2, noWorkspace: 3 } as const;
