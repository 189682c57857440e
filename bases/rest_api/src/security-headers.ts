import type { RequestHandler } from 'express';

/**
 * Headers every answer carries: no MIME sniffing, no framing, no referrer, no caching of answers
 * that change with every job, and a policy that lets an answer load nothing. A page that needs
 * more (GET /docs) sets its own Content-Security-Policy over this one. No HSTS: TLS ends in front
 * of the service (an ingress or a proxy), which is where it belongs.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** Sets {@link SECURITY_HEADERS} on every answer, before any route or error handler runs. */
export const setSecurityHeaders: RequestHandler = (_req, res, next) => {
  res.set(SECURITY_HEADERS);
  next();
};
