import { createServer } from 'node:net';
import { describeWithServices, dropSchema, uniqueName } from '@mousetrap/test_kit';
import postgres from 'postgres';
import { createStore } from '../src/create-store.ts';
import type { StoreError } from '../src/errors.ts';

/** A port on 127.0.0.1 nothing listens on: a host that is down. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

describeWithServices('createStore on a list of hosts', ['postgres'], ({ databaseUrl }) => {
  const schema = uniqueName('hosts');
  const roleSchema = uniqueName('standby');
  const role = uniqueName('standby_role');
  let admin: postgres.Sql;
  const url = new URL(databaseUrl);

  beforeAll(() => {
    admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  });

  afterAll(async () => {
    await dropSchema(databaseUrl, schema);
    await dropSchema(databaseUrl, roleSchema);
    await admin.unsafe(`drop owned by "${role}"`).catch(() => {});
    await admin`drop role if exists ${admin(role)}`;
    await admin.end();
  });

  test('createStore: when the first host of the URL is down, works on the next one', async () => {
    const hosts = `127.0.0.1:${await deadPort()},${url.host}`;
    const store = await createStore({
      url: `postgres://${url.username}@${hosts}${url.pathname}?target_session_attrs=read-write`,
      schema,
      max: 2,
    });
    try {
      const { job } = await store.createJob({ correlationId: 'hosts' });
      expect(await store.getJob(job.id)).toMatchObject({ id: job.id, status: 'queued' });
    } finally {
      await store.close();
    }
  });

  test('createStore: a write refused by a read-only session fails unavailable, and the next call runs on a new session', async () => {
    // Every session of the role starts read-only, as one on a standby does, until the role is reset.
    await admin`create role ${admin(role)} login`;
    await admin.unsafe(`grant create on database "${url.pathname.slice(1)}" to "${role}"`);
    await admin.unsafe(`alter role "${role}" set default_transaction_read_only = on`);
    const refusals: StoreError[] = [];
    let promoted: Promise<unknown> | undefined;
    const store = await createStore({
      url: Object.assign(new URL(databaseUrl), { username: role }).toString(),
      schema: roleSchema,
      max: 2,
      startTimeoutMs: 5000,
      onRetry: (_, __, error) => {
        refusals.push(error);
        // The standby is promoted: sessions opened from now on take writes; those open do not.
        // (`then` sends the query: postgres.js runs a query once it is awaited.)
        promoted ??= admin.unsafe(`alter role "${role}" reset default_transaction_read_only`).then();
      },
    });
    try {
      expect(refusals[0]).toMatchObject({
        code: 'unavailable',
        message: expect.stringContaining('read-only transaction'),
      });
      const { job } = await store.createJob({ correlationId: 'after the promotion' });
      expect(await store.getJob(job.id)).toMatchObject({ status: 'queued' });
    } finally {
      await store.close();
      await promoted;
    }
  });
});
