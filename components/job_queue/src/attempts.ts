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
