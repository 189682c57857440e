import type postgres from 'postgres';
import { isJobId } from './jobs.ts';
import { RESULT_COLUMNS, type ResultRow, toResult } from './rows.ts';
import type { Tables } from './tables.ts';
import type { JobResult, ResultInput } from './types.ts';

/** The result queries of a store, before the time limit and error mapping that `createStore` adds. */
export interface ResultQueries {
  completeJob(jobId: string, result: ResultInput): Promise<boolean>;
  latestResult(): Promise<JobResult | undefined>;
  getResult(jobId: string): Promise<JobResult | undefined>;
}

/** Builds the result queries on a connection pool and the schema's tables. */
export function createResultQueries(sql: postgres.Sql, tables: Tables): ResultQueries {
  return {
    async completeJob(jobId, result) {
      if (!isJobId(jobId)) return false;
      return sql.begin(async (tx) => {
        // Locking the job makes a concurrent duplicate wait here, then find the result stored.
        const [job] = await tx`select 1 from ${tables.jobs} where id = ${jobId} for update`;
        if (!job) return false;
        const [centroidLat, centroidLon] = result.centroid;
        const inserted = await tx`
          insert into ${tables.results} (job_id, centroid_lat, centroid_lon, most_northerly, places)
          values (
            ${jobId}, ${centroidLat}, ${centroidLon},
            ${tx.json(result.most_northerly)}, ${tx.json(result.places)}
          )
          on conflict (job_id) do nothing
        `;
        if (inserted.count === 0) return false;
        await tx`
          update ${tables.jobs} set status = 'done', done_at = now(), error = null where id = ${jobId}
        `;
        return true;
      });
    },

    async latestResult() {
      const [row] = await sql<ResultRow[]>`
        select ${sql(RESULT_COLUMNS)} from ${tables.results} order by created_at desc limit 1
      `;
      return row ? toResult(row) : undefined;
    },

    async getResult(jobId) {
      if (!isJobId(jobId)) return undefined;
      const [row] = await sql<ResultRow[]>`
        select ${sql(RESULT_COLUMNS)} from ${tables.results} where job_id = ${jobId}
      `;
      return row ? toResult(row) : undefined;
    },
  };
}
