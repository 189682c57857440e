/** Options of {@link createBatcher}. */
export interface BatcherOptions<I> {
  /** Items in one batch at most. */
  maxSize: number;
  /** Batches running at once at most; further calls wait and join the next batch. */
  concurrency: number;
  /**
   * Items with the same key never share a batch, so that one statement never meets a key twice:
   * the later one goes into a later batch, which the database orders against the first (by its
   * row locks) as it would two separate calls.
   * @default undefined: any items may share a batch
   */
  keyOf?: ((item: I) => string) | undefined;
  /**
   * Whether a failed batch of several items should be retried one item at a time, so that an
   * item that makes the query fail fails alone. Failures of the database itself should not be.
   */
  isolate: (error: unknown) => boolean;
  /**
   * How long the first call of a batch waits for others to join it, when nothing hurries it: for
   * calls whose callers do not wait on them, so that one statement covers many. A full batch
   * (`maxSize` items waiting) runs at once; calls that arrive while `concurrency` batches run wait
   * for one of them to end, then up to this long.
   * @default 0: the batch runs on the next turn of the event loop
   */
  lingerMs?: number;
  /**
   * Bounds how long a batch's callers wait for it, e.g. with a timeout. A batch given up on keeps
   * its place among the `concurrency` running until its work itself has ended, so that work still
   * under way (a statement the database has not answered) always counts.
   * @default undefined: callers wait for the work
   */
  bound?: <T>(work: Promise<T>) => Promise<T>;
  /**
   * How long a call may wait for a batch to take it, and the error it then rejects with: calls
   * queued behind batches that get no answer (a database that hangs) give up instead of waiting as
   * long as those batches hold their places. One timer serves every waiting call.
   * @default undefined: calls wait for their turn
   */
  waitLimit?: { ms: number; error: () => unknown } | undefined;
}

/** A batched call; `drain` runs what waits now and resolves once every batch under way has settled. */
export interface Batched<I, O> {
  (item: I): Promise<O>;
  drain(): Promise<void>;
}

interface Pending<I, O> {
  item: I;
  /** When the call was made (performance.now(), a clock that never steps), for the wait limit. */
  since: number;
  resolve(output: O): void;
  reject(error: unknown): void;
}

/**
 * Turns a query over many items into a call for one item: calls made while a batch runs (or in
 * the same turn of the event loop) are collected and run together as the next batch, so a burst
 * of N calls costs a few round trips instead of N, and a lone call waits for nothing (unless
 * `lingerMs` asks it to). `run` must answer one output per item, in order. Every caller settles
 * when its batch has committed.
 */
export function createBatcher<I, O>(
  run: (items: I[]) => Promise<O[]>,
  options: BatcherOptions<I>,
): Batched<I, O> {
  const waiting: Pending<I, O>[] = [];
  const running = new Set<Promise<void>>();
  // Cancels the flush scheduled for the waiting calls; undefined when none is.
  let cancelScheduled: (() => void) | undefined;
  const lingerMs = options.lingerMs ?? 0;
  const { waitLimit } = options;
  // The timer that rejects calls waiting past the wait limit; undefined when none is armed.
  let expiry: NodeJS.Timeout | undefined;

  const settle = async (batch: Pending<I, O>[]): Promise<void> => {
    const work = run(batch.map((entry) => entry.item));
    try {
      const outputs = await (options.bound ? options.bound(work) : work);
      for (const [i, entry] of batch.entries()) entry.resolve(outputs[i] as O);
    } catch (error) {
      if (batch.length === 1 || !options.isolate(error)) {
        for (const entry of batch) entry.reject(error);
        return;
      }
      await Promise.all(batch.map((entry) => settle([entry])));
    } finally {
      await work.then(
        () => undefined,
        () => undefined,
      );
    }
  };

  const take = (): Pending<I, O>[] => {
    const batch: Pending<I, O>[] = [];
    const keys = new Set<string>();
    for (let i = 0; i < waiting.length && batch.length < options.maxSize; ) {
      const entry = waiting[i] as Pending<I, O>;
      const key = options.keyOf?.(entry.item);
      if (key !== undefined) {
        if (keys.has(key)) {
          i += 1;
          continue;
        }
        keys.add(key);
      }
      batch.push(entry);
      waiting.splice(i, 1);
    }
    return batch;
  };

  const flush = () => {
    cancelScheduled?.();
    cancelScheduled = undefined;
    while (running.size < options.concurrency && waiting.length > 0) {
      const settled: Promise<void> = settle(take()).finally(() => {
        running.delete(settled);
        schedule();
      });
      running.add(settled);
    }
  };

  const schedule = () => {
    if (waiting.length === 0 || running.size >= options.concurrency) return;
    if (lingerMs > 0 && waiting.length >= options.maxSize) flush();
    else if (cancelScheduled === undefined && lingerMs > 0) {
      const timer = setTimeout(flush, lingerMs);
      cancelScheduled = () => clearTimeout(timer);
    } else if (cancelScheduled === undefined) {
      const immediate = setImmediate(flush);
      cancelScheduled = () => clearImmediate(immediate);
    }
  };

  // Armed for the oldest waiting call's deadline; when it fires, every call past its deadline is
  // rejected and it is armed again for the next, while any call waits.
  const armExpiry = () => {
    const oldest = waiting[0];
    if (!waitLimit || expiry || !oldest) return;
    expiry = setTimeout(
      () => {
        expiry = undefined;
        const deadline = performance.now() - waitLimit.ms;
        for (let i = 0; i < waiting.length; ) {
          const entry = waiting[i] as Pending<I, O>;
          if (entry.since > deadline) i += 1;
          else {
            waiting.splice(i, 1);
            entry.reject(waitLimit.error());
          }
        }
        armExpiry();
      },
      Math.max(0, oldest.since + waitLimit.ms - performance.now()),
    );
    expiry.unref();
  };

  const call = (item: I) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, since: waitLimit ? performance.now() : 0, resolve, reject });
      schedule();
      armExpiry();
    });
  const drain = async (): Promise<void> => {
    flush();
    while (running.size > 0) {
      await Promise.all(running);
      flush();
    }
  };
  return Object.assign(call, { drain });
}
