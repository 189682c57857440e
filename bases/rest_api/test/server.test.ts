import { createMemoryJobQueue } from '@mousetrap/job_queue';
import { describeWithServices, waitFor } from '@mousetrap/test_kit';
import { type RunningApi, startApi } from '../src/server.ts';
import { memoryLogger, useApiSuite } from './harness.ts';

describeWithServices('rest_api startApi', ['postgres'], ({ databaseUrl }) => {
  const suite = useApiSuite(databaseUrl, 'api_start');
  const queue = createMemoryJobQueue();
  let api: RunningApi | undefined;

  afterEach(async () => {
    await api?.stop();
    api = undefined;
  });
  afterAll(() => queue.close());

  /**
   * Starts the API, asks it one request and returns every line logged up to that request's own
   * line: the logger keeps order, so whatever start logged is among them.
   */
  async function linesOfStart(apiKey: string | undefined): Promise<Record<string, unknown>[]> {
    const { logger, lines } = memoryLogger();
    api = await startApi({
      store: suite.store,
      queue,
      logger,
      port: 0,
      host: '127.0.0.1',
      graceMs: 1000,
      apiKey,
    });
    await fetch(`http://127.0.0.1:${api.port}/health`, { headers: { 'X-Correlation-ID': 'after-start' } });
    return waitFor(() => lines().some((line) => line.correlation_id === 'after-start') && lines(), {
      what: "the request's log line",
    });
  }

  test('startApi: without an API key, warns once that anyone who can reach the port can start and retry jobs', async () => {
    const lines = await linesOfStart(undefined);
    expect(lines.filter((line) => line.level === 'warn')).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /^API_KEY is not set: anyone who can reach this port can start and retry jobs/,
        ),
        port: api?.port,
        host: '127.0.0.1',
      }),
    ]);
  });

  test('startApi: with an API key, gives no such warning', async () => {
    const lines = await linesOfStart('a-key-of-16-char');
    expect(lines.filter((line) => line.level === 'warn')).toEqual([]);
  });
});
