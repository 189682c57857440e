import { failureLine } from './failure-line.ts';

/** Options of {@link runScript}. */
export interface RunScriptOptions {
  /** The script's name, at the start of the line that reports a failure. */
  name: string;
  /** The script's work. */
  main: () => Promise<void>;
  /** The line for what `main` threw. @default the error's message */
  explain?: (error: unknown) => string;
  /** The process to report to; tests pass a stand-in. @default process */
  process?: Pick<NodeJS.Process, 'exit' | 'stderr'>;
}

/**
 * The body of a development script: runs `main`, and when it throws (a refused login, a broker
 * or database that is away) writes one line to stderr, without a stack trace, and exits 1.
 */
export async function runScript(options: RunScriptOptions): Promise<void> {
  const proc = options.process ?? process;
  try {
    await options.main();
  } catch (error) {
    proc.stderr.write(`${options.name}: ${failureLine(error, options.explain)}\n`);
    proc.exit(1);
  }
}
