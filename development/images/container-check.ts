import { run } from './command.ts';

/** A container of the run, started from one of the images. */
export interface RunningContainer {
  name: string;
  image: string;
  /** Where its HTTP port answers on the host (the containers share the host's network). */
  url: string;
}

/** Options of {@link startContainer}. */
export interface StartContainerOptions {
  name: string;
  image: string;
  /** Its environment: the services' URLs, the run's queue prefix and schema, its port. */
  environment: Record<string, string>;
  /** Its HTTP port on the host. */
  port: number;
  /** The environment podman runs in. */
  podmanEnv: NodeJS.ProcessEnv;
}

/**
 * Starts a container on the host's network, so it reaches the host's RabbitMQ and PostgreSQL at
 * 127.0.0.1 as the services on this machine do, each on a port of its own. It runs hardened as
 * deploy/ runs it (read-only root filesystem, no capabilities, no privilege escalation), so the
 * check proves the images work that way.
 */
export async function startContainer(options: StartContainerOptions): Promise<RunningContainer> {
  const environment = Object.entries(options.environment).flatMap(([key, value]) => [
    '--env',
    `${key}=${value}`,
  ]);
  await run(
    'podman',
    [
      'run',
      '--detach',
      '--name',
      options.name,
      '--network',
      'host',
      '--read-only',
      '--cap-drop',
      'ALL',
      '--security-opt',
      'no-new-privileges',
      ...environment,
      options.image,
    ],
    {
      env: options.podmanEnv,
    },
  );
  return { name: options.name, image: options.image, url: `http://127.0.0.1:${options.port}` };
}

/**
 * Runs the image's own HEALTHCHECK until it passes (podman schedules it with systemd timers, which
 * this machine lacks, so the check runs it) and returns the health status podman then records.
 */
export async function waitHealthy(
  container: RunningContainer,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const check = await run('podman', ['healthcheck', 'run', container.name], { env, allowFailure: true });
    if (check.code === 0) break;
    const state = (
      await run('podman', ['inspect', '--format', '{{.State.Status}}', container.name], { env })
    ).stdout.trim();
    if (state !== 'running')
      throw new Error(`${container.name} is ${state}, not running:\n${await logTail(container, env)}`);
    if (Date.now() > deadline)
      throw new Error(
        `${container.name} not healthy after ${timeoutMs / 1000} s:\n${await logTail(container, env)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return (
    await run('podman', ['inspect', '--format', '{{.State.Health.Status}}', container.name], { env })
  ).stdout.trim();
}

/** The user id the container's main process (PID 1) runs as, from the kernel's view of it. */
export async function processUid(container: RunningContainer, env: NodeJS.ProcessEnv): Promise<number> {
  const { stdout } = await run('podman', ['exec', container.name, 'cat', '/proc/1/status'], { env });
  const uid = /^Uid:\s+(\d+)/m.exec(stdout)?.[1];
  if (uid === undefined) throw new Error(`no Uid line in /proc/1/status of ${container.name}`);
  return Number(uid);
}

/**
 * Stops a container the way an orchestrator does: its STOPSIGNAL (SIGTERM), then SIGKILL only
 * after `graceSeconds`. Returns the exit code of its main process.
 */
export async function stopContainer(
  container: RunningContainer,
  env: NodeJS.ProcessEnv,
  graceSeconds: number,
): Promise<number> {
  await run('podman', ['stop', '--time', String(graceSeconds), container.name], { env });
  const { stdout } = await run('podman', ['inspect', '--format', '{{.State.ExitCode}}', container.name], {
    env,
  });
  return Number(stdout.trim());
}

/** The last lines a container logged, for an error message. */
export async function logTail(container: RunningContainer, env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout, stderr } = await run('podman', ['logs', '--tail', '15', container.name], {
    env,
    allowFailure: true,
  });
  return `${stdout}${stderr}`.trim();
}
