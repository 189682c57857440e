import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '../../development/faults/ports.ts';
import { onCleanup } from './cleanup.ts';

/** How Redis syncs its append-only file: once a second in the background, or before each reply. */
export type AppendFsync = 'everysec' | 'always';

/** A redis-server of the benchmark's own, on a free port, with its files in a temporary folder. */
export interface PrivateRedis {
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** The server's pid: its CPU is measured, and it is stopped by it. */
  pid: number;
}

/** Where `redis-server` is on the PATH (Debian's package puts it in /usr/bin), or undefined. */
export async function findRedisServer(): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'redis-server');
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return undefined;
}

/**
 * Starts `binary` on 127.0.0.1 and a free port with an append-only file synced as `appendfsync`
 * and no snapshots, in a new folder under the system's temporary one (on this machine the disk
 * PostgreSQL and RabbitMQ write to); resolves once it accepts connections. The returned function
 * stops it by its pid (SIGTERM, SIGKILL after 10 s) and removes the folder; it is also registered
 * as a cleanup step.
 */
export async function startPrivateRedis(
  binary: string,
  appendfsync: AppendFsync,
): Promise<{ redis: PrivateRedis; stop: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-redis-'));
  const port = await freePort();
  // maxmemory-policy noeviction is Redis's default, and what BullMQ requires.
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  args.push('--appendonly', 'yes', '--appendfsync', appendfsync, '--maxmemory-policy', 'noeviction');
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  });
  let log = '';
  try {
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        log = `${log}${line}\n`.slice(-2000);
        if (line.includes('Ready to accept connections')) resolve();
      });
      child.once('error', reject);
      void exited.then(() => reject(new Error(`redis-server exited before it was ready:\n${log}`)));
      setTimeout(() => reject(new Error(`redis-server was not ready in 10 s:\n${log}`)), 10_000).unref();
    });
  } catch (error) {
    await stop();
    throw error;
  }
  // Later lines are read and dropped, so that a full pipe never stalls the server.
  child.stderr.resume();
  return { redis: { url: `redis://127.0.0.1:${port}`, port, pid: child.pid ?? 0 }, stop };
}
