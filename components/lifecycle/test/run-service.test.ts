import { createLogger } from '@mousetrap/log';
import { createResources } from '../src/resources.ts';
import { runService, type Service } from '../src/run-service.ts';
import { fakeProcess } from './fake-process.ts';

const logger = createLogger({ service: 'test', silent: true });

describe('runService', () => {
  test('when start fails, writes one line naming the service and exits 1', async () => {
    const fake = fakeProcess();
    await runService({
      name: 'api',
      start: () => Promise.reject(new Error('invalid configuration: PORT must be a whole number')),
      process: fake.proc,
    });
    expect(fake.exits).toEqual([1]);
    expect(fake.stderr()).toBe('api: failed to start: invalid configuration: PORT must be a whole number\n');
  });

  test('when start fails and an explain is given, the line is its account, with a password in a URL masked', async () => {
    const fake = fakeProcess();
    await runService({
      name: 'api',
      start: () => Promise.reject(new Error('refused at amqp://guest:s3cret@127.0.0.1:5672')),
      explain: (error) => `${(error as Error).message}: check RABBITMQ_URL`,
      process: fake.proc,
    });
    expect(fake.exits).toEqual([1]);
    expect(fake.stderr()).toBe(
      'api: failed to start: refused at amqp://guest:***@127.0.0.1:5672: check RABBITMQ_URL\n',
    );
  });

  test('on SIGTERM, stops the service and exits 0', async () => {
    const fake = fakeProcess();
    let stopped = false;
    const service: Service = {
      logger,
      stop: async () => {
        stopped = true;
      },
    };
    await runService({ name: 'api', start: async () => service, process: fake.proc });
    fake.signal('SIGTERM');
    expect(await fake.exited).toBe(0);
    expect(stopped).toBe(true);
  });

  test('when the stop fails, exits 1', async () => {
    const fake = fakeProcess();
    const service: Service = { logger, stop: () => Promise.reject(new Error('broken')) };
    await runService({ name: 'api', start: async () => service, process: fake.proc });
    fake.signal('SIGINT');
    expect(await fake.exited).toBe(1);
  });

  test('a second signal during a slow stop exits 1 at once', async () => {
    const fake = fakeProcess();
    const service: Service = { logger, stop: () => new Promise(() => {}) };
    await runService({ name: 'api', start: async () => service, process: fake.proc, repeatWindowMs: 20 });
    fake.signal('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 40));
    fake.signal('SIGINT');
    expect(await fake.exited).toBe(1);
    expect(fake.exits).toEqual([1]);
  });

  test('another signal right after the first is a second one: SIGTERM, then SIGINT at once, exits 1', async () => {
    const fake = fakeProcess();
    const service: Service = { logger, stop: () => new Promise(() => {}) };
    await runService({ name: 'api', start: async () => service, process: fake.proc });
    fake.signal('SIGTERM');
    fake.signal('SIGINT');
    expect(await fake.exited).toBe(1);
  });

  test("the same Ctrl-C delivered twice at once (the terminal's, and a wrapper's) stops the service once, cleanly", async () => {
    const fake = fakeProcess();
    let stops = 0;
    const service: Service = {
      logger,
      stop: async () => {
        stops += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
      },
    };
    await runService({ name: 'mousetrap', start: async () => service, process: fake.proc });
    fake.signal('SIGINT');
    fake.signal('SIGINT');
    expect(await fake.exited).toBe(0);
    expect(fake.exits).toEqual([0]);
    expect(stops).toBe(1);
  });

  test('a stop that overruns its bound exits 1', async () => {
    const fake = fakeProcess();
    const service: Service = { logger, stop: () => new Promise(() => {}) };
    await runService({ name: 'api', start: async () => service, process: fake.proc, stopTimeoutMs: 20 });
    fake.signal('SIGTERM');
    expect(await fake.exited).toBe(1);
  });
});

describe('runService when a signal comes during start-up', () => {
  test('aborts the start; a start that gives up exits 0', async () => {
    const fake = fakeProcess();
    let given: AbortSignal | undefined;
    const running = runService({
      name: 'worker',
      start: (signal) =>
        new Promise<Service>((_, reject) => {
          given = signal;
          signal.addEventListener('abort', () => reject(signal.reason));
        }),
      process: fake.proc,
    });
    expect(given?.aborted).toBe(false);
    fake.signal('SIGTERM');
    await running;
    expect(given?.aborted).toBe(true);
    expect(fake.stderr()).toBe(
      'worker: SIGTERM while starting: giving up the start (again to exit now)\n' +
        'worker: stopped before it had started\n',
    );
    expect(await fake.exited).toBe(0);
  });

  test('a start that fails for another reason after the signal is reported as a failure, exit 1', async () => {
    const fake = fakeProcess();
    let failStart: (error: Error) => void = () => {};
    const running = runService({
      name: 'worker',
      start: () => new Promise<Service>((_, reject) => (failStart = reject)),
      process: fake.proc,
    });
    fake.signal('SIGTERM');
    failStart(new Error('migration 5 failed'));
    await running;
    expect(fake.stderr()).toContain('worker: failed to start: migration 5 failed\n');
    expect(fake.stderr()).not.toContain('stopped before it had started');
    expect(await fake.exited).toBe(1);
  });

  test('a start that finishes anyway is stopped as soon as it has started, and exits 0', async () => {
    const fake = fakeProcess();
    let finishStart: (service: Service) => void = () => {};
    let stopped = false;
    const running = runService({
      name: 'worker',
      start: () => new Promise<Service>((resolve) => (finishStart = resolve)),
      process: fake.proc,
    });
    fake.signal('SIGTERM');
    expect(fake.stderr()).toBe('worker: SIGTERM while starting: giving up the start (again to exit now)\n');
    expect(fake.exits).toEqual([]);
    finishStart({
      logger,
      stop: async () => {
        stopped = true;
      },
    });
    await running;
    expect(await fake.exited).toBe(0);
    expect(stopped).toBe(true);
  });

  test('a second signal while starting exits 1 at once', async () => {
    const fake = fakeProcess();
    void runService({
      name: 'worker',
      start: () => new Promise<Service>(() => {}),
      process: fake.proc,
      repeatWindowMs: 20,
    });
    fake.signal('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 40));
    fake.signal('SIGINT');
    expect(await fake.exited).toBe(1);
  });
});

describe('createResources', () => {
  test('closes in reverse order of opening and keeps going after a closer fails', async () => {
    const closed: string[] = [];
    const errors: unknown[] = [];
    const resources = createResources((error) => errors.push(error));
    resources.add('store', async (name) => void closed.push(name));
    resources.add('queue', () => {
      throw new Error('queue close failed');
    });
    resources.add('server', async (name) => void closed.push(name));
    await resources.closeAll();
    expect(closed).toEqual(['server', 'store']);
    expect(errors).toHaveLength(1);
  });

  test('closing twice closes nothing twice', async () => {
    let count = 0;
    const resources = createResources();
    resources.add(1, () => {
      count += 1;
    });
    await resources.closeAll();
    await resources.closeAll();
    expect(count).toBe(1);
  });
});
