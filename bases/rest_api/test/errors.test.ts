import { createStore, type Store } from '@mousetrap/store';
import { describeWithServices, dropSchema, uniqueName, waitFor } from '@mousetrap/test_kit';
import { expectErrorBody, type ServedApi, useApiSuite } from './harness.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describeWithServices('rest_api errors, correlation ids and request logs', ['postgres'], ({ databaseUrl }) => {
  const suite = useApiSuite(databaseUrl, 'api');
  let api: ServedApi | undefined;

  test('an unknown path answers 404 not_found as JSON', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/nowhere`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expectErrorBody(await response.json(), response, 'not_found');
  });

  test('DELETE /refresh answers 405 method_not_allowed with Allow: POST', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/refresh`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expectErrorBody(await response.json(), response, 'method_not_allowed');
  });

  test('GET /refresh answers 405 with Allow: POST', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/refresh`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  test('POST / answers 405 method_not_allowed with Allow: GET, HEAD', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expectErrorBody(await response.json(), response, 'method_not_allowed');
  });

  test('PUT /jobs/:id answers 405 with Allow: GET, HEAD', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/jobs/whatever`, { method: 'PUT' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  test('an unexpected error answers 500 internal with a generic message and logs the stack', async () => {
    // A store bug (not a StoreError) cannot be caused on a real store; one method is swapped for it.
    const broken: Store = {
      ...suite.store,
      latestResult: () => Promise.reject(new TypeError('secret detail')),
    };
    api = await suite.serve({ store: broken });
    const response = await fetch(`${api.url}/`, { headers: { 'X-Correlation-ID': 'boom-1' } });
    const text = await response.text();
    expect(response.status).toBe(500);
    expectErrorBody(JSON.parse(text), response, 'internal');
    expect(text).not.toContain('secret detail');
    expect(text).not.toContain('at ');

    const served = api;
    const line = await waitFor(() => served.logLines().find((l) => l.message === 'request failed'), {
      what: 'the error log line',
    });
    expect(line).toMatchObject({ level: 'error', status: 500, route: '/', correlation_id: 'boom-1' });
    expect(line.error).toMatch(/TypeError: secret detail\n\s+at /);
  });

  test('an outage is logged as a warning with its cause; a not-ready answer of GET /ready only at debug', async () => {
    const closed = await suite.closedStore();
    api = await suite.serve({ store: closed });
    expect((await fetch(`${api.url}/`, { headers: { 'X-Correlation-ID': 'outage-1' } })).status).toBe(503);
    expect((await fetch(`${api.url}/ready`, { headers: { 'X-Correlation-ID': 'ready-1' } })).status).toBe(
      503,
    );
    const served = api;
    const lines = await waitFor(
      () => {
        const found = served
          .logLines()
          .filter((l) => l.correlation_id === 'outage-1' || l.correlation_id === 'ready-1');
        return found.length === 2 && found;
      },
      { what: 'both log lines' },
    );
    expect(lines.find((l) => l.correlation_id === 'outage-1')).toMatchObject({
      level: 'warn',
      message: 'request failed',
      status: 503,
      error: expect.stringMatching(/^StoreError: /),
    });
    expect(lines.find((l) => l.correlation_id === 'ready-1')).toMatchObject({
      level: 'debug',
      message: 'request',
      status: 503,
    });
  });

  test('a failed query (a bug, not an outage) answers 500 internal, not 503', async () => {
    const brokenSchema = uniqueName('api');
    const broken = await createStore({ url: databaseUrl, schema: brokenSchema });
    try {
      await dropSchema(databaseUrl, brokenSchema);
      api = await suite.serve({ store: broken });
      const response = await fetch(`${api.url}/`);
      expect(response.status).toBe(500);
      expect(response.headers.get('retry-after')).toBeNull();
      expectErrorBody(await response.json(), response, 'internal');
    } finally {
      await broken.close();
    }
  });

  test('logs each request at debug with method, route pattern, status, duration and correlation id', async () => {
    api = await suite.serve();
    await fetch(`${api.url}/jobs/not-a-uuid`, { headers: { 'X-Correlation-ID': 'log-me' } });
    const served = api;
    const line = await waitFor(() => served.logLines().find((l) => l.correlation_id === 'log-me'), {
      what: 'the request log line',
    });
    expect(line).toMatchObject({
      level: 'debug',
      message: 'request',
      method: 'GET',
      route: '/jobs/:id',
      status: 400,
      duration_ms: expect.any(Number),
    });
  });

  test('a valid X-Correlation-ID is echoed on the answer', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/health`, { headers: { 'X-Correlation-ID': 'Abc-123_x.y:z' } });
    expect(response.headers.get('x-correlation-id')).toBe('Abc-123_x.y:z');
  });

  test('without X-Correlation-ID, a new UUID is generated and sent back', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/health`);
    expect(response.headers.get('x-correlation-id')).toMatch(UUID);
  });

  test('an X-Correlation-ID with characters outside [A-Za-z0-9._:-] is replaced by a new UUID', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/health`, { headers: { 'X-Correlation-ID': 'has space/slash' } });
    expect(response.headers.get('x-correlation-id')).toMatch(UUID);
  });

  test('an X-Correlation-ID longer than 200 characters is replaced by a new UUID', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/health`, { headers: { 'X-Correlation-ID': 'a'.repeat(201) } });
    expect(response.headers.get('x-correlation-id')).toMatch(UUID);
  });

  test('error answers echo the correlation id too, in the header and the body', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/nowhere`, { headers: { 'X-Correlation-ID': 'err-7' } });
    expect(response.headers.get('x-correlation-id')).toBe('err-7');
    expect(await response.json()).toMatchObject({ correlation_id: 'err-7' });
  });

  test('no answer carries X-Powered-By', async () => {
    api = await suite.serve();
    expect((await fetch(`${api.url}/health`)).headers.get('x-powered-by')).toBeNull();
    expect((await fetch(`${api.url}/nowhere`)).headers.get('x-powered-by')).toBeNull();
  });
});
