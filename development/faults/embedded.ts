import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmbeddedDatabase } from '@mousetrap/embedded_db';
import { createStore } from '@mousetrap/store';
import postgres from 'postgres';
import { aim, readInFlight } from './in-flight.ts';
import { countsOf, installLedger, judgeLedger, readLedger } from './ledger.ts';
import { startLoad } from './load.ts';
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

/** `npm start` on embedded defaults, signalled under load, then started again. */
export interface EmbeddedScenario {
  id: string;
  title: string;
  /** How `npm start` is stopped under load. */
  signal: 'SIGINT' | 'SIGKILL';
}

/** `npm start` stopped both ways; every accepted job must end, the in-memory transport's messages notwithstanding. */
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

/** The jobs an embedded scenario posts when the suite posts `count`. */
export const embeddedJobs = (count: number) => Math.min(count, MOST_JOBS);

/** Runs one embedded scenario: the ledger installed, npm start signalled under load, started again, judged. */
export async function runEmbeddedScenario(
  scenario: EmbeddedScenario,
  suite: EmbeddedSuite,
): Promise<Outcome> {
  const started = Date.now();
  const note = (text: string) => suite.note(`${scenario.id}: ${text}`);
  const count = embeddedJobs(suite.count);
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
  };
  for (const name of SERVICE_VARIABLES) env[name] = undefined;
  const log = join(suite.logDir, `${scenario.id}-npm-start.log`);
  const problems: string[] = [];
  let current: ChildProcess | undefined;
  const live = { abort: () => current?.kill('SIGKILL') };
  suite.live.add(live);
  const startNpmStart = async () => {
    // What `npm start` runs (tsx development/start.ts), as one process that receives the signals itself.
    const fd = openSync(log, 'a');
    current = spawn(process.execPath, ['--import', 'tsx', join(suite.root, 'development', 'start.ts')], {
      cwd: suite.root,
      env,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    const deadline = Date.now() + 60_000;
    while (!(await answers(`${base}/ready`))) {
      if (Date.now() > deadline) throw new Error(`npm start did not get ready within 60 s (see ${log})`);
      await sleep(100);
    }
    return current;
  };
  try {
    const first = await startNpmStart();
    note(`npm start ready in ${seconds(Date.now() - started)}; posting ${count} jobs at the default delays`);
    const load = startLoad({
      apiUrl: base,
      count,
      concurrency: suite.concurrency,
      keyPrefix: `${scenario.id}-`,
      deadlineMs: 180_000,
    });
    await load.whenAccepted(Math.round(count * SIGNAL_AT));
    const reading = await aim(
      () => readInFlight({ mousetrap: base }),
      (r) => r.total > 0,
    );
    const injectedAt = Date.now();
    const exited = new Promise<number | string>((resolve) =>
      first.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
    );
    first.kill(scenario.signal);
    const acceptedAtSignal = load.acceptedCount;
    note(`${scenario.signal} at ${acceptedAtSignal} accepted, ${reading.total} in flight`);
    if (acceptedAtSignal >= count) problems.push(`every job was accepted before the ${scenario.signal}`);
    const code = await exited;
    note(
      `npm start exited ${code} ${seconds(Date.now() - injectedAt)} after the ${scenario.signal}; starting it again`,
    );
    if (scenario.signal === 'SIGINT' && code !== 0) problems.push(`npm start exited ${code} on SIGINT`);
    const restartedAt = Date.now();
    const second = await startNpmStart();
    const recoverMs = Date.now() - injectedAt;
    const { accepted, givenUp, refusals } = await load.finished;
    if (givenUp.length > 0) problems.push(`${givenUp.length} jobs never accepted`);
    const loaded = Date.now();
    const done = await waitUntilFinished(base, restartedAt + DONE_WITHIN_MS);
    const settleMs = Date.now() - loaded;
    if (!done) problems.push(`jobs unfinished ${seconds(DONE_WITHIN_MS)} after the restart`);
    else note(`every job finished ${seconds(Date.now() - restartedAt)} after the restart`);
    const stopped = new Promise<number | string>((resolve) =>
      second.once('exit', (exitCode, signal) => resolve(exitCode ?? signal ?? 'unknown')),
    );
    second.kill('SIGINT');
    const finalCode = await stopped;
    current = undefined;
    if (finalCode !== 0) problems.push(`npm start exited ${finalCode} on the final SIGINT`);
    const rows = await withDatabase(dataDir, async (url) => {
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      return readLedger(sql, 'public').finally(() => sql.end());
    });
    const verdict = judgeLedger(rows, [...accepted.values()]);
    const asScenario: Scenario = { id: scenario.id, title: scenario.title, hitsWork: true, inject: never };
    problems.push(
      ...verdict.problems,
      ...judgeFault(
        asScenario,
        { injectedAt, restoredAt: restartedAt, inFlight: reading },
        { ...verdict, handledAgain: 0 },
        accepted.size,
      ),
    );
    return {
      id: scenario.id,
      title: scenario.title,
      posted: count,
      accepted: accepted.size,
      ...countsOf(verdict),
      handledAgain: 0,
      inFlightAtFault: reading,
      // The in-memory transport's dead-letter queues go with its process: none is expected.
      deadLetters: { start_fetch: 0, data_processing: 0 },
      expectedDeadLetters: { start_fetch: 0, data_processing: 0 },
      recoverMs,
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
 * Waits until npm start has no unfinished job, twice in a row, or the deadline passes. The
 * dashboard's health panel counts them afresh on each request (the database is npm start's alone).
 */
async function waitUntilFinished(base: string, deadline: number): Promise<boolean> {
  let calm = 0;
  while (Date.now() < deadline) {
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
