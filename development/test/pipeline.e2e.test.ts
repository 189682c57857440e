import { join } from 'node:path';
import { queueNames } from '@mousetrap/job_queue';
import { buildProject } from '@mousetrap/project_build';
import {
  deleteQueues,
  describeWithServices,
  dropSchema,
  type ServiceProcess,
  startServiceProcess,
  uniqueName,
  waitFor,
} from '@mousetrap/test_kit';

const root = join(__dirname, '..', '..');
const projects = ['api_app', 'fetch_worker_app', 'processing_worker_app'] as const;
const started = (line: Record<string, unknown>) =>
  line.message === 'api listening' ||
  (typeof line.message === 'string' && line.message.endsWith('_worker started'));

describeWithServices('the three project builds as processes', ['rabbitmq', 'postgres'], (urls) => {
  const schema = uniqueName('e2e');
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
  const running = new Map<string, ServiceProcess>();
  let api = '';

  beforeAll(async () => {
    for (const project of projects) await buildProject({ root, project });
    for (const project of projects) {
      running.set(project, startServiceProcess(join(root, 'projects', project, 'dist', 'main.js'), env));
    }
    const listening = await running.get('api_app')?.waitForLine(started);
    api = `http://127.0.0.1:${String(listening?.port)}`;
    await running.get('fetch_worker_app')?.waitForLine(started);
    await running.get('processing_worker_app')?.waitForLine(started);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...running.values()].map((service) => service.stop('SIGKILL')));
    await dropSchema(urls.databaseUrl, schema);
    await deleteQueues(urls.rabbitmqUrl, queueNames(prefix));
  });

  test('a job posted to the API is fetched, processed and its result served by GET /', async () => {
    const ready = await fetch(`${api}/ready`);
    expect(ready.status).toBe(200);

    const posted = await fetch(`${api}/refresh`, {
      method: 'POST',
      headers: { 'X-Correlation-ID': 'e2e-1' },
    });
    expect(posted.status).toBe(202);
    const { status, job_id: jobId } = (await posted.json()) as { status: string; job_id: string };
    expect(status).toBe('ok');
    expect(posted.headers.get('location')).toBe(`/jobs/${jobId}`);

    const job = await waitFor(
      async () => {
        const body = (await (await fetch(`${api}/jobs/${jobId}`)).json()) as { status: string };
        return body.status === 'done' || body.status === 'failed' ? body : undefined;
      },
      { what: `job ${jobId} to finish`, timeoutMs: 20_000 },
    );
    expect(job).toMatchObject({ id: jobId, status: 'done', correlation_id: 'e2e-1', error: null });

    const latest = (await (await fetch(`${api}/`)).json()) as { centroid: unknown; most_northerly: unknown };
    expect(Object.keys(latest).sort()).toEqual(['centroid', 'most_northerly']);
    expect(latest.centroid).toEqual([expect.any(Number), expect.any(Number)]);
    expect(latest.most_northerly).toEqual(Array(5).fill(expect.any(String)));

    const fetchLog = running.get('fetch_worker_app')?.lines.find((line) => line.message === 'places fetched');
    expect(fetchLog).toMatchObject({ service: 'fetch_worker', job_id: jobId, correlation_id: 'e2e-1' });
  });

  test('SIGTERM stops every service with exit code 0', async () => {
    const codes = await Promise.all(projects.map((project) => running.get(project)?.stop('SIGTERM')));
    expect(codes).toEqual([0, 0, 0]);
  });
});

describe('a project build started with a bad configuration', () => {
  test('exits 1 with one line naming every bad key', async () => {
    await buildProject({ root, project: 'api_app' });
    const api = startServiceProcess(join(root, 'projects', 'api_app', 'dist', 'main.js'), {
      PORT: 'eighty',
      STAGE_TIMEOUT_MS: '0',
    });
    expect(await api.exited).toBe(1);
    expect(api.stderr()).toMatch(
      /^api: failed to start: invalid configuration: PORT .+; STAGE_TIMEOUT_MS .+\n$/,
    );
  });
});
