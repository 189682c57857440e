/**
 * `npm run test:images`: builds the three service images with podman, runs them against the
 * host's RabbitMQ and PostgreSQL, posts a job to the API container and reads its result back,
 * checks that every container runs as non-root, reports healthy and exits 0 on SIGTERM, then
 * removes its containers, queues and schema. On a machine that cannot run containers it prints
 * a `skipped` line and exits 0.
 *
 * RABBITMQ_URL and DATABASE_URL name the services (default: the shared ones on 127.0.0.1);
 * IMAGES_WORK_DIR holds podman's config, storage and the cached base image
 * (default /var/cache/mousetrap-images).
 */
import { join } from 'node:path';
import { queueNames } from '@mousetrap/job_queue';
import { deleteQueues, dropSchema, uniqueName, waitFor } from '@mousetrap/test_kit';
import { freePort } from '../faults/ports.ts';
import { run } from './command.ts';
import {
  logTail,
  processUid,
  type RunningContainer,
  startContainer,
  stopContainer,
  waitHealthy,
} from './container-check.ts';
import { buildImage, type Engine, imageSize, megabytes } from './engine.ts';
import { podmanForTests } from './podman-host.ts';
import { SERVICE_IMAGES } from './service-images.ts';

const root = join(import.meta.dirname, '..', '..');
const workDir = process.env.IMAGES_WORK_DIR ?? '/var/cache/mousetrap-images';
const rabbitmqUrl = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const started = performance.now();
const progress = (line: string) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);

/** Posts a job to the API container and waits for its result; returns the job's id. */
async function roundTrip(api: RunningContainer): Promise<string> {
  const posted = await fetch(`${api.url}/refresh`, { method: 'POST' });
  if (posted.status !== 202)
    throw new Error(`POST /refresh answered ${posted.status}: ${await posted.text()}`);
  const { job_id: jobId } = (await posted.json()) as { job_id: string };
  const job = await waitFor(
    async () => {
      const body = (await (await fetch(`${api.url}/jobs/${jobId}`)).json()) as {
        status: string;
        error: unknown;
      };
      return body.status === 'done' || body.status === 'failed' ? body : undefined;
    },
    { what: `job ${jobId} to finish`, timeoutMs: 30_000, intervalMs: 200 },
  );
  if (job.status !== 'done') throw new Error(`job ${jobId} ${job.status}: ${JSON.stringify(job.error)}`);
  const latest = (await (await fetch(`${api.url}/`)).json()) as {
    centroid?: unknown;
    most_northerly?: unknown;
  };
  if (!Array.isArray(latest.centroid) || !Array.isArray(latest.most_northerly)) {
    throw new Error(`GET / did not return a result: ${JSON.stringify(latest)}`);
  }
  return jobId;
}

/** What a run made, for {@link removeRun}. */
interface RunTrace {
  env: NodeJS.ProcessEnv;
  runId: string;
  containers: readonly RunningContainer[];
  images: readonly string[];
}

/** Removes a run's containers, queues, schema and image tags; the layers stay as the next run's cache. */
async function removeRun(trace: RunTrace): Promise<void> {
  const { env } = trace;
  await Promise.all(
    trace.containers.map((c) => run('podman', ['rm', '--force', c.name], { env, allowFailure: true })),
  );
  for (const image of trace.images) await run('podman', ['untag', image], { env, allowFailure: true });
  // Untagged images are the layer cache of the next runs; a day later prune removes them.
  await run('podman', ['image', 'prune', '--force', '--filter', 'until=24h'], { env, allowFailure: true });
  await dropSchema(databaseUrl, trace.runId);
  await deleteQueues(rabbitmqUrl, queueNames(`${trace.runId}.`));
  progress('removed the containers, the image tags, the queues and the schema of the run');
}

async function main(): Promise<number> {
  const host = await podmanForTests({ workDir, progress });
  if (!host.ready) {
    console.log(`test:images: skipped: this machine cannot run containers (${host.reason})`);
    return 0;
  }
  const env = host.env;

  // One name for the run's tags, containers, queue prefix and schema: concurrent runs never meet.
  const runId = uniqueName('img');
  const prefix = `${runId}.`;
  const engine: Engine = { name: 'podman', buildx: false, env };
  const images = new Map<string, string>();
  const containers: RunningContainer[] = [];
  try {
    for (const { project } of SERVICE_IMAGES) {
      const image = await buildImage(engine, { root, project, version: runId });
      images.set(project, image);
      progress(`built ${project}: ${megabytes(await imageSize(engine, image))}`);
    }

    for (const { project, portVariable } of SERVICE_IMAGES) {
      const port = await freePort();
      containers.push(
        await startContainer({
          name: `${runId}-${project}`,
          image: images.get(project) ?? '',
          port,
          podmanEnv: env,
          environment: {
            RABBITMQ_URL: rabbitmqUrl,
            DATABASE_URL: databaseUrl,
            QUEUE_PREFIX: prefix,
            DB_SCHEMA: runId,
            FETCH_DELAY_MS: '0',
            PROCESS_DELAY_MS: '0',
            [portVariable]: String(port),
          },
        }),
      );
    }
    progress(`started ${containers.map((c) => c.name).join(', ')} (queue prefix and schema ${runId})`);

    for (const container of containers) {
      const health = await waitHealthy(container, env, 60_000);
      const uid = await processUid(container, env);
      if (health !== 'healthy') throw new Error(`${container.name} reports "${health}", not healthy`);
      if (uid === 0) throw new Error(`${container.name} runs as root`);
      progress(`${container.name}: ${health}, uid ${uid}`);
    }

    const [api] = containers;
    if (api === undefined) throw new Error('no API container');
    const jobId = await roundTrip(api);
    progress(`job ${jobId}: posted to the API container, done, its result served by GET /`);

    const codes = await Promise.all(containers.map((container) => stopContainer(container, env, 30)));
    const unclean = containers.filter((_, i) => codes[i] !== 0);
    if (unclean.length > 0) {
      const details = await Promise.all(
        unclean.map(
          async (c) => `${c.name} exited ${codes[containers.indexOf(c)]}:\n${await logTail(c, env)}`,
        ),
      );
      throw new Error(details.join('\n'));
    }
    progress('SIGTERM: all three stopped cleanly (exit code 0)');
  } catch (error) {
    for (const container of containers)
      console.error(`--- ${container.name}\n${await logTail(container, env)}`);
    throw error;
  } finally {
    await removeRun({ env, runId, containers, images: [...images.values()] }).catch((error: unknown) =>
      console.error(`test:images: cleaning up ${runId} failed: ${String(error)}`),
    );
  }
  progress('test:images: passed');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`test:images: failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
