import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore, type Store, StoreError } from '@mousetrap/store';
import { describeWithServices, waitFor } from '@mousetrap/test_kit';
import { type PrivatePostgresPair, startPrivatePostgresPair } from '../faults/private-postgres-pair.ts';

// The pair is private, started from the PostgreSQL the shared one runs on: the suite needs it there.
describeWithServices('a store on a primary and its synchronous standby', ['postgres'], () => {
  let dir = '';
  let pair: PrivatePostgresPair;
  let store: Store | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mousetrap-failover-'));
    // The postgres user, which runs the private servers when we are root, must reach its folder inside.
    await chmod(dir, 0o755);
    pair = await startPrivatePostgresPair(dir, 'synchronous');
  });

  afterAll(async () => {
    await store?.close();
    await pair?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('after kill -9 of the primary and the promotion of the standby, writes reach the new primary and no committed job is lost', async () => {
    store = await createStore({ url: pair.url, schema: 'failover', max: 4, startTimeoutMs: 10_000 });
    const committed: string[] = [];
    for (let n = 0; n < 50; n += 1)
      committed.push((await store.createJob({ correlationId: `before-${n}` })).job.id);

    await pair.primary.kill();
    const during = await store.createJob({ correlationId: 'during' }).catch((error: unknown) => error);
    await pair.promoteStandby();
    const after = await waitFor(
      () =>
        store?.createJob({ correlationId: 'after' }).then(
          ({ job }) => job,
          () => undefined,
        ),
      { what: 'a job created on the promoted standby', timeoutMs: 20_000 },
    );

    expect(during).toBeInstanceOf(StoreError);
    expect(during).toMatchObject({ code: 'unavailable' });
    const found = await Promise.all([...committed, after.id].map((id) => store?.getJob(id)));
    expect(found.map((job) => job?.status)).toEqual(Array(committed.length + 1).fill('queued'));
  });
});
