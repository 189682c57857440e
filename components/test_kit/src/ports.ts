import { createServer } from 'node:net';

/**
 * A port of the loopback interface that nothing listens on: one the kernel handed out and was
 * given back at once, for a test of a service that is not there (a broker, a database, a collector).
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
