import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';

/** A project build running as a child process, its log read only as far as needed. */
export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** Resolves with the first log line (parsed) that `match` accepts; rejects if the process exits first. */
  waitForLine(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Warnings and errors logged so far, by message, so that a run can say what went wrong. */
  problems(): Map<string, number>;
  /** The process's peak resident set size so far (VmHWM), in bytes. */
  peakRss(): Promise<number>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code or signal. */
  stop(graceMs?: number): Promise<number | string>;
}

/** Starts `node <script>` with `env` added to this process's environment. */
export function startServiceProcess(
  name: string,
  script: string,
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): ServiceProcess {
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const problems = new Map<string, number>();
  const watchers = new Set<(line: Record<string, unknown>) => void>();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
    // Every line is read (a full pipe would stall the service) but only some are parsed.
    const interesting =
      watchers.size > 0 || text.includes('"level":"warn"') || text.includes('"level":"error"');
    if (!interesting) return;
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      line = { text };
    }
    if (line.level === 'warn' || line.level === 'error') {
      const key = `${String(line.level)}: ${String(line.message)}`;
      problems.set(key, (problems.get(key) ?? 0) + 1);
    }
    for (const watch of watchers) watch(line);
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
  });

  return {
    name,
    child,
    problems: () => problems,
    waitForLine(match, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const finish = (error?: Error, line?: Record<string, unknown>) => {
          clearTimeout(timer);
          watchers.delete(watch);
          if (line) resolve(line);
          else reject(error);
        };
        const watch = (line: Record<string, unknown>) => {
          if (match(line)) finish(undefined, line);
        };
        const timer = setTimeout(
          () => finish(new Error(`${name}: no matching log line in ${timeoutMs} ms`)),
          timeoutMs,
        );
        watchers.add(watch);
        void exited.then((code) => finish(new Error(`${name} exited (${code}) early; stderr: ${stderr}`)));
      });
    },
    async peakRss() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const kilobytes = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]);
      return kilobytes * 1024;
    },
    async stop(graceMs = 15_000) {
      if (ended) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
