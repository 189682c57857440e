import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createStore, type Store } from '@mousetrap/store';
import { describeWithServices, dropSchema, seeded, uniqueName } from '@mousetrap/test_kit';
import { type ServedApi, serveApi } from './harness.ts';

/** A full garbage collection, so that heap sizes before and after can be compared. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

interface Case {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

const SEED = 20_261_123;
const REQUESTS = 3000;
const RAW_REQUESTS = 300;
const CONCURRENCY = 16;
const PATHS = ['/', '/refresh', '/jobs/', '/health', '/ready', '/metrics', '/openapi.json', '/docs'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND', 'TRACE'];
const CONTENT_TYPES = [
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/octet-stream',
  'image/png',
];

function makeCase(random: () => number): Case {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  const text = (n: number) => bytes(n).toString('latin1');
  const path = pick([
    () => pick(PATHS),
    () =>
      `/jobs/${pick(['1', 'not-a-uuid', '0b7e9b7a-2f6e-4a8e-9c1d-1f2e3d4c5b6a', '%E0%A4%A', '..%2F..%2Fetc'])}`,
    () => `/${encodeURIComponent(text(1 + Math.floor(random() * 40)))}`,
    () => `/jobs/${'x'.repeat(Math.floor(random() * 5000))}`,
    () => `${pick(PATHS)}?${encodeURIComponent(text(20))}=${'%'.repeat(3)}`,
  ])();
  const headers: Record<string, string> = {};
  if (random() < 0.5) headers['Content-Type'] = pick(CONTENT_TYPES);
  if (random() < 0.3) headers['Idempotency-Key'] = encodeURIComponent(text(Math.floor(random() * 300)));
  if (random() < 0.3) headers['X-Correlation-ID'] = encodeURIComponent(text(Math.floor(random() * 300)));
  if (random() < 0.2) headers.Authorization = `Bearer ${encodeURIComponent(text(30))}`;
  if (random() < 0.2) headers.Accept = pick(['*/*', 'text/html', 'application/xml', 'garbage;;q=x']);
  if (random() < 0.1) headers['Content-Encoding'] = pick(['gzip', 'br', 'deflate', 'identity', 'zstd']);
  const body = pick([
    () => undefined,
    () => bytes(Math.floor(random() * 2000)),
    () => Buffer.from(pick(['{', '{"a":', '[1,2', 'null', '"text"', '{"a":1}', '{}', 'NaN', '\u0000'])),
    () => Buffer.from(`{"a":"${'x'.repeat(100_000)}"}`),
    () => Buffer.from('['.repeat(5000)),
  ])();
  // Framed explicitly: Node's client would send the body of a GET or TRACE unframed, which is
  // garbage on a keep-alive connection, not a request (the raw requests below cover garbage).
  if (body) headers['Content-Length'] = String(body.length);
  return { method: pick(METHODS), path, headers, ...(body ? { body } : {}) };
}

/** Broken or abusive requests that only raw bytes can send: Node's client refuses to write them. */
function makeRawRequest(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return pick([
    () => 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
    () => 'POST /refresh HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n{}{}{}',
    () => 'POST /refresh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    () => `GET / HTTP/1.1\r\nHost: x\r\nX-Long: ${'y'.repeat(20_000)}\r\n\r\n`,
    () => `GET /${'\u0001'.repeat(10)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    () => 'GET / HTTP/1.1\r\nHost: x\r\nBad Header Name: 1\r\n\r\n',
    () => `${'\u00ff'.repeat(50)}\r\n\r\n`,
    () => 'GET / HTTP/1.1\r\nHost: x\r\nX-Correlation-ID: a\u0000b\r\n\r\n',
  ])();
}

function send(agent: Agent, url: string, fuzz: Case): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${fuzz.path}`,
      { method: fuzz.method, headers: fuzz.headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    // The server may answer (413, 401) and close before a large body is written through.
    req.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' || error.code === 'EPIPE'
        ? resolve({ status: -1, contentType: '', body: '' })
        : reject(
            new Error(
              `${error.message} for ${fuzz.method} ${fuzz.path.slice(0, 60)} ${JSON.stringify(fuzz.headers)} body ${fuzz.body?.length}`,
            ),
          ),
    );
    req.end(fuzz.body);
  });
}

function sendRaw(url: string, bytes: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.setTimeout(5000, () => socket.destroy());
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', () => {});
    socket.end(bytes, 'latin1');
  });
}

/** What is wrong with an answer: a 5xx, or an error answer that is not the JSON error body. */
function problemWith(answer: Answer): string | undefined {
  if (answer.status >= 500) return `a ${answer.status}`;
  if (answer.status < 400) return undefined;
  if (!answer.contentType.startsWith('application/json'))
    return `a ${answer.status} as ${answer.contentType}`;
  if (answer.body === '') return undefined; // HEAD: the status line and headers only
  const body = JSON.parse(answer.body) as { error?: unknown; status?: unknown };
  return typeof body.error === 'string' && body.status === answer.status
    ? undefined
    : `a ${answer.status} whose body is ${answer.body.slice(0, 80)}`;
}

/**
 * A POST /refresh body is read and dropped, whatever it holds: a 400 there can only be about the
 * Idempotency-Key (the one input it checks), never about the body.
 */
function bodyRefused(fuzz: Case, answer: Answer): string | undefined {
  if (fuzz.method !== 'POST' || fuzz.path !== '/refresh' || answer.status !== 400) return undefined;
  return answer.body.includes('Idempotency-Key')
    ? undefined
    : `a 400 for a body: ${answer.body.slice(0, 80)}`;
}

describeWithServices('rest_api under a bounded HTTP fuzz', ['postgres'], ({ databaseUrl }) => {
  const schema = uniqueName('apifuzz');
  let store: Store;
  let api: ServedApi;

  beforeAll(async () => {
    store = await createStore({ url: databaseUrl, schema });
    api = await serveApi({ store, apiKey: undefined });
  });
  afterAll(async () => {
    await api.close();
    await store.close();
    await dropSchema(databaseUrl, schema);
  });

  test(`${REQUESTS} random requests and ${RAW_REQUESTS} malformed ones: no 5xx, every error a JSON body, the server alive, its heap flat`, async () => {
    const random = seeded(SEED);
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const cases = Array.from({ length: REQUESTS }, () => makeCase(random));
    const problems: string[] = [];
    const run = async (batch: Case[]) => {
      for (const fuzz of batch) {
        const answer = await send(agent, api.url, fuzz);
        const problem = problemWith(answer) ?? bodyRefused(fuzz, answer);
        if (problem) problems.push(`${problem} for ${fuzz.method} ${fuzz.path.slice(0, 60)} (seed ${SEED})`);
      }
    };
    const lanes = (items: Case[]) =>
      Array.from({ length: CONCURRENCY }, (_, lane) => items.filter((_, i) => i % CONCURRENCY === lane));

    // A first third warms up (JIT, pools, caches); the heap is measured over the rest.
    const warmUp = cases.splice(0, REQUESTS / 3);
    await Promise.all(lanes(warmUp).map(run));
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    await Promise.all(lanes(cases).map(run));
    for (let i = 0; i < RAW_REQUESTS; i += 1) {
      const answer = await sendRaw(api.url, makeRawRequest(random));
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
      const [, body = ''] = answer.split('\r\n\r\n');
      if (status === 0 || status >= 500) problems.push(`raw request ${i}: ${answer.slice(0, 60)}`);
      else if (status >= 400 && !/^\{"error":"[a-z_]+"/.test(body))
        problems.push(`raw request ${i}: ${answer}`);
    }
    agent.destroy();
    collectGarbage();
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;

    expect(problems).toEqual([]);
    expect((await fetch(`${api.url}/health`)).status).toBe(200);
    expect(heapGrowthMb).toBeLessThan(16);
  });
});
