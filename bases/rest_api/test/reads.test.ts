import { randomUUID } from 'node:crypto';
import type { Store } from '@mousetrap/store';
import { describeWithServices } from '@mousetrap/test_kit';
import { expectErrorBody, type ServedApi, summary, useApiSuite } from './harness.ts';

describeWithServices('rest_api GET / and GET /jobs/:id', ['postgres'], ({ databaseUrl }) => {
  const suite = useApiSuite(databaseUrl, 'api');
  let api: ServedApi | undefined;

  // Runs first: the schema is fresh and holds no result yet.
  test('GET /: before any job is done, answers 200 {}', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
  });

  test('GET /: once a job is completed, answers the newest result in the seed shape only', async () => {
    api = await suite.serve();
    const { job_id } = (await (await fetch(`${api.url}/refresh`, { method: 'POST' })).json()) as {
      job_id: string;
    };
    expect(await suite.store.completeJob(job_id, summary)).toBe(true);

    const response = await fetch(`${api.url}/`);
    expect(response.status).toBe(200);
    expect(await response.json()).toStrictEqual({
      centroid: [50.5, 10.25],
      most_northerly: ['60.0', '11.0', 'Oslo', 'NO', 'Europe/Oslo'],
    });
  });

  test('GET /jobs/:id: a completed job answers 200 with status done, its timestamps and its result', async () => {
    api = await suite.serve();
    const { job_id } = (await (await fetch(`${api.url}/refresh`, { method: 'POST' })).json()) as {
      job_id: string;
    };
    await suite.store.completeJob(job_id, summary);
    const response = await fetch(`${api.url}/jobs/${job_id}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: job_id,
      status: 'done',
      done_at: expect.any(String),
      created_at: expect.any(String),
      result: { centroid: [50.5, 10.25], most_northerly: ['60.0', '11.0', 'Oslo', 'NO', 'Europe/Oslo'] },
    });
  });

  test('GET /jobs/:id: a job not done yet has no result field', async () => {
    api = await suite.serve();
    const { job_id } = (await (await fetch(`${api.url}/refresh`, { method: 'POST' })).json()) as {
      job_id: string;
    };
    const body = (await (await fetch(`${api.url}/jobs/${job_id}`)).json()) as Record<string, unknown>;
    expect(body.status).toBe('queued');
    expect(body).not.toHaveProperty('result');
  });

  test('GET /jobs/:id: an id that is not a UUID answers 400 bad_request', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/jobs/not-a-uuid`);
    expect(response.status).toBe(400);
    expectErrorBody(await response.json(), response, 'bad_request');
  });

  test('GET /jobs/:id: an unknown UUID answers 404 not_found', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/jobs/${randomUUID()}`);
    expect(response.status).toBe(404);
    expectErrorBody(await response.json(), response, 'not_found');
  });

  describe('when the database is closed', () => {
    let closed: Store;

    beforeAll(async () => {
      closed = await suite.closedStore();
    });

    test('GET / answers 503 unavailable with Retry-After: 1', async () => {
      api = await suite.serve({ store: closed });
      const response = await fetch(`${api.url}/`);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expectErrorBody(await response.json(), response, 'unavailable');
    });

    test('GET /jobs/:id answers 503 unavailable', async () => {
      api = await suite.serve({ store: closed });
      const response = await fetch(`${api.url}/jobs/${randomUUID()}`);
      expect(response.status).toBe(503);
      expectErrorBody(await response.json(), response, 'unavailable');
    });
  });
});
