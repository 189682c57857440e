import { join } from 'node:path';
import { queueNames } from '@mousetrap/job_queue';
import { buildProject } from '@mousetrap/project_build';
import {
  closedPort,
  deleteQueues,
  describeWithServices,
  dropSchema,
  type ServiceProcess,
  startServiceProcess,
  uniqueName,
} from '@mousetrap/test_kit';

const root = join(__dirname, '..', '..');
const apiBuild = join(root, 'projects', 'api_app', 'dist', 'main.js');
const DB_SECRET = 'pg-Secret-7f3a9c';
const BROKER_SECRET = 'mq-Secret-41d2e8';

/** The URL with a password put in (PostgreSQL's trust auth here ignores it, as a real one would check it). */
function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

/** Everything a process printed: its JSON log lines and its stderr. */
const printed = (service: ServiceProcess) => `${JSON.stringify(service.lines)}\n${service.stderr()}`;

describeWithServices('credentials in RABBITMQ_URL and DATABASE_URL', ['rabbitmq', 'postgres'], (urls) => {
  beforeAll(async () => {
    await buildProject({ root, project: 'api_app' });
  }, 60_000);

  test('never appear in the running API’s logs (at debug) or in any answer, errors included', async () => {
    const schema = uniqueName('creds');
    const prefix = `${schema}.`;
    const api = startServiceProcess(apiBuild, {
      DATABASE_URL: withPassword(urls.databaseUrl, DB_SECRET),
      RABBITMQ_URL: urls.rabbitmqUrl,
      DB_SCHEMA: schema,
      QUEUE_PREFIX: prefix,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
    });
    try {
      const listening = await api.waitForLine((line) => line.message === 'api listening');
      const base = `http://127.0.0.1:${String(listening.port)}`;
      const answers: string[] = [];
      const call = async (path: string, init?: RequestInit) => {
        const response = await fetch(`${base}${path}`, init);
        answers.push(`${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`);
        return response.status;
      };
      expect(await call('/refresh', { method: 'POST' })).toBe(202);
      expect(await call('/ready')).toBe(200);
      expect(await call('/jobs/not-a-uuid')).toBe(400);
      expect(await call('/refresh', { method: 'POST', body: 'x'.repeat(17_000) })).toBe(413);
      expect(await call('/refresh', { method: 'POST', headers: { Origin: 'null' } })).toBe(403);
      expect(await call('/metrics')).toBe(200);
      // Its tables gone from under it, every query fails: the failures are answered and logged.
      await dropSchema(urls.databaseUrl, schema);
      expect(await call('/')).toBe(500);
      expect(await call('/refresh', { method: 'POST' })).toBe(500);
      expect(await api.stop('SIGTERM')).toBe(0);

      expect(api.lines.length).toBeGreaterThan(5);
      expect(answers.join('\n')).not.toContain(DB_SECRET);
      expect(printed(api)).not.toContain(DB_SECRET);
    } finally {
      await api.stop('SIGKILL');
      await dropSchema(urls.databaseUrl, schema);
      await deleteQueues(urls.rabbitmqUrl, queueNames(prefix));
    }
  }, 60_000);

  test.each([
    ['an unreachable broker', 'job_queue: cannot connect to the broker; retrying'],
    ['an unreachable database', 'database not reachable yet; retrying'],
  ])(
    'never appear in the retries logged while waiting for %s, nor when stopped meanwhile',
    async (what, retrying) => {
      const port = await closedPort();
      const broker = new URL(urls.rabbitmqUrl);
      const database = new URL(urls.databaseUrl);
      if (what === 'an unreachable broker') broker.port = String(port);
      else database.port = String(port);
      const schema = uniqueName('credsdown');
      const api = startServiceProcess(apiBuild, {
        DATABASE_URL: withPassword(database.toString(), DB_SECRET),
        RABBITMQ_URL: withPassword(broker.toString(), BROKER_SECRET),
        DB_SCHEMA: schema,
        QUEUE_PREFIX: `${uniqueName('credsdown')}.`,
        PORT: '0',
        LOG_LEVEL: 'debug',
      });
      try {
        await api.waitForLine((line) => line.message === retrying && Number(line.attempt) >= 2);
        // A SIGTERM while starting gives up waiting: the process exits 0 without a second one.
        const signalledAt = Date.now();
        expect(await api.stop('SIGTERM')).toBe(0);
        expect(Date.now() - signalledAt).toBeLessThan(5000);
        expect(api.stderr()).toContain('SIGTERM while starting: giving up the start');
        expect(api.stderr()).toContain('stopped before it had started');
        expect(printed(api)).toContain(String(port));
        expect(printed(api)).not.toContain(DB_SECRET);
        expect(printed(api)).not.toContain(BROKER_SECRET);
      } finally {
        await api.stop('SIGKILL');
        await dropSchema(urls.databaseUrl, schema);
      }
    },
    30_000,
  );

  const nowhere = (url: string) =>
    Object.assign(new URL(url), { pathname: `/${uniqueName('nodb')}` }).toString();
  test.each([
    {
      what: 'a wrong RabbitMQ password',
      variable: 'RABBITMQ_URL',
      broker: (url: string) => withPassword(url, BROKER_SECRET),
      database: (url: string) => url,
      line: /^api: failed to start: RabbitMQ refused the login of user "[^"]+" \(403 ACCESS_REFUSED\) at amqp:\/\/[^@\s]+: check RABBITMQ_URL /,
    },
    {
      what: 'a PostgreSQL database that does not exist',
      variable: 'DATABASE_URL',
      broker: (url: string) => url,
      database: nowhere,
      line: /^api: failed to start: PostgreSQL refused the connection: database "[^"]+" does not exist \(3D000\): check DATABASE_URL /,
    },
  ])(
    'with $what, the API exits 1 at once with one line naming $variable, without the password',
    async ({ broker, database, line }) => {
      const schema = uniqueName('credsrefused');
      const prefix = `${schema}.`;
      const startedAt = Date.now();
      const api = startServiceProcess(apiBuild, {
        DATABASE_URL: withPassword(database(urls.databaseUrl), DB_SECRET),
        RABBITMQ_URL: broker(urls.rabbitmqUrl),
        DB_SCHEMA: schema,
        QUEUE_PREFIX: prefix,
        PORT: '0',
        LOG_LEVEL: 'debug',
      });
      try {
        expect(await api.exited).toBe(1);
        // The start timeout is 30 s: a refusal must not wait for it.
        expect(Date.now() - startedAt).toBeLessThan(10_000);
        const lines = api.stderr().trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(line);
        expect(api.lines.filter((logged) => String(logged.message).includes('retrying'))).toEqual([]);
        expect(printed(api)).not.toContain(DB_SECRET);
        expect(printed(api)).not.toContain(BROKER_SECRET);
      } finally {
        await api.stop('SIGKILL');
        await dropSchema(urls.databaseUrl, schema);
        await deleteQueues(urls.rabbitmqUrl, queueNames(prefix));
      }
    },
    30_000,
  );
});
