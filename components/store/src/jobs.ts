import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { JOB_COLUMNS, type JobRow, type JobWithResultRow, toJob, toJobWithResult } from './rows.ts';
import type { Tables } from './tables.ts';
import type { Job, JobResult } from './types.ts';

/** The job queries of a store, before the time limit and error mapping that `createStore` adds. */
export interface JobQueries {
  /** Records a job under an idempotency key, or finds the job that holds the key already. */
  createKeyedJob(input: {
    correlationId: string;
    idempotencyKey: string;
    traceParent?: string | undefined;
  }): Promise<{ job: Job; created: boolean }>;
  failJob(jobId: string, error: string, sentAt?: string): Promise<boolean>;
  reopenJob(jobId: string): Promise<boolean>;
  getJob(jobId: string): Promise<Job | undefined>;
  getJobWithResult(jobId: string): Promise<{ job: Job; result: JobResult | undefined } | undefined>;
  claimUnpublishedJobs(olderThanMs: number, limit: number, claimMs: number): Promise<Job[]>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `id` can be a job id. A malformed id names no job; checking it here answers "unknown"
 * instead of letting PostgreSQL fail the cast to uuid.
 */
export const isJobId = (id: string): boolean => typeof id === 'string' && UUID.test(id);

/** Builds the job queries on a connection pool and the schema's tables. */
export function createJobQueries(sql: postgres.Sql, tables: Tables): JobQueries {
  const columns = sql(JOB_COLUMNS);
  const jobColumns = sql(JOB_COLUMNS.map((column) => `job.${column}`));

  return {
    async createKeyedJob({ correlationId, idempotencyKey, traceParent }) {
      // A concurrent insert of the same key waits for the first to commit, then inserts nothing.
      const [inserted] = await sql<JobRow[]>`
        insert into ${tables.jobs} (id, correlation_id, idempotency_key, trace_parent)
        values (${randomUUID()}, ${correlationId}, ${idempotencyKey}, ${traceParent ?? null})
        on conflict (idempotency_key) where idempotency_key is not null do nothing
        returning ${columns}
      `;
      if (inserted) return { job: toJob(inserted), created: true };
      const [existing] = await sql<JobRow[]>`
        select ${columns} from ${tables.jobs} where idempotency_key = ${idempotencyKey}
      `;
      // Jobs are never deleted, so the conflicting row is there once its insert committed.
      if (!existing) throw new Error(`no job holds idempotency key ${idempotencyKey} after a conflict on it`);
      return { job: toJob(existing), created: false };
    },

    async failJob(jobId, error, sentAt) {
      if (!isJobId(jobId)) return false;
      // A time PostgreSQL cannot hold (an envelope may say year 0) tells nothing: as if not given.
      const sent = sentAt !== undefined && storableInstant(sentAt) ? sentAt : null;
      const changed = await sql`
        update ${tables.jobs}
        set status = 'failed', failed_at = now(), error = ${error}, claimed_until = null
        where id = ${jobId} and status not in ('done', 'failed')
          and (${sent}::timestamptz is null or last_failed_at is null or last_failed_at < ${sent}::timestamptz)
      `;
      return changed.count > 0;
    },

    async reopenJob(jobId) {
      if (!isJobId(jobId)) return false;
      // Back to queued and unpublished: the outbox relay hands it to start_fetch again.
      const changed = await sql`
        update ${tables.jobs}
        set status = 'queued', error = null, failed_at = null, last_failed_at = failed_at,
            fetching_at = null, processing_at = null, published_at = null, claimed_until = null,
            redrives = 0, progress_at = now()
        where id = ${jobId} and status = 'failed'
      `;
      return changed.count > 0;
    },

    async getJob(jobId) {
      if (!isJobId(jobId)) return undefined;
      const [row] = await sql<JobRow[]>`select ${columns} from ${tables.jobs} where id = ${jobId}`;
      return row ? toJob(row) : undefined;
    },

    async getJobWithResult(jobId) {
      if (!isJobId(jobId)) return undefined;
      // One round trip for both; the result's columns that share a name with the job's are renamed.
      const [row] = await sql<JobWithResultRow[]>`
        select ${jobColumns}, result.job_id as result_job_id, result.centroid_lat, result.centroid_lon,
               result.most_northerly, result.places, result.created_at as result_created_at
        from ${tables.jobs} as job
        left join ${tables.results} as result on result.job_id = job.id
        where job.id = ${jobId}
      `;
      return row ? toJobWithResult(row) : undefined;
    },

    async claimUnpublishedJobs(olderThanMs, limit, claimMs) {
      // Rows another relay is claiming right now are skipped, not waited for; a claim lapses
      // after claimMs, so the jobs of a relay that died are taken up by another.
      // `id = any(array(…))`, not a join: the claimed ids are looked up by primary key.
      const rows = await sql<JobRow[]>`
        update ${tables.jobs}
        set claimed_until = now() + ${claimMs}::double precision * interval '1 millisecond'
        where id = any(array(
          select id from ${tables.jobs}
          where status = 'queued' and published_at is null
            and created_at < now() - ${olderThanMs}::double precision * interval '1 millisecond'
            and (claimed_until is null or claimed_until < now())
          order by created_at
          limit ${limit}
          for update skip locked
        ))
        returning ${columns}
      `;
      rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
      return rows.map(toJob);
    },
  };
}

/** Whether `text` is an instant PostgreSQL's timestamptz holds: parsable, from year 1 on. */
function storableInstant(text: string): boolean {
  const ms = Date.parse(text);
  return Number.isFinite(ms) && new Date(ms).getUTCFullYear() >= 1;
}
