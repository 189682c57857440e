import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * The node flags the images start the services with (projects/<p>/Dockerfile): a young generation
 * of 8 MB semi-spaces, and the old generation's growth factor fixed at 2 (it may grow to twice what
 * a full collection kept before the next; V8 otherwise picks the factor itself, up to 4 for a busy
 * process). They go on node's command line: `NODE_OPTIONS` refuses `--heap-growing-percent`.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=8',
  '--heap-growing-percent=100',
];

/** A service started as a child process, with its JSON log lines collected. */
export interface ServiceProcess {
  child: ChildProcess;
  /** Every stdout line parsed as JSON (lines that are not JSON are kept as `{ text }`). */
  lines: Record<string, unknown>[];
  /** What the process wrote to stderr. */
  stderr(): string;
  /** Resolves with the first log line matching `match`; rejects if the process exits first or time runs out. */
  waitForLine(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * Starts `node <script>` with the given environment added to this process's, reading its log
 * lines; with the node flags the images start the services with (projects/<p>/Dockerfile).
 */
export function startServiceProcess(script: string, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
    try {
      lines.push(JSON.parse(text) as Record<string, unknown>);
    } catch {
      lines.push({ text });
    }
    for (const wake of waiters) wake();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(code ?? signal ?? 'unknown');
      for (const wake of waiters) wake();
    });
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    waitForLine(match, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => finish(new Error(`no matching log line within ${timeoutMs} ms`)),
          timeoutMs,
        );
        const finish = (error?: Error, line?: Record<string, unknown>) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (line) resolve(line);
          else reject(error);
        };
        const check = () => {
          const line = lines.find(match);
          if (line) finish(undefined, line);
          else if (ended) finish(new Error(`process exited before the log line; stderr: ${stderr}`));
        };
        waiters.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (!ended) child.kill(signal);
      return exited;
    },
  };
}
