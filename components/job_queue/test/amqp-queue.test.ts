import { execFile, execFileSync } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { connect as connectSocket, createServer, type Socket } from 'node:net';
import { promisify } from 'node:util';
import {
  captureLogger,
  closedPort,
  deleteQueues,
  describeWithServices,
  uniqueName,
  waitFor,
} from '@mousetrap/test_kit';
import amqp, { type ChannelModel } from 'amqplib';
import { connectJobQueue } from '../src/amqp-queue.ts';
import { connectBroker } from '../src/connect-broker.ts';
import { JobQueueError } from '../src/errors.ts';
import { DEFAULT_RETRY_DELAYS_MS } from '../src/options.ts';
import { queueNames, retryQueueArguments } from '../src/topology.ts';
import type { AmqpJobQueueOptions, Delivery, JobQueue } from '../src/types.ts';
import { describeJobQueueContract, envelopeFor, statsOf } from './contract.ts';

const run = promisify(execFile);
const connectThrough = amqp.connect;

/** Whether this machine can close one broker connection by name (a local broker and rabbitmqctl). */
function canCloseConnections(rabbitmqUrl: string): boolean {
  // Without a broker (the suite skipped), there is no URL to read.
  if (!URL.canParse(rabbitmqUrl)) return false;
  if (!['127.0.0.1', 'localhost'].includes(new URL(rabbitmqUrl).hostname)) return false;
  try {
    execFileSync('rabbitmqctl', ['list_connections', 'pid', '--quiet', '--no-table-headers'], {
      stdio: 'ignore',
      timeout: 15_000,
    });
    return true;
  } catch {
    return false;
  }
}

/** The broker's pid of the one connection named `name`. */
async function connectionNamed(name: string): Promise<string> {
  const { stdout } = await run('rabbitmqctl', [
    'list_connections',
    'pid',
    'client_properties',
    '--quiet',
    '--no-table-headers',
  ]);
  const line = stdout.split('\n').find((row) => row.includes(`{"connection_name","${name}"}`));
  const pid = line?.split('\t')[0];
  if (!pid) throw new Error(`no connection named ${name}`);
  return pid;
}

/** The channel numbers of the one connection named `name`. */
async function channelsOf(name: string): Promise<string[]> {
  const pid = await connectionNamed(name);
  const { stdout } = await run('rabbitmqctl', [
    'list_channels',
    'connection',
    'number',
    '--quiet',
    '--no-table-headers',
  ]);
  return stdout
    .split('\n')
    .filter((row) => row.startsWith(`${pid}\t`))
    .map((row) => row.split('\t')[1] ?? '');
}

/**
 * Makes amqplib hand out its next confirm channels as `plan` says, in order, then as they are:
 * `closed` is opened and closed before its caller sees it (as one is whose close the broker sent
 * in the same turn as its open), `failed` rejects. `restore` undoes it.
 */
async function planConfirmChannels(
  rabbitmqUrl: string,
  plan: readonly ('closed' | 'failed')[],
): Promise<{ left(): number; restore(): void }> {
  const probe = await amqp.connect(rabbitmqUrl);
  const models: Pick<ChannelModel, 'createConfirmChannel'> = Object.getPrototypeOf(probe);
  await probe.close();
  const original = models.createConfirmChannel;
  const steps = [...plan];
  models.createConfirmChannel = async function (this: ChannelModel, ...args) {
    const step = steps.shift();
    if (step === 'failed') throw new Error('no channel for this test');
    const channel = await original.apply(this, args);
    if (step === 'closed') await channel.close();
    return channel;
  };
  return {
    left: () => steps.length,
    restore: () => {
      models.createConfirmChannel = original;
    },
  };
}

/** Makes the broker close the one connection named `name`, as a broker restart would. */
async function closeConnectionNamed(name: string): Promise<void> {
  await run('rabbitmqctl', [
    'close_connection',
    await connectionNamed(name),
    'job_queue test: closing on purpose',
  ]);
}

/** A TCP proxy in front of the broker; see {@link brokerProxy}. */
interface BrokerProxy {
  url: string;
  /** Ends every connection through it, and refuses new ones until {@link accept}. */
  refuse(): void;
  accept(): void;
  /** Ends every connection through it and stops listening. */
  close(): Promise<void>;
}

/**
 * A second address of the same broker: a TCP proxy on a free port, so that one broker can stand
 * for two nodes of a cluster, or be away for a while without a broker's tool in the way.
 */
async function brokerProxy(brokerUrl: string): Promise<BrokerProxy> {
  const target = new URL(brokerUrl);
  const sockets = new Set<Socket>();
  let refusing = false;
  const endAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  const server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = connectSocket(Number(target.port || 5672), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const url = new URL(brokerUrl);
  url.host = `127.0.0.1:${address.port}`;
  return {
    url: url.toString(),
    refuse() {
      refusing = true;
      endAll();
    },
    accept() {
      refusing = false;
    },
    close: async () => {
      endAll();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Consumes start_fetch with a handler that notes each message's id; resolves with the list it fills. */
async function recordHandled(queue: JobQueue): Promise<string[]> {
  const handled: string[] = [];
  await queue.consume('start_fetch', async (message) => {
    handled.push(message.id);
    return undefined;
  });
  return handled;
}

describeWithServices('job_queue over RabbitMQ', ['rabbitmq'], ({ rabbitmqUrl }) => {
  /** Messages ready in one queue of this test, read past the job queue. */
  const queueDepth = async (name: string) => {
    const connection = await amqp.connect(rabbitmqUrl);
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => {});
      return (await channel.checkQueue(name)).messageCount;
    } finally {
      await connection.close();
    }
  };
  /** Declares start_fetch as earlier versions did: with `x-delivery-limit` 5 among its arguments. */
  const declareEarlierWorkQueue = (channel: amqp.Channel) =>
    channel.assertQueue(`${prefix}start_fetch`, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-delivery-limit': 5,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': `${prefix}start_fetch.dead`,
      },
    });
  /** Whether a queue of this test exists on the broker. */
  const queueExists = (name: string) =>
    queueDepth(name).then(
      () => true,
      () => false,
    );

  let prefix = '';
  const opened: JobQueue[] = [];
  // Every retry delay a test's queues used, so that the cleanup deletes each retry queue: a leaked
  // quorum queue holds broker file handles, and some hundreds of them stop the broker accepting
  // connections.
  const delaysUsed = new Set<number>();
  const open = async (options: Partial<AmqpJobQueueOptions> = {}) => {
    for (const delayMs of options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS) delaysUsed.add(delayMs);
    const queue = await connectJobQueue({ url: rabbitmqUrl, prefix, ...options });
    opened.push(queue);
    return queue;
  };

  beforeEach(() => {
    prefix = `${uniqueName('jq')}.`;
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((queue) => queue.close()));
    await deleteQueues(rabbitmqUrl, queueNames(prefix, [...delaysUsed]));
    delaysUsed.clear();
  });

  describeJobQueueContract(open);

  /** Sends a raw body to a queue of this test, past the job queue's own publishing. */
  async function sendRaw(queue: string, body: string): Promise<void> {
    const connection = await amqp.connect(rabbitmqUrl);
    try {
      const channel = await connection.createConfirmChannel();
      channel.sendToQueue(`${prefix}${queue}`, Buffer.from(body), { persistent: true });
      await channel.waitForConfirms();
    } finally {
      await connection.close();
    }
  }

  test('raw bodies that are not JSON, not an envelope or of the other queue: dead-lettered, and the next is handled', async () => {
    const logger = captureLogger();
    const queue = await open({ logger });
    const handled = await recordHandled(queue);
    const valid = envelopeFor('start_fetch');

    await sendRaw('start_fetch', '{not json');
    await sendRaw('start_fetch', JSON.stringify({ hello: 'world' }));
    // 400 bytes in UTF-8: too long for the AMQP property a follow-up message would carry it in.
    await sendRaw(
      'start_fetch',
      JSON.stringify({ ...envelopeFor('start_fetch'), correlation_id: 'é'.repeat(200) }),
    );
    await sendRaw('start_fetch', JSON.stringify(envelopeFor('data_processing')));
    await sendRaw('start_fetch', JSON.stringify(valid));

    await waitFor(async () => (await statsOf(queue, 'start_fetch')).deadLetters === 4, {
      what: 'four dead letters',
    });
    await waitFor(() => handled.length === 1, { what: 'the valid message' });
    expect(handled).toEqual([valid.id]);
    const reasons = logger.lines
      .filter((line) => line.message.includes('invalid message'))
      .map((line) => String(line.context.reason));
    expect(reasons).toEqual([
      expect.stringContaining('not JSON'),
      expect.stringContaining('not an envelope'),
      expect.stringContaining('a correlation id is 1 to 200 printable ASCII characters'),
      expect.stringContaining("a 'data_processing' message on the 'start_fetch' queue"),
    ]);
  });

  test('the queues: quorum queues with the fixed delivery backstop and dead-letter route; retry queues named by their delay', async () => {
    const queue = await open({ deliveryLimit: 3, retryDelaysMs: [5000] });
    await queue.consume('start_fetch', async () => undefined);
    const connection = await amqp.connect(rabbitmqUrl);
    const declare = async (name: string, args: Record<string, unknown>) => {
      const channel = await connection.createChannel();
      channel.on('error', () => {});
      try {
        await channel.assertQueue(name, { durable: true, arguments: args });
        await channel.close();
        return 'ok';
      } catch (error) {
        return (error as { code?: number }).code;
      }
    };
    const expected = {
      'x-queue-type': 'quorum',
      'x-delivery-limit': 20,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': `${prefix}start_fetch.dead`,
    };
    try {
      expect(await declare(`${prefix}start_fetch`, expected)).toBe('ok');
      expect(await declare(`${prefix}start_fetch`, { ...expected, 'x-delivery-limit': 3 })).toBe(406);
      expect(await declare(`${prefix}start_fetch`, { ...expected, 'x-queue-type': 'classic' })).toBe(406);
      expect(await declare(`${prefix}start_fetch.dead`, { 'x-queue-type': 'quorum' })).toBe('ok');
      expect(await declare(`${prefix}data_processing.dead`, { 'x-queue-type': 'classic' })).toBe(406);
      const retry = {
        'x-queue-type': 'quorum',
        'x-message-ttl': 5000,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': `${prefix}start_fetch`,
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      };
      expect(await declare(`${prefix}start_fetch.retry.5000ms`, retry)).toBe('ok');
      expect(await declare(`${prefix}start_fetch.retry.5000ms`, { ...retry, 'x-message-ttl': 1000 })).toBe(
        406,
      );
    } finally {
      await connection.close();
    }
  });

  test('retry queues: only a consumer declares them, those of its own queue and delays', async () => {
    const queue = await open({ retryDelaysMs: [300, 700] });
    expect(await queueExists(`${prefix}start_fetch`)).toBe(true);
    expect(await queueExists(`${prefix}start_fetch.retry.300ms`)).toBe(false);

    await queue.consume('start_fetch', async () => undefined);

    expect(await queueExists(`${prefix}start_fetch.retry.300ms`)).toBe(true);
    expect(await queueExists(`${prefix}start_fetch.retry.700ms`)).toBe(true);
    expect(await queueExists(`${prefix}data_processing.retry.300ms`)).toBe(false);
  });

  test('queueNames: lists every queue the job queue declares for the delays, so that a test run can delete them', async () => {
    const queue = await open();
    await queue.consume('start_fetch', async () => undefined);
    await queue.consume('data_processing', async () => undefined);
    for (const name of queueNames(prefix)) expect(await queueExists(name)).toBe(true);
    expect(queueNames(prefix)).toEqual([
      `${prefix}start_fetch`,
      `${prefix}start_fetch.dead`,
      `${prefix}start_fetch.retry.1000ms`,
      `${prefix}start_fetch.retry.5000ms`,
      `${prefix}start_fetch.retry.30000ms`,
      `${prefix}data_processing`,
      `${prefix}data_processing.dead`,
      `${prefix}data_processing.retry.1000ms`,
      `${prefix}data_processing.retry.5000ms`,
      `${prefix}data_processing.retry.30000ms`,
    ]);
  });

  test('a work queue declared by an earlier version (x-delivery-limit 5): connects, warns once, and works', async () => {
    const connection = await amqp.connect(rabbitmqUrl);
    try {
      await declareEarlierWorkQueue(await connection.createChannel());
    } finally {
      await connection.close();
    }
    const logger = captureLogger();

    const queue = await open({ logger, deliveryLimit: 3 });
    const handled = await recordHandled(queue);
    const sent = envelopeFor('start_fetch');
    await queue.publish('start_fetch', sent);

    await waitFor(() => handled.includes(sent.id), { what: 'the message' });
    expect(logger.lines.filter((line) => line.message.includes('retrying'))).toEqual([]);
    const warnings = logger.lines.filter((line) => line.message.includes('declared by an earlier version'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.context).toMatchObject({
      queue: `${prefix}start_fetch`,
      reason: expect.stringContaining('x-delivery-limit'),
    });
  });

  test('a work queue that exists as a classic queue: connectJobQueue fails at once with the broker’s 406', async () => {
    const connection = await amqp.connect(rabbitmqUrl);
    try {
      const channel = await connection.createChannel();
      await channel.assertQueue(`${prefix}start_fetch`, { durable: true });
    } finally {
      await connection.close();
    }
    const logger = captureLogger();

    const error = await connectJobQueue({ url: rabbitmqUrl, prefix, logger, startTimeoutMs: 20_000 }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(JobQueueError);
    expect(error).toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('inequivalent arg'),
    });
    expect(logger.lines.filter((line) => line.message.includes('retrying'))).toEqual([]);
  });

  test('the upgrade: a message waiting in a retry queue of an earlier version (.retry.1) still comes back to the new consumer', async () => {
    const connection = await amqp.connect(rabbitmqUrl);
    const sent = envelopeFor('start_fetch');
    try {
      const channel = await connection.createConfirmChannel();
      await declareEarlierWorkQueue(channel);
      await channel.assertQueue(`${prefix}start_fetch.retry.1`, {
        durable: true,
        arguments: retryQueueArguments(prefix, 'start_fetch', 800),
      });
      channel.sendToQueue(`${prefix}start_fetch.retry.1`, Buffer.from(JSON.stringify(sent)), {
        persistent: true,
        headers: { 'x-attempt': 2 },
      });
      await channel.waitForConfirms();
    } finally {
      await connection.close();
    }

    try {
      const queue = await open({ retryDelaysMs: [100] });
      const calls: Delivery[] = [];
      await queue.consume('start_fetch', async (message, delivery) => {
        if (message.id === sent.id) calls.push(delivery);
        return undefined;
      });

      await waitFor(() => calls.length === 1, { what: 'the message from the old retry queue' });
      expect(calls).toEqual([{ attempt: 2, redeliveries: 0, exhausted: false, final: true, putOff: false }]);
      expect(await queueDepth(`${prefix}start_fetch.retry.1`)).toBe(0);
    } finally {
      // Not among the queues this version declares, so not among those the suite deletes.
      await deleteQueues(rabbitmqUrl, [`${prefix}start_fetch.retry.1`]);
    }
  });

  test('retry delays and delivery limit changed while a message waits in a retry queue: no 406, and it comes back', async () => {
    const before = await open({ retryDelaysMs: [1500], deliveryLimit: 5 });
    await before.consume('data_processing', async () => {
      throw new Error('fails the first time');
    });
    const sent = envelopeFor('data_processing');
    await before.publish('data_processing', sent);
    await waitFor(async () => (await queueDepth(`${prefix}data_processing.retry.1500ms`)) === 1, {
      what: 'the message in the 1500 ms retry queue',
    });
    await before.close();

    const after = await open({ retryDelaysMs: [100, 200], deliveryLimit: 2 });
    const calls: Delivery[] = [];
    await after.consume('data_processing', async (message, delivery) => {
      if (message.id === sent.id) calls.push(delivery);
      return undefined;
    });

    await waitFor(() => calls.length === 1, { what: 'the message back from the old retry queue' });
    expect(calls).toEqual([{ attempt: 2, redeliveries: 0, exhausted: false, final: false, putOff: false }]);
    expect(await statsOf(after, 'data_processing')).toMatchObject({ messages: 0, deadLetters: 0 });
  });

  test('no broker listening: retries with logged warnings, without the password, then fails with code unavailable', async () => {
    const logger = captureLogger();
    const url = `amqp://guest:s3cret-pw@127.0.0.1:${await closedPort()}`;

    const error = await connectJobQueue({ url, logger, startTimeoutMs: 1500 }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(JobQueueError);
    expect(error).toMatchObject({ code: 'unavailable', message: expect.stringContaining('within 1500 ms') });
    const retries = logger.lines.filter((line) => line.message.includes('retrying'));
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(retries[0]?.context).toMatchObject({ attempt: 1, error: expect.stringContaining('ECONNREFUSED') });
    expect(JSON.stringify(logger.lines)).not.toContain('s3cret-pw');
    expect(String((error as Error).message)).not.toContain('s3cret-pw');
  });

  test('a cluster whose first node in the list is down: connects to another node and works', async () => {
    const logger = captureLogger();
    const down = `amqp://guest:s3cret-pw@127.0.0.1:${await closedPort()}`;
    const queue = await open({ logger, url: `${down},${rabbitmqUrl}` });
    const handled = await recordHandled(queue);
    const sent = envelopeFor('start_fetch');
    await queue.publish('start_fetch', sent);

    await waitFor(() => handled.includes(sent.id), { what: 'the message' });
    const live = new URL(rabbitmqUrl).host;
    const connected = logger.lines.find((line) => line.message === 'job_queue: connected');
    expect(String(connected?.context?.broker)).toContain(live);
    // Tried first (the order is random), the node that is down was left for the live one.
    for (const line of logger.lines.filter((entry) => entry.message.includes('cannot connect'))) {
      expect(line.context).toMatchObject({ next: expect.stringContaining(live) });
    }
    expect(JSON.stringify(logger.lines)).not.toContain('s3cret-pw');
  });

  test('a cluster with no node up: fails with unavailable naming every node, without a password', async () => {
    const urls = [await closedPort(), await closedPort()].map(
      (port) => `amqp://guest:s3cret-pw@127.0.0.1:${port}`,
    );

    const error = await connectJobQueue({ url: urls.join(','), startTimeoutMs: 1500 }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toMatchObject({ code: 'unavailable', message: expect.stringContaining('within 1500 ms') });
    for (const url of urls) expect((error as Error).message).toContain(new URL(url).host);
    expect((error as Error).message).not.toContain('s3cret-pw');
  });

  test("no broker listening and the start aborted: gives up at once with the signal's reason and retries no more", async () => {
    const logger = captureLogger();
    const url = `amqp://guest:guest@127.0.0.1:${await closedPort()}`;
    const stop = new AbortController();
    const reason = new Error('SIGTERM while starting');
    let closes = 0;
    const connect = jest.spyOn(amqp, 'connect').mockImplementation(async (...args) => {
      const connection = await connectThrough(...args);
      const close = connection.close.bind(connection);
      connection.close = () => {
        closes += 1;
        return close();
      };
      return connection;
    });
    const outcome = connectJobQueue({ url, logger, startTimeoutMs: 30_000, signal: stop.signal });
    connect.mockRestore();
    await waitFor(() => logger.lines.some((line) => line.message.includes('retrying')), {
      what: 'a first retry',
    });
    stop.abort(reason);

    // Only the abandon rejects with the signal's reason (the start timeout is 30 s away), and it
    // closes the recovering connection: amqplib schedules no retry for a closed one.
    await expect(outcome).rejects.toBe(reason);
    expect(closes).toBe(1);
  });

  test('a retry that cannot be published: the message goes back to its queue, and the delivery limit dead-letters it', async () => {
    const logger = captureLogger();
    const queue = await open({ logger, deliveryLimit: 2, retryDelaysMs: [50] });
    const attempts: number[] = [];
    await queue.consume('start_fetch', async (_message, delivery) => {
      attempts.push(delivery.attempt);
      throw new Error('fails');
    });
    await deleteQueues(rabbitmqUrl, [`${prefix}start_fetch.retry.50ms`]);

    await queue.publish('start_fetch', envelopeFor('start_fetch'));

    await waitFor(async () => (await statsOf(queue, 'start_fetch')).deadLetters === 1, {
      what: 'a dead letter',
    });
    // Two requeues, then the exhausted third delivery is final: dead-lettered, not retried.
    expect(attempts).toEqual([1, 1, 1]);
    const refused = logger.lines.filter((line) => line.message.includes('could not publish a retry'));
    expect(refused).toHaveLength(2);
    expect(refused[0]?.context).toMatchObject({ error: expect.stringContaining('does not exist') });
  });

  // No real way here: a broker alarm (set_vm_memory_high_watermark) would block every client of
  // the shared broker. The event is emitted on the connection amqplib made, as amqplib would.
  /** Opens a job queue, and the amqplib connection it made, for the test to emit its events on. */
  const openWatched = async (options: Partial<AmqpJobQueueOptions>) => {
    const made: EventEmitter[] = [];
    const connect = jest.spyOn(amqp, 'connect').mockImplementation(async (...args) => {
      const connection = await connectThrough(...args);
      made.push(connection);
      return connection;
    });
    try {
      const queue = await open(options);
      const [connection] = made;
      if (!connection) throw new Error('connectJobQueue did not connect through amqplib.connect');
      return { queue, connection };
    } finally {
      connect.mockRestore();
    }
  };

  test("while the connection is blocked: publish and check reject at once with blocked, until 'unblocked'", async () => {
    const logger = captureLogger();
    const { queue, connection } = await openWatched({ logger });

    connection.emit('blocked', 'low on memory');
    // Refused at once: a publish that waited would end in a `timeout`, not `blocked`.
    const refused = queue.publish('start_fetch', envelopeFor('start_fetch'));

    await expect(refused).rejects.toBeInstanceOf(JobQueueError);
    await expect(refused).rejects.toMatchObject({
      code: 'blocked',
      message: expect.stringContaining('low on memory'),
    });
    await expect(queue.check()).rejects.toMatchObject({ code: 'blocked' });
    connection.emit('unblocked');
    await queue.check();
    await expect(queue.publish('start_fetch', envelopeFor('start_fetch'))).resolves.toBeUndefined();
    expect(logger.lines.map((line) => line.message)).toEqual(
      expect.arrayContaining([
        'job_queue: the broker blocks publishing',
        'job_queue: the broker unblocked publishing',
      ]),
    );
  });

  test("while the connection is blocked: a retry's copy is held, not sent back to its queue, and goes once 'unblocked'", async () => {
    const logger = captureLogger();
    const { queue, connection } = await openWatched({ logger, retryDelaysMs: [50], deliveryLimit: 2 });
    const deliveries: Delivery[] = [];
    await queue.consume('start_fetch', async (_message, delivery) => {
      deliveries.push(delivery);
      if (delivery.attempt === 1) {
        connection.emit('blocked', 'low on memory');
        throw new Error('the source is away');
      }
      return undefined;
    });
    await queue.publish('start_fetch', envelopeFor('start_fetch'));

    // More refused copies than the delivery limit allows returns, and still one delivery.
    const holds = () => logger.lines.filter((line) => line.message.includes('holding the message'));
    await waitFor(() => holds().length >= 3, { what: 'three refused copies' });
    expect(deliveries).toHaveLength(1);
    expect(holds()[0]?.context).toMatchObject({ error: expect.stringContaining('low on memory') });
    connection.emit('unblocked');

    await waitFor(() => deliveries.length === 2, { what: 'the retry' });
    expect(deliveries[1]).toMatchObject({ attempt: 2, redeliveries: 0 });
    expect((await statsOf(queue, 'start_fetch')).deadLetters).toBe(0);
  });

  test('messages a dead consumer held are each handled alone, before the fresh ones, which then run side by side', async () => {
    const queue = await open({ prefetch: 10 });
    const held: string[] = [];
    const dying = await queue.consume('start_fetch', async (message) => {
      held.push(message.id);
      // A worker that dies holding its messages: it never settles them.
      await new Promise(() => {});
      return undefined;
    });
    const returned = [1, 2, 3].map(() => envelopeFor('start_fetch'));
    for (const envelope of returned) await queue.publish('start_fetch', envelope);
    await waitFor(() => held.length === 3, { what: 'three messages held' });
    await dying.cancel(20);
    const fresh = [1, 2, 3, 4].map(() => envelopeFor('start_fetch'));
    for (const envelope of fresh) await queue.publish('start_fetch', envelope);

    let running = 0;
    const events: { id: string; redeliveries: number; alongside: number }[] = [];
    let mostAtOnce = 0;
    await queue.consume('start_fetch', async (message, delivery) => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      events.push({ id: message.id, redeliveries: delivery.redeliveries, alongside: running - 1 });
      await new Promise((resolve) => setTimeout(resolve, 60));
      running -= 1;
      return undefined;
    });

    await waitFor(() => events.length === 7, { what: 'seven messages handled' });
    const firstThree = events.slice(0, 3);
    expect(firstThree.map((event) => event.id).sort()).toEqual(
      returned.map((envelope) => envelope.id).sort(),
    );
    expect(firstThree).toEqual(firstThree.map((event) => ({ ...event, redeliveries: 1, alongside: 0 })));
    expect(mostAtOnce).toBeGreaterThan(1);
  });

  test('a publish to a queue that no longer exists rejects as unroutable instead of resolving', async () => {
    const queue = await open();
    await deleteQueues(rabbitmqUrl, [`${prefix}data_processing`]);
    const failure = queue.publish('data_processing', envelopeFor('data_processing'));
    await expect(failure).rejects.toBeInstanceOf(JobQueueError);
    await expect(failure).rejects.toMatchObject({ code: 'unroutable' });
    await expect(queue.publish('start_fetch', envelopeFor('start_fetch'))).resolves.toBeUndefined();
  });

  test('its queue deleted under a consumer: the queue is declared again and the consumer resumes', async () => {
    const logger = captureLogger();
    const queue = await open({ logger });
    const handled = await recordHandled(queue);

    await deleteQueues(rabbitmqUrl, [`${prefix}start_fetch`]);
    await waitFor(
      () => logger.lines.some((line) => line.message === 'job_queue: reopened a consumer of start_fetch'),
      {
        what: 'the consumer to be reopened',
      },
    );
    const sent = envelopeFor('start_fetch');
    await queue.publish('start_fetch', sent);

    await waitFor(() => handled.includes(sent.id), { what: 'the message' });
    // One consumer again, once the one-at-a-time consumer a new channel starts with gave way.
    await waitFor(async () => (await statsOf(queue, 'start_fetch')).consumers === 1, {
      what: 'one consumer',
    });
  });

  const canClose = canCloseConnections(rabbitmqUrl);
  if (!canClose)
    process.stderr.write('skipped the reconnect and heartbeat tests: need a local broker and rabbitmqctl\n');
  (canClose ? test : test.skip)(
    'one URL without ?heartbeat=: the broker sees 5 s heartbeats, not its own 60 s, and so does connectBroker',
    async () => {
      const connectionName = `job_queue heartbeat ${prefix}`;
      await open({ connectionName });
      const { stdout } = await run(
        'rabbitmqctl',
        ['list_connections', 'timeout', 'client_properties', '--quiet', '--no-table-headers'],
        { timeout: 15_000 },
      );
      const row = stdout.split('\n').find((line) => line.includes(`{"connection_name","${connectionName}"}`));
      expect(row?.split('\t')[0]).toBe('5');

      const plain = await connectBroker(rabbitmqUrl);
      try {
        expect((plain as unknown as { connection: { heartbeat: number } }).connection.heartbeat).toBe(5);
      } finally {
        await plain.close();
      }
    },
  );
  (canClose ? test : test.skip)(
    'the broker closes the connection: it reconnects, the consumer resumes and a publish waits for it',
    async () => {
      const logger = captureLogger();
      const connectionName = `job_queue test ${prefix}`;
      const queue = await open({ logger, connectionName });
      const handled = await recordHandled(queue);
      await queue.publish('start_fetch', envelopeFor('start_fetch'));
      await waitFor(() => handled.length === 1, { what: 'the first message' });

      await closeConnectionNamed(connectionName);
      await waitFor(() => logger.lines.some((line) => line.message.includes('lost the broker connection')), {
        what: 'the disconnect',
      });
      const after = envelopeFor('start_fetch');
      await queue.publish('start_fetch', after);

      await waitFor(() => handled.includes(after.id), { what: 'the message published after the reconnect' });
      await queue.check();
      expect(logger.lines.map((line) => line.message)).toContain('job_queue: reconnected');
      await waitFor(async () => (await statsOf(queue, 'start_fetch')).consumers === 1, {
        what: 'one consumer',
      });
      expect(await statsOf(queue, 'start_fetch')).toMatchObject({ consumers: 1, messages: 0 });
    },
  );

  test('a cluster: when the node in use goes away, the queue reconnects to another node, consumes and publishes there', async () => {
    const logger = captureLogger();
    // Two addresses of the one broker stand for two nodes.
    const proxies = [await brokerProxy(rabbitmqUrl), await brokerProxy(rabbitmqUrl)];
    let queue: JobQueue | undefined;
    try {
      queue = await open({ logger, url: proxies.map((proxy) => proxy.url).join(',') });
      const handled = await recordHandled(queue);
      const brokerOf = (message: string) =>
        String(logger.lines.find((line) => line.message === message)?.context?.broker);
      const inUse = proxies.find((proxy) =>
        brokerOf('job_queue: connected').includes(new URL(proxy.url).host),
      );
      const other = proxies.find((proxy) => proxy !== inUse);

      await inUse?.close();
      await waitFor(() => logger.lines.some((line) => line.message === 'job_queue: reconnected'), {
        what: 'the reconnect',
      });
      const after = envelopeFor('start_fetch');
      await queue.publish('start_fetch', after);

      await waitFor(() => handled.includes(after.id), { what: 'the message published after the reconnect' });
      expect(brokerOf('job_queue: reconnected')).toContain(new URL(String(other?.url)).host);
    } finally {
      // The queue first: closed through a proxy that is gone, it would wait out its close timeout.
      await queue?.close();
      for (const proxy of proxies) await proxy.close();
    }
  });

  (canClose ? test : test.skip)(
    'a publish the broker nacks: rejected as nacked, and the next go on a new channel, replaced again after 1 s, then 2 s, while nacks go on',
    async () => {
      const logger = captureLogger();
      const connectionName = `job_queue test ${prefix}`;
      const queue = await open({ logger, connectionName });
      // A real refusal: a quorum queue over its length limit with reject-publish nacks publishes.
      const policy = `${prefix}refuse`;
      const pattern = `^${`${prefix}data_processing`.replaceAll('.', '\\.')}$`;
      await run('rabbitmqctl', [
        'set_policy',
        '--apply-to',
        'queues',
        policy,
        pattern,
        '{"max-length":0,"overflow":"reject-publish"}',
      ]);
      try {
        const before = await channelsOf(connectionName);
        // The first is taken (the queue was empty); it puts the queue over its limit.
        await waitFor(
          () =>
            queue.publish('data_processing', envelopeFor('data_processing')).then(
              () => true,
              () => false,
            ),
          { what: 'the policy in force and one message taken' },
        );
        const refused = await Promise.allSettled(
          [1, 2, 3].map(() => queue.publish('data_processing', envelopeFor('data_processing'))),
        );
        expect(refused.map((outcome) => outcome.status === 'rejected' && outcome.reason.code)).toEqual([
          'nacked',
          'nacked',
          'nacked',
        ]);
        // The old channel goes once the new one is in use, its publishes settled.
        const replacedOnce = async () => {
          const now = await channelsOf(connectionName);
          return (
            now.length === before.length && now.filter((number) => !before.includes(number)).length === 1
          );
        };
        await waitFor(replacedOnce, { what: 'the publish channel replaced' });
        const once = await channelsOf(connectionName);
        await expect(queue.publish('start_fetch', envelopeFor('start_fetch'))).resolves.toBeUndefined();
        const replacements = () =>
          logger.lines
            .filter((line) => line.message.includes('publishing on a new channel'))
            .map((line) => [line.level, line.context?.next_after_ms]);
        expect(replacements()).toEqual([['warn', undefined]]);

        // Nacks going on: another replacement a second later, then none for two seconds.
        await new Promise((resolve) => setTimeout(resolve, 1100));
        await expect(queue.publish('data_processing', envelopeFor('data_processing'))).rejects.toMatchObject({
          code: 'nacked',
        });
        await waitFor(() => replacements().length === 2, { what: 'the second replacement' });
        // At once, well within those two seconds (rabbitmqctl, which reads the broker's channels,
        // can take longer than that on a busy machine, so it is asked only after).
        await expect(queue.publish('data_processing', envelopeFor('data_processing'))).rejects.toMatchObject({
          code: 'nacked',
        });
        // A replacement started by that nack would show in the log by now.
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(replacements()).toEqual([
          ['warn', undefined],
          ['debug', 2000],
        ]);
        // At the broker, the channel of the first replacement was replaced in turn.
        await waitFor(
          async () => {
            const now = await channelsOf(connectionName);
            return (
              now.length === before.length && now.filter((number) => !once.includes(number)).length === 1
            );
          },
          { what: 'the publish channel replaced again' },
        );
        expect(logger.lines.filter((line) => line.message.includes('reopened'))).toEqual([]);
      } finally {
        await run('rabbitmqctl', ['clear_policy', policy]);
      }
    },
    // Some ten rabbitmqctl runs, seconds each on a busy machine.
    90_000,
  );

  (canClose ? test : test.skip)(
    'a publish channel closed before the job queue could hear it, then the connection lost: the reconnect opens a new one',
    async () => {
      const planned = await planConfirmChannels(rabbitmqUrl, ['closed']);
      try {
        const logger = captureLogger();
        const connectionName = `job_queue test ${prefix}`;
        const queue = await open({ logger, connectionName });
        expect(planned.left()).toBe(0);

        await closeConnectionNamed(connectionName);
        await waitFor(() => logger.lines.some((line) => line.message === 'job_queue: reconnected'), {
          what: 'the reconnect',
        });
        // The publisher still held the closed channel of the lost connection: the reconnect
        // replaced it all the same, before any publish asked for one.
        await waitFor(async () => (await channelsOf(connectionName)).length === 1, {
          what: 'a publish channel on the new connection',
        });
        await expect(queue.publish('start_fetch', envelopeFor('start_fetch'))).resolves.toBeUndefined();
        expect(await queueDepth(`${prefix}start_fetch`)).toBe(1);
      } finally {
        planned.restore();
      }
    },
  );

  test('a publish channel closed unheard whose replacement fails to open: one is opened after a pause, and the publish goes on it', async () => {
    const planned = await planConfirmChannels(rabbitmqUrl, ['closed', 'failed']);
    try {
      const logger = captureLogger();
      const queue = await open({ logger });

      await expect(queue.publish('start_fetch', envelopeFor('start_fetch'))).resolves.toBeUndefined();
      expect(planned.left()).toBe(0);
      expect(logger.lines.map((line) => line.message)).toContain(
        'job_queue: could not open a new publish channel',
      );
      expect(await queueDepth(`${prefix}start_fetch`)).toBe(1);
    } finally {
      planned.restore();
    }
  });

  (canClose ? test : test.skip)(
    'publishes unconfirmed when the connection drops are sent again: each one resolves, and reaches its queue',
    async () => {
      const logger = captureLogger();
      const connectionName = `job_queue test ${prefix}`;
      const queue = await open({ logger, connectionName, publishTimeoutMs: 20_000 });
      const lost = () => logger.lines.some((line) => line.message.includes('lost the broker connection'));
      const sent: string[] = [];
      const publishes: Promise<void>[] = [];

      const closing = closeConnectionNamed(connectionName);
      let unconfirmedAtLoss = 0;
      while (!lost()) {
        if (queue.inFlight().publishes < 500) {
          for (let i = 0; i < 50; i++) {
            const envelope = envelopeFor('start_fetch');
            sent.push(envelope.id);
            publishes.push(queue.publish('start_fetch', envelope));
          }
        }
        unconfirmedAtLoss = queue.inFlight().publishes;
        await new Promise((resolve) => setImmediate(resolve));
      }
      await closing;

      // The drop met publishes in flight, or this proves nothing.
      expect(unconfirmedAtLoss).toBeGreaterThan(0);
      const outcomes = await Promise.allSettled(publishes);
      expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
      const received = new Set<string>();
      await queue.consume('start_fetch', async (message) => {
        received.add(message.id);
        return undefined;
      });
      await waitFor(() => received.size === new Set(sent).size, {
        what: 'every message published',
        timeoutMs: 20_000,
      });
      expect(sent.filter((id) => !received.has(id))).toEqual([]);
    },
  );

  test('while the connection is down: check fails with unavailable, a publish left unconfirmed with timeout', async () => {
    // Through a proxy that refuses connections until told otherwise: the broker stays away for as
    // long as the test needs, where a connection closed by rabbitmqctl is back within a second.
    const proxy = await brokerProxy(rabbitmqUrl);
    let connected: JobQueue | undefined;
    try {
      const logger = captureLogger();
      const queue = await open({ logger, url: proxy.url, publishTimeoutMs: 100 });
      connected = queue;

      proxy.refuse();
      await waitFor(() => logger.lines.some((line) => line.message.includes('lost the broker connection')), {
        what: 'the disconnect',
      });

      await expect(queue.check()).rejects.toMatchObject({ code: 'unavailable' });
      await expect(queue.publish('start_fetch', envelopeFor('start_fetch'))).rejects.toMatchObject({
        code: 'timeout',
      });
      proxy.accept();
      await waitFor(
        () =>
          queue.check().then(
            () => true,
            () => false,
          ),
        { what: 'the reconnect' },
      );
    } finally {
      // The queue first: closed through a proxy that is gone, it would wait out its close timeout.
      await connected?.close();
      await proxy.close();
    }
  });
});
