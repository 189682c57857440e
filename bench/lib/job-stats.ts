import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { DATABASE_URL } from './pipeline-services.ts';
import { progress } from './results.ts';

/** How the jobs of one run went, from the jobs table's own timestamps. */
export interface JobStats {
  jobs: number;
  done: number;
  failed: number;
  /** From the first job recorded to the last one done. */
  seconds: number;
  /** Done jobs per second over `seconds`: the end-to-end throughput. */
  jobsPerSecond: number;
  /** Done jobs per second from the first done to the last done: the workers' steady rate. */
  steadyJobsPerSecond: number;
  /** From recording the job (the request) to storing its result, in ms. */
  latencyMs: { p50: number; p95: number; p99: number; max: number };
}

/** Polls the schema's jobs table until `expected` jobs are done or failed, or `timeoutMs` passes. */
export async function waitForJobs(schema: string, expected: number, timeoutMs: number): Promise<void> {
  const sql = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  try {
    for (;;) {
      const [row] = await sql<{ finished: number }[]>`
        select count(*)::int as finished from ${sql(schema)}.jobs where status in ('done', 'failed')
      `;
      const finished = row?.finished ?? 0;
      if (finished >= expected) return;
      if (Date.now() > deadline)
        throw new Error(`only ${finished} of ${expected} jobs finished in ${timeoutMs} ms`);
      if (finished !== last) progress(`${finished} of ${expected} jobs finished`);
      last = finished;
      await sleep(1000);
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Throughput and latency of the jobs in `schema`, computed by PostgreSQL from created_at and done_at. */
export async function readJobStats(schema: string): Promise<JobStats> {
  const sql = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<Record<string, number | null>[]>`
      with job as (
        select status, created_at, done_at,
               extract(epoch from done_at - created_at) * 1000 as latency_ms
        from ${sql(schema)}.jobs
      )
      select count(*)::int as jobs,
             count(*) filter (where status = 'done')::int as done,
             count(*) filter (where status = 'failed')::int as failed,
             extract(epoch from max(done_at) - min(created_at))::float8 as seconds,
             extract(epoch from max(done_at) - min(done_at))::float8 as steady_seconds,
             percentile_cont(0.5) within group (order by latency_ms)::float8 as p50,
             percentile_cont(0.95) within group (order by latency_ms)::float8 as p95,
             percentile_cont(0.99) within group (order by latency_ms)::float8 as p99,
             max(latency_ms)::float8 as max
      from job
    `;
    if (!row) throw new Error('no statistics');
    const done = row.done ?? 0;
    const seconds = row.seconds ?? 0;
    const steady = row.steady_seconds ?? 0;
    return {
      jobs: row.jobs ?? 0,
      done,
      failed: row.failed ?? 0,
      seconds,
      jobsPerSecond: seconds > 0 ? done / seconds : 0,
      steadyJobsPerSecond: steady > 0 ? (done - 1) / steady : 0,
      latencyMs: { p50: row.p50 ?? 0, p95: row.p95 ?? 0, p99: row.p99 ?? 0, max: row.max ?? 0 },
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
