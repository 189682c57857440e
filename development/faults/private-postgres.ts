import { execFile } from 'node:child_process';
import { chown, mkdir, readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort } from './ports.ts';

const run = promisify(execFile);

const BIN = '/usr/lib/postgresql/15/bin';

/** A PostgreSQL cluster of our own, on a free port, with its data and socket under `dir`. */
export interface PrivatePostgres {
  /** Connection URL of the cluster's `postgres` database (trust authentication). */
  url: string;
  port: number;
  /** `pg_ctl stop`: `fast` disconnects clients and shuts down cleanly, `immediate` is a crash. */
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  /** `pg_ctl start` on the same data; resolves once it accepts connections. */
  start(): Promise<void>;
  /**
   * `kill -9` of the server and every process it started, as a machine that dies takes them all:
   * the postmaster alone dying would leave its backends serving their sessions for a while.
   */
  kill(): Promise<void>;
  /**
   * SIGSTOP of the server and every process it started: a hung machine, its sockets open and
   * silent (connections are still taken into the listen queue, and never answered).
   */
  freeze(): Promise<void>;
  /** SIGCONT of every process {@link freeze} stopped. */
  thaw(): void;
}

/** Runs one of PostgreSQL's programs (`initdb`, `pg_ctl`, …) with its arguments; resolves with what it printed. */
export type PostgresCommand = (bin: string, args: string[]) => Promise<{ stdout: string }>;

/**
 * Makes `dir` and returns how to run PostgreSQL's programs on it. PostgreSQL refuses to run as
 * root, so when we are root `dir` is handed to the `postgres` user and every command runs as it.
 */
export async function postgresCommandIn(dir: string): Promise<PostgresCommand> {
  await mkdir(dir, { recursive: true });
  const asPostgres = userInfo().uid === 0;
  if (asPostgres) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(group.trim()));
  }
  return (bin, args) =>
    asPostgres
      ? run('runuser', ['-u', 'postgres', '--', join(BIN, bin), ...args])
      : run(join(BIN, bin), args);
}

/**
 * The server on the data folder `dir/data`, on `port`, with `settings` (`-c` name=value) besides
 * the suite's own; not started.
 */
export function postgresServer(
  command: PostgresCommand,
  dir: string,
  port: number,
  settings: Record<string, string> = {},
): PrivatePostgres {
  const data = join(dir, 'data');
  // fsync off: a killed server still finds its WAL in the page cache; only a machine crash would not.
  const all = { listen_addresses: '127.0.0.1', fsync: 'off', max_connections: '200', ...settings };
  const options = [`-p ${port} -k ${dir}`, ...Object.entries(all).map(([k, v]) => `-c ${k}=${v}`)];
  // The processes stopped by a freeze (or a kill under way), for the thaw.
  let frozen: number[] = [];
  // SIGSTOP of the postmaster, then of every process it started: stopped, it forks none between
  // the listing of its children and their signal. Each is noted in `frozen` as it is stopped, so
  // that a thaw meanwhile (an interrupted suite) reaches it. Resolves with all their pids.
  const sigstopAll = async () => {
    const pid = Number((await readFile(join(data, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    if (!signal(pid, 'SIGSTOP')) return [];
    frozen.push(pid);
    const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', String(pid)]).catch(() => ({ stdout: '' }));
    for (const child of stdout.split('\n').filter((line) => line.trim() !== '')) {
      if (signal(Number(child), 'SIGSTOP')) frozen.push(Number(child));
    }
    return [...frozen];
  };
  const thaw = () => {
    for (const each of frozen) signal(each, 'SIGCONT');
    frozen = [];
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await command('pg_ctl', [
        '-D',
        data,
        '-o',
        options.join(' '),
        '-l',
        join(dir, 'server.log'),
        '-w',
        'start',
      ]);
    },
    async stop(mode) {
      // A frozen server would take pg_ctl's signal only once thawed (an interrupted suite).
      thaw();
      await command('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']).catch(() => {});
    },
    async kill() {
      const pids = await sigstopAll();
      frozen = [];
      for (const each of pids) signal(each, 'SIGKILL');
      while (pids.some((each) => signal(each, 0))) await sleep(20);
    },
    async freeze() {
      await sigstopAll();
    },
    thaw,
  };
}

/** Sends `name` to `pid`; false when there is no such process (any more). */
function signal(pid: number, name: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

/** Creates and starts a private cluster under `dir`, with `settings` besides the suite's own. */
export async function startPrivatePostgres(
  dir: string,
  settings: Record<string, string> = {},
): Promise<PrivatePostgres> {
  const command = await postgresCommandIn(dir);
  await command('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const server = postgresServer(command, dir, await freePort(), settings);
  await server.start();
  return server;
}
