import { setTimeout as sleep } from 'node:timers/promises';
import { StoreError } from '../src/errors.ts';
import { retryDelayMs, retryWhileUnavailable } from '../src/retry.ts';

describe('retryDelayMs', () => {
  test('retryDelayMs: doubles from 100 ms and stops growing at 5 s', () => {
    const top = () => 0.999_999;
    expect([1, 2, 3, 4, 6, 7, 20].map((attempt) => retryDelayMs(attempt, top))).toEqual([
      100, 200, 400, 800, 3200, 5000, 5000,
    ]);
  });

  test('retryDelayMs: with the lowest random number, waits half the ceiling', () => {
    expect(retryDelayMs(3, () => 0)).toBe(200);
  });
});

describe('retryWhileUnavailable', () => {
  test('retryWhileUnavailable: when the first attempts are unavailable, retries and returns the result', async () => {
    let calls = 0;
    const retries: number[] = [];
    const result = await retryWhileUnavailable(
      async () => {
        calls += 1;
        if (calls < 3) throw new StoreError('unavailable', 'refused');
        return 'ready';
      },
      { deadlineMs: 5000, random: () => 0, onRetry: (attempt) => retries.push(attempt) },
    );
    expect(result).toBe('ready');
    expect(retries).toEqual([1, 2]);
  });

  test('retryWhileUnavailable: when the error is a query error, throws it without retrying', async () => {
    const error = new StoreError('query', 'syntax error');
    const retries: number[] = [];
    const onRetry = (attempt: number) => retries.push(attempt);
    await expect(
      retryWhileUnavailable(() => Promise.reject(error), { deadlineMs: 5000, onRetry }),
    ).rejects.toBe(error);
    expect(retries).toEqual([]);
  });

  test('retryWhileUnavailable: when the deadline passes, throws unavailable with the last error as cause', async () => {
    const last = new StoreError('timeout', 'no answer');
    const outcome = retryWhileUnavailable(() => Promise.reject(last), { deadlineMs: 150 });
    await expect(outcome).rejects.toMatchObject({ code: 'unavailable', cause: last });
  });

  test('retryWhileUnavailable: with a deadline of 0, makes exactly one attempt', async () => {
    let calls = 0;
    const outcome = retryWhileUnavailable(
      () => {
        calls += 1;
        return Promise.reject(new StoreError('unavailable', 'refused'));
      },
      { deadlineMs: 0 },
    );
    await expect(outcome).rejects.toMatchObject({ code: 'unavailable' });
    expect(calls).toBe(1);
  });

  test('retryWhileUnavailable: when aborted during a wait, throws the reason at once and makes no further attempt', async () => {
    const stop = new AbortController();
    const reason = new Error('SIGTERM');
    let calls = 0;
    let ranOut: (what: string) => void = () => {};
    const waitRunsOut = new Promise<string>((resolve) => {
      ranOut = resolve;
    });
    const outcome = retryWhileUnavailable(
      () => {
        calls += 1;
        return Promise.reject(new StoreError('unavailable', 'refused'));
      },
      {
        deadlineMs: 30_000,
        onRetry: (attempt, delayMs) => {
          if (attempt !== 2) return;
          // A timer for the end of the wait, then the abort on the next turn, once the wait began:
          // timers run in the order they are due, so the abort's comes first whatever the load.
          void sleep(delayMs).then(() => ranOut('the wait ran out'));
          setTimeout(() => stop.abort(reason), 0);
        },
        signal: stop.signal,
      },
    );
    const settled = outcome.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    expect(await Promise.race([settled, waitRunsOut])).toBe(reason);
    expect(calls).toBe(2);
  });

  test('retryWhileUnavailable: when aborted during an attempt that does not answer, throws the reason', async () => {
    const stop = new AbortController();
    const reason = new Error('SIGTERM');
    const outcome = retryWhileUnavailable(() => new Promise<never>(() => {}), {
      deadlineMs: 30_000,
      signal: stop.signal,
    });
    stop.abort(reason);
    await expect(outcome).rejects.toBe(reason);
  });

  test('retryWhileUnavailable: when already aborted, makes no attempt', async () => {
    let calls = 0;
    const outcome = retryWhileUnavailable(
      async () => {
        calls += 1;
      },
      { deadlineMs: 30_000, signal: AbortSignal.abort(new Error('stopped')) },
    );
    await expect(outcome).rejects.toThrow('stopped');
    expect(calls).toBe(0);
  });
});
