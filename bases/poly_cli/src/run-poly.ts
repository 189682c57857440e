import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { planCreateWorkspace } from '@mousetrap/poly_create';
import { findWorkspaceRoot, loadWorkspace, readWorkspaceConfig } from '@mousetrap/workspace_model';
import { type FlagSpec, flagValue, parseArgs, UsageError } from './args.ts';
import { build } from './commands/build.ts';
import { askHistory } from './commands/changes.ts';
import { check } from './commands/check.ts';
import { createInWorkspace } from './commands/create.ts';
import { polyDevDependency, writeWorkspace } from './commands/create-workspace.ts';
import { deps } from './commands/deps.ts';
import { diff } from './commands/diff.ts';
import { info } from './commands/info.ts';
import { libs } from './commands/libs.ts';
import { sync } from './commands/sync.ts';
import { test } from './commands/test.ts';
import { ws } from './commands/ws.ts';
import { completionEntries, completionScript, SHELLS } from './completion-script.ts';
import { type CommandContext, EXIT, type PolyIo } from './context.ts';
import { exitCodeFor } from './exit-codes.ts';
import { commandText, HELP, overviewText } from './help.ts';
import { TOOLCHAIN } from './toolchain.ts';

const value: FlagSpec = { takesValue: true };
const flag: FlagSpec = { takesValue: false };
const json = { json: flag };
const since: Record<string, FlagSpec> = { since: { takesValue: true, suggest: ['stable', 'release'] } };

/** What `poly create` makes. */
const CREATE_KINDS = ['workspace', 'component', 'base', 'project'];

/**
 * Every command: the flags it accepts, what runs it, and whether it shows what changed (then git is
 * asked before the workspace is loaded, and works meanwhile).
 */
const COMMANDS: Record<
  string,
  {
    flags: Record<string, FlagSpec>;
    run: (ctx: CommandContext) => number | Promise<number>;
    history?: true;
  }
> = {
  create: {
    flags: { name: value, base: value, description: value, 'dry-run': flag, poly: value, 'no-git': flag },
    run: createInWorkspace,
  },
  info: { flags: { ...since, short: flag, ...json }, run: info, history: true },
  check: { flags: { strict: flag, ...json }, run: check },
  deps: {
    flags: {
      brick: value,
      project: value,
      format: { takesValue: true, choices: ['table', 'json', 'mermaid', 'dot'] },
      ...json,
    },
    run: deps,
  },
  libs: { flags: json, run: libs },
  diff: { flags: { ...since, bricks: flag, projects: flag, short: flag, ...json }, run: diff, history: true },
  test: { flags: { ...since, all: flag, project: value, brick: value, 'dry-run': flag }, run: test },
  sync: { flags: { 'dry-run': flag }, run: sync },
  build: { flags: { all: flag, ...json }, run: build },
  ws: { flags: {}, run: ws },
};

/** The flags a command accepts: its own and --help. */
export const specFor = (command: string | undefined): Record<string, FlagSpec> => ({
  ...(command === undefined ? {} : (COMMANDS[command]?.flags ?? {})),
  help: flag,
});

/** The words commands take first, which shell completion offers. */
const WORDS: Record<string, readonly string[]> = {
  create: CREATE_KINDS,
  completion: SHELLS,
  help: Object.keys(HELP),
};

/**
 * Runs one poly command line and resolves to its exit code: 0 ok, 1 check or test failures,
 * 2 usage or configuration error, 3 not inside a workspace. Writes only through `io`.
 */
export async function runPoly(argv: readonly string[], io: PolyIo): Promise<number> {
  const err = (text: string) => io.stderr.write(`poly: ${text}\n`);
  try {
    const args = parseArgs(argv, specFor);
    const { command } = args;
    if (command === undefined || command === 'help' || args.flags.help) {
      const topic = command === 'help' ? args.positionals[0] : command;
      const text = topic === undefined ? overviewText() : commandText(topic);
      if (text === undefined) throw new UsageError(`no command "${topic}"; see poly help`);
      io.stdout.write(text);
      return EXIT.ok;
    }
    if (command === 'completion') {
      const [shell, ...extra] = args.positionals;
      const known = SHELLS.find((name) => name === shell);
      if (known === undefined || extra.length > 0)
        throw new UsageError('completion for which shell? bash or zsh');
      io.stdout.write(completionScript(known, completionEntries(specFor, WORDS)));
      return EXIT.ok;
    }
    const entry = COMMANDS[command];
    if (!entry) throw new UsageError(`no command "${command}"; see poly help`);
    if (command === 'create') {
      const [what, ...extra] = args.positionals;
      if (!CREATE_KINDS.includes(what ?? '') || extra.length > 0) {
        throw new UsageError('create what? workspace, component, base or project');
      }
      if (what === 'workspace') return await createWorkspace(args, io);
    } else if (args.positionals.length > 0 && command !== 'build') {
      throw new UsageError(`"poly ${command}" takes no arguments (${args.positionals.join(' ')})`);
    }
    const root = await findWorkspaceRoot(io.cwd);
    if (root === undefined) {
      err(`not inside a workspace: no workspace.json in ${io.cwd} or above`);
      return EXIT.noWorkspace;
    }
    const color = io.isTTY && !('NO_COLOR' in io.env) && !args.flags.json;
    const history = entry.history ? askHistory(root, args, readWorkspaceConfig(root).tags) : undefined;
    const ctx: CommandContext = {
      args,
      root,
      ws: await loadWorkspace(root, { cacheFile: scanCacheFile(root) }),
      io,
      ...(history ? { history } : {}),
      color,
      out: (text) => io.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
      err,
    };
    return await entry.run(ctx);
  } catch (error) {
    return reportError(error, err);
  }
}

/**
 * Where poly keeps the imports it found between runs: under node_modules/.cache, where npm tools
 * keep theirs and git does not look, once npm install has made node_modules; else nowhere.
 */
function scanCacheFile(root: string): string | undefined {
  const modules = join(root, 'node_modules');
  return existsSync(modules) ? join(modules, '.cache', 'poly', 'imports.json') : undefined;
}

async function createWorkspace(args: ReturnType<typeof parseArgs>, io: PolyIo): Promise<number> {
  const name = flagValue(args, 'name');
  if (name === undefined) throw new UsageError('--name is required');
  const dir = resolve(io.cwd);
  const plan = planCreateWorkspace({ dir, name, toolchain: { ...TOOLCHAIN, ...polyDevDependency(args) } });
  return writeWorkspace(args, io, dir, plan);
}

/** Maps a failure to one stderr line and its exit code; anything unexpected keeps its stack. */
function reportError(error: unknown, err: (text: string) => void): number {
  const exit = exitCodeFor(error);
  if (exit !== undefined && error instanceof Error) {
    err(error.message);
    return exit;
  }
  err(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return EXIT.failures;
}
