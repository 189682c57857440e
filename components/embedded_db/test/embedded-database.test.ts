import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore, type ResultInput } from '@mousetrap/store';
import { waitFor } from '@mousetrap/test_kit';
import postgres from 'postgres';
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

  test('startEmbeddedDatabase: a second process’s start on the same folder is refused (in_use) until the first closes', async () => {
    const dataDir = join(root, 'shared');
    const first = await startEmbeddedDatabase({ dataDir });
    expect(await readFile(`${dataDir}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    // Another process: the lock names a PID that is alive and not ours.
    await writeFile(`${dataDir}.lock`, `${process.ppid}\n`);
    const refused = startEmbeddedDatabase({ dataDir });
    await expect(refused).rejects.toMatchObject({
      code: 'in_use',
      message: expect.stringContaining(`in use by process ${process.ppid}`),
    });
    await writeFile(`${dataDir}.lock`, `${process.pid}\n`);
    await first.close();
    expect(await stat(`${dataDir}.lock`).catch(() => undefined)).toBeUndefined();
    track(await startEmbeddedDatabase({ dataDir }));
  });

  test('startEmbeddedDatabase: the lock of a process that is gone is taken over', async () => {
    const dataDir = join(root, 'stale-lock');
    const gone = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']));
    await mkdir(join(root), { recursive: true });
    await writeFile(`${dataDir}.lock`, `${gone}\n`);
    track(await startEmbeddedDatabase({ dataDir }));
    expect(await readFile(`${dataDir}.lock`, 'utf8')).toBe(`${process.pid}\n`);
  });

  test('startEmbeddedDatabase: an empty postmaster.pid (a kill as PGlite wrote it) is removed, and the data opens', async () => {
    const dataDir = join(root, 'empty-pid');
    const first = await startEmbeddedDatabase({ dataDir });
    const writer = await createStore({ url: first.url, max: 1, schema: 'kept' });
    const { job } = await writer.createJob({ correlationId: 'kept-2' });
    await writer.close();
    await first.close();
    await writeFile(join(dataDir, 'postmaster.pid'), '');

    const second = track(await startEmbeddedDatabase({ dataDir }));
    const reader = track(await createStore({ url: second.url, max: 1, schema: 'kept' }));
    expect(await reader.getJob(job.id)).toEqual(job);
  });

  test('startEmbeddedDatabase: a folder a first start left half-made is reported, with what to do', async () => {
    const dataDir = join(root, 'half-made');
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, 'PG_VERSION'), '18\n');
    await expect(startEmbeddedDatabase({ dataDir })).rejects.toMatchObject({
      code: 'start_failed',
      message: expect.stringContaining('delete the folder and start again'),
    });
    expect(await stat(`${dataDir}.lock`).catch(() => undefined)).toBeUndefined();
  });

  test('startEmbeddedDatabase: checkpoints every checkpointEveryMs, between the client’s statements', async () => {
    const database = track(
      await startEmbeddedDatabase({ dataDir: join(root, 'checkpoints'), checkpointEveryMs: 100 }),
    );
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    track({ close: () => sql.end() });
    const lastCheckpoint = async () =>
      (await sql<{ lsn: string }[]>`select checkpoint_lsn::text as lsn from pg_control_checkpoint()`)[0]?.lsn;
    await sql`create table t (n int)`;
    await sql.begin(async (tx) => {
      await tx`insert into t select generate_series(1, 1000)`;
      // A checkpoint due now waits for the transaction to end instead of running inside it.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await tx`insert into t values (0)`;
    });
    const before = await lastCheckpoint();
    await sql`insert into t select generate_series(1, 1000)`;
    await waitFor(async () => (await lastCheckpoint()) !== before, {
      what: 'a checkpoint after the insert',
      timeoutMs: 2000,
    });
    expect((await sql<{ n: number }[]>`select count(*)::int as n from t`)[0]?.n).toBe(2001);
  });

  test('startEmbeddedDatabase: no checkpoint runs inside a client’s extended-query sequence', async () => {
    const database = track(
      await startEmbeddedDatabase({ dataDir: join(root, 'mid-sequence'), checkpointEveryMs: 20 }),
    );
    const client = track(await connectRaw(database.url));
    // Parse, Bind and Describe of the unnamed statement and portal, then a pause in which several
    // checkpoints fall due, then Execute and Sync: a statement run in the pause would replace the
    // client's unnamed portal, and the Execute would fail ("portal does not exist").
    client.send(
      message('P', cstring(''), cstring('select 41 + 1'), int16(0)),
      message('B', cstring(''), cstring(''), int16(0), int16(0), int16(0)),
      message('D', Buffer.from('P'), cstring('')),
    );
    expect((await client.next(3)).map((answer) => answer.type)).toEqual(['1', '2', 'T']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    client.send(message('E', cstring(''), int32(0)), message('S'));
    const answers = await client.next(3);
    expect(answers.map((answer) => answer.type)).toEqual(['D', 'C', 'Z']);
    expect(textOf(answers[0])).toBe('42');
  });

  test('startEmbeddedDatabase: a checkpoint’s answer never reaches the client', async () => {
    const database = track(
      await startEmbeddedDatabase({ dataDir: join(root, 'quiet'), checkpointEveryMs: 20 }),
    );
    const client = track(await connectRaw(database.url));
    const lastCheckpoint = async () => {
      client.send(message('Q', cstring('select checkpoint_lsn::text from pg_control_checkpoint()')));
      const answers = await client.next(4);
      expect(answers.map((answer) => answer.type)).toEqual(['T', 'D', 'C', 'Z']);
      return textOf(answers[1]);
    };
    const before = await lastCheckpoint();
    // Once a checkpoint has run since, the client must have heard nothing of it.
    await waitFor(
      async () => {
        expect(client.unread()).toBe(0);
        return (await lastCheckpoint()) !== before;
      },
      { what: 'a checkpoint after the first read', timeoutMs: 2000 },
    );
    expect(client.unread()).toBe(0);
  });

  test('close: a second call resolves too', async () => {
    const database = await startEmbeddedDatabase({ dataDir: join(root, 'close-twice') });
    await database.close();
    await expect(database.close()).resolves.toBeUndefined();
  });
});

/** A frontend message of the PostgreSQL wire protocol: its type, its length, its body. */
function message(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from(type), int32(4 + body.length), body]);
}

const cstring = (text: string) => Buffer.from(`${text}\0`);
const int16 = (n: number) => {
  const buffer = Buffer.alloc(2);
  buffer.writeInt16BE(n);
  return buffer;
};
const int32 = (n: number) => {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(n);
  return buffer;
};

interface Answer {
  type: string;
  body: Buffer;
}

/** The one text column of a DataRow: a count of columns, the value's length, the value. */
function textOf(row: Answer | undefined): string | undefined {
  if (row?.type !== 'D' || row.body.readInt16BE(0) !== 1) return undefined;
  return row.body.subarray(6, 6 + row.body.readInt32BE(2)).toString();
}

/** A connection that speaks the wire protocol by hand, to control where a pipeline pauses. */
async function connectRaw(url: string) {
  const { hostname, port } = new URL(url);
  const socket = await new Promise<Socket>((resolve, reject) => {
    const opened = connect(Number(port), hostname, () => resolve(opened));
    opened.once('error', reject);
  });
  let buffered = Buffer.alloc(0);
  const answers: Answer[] = [];
  let ended: Error | undefined;
  let wake = () => {};
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 5 && buffered.length >= 1 + buffered.readInt32BE(1)) {
      const length = 1 + buffered.readInt32BE(1);
      const type = String.fromCharCode(buffered[0] ?? 0);
      // ParameterStatus, NoticeResponse and NotificationResponse may come at any time: not answers.
      if (!'SNA'.includes(type)) answers.push({ type, body: buffered.subarray(5, length) });
      buffered = buffered.subarray(length);
    }
    wake();
  });
  const end = (error: Error) => {
    ended ??= error;
    wake();
  };
  socket.on('error', end);
  socket.on('close', () => end(new Error('the server closed the connection')));
  /** The next `count` answers, as they come. */
  const next = async (count: number): Promise<Answer[]> => {
    while (answers.length < count) {
      if (ended) throw ended;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    return answers.splice(0, count);
  };
  const send = (...messages: Buffer[]) => socket.write(Buffer.concat(messages));
  // The startup message (no type byte), then what the server answers up to ReadyForQuery.
  const parameters = Buffer.concat([
    cstring('user'),
    cstring('postgres'),
    cstring('database'),
    cstring('postgres'),
    Buffer.from([0]),
  ]);
  socket.write(Buffer.concat([int32(8 + parameters.length), int32(196_608), parameters]));
  while ((await next(1))[0]?.type !== 'Z');
  return {
    send,
    next,
    /** Answers received and not read yet. */
    unread: () => answers.length + buffered.length,
    close: async () => void socket.destroy(),
  };
}
