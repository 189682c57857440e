import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { QueueName } from '@mousetrap/job_queue';
import type { InFlightReading } from './in-flight.ts';
import { countsOf, judgeLedger, type LedgerVerdict } from './ledger.ts';
import { type Load, startLoad } from './load.ts';
import { createObserver, type Observer, unfinished } from './observer.ts';
import { createPipeline, type Exit, type Pipeline } from './pipeline.ts';
import type { PrivatePostgres } from './private-postgres.ts';
import type { PrivatePostgresPair, Replication } from './private-postgres-pair.ts';
import type { PrivateRabbitMq } from './private-rabbitmq.ts';
import type { PrivateRabbitMqCluster } from './private-rabbitmq-cluster.ts';
import { type Injection, type Scenario, STOP_GRACE_MS } from './scenarios.ts';

/** What every scenario runs on. */
export interface Suite {
  root: string;
  rabbit: PrivateRabbitMq;
  /** A RabbitMQ cluster the services use instead of `rabbit` (then its first node). */
  cluster?: PrivateRabbitMqCluster;
  /** The database of the scenarios that name no `replication`. */
  postgres?: PrivatePostgres;
  /** Starts a primary and its standby for a scenario that names its `replication` (a failover uses a pair up). */
  startPostgresPair?: (replication: Replication) => Promise<PrivatePostgresPair>;
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
  /** Why losing them did not fail the scenario, for one that measures a loss its setup allows. */
  lossAllowedBy?: string;
  /** Figures the scenario measured besides the ledger's, by name. */
  measured?: Record<string, number>;
  /** Jobs applied more than once, by the effects ledger: two endings (done or failed). */
  twice: number;
  /** Jobs with a stage done more than once (a redelivery, a retry, a re-drive). */
  redone: number;
  /**
   * Messages the workers handled again, from their /metrics at the end (since their last start):
   * deliveries that had gone back unsettled, and handlings that failed and were retried.
   */
  handledAgain: number;
  /** What the services had in flight at the instant of the fault (every injection's, added up). */
  inFlightAtFault: InFlightReading;
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
/** The stage budget of the suite's sweepers: past every retry delay, short enough to act within a scenario. */
export const STAGE_TIMEOUT_MS = 10_000;

/** Runs one scenario on its own schema and queue prefix, from starting the services to the ledger. */
export async function runScenario(scenario: Scenario, suite: Suite): Promise<Outcome> {
  const started = Date.now();
  const note = (text: string) => suite.note(`${scenario.id}: ${text}`);
  const schema = `faults_${scenario.id.replaceAll('-', '_')}`;
  const prefix = `${schema}.`;
  const rabbitmqUrl = suite.cluster?.url ?? suite.rabbit.url;
  const postgresPair = scenario.replication && (await suite.startPostgresPair?.(scenario.replication));
  // The pair's URL lists both servers: the services and the observer follow the promotion.
  const databaseUrl = postgresPair ? postgresPair.url : suite.postgres?.url;
  if (databaseUrl === undefined) {
    throw new Error(
      `no database for the scenario: its group has ${scenario.replication ? 'no pairs' : 'none'}`,
    );
  }
  const env: Record<string, string> = {
    RABBITMQ_URL: rabbitmqUrl,
    DATABASE_URL: databaseUrl,
    DB_SCHEMA: schema,
    QUEUE_PREFIX: prefix,
    // Stages of a few ms: enough for a fault to meet messages in flight, short enough for 2,000 jobs.
    FETCH_DELAY_MS: '5',
    PROCESS_DELAY_MS: '5',
    STAGE_TIMEOUT_MS: String(STAGE_TIMEOUT_MS),
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
    databaseUrl,
    rabbitmqUrl,
    schema,
    prefix,
    retryDelaysMs: scenario.retryDelaysMs ?? (env.RETRY_DELAYS_MS ?? '').split(',').map(Number),
  });
  const problems: string[] = [];
  suite.live.add(pipeline);
  try {
    await scenario.prepare?.({ rabbit: suite.rabbit, cluster: suite.cluster, prefix, note });
    await pipeline.start();
    await pipeline.waitReady(READY_TIMEOUT_MS);
    await observer.installLedger();
    note(`services ready in ${seconds(Date.now() - started)}; posting ${suite.count} jobs`);
    const load = startLoad({
      apiUrl: pipeline.apiUrl,
      count: suite.count,
      concurrency: suite.concurrency,
      keyPrefix: `${scenario.id}-`,
      deadlineMs: 120_000,
      spreadOverMs: scenario.loadSpreadMs,
      correlationIdOf: scenario.correlationIdOf && ((n) => scenario.correlationIdOf?.(n, suite.count)),
    });
    const context = { ...suite, postgresPair, pipeline, observer, load, prefix, note };
    const injection = await scenario.inject(context);
    problems.push(...(injection.problems ?? []));
    const recoverMs = scenario.continuous
      ? null
      : injection.recoveredAt !== undefined
        ? injection.recoveredAt - injection.injectedAt
        : await measureRecovery(pipeline.waitReady, observer, load, injection.injectedAt);
    if (recoverMs !== null) note(`recovered ${seconds(recoverMs)} after the fault`);
    const { accepted, givenUp, refusals } = await load.finished;
    const loaded = Date.now();
    note(`${accepted.size} accepted, ${givenUp.length} given up; waiting for the pipeline to settle`);
    if (givenUp.length > 0) problems.push(`${givenUp.length} jobs never accepted`);
    const settled = await settle(observer);
    const settleMs = Date.now() - loaded;
    if (!settled) problems.push(`not settled within ${seconds(SETTLE_TIMEOUT_MS)}`);
    const handledAgain = await handledAgainBy(pipeline);
    const exits = pipeline.exits.slice();
    for (const exit of await pipeline.stop()) {
      if (exit.code !== 0) problems.push(`${exit.service} exited ${exit.code} on the final SIGTERM`);
    }
    for (const exit of exits) {
      if (!exit.expected && !scenario.restartOnCrash?.includes(exit.service)) {
        const words = exit.words ? `; its log ends: ${exit.words}` : '';
        problems.push(`${exit.service} exited ${exit.code} on its own${words}`);
      }
    }
    const lossAllowed = scenario.lossAllowedBy !== undefined;
    const verdict = judgeLedger(await observer.ledger(), [...accepted.values()], lossAllowed);
    if (lossAllowed) note(`${verdict.lost} accepted jobs lost, allowed by ${scenario.lossAllowedBy}`);
    const deadLetters = await observer.deadLetters();
    problems.push(
      ...verdict.problems,
      ...judgeFault(scenario, injection, { ...verdict, handledAgain }, accepted.size),
    );
    const expectedDeadLetters = {
      start_fetch: injection.deadLetters?.start_fetch ?? 0,
      data_processing: injection.deadLetters?.data_processing ?? 0,
    };
    const failingQueue = scenario.expectedFailure?.deadLetters;
    if (failingQueue) expectedDeadLetters[failingQueue] += verdict.failed;
    if (lossAllowed) {
      // A message of a job the database lost is dead-lettered as an unknown job: part of the loss.
      const lost = new Set(verdict.lostIds);
      const dead = await observer.takeDeadLetterJobs();
      for (const queue of ['start_fetch', 'data_processing'] as const) {
        expectedDeadLetters[queue] += dead[queue].filter((id) => id !== undefined && lost.has(id)).length;
      }
    }
    for (const queue of ['start_fetch', 'data_processing'] as const) {
      if (deadLetters[queue] !== expectedDeadLetters[queue]) {
        problems.push(
          `${deadLetters[queue]} dead letters in ${queue}.dead, expected ${expectedDeadLetters[queue]}`,
        );
      }
    }
    return {
      id: scenario.id,
      title: scenario.title,
      posted: suite.count,
      accepted: accepted.size,
      ...countsOf(verdict),
      ...(scenario.lossAllowedBy === undefined ? {} : { lossAllowedBy: scenario.lossAllowedBy }),
      ...(injection.measured === undefined ? {} : { measured: injection.measured }),
      handledAgain,
      inFlightAtFault: injection.inFlight,
      deadLetters,
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
    await postgresPair?.stop();
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
  await jobDoneAgain(observer, load, READY_TIMEOUT_MS);
  return Date.now() - injectedAt;
}

/**
 * Resolves with the time one more job is done than when it was called, or nothing accepted is
 * left to do; with undefined once `timeoutMs` has passed without either.
 */
export async function jobDoneAgain(
  observer: Observer,
  load: Pick<Load, 'acceptedCount'>,
  timeoutMs: number,
): Promise<number | undefined> {
  let before: number | undefined;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const counts = await observer.statuses().catch(() => undefined);
    if (counts) {
      before ??= counts.done;
      if (counts.done > before || (unfinished(counts) === 0 && load.acceptedCount >= counts.done)) {
        return Date.now();
      }
    }
    await sleep(50);
  }
  return undefined;
}

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

/**
 * What the fault itself must show: a fault that kills, stops, closes, crashes or signals met work
 * in flight (each time it was injected), one that must cause redeliveries caused some, and the
 * failures it causes on purpose are explained and as many as it predicts.
 */
export function judgeFault(
  scenario: Scenario,
  injection: Injection,
  verdict: LedgerVerdict & { handledAgain: number },
  accepted: number,
): string[] {
  const problems: string[] = [];
  const readings = injection.readings ?? [injection.inFlight];
  if (scenario.hitsWork && (readings.length === 0 || readings.some((reading) => reading.total === 0))) {
    problems.push('the fault met no work in flight (inFlightAtFault 0)');
  }
  if (scenario.mustRedo && verdict.redone === 0 && verdict.handledAgain === 0) {
    problems.push('nothing was handled again: the fault caused no redelivery or retry');
  }
  const expected = scenario.expectedFailure;
  const unexplained = verdict.failures.filter((failure) => !expected?.error.test(failure.error ?? ''));
  if (unexplained.length > 0) {
    problems.push(`${unexplained.length} unexplained failures, e.g. ${unexplained[0]?.error ?? 'no error'}`);
  }
  const bounds = expected?.bounds?.(accepted);
  if (bounds && (verdict.failed < bounds[0] || verdict.failed > bounds[1])) {
    problems.push(`${verdict.failed} jobs failed, expected ${bounds[0]} to ${bounds[1]}`);
  }
  return problems;
}

/** The outcome of a scenario that could not run to its end: failed, with the error. */
export function brokenOutcome(
  scenario: { id: string; title: string },
  posted: number,
  error: unknown,
): Outcome {
  const none = { start_fetch: 0, data_processing: 0 };
  return {
    id: scenario.id,
    title: scenario.title,
    posted,
    accepted: 0,
    done: 0,
    failed: 0,
    lost: 0,
    twice: 0,
    redone: 0,
    handledAgain: 0,
    inFlightAtFault: { deliveries: {}, publishes: {}, total: 0 },
    deadLetters: none,
    expectedDeadLetters: none,
    recoverMs: null,
    settleMs: 0,
    durationMs: 0,
    refusals: {},
    exits: [],
    problems: [`the scenario broke off: ${error instanceof Error ? error.message : String(error)}`],
  };
}

/** What the workers handled again since they last started: redeliveries and retried handlings. */
async function handledAgainBy(pipeline: Pipeline): Promise<number> {
  let sum = 0;
  for (const service of ['fetch', 'processing'] as const) {
    sum += await pipeline.metric(service, 'messages_redelivered_total');
    sum += await pipeline.metric(service, 'messages_handled_total', 'outcome="retry"');
  }
  return sum;
}

/** Milliseconds as seconds with one decimal, e.g. `2.4 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
