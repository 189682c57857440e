import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore, type Store, StoreError } from '@mousetrap/store';
import { describeWithServices, waitFor } from '@mousetrap/test_kit';
import postgres from 'postgres';
import {
  type PrivatePostgresPair,
  type Replication,
  startPrivatePostgresPair,
} from '../faults/private-postgres-pair.ts';

/** Runs `body` with a private primary and standby replicating so, and a store on both. */
function withPair(
  replication: Replication,
  body: (pair: () => PrivatePostgresPair, store: () => Store) => void,
) {
  // The pair is private, started from the PostgreSQL the shared one runs on: the suite needs it there.
  describeWithServices(`a store on a primary and its ${replication} standby`, ['postgres'], () => {
    let dir = '';
    let pair: PrivatePostgresPair | undefined;
    let store: Store | undefined;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'mousetrap-failover-'));
      // The postgres user, which runs the private servers when we are root, must reach its folder inside.
      await chmod(dir, 0o755);
      pair = await startPrivatePostgresPair(dir, replication);
      store = await createStore({ url: pair.url, schema: 'failover', max: 4, callTimeoutMs: 2000 });
      // initdb, two servers and a base backup: can take longer than the 30 s of jest.config.cjs on a busy machine.
    }, 120_000);

    afterAll(async () => {
      await store?.close();
      await pair?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    const defined = <T>(value: T | undefined): T => {
      if (value === undefined) throw new Error('beforeAll did not finish');
      return value;
    };
    body(
      () => defined(pair),
      () => defined(store),
    );
  });
}

/** Kills the primary, promotes the standby, and waits until the store creates a job again. */
async function failOver(pair: PrivatePostgresPair, store: Store) {
  await pair.primary.kill();
  const during = await store.createJob({ correlationId: 'during' }).catch((error: unknown) => error);
  const notOnStandby = await pair.commitsNotOnStandby();
  await pair.promoteStandby();
  const after = await waitFor(
    () =>
      store.createJob({ correlationId: 'after' }).then(
        ({ job }) => job,
        () => undefined,
      ),
    { what: 'a job created on the promoted standby', timeoutMs: 20_000 },
  );
  return { during, notOnStandby, after };
}

withPair('synchronous', (pair, store) => {
  test('a commit waits for the standby: with its WAL stream held back, createJob does not return', async () => {
    const release = await pair().holdWalSender();
    const held = await store()
      .createJob({ correlationId: 'held' })
      .catch((error: unknown) => error);
    release();

    expect(held).toMatchObject({ code: 'timeout' });
  });

  test('after kill -9 of the primary and the promotion of the standby, writes reach the new primary and no committed job is lost', async () => {
    const committed: string[] = [];
    for (let n = 0; n < 50; n += 1)
      committed.push((await store().createJob({ correlationId: `before-${n}` })).job.id);

    const { during, after } = await failOver(pair(), store());

    expect(during).toBeInstanceOf(StoreError);
    expect(during).toMatchObject({ code: 'unavailable' });
    const found = await Promise.all([...committed, after.id].map((id) => store().getJob(id)));
    expect(found.map((job) => job?.status)).toEqual(Array(committed.length + 1).fill('queued'));
  });
});

withPair('asynchronous', (pair, store) => {
  test('the commits the standby had not received when the primary died are lost on the promoted standby', async () => {
    const replicated = (await store().createJob({ correlationId: 'replicated' })).job.id;
    const standby = postgres(pair().standby.url, { max: 1, onnotice: () => {} });
    await waitFor(
      // Until the standby has replayed the schema, the table is not there either.
      () =>
        standby`select 1 from failover.jobs where id = ${replicated}`.then(
          (rows) => rows.length > 0,
          () => false,
        ),
      {
        what: 'the first job on the standby',
      },
    ).finally(() => standby.end());
    const release = await pair().holdWalSender();
    const acknowledged: string[] = [];
    for (let n = 0; n < 20; n += 1)
      acknowledged.push((await store().createJob({ correlationId: `held-${n}` })).job.id);

    const { notOnStandby } = await failOver(pair(), store());
    release();

    expect(notOnStandby).toBeGreaterThanOrEqual(acknowledged.length);
    expect(await store().getJob(replicated)).toMatchObject({ status: 'queued' });
    const found = await Promise.all(acknowledged.map((id) => store().getJob(id)));
    expect(found.filter((job) => job !== undefined)).toEqual([]);
  });
});
