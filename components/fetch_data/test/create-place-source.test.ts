import { PlaceSchema } from '@mousetrap/process_data';
import { seeded } from '@mousetrap/test_kit';
import * as v from 'valibot';
import { createPlaceSource } from '../src/create-place-source.ts';
import { FetchError, type FetchErrorCode } from '../src/errors.ts';
import type { FetchOptions } from '../src/options.ts';
import { PLACES } from '../src/places-data.ts';

async function codeOf(promise: Promise<unknown>): Promise<FetchErrorCode> {
  const error = await promise.then(
    () => new Error('expected a FetchError, the promise resolved'),
    (reason: unknown) => reason,
  );
  if (error instanceof FetchError) return error.code;
  throw error;
}

function configCodeOf(options: FetchOptions): FetchErrorCode {
  try {
    createPlaceSource(options);
  } catch (error) {
    if (error instanceof FetchError) return error.code;
    throw error;
  }
  throw new Error('expected a FetchError, createPlaceSource accepted the options');
}

describe('createPlaceSource (simulated)', () => {
  test('over 500 seeded draws, returns between 2 and 8 distinct valid places and reaches both bounds', async () => {
    const fetchPlaces = createPlaceSource({ delayMs: 0, random: seeded(42) });
    const counts = new Set<number>();
    for (let i = 0; i < 500; i += 1) {
      const places = await fetchPlaces();
      counts.add(places.length);
      expect(places.length).toBeGreaterThanOrEqual(2);
      expect(places.length).toBeLessThanOrEqual(8);
      expect(new Set(places.map((place) => place[4])).size).toBe(places.length);
      for (const place of places) expect(v.is(PlaceSchema, place)).toBe(true);
    }
    expect([...counts].sort()).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  test('with custom bounds, keeps every batch within them', async () => {
    const fetchPlaces = createPlaceSource({ delayMs: 0, minPlaces: 5, maxPlaces: 6, random: seeded(7) });
    for (let i = 0; i < 100; i += 1) {
      expect([5, 6]).toContain((await fetchPlaces()).length);
    }
  });

  test('when random returns its extremes, still returns places from the table', async () => {
    const low = await createPlaceSource({ delayMs: 0, random: () => 0 })();
    const high = await createPlaceSource({ delayMs: 0, random: () => 0.9999999999 })();
    expect(low).toEqual([PLACES[0], PLACES[1]]);
    expect(high).toHaveLength(8);
    expect(high[0]).toEqual(PLACES.at(-1));
  });

  test('with the same seed, returns the same batches', async () => {
    const first = createPlaceSource({ delayMs: 0, random: seeded(3) });
    const second = createPlaceSource({ delayMs: 0, random: seeded(3) });
    expect([await first(), await first()]).toEqual([await second(), await second()]);
  });

  test('when a caller edits its batch, the table stays unchanged', async () => {
    const fetchPlaces = createPlaceSource({ delayMs: 0, random: () => 0 });
    const [place] = await fetchPlaces();
    if (place) place[2] = 'Changed';
    expect(PLACES[0]?.[2]).toBe('Andorra');
  });

  test('with a delay of 30 ms, is still pending after 15 ms and resolves after at least 30 ms', async () => {
    const fetchPlaces = createPlaceSource({ delayMs: 30 });
    const started = performance.now();
    let settled = false;
    const pending = fetchPlaces().finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 15));
    expect(settled).toBe(false);
    await expect(pending).resolves.toEqual(expect.any(Array));
    // Node may fire a timer up to 1 ms early against performance.now().
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
  });

  test('with a delay of 0, resolves before the next macrotask', async () => {
    const fetchPlaces = createPlaceSource({ delayMs: 0 });
    const macrotask = new Promise<'macrotask'>((resolve) => setImmediate(() => resolve('macrotask')));
    const first = await Promise.race([fetchPlaces(), macrotask]);
    expect(first).toEqual(expect.any(Array));
  });

  test('when the signal aborts during the delay, rejects with aborted without waiting out the delay', async () => {
    const fetchPlaces = createPlaceSource({ delayMs: 60_000 });
    const controller = new AbortController();
    const pending = fetchPlaces(controller.signal);
    setTimeout(() => controller.abort(new Error('worker stopping')), 5);
    await expect(codeOf(pending)).resolves.toBe('aborted');
  });

  test('when the signal is already aborted, rejects with aborted even with a delay of 0', async () => {
    const fetchPlaces = createPlaceSource({ delayMs: 0 });
    await expect(codeOf(fetchPlaces(AbortSignal.abort()))).resolves.toBe('aborted');
  });

  test('when aborted, keeps the signal reason as the cause', async () => {
    const reason = new Error('worker stopping');
    const controller = new AbortController();
    controller.abort(reason);
    await expect(createPlaceSource({ delayMs: 10 })(controller.signal)).rejects.toMatchObject({
      code: 'aborted',
      cause: reason,
    });
  });
});

describe('createPlaceSource failing on purpose', () => {
  test('with failureRate 0.3, about 30% of 2,000 seeded fetches fail with unavailable and the rest succeed', async () => {
    const fetchPlaces = createPlaceSource({ delayMs: 0, failureRate: 0.3, random: seeded(11) });
    const outcomes = await Promise.all(
      Array.from({ length: 2000 }, () =>
        fetchPlaces().then(
          (places) => (places.length >= 2 ? 'ok' : 'short'),
          (error: unknown) => (error instanceof FetchError ? error.code : 'other'),
        ),
      ),
    );
    const failed = outcomes.filter((outcome) => outcome === 'unavailable').length;
    expect(outcomes.filter((outcome) => outcome !== 'ok' && outcome !== 'unavailable')).toEqual([]);
    expect(failed).toBeGreaterThan(500);
    expect(failed).toBeLessThan(700);
  });

  test('with failureRate 1, every fetch fails; with 0, none does', async () => {
    await expect(codeOf(createPlaceSource({ delayMs: 0, failureRate: 1 })())).resolves.toBe('unavailable');
    const never = createPlaceSource({ delayMs: 0, failureRate: 0 });
    for (let i = 0; i < 50; i += 1) await expect(never()).resolves.toEqual(expect.any(Array));
  });

  test('with slowRate 1, hangs for timeoutMs, then fails with timeout', async () => {
    const fetchPlaces = createPlaceSource({ delayMs: 0, slowRate: 1, timeoutMs: 40 });
    const started = performance.now();
    await expect(codeOf(fetchPlaces())).resolves.toBe('timeout');
    expect(performance.now() - started).toBeGreaterThanOrEqual(39);
  });

  test('a slow fetch gives up at once when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = createPlaceSource({ delayMs: 0, slowRate: 1, timeoutMs: 60_000 })(controller.signal);
    setTimeout(() => controller.abort(), 5);
    await expect(codeOf(pending)).resolves.toBe('aborted');
  });
});

describe('createPlaceSource options', () => {
  test.each<[string, FetchOptions]>([
    ['a negative delay', { delayMs: -1 }],
    ['a delay too long for a timer', { delayMs: 2 ** 31 }],
    ['minPlaces above maxPlaces', { minPlaces: 5, maxPlaces: 4 }],
    ['minPlaces below 1', { minPlaces: 0 }],
    ['a fractional maxPlaces', { maxPlaces: 2.5 }],
    ['maxPlaces above the size of the table', { maxPlaces: PLACES.length + 1 }],
    ['an ftp url', { url: 'ftp://example.com/places' }],
    ['a url that is not a URL', { url: 'not a url' }],
    ['a url with a password', { url: 'http://user:secret@example.com/places' }],
    ['a timeout of 0', { url: 'http://example.com/places', timeoutMs: 0 }],
    ['a failureRate above 1', { failureRate: 1.5 }],
    ['a negative slowRate', { slowRate: -0.1 }],
  ])('with %s, throws invalid_options at creation', (_what, options) => {
    expect(configCodeOf(options)).toBe('invalid_options');
  });

  test('when the url holds a password, does not repeat it in the message', () => {
    expect(() => createPlaceSource({ url: 'http://user:secret@example.com/places' })).toThrow(
      /^(?!.*secret)/,
    );
  });

  test('names every bad option in one message', () => {
    expect(() => createPlaceSource({ delayMs: -1, minPlaces: 0 })).toThrow(/delayMs.*minPlaces/);
  });
});
