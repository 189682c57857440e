import type { Logger } from '@mousetrap/log';

/** Work that has started and not finished: handlers running, publishes not yet confirmed. */
export interface InFlight {
  /** How many tasks are still running. */
  readonly size: number;
  /** Counts `task` until it settles; never rejects on its behalf. */
  track(task: Promise<unknown>): void;
  /** Waits until nothing is running or `timeoutMs` has passed; resolves true if nothing is left. */
  drain(timeoutMs: number): Promise<boolean>;
}

/** Makes an empty {@link InFlight}, so that shutdown can wait for work with a bound. */
export function createInFlight(): InFlight {
  const tasks = new Set<Promise<unknown>>();
  return {
    get size() {
      return tasks.size;
    },
    track(task) {
      const settled = task.then(
        () => {},
        () => {},
      );
      tasks.add(settled);
      void settled.then(() => tasks.delete(settled));
    },
    async drain(timeoutMs) {
      let timedOut = false;
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          timedOut = true;
          resolve();
        }, timeoutMs);
      });
      try {
        // Tasks started while draining are waited for too, within the same bound.
        while (tasks.size > 0 && !timedOut) await Promise.race([Promise.all(tasks), expired]);
      } finally {
        clearTimeout(timer);
      }
      return tasks.size === 0;
    },
  };
}

/**
 * A consumer's drain on cancel: waits up to `graceMs` for its handlers, and says in the log when
 * some are still running, whose messages go back to their queue.
 */
export async function drainHandlers(
  running: InFlight,
  graceMs: number,
  logger: Pick<Logger, 'warn'>,
  queue: string,
): Promise<void> {
  if (await running.drain(graceMs)) return;
  logger.warn(
    'job_queue: handlers still running after the grace period; their messages will be redelivered',
    {
      queue,
      running: running.size,
    },
  );
}
