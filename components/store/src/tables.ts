import type postgres from 'postgres';

/** The store's tables as schema-qualified identifiers, ready to interpolate into a query. */
export interface Tables {
  jobs: postgres.Helper<string>;
  results: postgres.Helper<string>;
  /** Whether a process alone on the database is running (npm start's): one row. */
  aloneRun: postgres.Helper<string>;
}

/**
 * Names the tables with their schema in every query, because PGlite ignores the search_path a
 * connection asks for and would otherwise read and write `public`.
 */
export function tablesIn(sql: postgres.Sql, schema: string): Tables {
  return {
    jobs: sql(`${schema}.jobs`),
    results: sql(`${schema}.results`),
    aloneRun: sql(`${schema}.alone_run`),
  };
}
