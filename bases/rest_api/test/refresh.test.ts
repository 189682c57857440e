import { Agent, request } from 'node:http';
import { createMemoryJobQueue } from '@mousetrap/job_queue';
import { createStore } from '@mousetrap/store';
import {
  describeWithServices,
  dropSchema,
  type HeldTable,
  lockTable,
  uniqueName,
  waitFor,
} from '@mousetrap/test_kit';
import postgres from 'postgres';
import { expectErrorBody, type ServedApi, useApiSuite } from './harness.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** One request on `agent`; its status, and whether it went over a connection used before. */
function send(
  agent: Agent,
  url: string,
  method: string,
  body: string,
): Promise<{ status: number; reusedSocket: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers: { 'Content-Length': String(body.length) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, reusedSocket: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describeWithServices('rest_api POST /refresh', ['postgres'], ({ databaseUrl }) => {
  const suite = useApiSuite(databaseUrl, 'api');
  let api: ServedApi | undefined;

  const post = (headers: Record<string, string> = {}, body?: string) =>
    fetch(`${api?.url}/refresh`, { method: 'POST', headers, ...(body === undefined ? {} : { body }) });

  test('without a body, answers 202 with the job id and a Location where the queued job shows', async () => {
    api = await suite.serve();
    const response = await post();
    const body = (await response.json()) as { status: string; job_id: string };
    expect(response.status).toBe(202);
    expect(body).toEqual({ status: 'ok', job_id: expect.stringMatching(UUID) });
    expect(response.headers.get('location')).toBe(`/jobs/${body.job_id}`);

    const job = await fetch(`${api.url}${response.headers.get('location')}`);
    expect(job.status).toBe(200);
    expect(await job.json()).toMatchObject({ id: body.job_id, status: 'queued' });
  });

  test('passes the request correlation id on to the job it records', async () => {
    api = await suite.serve();
    const response = await post({ 'X-Correlation-ID': 'client-abc.1' });
    const { job_id } = (await response.json()) as { job_id: string };
    expect(response.headers.get('x-correlation-id')).toBe('client-abc.1');
    expect(await suite.store.getJob(job_id)).toMatchObject({ correlation_id: 'client-abc.1' });
  });

  test('publishes the job to start_fetch, so the fetch worker receives it', async () => {
    api = await suite.serve();
    const received = new Promise<unknown>((resolve) => {
      void api?.deps.queue.consume('start_fetch', async (message) => void resolve(message));
    });
    const { job_id } = (await (await post({ 'X-Correlation-ID': 'to-the-worker' })).json()) as {
      job_id: string;
    };
    expect(await received).toMatchObject({ type: 'start_fetch', job_id, correlation_id: 'to-the-worker' });
  });

  test('with an empty body declared by Content-Length: 0, under any content type, answers 202', async () => {
    api = await suite.serve();
    for (const type of ['application/json', 'text/plain']) {
      const response = await post({ 'Content-Type': type, 'Content-Length': '0' }, '');
      expect([type, response.status]).toEqual([type, 202]);
    }
  });

  test('with a JSON body, answers 202', async () => {
    api = await suite.serve();
    const response = await post({ 'Content-Type': 'application/json' }, '{"anything": [1, 2]}');
    expect(response.status).toBe(202);
  });

  test('with the same Idempotency-Key twice, answers 202 with the same job id both times', async () => {
    api = await suite.serve();
    const key = { 'Idempotency-Key': `key ${uniqueName('k')}` };
    const first = await post(key);
    const second = await post(key);
    expect([first.status, second.status]).toEqual([202, 202]);
    const [a, b] = [(await first.json()) as { job_id: string }, (await second.json()) as { job_id: string }];
    expect(b.job_id).toBe(a.job_id);
    expect(second.headers.get('location')).toBe(`/jobs/${a.job_id}`);
  });

  test('with an Idempotency-Key longer than 200 characters, answers 400 bad_request', async () => {
    api = await suite.serve();
    const response = await post({ 'Idempotency-Key': 'k'.repeat(201) });
    expect(response.status).toBe(400);
    expectErrorBody(await response.json(), response, 'bad_request');
  });

  test('with an Idempotency-Key holding a non-printable character, answers 400 bad_request', async () => {
    api = await suite.serve();
    const response = await post({ 'Idempotency-Key': 'tab\there' });
    expect(response.status).toBe(400);
    expectErrorBody(await response.json(), response, 'bad_request');
  });

  test.each<[string, Record<string, string>, string | Uint8Array]>([
    ['a body of JSON that does not parse', { 'Content-Type': 'application/json' }, '{"unterminated": '],
    ['a text body', { 'Content-Type': 'text/plain' }, 'please refresh'],
    ['a form body', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'please=refresh&now=1'],
    [
      'a binary body',
      { 'Content-Type': 'application/octet-stream' },
      new Uint8Array([0, 255, 1, 254, 0x1f, 0x8b]),
    ],
    ['a body marked gzip that is not', { 'Content-Encoding': 'gzip' }, 'not gzip at all'],
    ['a body without a content type', {}, 'anything'],
  ])('with %s, ignores it and answers 202', async (_what, headers, body) => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/refresh`, { method: 'POST', headers, body });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });

  test('with a body of exactly 16 KiB, answers 202; one byte more answers 413 payload_too_large', async () => {
    api = await suite.serve();
    const atLimit = await post({ 'Content-Type': 'text/plain' }, 'x'.repeat(16 * 1024));
    expect(atLimit.status).toBe(202);
    const over = await post({ 'Content-Type': 'text/plain' }, 'x'.repeat(16 * 1024 + 1));
    expect(over.status).toBe(413);
    expectErrorBody(await over.json(), over, 'payload_too_large');
  });

  test('with a chunked body (no Content-Length) that grows past 16 KiB, answers 413 payload_too_large', async () => {
    api = await suite.serve();
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i += 1) controller.enqueue(new Uint8Array(1024).fill(120));
        controller.close();
      },
    });
    const response = await fetch(`${api.url}/refresh`, { method: 'POST', body: chunks, duplex: 'half' });
    expect(response.status).toBe(413);
    expectErrorBody(await response.json(), response, 'payload_too_large');
  });

  test('after a 413, the kept-alive connection serves the next request', async () => {
    api = await suite.serve();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const over = await send(agent, `${api.url}/refresh`, 'POST', 'x'.repeat(40_000));
      const next = await send(agent, `${api.url}/refresh`, 'POST', '');
      expect([over.status, next.status, next.reusedSocket]).toEqual([413, 202, true]);
    } finally {
      agent.destroy();
    }
  });

  test('with a body over a configured bodyLimitBytes, answers 413 payload_too_large', async () => {
    api = await suite.serve({ bodyLimitBytes: 100 });
    const response = await post({ 'Content-Type': 'text/plain' }, 'x'.repeat(101));
    expect(response.status).toBe(413);
  });

  describe('with an API key configured', () => {
    const apiKey = 'sekret-key-1';

    test('without a key, answers 401 unauthorized with WWW-Authenticate: Bearer', async () => {
      api = await suite.serve({ apiKey });
      const response = await post();
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expectErrorBody(await response.json(), response, 'unauthorized');
    });

    test('with a wrong key, answers 401 unauthorized', async () => {
      api = await suite.serve({ apiKey });
      const response = await post({ Authorization: 'Bearer sekret-key-2' });
      expect(response.status).toBe(401);
    });

    test('with the key as a bearer token, answers 202', async () => {
      api = await suite.serve({ apiKey });
      expect((await post({ Authorization: `Bearer ${apiKey}` })).status).toBe(202);
    });

    test('with the key in X-API-Key, answers 202', async () => {
      api = await suite.serve({ apiKey });
      expect((await post({ 'X-API-Key': apiKey })).status).toBe(202);
    });

    test('checks the key before reading the body: no key and an oversized body answers 401, not 413', async () => {
      api = await suite.serve({ apiKey });
      const response = await post(
        { 'Content-Type': 'application/json' },
        JSON.stringify({ pad: 'x'.repeat(17_000) }),
      );
      expect(response.status).toBe(401);
    });

    test('GET requests need no key', async () => {
      api = await suite.serve({ apiKey });
      expect((await fetch(`${api.url}/`)).status).toBe(200);
    });
  });

  test('when the database is closed, answers 503 unavailable with Retry-After: 1', async () => {
    const closed = await suite.closedStore();
    api = await suite.serve({ store: closed });
    const response = await post();
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expectErrorBody(await response.json(), response, 'unavailable');
  });

  test('when the database does not answer in time, answers 503 saying the job may still be recorded; a retry with the same Idempotency-Key gets it', async () => {
    const schema = uniqueName('api_slow');
    const slow = await createStore({
      url: databaseUrl,
      schema,
      callTimeoutMs: 300,
      statementTimeoutMs: 30_000,
    });
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    let held: HeldTable | undefined;
    try {
      api = await suite.serve({ store: slow });
      // Another session holds the jobs table: the job's insert waits past the store's 300 ms.
      held = await lockTable(databaseUrl, schema, 'jobs');
      const key = uniqueName('key');
      const refused = await post({ 'Idempotency-Key': key });
      expect(refused.status).toBe(503);
      const body = (await refused.json()) as { message: string };
      expect(body).toMatchObject({
        error: 'unavailable',
        message: expect.stringContaining('may still take effect'),
      });

      // The table free again, the insert the API gave up on goes through.
      await held.release();
      held = undefined;
      const recorded = await waitFor(
        async () => {
          const rows = await sql<
            { id: string }[]
          >`select id from ${sql(schema)}.jobs where idempotency_key = ${key}`;
          return rows.length === 1 && rows[0]?.id;
        },
        { what: 'the job recorded after the 503' },
      );
      const retried = await post({ 'Idempotency-Key': key });
      expect(retried.status).toBe(202);
      expect(await retried.json()).toMatchObject({ job_id: recorded });
    } finally {
      await held?.release();
      await sql.end();
      await slow.close();
      await dropSchema(databaseUrl, schema);
    }
  });

  test('when the broker is closed, still answers 202: the job is recorded, unpublished, for the relay', async () => {
    const queue = createMemoryJobQueue();
    await queue.close();
    api = await suite.serve({ queue });
    const response = await post();
    const { job_id } = (await response.json()) as { job_id: string };
    expect(response.status).toBe(202);
    // Past the time a published mark waits for its batch, so that a wrong one would have landed.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await suite.store.getJob(job_id)).toMatchObject({ status: 'queued', published_at: null });
  });
});
