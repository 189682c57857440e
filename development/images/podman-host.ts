import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run, succeeds } from './command.ts';
import { ensureNodeBase } from './stand-in-base.ts';

/** Options of {@link preparePodman}. */
export interface PodmanHostOptions {
  /** Holds podman's config and storage, kept between runs so images and layers stay cached. */
  workDir: string;
  /** Prints one line of progress. */
  progress: (line: string) => void;
  /** Other programs the caller runs, each installed with apt from the Debian package of its name. */
  alsoNeeds?: readonly string[];
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
  for (const program of ['podman', 'runc', 'debootstrap', ...(options.alsoNeeds ?? [])])
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
    const installed = await run('apt-get', ['install', '-y', '-q', ...missing], {
      env,
      allowFailure: true,
    });
    if (installed.code !== 0) {
      await run('apt-get', ['update', '-q'], { env, allowFailure: true });
      const retried = await run('apt-get', ['install', '-y', '-q', ...missing], {
        env,
        allowFailure: true,
      });
      if (retried.code !== 0)
        return {
          ready: false,
          reason: `apt-get cannot install ${missing.join(', ')}: ${retried.stderr.trim()}`,
        };
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

/**
 * Podman ready for a test that builds and runs our images: prepared, with node:20-slim (pulled or
 * its stand-in) and a container that runs. Not ready, with the reason, where containers cannot run.
 */
export async function podmanForTests(options: PodmanHostOptions): Promise<PodmanHost> {
  const host = await preparePodman(options);
  if (!host.ready) return host;
  const { env } = host;
  options.progress(`podman ready (config and storage in ${options.workDir})`);
  const base = await ensureNodeBase({ env, workDir: options.workDir, progress: options.progress });
  const described = {
    pulled: 'pulled',
    real: 'in the store',
    cached: 'stand-in cached',
    created: 'stand-in created',
  };
  options.progress(`base image node:20-slim: ${described[base]}`);
  const smoke = await run(
    'podman',
    ['run', '--rm', '--network', 'host', 'docker.io/library/node:20-slim', 'node', '--version'],
    { env, allowFailure: true },
  );
  if (smoke.code !== 0) return { ready: false, reason: smoke.stderr.trim().split('\n').at(-1) ?? '' };
  return host;
}
