import { join } from 'node:path';
import { buildProject } from '@mousetrap/project_build';
import { describeWithServices, startServiceProcess, uniqueName, waitFor } from '@mousetrap/test_kit';
import { PROJECTS, startThreeBuilds, type ThreeBuilds } from './three-builds.ts';

const root = join(__dirname, '..', '..');

describeWithServices('the three project builds as processes', ['rabbitmq', 'postgres'], (urls) => {
  let builds: ThreeBuilds;
  let api = '';

  beforeAll(async () => {
    builds = await startThreeBuilds(urls, uniqueName('e2e'));
    api = builds.api;
  }, 60_000);

  afterAll(async () => {
    await builds?.stop();
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

    const doneLog = builds.running
      .get('processing_worker_app')
      ?.lines.find((line) => line.message === 'job done');
    expect(doneLog).toMatchObject({ service: 'processing_worker', job_id: jobId, correlation_id: 'e2e-1' });
  });

  test('SIGTERM stops every service with exit code 0', async () => {
    const codes = await Promise.all(PROJECTS.map((project) => builds.running.get(project)?.stop('SIGTERM')));
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
