import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { QueueName } from '@mousetrap/job_queue';
import { type Load, startLoad } from './load.ts';
import { createObserver, type Observer, type StatusCounts } from './observer.ts';
import { createPipeline, type Exit } from './pipeline.ts';
import type { PrivatePostgres } from './private-postgres.ts';
import type { PrivateRabbitMq } from './private-rabbitmq.ts';
import { type Scenario, STOP_GRACE_MS } from './scenarios.ts';

/** What every scenario runs on. */
export interface Suite {
  root: string;
  rabbit: PrivateRabbitMq;
  postgres: PrivatePostgres;
  /** Jobs posted per scenario. */
  count: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Where the services' logs go. */
  logDir: string;
  /** LOG_LEVEL of the services. */
  logLevel: string;
  /** Prints one progress line. */
  note(text: string): void;
  /** What to kill if the suite is interrupted: the running scenario adds its pipeline here. */
  live: Set<{ abort(): void }>;
}

/** The ledger of one scenario: what happened to every job, and whether that is what should have. */
export interface Outcome {
  id: string;
  title: string;
  posted: number;
  accepted: number;
  done: number;
  failed: number;
  /** Accepted jobs that never reached done or failed. */
  lost: number;
  /** Jobs with more than one result row. */
  doubled: number;
  /** Jobs with a stage done more than once (a redelivery, a retry): evidence that the fault hit work in flight. */
  redone: number;
  deadLetters: Record<QueueName, number>;
  expectedDeadLetters: Record<QueueName, number>;
  /** From the fault until every service was ready and a job finished again; null for a continuous fault. */
  recoverMs: number | null;
  /** From the end of the load until every job was finished and every queue drained. */
  settleMs: number;
  durationMs: number;
  /** Answers other than 202 that the client retried, by status. */
  refusals: Record<string, number>;
  exits: Exit[];
  /** Everything that makes the scenario fail; empty when it passed. */
  problems: string[];
}

const SETTLE_TIMEOUT_MS = 90_000;
const READY_TIMEOUT_MS = 60_000;
const BASE_RETRY_DELAYS_MS = '200,1000,3000';

/** Runs one scenario on its own schema and queue prefix, from starting the services to the ledger. */
export async function runScenario(scenario: Scenario, suite: Suite): Promise<Outcome> {
  const started = Date.now();
  const note = (text: string) => suite.note(`${scenario.id}: ${text}`);
  const schema = `faults_${scenario.id.replaceAll('-', '_')}`;
  const prefix = `${schema}.`;
  const env: Record<string, string> = {
    RABBITMQ_URL: suite.rabbit.url,
    DATABASE_URL: suite.postgres.url,
    DB_SCHEMA: schema,
    QUEUE_PREFIX: prefix,
    FETCH_DELAY_MS: '0',
    PROCESS_DELAY_MS: '0',
    LOG_LEVEL: suite.logLevel,
    SHUTDOWN_GRACE_MS: String(STOP_GRACE_MS),
    RETRY_DELAYS_MS: BASE_RETRY_DELAYS_MS,
    ...scenario.env,
  };
  const pipeline = await createPipeline({
    root: suite.root,
    env,
    logPrefix: join(suite.logDir, scenario.id),
    restartOnCrash: scenario.restartOnCrash,
  });
  const observer = createObserver({
    databaseUrl: suite.postgres.url,
    rabbitmqUrl: suite.rabbit.url,
    schema,
    prefix,
    retryDelaysMs: (env.RETRY_DELAYS_MS ?? '').split(',').map(Number),
  });
  const problems: string[] = [];
  suite.live.add(pipeline);
  try {
    await pipeline.start();
    await pipeline.waitReady(READY_TIMEOUT_MS);
    note(`services ready in ${seconds(Date.now() - started)}; posting ${suite.count} jobs`);
    const load = startLoad({
      apiUrl: pipeline.apiUrl,
      count: suite.count,
      concurrency: suite.concurrency,
      keyPrefix: `${scenario.id}-`,
      deadlineMs: 120_000,
    });
    const context = { ...suite, pipeline, observer, load, prefix, note };
    const injection = await scenario.inject(context);
    problems.push(...(injection.problems ?? []));
    const recoverMs = scenario.continuous
      ? null
      : await measureRecovery(pipeline.waitReady, observer, load, injection.injectedAt);
    if (recoverMs !== null) note(`recovered ${seconds(recoverMs)} after the fault`);
    const { accepted, givenUp, refusals } = await load.finished;
    const loaded = Date.now();
    note(`${accepted.size} accepted, ${givenUp.length} given up; waiting for the pipeline to settle`);
    if (givenUp.length > 0) problems.push(`${givenUp.length} jobs never accepted`);
    const settled = await settle(observer);
    const settleMs = Date.now() - loaded;
    if (!settled) problems.push(`not settled within ${seconds(SETTLE_TIMEOUT_MS)}`);
    const exits = pipeline.exits.slice();
    for (const exit of await pipeline.stop()) {
      if (exit.code !== 0) problems.push(`${exit.service} exited ${exit.code} on the final SIGTERM`);
    }
    for (const exit of exits) {
      if (!exit.expected && !scenario.restartOnCrash?.includes(exit.service)) {
        problems.push(`${exit.service} exited ${exit.code} on its own`);
      }
    }
    const outcome = await account(observer, scenario, [...accepted.values()]);
    const expectedDeadLetters = {
      start_fetch:
        (injection.deadLetters?.start_fetch ?? 0) + (scenario.expectedFailure ? outcome.failed : 0),
      data_processing: injection.deadLetters?.data_processing ?? 0,
    };
    problems.push(...outcome.problems);
    for (const queue of ['start_fetch', 'data_processing'] as const) {
      if (outcome.deadLetters[queue] !== expectedDeadLetters[queue]) {
        problems.push(
          `${outcome.deadLetters[queue]} dead letters in ${queue}.dead, expected ${expectedDeadLetters[queue]}`,
        );
      }
    }
    return {
      id: scenario.id,
      title: scenario.title,
      posted: suite.count,
      accepted: accepted.size,
      done: outcome.done,
      failed: outcome.failed,
      lost: outcome.lost,
      doubled: outcome.doubled,
      redone: outcome.redone,
      deadLetters: outcome.deadLetters,
      expectedDeadLetters,
      recoverMs,
      settleMs,
      durationMs: Date.now() - started,
      refusals,
      exits: pipeline.exits,
      problems,
    };
  } finally {
    suite.live.delete(pipeline);
    await pipeline.stop();
    await observer.close();
  }
}

/**
 * From the fault until every service answers /ready again and one more job is done: the time the
 * pipeline took to work again. Ends early when nothing is left to do.
 */
async function measureRecovery(
  waitReady: (timeoutMs: number) => Promise<void>,
  observer: Observer,
  load: Load,
  injectedAt: number,
): Promise<number | null> {
  try {
    await waitReady(READY_TIMEOUT_MS);
  } catch {
    return null;
  }
  let before: number | undefined;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const counts = await observer.statuses().catch(() => undefined);
    if (counts) {
      before ??= counts.done;
      if (counts.done > before || (unfinished(counts) === 0 && load.acceptedCount >= counts.done)) break;
    }
    await sleep(50);
  }
  return Date.now() - injectedAt;
}

const unfinished = (counts: StatusCounts) => counts.queued + counts.fetching + counts.processing;

/** Waits until no job is unfinished and no pipeline or retry queue holds a message, twice in a row. */
async function settle(observer: Observer): Promise<boolean> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  let calm = 0;
  while (Date.now() < deadline) {
    try {
      const counts = await observer.statuses();
      const depths = await observer.depths();
      const waiting = Object.entries(depths)
        .filter(([name]) => !name.endsWith('.dead'))
        .reduce((sum, [, depth]) => sum + depth, 0);
      calm = unfinished(counts) === 0 && waiting === 0 ? calm + 1 : 0;
      if (calm >= 2) return true;
    } catch {
      calm = 0;
    }
    await sleep(500);
  }
  return false;
}

/** Reads every job and dead letter and counts what the scenario is judged by. */
async function account(observer: Observer, scenario: Scenario, acceptedIds: string[]) {
  const rows = await observer.ledger();
  const deadLetters = await observer.deadLetters();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const problems: string[] = [];
  const lost = acceptedIds.filter((id) => {
    const status = byId.get(id)?.status;
    return status !== 'done' && status !== 'failed';
  }).length;
  const done = rows.filter((row) => row.status === 'done');
  const failed = rows.filter((row) => row.status === 'failed');
  const doubled = rows.filter((row) => row.results > 1).length;
  const redone = rows.filter((row) => row.attempts > 2).length;
  const withoutResult = done.filter((row) => row.results === 0).length;
  const unaccepted = rows.length - new Set(acceptedIds).size;
  if (lost > 0) problems.push(`${lost} accepted jobs lost`);
  if (doubled > 0) problems.push(`${doubled} jobs with more than one result`);
  if (withoutResult > 0) problems.push(`${withoutResult} done jobs without a result`);
  if (unaccepted !== 0) problems.push(`${unaccepted} jobs in the table beyond the accepted ones`);
  const unexplained = failed.filter((row) => !scenario.expectedFailure?.test(row.error ?? ''));
  if (unexplained.length > 0) {
    problems.push(`${unexplained.length} unexplained failures, e.g. ${unexplained[0]?.error ?? 'no error'}`);
  }
  return { done: done.length, failed: failed.length, lost, doubled, redone, deadLetters, problems };
}

/** Milliseconds as seconds with one decimal, e.g. `2.4 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
