/**
 * The least a job of this design costs without the database: one process of each role, started
 * by bench/pipeline/run.ts with BARE_FLOW_ROLE, BARE_FLOW_QUEUES (two queue names, comma-separated,
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
 */
import { randomUUID } from 'node:crypto';
import { type Channel, type ConfirmChannel, connect } from 'amqplib';
import express from 'express';
import { groupConnectionWrites } from '../lib/group-writes.ts';

const PREFETCH = 50;
const url = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const [first = '', second = ''] = (process.env.BARE_FLOW_QUEUES ?? '').split(',');
const role = process.env.BARE_FLOW_ROLE;
const say = (line: Record<string, unknown>) => console.log(JSON.stringify(line));

const connection = await connect(url);
groupConnectionWrites(connection);
process.on('SIGTERM', () => {
  void connection.close().finally(() => process.exit(0));
});

/** Publishes persistently and settles once the broker confirms (or refuses) the message. */
function publish(channel: ConfirmChannel, queue: string, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.sendToQueue(queue, body, { persistent: true }, (error: unknown) =>
      error ? reject(new Error(`the broker refused a message: ${String(error)}`)) : resolve(),
    );
  });
}

async function consume(queue: string, handle: (channel: Channel, body: Buffer) => Promise<void>) {
  const channel = await connection.createChannel();
  await channel.prefetch(PREFETCH);
  await channel.consume(queue, (message) => {
    if (!message) return;
    handle(channel, message.content).then(
      () => channel.ack(message),
      () => channel.nack(message),
    );
  });
}

if (role === 'api') {
  const publisher = await connection.createConfirmChannel();
  const app = express();
  let requests = 0;
  app.post('/refresh', (_req, res) => {
    requests += 1;
    if (requests === 1) say({ message: 'first request', at: Date.now() });
    const id = randomUUID();
    publish(publisher, first, Buffer.from(JSON.stringify({ jobId: id, correlationId: randomUUID() }))).then(
      () => res.status(202).json({ id, status: 'queued' }),
      () => res.status(503).end(),
    );
  });
  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    say({ message: 'listening', port: typeof address === 'object' && address ? address.port : 0 });
  });
} else if (role === 'hop') {
  const publisher = await connection.createConfirmChannel();
  const body = Buffer.alloc(600, 'x');
  await consume(first, () => publish(publisher, second, body));
  say({ message: 'consuming' });
} else if (role === 'sink') {
  const jobs = Number(process.env.BARE_FLOW_JOBS);
  let acked = 0;
  await consume(second, async () => {
    acked += 1;
    if (acked === jobs) say({ message: 'done', at: Date.now() });
  });
  say({ message: 'consuming' });
} else {
  throw new Error(`BARE_FLOW_ROLE must be api, hop or sink, not ${String(role)}`);
}
