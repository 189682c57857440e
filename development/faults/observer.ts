import { setTimeout as sleep } from 'node:timers/promises';
import { connectBroker, QUEUE_NAMES, type QueueName, queueNames } from '@mousetrap/job_queue';
import type amqp from 'amqplib';
import postgres from 'postgres';
import { installLedger, type LedgerRow, readLedger } from './ledger.ts';
import type { Load } from './load.ts';

/** Job counts by status. */
export type StatusCounts = Record<'queued' | 'fetching' | 'processing' | 'done' | 'failed', number>;

/** Reads a scenario's jobs table and queues directly, as the services cannot be trusted to. */
export interface Observer {
  /** Job counts by status; throws while the database is away. */
  statuses(): Promise<StatusCounts>;
  /** Messages ready in every queue of the prefix (main, retry and dead-letter), by name; 0 for one not declared. */
  depths(): Promise<Record<string, number>>;
  /** Dead letters per pipeline queue. */
  deadLetters(): Promise<Record<QueueName, number>>;
  /** The job of each dead letter per pipeline queue (its envelope's `job_id`), taking them off the queues. */
  takeDeadLetterJobs(): Promise<Record<QueueName, (string | undefined)[]>>;
  /** Adds the effects ledger to the scenario's schema (once the services have migrated it). */
  installLedger(): Promise<void>;
  /** Every job with its effects. */
  ledger(): Promise<LedgerRow[]>;
  /** Up to `limit` finished jobs with the places their result was made of. */
  finishedPlaces(limit: number): Promise<{ jobId: string; places: unknown }[]>;
  /**
   * Terminates every session of the services (`application_name` mousetrap) at an instant when at
   * least one is running a statement or is inside a transaction, trying for up to `timeoutMs`;
   * resolves with how many it terminated and how many of those were busy so (0 and 0 when no
   * session was busy in time).
   */
  terminateBusySessions(timeoutMs?: number): Promise<{ terminated: number; busy: number }>;
  /** When each job was noted as handed off (`published_at`), by id; null when not noted, absent when not recorded. */
  publishedAt(jobIds: readonly string[]): Promise<Map<string, Date | null>>;
  /** A confirm channel on the broker, for publishing poison and duplicates; closed by `close`. */
  channel(): Promise<amqp.ConfirmChannel>;
  close(): Promise<void>;
}

/** Options of {@link createObserver}. */
export interface ObserverOptions {
  databaseUrl: string;
  schema: string;
  rabbitmqUrl: string;
  prefix: string;
  /** Retry delays the workers declare queues for (every configuration of the run), so that those queues are read too. */
  retryDelaysMs: number[];
}

/** Opens an observer of one scenario's schema and queues. */
export function createObserver(options: ObserverOptions): Observer {
  const sql = postgres(options.databaseUrl, {
    max: 2,
    onnotice: () => {},
    connect_timeout: 2,
    connection: { application_name: 'mousetrap-faults', statement_timeout: 5000 },
  });
  const jobs = sql(`${options.schema}.jobs`);
  const results = sql(`${options.schema}.results`);
  let connection: amqp.ChannelModel | undefined;
  let raw: amqp.ConfirmChannel | undefined;

  // A fresh connection each time: the broker is killed and its connections closed under us. Each
  // check on a channel of its own: a queue not declared (yet) closes the channel it is checked on.
  const withDepths = async <T>(
    use: (depthOf: (queue: string) => Promise<number>) => Promise<T>,
  ): Promise<T> => {
    const model = await connectBroker(options.rabbitmqUrl);
    model.on('error', () => {});
    const depthOf = async (queue: string) => {
      const channel = await model.createChannel();
      channel.on('error', () => {});
      try {
        return (await channel.checkQueue(queue)).messageCount;
      } catch (error) {
        if ((error as { code?: unknown }).code === 404) return 0;
        throw error;
      } finally {
        await channel.close().catch(() => {});
      }
    };
    try {
      return await use(depthOf);
    } finally {
      await model.close().catch(() => {});
    }
  };

  return {
    async statuses() {
      const counts: StatusCounts = { queued: 0, fetching: 0, processing: 0, done: 0, failed: 0 };
      const rows = await sql<{ status: keyof StatusCounts; count: number }[]>`
        select status, count(*)::int as count from ${jobs} group by status
      `;
      for (const row of rows) counts[row.status] = row.count;
      return counts;
    },
    depths() {
      return withDepths(async (depthOf) => {
        const depths: Record<string, number> = {};
        for (const name of queueNames(options.prefix, options.retryDelaysMs))
          depths[name] = await depthOf(name);
        return depths;
      });
    },
    deadLetters() {
      return withDepths(async (depthOf) => {
        const dead = { start_fetch: 0, data_processing: 0 };
        for (const queue of QUEUE_NAMES) dead[queue] = await depthOf(`${options.prefix}${queue}.dead`);
        return dead;
      });
    },
    async takeDeadLetterJobs() {
      const model = await connectBroker(options.rabbitmqUrl);
      model.on('error', () => {});
      try {
        const channel = await model.createChannel();
        const jobs: Record<QueueName, (string | undefined)[]> = { start_fetch: [], data_processing: [] };
        for (const queue of QUEUE_NAMES) {
          for (;;) {
            const message = await channel.get(`${options.prefix}${queue}.dead`, { noAck: true });
            if (message === false) break;
            jobs[queue].push(jobIdOf(message.content));
          }
        }
        return jobs;
      } finally {
        await model.close().catch(() => {});
      }
    },
    installLedger: () => installLedger(sql, options.schema),
    ledger: () => readLedger(sql, options.schema),
    async finishedPlaces(limit) {
      return sql<{ jobId: string; places: unknown }[]>`
        select job_id as "jobId", places from ${results} order by created_at limit ${limit}
      `;
    },
    async terminateBusySessions(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // One statement reads the sessions and terminates them, so each busy state counted is the
        // one it had when it was terminated (pg_stat_activity is read once per transaction).
        const rows = await sql<{ busy: boolean }[]>`
          with sessions as (
            select pid, state from pg_stat_activity where application_name = 'mousetrap'
          )
          select state <> 'idle' as busy, pg_terminate_backend(pid) from sessions
          where exists (select from sessions where state <> 'idle')
        `;
        if (rows.length > 0 || Date.now() > deadline) {
          return { terminated: rows.length, busy: rows.filter((row) => row.busy).length };
        }
        await sleep(2);
      }
    },
    async publishedAt(jobIds) {
      const rows = await sql<{ id: string; published_at: Date | null }[]>`
        select id, published_at from ${jobs} where id = any(${sql.array([...jobIds])}::uuid[])
      `;
      return new Map(rows.map((row) => [row.id, row.published_at]));
    },
    async channel() {
      if (!raw) {
        connection = await connectBroker(options.rabbitmqUrl);
        connection.on('error', () => {});
        raw = await connection.createConfirmChannel();
        raw.on('error', () => {});
      }
      return raw;
    },
    async close() {
      await connection?.close().catch(() => {});
      await sql.end({ timeout: 2 });
    },
  };
}

function jobIdOf(body: Buffer): string | undefined {
  try {
    const envelope: unknown = JSON.parse(body.toString());
    return typeof envelope === 'object' && envelope !== null && 'job_id' in envelope
      ? String(envelope.job_id)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The jobs not yet ended. */
export const unfinished = (counts: StatusCounts) => counts.queued + counts.fetching + counts.processing;

/**
 * Resolves with the time every job is accepted (or given up) and none is unfinished; with
 * undefined once `timeoutMs` has passed first.
 */
export async function everyJobEnded(
  observer: Observer,
  load: Pick<Load, 'finished'>,
  timeoutMs: number,
): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  let posted = false;
  void load.finished.then(() => {
    posted = true;
  });
  while (Date.now() < deadline) {
    const counts = posted ? await observer.statuses().catch(() => undefined) : undefined;
    if (counts && unfinished(counts) === 0) return Date.now();
    await sleep(200);
  }
  return undefined;
}
