import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { queueNames } from '@mousetrap/job_queue';
import { deleteQueues, dropSchema, SERVICE_NODE_FLAGS, uniqueName } from '@mousetrap/test_kit';
import { onCleanup } from './cleanup.ts';
import { progress } from './results.ts';
import { type ServiceProcess, startServiceProcess } from './service-process.ts';

/** The workspace root. */
export const ROOT = join(import.meta.dirname, '..', '..');

/** The shared services every benchmark runs against (overridable, as for the tests). */
export const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * The node flags the services run with, as their images start them (test_kit's
 * SERVICE_NODE_FLAGS). `BENCH_NODE_ARGS` (space-separated, may be empty) replaces them, to measure
 * what a flag does.
 */
export const SERVICE_NODE_ARGS: readonly string[] =
  process.env.BENCH_NODE_ARGS === undefined ? SERVICE_NODE_FLAGS : nodeFlagsOf(process.env.BENCH_NODE_ARGS);

/** Node flags written as one string, space-separated (`BENCH_NODE_ARGS`, compare.ts's `--flags`). */
export function nodeFlagsOf(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

/**
 * Where the builds are: `<dir>/<project>/main.js`, or the projects' own `dist/main.js` when no
 * folder is given (a copy of older builds, under node_modules so that their libraries resolve, to
 * compare two versions of the code in interleaved runs).
 */
function buildOf(project: Project, dir: string | undefined): string {
  return dir ? join(dir, project, 'main.js') : join(ROOT, 'projects', project, 'dist', 'main.js');
}

/** The three deployables, in start order. */
export type Project = 'api_app' | 'fetch_worker_app' | 'processing_worker_app';

/** Options of {@link startPipeline}. */
export interface PipelineOptions {
  /** FETCH_DELAY_MS and PROCESS_DELAY_MS. @default 0 */
  delayMs?: number;
  /** PREFETCH of the workers. @default 50 */
  prefetch?: number;
  /** Processes of each worker (fetch_worker_app, processing_worker_app). @default 1 */
  workers?: number;
  /** The node flags the services run with, in place of {@link SERVICE_NODE_ARGS}. @default those */
  nodeFlags?: readonly string[] | undefined;
  /** Node options per service besides its flags, e.g. `--cpu-prof`. @default none */
  nodeArgs?: readonly string[];
  /** More environment for every service, e.g. the OTLP endpoint of a traced run. @default none */
  env?: Record<string, string>;
  /** The folder of the builds to run (see buildOf). @default BENCH_BUILDS, or the projects' dist */
  builds?: string | undefined;
}

/** The three builds running against their own queues and schema. */
export interface Pipeline {
  /** The API's base URL, e.g. `http://127.0.0.1:40123`. */
  api: string;
  /** The DB_SCHEMA the services use; QUEUE_PREFIX is this and a dot. */
  schema: string;
  /** By name: the project's, and `<project> 2` and on for a worker's further processes. */
  services: Map<string, ServiceProcess>;
  /** Stops a project's processes (SIGTERM), e.g. the workers before an API-only run. */
  stopService(project: Project): Promise<void>;
  /** Stops every service still running, deletes the queues and drops the schema. */
  close(): Promise<void>;
}

/** Runs `npm run build` (poly build --all), so that the benchmarks run the current code. */
export async function buildProjects(): Promise<void> {
  progress('npm run build');
  await promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: ROOT });
}

const isStarted = (line: Record<string, unknown>) =>
  line.message === 'api listening' ||
  (typeof line.message === 'string' && line.message.endsWith('_worker started'));

/**
 * Starts the project builds (`projects/<p>/dist/main.js`) with a unique QUEUE_PREFIX and DB_SCHEMA
 * and waits until each says it started. Its cleanup, also run on Ctrl-C, stops them and removes
 * the queues and the schema.
 */
export async function startPipeline(options: PipelineOptions = {}): Promise<Pipeline> {
  const schema = uniqueName('bench');
  const prefix = `${schema}.`;
  const delay = String(options.delayMs ?? 0);
  const env = {
    RABBITMQ_URL,
    DATABASE_URL,
    QUEUE_PREFIX: prefix,
    DB_SCHEMA: schema,
    FETCH_DELAY_MS: delay,
    PROCESS_DELAY_MS: delay,
    PREFETCH: String(options.prefetch ?? 50),
    PORT: '0',
    HOST: '127.0.0.1',
    HEALTH_PORT: '0',
    ...options.env,
  };
  const services = new Map<string, ServiceProcess>();
  const builds = options.builds ?? process.env.BENCH_BUILDS;
  const stopService = async (project: Project) => {
    const named = [...services].filter(([name]) => name === project || name.startsWith(`${project} `));
    await Promise.all(named.map(([, service]) => service.stop()));
  };
  const close = onCleanup(async () => {
    await Promise.all([...services.values()].map((service) => service.stop()));
    await deleteQueues(RABBITMQ_URL, queueNames(prefix));
    await dropSchema(DATABASE_URL, schema);
  });
  let api = '';
  const workers = options.workers ?? 1;
  const started: [Project, number][] = [['api_app', 1]];
  for (let n = 1; n <= workers; n += 1) started.push(['fetch_worker_app', n], ['processing_worker_app', n]);
  const nodeFlags = options.nodeFlags ?? SERVICE_NODE_ARGS;
  for (const [project, n] of started) {
    const name = n === 1 ? project : `${project} ${n}`;
    const nodeArgs = [...nodeFlags, ...(options.nodeArgs ?? [])];
    const service = startServiceProcess(name, buildOf(project, builds), env, nodeArgs);
    services.set(name, service);
    // One at a time: the first migrates the schema, the others find it done.
    const line = await service.waitForLine(isStarted);
    if (project === 'api_app') api = `http://127.0.0.1:${String(line.port)}`;
  }
  const flags = nodeFlags.join(' ') || 'no node flags';
  progress(
    `started ${[...services.keys()].join(', ')} (schema ${schema}; ${flags}; ${builds ?? 'projects/*/dist'})`,
  );
  return { api, schema, services, stopService, close };
}
