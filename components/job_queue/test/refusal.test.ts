import { describeWithServices, uniqueName } from '@mousetrap/test_kit';
import { connectJobQueue } from '../src/amqp-queue.ts';
import { JobQueueError } from '../src/errors.ts';
import { captureLogger } from './capture-logger.ts';

const WRONG_PASSWORD = 'not-the-Password-5c1e';

describeWithServices('job_queue when the broker refuses the client', ['rabbitmq'], ({ rabbitmqUrl }) => {
  const withPassword = (password: string) => Object.assign(new URL(rabbitmqUrl), { password }).toString();
  const withVhost = (vhost: string) =>
    Object.assign(new URL(rabbitmqUrl), { pathname: `/${vhost}` }).toString();
  const user = () => decodeURIComponent(new URL(rabbitmqUrl).username);
  const address = () => Object.assign(new URL(rabbitmqUrl), { username: '', password: '' }).toString();

  test('connectJobQueue: with a wrong password, fails at once with code refused, naming the user and not the password', async () => {
    const logger = captureLogger();
    const started = Date.now();

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
    expect(Date.now() - started).toBeLessThan(3000);
    expect(logger.lines.filter((line) => line.message.includes('retrying'))).toEqual([]);
    expect(JSON.stringify(logger.lines)).not.toContain(WRONG_PASSWORD);
  });

  test('connectJobQueue: with a virtual host that does not exist, fails at once with code refused naming it', async () => {
    const vhost = uniqueName('novhost');
    const started = Date.now();

    const error = await connectJobQueue({
      url: withVhost(vhost),
      prefix: `${uniqueName('refused')}.`,
      startTimeoutMs: 20_000,
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(JobQueueError);
    expect(error).toMatchObject({
      code: 'refused',
      message: expect.stringContaining(`RabbitMQ refused to open virtual host "${vhost}"`),
    });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
