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

// Every port handed out, never handed out again by this process: a port is picked before the server
// that will listen on it starts, so without this two services picked one after the other could be
// given the same one (seen: an API failing with EADDRINUSE on the port of a worker's probe server,
// which then answered the suite's readiness checks for it).
const handedOut = new Set<number>();

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now, outside the ephemeral range, and
 * that this process has not handed out before. `random` picks the candidates (tests choose them).
 */
export async function freePort(random: () => number = Math.random): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = FIRST + Math.floor(random() * (LAST - FIRST + 1));
    if (handedOut.has(port)) continue;
    // Taken before the check, so that calls running at once (a cluster's nodes) never share one.
    handedOut.add(port);
    if (await canListen(port)) return port;
    handedOut.delete(port);
  }
  throw new Error(`no free port between ${FIRST} and ${LAST} after 100 tries`);
}
