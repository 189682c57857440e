import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A readiness check: resolves when the dependency is usable, rejects with the reason otherwise. */
export type Check = () => Promise<void>;

/** Options of {@link startProbeServer}. */
export interface ProbeServerOptions {
  /** The port; 0 picks a free one. */
  port: number;
  /** The interface to listen on. @default '0.0.0.0' */
  host?: string;
  /** Named readiness checks run by GET /ready, each bounded by `checkTimeoutMs`. */
  checks: Record<string, Check>;
  /** Served by GET /metrics. */
  registry: Registry;
  /** Time limit of one readiness check. @default 2000 */
  checkTimeoutMs?: number;
}

/** A listening probe server. */
export interface ProbeServer {
  /** The port it listens on (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/** Runs every check with a time limit; returns each check's verdict and whether all passed. */
export async function runChecks(
  checks: Record<string, Check>,
  timeoutMs: number,
): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([check(), timeout]);
        return [name, 'ok'] as const;
      } catch (error) {
        return [name, error instanceof Error ? error.message : String(error)] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: entries.every(([, verdict]) => verdict === 'ok'), checks: Object.fromEntries(entries) };
}

/**
 * Serves a worker's GET /health (the process answers), GET /ready (its dependencies answer) and
 * GET /metrics (Prometheus text), so orchestrators can probe a service that has no HTTP API.
 */
export async function startProbeServer(options: ProbeServerOptions): Promise<ProbeServer> {
  const checkTimeoutMs = options.checkTimeoutMs ?? 2000;
  const server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      return send(405, { error: 'method_not_allowed', status: 405 });
    }
    if (path === '/health') return send(200, { status: 'ok' });
    if (path === '/ready') {
      return void runChecks(options.checks, checkTimeoutMs).then((result) =>
        send(result.ready ? 200 : 503, {
          status: result.ready ? 'ready' : 'not_ready',
          checks: result.checks,
        }),
      );
    }
    if (path === '/metrics') {
      return void options.registry.metrics().then((text) => {
        response.writeHead(200, { 'content-type': options.registry.contentType }).end(text);
      });
    }
    send(404, { error: 'not_found', status: 404 });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
