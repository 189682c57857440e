import type { Delivery, Envelope } from '@mousetrap/job_queue';
import type { Store } from '@mousetrap/store';
import { type FailedJobSettlement, settleFailedJob } from './settle-failed-job.ts';

/**
 * Settles the job of a delivery that is `exhausted`: its message went back unsettled as often as
 * the delivery limit allows, so workers died or stopped on it again and again. The job is failed
 * ("delivery limit reached: …") without another try of the work, and the message dead-lettered.
 */
export function giveUpOnDelivery(
  store: Store,
  message: Envelope,
  delivery: Delivery,
): Promise<FailedJobSettlement> {
  const error = new Error(
    `${message.type} delivered ${delivery.redeliveries + 1} times without being settled (its worker died or stopped on it, or its retry could not be published)`,
  );
  return settleFailedJob(store, message, 'delivery limit reached', error);
}

/** Settles the job of a message that is malformed for its stage ("poison: …"): it will never work. */
export function failPoison(store: Store, message: Envelope, why: string): Promise<FailedJobSettlement> {
  return settleFailedJob(store, message, 'poison', new Error(why));
}
