import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link startLoad}. */
export interface LoadOptions {
  /** Base URL of the API. */
  apiUrl: string;
  /** Jobs to post. */
  count: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Put before each job's number to make its Idempotency-Key. */
  keyPrefix: string;
  /** A job not accepted by then is given up. */
  deadlineMs: number;
  /** The X-Correlation-ID of the job numbered `n`, for the few a scenario marks; none by default. */
  correlationIdOf?: (n: number) => string | undefined;
  /** Posts the jobs evenly over this long (job n not before n/count of it), not as fast as possible. */
  spreadOverMs?: number;
}

/** What a load run did. */
export interface LoadResult {
  /** Job id per Idempotency-Key, for every job the API answered 202. */
  accepted: Map<string, string>;
  /** Keys never answered 202 before the deadline. */
  givenUp: string[];
  /** Answers other than 202 by status ("error" for no answer at all), each retried. */
  refusals: Record<string, number>;
}

/** A load run in progress. */
export interface Load {
  /** Jobs accepted so far. */
  readonly acceptedCount: number;
  /** The ids of the jobs accepted so far, in the order of their 202. */
  acceptedIds(): string[];
  /** Resolves when every job is accepted or given up. */
  finished: Promise<LoadResult>;
  /** Resolves once `count` jobs are accepted (or the run has finished). */
  whenAccepted(count: number): Promise<void>;
  /** Posts the jobs left at once, no longer spread over `spreadOverMs`. */
  hurry(): void;
}

/**
 * Posts `count` jobs to POST /refresh from `concurrency` loops, as a careful client does: each job
 * has its own Idempotency-Key and is re-sent with it, after a short pause, until the API answers
 * 202, so an API that is restarting, or a 503 while the database is away, delays a job and never
 * doubles it.
 */
export function startLoad(options: LoadOptions): Load {
  const accepted = new Map<string, string>();
  const givenUp: string[] = [];
  const refusals: Record<string, number> = {};
  const startedAt = Date.now();
  const deadline = startedAt + (options.spreadOverMs ?? 0) + options.deadlineMs;
  const waiters = new Set<() => void>();
  const hurried = new AbortController();
  // Every loop's pause until its next job waits on it.
  setMaxListeners(0, hurried.signal);
  let next = 0;
  let finishedAll = false;

  const post = async (key: string, correlationId: string | undefined): Promise<string | undefined> => {
    try {
      const response = await fetch(`${options.apiUrl}/refresh`, {
        method: 'POST',
        headers: { 'Idempotency-Key': key, ...(correlationId ? { 'X-Correlation-ID': correlationId } : {}) },
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await response.json().catch(() => ({}))) as { job_id?: string };
      if (response.status === 202 && body.job_id) return body.job_id;
      refusals[response.status] = (refusals[response.status] ?? 0) + 1;
    } catch {
      refusals.error = (refusals.error ?? 0) + 1;
    }
    return undefined;
  };

  const loop = async () => {
    while (next < options.count) {
      const key = `${options.keyPrefix}${next}`;
      const correlationId = options.correlationIdOf?.(next);
      const notBefore = startedAt + ((options.spreadOverMs ?? 0) * next) / options.count;
      next += 1;
      if (notBefore > Date.now() && !hurried.signal.aborted) {
        await sleep(notBefore - Date.now(), undefined, { signal: hurried.signal }).catch(() => {});
      }
      for (let attempt = 1; ; attempt += 1) {
        const jobId = await post(key, correlationId);
        if (jobId) {
          accepted.set(key, jobId);
          for (const wake of waiters) wake();
          break;
        }
        if (Date.now() > deadline) {
          givenUp.push(key);
          break;
        }
        await sleep(Math.min(1000, 50 * attempt) * (0.5 + Math.random()));
      }
    }
  };

  const finished = Promise.all(Array.from({ length: options.concurrency }, loop)).then(() => {
    finishedAll = true;
    for (const wake of waiters) wake();
    return { accepted, givenUp, refusals };
  });

  return {
    get acceptedCount() {
      return accepted.size;
    },
    acceptedIds: () => [...accepted.values()],
    hurry: () => hurried.abort(),
    finished,
    whenAccepted(count) {
      return new Promise((resolve) => {
        const check = () => {
          if (accepted.size < count && !finishedAll) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      });
    },
  };
}
