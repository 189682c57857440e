import { execFile } from 'node:child_process';
import { chown, mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.ts';

const run = promisify(execFile);

const BIN = '/usr/lib/postgresql/15/bin';

/** A PostgreSQL cluster of our own, on a free port, with its data and socket under `dir`. */
export interface PrivatePostgres {
  /** Connection URL of the cluster's `postgres` database (trust authentication). */
  url: string;
  /** `pg_ctl stop`: `fast` disconnects clients and shuts down cleanly, `immediate` is a crash. */
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  /** `pg_ctl start` on the same data; resolves once it accepts connections. */
  start(): Promise<void>;
}

/**
 * Creates and starts a private cluster. PostgreSQL refuses to run as root, so when we are root
 * `dir` is handed to the `postgres` user and every command runs as that user.
 */
export async function startPrivatePostgres(dir: string): Promise<PrivatePostgres> {
  await mkdir(dir, { recursive: true });
  const asPostgres = userInfo().uid === 0;
  if (asPostgres) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(group.trim()));
  }
  const command = (bin: string, args: string[]) =>
    asPostgres
      ? run('runuser', ['-u', 'postgres', '--', join(BIN, bin), ...args])
      : run(join(BIN, bin), args);
  const data = join(dir, 'data');
  const port = await freePort();
  await command('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  // fsync off: a killed server still finds its WAL in the page cache; only a machine crash would not.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = async () => {
    await command('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', 'start']);
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    async stop(mode) {
      await command('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']).catch(() => {});
    },
  };
}
