import type { Delivery } from './types.ts';

/** The message header that carries which try of a message a delivery is; absent on the first. */
export const ATTEMPT_HEADER = 'x-attempt';

/** The header a quorum queue sets on a redelivery: how often the message went back unsettled. */
export const DELIVERY_COUNT_HEADER = 'x-delivery-count';

/**
 * The header on the copy of an exhausted delivery that waits to be settled later (its job could
 * not be failed yet): the copy starts a new delivery count, and stays exhausted by this mark.
 */
export const EXHAUSTED_HEADER = 'x-exhausted';

/**
 * The header on the copy of an attempt its handler asked to try again later (`retryLater`): the
 * same try, made again, which a handler should not take for progress of its job.
 */
export const PUT_OFF_HEADER = 'x-put-off';

/** Whether a message's headers mark it as the copy of a put-off attempt. */
export function putOffOf(headers: Record<string, unknown> | undefined): boolean {
  return headers?.[PUT_OFF_HEADER] === true || headers?.[PUT_OFF_HEADER] === 1;
}

/** Whether a message's headers mark it as the copy of an exhausted delivery. */
export function exhaustedOf(headers: Record<string, unknown> | undefined): boolean {
  return headers?.[EXHAUSTED_HEADER] === true || headers?.[EXHAUSTED_HEADER] === 1;
}

/** The attempt a message's headers name: 1 when absent or not a positive integer. */
export function attemptOf(headers: Record<string, unknown> | undefined): number {
  const value = Number(headers?.[ATTEMPT_HEADER]);
  return Number.isSafeInteger(value) && value >= 1 ? value : 1;
}

/** How often a message went back to its queue unsettled before this delivery: 0 when the header is absent. */
export function redeliveriesOf(headers: Record<string, unknown> | undefined): number {
  const value = Number(headers?.[DELIVERY_COUNT_HEADER]);
  return Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

/**
 * What a handler is told about a delivery. It is `exhausted` once it went back unsettled
 * `deliveryLimit` times (or is the marked copy of such a delivery): the last delivery allowed,
 * which the handler should use to give up. It
 * is `final` when a failure now will not be retried: no retry delay is left (also for a message
 * that counted more attempts than the delays configured now), or the delivery is exhausted.
 */
export function deliveryOf(
  attempt: number,
  redeliveries: number,
  limits: { retryDelaysMs: readonly number[]; deliveryLimit: number },
  exhaustedBefore = false,
  putOff = false,
): Delivery {
  const exhausted = exhaustedBefore || redeliveries >= limits.deliveryLimit;
  return {
    attempt,
    redeliveries,
    exhausted,
    final: exhausted || attempt > limits.retryDelaysMs.length,
    putOff,
  };
}

/** The longest of the retry delays, where a retry-later waits; undefined when there are none. */
export function longestDelayOf(retryDelaysMs: readonly number[]): number | undefined {
  return retryDelaysMs.length === 0 ? undefined : Math.max(...retryDelaysMs);
}
