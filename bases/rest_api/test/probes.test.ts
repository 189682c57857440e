import { createMemoryJobQueue } from '@mousetrap/job_queue';
import { describeWithServices } from '@mousetrap/test_kit';
import { type ServedApi, useApiSuite } from './harness.ts';

describeWithServices('rest_api health, readiness and metrics', ['postgres'], ({ databaseUrl }) => {
  const suite = useApiSuite(databaseUrl, 'api');
  let api: ServedApi | undefined;

  test('GET /health answers 200 {"status":"ok"}', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  test('GET /health answers 200 even when the database is closed: liveness only', async () => {
    const closed = await suite.closedStore();
    api = await suite.serve({ store: closed });
    expect((await fetch(`${api.url}/health`)).status).toBe(200);
  });

  test('HEAD /health answers 200 without a body, as Express serves HEAD for GET routes', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/health`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  test('GET /ready with the database and the broker up answers 200 with both checks ok', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', checks: { database: 'ok', broker: 'ok' } });
  });

  test('GET /ready with the database closed answers 503 with the database check failing', async () => {
    const closed = await suite.closedStore();
    api = await suite.serve({ store: closed });
    const response = await fetch(`${api.url}/ready`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'not_ready',
      checks: { database: expect.stringMatching(/unavailable/), broker: 'ok' },
    });
  });

  test('GET /ready with the broker closed answers 503 with the broker check failing', async () => {
    const queue = createMemoryJobQueue();
    await queue.close();
    api = await suite.serve({ queue });
    const response = await fetch(`${api.url}/ready`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'not_ready',
      checks: { database: 'ok', broker: 'the job queue is closed' },
    });
  });

  test('GET /ready when a check never settles answers 503 after its 2 s bound instead of hanging', async () => {
    const queue = createMemoryJobQueue();
    // No real broker can be made to hang on demand here; a check that never settles stands in for one.
    api = await suite.serve({ queue: { ...queue, check: () => new Promise<void>(() => {}) } });
    const started = Date.now();
    const response = await fetch(`${api.url}/ready`);
    expect(response.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(await response.json()).toMatchObject({
      checks: { database: 'ok', broker: expect.stringMatching(/2000 ms/) },
    });
    await queue.close();
  });

  test('GET /metrics answers Prometheus text counting requests by route pattern, never by raw path', async () => {
    api = await suite.serve();
    await fetch(`${api.url}/health`);
    await fetch(`${api.url}/jobs/00000000-0000-4000-8000-000000000000`);
    await fetch(`${api.url}/no/such/path`);
    await fetch(`${api.url}/refresh`, { method: 'POST' });
    const response = await fetch(`${api.url}/metrics`);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain('http_requests_total{method="GET",route="/health",status="200"} 1');
    expect(text).toContain('http_requests_total{method="GET",route="/jobs/:id",status="404"} 1');
    expect(text).toContain('http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toContain(
      'http_request_duration_seconds_bucket{le="0.005",method="GET",route="/health",status="200"}',
    );
    expect(text).toContain('jobs_submitted_total{outcome="created"} 1');
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).not.toContain('00000000-0000-4000-8000-000000000000');
    expect(text).not.toContain('/no/such/path');
  });
});
