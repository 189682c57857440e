import type { Delivery } from './types.ts';

/** The message header that carries which try of a message a delivery is; absent on the first. */
export const ATTEMPT_HEADER = 'x-attempt';

/** The attempt a message's headers name: 1 when absent or not a positive integer. */
export function attemptOf(headers: Record<string, unknown> | undefined): number {
  const value = Number(headers?.[ATTEMPT_HEADER]);
  return Number.isSafeInteger(value) && value >= 1 ? value : 1;
}

/**
 * What a handler is told about a try: final once no retry delay is left, including for a message
 * that counted more attempts than the tiers configured now.
 */
export function deliveryOf(attempt: number, retryDelaysMs: readonly number[]): Delivery {
  return { attempt, final: attempt > retryDelaysMs.length };
}

/** The retry tier with the longest delay (1-based, as retry queues are numbered), where a retry-later waits. */
export interface LongestTier {
  tier: number;
  delayMs: number;
}

/** Finds the longest of the retry delays once, for every retry-later; undefined when there are none. */
export function longestTierOf(retryDelaysMs: readonly number[]): LongestTier | undefined {
  if (retryDelaysMs.length === 0) return undefined;
  const delayMs = Math.max(...retryDelaysMs);
  return { tier: retryDelaysMs.indexOf(delayMs) + 1, delayMs };
}
