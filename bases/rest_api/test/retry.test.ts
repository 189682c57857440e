import { randomUUID } from 'node:crypto';
import { describeWithServices } from '@mousetrap/test_kit';
import { expectErrorBody, type ServedApi, useApiSuite } from './harness.ts';

describeWithServices('rest_api POST /jobs/:id/retry', ['postgres'], ({ databaseUrl }) => {
  const suite = useApiSuite(databaseUrl, 'api_retry');
  let api: ServedApi | undefined;

  /** A job that failed while fetching. */
  async function failedJob(): Promise<string> {
    const { job } = await suite.store.createJob({ correlationId: 'retry' });
    await suite.store.markPublished(job.id);
    await suite.store.startStage(job.id, 'fetching');
    await suite.store.failJob(job.id, 'the source failed');
    return job.id;
  }

  const retry = (jobId: string, headers: Record<string, string> = {}) =>
    fetch(`${api?.url}/jobs/${jobId}/retry`, { method: 'POST', headers });

  test('POST /jobs/:id/retry: a failed job answers 202 with where to watch it, and is queued again', async () => {
    api = await suite.serve();
    const jobId = await failedJob();
    const response = await retry(jobId);
    expect(response.status).toBe(202);
    expect(response.headers.get('location')).toBe(`/jobs/${jobId}`);
    expect(await response.json()).toEqual({ status: 'ok', job_id: jobId });
    expect(await suite.store.getJob(jobId)).toMatchObject({ status: 'queued', error: null, failed_at: null });
  });

  test('POST /jobs/:id/retry: a body of any type is ignored: a failed job posted with a form body answers 202', async () => {
    api = await suite.serve();
    const jobId = await failedJob();
    const response = await fetch(`${api.url}/jobs/${jobId}/retry`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'retry=please',
    });
    expect(response.status).toBe(202);
  });

  test('POST /jobs/:id/retry: a job that is not failed answers 409 and stays as it was', async () => {
    api = await suite.serve();
    const { job } = await suite.store.createJob({ correlationId: 'retry-running' });
    await suite.store.startStage(job.id, 'fetching');
    const response = await retry(job.id);
    expect(response.status).toBe(409);
    const body = await response.json();
    expectErrorBody(body, response, 'conflict');
    expect((body as { message: string }).message).toMatch(/is fetching; only a failed job can be retried/);
    expect((await suite.store.getJob(job.id))?.status).toBe('fetching');
  });

  test('POST /jobs/:id/retry: retried twice, the second answers 409', async () => {
    api = await suite.serve();
    const jobId = await failedJob();
    expect((await retry(jobId)).status).toBe(202);
    expect((await retry(jobId)).status).toBe(409);
  });

  test('POST /jobs/:id/retry: an unknown job answers 404, an id that is not a UUID 400', async () => {
    api = await suite.serve();
    const unknown = await retry(randomUUID());
    expect(unknown.status).toBe(404);
    expectErrorBody(await unknown.json(), unknown, 'not_found');
    const malformed = await retry('not-a-uuid');
    expect(malformed.status).toBe(400);
    expectErrorBody(await malformed.json(), malformed, 'bad_request');
  });

  test('POST /jobs/:id/retry: with an API key set, needs it, as POST /refresh does', async () => {
    const apiKey = 'retry-key-1';
    api = await suite.serve({ apiKey });
    const jobId = await failedJob();
    const refused = await retry(jobId);
    expect(refused.status).toBe(401);
    expect((await suite.store.getJob(jobId))?.status).toBe('failed');
    expect((await retry(jobId, { 'X-API-Key': apiKey })).status).toBe(202);
  });

  test('GET /jobs/:id/retry: answers 405 with Allow: POST', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/jobs/${randomUUID()}/retry`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });
});
