import type { RequestHandler } from 'express';
import { HttpError } from './errors.ts';

/** The largest request body the API accepts unless told otherwise: 16 KiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024;

/**
 * Reads a POST's body and drops it, as the seed did: no route reads a body, so any content type
 * and any bytes are fine, up to `limitBytes`; a larger body is refused with 413 once it is known
 * to be larger (at once when Content-Length says so). Bytes are counted as sent: a Content-Encoding
 * is not undone, so nothing can inflate. What is left of a refused body is still read off and
 * dropped, so that a kept-alive connection stays usable.
 */
export function discardBody(limitBytes: number): RequestHandler {
  const tooLarge = () =>
    new HttpError('payload_too_large', `the request body is larger than ${limitBytes} bytes`);
  return (req, _res, next) => {
    const declared = req.headers['content-length'];
    // Most jobs are posted without a body; then there is nothing to read.
    if (req.headers['transfer-encoding'] === undefined && (declared === undefined || declared === '0')) {
      return next();
    }
    if (declared !== undefined && Number(declared) > limitBytes) {
      req.resume();
      return next(tooLarge());
    }
    let received = 0;
    let settled = false;
    const settle = (error?: HttpError) => {
      if (settled) return;
      settled = true;
      next(error);
    };
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) settle(tooLarge());
    });
    req.on('end', () => settle());
    req.on('error', (cause) =>
      settle(new HttpError('bad_request', 'the request body was cut off', {}, { cause })),
    );
  };
}
