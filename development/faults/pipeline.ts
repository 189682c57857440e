import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVICE_NODE_FLAGS } from '@mousetrap/test_kit';
import { type InFlightReading, readInFlight, sumOf } from './in-flight.ts';
import { freePort } from './ports.ts';

/** The three services of the pipeline, by the short names the suite uses. */
export const SERVICES = ['api', 'fetch', 'processing'] as const;

/** One of {@link SERVICES}. */
export type ServiceName = (typeof SERVICES)[number];

const PROJECT: Record<ServiceName, string> = {
  api: 'api_app',
  fetch: 'fetch_worker_app',
  processing: 'processing_worker_app',
};

/** How a service process ended: its exit code, or the signal that killed it. */
export interface Exit {
  service: ServiceName;
  code: number | string;
  /** Whether the suite caused it (a kill or a stop); an exit nobody asked for is a crash. */
  expected: boolean;
  /**
   * Why it ended, as this life of the service wrote it after its last JSON line (a failed start's
   * reason, node's report of an uncaught exception), else its last error line; undefined when neither.
   */
  words: string | undefined;
}

/** Options of {@link startPipeline}. */
export interface PipelineOptions {
  /** The workspace root, where `projects/<project>/dist/main.js` are. */
  root: string;
  /** The environment of every service (URLs, schema, prefix, delays, …). */
  env: Record<string, string>;
  /** Where each service's stdout and stderr go, as `<logPrefix>-<service>.log`. */
  logPrefix: string;
  /** Services started again at once whenever they exit on their own (the API's crash hook). */
  restartOnCrash?: readonly ServiceName[];
}

/** The three project builds running as processes, which the suite kills, stops and restarts. */
export interface Pipeline {
  /** Base URL of the API. */
  apiUrl: string;
  /** Every exit so far. */
  exits: Exit[];
  /**
   * Starts a service that is not running (all three when none is named); `env`, when given, is
   * added to that service's environment from now on (its restarts included).
   */
  start(service?: ServiceName, env?: Record<string, string>): Promise<void>;
  /** What every running service has in flight right now, from its /metrics. */
  inFlight(): Promise<InFlightReading>;
  /** The sum of a metric's series (those whose labels contain `having`) on a service's /metrics; 0 when it does not answer. */
  metric(service: ServiceName, name: string, having?: string): Promise<number>;
  /** Every JSON line a service has logged so far, across its restarts. */
  logLines(service: ServiceName): Promise<Record<string, unknown>[]>;
  /** Sends `signal` to a running service and resolves with how it exited. */
  kill(service: ServiceName, signal: NodeJS.Signals): Promise<number | string>;
  /** Sends `signal` to a running service and returns at once (SIGSTOP, SIGCONT); false when it is not running. */
  signal(service: ServiceName, signal: NodeJS.Signals): boolean;
  /** Resolves when every service answers GET /ready with 200, or rejects after `timeoutMs`. */
  waitReady(timeoutMs: number): Promise<void>;
  /** Stops every service with SIGTERM (SIGKILL after 30 s) and resolves with their exit codes. */
  stop(): Promise<Exit[]>;
  /** Kills every service at once, for an interrupted suite. */
  abort(): void;
}

/** A JSON line of a service's log as an object; undefined for anything else (node's own output). */
function parseLogLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * What a service's log, from one start on, says of its end: the text after its last JSON line,
 * from its first line naming an error (node puts the source line first), else the last line logged
 * at level error; at most 400 characters, for a problem line.
 */
export function lastWordsIn(text: string): string | undefined {
  const clip = (words: string) => (words.length > 400 ? `${words.slice(0, 400)}…` : words);
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const after = lines
    .slice(lines.findLastIndex((line) => parseLogLine(line) !== undefined) + 1)
    .map((line) => line.trim());
  if (after.length > 0) {
    const first = after.findIndex((line) => /^\w*Error\b|failed to start/.test(line));
    return clip(after.slice(Math.max(first, 0)).join(' | '));
  }
  const last = lines
    .map(parseLogLine)
    .findLast((parsed) => parsed?.level === 'error' || parsed?.level === 'fatal');
  return last && clip([last.message, last.error].filter((part) => part !== undefined).join(': '));
}

/** Picks the ports and returns the pipeline, not started yet. */
export async function createPipeline(options: PipelineOptions): Promise<Pipeline> {
  const ports: Record<ServiceName, number> = { api: 0, fetch: 0, processing: 0 };
  for (const service of SERVICES) ports[service] = await freePort();
  const running = new Map<ServiceName, { child: ChildProcess; exited: Promise<number | string> }>();
  const expecting = new Set<ServiceName>();
  const overrides = new Map<ServiceName, Record<string, string>>();
  const logOf = (service: ServiceName) => `${options.logPrefix}-${service}.log`;
  const exits: Exit[] = [];
  let stopping = false;

  const spawnService = (service: ServiceName) => {
    const log = openSync(logOf(service), 'a');
    // Where this life's lines begin: its words at exit are read from here.
    const offset = fstatSync(log).size;
    const env: Record<string, string | undefined> = {
      ...process.env,
      ...options.env,
      ...overrides.get(service),
      ...(service === 'api' ? { PORT: String(ports.api), HOST: '127.0.0.1' } : {}),
      ...(service === 'api' ? {} : { HEALTH_PORT: String(ports[service]) }),
    };
    if (service !== 'api') env.TEST_CRASH_AFTER_COMMIT = undefined;
    const script = join(options.root, 'projects', PROJECT[service], 'dist', 'main.js');
    // The node flags the images start the services with (projects/<p>/Dockerfile).
    const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, script], {
      env,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    const exited = new Promise<number | string>((resolve) => {
      child.once('exit', (code, signal) => {
        const result = code ?? signal ?? 'unknown';
        const expected = expecting.delete(service) || stopping;
        const words = lastWordsIn(readFileSync(logOf(service)).subarray(offset).toString('utf8'));
        exits.push({ service, code: result, expected, words });
        running.delete(service);
        resolve(result);
        if (!expected && !stopping && options.restartOnCrash?.includes(service)) spawnService(service);
      });
    });
    running.set(service, { child, exited });
  };

  const isReady = async (service: ServiceName) => {
    try {
      const response = await fetch(`http://127.0.0.1:${ports[service]}/ready`, {
        signal: AbortSignal.timeout(3000),
      });
      await response.arrayBuffer();
      return response.status === 200;
    } catch {
      return false;
    }
  };

  return {
    apiUrl: `http://127.0.0.1:${ports.api}`,
    exits,
    async start(service, env) {
      if (service && env) overrides.set(service, { ...overrides.get(service), ...env });
      for (const name of service ? [service] : SERVICES) if (!running.has(name)) spawnService(name);
    },
    inFlight() {
      const urls: Record<string, string> = {};
      for (const service of SERVICES) urls[service] = `http://127.0.0.1:${ports[service]}`;
      return readInFlight(urls);
    },
    async metric(service, name, having) {
      const text = await fetch(`http://127.0.0.1:${ports[service]}/metrics`, {
        signal: AbortSignal.timeout(2000),
      })
        .then((response) => response.text())
        .catch(() => '');
      return sumOf(text, name, having);
    },
    async logLines(service) {
      const text = await readFile(logOf(service), 'utf8').catch(() => '');
      return text.split('\n').flatMap((line) => {
        const parsed = parseLogLine(line);
        return parsed ? [parsed] : [];
      });
    },
    async kill(service, signal) {
      const entry = running.get(service);
      if (!entry) return 'not running';
      expecting.add(service);
      entry.child.kill(signal);
      return entry.exited;
    },
    signal(service, signal) {
      return running.get(service)?.child.kill(signal) ?? false;
    },
    async waitReady(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      // A service that has exited is not ready, even if something else answers on its port.
      const stillRunning = (service: ServiceName) => {
        if (running.has(service)) return;
        const words = exits.findLast((exit) => exit.service === service)?.words;
        throw new Error(`${service} exited before it was ready${words ? `; its log ends: ${words}` : ''}`);
      };
      for (const service of SERVICES) {
        while (!(await isReady(service))) {
          stillRunning(service);
          if (Date.now() > deadline) throw new Error(`${service} not ready within ${timeoutMs} ms`);
          await sleep(100);
        }
      }
      for (const service of SERVICES) stillRunning(service);
    },
    async stop() {
      stopping = true;
      const before = exits.length;
      const all = [...running.values()];
      for (const { child } of all) child.kill('SIGTERM');
      const timer = setTimeout(() => {
        for (const { child } of all) child.kill('SIGKILL');
      }, 30_000);
      await Promise.all(all.map(({ exited }) => exited));
      clearTimeout(timer);
      return exits.slice(before);
    },
    abort() {
      stopping = true;
      for (const { child } of running.values()) child.kill('SIGKILL');
    },
  };
}
