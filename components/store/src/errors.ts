/**
 * Why a store call failed: `unavailable` (cannot connect), `refused` (the server turned this
 * client away: a wrong password, a role or database that does not exist, no pg_hba.conf entry),
 * `timeout`, `query` (anything else), or `invalid_options` (createStore was given options it
 * cannot use).
 */
export type StoreErrorCode = 'unavailable' | 'refused' | 'timeout' | 'query' | 'invalid_options';

/** A failed store call; callers branch on `code`. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

// Node socket errors and postgres.js's own connection errors: the server is not there.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
]);

// SQLSTATEs of a server that is shutting down, starting up or full: worth trying again later.
const SERVER_GONE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);

// read_only_sql_transaction: the session is on a standby (before a failover's promotion, or one
// that another standby's promotion left behind), not on the primary the writes must reach.
const READ_ONLY_STATE = '25006';

// Class 28 (invalid authorization: a wrong password, an unknown role, no pg_hba.conf entry) and
// 3D000 (no such database): the server will give the same answer however often it is asked.
const REFUSED_STATE = /^(28[0-9A-Z]{3}|3D000)$/;

// query_canceled: what a statement past statement_timeout fails with.
const CANCELED_STATE = '57014';

const codeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;

/** Whether `error` (or a StoreError's cause) is a write refused by a read-only session: a standby. */
export function isReadOnly(error: unknown): boolean {
  const cause = error instanceof StoreError ? error.cause : error;
  return codeOf(cause) === READ_ONLY_STATE;
}

function isUnavailable(error: unknown): boolean {
  // Node reports a failed connection to a name with several addresses as an AggregateError.
  if (error instanceof AggregateError && error.errors.some(isUnavailable)) return true;
  const code = codeOf(error);
  if (code === undefined) return false;
  return (
    CONNECTION_CODES.has(code) ||
    SERVER_GONE_STATES.has(code) ||
    code === READ_ONLY_STATE ||
    /^08[0-9A-Z]{3}$/.test(code)
  );
}

/** Turns whatever a postgres.js call threw into a `StoreError`; the one place that decides the code. */
export function toStoreError(error: unknown, what: string): StoreError {
  if (error instanceof StoreError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  if (isUnavailable(error)) {
    return new StoreError('unavailable', `${what}: database unavailable: ${reason}`, { cause: error });
  }
  const code = codeOf(error);
  if (code !== undefined && REFUSED_STATE.test(code)) {
    return new StoreError('refused', `PostgreSQL refused the connection: ${reason} (${code})`, {
      cause: error,
    });
  }
  if (code === CANCELED_STATE) {
    return new StoreError('timeout', `${what}: statement cancelled: ${reason}`, { cause: error });
  }
  return new StoreError('query', `${what} failed: ${reason}`, { cause: error });
}
