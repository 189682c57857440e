import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPlaceSource } from '../src/create-place-source.ts';
import { FetchError, type FetchErrorCode } from '../src/errors.ts';
import { MAX_BODY_BYTES } from '../src/http-source.ts';

const places = [
  ['55.75583', '37.61778', 'Moscow', 'RU', 'Europe/Moscow'],
  ['-34.60000', '-58.45000', 'Buenos Aires', 'AR', 'America/Argentina/Buenos_Aires'],
];

let server: Server | undefined;

/** Serves `handler` on a free port of the loopback interface and returns the URL of /places. */
async function serve(handler: RequestListener): Promise<string> {
  const started = createServer(handler);
  server = started;
  await new Promise<void>((resolve) => started.listen(0, '127.0.0.1', resolve));
  const { port } = started.address() as AddressInfo;
  return `http://127.0.0.1:${port}/places`;
}

function json(status: number, body: string): RequestListener {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(body);
  };
}

async function codeOf(promise: Promise<unknown>): Promise<FetchErrorCode> {
  const error = await promise.then(
    () => new Error('expected a FetchError, the promise resolved'),
    (reason: unknown) => reason,
  );
  if (error instanceof FetchError) return error.code;
  throw error;
}

afterEach(async () => {
  const running = server;
  server = undefined;
  if (!running) return;
  // A handler that never answers holds its connection open; close() alone would wait for it.
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

describe('createPlaceSource (HTTP)', () => {
  test('when the server answers a JSON array of places, returns them', async () => {
    let requested: { method?: string; url?: string } = {};
    const url = await serve((request, response) => {
      requested = { method: request.method, url: request.url };
      json(200, JSON.stringify(places))(request, response);
    });
    await expect(createPlaceSource({ url })()).resolves.toEqual(places);
    expect(requested).toEqual({ method: 'GET', url: '/places' });
  });

  test('a body that starts with a byte order mark is read as the JSON after it', async () => {
    const url = await serve(json(200, `\uFEFF${JSON.stringify(places)}`));
    await expect(createPlaceSource({ url })()).resolves.toEqual(places);
  });

  test('when the server answers 500, rejects with http_status naming the status', async () => {
    const url = await serve(json(500, '{"error":"boom"}'));
    const pending = createPlaceSource({ url })();
    await expect(codeOf(pending)).resolves.toBe('http_status');
    await expect(pending).rejects.toThrow(/answered 500/);
  });

  test('when the body is not JSON, rejects with invalid_response', async () => {
    const url = await serve(json(200, '[["55.7", "37.6", "Moscow"'));
    await expect(codeOf(createPlaceSource({ url })())).resolves.toBe('invalid_response');
  });

  test.each([
    ['an object', { places }],
    ['an empty array', []],
    ['a place with a non-numeric latitude', [['north', '37.6', 'Moscow', 'RU', 'Europe/Moscow']]],
  ])('when the body is %s instead of places, rejects with invalid_response', async (_what, body) => {
    const url = await serve(json(200, JSON.stringify(body)));
    await expect(codeOf(createPlaceSource({ url })())).resolves.toBe('invalid_response');
  });

  test.each([
    ['with its length declared', true],
    ['sent in chunks without a length', false],
  ])(
    'when the body is over MAX_BODY_BYTES, %s, rejects with invalid_response without reading it all',
    async (_what, declared) => {
      let written = 0;
      let finished = false;
      const url = await serve((_request, response) => {
        // Places without end: a JSON array of 32 MiB, more than the sockets can buffer.
        const chunk = `${JSON.stringify(places[0])},`.repeat(1000);
        const total = 32 * MAX_BODY_BYTES;
        response.writeHead(200, {
          'content-type': 'application/json',
          ...(declared ? { 'content-length': String(total) } : {}),
        });
        const more = () => {
          while (written < total) {
            written += chunk.length;
            if (!response.write(chunk)) return void response.once('drain', more);
          }
          finished = true;
          response.end();
        };
        more();
      });
      const pending = createPlaceSource({ url })();
      await expect(codeOf(pending)).resolves.toBe('invalid_response');
      await expect(pending).rejects.toThrow(`answered more than ${MAX_BODY_BYTES} bytes`);
      expect(finished).toBe(false);
    },
  );

  test('when no answer comes within timeoutMs, rejects with timeout', async () => {
    const url = await serve(() => {
      // Never answers.
    });
    await expect(codeOf(createPlaceSource({ url, timeoutMs: 100 })())).resolves.toBe('timeout');
  });

  test('when the body stalls after the headers, rejects with timeout', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('[');
    });
    await expect(codeOf(createPlaceSource({ url, timeoutMs: 100 })())).resolves.toBe('timeout');
  });

  test("when the caller's signal aborts while waiting, rejects with aborted", async () => {
    const url = await serve(() => {
      // Never answers.
    });
    const controller = new AbortController();
    const pending = createPlaceSource({ url, timeoutMs: 60_000 })(controller.signal);
    setTimeout(() => controller.abort(), 20);
    await expect(codeOf(pending)).resolves.toBe('aborted');
  });

  test('when nothing listens on the port, rejects with network', async () => {
    const url = await serve(json(200, '[]'));
    const running = server;
    server = undefined;
    await new Promise((resolve) => running?.close(resolve));
    await expect(codeOf(createPlaceSource({ url })())).resolves.toBe('network');
  });
});
