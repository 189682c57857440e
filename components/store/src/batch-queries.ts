import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { JOB_COLUMNS, type JobRow, toJob } from './rows.ts';
import type { Tables } from './tables.ts';
import type { Job, JobStatus, ResultInput, Stage, StageOutcome, StageStarts } from './types.ts';

/** A job to record without an idempotency key. */
export interface NewJob {
  correlationId: string;
  traceParent?: string | undefined;
}

/** A job to move into a stage, when the stage's work began if not now, and whether the try was put off. */
export interface StageStart {
  jobId: string;
  startedAt?: Date | undefined;
  /** A try made again after it was put off: found at the stage again, the job made no progress. */
  putOff?: boolean | undefined;
}

/** A job to mark done: its result, and when its stages began if their starts were not written. */
export interface Completion {
  jobId: string;
  result: ResultInput;
  started?: StageStarts | undefined;
}

/**
 * The store's hot-path writes for many jobs in one statement each, so that a batch of calls
 * costs one round trip and one commit. Ids must be valid job ids; rows are locked in id order,
 * so that batches running at once (in this process or another) never deadlock.
 */
export interface BatchQueries {
  /** Records one queued job per input, without idempotency keys; answers them in order. */
  createJobs(jobs: readonly NewJob[]): Promise<Job[]>;
  /** Notes that each job's start message was confirmed. */
  markPublished(jobIds: readonly string[]): Promise<void>;
  /** `startStage` for each job (each id at most once); answers the outcomes in order. */
  startStages(starts: readonly StageStart[], stage: Stage): Promise<StageOutcome[]>;
  /** `completeJob` for each job (each id at most once): one transaction; answers in order. */
  completeJobs(items: readonly Completion[]): Promise<boolean[]>;
}

// Where a job may come from to enter each stage; the stage itself is a repeat, later ones are passed.
const ENTERED_FROM: Record<Stage, readonly JobStatus[]> = {
  fetching: ['queued', 'fetching'],
  processing: ['queued', 'fetching', 'processing'],
};

const STAGE_COLUMN = { fetching: 'fetching_at', processing: 'processing_at' } as const;

// PostgreSQL's type oid of uuid[], which postgres.js needs to send a JavaScript array as one. It
// encodes the array with the serialisers it reads from the server at connect (its default
// fetch_types: true, which connectionOptions keeps).
export const UUID_ARRAY = 2951;

/** Builds the batch queries on a connection pool and the schema's tables. */
export function createBatchQueries(sql: postgres.Sql, tables: Tables): BatchQueries {
  const columns = sql(JOB_COLUMNS);
  // One uuid[] parameter carries a whole batch's ids, so every batch size is the same prepared
  // statement. Rows are reached only through `id = any(…)`, which PostgreSQL plans as primary-key
  // lookups whatever the table's size: a join of the batch with jobs (as these statements were)
  // was planned as a hash join reading the whole table, in generic and custom plans alike, while
  // the table held up to some ten thousand rows.
  const idArray = (ids: readonly string[]) => sql.array([...ids], UUID_ARRAY);
  const lockInOrder = (ids: readonly string[]) =>
    sql`select id, status from ${tables.jobs} where id = any(${idArray(ids)}) order by id for update`;

  return {
    async createJobs(jobs) {
      const rows = jobs.map(({ correlationId, traceParent }) => ({
        id: randomUUID(),
        correlation_id: correlationId,
        trace_parent: traceParent ?? null,
      }));
      const inserted = await sql<JobRow[]>`
        insert into ${tables.jobs} (id, correlation_id, trace_parent)
        select id, correlation_id, trace_parent
        from jsonb_to_recordset(${sql.json(rows)}::jsonb) as t(id uuid, correlation_id text, trace_parent text)
        returning ${columns}
      `;
      const byId = new Map(inserted.map((row) => [row.id, row]));
      return rows.map(({ id }) => {
        const row = byId.get(id);
        if (!row) throw new Error(`job ${id} was not recorded`);
        return toJob(row);
      });
    },

    async markPublished(jobIds) {
      // A job marked already (by a worker that started it, a relay, an earlier copy of this call)
      // is neither locked nor written: most are, by the time a lingering batch of marks runs.
      await sql`
        with locked as (
          select id from ${tables.jobs}
          where id = any(${idArray(jobIds)}) and published_at is null
          order by id for update
        )
        update ${tables.jobs} set published_at = now(), progress_at = now()
        where id = any(array(select id from locked))
      `;
    },

    async startStages(starts, stage) {
      const column = sql(STAGE_COLUMN[stage]);
      const jobIds = starts.map((start) => start.jobId);
      const times = starts.map(({ jobId, startedAt, putOff }) => ({
        id: jobId,
        started_at: startedAt ?? null,
        put_off: putOff ?? false,
      }));
      // `prior` holds the status each row had before this update. A job a worker starts was
      // handed off, whatever became of the API's markPublished (not committed yet, or lost with a
      // primary whose standby had not received it): marked so here, a job whose later progress is
      // lost is the sweeper's to re-drive, not left unpublished beyond a queued job, which is the relay's.
      const moved = await sql<{ id: string; previous: JobStatus }[]>`
        with prior as (${lockInOrder(jobIds)}),
        input as (
          select * from jsonb_to_recordset(${sql.json(times)}::jsonb)
            as t(id uuid, started_at timestamptz, put_off boolean)
        ),
        moved as (
          update ${tables.jobs} as job
          set status = ${stage},
              attempts = job.attempts + 1,
              -- A put-off try found at its stage again is no progress: the sweeper's budget runs on.
              -- A start is later than the job's last re-drive, so that claimAtStart sees it held on a
              -- clock that has not moved on since: PGlite's keeps only milliseconds. (A clock
              -- stepped back carries its step into progress_at, delaying the sweeps by as much.)
              progress_at = case when input.put_off and job.status = ${stage} then job.progress_at
                            else greatest(now(), job.redriven_at + interval '1 microsecond') end,
              published_at = coalesce(job.published_at, now()),
              ${column} = coalesce(job.${column}, input.started_at, now())
          from input
          where job.id = input.id
            and job.id = any(array(select id from prior where status in ${sql(ENTERED_FROM[stage])}))
          returning job.id
        )
        select moved.id, prior.status as previous from moved join prior on prior.id = moved.id
      `;
      const previous = new Map(moved.map((row) => [row.id, row.previous]));
      const rest = jobIds.filter((id) => !previous.has(id));
      const found =
        rest.length === 0
          ? new Set<string>()
          : new Set(
              (
                await sql<{ id: string }[]>`select id from ${tables.jobs} where id = any(${idArray(rest)})`
              ).map((row) => row.id),
            );
      return jobIds.map((id) => {
        const before = previous.get(id);
        if (before !== undefined) return before === stage ? 'repeat' : 'started';
        return found.has(id) ? 'passed' : 'unknown';
      });
    },

    async completeJobs(items) {
      const rows = items.map(({ jobId, result, started }) => ({
        job_id: jobId,
        fetching_at: started?.fetching ?? null,
        processing_at: started?.processing ?? null,
        centroid_lat: result.centroid[0],
        centroid_lon: result.centroid[1],
        most_northerly: result.most_northerly,
        places: result.places,
      }));
      // One statement, so one transaction: a result is stored and its job marked done together.
      // Locking the jobs first makes a concurrent duplicate wait, then find the result stored. A
      // failed job (the sweeper gave up on it while its work was still under way) stays failed:
      // a job ends once, until it is retried. A stage whose start was never written (its work
      // ended before it was due) gets its time and its attempt here.
      const done = await sql<{ id: string }[]>`
        with input as (
          select * from jsonb_to_recordset(${sql.json(rows)}::jsonb)
            as t(job_id uuid, fetching_at timestamptz, processing_at timestamptz,
                 centroid_lat double precision, centroid_lon double precision,
                 most_northerly jsonb, places jsonb)
        ), locked as (
          select id from ${tables.jobs}
          where id = any(array(select job_id from input)) and status <> 'failed'
          order by id for update
        ), inserted as (
          insert into ${tables.results} (job_id, centroid_lat, centroid_lon, most_northerly, places)
          select input.job_id, input.centroid_lat, input.centroid_lon, input.most_northerly, input.places
          from input join locked on locked.id = input.job_id
          on conflict (job_id) do nothing
          returning job_id
        )
        update ${tables.jobs} as job
        set status = 'done', done_at = now(), error = null,
            published_at = coalesce(job.published_at, now()),
            attempts = job.attempts
              + (job.fetching_at is null and input.fetching_at is not null)::int
              + (job.processing_at is null and input.processing_at is not null)::int,
            fetching_at = coalesce(job.fetching_at, input.fetching_at),
            processing_at = coalesce(job.processing_at, input.processing_at)
        from input
        where job.id = input.job_id and job.id = any(array(select job_id from inserted))
        returning job.id
      `;
      const stored = new Set(done.map((row) => row.id));
      return items.map(({ jobId }) => stored.has(jobId));
    },
  };
}
