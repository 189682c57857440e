import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connectJobQueue, createEnvelope, queueNames } from '@mousetrap/job_queue';
import { createStore } from '@mousetrap/store';
import { deleteQueues, describeWithServices, dropSchema, uniqueName } from '@mousetrap/test_kit';
import amqp from 'amqplib';

const root = join(__dirname, '..', '..');
const run = promisify(execFile);

describeWithServices('development/05-dead-letters.ts', ['rabbitmq', 'postgres'], (urls) => {
  const schema = uniqueName('dlq');
  const prefix = `${schema}.`;
  const env = {
    ...process.env,
    RABBITMQ_URL: urls.rabbitmqUrl,
    DATABASE_URL: urls.databaseUrl,
    QUEUE_PREFIX: prefix,
    DB_SCHEMA: schema,
  };
  const scriptWith = (overrides: Record<string, string>, ...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', join(root, 'development', '05-dead-letters.ts'), ...args], {
      cwd: root,
      env: { ...env, ...overrides },
    });
  const script = (...args: string[]) => scriptWith({}, ...args);

  afterAll(async () => {
    await deleteQueues(urls.rabbitmqUrl, queueNames(prefix));
    await dropSchema(urls.databaseUrl, schema);
  });

  test('lists each dead letter; --replay reopens failed jobs, requeues unfinished ones, keeps poison unless told', async () => {
    const store = await createStore({ url: urls.databaseUrl, schema, max: 1 });
    const queue = await connectJobQueue({ url: urls.rabbitmqUrl, prefix });
    await queue.close();
    const connection = await amqp.connect(urls.rabbitmqUrl);
    try {
      const failed = (await store.createJob({ correlationId: 'dlq-failed' })).job;
      await store.failJob(failed.id, 'fetch failed after 4 attempts: boom');
      const stranded = (await store.createJob({ correlationId: 'dlq-stranded' })).job;
      await store.startStage(stranded.id, 'fetching');
      const done = (await store.createJob({ correlationId: 'dlq-done' })).job;
      await store.startStage(done.id, 'processing');
      await store.completeJob(done.id, {
        centroid: [1, 2],
        most_northerly: ['3', '4', 'X', 'XX', 'Etc/UTC'],
        places: [['3', '4', 'X', 'XX', 'Etc/UTC']],
      });
      const channel = await connection.createConfirmChannel();
      const dead = `${prefix}start_fetch.dead`;
      for (const job of [failed, stranded, done]) {
        const envelope = createEnvelope({
          type: 'start_fetch',
          jobId: job.id,
          correlationId: job.correlation_id,
          payload: {},
        });
        channel.sendToQueue(dead, Buffer.from(JSON.stringify(envelope)), {
          persistent: true,
          headers: { 'x-attempt': 4 },
        });
      }
      channel.sendToQueue(dead, Buffer.from('{not json'), { persistent: true });
      await channel.waitForConfirms();

      const listed = await script();
      expect(listed.stdout).toContain(`${dead}: 4 dead letters`);
      expect(listed.stdout).toContain(`job ${failed.id} (failed): fetch failed after 4 attempts: boom`);
      expect(listed.stdout).toContain(`job ${stranded.id} (fetching)`);
      expect(listed.stdout).toContain('poison');
      expect((await channel.checkQueue(dead)).messageCount).toBe(4);

      const replayed = await script('--replay');
      expect(replayed.stdout).toContain('reopened 1 failed jobs');
      expect(replayed.stdout).toContain('requeued 1 messages of unfinished jobs; kept 1 poison messages');
      expect(await store.getJob(failed.id)).toMatchObject({
        status: 'queued',
        error: null,
        published_at: null,
      });
      expect((await channel.checkQueue(dead)).messageCount).toBe(1);
      const requeued = await channel.get(`${prefix}start_fetch`, { noAck: true });
      if (requeued === false) throw new Error(`nothing was requeued to ${prefix}start_fetch`);
      expect(JSON.parse(requeued.content.toString()).job_id).toBe(stranded.id);
      expect(requeued.properties.headers?.['x-attempt']).toBeUndefined();

      await script('--replay', '--drop-invalid');
      expect((await channel.checkQueue(dead)).messageCount).toBe(0);
      await channel.close();
    } finally {
      await connection.close();
      await store.close();
    }
  }, 60_000);

  test('on a broker where the dead-letter queues do not exist yet: prints that there are no dead letters, declares nothing, exits 0', async () => {
    const fresh = `${uniqueName('dlqnone')}.`;

    const listed = await scriptWith({ QUEUE_PREFIX: fresh });

    expect(listed.stdout.trim().split('\n')).toEqual([
      `${fresh}start_fetch.dead: no dead letters (the queue does not exist yet)`,
      `${fresh}data_processing.dead: no dead letters (the queue does not exist yet)`,
    ]);
    expect(listed.stderr).toBe('');
    const connection = await amqp.connect(urls.rabbitmqUrl);
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => {});
      await expect(channel.checkQueue(`${fresh}start_fetch.dead`)).rejects.toMatchObject({ code: 404 });
    } finally {
      await connection.close();
    }
  }, 30_000);

  test('with a wrong RabbitMQ password: prints one line naming RABBITMQ_URL, no stack trace and no password, exits 1', async () => {
    const secret = 'wrong-Mq-pw-93b1';
    const broker = Object.assign(new URL(urls.rabbitmqUrl), { password: secret }).toString();

    const failed = (await scriptWith({ RABBITMQ_URL: broker }).then(
      () => {
        throw new Error('05-dead-letters.ts exited 0 with a wrong password');
      },
      (error: unknown) => error,
    )) as { code: number; stdout: string; stderr: string };

    expect(failed.code).toBe(1);
    const lines = failed.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^05-dead-letters: RabbitMQ refused the login of user "[^"]+" \(403 ACCESS_REFUSED\) at amqp:\/\/.*: check RABBITMQ_URL /,
    );
    expect(
      `${failed.stdout}${failed.stderr}`.split('\n').filter((line) => line.startsWith('    at ')),
    ).toEqual([]);
    expect(`${failed.stdout}${failed.stderr}`).not.toContain(secret);
  }, 30_000);
});
