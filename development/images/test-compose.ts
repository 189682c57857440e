/**
 * `npm run test:compose`: brings deploy/local.yml up for real with podman-compose, with 3 fetch
 * workers and 2 processing workers, waits for every health check, posts 500 jobs through the API
 * container, kills one fetch worker's container (SIGKILL) while it holds messages, checks that
 * every accepted job is done and has its one result, then tears the stack down with its volumes.
 * RabbitMQ's and PostgreSQL's images are pulled, or built from Debian's packages where no registry
 * can be reached. On a machine that cannot run containers it prints a `skipped` line and exits 0.
 * IMAGES_WORK_DIR holds podman's config, storage and cached images (default /var/cache/mousetrap-images).
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueName, waitFor } from '@mousetrap/test_kit';
import { stringify } from 'yaml';
import { sumOf } from '../faults/in-flight.ts';
import { startLoad } from '../faults/load.ts';
import { freePort } from '../faults/ports.ts';
import { run } from './command.ts';
import { logTail, waitHealthy } from './container-check.ts';
import { buildImage, type Engine } from './engine.ts';
import { podmanForTests } from './podman-host.ts';
import { SERVICE_IMAGES } from './service-images.ts';
import { ensureServiceStandIns } from './stand-in-services.ts';

const root = join(import.meta.dirname, '..', '..');
const workDir = process.env.IMAGES_WORK_DIR ?? '/var/cache/mousetrap-images';
const JOBS = 500;
const WORKERS = { fetch_worker_app: 3, processing_worker_app: 2 } as const;
const started = performance.now();
const progress = (line: string) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);

/** The stack of one run: its compose project, folder and the podman environment. */
interface Stack {
  project: string;
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The compose file's own credentials, as the run's .env sets them. */
  postgres: { user: string; db: string };
}

const compose = (stack: Stack, args: readonly string[]) =>
  run('podman-compose', ['-p', stack.project, '-f', 'local.yml', '-f', 'workers.yml', ...args], {
    env: stack.env,
    cwd: stack.dir,
  });

/** The names of the stack's containers running `service`. */
async function containersOf(stack: Stack, service: string): Promise<string[]> {
  const { stdout } = await run(
    'podman',
    [
      'ps',
      '--all',
      '--filter',
      `label=io.podman.compose.project=${stack.project}`,
      '--filter',
      `label=com.docker.compose.service=${service}`,
      '--format',
      '{{.Names}}',
    ],
    { env: stack.env },
  );
  return stdout.split('\n').filter(Boolean).sort();
}

/** Runs SQL in the stack's PostgreSQL container; resolves with psql's unaligned rows. */
async function sql(stack: Stack, query: string): Promise<string[]> {
  const [container] = await containersOf(stack, 'postgres');
  if (container === undefined) throw new Error('no postgres container');
  const { stdout } = await run(
    'podman',
    ['exec', container, 'psql', '-qAt', '-U', stack.postgres.user, '-d', stack.postgres.db, '-c', query],
    { env: stack.env },
  );
  return stdout.split('\n').filter(Boolean);
}

/** A fetch worker container's /metrics (its probe port has no host port, so asked from inside). */
async function fetchWorkerMetrics(stack: Stack, container: string): Promise<string> {
  const script =
    "fetch('http://127.0.0.1:8001/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))";
  return (await run('podman', ['exec', container, 'node', '-e', script], { env: stack.env })).stdout;
}

async function main(): Promise<number> {
  const host = await podmanForTests({ workDir, progress, alsoNeeds: ['podman-compose'] });
  if (!host.ready) {
    console.log(`test:compose: skipped: this machine cannot run containers (${host.reason})`);
    return 0;
  }
  const env = host.env;
  const composeFile = join(root, 'deploy', 'local.yml');
  for (const line of await ensureServiceStandIns(composeFile, env)) progress(line);

  const project = uniqueName('compose');
  const engine: Engine = { name: 'podman', buildx: false, env };
  const built: string[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'mousetrap-compose-'));
  const stack: Stack = { project, dir, env, postgres: { user: 'mousetrap', db: 'mousetrap' } };
  let up = false;
  try {
    for (const { project: service } of SERVICE_IMAGES) {
      built.push(await buildImage(engine, { root, project: service, version: project }));
    }
    progress(`built the three images, tagged ${project}`);

    // The compose file as it is, beside a .env of the run's own and the workers' replicas
    // (podman-compose reads deploy.replicas; docker compose's --scale does the same).
    await copyFile(composeFile, join(dir, 'local.yml'));
    const apiPort = await freePort();
    await writeFile(
      join(dir, '.env'),
      [
        `MOUSETRAP_VERSION=${project}`,
        `API_PORT=${apiPort}`,
        `RABBITMQ_UI_PORT=${await freePort()}`,
        'RABBITMQ_USER=mousetrap',
        `RABBITMQ_PASSWORD=${uniqueName('pw')}`,
        `POSTGRES_USER=${stack.postgres.user}`,
        `POSTGRES_PASSWORD=${uniqueName('pw')}`,
        `POSTGRES_DB=${stack.postgres.db}`,
        '',
      ].join('\n'),
    );
    const replicas = Object.fromEntries(
      Object.entries(WORKERS).map(([service, count]) => [service, { deploy: { replicas: count } }]),
    );
    await writeFile(join(dir, 'workers.yml'), stringify({ services: replicas }));

    up = true;
    await compose(stack, ['up', '-d']);
    const containers = new Map<string, string[]>();
    for (const service of ['rabbitmq', 'postgres', ...SERVICE_IMAGES.map((image) => image.project)]) {
      containers.set(service, await containersOf(stack, service));
    }
    for (const [service, count] of Object.entries(WORKERS)) {
      const running = containers.get(service)?.length ?? 0;
      if (running !== count) throw new Error(`${service}: ${running} containers, expected ${count}`);
    }
    progress(`up: ${[...containers].map(([service, names]) => `${service} ×${names.length}`).join(', ')}`);
    for (const name of [...containers.values()].flat()) {
      await waitHealthy({ name, image: '', url: '' }, env, 180_000);
    }
    progress('every container passes its health check');

    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const load = startLoad({
      apiUrl,
      count: JOBS,
      concurrency: 16,
      keyPrefix: `${project}-`,
      deadlineMs: 120_000,
    });
    const fetchWorkers = containers.get('fetch_worker_app') ?? [];
    const victim = await waitFor(
      async () => {
        for (const name of fetchWorkers) {
          const held = sumOf(await fetchWorkerMetrics(stack, name), 'deliveries_in_flight');
          if (held > 0) return { name, held };
        }
        return undefined;
      },
      { what: 'a fetch worker holding messages', timeoutMs: 60_000, intervalMs: 0 },
    );
    await run('podman', ['kill', '--signal', 'KILL', victim.name], { env });
    progress(
      `killed ${victim.name} (SIGKILL) at ${load.acceptedCount} accepted, holding ${victim.held} messages`,
    );

    const { accepted, givenUp } = await load.finished;
    if (givenUp.length > 0) throw new Error(`${givenUp.length} jobs were never accepted`);
    const ids = [...accepted.values()];
    progress(`${ids.length} jobs accepted; waiting for them to finish`);
    const counts = await waitFor(
      async () => {
        const rows = await sql(stack, 'SELECT status, count(*) FROM jobs GROUP BY status');
        const byStatus = Object.fromEntries(
          rows.map((row) => row.split('|')).map(([s, n]) => [s, Number(n)]),
        );
        const finished = (byStatus.done ?? 0) + (byStatus.failed ?? 0);
        return finished >= ids.length ? byStatus : undefined;
      },
      { what: `${ids.length} jobs to finish`, timeoutMs: 180_000, intervalMs: 1000 },
    );
    const done = new Set(await sql(stack, "SELECT id FROM jobs WHERE status = 'done'"));
    const lost = ids.filter((id) => !done.has(id));
    const [results] = await sql(stack, 'SELECT count(DISTINCT job_id) FROM results');
    if (lost.length > 0 || Number(results) !== ids.length) {
      throw new Error(
        `${lost.length} accepted jobs not done (${JSON.stringify(counts)}), results for ${results} of ${ids.length} jobs`,
      );
    }
    // What the killed worker held went to the others: they were handed messages a second time.
    let redelivered = 0;
    for (const name of fetchWorkers.filter((worker) => worker !== victim.name)) {
      redelivered += sumOf(await fetchWorkerMetrics(stack, name), 'messages_redelivered_total');
    }
    if (redelivered === 0)
      throw new Error(`no message was redelivered: the kill of ${victim.name} met no work`);
    progress(
      `all ${ids.length} jobs done, each with its result; the other fetch workers were handed ${redelivered} messages again`,
    );
  } catch (error) {
    if (up) {
      for (const name of (await containersOf(stack, 'fetch_worker_app').catch(() => [])).slice(0, 1)) {
        console.error(`--- ${name}\n${await logTail({ name, image: '', url: '' }, env)}`);
      }
    }
    throw error;
  } finally {
    if (up) {
      // The run has been judged, so its containers are killed at once: podman-compose down stops
      // them one at a time (58 s).
      await run(
        'podman',
        ['rm', '--force', '--time', '0', '--filter', `label=io.podman.compose.project=${stack.project}`],
        { env, allowFailure: true },
      );
      await compose(stack, ['down', '--volumes']).catch((error: unknown) =>
        console.error(`test:compose: podman-compose down failed: ${String(error)}`),
      );
      await run('podman', ['network', 'rm', '--force', `${project}_default`], { env, allowFailure: true });
    }
    for (const image of built) await run('podman', ['untag', image], { env, allowFailure: true });
    await rm(dir, { recursive: true, force: true });
    progress('tore the stack down: containers, network, volumes, image tags');
  }
  progress('test:compose: passed');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`test:compose: failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
