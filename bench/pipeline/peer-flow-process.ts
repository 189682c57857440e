/**
 * The same two-stage flow on BullMQ, the peer Node users choose for this kind of work: one process
 * of each role, started by bench/pipeline/peer-flow.ts with PEER_ROLE, REDIS_URL (a private
 * redis-server), DATABASE_URL and PEER_SCHEMA (whose `jobs` table the benchmark created).
 *   api    Express; `POST /refresh` adds a job to the `fetch` queue and answers 202 once Redis has
 *          taken it.
 *   fetch  a worker of `fetch` at concurrency 50 (our PREFETCH): "fetches" the places as our fetch
 *          worker does (fetch_data's simulated source, delay 0) and adds them to the `store` queue.
 *   store  a worker of `store` at concurrency 50: summarises the places (process_data) and stores the
 *          result with the job's request time, batched as our store batches (calls made while a
 *          batch is in flight share one statement and one commit), `on conflict do nothing` so
 *          that a job processed twice is stored once. BullMQ completes the job once that resolves.
 * Jobs are removed from Redis once completed, as BullMQ's guide advises in production; no logging
 * per job, no metrics, as the bare flow.
 */
import { randomUUID } from 'node:crypto';
import { createPlaceSource } from '@mousetrap/fetch_data';
import { type Place, parsePlaces, summarise } from '@mousetrap/process_data';
import { createBatcher } from '@mousetrap/store';
import { type ConnectionOptions, Queue, Worker } from 'bullmq';
import express from 'express';
import { Redis } from 'ioredis';
import postgres from 'postgres';

const CONCURRENCY = 50;
const role = process.env.PEER_ROLE;
// No defaults: a Redis on its usual port is someone else's (the benchmark starts its own).
const { REDIS_URL: redisUrl, DATABASE_URL: databaseUrl, PEER_SCHEMA: schema } = process.env;
if (!redisUrl || !databaseUrl || !schema)
  throw new Error('REDIS_URL, DATABASE_URL and PEER_SCHEMA must be set');
const say = (line: Record<string, unknown>) => console.log(JSON.stringify(line));

/** What stage 1 hands to stage 2. */
interface Fetched {
  jobId: string;
  /** When the API added the job (ms since the epoch): the request's time. */
  requestedAt: number;
  places: Place[];
}

// BullMQ needs maxRetriesPerRequest null on its connections; each Queue and Worker gets its own.
const connection = (): ConnectionOptions => new Redis(redisUrl, { maxRetriesPerRequest: null });
const defaultJobOptions = { removeOnComplete: true };
const closers: (() => Promise<unknown>)[] = [];
process.on('SIGTERM', () => {
  void (async () => {
    // In order: a worker finishes its jobs before the database goes.
    for (const close of closers) await close().catch(() => {});
    process.exit(0);
  })();
});

if (role === 'api') {
  const fetchQueue = new Queue('fetch', { connection: connection(), defaultJobOptions });
  closers.push(() => fetchQueue.close());
  const app = express();
  app.post('/refresh', (_req, res) => {
    fetchQueue.add('fetch', { correlationId: randomUUID() }).then(
      (job) => res.status(202).json({ id: job.id, status: 'queued' }),
      () => res.status(503).end(),
    );
  });
  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    say({ message: 'listening', port: typeof address === 'object' && address ? address.port : 0 });
  });
} else if (role === 'fetch') {
  const storeQueue = new Queue<Fetched>('store', { connection: connection(), defaultJobOptions });
  const fetchPlaces = createPlaceSource({ delayMs: 0 });
  const worker = new Worker(
    'fetch',
    async (job) => {
      const places = await fetchPlaces();
      await storeQueue.add('store', { jobId: String(job.id), requestedAt: job.timestamp, places });
    },
    { connection: connection(), concurrency: CONCURRENCY },
  );
  closers.push(
    () => worker.close(),
    () => storeQueue.close(),
  );
  await worker.waitUntilReady();
  say({ message: 'consuming' });
} else if (role === 'store') {
  const sql = postgres(databaseUrl, { max: 10, onnotice: () => {} });
  type Row = { id: string; requested_at: number; result: postgres.JSONValue };
  // As the store's hot-path calls: up to 100 items a statement, two statements in flight.
  const store = createBatcher<Row, undefined>(
    async (rows) => {
      await sql`
        insert into ${sql(schema)}.jobs (id, created_at, result)
        select id, to_timestamp(requested_at / 1000.0), result
        from jsonb_to_recordset(${sql.json(rows)}::jsonb) as t(id text, requested_at float8, result jsonb)
        on conflict (id) do nothing
      `;
      return rows.map(() => undefined);
    },
    { maxSize: 100, concurrency: 2, isolate: () => false },
  );
  const worker = new Worker<Fetched>(
    'store',
    async (job) => {
      const places = parsePlaces(job.data.places);
      const result = { ...summarise(places), places };
      await store({ id: job.data.jobId, requested_at: job.data.requestedAt, result });
    },
    { connection: connection(), concurrency: CONCURRENCY },
  );
  closers.push(
    () => worker.close(),
    () => sql.end({ timeout: 5 }),
  );
  await worker.waitUntilReady();
  say({ message: 'consuming' });
} else {
  throw new Error(`PEER_ROLE must be api, fetch or store, not ${String(role)}`);
}
