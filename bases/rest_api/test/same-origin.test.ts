import { request } from 'node:http';
import { describeWithServices } from '@mousetrap/test_kit';
import { ROUTES } from '../src/routes.ts';
import { expectErrorBody, type ServedApi, useApiSuite } from './harness.ts';

const API_KEY = 'a-key-of-16-char';

/** A POST with a Host header of our choosing, which fetch() does not allow; resolves to the status. */
function postWithHost(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/refresh`, { method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describeWithServices('rest_api refuses state changes from other origins', ['postgres'], ({ databaseUrl }) => {
  const suite = useApiSuite(databaseUrl, 'api_origin');
  let api: ServedApi | undefined;

  const post = (path: string, headers: Record<string, string>) =>
    fetch(`${api?.url}${path}`, { method: 'POST', headers });
  const ownOrigin = () => api?.url ?? '';
  const jobCount = async () => (await suite.store.recentJobs(1000)).length;

  const foreign: [string, Record<string, string>][] = [
    ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { 'Sec-Fetch-Site': 'same-site' }],
    ['an Origin of another host', { Origin: 'https://evil.example' }],
    ['Origin: null', { Origin: 'null' }],
    ['an Origin of the same address on another port', { Origin: 'http://127.0.0.1:1' }],
    ['an Origin that is not a URL', { Origin: 'not a url' }],
  ];

  /** A job that failed while fetching, so that a retry would change it. */
  async function failedJob(): Promise<string> {
    const { job } = await suite.store.createJob({ correlationId: 'origin-retry' });
    await suite.store.markPublished(job.id);
    await suite.store.startStage(job.id, 'fetching');
    await suite.store.failJob(job.id, 'the source failed');
    return job.id;
  }

  test('the state-changing routes are POST /refresh and POST /jobs/:id/retry, both covered below', () => {
    expect(ROUTES.filter((route) => route.method === 'post').map((route) => route.path)).toEqual([
      '/refresh',
      '/jobs/:id/retry',
    ]);
  });

  describe.each([
    ['without an API key', undefined],
    ['with an API key', API_KEY],
  ])('%s', (_what, apiKey) => {
    test.each(foreign)(
      'POST /refresh with %s answers 403 forbidden as JSON and records no job',
      async (_name, headers) => {
        api = await suite.serve({ apiKey });
        const before = await jobCount();
        const response = await post('/refresh', headers);
        expect(response.status).toBe(403);
        expectErrorBody(await response.json(), response, 'forbidden');
        expect(await jobCount()).toBe(before);
      },
    );

    test.each(foreign)(
      'POST /jobs/:id/retry with %s answers 403 forbidden as JSON and the failed job stays failed',
      async (_name, headers) => {
        api = await suite.serve({ apiKey });
        const jobId = await failedJob();
        const response = await post(`/jobs/${jobId}/retry`, headers);
        expect(response.status).toBe(403);
        expectErrorBody(await response.json(), response, 'forbidden');
        expect(await suite.store.getJob(jobId)).toMatchObject({ status: 'failed' });
      },
    );
  });

  test('with an API key, a cross-site request is refused 403 before its key is looked at: no key or the right key alike', async () => {
    api = await suite.serve({ apiKey: API_KEY });
    const withoutKey = await post('/refresh', { 'Sec-Fetch-Site': 'cross-site' });
    const withKey = await post('/refresh', { 'Sec-Fetch-Site': 'cross-site', 'X-API-Key': API_KEY });
    expect([withoutKey.status, withKey.status]).toEqual([403, 403]);
    expect(withoutKey.headers.get('www-authenticate')).toBeNull();
  });

  test.each<[string, (origin: string) => Record<string, string>]>([
    ['neither Origin nor Sec-Fetch-Site (curl, other services)', () => ({})],
    ['an Origin equal to the Host it was sent to', (origin) => ({ Origin: origin })],
    [
      'Sec-Fetch-Site: same-origin and its own Origin',
      (origin) => ({ 'Sec-Fetch-Site': 'same-origin', Origin: origin }),
    ],
    ['Sec-Fetch-Site: none (typed by the user)', () => ({ 'Sec-Fetch-Site': 'none' })],
    [
      'its own host under https, as behind a proxy that ends TLS',
      (origin) => ({ Origin: origin.replace('http:', 'https:') }),
    ],
  ])('POST /refresh with %s answers 202', async (_name, headers) => {
    api = await suite.serve();
    expect((await post('/refresh', headers(ownOrigin()))).status).toBe(202);
  });

  test('POST /jobs/:id/retry from its own origin answers 202: the failed job is queued again', async () => {
    api = await suite.serve();
    const jobId = await failedJob();
    const response = await post(`/jobs/${jobId}/retry`, {
      'Sec-Fetch-Site': 'same-origin',
      Origin: ownOrigin(),
    });
    expect(response.status).toBe(202);
    expect(await suite.store.getJob(jobId)).toMatchObject({ status: 'queued' });
  });

  test('with an API key, a request from its own origin still needs the key: 401 without, 202 with', async () => {
    api = await suite.serve({ apiKey: API_KEY });
    const origin = { 'Sec-Fetch-Site': 'same-origin', Origin: ownOrigin() };
    expect((await post('/refresh', origin)).status).toBe(401);
    expect((await post('/refresh', { ...origin, 'X-API-Key': API_KEY })).status).toBe(202);
  });

  test('Origin and Host compare as hosts: letter case and a default port written out do not matter, another port does', async () => {
    api = await suite.serve();
    const statuses = await Promise.all([
      postWithHost(api.url, { Host: 'Mousetrap.Example', Origin: 'http://mousetrap.example' }),
      postWithHost(api.url, { Host: 'mousetrap.example:80', Origin: 'http://mousetrap.example' }),
      postWithHost(api.url, { Host: 'mousetrap.example:443', Origin: 'https://mousetrap.example' }),
      postWithHost(api.url, { Host: 'mousetrap.example', Origin: 'http://mousetrap.example:8080' }),
      postWithHost(api.url, { Host: 'evil.example@mousetrap.example', Origin: 'http://mousetrap.example' }),
    ]);
    expect(statuses).toEqual([202, 202, 202, 403, 403]);
  });

  test('GET requests are not state changes: a cross-site GET / answers 200', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/`, {
      headers: { 'Sec-Fetch-Site': 'cross-site', Origin: 'null' },
    });
    expect(response.status).toBe(200);
  });
});
