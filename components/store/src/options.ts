import { StoreError } from './errors.ts';
import { isPostgresUrl } from './hosts.ts';
import type { StoreOptions } from './types.ts';

/** Store options with every default filled in and every value checked. */
export interface ValidStoreOptions {
  url: string;
  schema: string;
  max: number;
  statementTimeoutMs: number;
  callTimeoutMs: number;
  connectTimeoutSeconds: number;
  startTimeoutMs: number;
  onRetry: ((attempt: number, delayMs: number, error: StoreError) => void) | undefined;
  signal: AbortSignal | undefined;
}

// Unquoted-identifier shape, at most 63 bytes: PostgreSQL's limit on a name.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

// setTimeout fires at once for anything longer, so a longer limit would silently be no limit.
const MAX_TIMER_MS = 2 ** 31 - 1;

// Idle connections are closed after this many seconds, so a pool shrinks back after a burst.
const IDLE_TIMEOUT_SECONDS = 60;

const isWhole = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/** Fills in defaults and checks the options once; throws StoreError `invalid_options` naming every bad one. */
export function normaliseOptions(options: StoreOptions): ValidStoreOptions {
  const valid: ValidStoreOptions = {
    url: options.url,
    schema: options.schema ?? 'public',
    max: options.max ?? 10,
    statementTimeoutMs: options.statementTimeoutMs ?? 5000,
    callTimeoutMs: options.callTimeoutMs ?? 8000,
    connectTimeoutSeconds: options.connectTimeoutSeconds ?? 5,
    startTimeoutMs: options.startTimeoutMs ?? 30_000,
    onRetry: options.onRetry,
    signal: options.signal,
  };
  const checks: [ok: boolean, problem: string][] = [
    [
      typeof valid.url === 'string' && isPostgresUrl(valid.url),
      'url is not a postgres:// or postgresql:// URL (of one host or several, comma-separated)',
    ],
    [
      typeof valid.schema === 'string' && SCHEMA_NAME.test(valid.schema),
      'schema is not a lower-case name of letters, digits and underscores (at most 63)',
    ],
    [isWhole(valid.max, 1, 1000), 'max is not a whole number from 1 to 1000'],
    [isWhole(valid.statementTimeoutMs, 1, MAX_TIMER_MS), 'statementTimeoutMs is not a positive whole number'],
    [isWhole(valid.callTimeoutMs, 1, MAX_TIMER_MS), 'callTimeoutMs is not a positive whole number'],
    [
      isWhole(valid.connectTimeoutSeconds, 1, 3600),
      'connectTimeoutSeconds is not a whole number from 1 to 3600',
    ],
    [isWhole(valid.startTimeoutMs, 0, MAX_TIMER_MS), 'startTimeoutMs is not a whole number from 0'],
    [valid.onRetry === undefined || typeof valid.onRetry === 'function', 'onRetry is not a function'],
    [valid.signal === undefined || valid.signal instanceof AbortSignal, 'signal is not an AbortSignal'],
  ];
  const problems = checks.filter(([ok]) => !ok).map(([, problem]) => problem);
  if (problems.length > 0) {
    throw new StoreError('invalid_options', `invalid store options: ${problems.join('; ')}`);
  }
  return valid;
}

const RANDOM_PAGE_COST = 1.1;

/**
 * The postgres.js options a store connects with. PostgreSQL applies the `connection` parameters
 * to every session; PGlite ignores them, which is why queries also name the schema themselves.
 */
export function connectionOptions(options: ValidStoreOptions) {
  return {
    max: options.max,
    connect_timeout: options.connectTimeoutSeconds,
    idle_timeout: IDLE_TIMEOUT_SECONDS,
    connection: {
      search_path: options.schema,
      statement_timeout: options.statementTimeoutMs,
      // The rows a store touches are recent jobs, in the database's cache: a random read costs
      // about what a sequential one does. At the default (4) the planner read a jobs table of a
      // few thousand rows from end to end rather than look up a batch's ids by primary key.
      random_page_cost: RANDOM_PAGE_COST,
      application_name: 'mousetrap',
    },
    onnotice: () => {},
    transform: { undefined: null },
  };
}
