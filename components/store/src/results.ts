import type postgres from 'postgres';
import { RESULT_COLUMNS, type ResultRow, toResult } from './rows.ts';
import type { Tables } from './tables.ts';
import type { JobResult } from './types.ts';

/** The result queries of a store, before the time limit and error mapping that `createStore` adds. */
export interface ResultQueries {
  latestResult(): Promise<JobResult | undefined>;
}

/** Builds the result queries on a connection pool and the schema's tables. */
export function createResultQueries(sql: postgres.Sql, tables: Tables): ResultQueries {
  return {
    async latestResult() {
      const [row] = await sql<ResultRow[]>`
        select ${sql(RESULT_COLUMNS)} from ${tables.results} order by created_at desc limit 1
      `;
      return row ? toResult(row) : undefined;
    },
  };
}
