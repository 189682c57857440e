import { randomUUID } from 'node:crypto';
import { type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Express } from 'express';
import { ERROR_STATUS, type ErrorBody } from './errors.ts';
import { SECURITY_HEADERS } from './security-headers.ts';

/**
 * Answers a request that Node's HTTP parser rejected before Express saw it (a broken request
 * line, malformed or oversized headers) with the API's JSON error body, where Node would send a
 * bare status line; then closes the connection, since the stream can no longer be trusted.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const kind = error.code === 'HPE_HEADER_OVERFLOW' ? 'headers_too_large' : 'bad_request';
  const status = ERROR_STATUS[kind];
  const body: ErrorBody = {
    error: kind,
    message:
      kind === 'headers_too_large' ? 'the request headers are too large' : 'the request could not be parsed',
    status,
    correlation_id: randomUUID(),
  };
  const text = JSON.stringify(body);
  const headers = {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'X-Correlation-ID': body.correlation_id,
    Connection: 'close',
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join('')}\r\n${text}`);
}

/** Starts `app` listening on `port` and `host`, with {@link answerClientError} for unparsable requests. */
export function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
    server.on('clientError', answerClientError);
  });
}
