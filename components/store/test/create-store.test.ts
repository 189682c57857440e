import { createServer, type Socket } from 'node:net';
import { closedPort, describeWithServices, dropSchema, uniqueName, waitFor } from '@mousetrap/test_kit';
import postgres from 'postgres';
import { createStore } from '../src/create-store.ts';
import { StoreError } from '../src/errors.ts';
import { migrations } from '../src/migrations.ts';
import type { Store } from '../src/types.ts';

describe('migrations', () => {
  test('migrations: versions start at 1 and rise by one, so the order of the list is the order applied', () => {
    expect(migrations.map((migration) => migration.version)).toEqual(migrations.map((_, index) => index + 1));
  });
});

describe('createStore without a database', () => {
  test('createStore: when no server listens, retries until startTimeoutMs and throws StoreError unavailable', async () => {
    const url = `postgres://postgres@127.0.0.1:${await closedPort()}/test`;
    const retries: { attempt: number; delayMs: number; code: string }[] = [];
    const outcome = createStore({
      url,
      // Long enough for two retries (the first waits 50-100 ms) on a busy machine.
      startTimeoutMs: 2000,
      onRetry: (attempt, delayMs, error) => retries.push({ attempt, delayMs, code: error.code }),
    });
    await expect(outcome).rejects.toBeInstanceOf(StoreError);
    await expect(outcome).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/^database not ready after \d+ attempts in 2000 ms/),
    });
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(retries[0]).toMatchObject({ attempt: 1, code: 'unavailable' });
  });

  test('createStore: when its signal is aborted while it waits for the database, gives up at once with the reason', async () => {
    // A server that takes connections and never answers: each attempt waits for its timeout.
    const held = new Set<Socket>();
    const silent = createServer((socket) => held.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const stop = new AbortController();
    const reason = new Error('SIGTERM while starting');
    try {
      const outcome = createStore({
        url: `postgres://postgres@127.0.0.1:${port}/test`,
        startTimeoutMs: 30_000,
        signal: stop.signal,
      });
      // Aborted while the first attempt waits on the silent server: only the abandon can end it
      // before its connect timeout, and only the abandon rejects with the signal's reason.
      await waitFor(() => held.size > 0, { what: 'the first attempt to connect' });
      stop.abort(reason);
      await expect(outcome).rejects.toBe(reason);
    } finally {
      // postgres.js leaves a connection that is still waiting for the server's first answer open.
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  test('createStore: when the schema name is unsafe, throws invalid_options without connecting', async () => {
    await expect(createStore({ url: 'postgres://127.0.0.1:1/x', schema: 'a"; drop' })).rejects.toMatchObject({
      code: 'invalid_options',
    });
  });
});

describeWithServices('createStore', ['postgres'], ({ databaseUrl }) => {
  const schemas: string[] = [];
  const stores: Store[] = [];
  let sql: postgres.Sql;

  const freshSchema = () => {
    const schema = uniqueName('store');
    schemas.push(schema);
    return schema;
  };
  const open = async (schema: string) => {
    const store = await createStore({ url: databaseUrl, schema });
    stores.push(store);
    return store;
  };
  const tablesIn = async (schema: string) =>
    (
      await sql<{ name: string }[]>`
        select table_name as name from information_schema.tables where table_schema = ${schema} order by 1
      `
    ).map((row) => row.name);
  const versionsIn = async (schema: string) =>
    (await sql<{ version: number }[]>`select version from ${sql(schema)}.schema_migrations order by 1`).map(
      (row) => row.version,
    );

  beforeAll(() => {
    sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  });

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await sql.end({ timeout: 5 });
    for (const schema of schemas) await dropSchema(databaseUrl, schema);
  });

  test('createStore: on a fresh schema, creates it with jobs, results and schema_migrations', async () => {
    const schema = freshSchema();
    await open(schema);
    expect(await tablesIn(schema)).toEqual(['alone_run', 'jobs', 'results', 'schema_migrations']);
    expect(await versionsIn(schema)).toEqual(migrations.map((migration) => migration.version));
  });

  test('createStore: a second store on a migrated schema applies nothing and keeps the data', async () => {
    const schema = freshSchema();
    const first = await open(schema);
    const { job } = await first.createJob({ correlationId: 'c-1' });
    const [before] = await sql`select applied_at from ${sql(schema)}.schema_migrations`;
    const second = await open(schema);
    const [after] = await sql`select applied_at from ${sql(schema)}.schema_migrations`;
    expect(after).toEqual(before);
    expect(await second.getJob(job.id)).toEqual(job);
  });

  test('migration 4: on a schema with keyed and unkeyed jobs, indexes only set keys, and a taken key still finds its job', async () => {
    const schema = freshSchema();
    const first = await open(schema);
    // Back to the schema as migration 3 left it, with jobs in it.
    await sql.unsafe(`
      drop index "${schema}".jobs_idempotency_key_idx;
      alter table "${schema}".jobs add constraint jobs_idempotency_key_key unique (idempotency_key);
      delete from "${schema}".schema_migrations where version = 4;
    `);
    const keyed = await first.createJob({ correlationId: 'c-k', idempotencyKey: 'key-1' });
    await first.createJob({ correlationId: 'c-u' });

    const second = await open(schema);
    expect(await versionsIn(schema)).toEqual(migrations.map((migration) => migration.version));
    const indexes = await sql<{ name: string; definition: string }[]>`
      select indexname as name, indexdef as definition from pg_indexes
      where schemaname = ${schema} and tablename = 'jobs' and indexdef like '%idempotency_key%'
    `;
    expect(indexes).toEqual([
      {
        name: 'jobs_idempotency_key_idx',
        definition: expect.stringMatching(/^CREATE UNIQUE INDEX .+ WHERE \(idempotency_key IS NOT NULL\)$/),
      },
    ]);
    const again = await second.createJob({ correlationId: 'c-k2', idempotencyKey: 'key-1' });
    expect(again).toEqual({ job: keyed.job, created: false });
    const [row] = await sql<{ jobs: number }[]>`select count(*)::int as jobs from ${sql(schema)}.jobs`;
    expect(row?.jobs).toBe(2);
  });

  test('migration 5: unfinished jobs get their last progress as the clock, and the relay keeps its claims', async () => {
    const schema = freshSchema();
    await open(schema);
    const jobs = sql(`${schema}.jobs`);
    // Back to the schema as migration 4 left it, with jobs in it.
    await sql.unsafe(`
      drop index "${schema}".jobs_unfinished_idx;
      alter table "${schema}".jobs drop column progress_at, drop column redrives;
      alter table "${schema}".jobs rename column claimed_until to relay_claimed_until;
      delete from "${schema}".schema_migrations where version = 5;
    `);
    const [fetching, queued, done] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    await sql`
      insert into ${jobs} (id, correlation_id, status, created_at, published_at, fetching_at, relay_claimed_until)
      values
        (${fetching}, 'm5', 'fetching', '2026-01-01T10:00:00Z', '2026-01-01T10:00:01Z', '2026-01-01T10:00:05Z', null),
        (${queued}, 'm5', 'queued', '2026-01-01T11:00:00Z', null, null, '2026-01-01T11:00:09Z'),
        (${done}, 'm5', 'done', '2026-01-01T09:00:00Z', '2026-01-01T09:00:01Z', '2026-01-01T09:00:02Z', null)
    `;

    await open(schema);

    expect(await versionsIn(schema)).toEqual(migrations.map((migration) => migration.version));
    const rows = await sql<{ id: string; progress_at: Date; redrives: number; claimed_until: Date | null }[]>`
      select id, progress_at, redrives, claimed_until from ${jobs} where id in ${sql([fetching, queued])} order by created_at
    `;
    expect(rows).toEqual([
      { id: fetching, progress_at: new Date('2026-01-01T10:00:05Z'), redrives: 0, claimed_until: null },
      {
        id: queued,
        progress_at: new Date('2026-01-01T11:00:00Z'),
        redrives: 0,
        claimed_until: new Date('2026-01-01T11:00:09Z'),
      },
    ]);
  });

  test('createStore: two stores starting together on a fresh schema both start and migrate it once', async () => {
    const schema = freshSchema();
    const [a, b] = await Promise.all([open(schema), open(schema)]);
    expect(await versionsIn(schema)).toEqual(migrations.map((migration) => migration.version));
    const { job } = await a.createJob({ correlationId: 'c-2' });
    expect(await b.getJob(job.id)).toEqual(job);
  });

  test('createStore: when its session is killed during the migration, retries and starts, and the process survives', async () => {
    const schema = freshSchema();
    const key = `mousetrap.migrate.${schema}`;
    // Holding the migration's lock keeps the store waiting inside its migration, where it is killed.
    const holder = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const [held] = await holder<{ pid: number }[]>`
        select pg_backend_pid() as pid, pg_advisory_lock(hashtextextended(${key}, 0))
      `;
      const opening = open(schema);
      const waiting = await waitFor(
        async () =>
          (
            await sql<{ pid: number }[]>`
              select pid from pg_stat_activity where ${held?.pid ?? 0} = any(pg_blocking_pids(pid))
            `
          )[0]?.pid,
        { what: 'the store to wait for the migration lock' },
      );
      await sql`select pg_terminate_backend(${waiting})`;
      await holder`select pg_advisory_unlock(hashtextextended(${key}, 0))`;
      await opening;
      // Inside a sql.begin, postgres.js 3.4.9 wrote the rollback to the dead session on the next
      // tick and threw there, uncaught: jest fails the test on such an error once that tick has run.
      await new Promise((resolve) => setImmediate(resolve));
      expect(await versionsIn(schema)).toEqual(migrations.map((migration) => migration.version));
    } finally {
      await holder.end({ timeout: 5 });
    }
  });

  test('ping: when the database answers, resolves', async () => {
    const store = await open(freshSchema());
    await expect(store.ping()).resolves.toBeUndefined();
  });

  test('close: first writes the published marks still waiting to be batched', async () => {
    const schema = freshSchema();
    const store = await createStore({ url: databaseUrl, schema });
    const { job } = await store.createJob({ correlationId: 'c-close' });
    const marked = store.markPublished(job.id);
    await store.close();
    await marked;
    const [row] = await sql<{ published_at: Date | null }[]>`
      select published_at from ${sql(schema)}.jobs where id = ${job.id}
    `;
    expect(row?.published_at).toEqual(expect.any(Date));
  });

  test('a batched call whose statement waits on a lock rejects with StoreError timeout after callTimeoutMs', async () => {
    const schema = freshSchema();
    const store = await createStore({ url: databaseUrl, schema, callTimeoutMs: 300 });
    stores.push(store);
    const { job } = await store.createJob({ correlationId: 'c-locked' });
    const holder = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await holder.begin(async (tx) => {
        await tx`select id from ${tx(schema)}.jobs where id = ${job.id} for update`;
        await expect(store.startStage(job.id, 'fetching')).rejects.toMatchObject({
          name: 'StoreError',
          code: 'timeout',
        });
      });
    } finally {
      await holder.end({ timeout: 5 });
    }
    // Once the lock is gone the statement that waited goes on; the store keeps working.
    await waitFor(async () => (await store.getJob(job.id))?.status === 'fetching', {
      what: 'the stage start that waited on the lock',
    });
  });

  test('close: after close, a call fails with StoreError unavailable', async () => {
    const store = await createStore({ url: databaseUrl, schema: freshSchema() });
    await store.close();
    await expect(store.ping()).rejects.toMatchObject({ code: 'unavailable' });
  });
});

describeWithServices('createStore refused by the server', ['postgres'], ({ databaseUrl }) => {
  const withDatabase = (name: string) =>
    Object.assign(new URL(databaseUrl), { pathname: `/${name}` }).toString();
  const withUser = (name: string) => Object.assign(new URL(databaseUrl), { username: name }).toString();

  test.each([
    ['a database that does not exist', () => withDatabase(uniqueName('nodb')), '3D000', 'does not exist'],
    ['a role that does not exist', () => withUser(uniqueName('norole')), '28000', 'role'],
  ])(
    'createStore: for %s, throws StoreError refused at once, without retrying',
    async (_, url, sqlState, what) => {
      const retries: number[] = [];

      const error = await createStore({
        url: url(),
        startTimeoutMs: 20_000,
        onRetry: (attempt) => retries.push(attempt),
      }).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({
        code: 'refused',
        message: expect.stringMatching(
          new RegExp(`^PostgreSQL refused the connection: .*${what}.* \\(${sqlState}\\)$`),
        ),
      });
      expect(retries).toEqual([]);
    },
  );
});
