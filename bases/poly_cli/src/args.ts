/** A flag a command accepts: a switch (`--dry-run`) or one taking a value (`--name x`, `--name=x`). */
export interface FlagSpec {
  takesValue: boolean;
  /** Allowed values, when the set is closed. */
  choices?: readonly string[];
  /** Values shell completion offers when the set is open (`--since stable`); any value is accepted. */
  suggest?: readonly string[];
}

/** A command line split into its command, positionals and flags. */
export interface ParsedArgs {
  command: string | undefined;
  positionals: string[];
  flags: Record<string, string | true>;
}

/** A command line that does not parse: an unknown flag, a missing value, a value not allowed. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'usage';
}

/** Splits argv into command, positionals and flags, refusing anything the command does not accept. */
export function parseArgs(
  argv: readonly string[],
  specFor: (command: string | undefined) => Record<string, FlagSpec>,
): ParsedArgs {
  const [command, ...rest] = argv[0]?.startsWith('-') ? [undefined, ...argv] : argv;
  const spec = specFor(command);
  const positionals: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i] as string;
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const flag = spec[name];
    if (!flag) throw new UsageError(`unknown option --${name}${command ? ` for "poly ${command}"` : ''}`);
    if (!flag.takesValue) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    const value = inline ?? rest[i + 1];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      throw new UsageError(`--${name} needs a value`);
    }
    if (inline === undefined) i += 1;
    if (flag.choices && !flag.choices.includes(value)) {
      throw new UsageError(`--${name} must be one of ${flag.choices.join(', ')}`);
    }
    flags[name] = value;
  }
  return { command, positionals, flags };
}

/** The value of a flag that takes one, or undefined. */
export const flagValue = (args: ParsedArgs, name: string): string | undefined => {
  const value = args.flags[name];
  return typeof value === 'string' ? value : undefined;
};
