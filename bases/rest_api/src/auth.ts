import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { HttpError } from './errors.ts';

// Hashing first gives both sides one length, so the comparison leaks neither content nor length.
const digest = (text: string) => createHash('sha256').update(text).digest();

function presentedKey(req: Request): string | undefined {
  const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.get('Authorization') ?? '');
  return bearer?.[1] ?? (req.get('X-API-Key') || undefined);
}

/**
 * Lets a request through only when it carries `apiKey`, as `Authorization: Bearer <key>` or
 * `X-API-Key: <key>`, compared in constant time; without a configured key, lets everything through.
 */
export function requireApiKey(apiKey: string | undefined): RequestHandler {
  if (apiKey === undefined) return (_req, _res, next) => next();
  const expected = digest(apiKey);
  return (req, _res, next) => {
    const presented = presentedKey(req);
    if (presented !== undefined && timingSafeEqual(digest(presented), expected)) return next();
    next(new HttpError('unauthorized', 'a valid API key is required', { 'WWW-Authenticate': 'Bearer' }));
  };
}
