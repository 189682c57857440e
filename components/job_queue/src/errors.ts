/** Why a queue call failed. */
export type JobQueueErrorCode =
  | 'unavailable'
  /** The broker refused the login or the virtual host: retrying cannot mend it, so a start fails at once. */
  | 'refused'
  | 'timeout'
  | 'nacked'
  | 'unroutable'
  | 'closed'
  /** The broker blocks publishers (a memory or disk alarm): refused at once, not buffered. */
  | 'blocked'
  /** MAX_UNCONFIRMED publishes already await a confirm: refused at once, not buffered. */
  | 'busy'
  /**
   * amqplib cannot encode the message (headers over its 64 KiB, a property over 255 bytes):
   * sending it again cannot mend it.
   */
  | 'invalid';

/** A failed queue call; callers branch on `code`. */
export class JobQueueError extends Error {
  override readonly name = 'JobQueueError';
  constructor(
    readonly code: JobQueueErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

// The failures that say the broker is away, or cannot take a message for now (a queue with no
// leader while its cluster elects one refuses publishes), rather than anything about the message.
// A queue that does not exist (`unroutable`) is a misconfiguration, and `refused` a login retrying
// cannot mend.
const OUTAGES: ReadonlySet<JobQueueErrorCode> = new Set([
  'unavailable',
  'timeout',
  'nacked',
  'closed',
  'blocked',
  'busy',
]);

/**
 * True for a failure the broker's state caused (away, refusing or overloaded for now): worth
 * trying again later.
 */
export function isBrokerOutage(error: unknown): error is JobQueueError {
  return error instanceof JobQueueError && OUTAGES.has(error.code);
}

/**
 * True for the broker's answers that mean "too much now" (`blocked`, `busy`: come back later), as
 * opposed to "not reachable": what a caller refuses new work on, rather than queues it.
 */
export function isOverloaded(error: unknown): error is JobQueueError {
  return error instanceof JobQueueError && (error.code === 'blocked' || error.code === 'busy');
}

/** The failure of a call on a job queue that is closed, or closing. */
export function closedError(): JobQueueError {
  return new JobQueueError('closed', 'the job queue is closed');
}

/** The refusal of a publish beyond the window of unconfirmed ones. */
export function busyError(maxUnconfirmed: number): JobQueueError {
  return new JobQueueError('busy', `${maxUnconfirmed} publishes already wait for the broker's confirm`);
}

/** The refusal of a publish while the broker blocks publishers (a memory or disk alarm). */
export function blockedError(reason: string): JobQueueError {
  return new JobQueueError('blocked', `the broker blocks publishing: ${reason}`);
}
