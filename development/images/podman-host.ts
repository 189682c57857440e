import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run, succeeds } from './command.ts';

/** Options of {@link preparePodman}. */
export interface PodmanHostOptions {
  /** Holds podman's config and storage, kept between runs so images and layers stay cached. */
  workDir: string;
  /** Prints one line of progress. */
  progress: (line: string) => void;
}

/** Podman ready to use: the environment its commands need, or why this machine cannot run it. */
export type PodmanHost = { ready: true; env: NodeJS.ProcessEnv } | { ready: false; reason: string };

const onPath = (program: string) => succeeds('sh', ['-c', `command -v ${program}`]);

async function hardLimit(flag: '-Hn' | '-Hu'): Promise<number> {
  const { stdout } = await run('bash', ['-c', `ulimit ${flag}`]);
  return stdout.trim() === 'unlimited' ? Number.POSITIVE_INFINITY : Number(stdout.trim());
}

/**
 * Makes podman usable on a machine without systemd or a Docker daemon: installs podman, runc and
 * debootstrap with apt when missing, and writes a config under `workDir` that uses cgroupfs, a
 * file event log, runc (crun fails on this cgroup layout) and ulimits within the shell's hard
 * limits (higher ones make every container fail with `setrlimit: Operation not permitted`).
 */
export async function preparePodman(options: PodmanHostOptions): Promise<PodmanHost> {
  const missing: string[] = [];
  for (const program of ['podman', 'runc', 'debootstrap'])
    if (!(await onPath(program))) missing.push(program);
  if (missing.length > 0) {
    if (process.getuid?.() !== 0 || !(await onPath('apt-get'))) {
      return {
        ready: false,
        reason: `${missing.join(', ')} missing, and no apt-get as root to install them`,
      };
    }
    options.progress(`installing ${missing.join(' ')} with apt-get`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const installed = await run('apt-get', ['install', '-y', '-q', 'podman', 'runc', 'debootstrap'], {
      env,
      allowFailure: true,
    });
    if (installed.code !== 0) {
      await run('apt-get', ['update', '-q'], { env, allowFailure: true });
      const retried = await run('apt-get', ['install', '-y', '-q', 'podman', 'runc', 'debootstrap'], {
        env,
        allowFailure: true,
      });
      if (retried.code !== 0)
        return { ready: false, reason: `apt-get cannot install podman: ${retried.stderr.trim()}` };
    }
  }
  await mkdir(options.workDir, { recursive: true });
  const storageConf = join(options.workDir, 'storage.conf');
  const containersConf = join(options.workDir, 'containers.conf');
  const nofile = Math.min(await hardLimit('-Hn'), 1_048_576);
  const nproc = Math.min(await hardLimit('-Hu'), 32_768);
  await writeFile(
    storageConf,
    `[storage]\ndriver = "overlay"\ngraphroot = "${join(options.workDir, 'storage')}"\nrunroot = "${join(options.workDir, 'run')}"\n`,
  );
  await writeFile(
    containersConf,
    `[containers]\ndefault_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]\n\n` +
      '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\nruntime = "runc"\n',
  );
  const env = { ...process.env, CONTAINERS_CONF: containersConf, CONTAINERS_STORAGE_CONF: storageConf };
  const info = await run('podman', ['info'], { env, allowFailure: true });
  if (info.code !== 0)
    return { ready: false, reason: `podman does not start: ${info.stderr.trim().split('\n').at(-1)}` };
  return { ready: true, env };
}
