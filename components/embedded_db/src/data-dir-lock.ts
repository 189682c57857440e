import { randomUUID } from 'node:crypto';
import { link, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EmbeddedDbError } from './errors.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists and belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Takes the data folder for this process: `<dataDir>.lock` holds our PID, and a lock whose process
 * is gone is taken over. PGlite cannot do this itself: inside WebAssembly every process has PID
 * 42, so its own `postmaster.pid` takes any other user of the folder for itself, and two processes
 * writing one folder lose each other's commits. Resolves to the release.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = `${dataDir}.lock`;
  const ours = `${path}.${process.pid}-${randomUUID()}`;
  // Written whole under a name of our own, then linked into place: a link fails if the lock
  // exists, and nobody ever reads a lock that is half written.
  await writeFile(ours, `${process.pid}\n`);
  try {
    for (let tries = 0; tries < 2; tries += 1) {
      try {
        await link(ours, path);
        return () => rm(path, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && alive(holder)) {
        throw new EmbeddedDbError(
          'in_use',
          `the embedded database in ${dataDir} is in use by process ${holder} (another npm start?)`,
        );
      }
      // Moved aside, not deleted: of two processes taking over the same stale lock, only one
      // can move it, and the other's next link meets the winner's lock.
      const aside = `${path}.stale-${process.pid}-${randomUUID()}`;
      const moved = await rename(path, aside).then(
        () => true,
        () => false,
      );
      if (moved) await rm(aside, { force: true });
    }
    throw new EmbeddedDbError('in_use', `cannot take ${path}: another process keeps taking it`);
  } finally {
    await rm(ours, { force: true });
  }
}

/**
 * Repairs what a kill can leave in a data folder that PGlite would refuse for good: an empty
 * `postmaster.pid` (a kill in the millisecond between its creation and its write, at any start).
 * A folder a first start left half-made (`PG_VERSION` written, `pg_hba.conf` not) holds no data
 * yet, but only its owner should delete it: that is reported.
 */
export async function repairDataDir(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  const pid = await stat(pidFile).catch(() => undefined);
  if (pid?.size === 0) await rm(pidFile, { force: true });
  const made = await stat(join(dataDir, 'PG_VERSION')).catch(() => undefined);
  const hba = await stat(join(dataDir, 'pg_hba.conf')).catch(() => undefined);
  if (made && !hba) {
    throw new EmbeddedDbError(
      'start_failed',
      `the embedded database in ${dataDir} was left half-made by a first start that was stopped; it holds no data yet: delete the folder and start again`,
    );
  }
}
