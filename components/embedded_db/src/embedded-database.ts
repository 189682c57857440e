import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { lockDataDir, repairDataDir } from './data-dir-lock.ts';
import { EmbeddedDbError } from './errors.ts';

/** Options of {@link startEmbeddedDatabase}. */
export interface EmbeddedDatabaseOptions {
  /** The folder holding the database files; created if missing, reused (data kept) if present. */
  dataDir: string;
  /** The TCP port to serve on; 0 picks a free one. @default 0 */
  port?: number;
  /** The interface to listen on. @default '127.0.0.1' */
  host?: string;
  /**
   * How often to checkpoint. PGlite runs PostgreSQL in single-user mode, which never checkpoints
   * by itself, so the write-ahead log, and the replay after a crash, would grow without bound.
   * @default 60000
   */
  checkpointEveryMs?: number;
}

/** A running embedded database. */
export interface EmbeddedDatabase {
  /** A postgres:// URL of the served database; it accepts one connection at a time (use `max: 1`). */
  url: string;
  /** Stops serving and closes the database files; safe to call more than once. */
  close(): Promise<void>;
}

const codeOf = (error: unknown) =>
  typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Runs PostgreSQL in-process (PGlite, compiled to WebAssembly) over the wire protocol on a local
 * port, so `npm start` needs no database server and the store talks to it like to any other.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new EmbeddedDbError(
      'start_failed',
      `cannot serve PGlite: port ${port} is not a whole number from 0 to 65535`,
    );
  }
  let db: PGlite;
  let unlock: () => Promise<void>;
  try {
    await mkdir(dataDir, { recursive: true });
    unlock = await lockDataDir(dataDir);
  } catch (error) {
    if (error instanceof EmbeddedDbError) throw error;
    throw new EmbeddedDbError('start_failed', `cannot open ${dataDir}: ${reasonOf(error)}`, { cause: error });
  }
  try {
    await repairDataDir(dataDir);
    // Imported here: PGlite ships as ES modules only, and nothing should load before a start.
    const { PGlite } = await import('@electric-sql/pglite');
    db = await PGlite.create(dataDir);
  } catch (error) {
    await unlock();
    if (error instanceof EmbeddedDbError) throw error;
    throw new EmbeddedDbError('start_failed', `cannot open PGlite in ${dataDir}: ${reasonOf(error)}`, {
      cause: error,
    });
  }

  let server: PGLiteSocketServer;
  let boundPort = port;
  try {
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    server = new PGLiteSocketServer({ db, host, port });
    server.addEventListener('listening', (event) => {
      const detail = (event as CustomEvent<{ port?: number }>).detail;
      if (typeof detail.port === 'number') boundPort = detail.port;
    });
    await server.start();
  } catch (error) {
    await db.close();
    await unlock();
    if (codeOf(error) === 'EADDRINUSE') {
      throw new EmbeddedDbError('port_in_use', `cannot serve PGlite: ${host}:${port} is in use`, {
        cause: error,
      });
    }
    throw new EmbeddedDbError('start_failed', `cannot serve PGlite on ${host}:${port}: ${reasonOf(error)}`, {
      cause: error,
    });
  }

  const opened = db;
  const checkpointer = createCheckpointer(opened);
  const checkpoints = setInterval(() => void checkpointer.soon(), options.checkpointEveryMs ?? 60_000);
  checkpoints.unref();
  let closing: Promise<void> | undefined;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `postgres://postgres@${urlHost}:${boundPort}/postgres`,
    close() {
      closing ??= (async () => {
        clearInterval(checkpoints);
        await checkpointer.stop();
        await server.stop();
        await opened.close();
        await unlock();
      })();
      return closing;
    },
  };
}

// A simple-query protocol message: the one statement below, as the wire carries it.
const CHECKPOINT_MESSAGE = (() => {
  const text = Buffer.from('checkpoint\0');
  const message = Buffer.alloc(5 + text.length);
  message.write('Q', 0);
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return new Uint8Array(message);
})();

// ReadyForQuery with the status "idle, in no transaction block": the last six bytes of an answer
// after which the backend waits for the client's next query with nothing open.
const READY_IDLE = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]);

/** How long a checkpoint that finds the connection busy waits before it looks again, and how often. */
const BUSY_RETRY_MS = 10;
const BUSY_RETRIES = 100;

/** Checkpoints run as soon as the client's connection is idle. */
interface Checkpointer {
  /** Checkpoints once the connection is idle; joins the attempt under way, if any. */
  soon(): Promise<void>;
  /** Ends the attempts, and waits for the one under way. */
  stop(): Promise<void>;
}

/**
 * Checkpoints between the client's statements, never inside them. The socket server runs each
 * message of a client's pipeline (Parse, Bind, Describe, Execute, Sync) on its own under PGlite's
 * exclusive lock, and between two of them the backend is inside an extended-query sequence, a
 * state `isInTransaction` does not show: a statement run there would replace the client's unnamed
 * portal. So every answer the socket server gets is watched, and the checkpoint runs only after one
 * that ends with ReadyForQuery, status idle (after a Sync or a simple query, outside a transaction
 * block); a message that gets no answer (Terminate, CopyData) changes nothing. The statement goes
 * in as a raw protocol message under the same lock (`exec` would wait for that lock forever), with
 * a sink of its own for its answer: PGlite hands a raw message's answer to the callback of the
 * last streamed one, which writes to the client's socket. A checkpoint due while the connection
 * is busy looks again every 10 ms for a second, then waits for the next.
 */
function createCheckpointer(db: PGlite): Checkpointer {
  let idle = true;
  let stopped = false;
  let running: Promise<void> | undefined;
  const run = db.execProtocolRawStream.bind(db);
  db.execProtocolRawStream = (message, options) => {
    let tail = Buffer.alloc(0);
    return run(message, {
      ...options,
      onRawData: (data) => {
        // The answer may come in pieces, ReadyForQuery split between two.
        tail = Buffer.concat([tail, data.subarray(-READY_IDLE.length)]).subarray(-READY_IDLE.length);
        idle = tail.equals(READY_IDLE);
        options?.onRawData(data);
      },
    });
  };
  const ifIdle = () =>
    db.runExclusive(async () => {
      if (!idle) return false;
      await run(CHECKPOINT_MESSAGE, { onRawData: () => {} });
      return true;
    });
  const attempt = async () => {
    for (let tries = 0; tries < BUSY_RETRIES && !stopped; tries += 1) {
      if (await ifIdle()) return;
      await sleep(BUSY_RETRY_MS);
    }
  };
  return {
    soon() {
      running ??= attempt()
        .catch(() => {})
        .finally(() => {
          running = undefined;
        });
      return running;
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}
