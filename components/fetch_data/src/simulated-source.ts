import type { Place } from '@mousetrap/process_data';
import { FetchError } from './errors.ts';

/** What the simulation needs: the table, how many to draw, the latency and the randomness. */
export interface SimulationOptions {
  places: readonly Place[];
  minPlaces: number;
  maxPlaces: number;
  delayMs: number;
  random: () => number;
  /** Share of fetches that fail at once with `unavailable`. */
  failureRate: number;
  /** Share of fetches that hang for `timeoutMs`, then fail with `timeout`. */
  slowRate: number;
  timeoutMs: number;
}

/**
 * Waits `delayMs` (abortable), then returns between min and max distinct places from the table;
 * or, as often as the rates say, fails like a flaky external service would.
 */
export async function simulatePlaces(options: SimulationOptions, signal?: AbortSignal): Promise<Place[]> {
  throwIfAborted(signal);
  const luck = options.failureRate > 0 || options.slowRate > 0 ? options.random() : 1;
  if (luck < options.failureRate) {
    throw new FetchError('unavailable', 'the simulated source failed (failureRate)');
  }
  if (luck < options.failureRate + options.slowRate) {
    await sleep(options.timeoutMs, signal);
    throw new FetchError(
      'timeout',
      `the simulated source did not answer within ${options.timeoutMs} ms (slowRate)`,
    );
  }
  // A zero delay takes no timer at all, so that benchmarks measure the pipeline and not the clock.
  if (options.delayMs > 0) await sleep(options.delayMs, signal);
  return draw(options);
}

function draw({ places, minPlaces, maxPlaces, random }: SimulationOptions): Place[] {
  const count = minPlaces + pick(random, maxPlaces - minPlaces + 1);
  const pool = [...places];
  const drawn: Place[] = [];
  for (let i = 0; i < count; i += 1) {
    // Taking each place out of the pool keeps the batch distinct.
    const [place] = pool.splice(pick(random, pool.length), 1);
    // Copies, so that a caller editing its batch cannot change the table.
    if (place) drawn.push([...place]);
  }
  return drawn;
}

/** An integer in [0, n), even if `random` strays to 1 or beyond. */
function pick(random: () => number, n: number): number {
  return Math.min(Math.max(Math.floor(random() * n), 0), n - 1);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortedError(signal);
}

function abortedError(signal: AbortSignal | undefined): FetchError {
  return new FetchError('aborted', 'fetching places was aborted', { cause: signal?.reason });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
