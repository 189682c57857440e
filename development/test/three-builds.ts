import { join } from 'node:path';
import { queueNames } from '@mousetrap/job_queue';
import { buildProject } from '@mousetrap/project_build';
import { deleteQueues, dropSchema, type ServiceProcess, startServiceProcess } from '@mousetrap/test_kit';

const root = join(__dirname, '..', '..');

/** The three deployables, in start order. */
export const PROJECTS = ['api_app', 'fetch_worker_app', 'processing_worker_app'] as const;
export type Project = (typeof PROJECTS)[number];

const started = (line: Record<string, unknown>) =>
  line.message === 'api listening' ||
  (typeof line.message === 'string' && line.message.endsWith('_worker started'));

/** The three project builds running as processes against real services, for an end-to-end test. */
export interface ThreeBuilds {
  /** The API's base URL. */
  api: string;
  running: ReadonlyMap<Project, ServiceProcess>;
  /** Kills the three and removes the run's schema and queues. */
  stop(): Promise<void>;
}

/**
 * Builds the three projects and starts them on `schema` (its name is also the queue prefix) with
 * delays of 0 and ports of the system's choosing, plus `extra` (what each project gets beside);
 * resolves once each has said it started.
 */
export async function startThreeBuilds(
  urls: { rabbitmqUrl: string; databaseUrl: string },
  schema: string,
  extra: (project: Project) => Record<string, string> = () => ({}),
): Promise<ThreeBuilds> {
  const prefix = `${schema}.`;
  const env = {
    RABBITMQ_URL: urls.rabbitmqUrl,
    DATABASE_URL: urls.databaseUrl,
    QUEUE_PREFIX: prefix,
    DB_SCHEMA: schema,
    FETCH_DELAY_MS: '0',
    PROCESS_DELAY_MS: '0',
    PORT: '0',
    HOST: '127.0.0.1',
    HEALTH_PORT: '0',
    LOG_LEVEL: 'info',
  };
  for (const project of PROJECTS) await buildProject({ root, project });
  const running = new Map<Project, ServiceProcess>();
  for (const project of PROJECTS) {
    const script = join(root, 'projects', project, 'dist', 'main.js');
    running.set(project, startServiceProcess(script, { ...env, ...extra(project) }));
  }
  const stop = async () => {
    await Promise.all([...running.values()].map((service) => service.stop('SIGKILL')));
    await dropSchema(urls.databaseUrl, schema);
    await deleteQueues(urls.rabbitmqUrl, queueNames(prefix));
  };
  try {
    const listening = await running.get('api_app')?.waitForLine(started);
    await running.get('fetch_worker_app')?.waitForLine(started);
    await running.get('processing_worker_app')?.waitForLine(started);
    return { api: `http://127.0.0.1:${String(listening?.port)}`, running, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
