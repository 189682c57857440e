import type { Request, RequestHandler } from 'express';
import { HttpError } from './errors.ts';

/** The Sec-Fetch-Site values of a request that the API's own page, or the user directly, made. */
const OWN_SITE = ['same-origin', 'none'];

/** Characters that would make a Host header read as more than a host and port inside a URL. */
const NOT_A_HOST = /[@/\\?#\s]/;

/**
 * Whether `origin` (an Origin header) names the host the request was sent to (its Host header).
 * The scheme is not compared: behind a proxy that ends TLS the API cannot know its own. The Host is
 * read with the Origin's scheme, so that a default port written out (`:80`) still compares equal.
 */
function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined || NOT_A_HOST.test(host) || !URL.canParse(origin)) return false;
  const sender = new URL(origin);
  if (sender.protocol !== 'http:' && sender.protocol !== 'https:') return false;
  const target = `${sender.protocol}//${host}`;
  return URL.canParse(target) && new URL(target).host === sender.host;
}

/** Why a request comes from a browser page of another origin, or undefined when it does not. */
function foreignReason(req: Request): string | undefined {
  const site = req.get('Sec-Fetch-Site')?.toLowerCase();
  if (site !== undefined && !OWN_SITE.includes(site)) return 'the browser says it comes from another site';
  const origin = req.get('Origin');
  // `Origin: null` (a sandboxed frame, a local file, a redirect across sites) is never this API.
  if (origin !== undefined && !isOwnOrigin(origin, req.get('Host'))) return 'its Origin is not this API';
  return undefined;
}

/**
 * Refuses, with 403, a state-changing request that a browser sent for a page of another origin:
 * one whose `Sec-Fetch-Site` is other than `same-origin` or `none`, or whose `Origin` is not the
 * host it was sent to. A page anywhere can make a browser on the operator's network post to the
 * API, so this holds whatever the API key says, and is checked first. Requests with neither header
 * (curl, other services) pass, and so do the dashboard's own.
 */
export const refuseCrossOrigin: RequestHandler = (req, _res, next) => {
  const reason = foreignReason(req);
  if (reason === undefined) return next();
  next(new HttpError('forbidden', `a request from another origin cannot start or retry jobs: ${reason}`));
};
