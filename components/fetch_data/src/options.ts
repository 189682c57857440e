import * as v from 'valibot';
import { FetchError } from './errors.ts';

/** Options of `createPlaceSource`: a simulated source by default, an HTTP source when `url` is set. */
export interface FetchOptions {
  /** Simulated latency before the places arrive, in milliseconds; 0 answers without a timer. @default 1000 */
  delayMs?: number;
  /** The fewest places the simulated source returns. @default 2 */
  minPlaces?: number;
  /** The most places the simulated source returns; at most the number of rows in `PLACES`. @default 8 */
  maxPlaces?: number;
  /** Uniform numbers in [0, 1) that pick the simulated places; tests pass a seeded one. @default Math.random */
  random?: () => number;
  /** When set, places come from a GET of this http(s) URL instead of the simulation. @default undefined */
  url?: string;
  /** How long the HTTP source waits for the whole answer, in milliseconds; also how long a slow simulated fetch hangs. @default 5000 */
  timeoutMs?: number;
  /** Share (0–1) of simulated fetches that fail with `unavailable`, to exercise retries. @default 0 */
  failureRate?: number;
  /** Share (0–1) of simulated fetches that hang for `timeoutMs`, then fail with `timeout`. @default 0 */
  slowRate?: number;
}

// setTimeout fires at once for anything longer, so a longer delay would silently be no delay.
const MAX_TIMER_MS = 2 ** 31 - 1;

const count = (name: string) =>
  v.pipe(
    v.number(`${name} is not a number`),
    v.integer(`${name} is not an integer`),
    v.minValue(1, `${name} is below 1`),
  );

const duration = (name: string, min: number) =>
  v.pipe(
    v.number(`${name} is not a number`),
    v.minValue(min, `${name} is below ${min}`),
    v.maxValue(MAX_TIMER_MS, `${name} is above ${MAX_TIMER_MS}`),
  );

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function hasCredentials(text: string): boolean {
  try {
    const { username, password } = new URL(text);
    return username !== '' || password !== '';
  } catch {
    return false;
  }
}

const rate = (name: string) =>
  v.pipe(
    v.number(`${name} is not a number`),
    v.minValue(0, `${name} is below 0`),
    v.maxValue(1, `${name} is above 1`),
  );

const OptionsSchema = v.pipe(
  v.object({
    delayMs: v.optional(duration('delayMs', 0), 1000),
    minPlaces: v.optional(count('minPlaces'), 2),
    maxPlaces: v.optional(count('maxPlaces'), 8),
    random: v.optional(
      v.custom<() => number>((value) => typeof value === 'function', 'random is not a function'),
      () => Math.random,
    ),
    url: v.optional(
      v.pipe(
        v.string('url is not a string'),
        v.check(isHttpUrl, 'url is not an http or https URL'),
        // fetch refuses such URLs, and its error would repeat the password into the logs.
        v.check((url) => !hasCredentials(url), 'url contains a user or password, which fetch refuses'),
      ),
    ),
    timeoutMs: v.optional(duration('timeoutMs', 1), 5000),
    failureRate: v.optional(rate('failureRate'), 0),
    slowRate: v.optional(rate('slowRate'), 0),
  }),
  v.check((options) => options.minPlaces <= options.maxPlaces, 'minPlaces is greater than maxPlaces'),
);

/** Options with every default filled in and every value checked. */
export type ValidOptions = v.InferOutput<typeof OptionsSchema>;

/** Fills in defaults and checks the options once; throws `FetchError` `invalid_options` naming every bad one. */
export function normaliseOptions(options: FetchOptions, tableSize: number): ValidOptions {
  const result = v.safeParse(OptionsSchema, options);
  if (!result.success) {
    const problems = result.issues.map((issue) => issue.message).join('; ');
    throw new FetchError('invalid_options', `invalid fetch options: ${problems}`, { cause: result.issues });
  }
  if (result.output.url === undefined && result.output.maxPlaces > tableSize) {
    throw new FetchError(
      'invalid_options',
      `invalid fetch options: maxPlaces is above the ${tableSize} places the simulation knows`,
    );
  }
  return result.output;
}
