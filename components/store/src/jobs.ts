import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { JOB_COLUMNS, type JobRow, toJob } from './rows.ts';
import type { Tables } from './tables.ts';
import type { Job, JobStatus, StageOutcome } from './types.ts';

/** The job queries of a store, before the time limit and error mapping that `createStore` adds. */
export interface JobQueries {
  createJob(input: {
    correlationId: string;
    idempotencyKey?: string;
  }): Promise<{ job: Job; created: boolean }>;
  markPublished(jobId: string): Promise<void>;
  startStage(jobId: string, stage: 'fetching' | 'processing'): Promise<StageOutcome>;
  failJob(jobId: string, error: string): Promise<boolean>;
  reopenJob(jobId: string): Promise<boolean>;
  getJob(jobId: string): Promise<Job | undefined>;
  unpublishedJobs(olderThanMs: number, limit: number): Promise<Job[]>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `id` can be a job id. A malformed id names no job; checking it here answers "unknown"
 * instead of letting PostgreSQL fail the cast to uuid.
 */
export const isJobId = (id: string): boolean => typeof id === 'string' && UUID.test(id);

// Where a job may come from to enter each stage; the stage itself is a repeat, later ones are passed.
const ENTERED_FROM: Record<'fetching' | 'processing', readonly JobStatus[]> = {
  fetching: ['queued', 'fetching'],
  processing: ['queued', 'fetching', 'processing'],
};

const STAGE_COLUMN = { fetching: 'fetching_at', processing: 'processing_at' } as const;

/** Builds the job queries on a connection pool and the schema's tables. */
export function createJobQueries(sql: postgres.Sql, tables: Tables): JobQueries {
  const columns = sql(JOB_COLUMNS);

  async function insertJob(correlationId: string, idempotencyKey: string | undefined): Promise<JobRow[]> {
    const id = randomUUID();
    if (idempotencyKey === undefined) {
      return sql<JobRow[]>`
        insert into ${tables.jobs} (id, correlation_id) values (${id}, ${correlationId}) returning ${columns}
      `;
    }
    // A concurrent insert of the same key waits for the first to commit, then inserts nothing.
    return sql<JobRow[]>`
      insert into ${tables.jobs} (id, correlation_id, idempotency_key)
      values (${id}, ${correlationId}, ${idempotencyKey})
      on conflict (idempotency_key) do nothing
      returning ${columns}
    `;
  }

  return {
    async createJob({ correlationId, idempotencyKey }) {
      const [inserted] = await insertJob(correlationId, idempotencyKey);
      if (inserted) return { job: toJob(inserted), created: true };
      const [existing] = await sql<JobRow[]>`
        select ${columns} from ${tables.jobs} where idempotency_key = ${idempotencyKey ?? null}
      `;
      // Jobs are never deleted, so the conflicting row is there once its insert committed.
      if (!existing) throw new Error(`no job holds idempotency key ${idempotencyKey} after a conflict on it`);
      return { job: toJob(existing), created: false };
    },

    async markPublished(jobId) {
      if (!isJobId(jobId)) return;
      await sql`update ${tables.jobs} set published_at = coalesce(published_at, now()) where id = ${jobId}`;
    },

    async startStage(jobId, stage) {
      if (!isJobId(jobId)) return 'unknown';
      const column = sql(STAGE_COLUMN[stage]);
      // The locked self-join hands back the status the row had before this update.
      const [moved] = await sql<{ previous: JobStatus }[]>`
        update ${tables.jobs} as job
        set status = ${stage},
            attempts = job.attempts + 1,
            ${column} = coalesce(job.${column}, now())
        from (select id, status from ${tables.jobs} where id = ${jobId} for update) as prior
        where job.id = prior.id and prior.status in ${sql(ENTERED_FROM[stage])}
        returning prior.status as previous
      `;
      if (moved) return moved.previous === stage ? 'repeat' : 'started';
      const [found] = await sql`select 1 from ${tables.jobs} where id = ${jobId}`;
      return found ? 'passed' : 'unknown';
    },

    async failJob(jobId, error) {
      if (!isJobId(jobId)) return false;
      const changed = await sql`
        update ${tables.jobs}
        set status = 'failed', failed_at = now(), error = ${error}
        where id = ${jobId} and status not in ('done', 'failed')
      `;
      return changed.count > 0;
    },

    async reopenJob(jobId) {
      if (!isJobId(jobId)) return false;
      // Back to queued and unpublished: the outbox relay hands it to start_fetch again.
      const changed = await sql`
        update ${tables.jobs}
        set status = 'queued', error = null, failed_at = null, fetching_at = null, processing_at = null,
            published_at = null
        where id = ${jobId} and status = 'failed'
      `;
      return changed.count > 0;
    },

    async getJob(jobId) {
      if (!isJobId(jobId)) return undefined;
      const [row] = await sql<JobRow[]>`select ${columns} from ${tables.jobs} where id = ${jobId}`;
      return row ? toJob(row) : undefined;
    },

    async unpublishedJobs(olderThanMs, limit) {
      const rows = await sql<JobRow[]>`
        select ${columns} from ${tables.jobs}
        where status = 'queued' and published_at is null
          and created_at < now() - ${olderThanMs}::double precision * interval '1 millisecond'
        order by created_at
        limit ${limit}
      `;
      return rows.map(toJob);
    },
  };
}
