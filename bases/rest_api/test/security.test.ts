import { connect } from 'node:net';
import { createMemoryJobQueue, type JobQueue, JobQueueError } from '@mousetrap/job_queue';
import { createLogger } from '@mousetrap/log';
import type { Job } from '@mousetrap/store';
import { describeWithServices } from '@mousetrap/test_kit';
import { crashAfterCommit } from '../src/crash-hook.ts';
import { SECURITY_HEADERS } from '../src/security-headers.ts';
import { expectErrorBody, type ServedApi, useApiSuite } from './harness.ts';

/** Sends raw bytes and reads the whole answer until the server closes the connection. */
function rawRequest(url: string, bytes: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.write(bytes);
  });
}

/** The broker refusing more work, as the transport reports it: its own tests cover when it does. */
function overloadedQueue(code: 'blocked' | 'busy'): JobQueue {
  const queue = createMemoryJobQueue();
  return {
    ...queue,
    check: async () => {
      throw new JobQueueError(code, `the broker says ${code}`);
    },
  };
}

describeWithServices('rest_api security and backpressure', ['postgres'], ({ databaseUrl }) => {
  const suite = useApiSuite(databaseUrl, 'apisec');
  let api: ServedApi | undefined;

  test.each([
    ['GET /', 'GET', '/', 200],
    ['POST /refresh', 'POST', '/refresh', 202],
    ['an unknown path', 'GET', '/nowhere', 404],
    ['a wrong method', 'DELETE', '/refresh', 405],
    ['a bad job id', 'GET', '/jobs/1', 400],
  ])('%s answers %#: every security header is set', async (_what, method, path, status) => {
    api = await suite.serve();
    const response = await fetch(`${api.url}${path}`, { method });
    expect(response.status).toBe(status);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      expect([name, response.headers.get(name)]).toEqual([name, value]);
    }
  });

  test('answers carry no ETag, so a conditional GET gets the whole answer, never a 304', async () => {
    api = await suite.serve();
    const first = await fetch(`${api.url}/health`);
    expect(first.headers.get('etag')).toBeNull();
    const again = await fetch(`${api.url}/health`, { headers: { 'If-None-Match': '*' } });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'ok' });
  });

  test('GET /docs keeps its own policy, which allows only the app (and data: images), and every other security header', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/docs`);
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'self'; img-src 'self' data:; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    );
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      if (name !== 'Content-Security-Policy')
        expect([name, response.headers.get(name)]).toEqual([name, value]);
    }
  });

  test.each(['blocked', 'busy'] as const)(
    'while the broker reports %s, POST /refresh answers 503 overloaded with Retry-After and records nothing',
    async (code) => {
      api = await suite.serve({ queue: overloadedQueue(code) });
      const refused = await fetch(`${api.url}/refresh`, {
        method: 'POST',
        headers: { 'Idempotency-Key': `overload-${code}` },
      });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expectErrorBody(await refused.json(), refused, 'overloaded');
      await api.close();

      // Nothing was recorded under the key: once the broker takes work again, the key starts a new job.
      api = await suite.serve();
      const accepted = await fetch(`${api.url}/refresh`, {
        method: 'POST',
        headers: { 'Idempotency-Key': `overload-${code}` },
      });
      expect(accepted.status).toBe(202);
      const { job_id } = (await accepted.json()) as { job_id: string };
      expect((await suite.store.getJob(job_id))?.correlation_id).toBe(
        accepted.headers.get('x-correlation-id'),
      );
    },
  );

  test('a request line Node cannot parse gets a JSON 400 with the security headers, then the connection closes', async () => {
    api = await suite.serve();
    const answer = await rawRequest(api.url, 'GARBAGE / HTTP/9.9\r\n\r\n');
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(head).toContain('X-Content-Type-Options: nosniff');
    expect(head).toMatch(/Content-Type: application\/json/);
    expect(JSON.parse(body)).toEqual({
      error: 'bad_request',
      message: 'the request could not be parsed',
      status: 400,
      correlation_id: expect.any(String),
    });
  });

  test('POST /refresh runs afterCommit once the job is recorded and before it is published', async () => {
    const seen: Array<{ status: string; published: unknown }> = [];
    api = await suite.serve({
      afterCommit: (job) => seen.push({ status: job.status, published: job.published_at }),
    });
    const response = await fetch(`${api.url}/refresh`, { method: 'POST' });
    expect(response.status).toBe(202);
    expect(seen).toEqual([{ status: 'queued', published: null }]);
  });

  test('headers larger than Node accepts get a JSON 431 headers_too_large', async () => {
    api = await suite.serve();
    const answer = await rawRequest(
      api.url,
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(body)).toMatchObject({ error: 'headers_too_large', status: 431 });
  });
});

describe('crashAfterCommit (TEST_CRASH_AFTER_COMMIT)', () => {
  const logger = createLogger({ service: 'test', silent: true });
  const job = { id: '0b7e9b7a-2f6e-4a8e-9c1d-1f2e3d4c5b6a' } as Job;
  const idle = { inFlight: () => ({ deliveries: 0, publishes: 0 }) };

  test('with rate 0, there is no hook at all', () => {
    expect(crashAfterCommit(0, logger, idle, () => {})).toBeUndefined();
  });

  test('crashes when the draw falls under the rate, and only then', () => {
    const crashes: string[] = [];
    const draws = [0.1, 0.9, 0.49];
    const hook = crashAfterCommit(
      0.5,
      logger,
      idle,
      () => crashes.push('crash'),
      () => draws.shift() ?? 1,
    );
    for (let i = 0; i < 3; i += 1) hook?.(job);
    expect(crashes).toEqual(['crash', 'crash']);
  });

  test('its last line names the job and the publishes awaiting a confirm', () => {
    const lines: Record<string, unknown>[] = [];
    const hook = crashAfterCommit(
      1,
      logger,
      { inFlight: () => ({ deliveries: 0, publishes: 7 }) },
      (line) => lines.push(line),
      () => 0,
    );
    hook?.(job);
    expect(lines).toEqual([expect.objectContaining({ job_id: job.id, publishes_unconfirmed: 7 })]);
  });
});
