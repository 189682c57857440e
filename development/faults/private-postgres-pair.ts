import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { freePort } from './ports.ts';
import {
  type PrivatePostgres,
  postgresCommandIn,
  postgresServer,
  startPrivatePostgres,
} from './private-postgres.ts';

/** The standby's name, as the primary's `synchronous_standby_names` knows it. */
const STANDBY_NAME = 'standby1';

/** How the standby gets the primary's commits: before the commit returns, or after. */
export type Replication = 'synchronous' | 'asynchronous';

/** A private primary and a streaming standby copied from it, on free ports. */
export interface PrivatePostgresPair {
  primary: PrivatePostgres;
  standby: PrivatePostgres;
  /** Synchronous: a commit waits for the standby to have its WAL (`synchronous_standby_names`). */
  replication: Replication;
  /** The services' URL: both hosts, and only a read-write session will do. */
  url: string;
  /**
   * After the primary died and before the promotion: the commits in the primary's WAL that the
   * standby never received (`pg_waldump` from the standby's last received position), which a
   * promotion throws away. An upper bound of the acknowledged ones: a backend killed before it
   * answered wrote its commit too.
   */
  commitsNotOnStandby(): Promise<number>;
  /**
   * Freezes the primary's WAL sender (SIGSTOP), as a slow network would hold the stream back: the
   * standby receives nothing more until the returned function lets it go on.
   */
  holdWalSender(): Promise<() => void>;
  /** `pg_ctl promote` of the standby; resolves once it takes writes. */
  promoteStandby(): Promise<void>;
  /** Stops both servers for good, by PID (their data is thrown away afterwards). */
  stop(): Promise<void>;
}

/**
 * Starts a primary under `dir/primary`, copies it with `pg_basebackup -R` (the copy knows how to
 * stream from it) to `dir/standby` and starts that as a hot standby. Synchronous, a commit on the
 * primary returns only once the standby has flushed its WAL (`synchronous_commit = on`).
 */
export async function startPrivatePostgresPair(
  dir: string,
  replication: Replication,
): Promise<PrivatePostgresPair> {
  const synchronous = replication === 'synchronous';
  const primaryCommand = await postgresCommandIn(join(dir, 'primary'));
  // Set from the start: nothing commits before the standby streams, so nothing waits for it.
  const primary = await startPrivatePostgres(
    join(dir, 'primary'),
    synchronous ? { synchronous_standby_names: STANDBY_NAME, synchronous_commit: 'on' } : {},
  );
  const standbyDir = join(dir, 'standby');
  const command = await postgresCommandIn(standbyDir);
  await command('pg_basebackup', [
    ...['-d', `host=127.0.0.1 port=${primary.port} user=postgres`],
    ...['-D', join(standbyDir, 'data'), '-R', '-X', 'stream', '-c', 'fast', '--no-sync'],
  ]);
  // The walreceiver introduces itself by cluster_name: the name synchronous_standby_names lists.
  const standby = postgresServer(command, standbyDir, await freePort(), { cluster_name: STANDBY_NAME });
  await standby.start();
  const stopBoth = async () => {
    await primary.kill().catch(() => {});
    await standby.kill().catch(() => {});
  };
  try {
    await untilStreaming(primary.url, synchronous ? 'sync' : 'async');
  } catch (error) {
    await stopBoth();
    throw error;
  }
  const hosts = [primary, standby].map((server) => `127.0.0.1:${server.port}`).join(',');
  return {
    primary,
    standby,
    replication,
    url: `postgres://postgres@${hosts}/postgres?target_session_attrs=read-write`,
    async commitsNotOnStandby() {
      const sql = postgres(standby.url, { max: 1, onnotice: () => {} });
      const [row] = await sql<{ lsn: string }[]>`select pg_last_wal_receive_lsn()::text as lsn`.finally(() =>
        sql.end({ timeout: 1 }),
      );
      if (!row) throw new Error('the standby has no received WAL position');
      const wal = join(dir, 'primary', 'data', 'pg_wal');
      // pg_waldump exits 1 at the end of the WAL, where it meets the record the kill cut short.
      const records = await primaryCommand('pg_waldump', [
        '-p',
        wal,
        '-s',
        row.lsn,
        '-r',
        'Transaction',
      ]).then(
        (output) => output,
        (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
      );
      return records.stdout.split('\n').filter((line) => / COMMIT /.test(line)).length;
    },
    async holdWalSender() {
      const sql = postgres(primary.url, { max: 1, onnotice: () => {} });
      const rows = await sql<{ pid: number }[]>`select pid from pg_stat_replication`.finally(() =>
        sql.end({ timeout: 1 }),
      );
      for (const { pid } of rows) process.kill(pid, 'SIGSTOP');
      return () => {
        for (const { pid } of rows) {
          try {
            process.kill(pid, 'SIGCONT');
          } catch {
            // Killed with the primary meanwhile.
          }
        }
      };
    },
    async promoteStandby() {
      await command('pg_ctl', ['-D', join(standbyDir, 'data'), '-w', 'promote']);
    },
    stop: stopBoth,
  };
}

/** Waits until the primary at `url` streams to the standby, synchronously or not. */
async function untilStreaming(url: string, syncState: 'sync' | 'async'): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const rows = await sql`
        select 1 from pg_stat_replication
        where application_name = ${STANDBY_NAME} and state = 'streaming' and sync_state = ${syncState}
      `;
      if (rows.length > 0) return;
      if (Date.now() > deadline) throw new Error(`the standby is not streaming (${syncState}) after 30 s`);
      await sleep(100);
    }
  } finally {
    await sql.end({ timeout: 1 });
  }
}
