import { type Place, PlacesSchema } from '@mousetrap/process_data';
import * as v from 'valibot';
import { FetchError } from './errors.ts';

/** What the HTTP source needs: where to GET the places and how long to wait for them. */
export interface HttpOptions {
  url: string;
  timeoutMs: number;
}

/**
 * The largest body read: more than the most a batch of places may take (1,000 places of the
 * longest fields, some 1.7 MB with every character of their names escaped as `\uXXXX`), so that
 * a source answering without end costs a worker no more.
 */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** GETs the places from `url`, within `timeoutMs` and the caller's signal, and checks the body. */
export async function fetchPlacesOverHttp(options: HttpOptions, signal?: AbortSignal): Promise<Place[]> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const target = withoutSecrets(options.url);
  const fail = (error: unknown, otherwise: FetchError): FetchError => {
    // Which signal fired tells aborted from timeout; the error's own name differs between fetch versions.
    if (signal?.aborted) return new FetchError('aborted', `GET ${target} was aborted`, { cause: error });
    if (timeout.aborted) {
      return new FetchError('timeout', `GET ${target} took longer than ${options.timeoutMs} ms`, {
        cause: error,
      });
    }
    return otherwise;
  };

  let response: Response;
  try {
    response = await fetch(options.url, { signal: combined, headers: { accept: 'application/json' } });
  } catch (error) {
    throw fail(error, new FetchError('network', `GET ${target} failed: ${reason(error)}`, { cause: error }));
  }
  if (!response.ok) {
    // Frees the connection; the body of an error answer is of no use here.
    await response.body?.cancel().catch(() => undefined);
    throw new FetchError('http_status', `GET ${target} answered ${response.status}`, {
      cause: { status: response.status },
    });
  }

  let text: string | undefined;
  try {
    text = await readUpTo(response, MAX_BODY_BYTES);
  } catch (error) {
    throw fail(error, new FetchError('network', `GET ${target} failed: ${reason(error)}`, { cause: error }));
  }
  if (text === undefined) {
    throw new FetchError('invalid_response', `GET ${target} answered more than ${MAX_BODY_BYTES} bytes`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new FetchError('invalid_response', `GET ${target} did not answer JSON`, { cause: error });
  }
  const result = v.safeParse(PlacesSchema, body);
  if (!result.success) {
    const problem = result.issues[0]?.message ?? 'unknown problem';
    throw new FetchError('invalid_response', `GET ${target} did not answer places: ${problem}`, {
      cause: result.issues,
    });
  }
  return result.output;
}

/** The body as text, or undefined (the rest left unread) once it passes `limit` bytes. */
async function readUpTo(response: Response, limit: number): Promise<string | undefined> {
  if (Number(response.headers.get('content-length') ?? 0) > limit) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    // Leaving the loop cancels the rest of the body.
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  // As response.json() reads it: UTF-8, a byte order mark dropped.
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** fetch says only "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND) is in its cause. */
function reason(error: unknown): string {
  const cause = messageOf((error as { cause?: unknown } | undefined)?.cause);
  return cause === undefined ? String(messageOf(error) ?? error) : `${messageOf(error)} (${cause})`;
}

// Duck-typed rather than instanceof Error: fetch's errors may come from another realm (vm, jest).
function messageOf(value: unknown): string | undefined {
  const message = (value as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

/** The URL without credentials or query, fit for a message that may be logged. */
function withoutSecrets(url: string): string {
  const { origin, pathname } = new URL(url);
  return `${origin}${pathname}`;
}
