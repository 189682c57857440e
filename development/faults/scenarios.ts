import { setTimeout as sleep } from 'node:timers/promises';
import { createEnvelope, type QueueName } from '@mousetrap/job_queue';
import type { Load } from './load.ts';
import type { Observer } from './observer.ts';
import type { Pipeline, ServiceName } from './pipeline.ts';
import type { PrivatePostgres } from './private-postgres.ts';
import type { PrivateRabbitMq } from './private-rabbitmq.ts';

/** What a scenario may act on while its load runs. */
export interface ScenarioContext {
  pipeline: Pipeline;
  rabbit: PrivateRabbitMq;
  postgres: PrivatePostgres;
  observer: Observer;
  load: Load;
  /** Jobs the load posts. */
  count: number;
  /** The scenario's queue prefix. */
  prefix: string;
  /** Prints one progress line. */
  note(text: string): void;
}

/** When the fault was injected and when the suite undid it (restarted what it killed). */
export interface Injection {
  injectedAt: number;
  restoredAt: number;
  /** Messages the scenario itself sent that must end as dead letters. */
  deadLetters?: Record<QueueName, number>;
  /** What else the scenario found wrong on the way (a stop that did not exit 0, a hook that never fired). */
  problems?: string[];
}

/** One fault, injected while N jobs are posted. */
export interface Scenario {
  id: string;
  title: string;
  /** Added to every service's environment. */
  env?: Record<string, string>;
  /** Services that die on their own in this scenario and are restarted at once, as a supervisor would. */
  restartOnCrash?: ServiceName[];
  /** The fault is there the whole run (a failure rate, a crash hook): no single moment to recover from. */
  continuous?: boolean;
  /**
   * The scenario makes some jobs fail for good: each failed job's start_fetch message must be a dead
   * letter, and its error must match this.
   */
  expectedFailure?: RegExp;
  inject(context: ScenarioContext): Promise<Injection>;
}

/** Waits until `share` of the jobs are accepted, then notes and returns the time. */
async function at(context: ScenarioContext, share: number, what: string): Promise<number> {
  await context.load.whenAccepted(Math.round(context.count * share));
  context.note(`${what} at ${context.load.acceptedCount} accepted`);
  return Date.now();
}

const OUTAGE_MS = 2000;

/** SHUTDOWN_GRACE_MS of every service in the suite. */
export const STOP_GRACE_MS = 5000;

/** Killing a service and starting it again after a pause. */
function killAndRestart(service: ServiceName): Scenario['inject'] {
  return async (context) => {
    const injectedAt = await at(context, 0.3, `kill -9 the ${service} worker`);
    await context.pipeline.kill(service, 'SIGKILL');
    await sleep(1000);
    await context.pipeline.start(service);
    // Restarted on a second of backlog, the worker is now busy with a full prefetch: kill it again.
    await context.pipeline.waitReady(30_000);
    await sleep(100);
    context.note(`kill -9 the ${service} worker again, busy with the backlog`);
    await context.pipeline.kill(service, 'SIGKILL');
    await sleep(500);
    await context.pipeline.start(service);
    return { injectedAt, restoredAt: Date.now() };
  };
}

/** Stopping the database one way, and starting it again after `outageMs`. */
function restartDatabase(mode: 'fast' | 'immediate', outageMs = OUTAGE_MS): Scenario['inject'] {
  return async (context) => {
    const injectedAt = await at(context, 0.3, `pg_ctl stop -m ${mode} for ${outageMs / 1000} s`);
    await context.postgres.stop(mode);
    await sleep(outageMs);
    await context.postgres.start();
    return { injectedAt, restoredAt: Date.now() };
  };
}

// The database is away for OUTAGE_MS plus its restart: the retry tiers must outlast that.
const RETRIES_OUTLASTING_AN_OUTAGE = { RETRY_DELAYS_MS: '500,2000,5000' };
// Spent within a second, long before the database is back: the final attempts must wait for it.
const RETRIES_SHORTER_THAN_THE_OUTAGE = { RETRY_DELAYS_MS: '100,200,400' };
const LONG_OUTAGE_MS = 8000;

const POISON: readonly ((queue: QueueName) => string)[] = [
  () => '{"not json',
  () => JSON.stringify({ hello: 'a wrong envelope' }),
  () =>
    JSON.stringify({
      ...createEnvelope({
        type: 'start_fetch',
        jobId: crypto.randomUUID(),
        correlationId: 'poison',
        payload: {},
      }),
      id: 'poison:unknown',
      type: 'unknown_type',
    }),
];

/** Sends raw bodies to a pipeline queue, persistent and confirmed. */
async function sendRaw(context: ScenarioContext, queue: QueueName, bodies: { body: string; id: string }[]) {
  const channel = await context.observer.channel();
  for (const { body, id } of bodies) {
    channel.sendToQueue(`${context.prefix}${queue}`, Buffer.from(body), {
      persistent: true,
      contentType: 'application/json',
      messageId: id,
    });
  }
  await channel.waitForConfirms();
}

const copyOf = (type: QueueName, jobId: string, payload: unknown) => {
  const envelope = createEnvelope({ type, jobId, correlationId: `duplicate-${jobId}`, payload });
  return { body: JSON.stringify(envelope), id: envelope.id };
};

/** The ten faults of the issue, the database restart and the worker kills each in two rows. */
export const scenarios: readonly Scenario[] = [
  {
    id: 'broker-kill',
    title: 'RabbitMQ killed (kill -9) mid-stream, restarted',
    async inject(context) {
      const injectedAt = await at(context, 0.3, 'kill -9 the broker');
      await context.rabbit.kill();
      await sleep(OUTAGE_MS);
      await context.rabbit.start();
      return { injectedAt, restoredAt: Date.now() };
    },
  },
  {
    id: 'broker-close',
    title: 'all broker connections closed (twice)',
    async inject(context) {
      const injectedAt = await at(context, 0.3, 'rabbitmqctl close_all_connections');
      await context.rabbit.closeAllConnections();
      await at(context, 0.6, 'rabbitmqctl close_all_connections again');
      await context.rabbit.closeAllConnections();
      return { injectedAt, restoredAt: Date.now() };
    },
  },
  {
    id: 'db-stop-fast',
    title: 'PostgreSQL stopped (-m fast) mid-stream, restarted',
    env: RETRIES_OUTLASTING_AN_OUTAGE,
    inject: restartDatabase('fast'),
  },
  {
    id: 'db-stop-immediate',
    title: 'PostgreSQL stopped (-m immediate) mid-stream, restarted',
    env: RETRIES_OUTLASTING_AN_OUTAGE,
    inject: restartDatabase('immediate'),
  },
  {
    id: 'db-long-outage',
    title: `PostgreSQL away ${LONG_OUTAGE_MS / 1000} s, longer than every retry delay together`,
    env: RETRIES_SHORTER_THAN_THE_OUTAGE,
    inject: restartDatabase('fast', LONG_OUTAGE_MS),
  },
  {
    id: 'db-sessions-killed',
    title: 'all application sessions killed (pg_terminate_backend, twice)',
    async inject(context) {
      const injectedAt = await at(context, 0.3, 'pg_terminate_backend every session');
      const first = await context.observer.terminateSessions();
      await at(context, 0.6, `(${first} killed) pg_terminate_backend again`);
      await context.observer.terminateSessions();
      return { injectedAt, restoredAt: Date.now() };
    },
  },
  {
    id: 'processing-kill',
    title: 'processing worker killed (kill -9) mid-batch, restarted',
    inject: killAndRestart('processing'),
  },
  {
    id: 'fetch-kill',
    title: 'fetch worker killed (kill -9) mid-batch, restarted',
    inject: killAndRestart('fetch'),
  },
  {
    id: 'poison',
    title: 'poison: malformed JSON, a wrong envelope, an unknown type, on both queues',
    async inject(context) {
      const injectedAt = await at(context, 0.3, 'publish 3 poison messages to each queue');
      for (const queue of ['start_fetch', 'data_processing'] as const) {
        await sendRaw(
          context,
          queue,
          POISON.map((make, i) => ({ body: make(queue), id: `poison-${i}` })),
        );
      }
      return { injectedAt, restoredAt: Date.now(), deadLetters: { start_fetch: 3, data_processing: 3 } };
    },
  },
  {
    id: 'fetch-failures',
    title: 'the fetch source failing 30% of the time (retries 50, 100, 200 ms)',
    env: { FETCH_FAILURE_RATE: '0.3', RETRY_DELAYS_MS: '50,100,200' },
    continuous: true,
    expectedFailure: /^fetch failed after 4 attempts/,
    async inject() {
      const now = Date.now();
      return { injectedAt: now, restoredAt: now };
    },
  },
  {
    id: 'duplicates',
    title: 'the same message id delivered twice (copies of start_fetch and data_processing)',
    async inject(context) {
      const injectedAt = await at(context, 0.3, 'copy start_fetch of each job accepted from now to 50%');
      // Each copy follows its job's own message at once, so the two are often handled side by side.
      const seen = new Set(context.load.acceptedIds());
      let copied = 0;
      while (context.load.acceptedCount < context.count * 0.5) {
        const fresh = context.load.acceptedIds().filter((id) => !seen.has(id));
        for (const id of fresh) seen.add(id);
        await sendRaw(
          context,
          'start_fetch',
          fresh.map((jobId) => copyOf('start_fetch', jobId, {})),
        );
        copied += fresh.length;
        await sleep(5);
      }
      context.note(`${copied} start_fetch copies sent`);
      await at(context, 0.6, 'copy both messages of 100 finished jobs');
      const done = await context.observer.finishedPlaces(100);
      await sendRaw(
        context,
        'start_fetch',
        done.map(({ jobId }) => copyOf('start_fetch', jobId, {})),
      );
      await sendRaw(
        context,
        'data_processing',
        done.map(({ jobId, places }) => copyOf('data_processing', jobId, { places })),
      );
      return { injectedAt, restoredAt: Date.now() };
    },
  },
  {
    id: 'sigterm-all',
    title: 'SIGTERM to every service under load, then restarted',
    async inject(context) {
      const injectedAt = await at(context, 0.3, 'SIGTERM to all three services');
      const stops = await Promise.all(
        (['api', 'fetch', 'processing'] as const).map(async (service) => {
          const code = await context.pipeline.kill(service, 'SIGTERM');
          return { service, code, ms: Date.now() - injectedAt };
        }),
      );
      context.note(
        `${stops.map((s) => `${s.service} exited ${s.code} in ${s.ms} ms`).join(', ')}; restarting`,
      );
      await context.pipeline.start();
      const problems = stops.flatMap(({ service, code, ms }) => [
        ...(code === 0 ? [] : [`${service} exited ${code} on SIGTERM`]),
        // Work in flight takes milliseconds here: a stop that lasts the grace period waited for nothing.
        ...(ms >= STOP_GRACE_MS ? [`${service} took ${ms} ms to stop, the whole grace period`] : []),
      ]);
      return { injectedAt, restoredAt: Date.now(), problems };
    },
  },
  {
    id: 'api-crash-after-commit',
    title: 'API killed between commit and publish (TEST_CRASH_AFTER_COMMIT), restarted: the relay publishes',
    env: { TEST_CRASH_AFTER_COMMIT: '0.004' },
    restartOnCrash: ['api'],
    continuous: true,
    async inject(context) {
      const injectedAt = Date.now();
      await context.load.finished;
      const crashes = context.pipeline.exits.filter((exit) => exit.service === 'api' && !exit.expected);
      context.note(`the API crashed ${crashes.length} times after a commit`);
      const problems =
        crashes.length === 0 ? ['the API never crashed: is TEST_CRASH_AFTER_COMMIT wired?'] : [];
      return { injectedAt, restoredAt: Date.now(), problems };
    },
  },
];
