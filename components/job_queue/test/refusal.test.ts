import { type AddressInfo, createServer } from 'node:net';
import { captureLogger, closedPort, describeWithServices, uniqueName } from '@mousetrap/test_kit';
import { connectJobQueue } from '../src/amqp-queue.ts';
import { connectBroker } from '../src/connect-broker.ts';
import { JobQueueError } from '../src/errors.ts';

const WRONG_PASSWORD = 'not-the-Password-5c1e';

describeWithServices('job_queue when the broker refuses the client', ['rabbitmq'], ({ rabbitmqUrl }) => {
  const withPassword = (password: string) => Object.assign(new URL(rabbitmqUrl), { password }).toString();
  const withVhost = (vhost: string) =>
    Object.assign(new URL(rabbitmqUrl), { pathname: `/${vhost}` }).toString();
  const user = () => decodeURIComponent(new URL(rabbitmqUrl).username);
  const address = () => Object.assign(new URL(rabbitmqUrl), { username: '', password: '' }).toString();

  test('connectJobQueue: with a wrong password, fails at once with code refused, naming the user and not the password', async () => {
    const logger = captureLogger();

    const error = await connectJobQueue({
      url: withPassword(WRONG_PASSWORD),
      prefix: `${uniqueName('refused')}.`,
      logger,
      startTimeoutMs: 20_000,
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(JobQueueError);
    expect(error).toMatchObject({
      code: 'refused',
      message: `RabbitMQ refused the login of user "${user()}" (403 ACCESS_REFUSED) at ${address()}`,
    });
    // At once: not one retry (and the 20 s start timeout would have said so in its message).
    expect(logger.lines.filter((line) => line.message.includes('retrying'))).toEqual([]);
    expect(JSON.stringify(logger.lines)).not.toContain(WRONG_PASSWORD);
  });

  test('connectJobQueue: with a virtual host that does not exist, fails at once with code refused naming it', async () => {
    const vhost = uniqueName('novhost');
    const logger = captureLogger();

    const error = await connectJobQueue({
      url: withVhost(vhost),
      prefix: `${uniqueName('refused')}.`,
      logger,
      startTimeoutMs: 20_000,
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(JobQueueError);
    expect(error).toMatchObject({
      code: 'refused',
      message: expect.stringContaining(`RabbitMQ refused to open virtual host "${vhost}"`),
    });
    expect(logger.lines.filter((line) => line.message.includes('retrying'))).toEqual([]);
  });

  test('connectBroker: with a wrong password, fails with code refused', async () => {
    await expect(connectBroker(withPassword(WRONG_PASSWORD))).rejects.toMatchObject({
      code: 'refused',
      message: expect.not.stringContaining(WRONG_PASSWORD),
    });
  });

  test('connectBroker: with a virtual host that does not exist, fails with code refused', async () => {
    await expect(connectBroker(withVhost(uniqueName('novhost')))).rejects.toMatchObject({ code: 'refused' });
  });

  test('connectBroker: when no broker listens, fails with code unavailable, not refused', async () => {
    const url = Object.assign(new URL(rabbitmqUrl), { port: String(await closedPort()) }).toString();
    const error = await connectBroker(url).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(JobQueueError);
    expect(error).toMatchObject({ code: 'unavailable', message: expect.stringContaining('ECONNREFUSED') });
  });

  test('connectBroker: with the right credentials, gives a connection that can open a channel', async () => {
    const connection = await connectBroker(rabbitmqUrl);
    try {
      const channel = await connection.createChannel();
      await channel.close();
    } finally {
      await connection.close();
    }
  });

  test.each([
    ['the node that is down', 0.99, 1],
    ['the live node', 0, 0],
  ])(
    'connectBroker: a cluster with one node down connects to the live one when it tries %s first',
    async (_, pick, triedDown) => {
      // The node that is down: it takes each connection and drops it at once, counting them.
      let dropped = 0;
      const downNode = createServer((socket) => {
        dropped += 1;
        socket.destroy();
      });
      await new Promise<void>((resolve) => downNode.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = downNode.address() as AddressInfo;
        const down = Object.assign(new URL(rabbitmqUrl), { port: String(port) }).toString();
        // Of the two nodes listed, a pick near 1 keeps their order (the one down first), 0 swaps them.
        const connection = await connectBroker(`${down},${rabbitmqUrl}`, () => pick);
        try {
          const channel = await connection.createChannel();
          await channel.close();
        } finally {
          await connection.close();
        }
        expect(dropped).toBe(triedDown);
      } finally {
        await new Promise((resolve) => downNode.close(resolve));
      }
    },
  );
});
