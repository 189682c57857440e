import { queueNames } from '@mousetrap/job_queue';
import type { DatabaseSettings } from '@mousetrap/settings';
import { closedPort, deleteQueues, describeWithServices, dropSchema, uniqueName } from '@mousetrap/test_kit';
import { type HostContext, type HostedPart, type PartStarter, startHost } from '../src/host.ts';

const settings = {
  logLevel: 'error' as const,
  shutdownGraceMs: 1000,
  tracing: { url: undefined, protocol: 'http/protobuf' as const, serviceName: undefined },
};

/** A part that notes its start and stop in `events`, and what the host gave it. */
function part(name: string, events: string[], seen?: (host: HostContext) => void): PartStarter {
  return async (host): Promise<HostedPart> => {
    seen?.(host);
    events.push(`start ${name}`);
    return {
      stop: async () => {
        events.push(`stop ${name}`);
      },
    };
  };
}

describeWithServices('startHost', ['rabbitmq', 'postgres'], ({ rabbitmqUrl, databaseUrl }) => {
  let schema = '';
  let prefix = '';
  let database: DatabaseSettings;

  beforeEach(() => {
    schema = uniqueName('host');
    prefix = `${schema}.`;
    database = { url: databaseUrl, schema, poolMax: 2 };
  });
  afterEach(async () => {
    await dropSchema(databaseUrl, schema);
    await deleteQueues(rabbitmqUrl, queueNames(prefix));
  });

  test('starts the parts in order on the migrated database and the broker, serves the probes, and stops them in reverse', async () => {
    const events: string[] = [];
    let given: HostContext | undefined;
    const service = await startHost({
      service: 'host_test',
      settings,
      database,
      broker: { url: rabbitmqUrl, prefix, maxUnconfirmed: 10 },
      healthPort: 0,
      parts: [part('first', events, (host) => (given = host)), part('second', events)],
    });
    try {
      expect(events).toEqual(['start first', 'start second']);
      await expect(given?.store.ping()).resolves.toBeUndefined();
      await expect(given?.queue.check()).resolves.toBeUndefined();
      const ready = await fetch(`http://127.0.0.1:${service.healthPort}/ready`);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', broker: 'ok' } });
      const metrics = await (await fetch(`http://127.0.0.1:${service.healthPort}/metrics`)).text();
      expect(metrics).toMatch(/^deliveries_in_flight\{service="host_test"\} 0$/m);
    } finally {
      await service.stop();
    }
    expect(events).toEqual(['start first', 'start second', 'stop second', 'stop first']);
    await expect(given?.store.ping()).rejects.toMatchObject({ code: 'unavailable' });
    await expect(given?.queue.check()).rejects.toMatchObject({ code: 'closed' });
  });

  test('a part that fails to start: the parts before it stop, the connections close, and the error is thrown', async () => {
    const events: string[] = [];
    let given: HostContext | undefined;
    const failing: PartStarter = async () => {
      throw new Error('the second part cannot start');
    };

    const outcome = startHost({
      service: 'host_test',
      settings,
      database,
      broker: { url: rabbitmqUrl, prefix, maxUnconfirmed: 10 },
      parts: [part('first', events, (host) => (given = host)), failing],
    });

    await expect(outcome).rejects.toThrow('the second part cannot start');
    expect(events).toEqual(['start first', 'stop first']);
    await expect(given?.store.ping()).rejects.toMatchObject({ code: 'unavailable' });
  });

  test('a database of its own and the in-memory transport: opened for the service, closed after it', async () => {
    const events: string[] = [];
    let given: HostContext | undefined;
    const service = await startHost({
      service: 'host_test',
      settings,
      database: {
        describe: 'a database of the test’s own',
        async open() {
          events.push('open database');
          return { settings: database, close: async () => void events.push('close database') };
        },
      },
      broker: { inMemory: { prefetch: 3 } },
      parts: [part('only', events, (host) => (given = host))],
    });
    try {
      expect(service.healthPort).toBeUndefined();
      expect(await given?.queue.stats()).toEqual([
        { queue: 'start_fetch', messages: 0, consumers: 0, deadLetters: 0 },
        { queue: 'data_processing', messages: 0, consumers: 0, deadLetters: 0 },
      ]);
    } finally {
      await service.stop();
    }

    expect(events).toEqual(['open database', 'start only', 'stop only', 'close database']);
  });

  test('given up while it waits for the database: rejects with the signal’s reason and starts no part', async () => {
    const events: string[] = [];
    const stop = new AbortController();
    const reason = new Error('SIGTERM while starting');
    const outcome = startHost({
      service: 'host_test',
      settings,
      database: { url: `postgres://postgres@127.0.0.1:${await closedPort()}/test`, schema, poolMax: 1 },
      broker: { inMemory: {} },
      parts: [part('never', events)],
      signal: stop.signal,
    });

    stop.abort(reason);

    await expect(outcome).rejects.toBe(reason);
    expect(events).toEqual([]);
  });
});
