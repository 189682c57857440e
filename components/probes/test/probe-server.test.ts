import { Counter, Registry } from 'prom-client';
import { type ProbeServer, startProbeServer } from '../src/probe-server.ts';

describe('startProbeServer', () => {
  let server: ProbeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(checks: Record<string, () => Promise<void>>) {
    const registry = new Registry();
    new Counter({
      name: 'probe_test_events_total',
      help: 'Events seen by the test.',
      registers: [registry],
    }).inc(3);
    server = await startProbeServer({ port: 0, host: '127.0.0.1', checks, registry, checkTimeoutMs: 100 });
    return (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${server?.port}${path}`, init);
  }

  test('/health answers 200 even when a dependency is down', async () => {
    const get = await start({ broker: () => Promise.reject(new Error('down')) });
    const response = await get('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  test('/ready answers 200 with every check ok when all pass', async () => {
    const get = await start({ broker: async () => {}, database: async () => {} });
    const response = await get('/ready');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', checks: { broker: 'ok', database: 'ok' } });
  });

  test('/ready answers 503 naming the failing check and a check that never answers', async () => {
    const get = await start({
      broker: () => Promise.reject(new Error('connection closed')),
      database: () => new Promise(() => {}),
      cache: async () => {},
    });
    const response = await get('/ready');
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'not_ready',
      checks: { broker: 'connection closed', database: 'no answer within 100 ms', cache: 'ok' },
    });
  });

  test('/metrics serves the registry in Prometheus text', async () => {
    const get = await start({});
    const response = await get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toContain('probe_test_events_total 3');
  });

  test('an unknown path is 404 and a POST is 405 with Allow', async () => {
    const get = await start({});
    expect((await get('/nope')).status).toBe(404);
    const post = await get('/health', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
