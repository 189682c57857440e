import type postgres from 'postgres';
import { JOB_COLUMNS, type JobRow, toJob } from './rows.ts';
import type { Tables } from './tables.ts';
import type { Job, MinuteActivity } from './types.ts';

/** The activity queries of a store (what a dashboard shows), before the time limit and error mapping. */
export interface ActivityQueries {
  recentJobs(limit: number): Promise<Job[]>;
  activityByMinute(minutes: number): Promise<MinuteActivity[]>;
}

/** Builds the activity queries on a connection pool and the schema's tables. */
export function createActivityQueries(sql: postgres.Sql, tables: Tables): ActivityQueries {
  return {
    async recentJobs(limit) {
      const rows = await sql<JobRow[]>`
        select ${sql(JOB_COLUMNS)} from ${tables.jobs} order by created_at desc, id limit ${limit}
      `;
      return rows.map(toJob);
    },

    async activityByMinute(minutes) {
      // One row per minute, the current (partial) one last, zeros included; each count reads a
      // range of the partial done_at / failed_at indexes.
      const rows = await sql<{ minute: Date; done: number; failed: number }[]>`
        select minute,
          (select count(*) from ${tables.jobs}
            where done_at >= minute and done_at < minute + interval '1 minute')::int as done,
          (select count(*) from ${tables.jobs}
            where failed_at >= minute and failed_at < minute + interval '1 minute')::int as failed
        from generate_series(
          date_trunc('minute', now()) - (${minutes - 1}::int * interval '1 minute'),
          date_trunc('minute', now()),
          interval '1 minute'
        ) as minute
        order by minute
      `;
      return rows.map((row) => ({ minute: row.minute.toISOString(), done: row.done, failed: row.failed }));
    },
  };
}
