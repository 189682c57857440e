/**
 * The least a job of this design costs: one process of each role, started by
 * bench/pipeline/run.ts with BARE_FLOW_ROLE, BARE_FLOW_QUEUES (two queue names, comma-separated,
 * declared by the benchmark) and, for the sink, BARE_FLOW_JOBS.
 *   api   Express; `POST /refresh` publishes a persistent message to the first queue on a confirm
 *         channel and answers 202 once the broker confirmed it.
 *   hop   takes the first queue at prefetch 50, publishes a 600-byte message to the second with
 *         a confirm, and acks once it is confirmed.
 *   sink  takes the second queue at prefetch 50 and acks; logs `{"message":"done","at":<ms>}`
 *         when it has acked BARE_FLOW_JOBS messages.
 * No JSON validation, no logging per message, no outbox, no database: what the pipeline does on
 * top of this is what its services are for. Writes to the broker are grouped as job_queue's are.
 * The api logs `{"message":"first request","at":<ms>}` once, when the first job arrives.
 *
 * With DATABASE_URL and BARE_FLOW_SCHEMA set, the bare flow with the store's writes: each role
 * also makes the pipeline's writes through the store component, as the services make them, and
 * nothing else of the services. The api records the job before publishing its id and notes it
 * published in the background; the hop "fetches" (fetch_data's simulated source, delay 0) and
 * publishes the places and when it began instead of the 600 bytes; the sink summarises the places
 * (process_data) and completes the job with its result and both stages' start times (work this
 * fast writes no stage start of its own in the services either). A store call that fails ends the
 * process (exit 1, the error on stderr), and so the run.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '@mousetrap/store';
import { type ConfirmChannel, connect } from 'amqplib';
import express, { type Response } from 'express';
import { groupConnectionWrites } from '../lib/group-writes.ts';

const PREFETCH = 50;
const url = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const [first = '', second = ''] = (process.env.BARE_FLOW_QUEUES ?? '').split(',');
const role = process.env.BARE_FLOW_ROLE;
const say = (line: Record<string, unknown>) => console.log(JSON.stringify(line));

const connection = await connect(url);
groupConnectionWrites(connection);
const { DATABASE_URL: databaseUrl, BARE_FLOW_SCHEMA: schema } = process.env;
// Without the store, its libraries are not even loaded: the bare flow stays as bare as it was.
const store: Store | undefined =
  databaseUrl && schema
    ? await (await import('@mousetrap/store')).createStore({ url: databaseUrl, schema })
    : undefined;

/** A failed store call ends the run at once instead of looping through redeliveries. */
function die(error: unknown): never {
  console.error(`the store failed: ${String(error)}`);
  process.exit(1);
}
process.on('SIGTERM', () => {
  void Promise.allSettled([connection.close(), store?.close()]).finally(() => process.exit(0));
});

/** Publishes persistently and settles once the broker confirms (or refuses) the message. */
function publish(channel: ConfirmChannel, queue: string, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.sendToQueue(queue, body, { persistent: true }, (error: unknown) =>
      error ? reject(new Error(`the broker refused a message: ${String(error)}`)) : resolve(),
    );
  });
}

async function consume(queue: string, handle: (body: Buffer) => Promise<void>) {
  const channel = await connection.createChannel();
  await channel.prefetch(PREFETCH);
  await channel.consume(queue, (message) => {
    if (!message) return;
    handle(message.content).then(
      () => channel.ack(message),
      (error: unknown) => (store ? die(error) : channel.nack(message)),
    );
  });
}

if (role === 'api') {
  const publisher = await connection.createConfirmChannel();
  const accept = (res: Response, id: string) => res.status(202).json({ id, status: 'queued' });
  // As the API's submitJob: the job recorded, its id published, the published note not waited for.
  const recordAndPublish = async (records: Store) => {
    const correlationId = randomUUID();
    const { job } = await records.createJob({ correlationId });
    await publish(publisher, first, Buffer.from(JSON.stringify({ jobId: job.id, correlationId })));
    records.markPublished(job.id).catch(() => {});
    return job.id;
  };
  const app = express();
  let requests = 0;
  app.post('/refresh', (_req, res) => {
    requests += 1;
    if (requests === 1) say({ message: 'first request', at: Date.now() });
    if (store)
      return void recordAndPublish(store).then(
        (id) => accept(res, id),
        () => res.status(503).end(),
      );
    const id = randomUUID();
    publish(publisher, first, Buffer.from(JSON.stringify({ jobId: id, correlationId: randomUUID() }))).then(
      () => accept(res, id),
      () => res.status(503).end(),
    );
  });
  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    say({ message: 'listening', port: typeof address === 'object' && address ? address.port : 0 });
  });
} else if (role === 'hop') {
  const publisher = await connection.createConfirmChannel();
  if (store) {
    const fetchPlaces = (await import('@mousetrap/fetch_data')).createPlaceSource({ delayMs: 0 });
    await consume(first, async (content) => {
      const { jobId } = JSON.parse(content.toString()) as { jobId: string };
      const fetchingAt = new Date();
      const places = await fetchPlaces();
      await publish(publisher, second, Buffer.from(JSON.stringify({ jobId, places, fetchingAt })));
    });
  } else {
    const body = Buffer.alloc(600, 'x');
    await consume(first, () => publish(publisher, second, body));
  }
  say({ message: 'consuming' });
} else if (role === 'sink') {
  const jobs = Number(process.env.BARE_FLOW_JOBS);
  let acked = 0;
  const count = () => {
    acked += 1;
    if (acked === jobs) say({ message: 'done', at: Date.now() });
  };
  if (store) {
    const { parsePlaces, summarise } = await import('@mousetrap/process_data');
    await consume(second, async (content) => {
      const { jobId, places, fetchingAt } = JSON.parse(content.toString()) as {
        jobId: string;
        places: unknown;
        fetchingAt: string;
      };
      const processingAt = new Date();
      const valid = parsePlaces(places);
      const started = { fetching: new Date(fetchingAt), processing: processingAt };
      await store.completeJob(jobId, { ...summarise(valid), places: valid }, started);
      count();
    });
  } else {
    await consume(second, async () => count());
  }
  say({ message: 'consuming' });
} else {
  throw new Error(`BARE_FLOW_ROLE must be api, hop or sink, not ${String(role)}`);
}
