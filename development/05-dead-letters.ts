/**
 * 05 — dead letters: lists the messages in the dead-letter queues (why each is there: RabbitMQ's
 * x-death header, and the job's error), and with --replay gives each failed job another go: the job
 * is reopened (queued, unpublished), the outbox relay of a running API publishes it again, and the
 * dead letter is removed. The message of a job left unfinished (its last attempt failed on the
 * database, so it could not be marked failed) goes back to its work queue as a first attempt. Messages that are not valid envelopes (poison) are kept, or removed with
 * --drop-invalid. Reads the same variables as the services (RABBITMQ_URL, QUEUE_PREFIX,
 * DATABASE_URL, DB_SCHEMA, …). A dead-letter queue that does not exist yet holds no dead letters;
 * a broker or database that refuses the credentials is one line naming the variable, and exit 1.
 *   npx tsx development/05-dead-letters.ts [--replay] [--drop-invalid]
 */
import { connectBroker, EnvelopeSchema, QUEUE_NAMES, queueNames } from '@mousetrap/job_queue';
import { runScript } from '@mousetrap/lifecycle';
import { explainFailure, loadApiSettings } from '@mousetrap/settings';
import { createStore, type Store } from '@mousetrap/store';
import type amqp from 'amqplib';
import * as v from 'valibot';

/**
 * The number of messages in `queue`, or undefined when it does not exist. A passive check of a
 * missing queue closes its channel, so it gets a throwaway one.
 */
async function depthOf(connection: amqp.ChannelModel, queue: string): Promise<number | undefined> {
  const channel = await connection.createChannel();
  channel.on('error', () => {});
  try {
    return (await channel.checkQueue(queue)).messageCount;
  } catch (error) {
    if ((error as { code?: unknown }).code === 404) return undefined;
    throw error;
  } finally {
    await channel.close().catch(() => {});
  }
}

async function main() {
  const replay = process.argv.includes('--replay');
  const dropInvalid = process.argv.includes('--drop-invalid');
  const settings = loadApiSettings(process.env);
  const connection = await connectBroker(settings.broker.url);
  // Opened at the first dead letter: with none, the database is not needed.
  let store: Store | undefined;
  const openStore = async () =>
    (store ??= await createStore({ url: settings.database.url, schema: settings.database.schema, max: 1 }));
  let reopened = 0;
  let requeued = 0;
  let kept = 0;
  try {
    const channel = await connection.createConfirmChannel();
    const deadQueues = queueNames(settings.broker.prefix).filter((name) => name.endsWith('.dead'));
    for (const queue of QUEUE_NAMES) {
      const dead = deadQueues.find((name) => name === `${settings.broker.prefix}${queue}.dead`);
      if (!dead) continue;
      const messageCount = await depthOf(connection, dead);
      if (messageCount === undefined) {
        console.log(`${dead}: no dead letters (the queue does not exist yet)`);
        continue;
      }
      console.log(`${dead}: ${messageCount} dead ${messageCount === 1 ? 'letter' : 'letters'}`);
      const keep: amqp.GetMessage[] = [];
      for (let i = 0; i < messageCount; i += 1) {
        const message = await channel.get(dead, { noAck: false });
        if (message === false) break;
        const death = (
          message.properties.headers?.['x-death'] as { reason?: string; count?: number }[] | undefined
        )?.[0];
        let envelope: v.InferOutput<typeof EnvelopeSchema> | undefined;
        try {
          envelope = v.parse(EnvelopeSchema, JSON.parse(message.content.toString()));
        } catch {
          envelope = undefined;
        }
        if (!envelope) {
          console.log(
            `  poison (${death?.reason ?? 'rejected'}): ${message.content.toString().slice(0, 120)}`,
          );
          if (replay && dropInvalid) channel.ack(message);
          else keep.push(message);
          continue;
        }
        const db = await openStore();
        const job = await db.getJob(envelope.job_id);
        console.log(
          `  job ${envelope.job_id} (${job?.status ?? 'unknown'}): ${job?.error ?? death?.reason ?? 'rejected'}`,
        );
        if (!replay) {
          keep.push(message);
          continue;
        }
        if (job?.status === 'failed' && (await db.reopenJob(job.id))) reopened += 1;
        else if (job && job.status !== 'done') {
          // Stranded mid-way (the database failed on its last attempt, so it could not be marked
          // failed): the message goes back to its work queue as a first attempt.
          const { headers: _attempts, ...properties } = message.properties;
          channel.sendToQueue(`${settings.broker.prefix}${queue}`, message.content, {
            ...properties,
            persistent: true,
          });
          await channel.waitForConfirms();
          requeued += 1;
        }
        // A job that is done, unknown, reopened or requeued needs nothing more: the dead letter can go.
        channel.ack(message);
      }
      // What stays a dead letter goes back to its queue.
      for (const message of keep) channel.nack(message, false, true);
      if (replay) kept += keep.length;
    }
    await channel.close();
  } finally {
    await connection.close();
    await store?.close();
  }
  if (replay)
    console.log(
      `reopened ${reopened} failed jobs (a running API's relay publishes them); requeued ${requeued} ` +
        `messages of unfinished jobs; kept ${kept} poison messages`,
    );
}

await runScript({ name: '05-dead-letters', main, explain: explainFailure });
