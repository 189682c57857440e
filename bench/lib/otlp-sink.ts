import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onCleanup } from './cleanup.ts';

/** An OTLP/HTTP endpoint that takes every export and keeps only counts: the cost stays in the services. */
export interface OtlpSink {
  /** The base URL, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  /** Exports received, and their bytes. */
  readonly exports: number;
  readonly bytes: number;
  close(): Promise<void>;
}

/** Starts a sink on a free port of 127.0.0.1; its cleanup (also on Ctrl-C) closes it. */
export async function startOtlpSink(): Promise<OtlpSink> {
  let exports = 0;
  let bytes = 0;
  const server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    request.on('end', () => {
      exports += 1;
      // An empty ExportTraceServiceResponse is a full success, in either encoding.
      response.writeHead(200, { 'content-type': String(request.headers['content-type']) }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = onCleanup(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get exports() {
      return exports;
    },
    get bytes() {
      return bytes;
    },
    close,
  };
}
