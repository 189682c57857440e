/**
 * 02 — a queue round trip: publish a start_fetch envelope and consume it back, acknowledging it.
 * Uses RabbitMQ when RABBITMQ_URL is set (on a throwaway queue prefix it deletes afterwards),
 * the in-memory transport otherwise. A broker that refuses the login is one line, and exit 1.
 *   RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672 npx tsx development/02-queue-round-trip.ts
 */
import { randomUUID } from 'node:crypto';
import {
  connectJobQueue,
  createEnvelope,
  createMemoryJobQueue,
  type Envelope,
  queueNames,
} from '@mousetrap/job_queue';
import { runScript } from '@mousetrap/lifecycle';
import { explainFailure } from '@mousetrap/settings';
import { deleteQueues, uniqueName } from '@mousetrap/test_kit';

async function main() {
  const url = process.env.RABBITMQ_URL;
  const prefix = `${uniqueName('proto')}.`;
  const queue = url ? await connectJobQueue({ url, prefix }) : createMemoryJobQueue();
  console.log(url ? `RabbitMQ, queues prefixed ${prefix}` : 'in-memory transport');

  try {
    const received = new Promise<Envelope>((resolve) => {
      void queue.consume('start_fetch', async (message) => {
        resolve(message);
        return undefined;
      });
    });
    const sent = createEnvelope({
      type: 'start_fetch',
      jobId: randomUUID(),
      correlationId: 'proto',
      payload: {},
    });
    await queue.publish('start_fetch', sent);
    console.log('published and confirmed:', sent);
    console.log('consumed and acknowledged:', await received);
    console.log('queue stats:', await queue.stats());
  } finally {
    await queue.close();
    if (url) await deleteQueues(url, queueNames(prefix));
  }
}

await runScript({ name: '02-queue-round-trip', main, explain: explainFailure });
