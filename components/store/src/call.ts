import { StoreError, toStoreError } from './errors.ts';

/**
 * Settles like `work`, or rejects with StoreError `timeout` when `work` takes longer than
 * `timeoutMs`. The work itself goes on (the server's statement_timeout bounds it); a late
 * rejection of it is handled here, so it never surfaces as an unhandled rejection.
 */
export async function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StoreError('timeout', `${what}: no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs one store call with the client-side time limit, or with none when the call sets its own
 * (a batched call's statement has one); whatever it throws becomes a `StoreError`.
 */
export async function runCall<T>(
  what: string,
  timeoutMs: number | undefined,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return timeoutMs === undefined ? await call() : await withTimeout(call(), timeoutMs, what);
  } catch (error) {
    throw toStoreError(error, what);
  }
}
