import { setTimeout as sleep } from 'node:timers/promises';
import { StoreError } from './errors.ts';

/** How `retryWhileUnavailable` paces its attempts. */
export interface RetryPolicy {
  /** Gives up once this much time has passed since the first attempt. */
  deadlineMs: number;
  /** Told about each failed attempt before the wait for the next one. */
  onRetry?: ((attempt: number, delayMs: number, error: StoreError) => void) | undefined;
  /** Uniform numbers in [0, 1) for the jitter; tests pass a fixed one. @default Math.random */
  random?: () => number;
  /** Stops the retrying: an attempt or a wait under way is abandoned and the signal's reason thrown. */
  signal?: AbortSignal | undefined;
}

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 5000;

/** The wait after failed attempt `attempt` (from 1): 100 ms doubling to 5 s, of which a random half. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (attempt - 1));
  // Half fixed, half random, so stores restarted together do not knock in step.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Settles as `promise` does, or rejects with the signal's reason as soon as it is aborted. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Calls `attempt` until it succeeds. A StoreError `unavailable` or `timeout` is retried with
 * growing delays until the deadline, then becomes StoreError `unavailable`; any other error is
 * thrown at once. `attempt` is given the time left, to bound itself by. Once `policy.signal` is
 * aborted, the attempt or wait under way is abandoned and the signal's reason thrown.
 */
export async function retryWhileUnavailable<T>(
  attempt: (remainingMs: number) => Promise<T>,
  policy: RetryPolicy,
): Promise<T> {
  const { signal } = policy;
  const deadline = Date.now() + policy.deadlineMs;
  for (let count = 1; ; count += 1) {
    signal?.throwIfAborted();
    try {
      return await unlessAborted(attempt(Math.max(1, deadline - Date.now())), signal);
    } catch (error) {
      if (!(error instanceof StoreError) || (error.code !== 'unavailable' && error.code !== 'timeout'))
        throw error;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new StoreError(
          'unavailable',
          `database not ready after ${count} attempts in ${policy.deadlineMs} ms: ${error.message}`,
          { cause: error },
        );
      }
      const delayMs = Math.min(remaining, retryDelayMs(count, policy.random));
      policy.onRetry?.(count, delayMs, error);
      await sleep(delayMs, undefined, { signal }).catch((error: unknown) => {
        throw signal?.aborted ? signal.reason : error;
      });
    }
  }
}
