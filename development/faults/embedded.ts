import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmbeddedDatabase } from '@mousetrap/embedded_db';
import { createStore } from '@mousetrap/store';
import postgres from 'postgres';
import { addReadings, aim, type InFlightReading, readInFlight } from './in-flight.ts';
import { countsOf, installLedger, judgeLedger, readLedger } from './ledger.ts';
import { type Load, startLoad } from './load.ts';
import { freePort } from './ports.ts';
import { judgeFault, type Outcome, type Suite, seconds } from './run-scenario.ts';
import type { Scenario } from './scenarios.ts';

/** What the embedded scenarios run on: the suite's settings, and a folder of its own for their data. */
export type EmbeddedSuite = Pick<
  Suite,
  'root' | 'count' | 'concurrency' | 'logDir' | 'logLevel' | 'note' | 'live'
> & {
  temp: string;
};

/** `npm start` on embedded defaults, stopped under load: by a signal, then started again, or by itself again and again. */
export type EmbeddedScenario = { id: string; title: string } & (
  | {
      /** How `npm start` is stopped under load, once. */
      signal: 'SIGINT' | 'SIGKILL';
    }
  | {
      /** `npm start` kills itself on this job's message every time, and is started again each time. */
      crashOn: string;
    }
);

/** `npm start` stopped both ways, and in a crash loop; every accepted job must end, the in-memory transport's messages notwithstanding. */
export const embeddedScenarios: readonly EmbeddedScenario[] = [
  {
    id: 'embedded-sigint',
    title: 'npm start on embedded defaults (default delays), Ctrl-C under load, started again',
    signal: 'SIGINT',
  },
  {
    id: 'embedded-sigkill',
    title: 'npm start on embedded defaults (default delays), kill -9 under load, started again',
    signal: 'SIGKILL',
  },
  {
    id: 'embedded-crash-loop',
    title:
      'npm start dies on one job’s message at every start: that job fails once held at MAX_REDRIVES + 1 deaths, the rest are done, and npm start runs on',
    crashOn: 'embedded-crash-me',
  },
];

// The names that make npm start use real services; the embedded scenarios must not inherit them.
const SERVICE_VARIABLES = ['RABBITMQ_URL', 'RABBITMQ_HOST', 'DATABASE_URL', 'POSTGRES_HOST'];
// After the restart, every job must be done within the time the issue allows.
const DONE_WITHIN_MS = 60_000;
// At the default delays npm start accepts some 200 jobs a second and finishes some 50: the
// suite's 2,000 kept each scenario running a minute, where 500 still leave posting to do after
// the signal, which the scenario checks.
const MOST_JOBS = 500;
// The signal goes once this share of the jobs is accepted and a job is in flight.
const SIGNAL_AT = 0.4;
// The crash loop's jobs: few, at stages of 5 ms, so that few others are in flight beside the one it dies on.
const CRASH_LOOP_JOBS = 200;
// npm start's MAX_REDRIVES in the crash loop (its default). It dies on the job at every start: the
// first time on its first delivery, whose fast fetch wrote no start and so is not known to have
// been held; then on each re-drive, whose fetch writes its start first, MAX_REDRIVES + 1 times
// (the later ones with the job re-driven alone); the start after fails the job.
const CRASH_LOOP_REDRIVES = 3;
const CRASH_LOOP_DEATHS = CRASH_LOOP_REDRIVES + 2;
// Starts tried after the expected deaths before the crash loop gives up on a start that runs on.
const EXTRA_STARTS = 3;
// The reason a job held at too many deaths is failed with.
const FAILED_AT_START = /^unfinished in \w+, in a worker, when the process stopped \d+ times/;
const CRASH_LINE = 'TEST_CRASH_ON_CORRELATION_ID: crashing on the message';

/** The jobs an embedded scenario posts when the suite posts `count`. */
export const embeddedJobs = (scenario: EmbeddedScenario, count: number) =>
  'crashOn' in scenario ? Math.min(count, CRASH_LOOP_JOBS) : Math.min(count, MOST_JOBS);

/** Runs one embedded scenario: the ledger installed, npm start stopped under load, started again, judged. */
export async function runEmbeddedScenario(
  scenario: EmbeddedScenario,
  suite: EmbeddedSuite,
): Promise<Outcome> {
  const started = Date.now();
  const note = (text: string) => suite.note(`${scenario.id}: ${text}`);
  const count = embeddedJobs(scenario, suite.count);
  const dataDir = join(suite.temp, scenario.id, 'pgdata');
  await mkdir(join(suite.temp, scenario.id), { recursive: true });
  await withDatabase(dataDir, async (url) => {
    // The schema as npm start migrates it, then the ledger in it, before npm start's first job.
    await (await createStore({ url, max: 1 })).close();
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    await installLedger(sql, 'public').finally(() => sql.end());
  });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: Record<string, string | undefined> = {
    ...process.env,
    EMBEDDED_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: suite.logLevel,
    ...('crashOn' in scenario
      ? {
          TEST_CRASH_ON_CORRELATION_ID: scenario.crashOn,
          MAX_REDRIVES: String(CRASH_LOOP_REDRIVES),
          FETCH_DELAY_MS: '5',
          PROCESS_DELAY_MS: '5',
        }
      : {}),
  };
  for (const name of SERVICE_VARIABLES) env[name] = undefined;
  const log = join(suite.logDir, `${scenario.id}-npm-start.log`);
  const problems: string[] = [];
  let current: ChildProcess | undefined;
  const live = { abort: () => current?.kill('SIGKILL') };
  suite.live.add(live);
  /**
   * Starts npm start and waits until it is ready, or has exited before it was; resolves with it
   * and what its exit will be.
   */
  const startNpmStart = async (): Promise<NpmStart> => {
    // What `npm start` runs (tsx development/start.ts), as one process that receives the signals itself.
    const fd = openSync(log, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', join(suite.root, 'development', 'start.ts')], {
      cwd: suite.root,
      env,
      stdio: ['ignore', fd, fd],
    });
    current = child;
    closeSync(fd);
    const exited = new Promise<number | string>((resolve) =>
      child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
    );
    let gone = false;
    void exited.then(() => {
      gone = true;
    });
    const deadline = Date.now() + 60_000;
    while (!(await answers(`${base}/ready`))) {
      if (gone) return { child, exited, ready: false };
      if (Date.now() > deadline) throw new Error(`npm start did not get ready within 60 s (see ${log})`);
      await sleep(100);
    }
    return { child, exited, ready: true };
  };
  /** Starts npm start, which must get ready. */
  const startReady = async () => {
    const started = await startNpmStart();
    if (!started.ready) throw new Error(`npm start exited before it was ready (see ${log})`);
    return started;
  };
  try {
    const first = await startReady();
    note(`npm start ready in ${seconds(Date.now() - started)}; posting ${count} jobs`);
    const load = startLoad({
      apiUrl: base,
      count,
      concurrency: suite.concurrency,
      keyPrefix: `${scenario.id}-`,
      deadlineMs: 180_000,
      correlationIdOf:
        'crashOn' in scenario
          ? (n) => (n === Math.floor(count / 2) ? scenario.crashOn : undefined)
          : undefined,
    });
    const stopped =
      'crashOn' in scenario
        ? await crashLoop(first, startNpmStart, base, log, note)
        : await signalled(scenario.signal, first, startReady, base, load, count, note);
    problems.push(...stopped.problems);
    const { accepted, givenUp, refusals } = await load.finished;
    if (givenUp.length > 0) problems.push(`${givenUp.length} jobs never accepted`);
    const loaded = Date.now();
    const done = await waitUntilFinished(base, stopped.restartedAt + DONE_WITHIN_MS);
    const settleMs = Date.now() - loaded;
    if (!done) problems.push(`jobs unfinished ${seconds(DONE_WITHIN_MS)} after the restart`);
    else note(`every job finished ${seconds(Date.now() - stopped.restartedAt)} after the restart`);
    stopped.last.child.kill('SIGINT');
    const finalCode = await stopped.last.exited;
    current = undefined;
    if (finalCode !== 0) problems.push(`npm start exited ${finalCode} on the final SIGINT`);
    const rows = await withDatabase(dataDir, async (url) => {
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      return readLedger(sql, 'public').finally(() => sql.end());
    });
    const verdict = judgeLedger(rows, [...accepted.values()]);
    const asScenario: Scenario = {
      id: scenario.id,
      title: scenario.title,
      hitsWork: true,
      inject: never,
      // That job alone: the jobs beside it at its deaths are re-driven alone once suspected.
      ...('crashOn' in scenario ? { expectedFailure: { error: FAILED_AT_START, bounds: () => [1, 1] } } : {}),
    };
    const injection = {
      injectedAt: stopped.injectedAt,
      restoredAt: stopped.restartedAt,
      inFlight: addReadings(stopped.readings),
      readings: stopped.readings,
    };
    problems.push(
      ...verdict.problems,
      ...judgeFault(asScenario, injection, { ...verdict, handledAgain: 0 }, accepted.size),
    );
    if ('crashOn' in scenario) {
      const crashing = accepted.get(`${scenario.id}-${Math.floor(count / 2)}`);
      const ending = rows.find((row) => row.id === crashing);
      if (ending?.status !== 'failed' || !FAILED_AT_START.test(ending.error ?? '')) {
        problems.push(
          `the job npm start dies on ended ${ending?.status ?? 'unknown'}: ${ending?.error ?? 'no error'}`,
        );
      }
    }
    return {
      id: scenario.id,
      title: scenario.title,
      posted: count,
      accepted: accepted.size,
      ...countsOf(verdict),
      ...(stopped.measured === undefined ? {} : { measured: stopped.measured }),
      handledAgain: 0,
      inFlightAtFault: injection.inFlight,
      // The in-memory transport's dead-letter queues go with its process: none is expected.
      deadLetters: { start_fetch: 0, data_processing: 0 },
      expectedDeadLetters: { start_fetch: 0, data_processing: 0 },
      recoverMs: stopped.restartedAt - stopped.injectedAt,
      settleMs,
      durationMs: Date.now() - started,
      refusals,
      exits: [],
      problems,
    };
  } finally {
    suite.live.delete(live);
    live.abort();
  }
}

/** A running npm start and what its exit will be. */
interface NpmStart {
  child: ChildProcess;
  exited: Promise<number | string>;
  /** False when it exited before it answered /ready. */
  ready: boolean;
}

/** How npm start was stopped, and the one running after. */
interface Stopped {
  injectedAt: number;
  /** When the npm start that ran to the end was ready. */
  restartedAt: number;
  last: NpmStart;
  /** What was in flight at each stop. */
  readings: InFlightReading[];
  measured?: Record<string, number>;
  problems: string[];
}

/** Signals npm start under load once it has work in flight, and starts it again. */
async function signalled(
  signal: 'SIGINT' | 'SIGKILL',
  first: NpmStart,
  startNpmStart: () => Promise<NpmStart>,
  base: string,
  load: Load,
  count: number,
  note: (text: string) => void,
): Promise<Stopped> {
  const problems: string[] = [];
  await load.whenAccepted(Math.round(count * SIGNAL_AT));
  const reading = await aim(
    () => readInFlight({ mousetrap: base }),
    (r) => r.total > 0,
  );
  const injectedAt = Date.now();
  first.child.kill(signal);
  const acceptedAtSignal = load.acceptedCount;
  note(`${signal} at ${acceptedAtSignal} accepted, ${reading.total} in flight`);
  if (acceptedAtSignal >= count) problems.push(`every job was accepted before the ${signal}`);
  const code = await first.exited;
  note(`npm start exited ${code} ${seconds(Date.now() - injectedAt)} after the ${signal}; starting it again`);
  if (signal === 'SIGINT' && code !== 0) problems.push(`npm start exited ${code} on SIGINT`);
  const last = await startNpmStart();
  return { injectedAt, restartedAt: Date.now(), last, readings: [reading], problems };
}

/**
 * Starts npm start again each time it dies on its own (on the job's message, possibly before its
 * /ready was seen), until a start runs on: it must die {@link CRASH_LOOP_DEATHS} times, and not
 * after. What it had in flight each time is in the line it wrote as it died.
 */
async function crashLoop(
  first: NpmStart,
  startNpmStart: () => Promise<NpmStart>,
  base: string,
  log: string,
  note: (text: string) => void,
): Promise<Stopped> {
  const expected = CRASH_LOOP_DEATHS;
  let running = first;
  let readyAt = Date.now();
  let injectedAt: number | undefined;
  let crashes = 0;
  for (;;) {
    const ended = new AbortController();
    const exit = running.ready
      ? await Promise.race([
          running.exited,
          waitUntilFinished(base, Date.now() + DONE_WITHIN_MS, ended.signal).then(() => undefined),
        ])
      : await running.exited;
    ended.abort();
    if (exit === undefined) break;
    crashes += 1;
    injectedAt ??= Date.now();
    note(`npm start exited ${exit} (death ${crashes}); starting it again`);
    // A few starts past the expected deaths, so that a miscount is judged with a run that lasts.
    if (crashes >= expected + EXTRA_STARTS) break;
    running = await startNpmStart();
    if (running.ready) readyAt = Date.now();
  }
  const lines = (await readFile(log, 'utf8'))
    .split('\n')
    .filter((line) => line.includes(CRASH_LINE))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const readings = lines.map((line) => {
    const total = Number(line.deliveries_in_flight ?? 0);
    return { deliveries: { mousetrap: total }, publishes: {}, total };
  });
  const problems: string[] = [];
  if (crashes !== expected) problems.push(`npm start died ${crashes} times on the job, not ${expected}`);
  if (lines.length !== crashes)
    problems.push(`${crashes} deaths, but ${lines.length} crash lines in its log`);
  return {
    injectedAt: injectedAt ?? readyAt,
    restartedAt: readyAt,
    last: running,
    readings,
    measured: { deaths: crashes },
    problems,
  };
}

const never = async (): Promise<never> => {
  throw new Error('an embedded scenario injects its fault itself');
};

/** Opens the embedded database of `dataDir` for the suite alone (npm start is not running), and closes it. */
async function withDatabase<T>(dataDir: string, use: (url: string) => Promise<T>): Promise<T> {
  const database = await startEmbeddedDatabase({ dataDir });
  try {
    return await use(database.url);
  } finally {
    await database.close();
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Waits until npm start has no unfinished job, twice in a row, or the deadline passes (or `signal`
 * is aborted). The
 * dashboard's health panel counts them afresh on each request (the database is npm start's alone).
 */
async function waitUntilFinished(base: string, deadline: number, signal?: AbortSignal): Promise<boolean> {
  let calm = 0;
  while (Date.now() < deadline && !signal?.aborted) {
    const text = await fetch(`${base}/dashboard/panels`, { signal: AbortSignal.timeout(2000) })
      .then((response) => response.text())
      .catch(() => '');
    const unfinished = /data-health=\\"unfinished\\">(\d+)</.exec(text)?.[1];
    calm = unfinished === '0' ? calm + 1 : 0;
    if (calm >= 2) return true;
    await sleep(500);
  }
  return false;
}
