import { createServer } from 'node:net';

// Below Linux's range of ephemeral ports (32768-60999 by default), which the kernel hands to
// outgoing connections: a port picked there can be taken by a connection before its server
// listens on it (seen: an API failing with EADDRINUSE while other tests ran).
const FIRST = 20_000;
const LAST = 32_767;

/** Resolves true if a server can listen on `port` at 127.0.0.1 now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A TCP port on 127.0.0.1 that nothing listens on right now, outside the ephemeral range. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = FIRST + Math.floor(Math.random() * (LAST - FIRST + 1));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port between ${FIRST} and ${LAST} after 100 tries`);
}
