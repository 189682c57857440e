import { type BatcherOptions, createBatcher } from '../src/batcher.ts';
import { withTimeout } from '../src/call.ts';

/** A run that records each batch and doubles its items. */
function recorder() {
  const batches: number[][] = [];
  const run = async (items: number[]) => {
    batches.push([...items]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    return items.map((item) => item * 2);
  };
  return { batches, run };
}

/** A run that records each batch, answers its items, and holds the batch with item 1 until `finishFirst`. */
function holdingFirst() {
  const started: number[][] = [];
  let finish = () => {};
  const run = async (items: number[]) => {
    started.push([...items]);
    if (items.includes(1)) {
      await new Promise<void>((resolve) => {
        finish = resolve;
      });
    }
    return items;
  };
  return { started, run, finishFirst: () => finish() };
}

/** A batcher of one batch at a time on a `holdingFirst` run, its callers giving up after 20 ms. */
function boundOnHeldRun(extra: Partial<BatcherOptions<number>> = {}) {
  const held = holdingFirst();
  const call = createBatcher(held.run, {
    maxSize: 100,
    concurrency: 1,
    isolate: never,
    bound: (work) => withTimeout(work, 20, 'test'),
    ...extra,
  });
  return { ...held, call };
}

const never = () => false;

describe('createBatcher', () => {
  test('calls made together run as one batch, and each caller gets its own output', async () => {
    const { batches, run } = recorder();
    const call = createBatcher(run, { maxSize: 100, concurrency: 1, isolate: never });
    expect(await Promise.all([1, 2, 3, 4].map(call))).toEqual([2, 4, 6, 8]);
    expect(batches).toEqual([[1, 2, 3, 4]]);
  });

  test('calls made while a batch runs wait and share the next batch', async () => {
    const { batches, run } = recorder();
    const call = createBatcher(run, { maxSize: 100, concurrency: 1, isolate: never });
    const first = call(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [call(2), call(3)];
    expect(await Promise.all([first, ...later])).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  test('a batch holds at most maxSize items', async () => {
    const { batches, run } = recorder();
    const call = createBatcher(run, { maxSize: 2, concurrency: 1, isolate: never });
    await Promise.all([1, 2, 3, 4, 5].map(call));
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  test('items with the same key go to separate batches, in the order they were called', async () => {
    const { batches, run } = recorder();
    const call = createBatcher(run, {
      maxSize: 100,
      concurrency: 1,
      isolate: never,
      keyOf: (n) => String(n % 2),
    });
    await Promise.all([1, 3, 2].map(call));
    expect(batches).toEqual([[1, 2], [3]]);
  });

  test('when isolate says so, a failed batch is retried item by item and only the bad item fails', async () => {
    const batches: number[][] = [];
    const call = createBatcher(
      async (items: number[]) => {
        batches.push([...items]);
        if (items.includes(13)) throw new Error('bad item');
        return items;
      },
      { maxSize: 100, concurrency: 1, isolate: () => true },
    );
    const outcomes = await Promise.allSettled([12, 13, 14].map(call));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(batches).toEqual([[12, 13, 14], [12], [13], [14]]);
  });

  test('when isolate says no, a failed batch fails every caller with its error, once', async () => {
    let runs = 0;
    const call = createBatcher(
      async (_items: number[]): Promise<number[]> => {
        runs += 1;
        throw new Error('database down');
      },
      { maxSize: 100, concurrency: 1, isolate: never },
    );
    const outcomes = await Promise.allSettled([1, 2].map(call));
    expect(outcomes).toEqual([
      { status: 'rejected', reason: new Error('database down') },
      { status: 'rejected', reason: new Error('database down') },
    ]);
    expect(runs).toBe(1);
  });

  test('with lingerMs, calls made over several turns of the event loop share one batch', async () => {
    const { batches, run } = recorder();
    const call = createBatcher(run, { maxSize: 100, concurrency: 1, isolate: never, lingerMs: 2000 });
    const first = call(1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = call(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([]);
    expect(await Promise.all([first, second, call(3)])).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  test('with lingerMs, a full batch runs at once', async () => {
    const { batches, run } = recorder();
    const call = createBatcher(run, { maxSize: 2, concurrency: 1, isolate: never, lingerMs: 60_000 });
    expect(await Promise.all([call(1), call(2)])).toEqual([2, 4]);
    expect(batches).toEqual([[1, 2]]);
  });

  test('drain runs the calls that linger and resolves once every batch has settled', async () => {
    const { batches, run } = recorder();
    const call = createBatcher(run, { maxSize: 100, concurrency: 1, isolate: never, lingerMs: 60_000 });
    const outputs: number[] = [];
    for (const item of [1, 2]) void call(item).then((output) => outputs.push(output));
    await call.drain();
    expect(batches).toEqual([[1, 2]]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(outputs).toEqual([2, 4]);
  });

  test('a batch whose callers gave up on it (bound) keeps its place until its work ends', async () => {
    const { started, call, finishFirst } = boundOnHeldRun();
    await expect(call(1)).rejects.toMatchObject({ code: 'timeout' });
    const second = call(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(started).toEqual([[1]]);
    finishFirst();
    expect(await second).toBe(2);
    expect(started).toEqual([[1], [2]]);
  });

  test('with waitLimit, a call waiting behind a batch that never ends gives up without running', async () => {
    const { started, call, finishFirst } = boundOnHeldRun({
      waitLimit: { ms: 50, error: () => new Error('waited too long') },
    });
    await expect(call(1)).rejects.toMatchObject({ code: 'timeout' });
    await expect(call(2)).rejects.toThrow('waited too long');
    expect(started).toEqual([[1]]);
    // The place it held is freed when the work ends: a later call runs.
    finishFirst();
    expect(await call(3)).toBe(3);
    expect(started).toEqual([[1], [3]]);
  });

  test('with waitLimit, calls that get their turn in time are not given up', async () => {
    const { batches, run } = recorder();
    const call = createBatcher(run, {
      maxSize: 1,
      concurrency: 1,
      isolate: never,
      waitLimit: { ms: 60_000, error: () => new Error('waited too long') },
    });
    expect(await Promise.all([1, 2, 3].map(call))).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1], [2], [3]]);
  });

  test('never runs more than concurrency batches at once', async () => {
    let running = 0;
    let most = 0;
    const call = createBatcher(
      async (items: number[]) => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        return items;
      },
      { maxSize: 1, concurrency: 2, isolate: never },
    );
    await Promise.all([1, 2, 3, 4, 5, 6].map(call));
    expect(most).toBe(2);
  });
});
