import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore, type ResultInput } from '@mousetrap/store';
import { startEmbeddedDatabase } from '../src/embedded-database.ts';
import { EmbeddedDbError } from '../src/errors.ts';

// A fresh data folder costs PGlite an initdb of several seconds.
jest.setTimeout(60_000);

describe('startEmbeddedDatabase', () => {
  let root: string;
  let opened: { close(): Promise<void> }[] = [];

  /** Remembers something to close after the test, newest first, whether or not the test passed. */
  const track = <T extends { close(): Promise<void> }>(resource: T): T => {
    opened.unshift(resource);
    return resource;
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mousetrap-embedded-'));
  });

  afterEach(async () => {
    for (const resource of opened) await resource.close();
    opened = [];
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('startEmbeddedDatabase: on port 0, serves on the port it bound and keeps the data across a restart', async () => {
    const dataDir = join(root, 'restart', 'pgdata');
    const started = performance.now();
    const first = track(await startEmbeddedDatabase({ dataDir }));
    process.stdout.write(`PGlite first start (initdb) took ${Math.round(performance.now() - started)} ms\n`);
    expect(first.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:[1-9]\d*\/postgres$/);
    // The store's migration creates the tables, so the store is the only client this test needs.
    const writer = track(await createStore({ url: first.url, max: 1, schema: 'kept' }));
    const { job } = await writer.createJob({ correlationId: 'kept-1' });
    await writer.close();
    await first.close();

    const restarted = performance.now();
    const second = track(await startEmbeddedDatabase({ dataDir }));
    process.stdout.write(
      `PGlite restart on the same data took ${Math.round(performance.now() - restarted)} ms\n`,
    );
    const reader = track(await createStore({ url: second.url, max: 1, schema: 'kept' }));
    expect(await reader.getJob(job.id)).toEqual(job);
  });

  test('startEmbeddedDatabase: the store migrates, completes a job and reads the latest result through it', async () => {
    const database = track(await startEmbeddedDatabase({ dataDir: join(root, 'store') }));
    const store = track(await createStore({ url: database.url, max: 1, schema: 'mousetrap' }));
    const { job } = await store.createJob({ correlationId: 'embedded-1', idempotencyKey: 'k-1' });
    expect(await store.createJob({ correlationId: 'embedded-2', idempotencyKey: 'k-1' })).toEqual({
      job,
      created: false,
    });
    expect(await store.startStage(job.id, 'fetching')).toBe('started');
    expect(await store.startStage(job.id, 'processing')).toBe('started');
    const result: ResultInput = {
      centroid: [51.5, -0.1],
      most_northerly: ['51.5', '-0.1', 'London', 'GB', 'Europe/London'],
      places: [['51.5', '-0.1', 'London', 'GB', 'Europe/London']],
    };
    expect(await store.completeJob(job.id, result)).toBe(true);
    expect(await store.completeJob(job.id, result)).toBe(false);
    expect(await store.latestResult()).toMatchObject({ job_id: job.id, ...result });
    expect(await store.getJob(job.id)).toMatchObject({ status: 'done', attempts: 2 });
    await expect(store.ping()).resolves.toBeUndefined();
  });

  test('startEmbeddedDatabase: when the port is taken, throws EmbeddedDbError port_in_use', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    track({ close: () => new Promise<void>((resolve) => blocker.close(() => resolve())) });
    const address = blocker.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const outcome = startEmbeddedDatabase({ dataDir: join(root, 'taken'), port: address.port });
    await expect(outcome).rejects.toBeInstanceOf(EmbeddedDbError);
    await expect(outcome).rejects.toMatchObject({ code: 'port_in_use' });
  });

  test('startEmbeddedDatabase: when dataDir is a file, throws EmbeddedDbError start_failed', async () => {
    const file = join(root, 'not-a-folder');
    await writeFile(file, 'x');
    await expect(startEmbeddedDatabase({ dataDir: file })).rejects.toMatchObject({ code: 'start_failed' });
  });

  test('close: a second call resolves too', async () => {
    const database = await startEmbeddedDatabase({ dataDir: join(root, 'close-twice') });
    await database.close();
    await expect(database.close()).resolves.toBeUndefined();
  });
});
