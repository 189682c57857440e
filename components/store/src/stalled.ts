import type postgres from 'postgres';
import { isJobId } from './jobs.ts';
import { JOB_COLUMNS, type JobRow, toJob } from './rows.ts';
import type { Tables } from './tables.ts';
import type { Store } from './types.ts';

/** The queries behind the sweeper: jobs that made no progress, their re-drives, and a summary. */
export type StalledQueries = Pick<
  Store,
  | 'claimStalledJobs'
  | 'noteRedrive'
  | 'failStalledJob'
  | 'claimAtStart'
  | 'startRedriveClock'
  | 'beginAloneRun'
  | 'endAloneRun'
  | 'unfinishedSummary'
>;

// Written out, not a parameter: only a literal lets the planner use the partial index on unfinished
// jobs, whose predicate this is, in the generic plans of prepared statements.
const UNFINISHED = "status in ('queued', 'fetching', 'processing')";

/** Builds the sweeper's queries on a connection pool and the schema's tables. */
export function createStalledQueries(sql: postgres.Sql, tables: Tables): StalledQueries {
  const columns = sql(JOB_COLUMNS);
  const before = (ms: number) => sql`now() - ${ms}::double precision * interval '1 millisecond'`;

  return {
    async claimStalledJobs(stalledForMs, limit, claimMs, stages) {
      if (stages.length === 0) return [];
      // Handed off (published) and unfinished, with no progress since stalledForMs ago. Unpublished
      // jobs are the relay's. The claim, shared with the relay's column, keeps other sweepers off
      // the job until it is re-driven or failed; rows claimed right now are skipped, not waited for.
      const rows = await sql<JobRow[]>`
        update ${tables.jobs}
        set claimed_until = now() + ${claimMs}::double precision * interval '1 millisecond'
        where id = any(array(
          select id from ${tables.jobs}
          where ${sql.unsafe(UNFINISHED)} and status in ${sql(stages)} and published_at is not null
            and progress_at < ${before(stalledForMs)}
            and (claimed_until is null or claimed_until < now())
          order by progress_at
          limit ${limit}
          for update skip locked
        ))
        returning ${columns}
      `;
      return rows.map(toJob);
    },

    async noteRedrive(jobId, stalledForMs) {
      if (!isJobId(jobId)) return false;
      // Only a job still as stalled as when it was claimed: one that moved meanwhile (the
      // re-drive reached a worker already, or another sweeper took it once this claim lapsed)
      // keeps its own clock and count. The claim is left to lapse.
      const changed = await sql`
        update ${tables.jobs}
        set progress_at = now(), redriven_at = now(), redrives = redrives + 1
        where id = ${jobId} and ${sql.unsafe(UNFINISHED)} and progress_at < ${before(stalledForMs)}
      `;
      return changed.count > 0;
    },

    async failStalledJob(jobId, error, stalledForMs) {
      if (!isJobId(jobId)) return false;
      const changed = await sql`
        update ${tables.jobs}
        set status = 'failed', failed_at = now(), error = ${error}, claimed_until = null
        where id = ${jobId} and ${sql.unsafe(UNFINISHED)} and progress_at < ${before(stalledForMs)}
      `;
      return changed.count > 0;
    },

    async claimAtStart(cutoff, limit, { counted, suspectFrom }) {
      // Every unfinished job, handed off or not and whatever its claim: the run before, which
      // claimed and published, is gone with its messages. A worker held the job when it stopped if
      // a worker started its stage after its last re-drive (a re-drive's fetch writes its start
      // before the work; a first delivery only once it outlasts 250 ms, so a fast one is not seen).
      // Noting the re-drive here, before the publish, keeps a worker that starts the job at once
      // from making it look unmoved.
      // The count is read from the row as it was before this update. The first call's cutoff is
      // its own start, on the database's clock: the later ones pass it back.
      const until = sql`coalesce(${cutoff ?? null}::timestamptz, now())`;
      const held = counted
        ? sql`(status in ('fetching', 'processing') and (redriven_at is null or progress_at > redriven_at))::int`
        : sql`0`;
      const rows = await sql<(JobRow & { cutoff: Date })[]>`
        update ${tables.jobs}
        set redrives = redrives + ${held},
            redriven_at = now(), progress_at = now(), published_at = coalesce(published_at, now()),
            claimed_until = case when redrives + ${held} >= ${suspectFrom} then 'infinity'::timestamptz end
        where id = any(array(
          select id from ${tables.jobs}
          where ${sql.unsafe(UNFINISHED)} and progress_at < ${until}
          order by progress_at
          limit ${limit}
          for update skip locked
        ))
        returning ${columns}, ${until} as cutoff
      `;
      return { jobs: rows.map(toJob), cutoff: rows[0]?.cutoff.toISOString() ?? cutoff };
    },

    async startRedriveClock(jobId) {
      if (!isJobId(jobId)) return false;
      const changed = await sql`
        update ${tables.jobs} set progress_at = now(), redriven_at = now(), claimed_until = null
        where id = ${jobId} and ${sql.unsafe(UNFINISHED)}
      `;
      return changed.count > 0;
    },

    async beginAloneRun() {
      const [row] = await sql<{ was_running: boolean }[]>`
        update ${tables.aloneRun} as run set running = true
        from ${tables.aloneRun} as before
        where run.id and before.id
        returning before.running as was_running
      `;
      return row?.was_running === false;
    },

    async endAloneRun() {
      await sql`update ${tables.aloneRun} set running = false`;
    },

    async unfinishedSummary(stalledForMs) {
      const [row] = await sql<{ unfinished: number; oldest: Date | null; stalled: number }[]>`
        select count(*)::int as unfinished,
               min(created_at) as oldest,
               (count(*) filter (where published_at is not null and progress_at < ${before(stalledForMs)}))::int
                 as stalled
        from ${tables.jobs}
        where ${sql.unsafe(UNFINISHED)}
      `;
      return {
        unfinished: row?.unfinished ?? 0,
        oldestCreatedAt: row?.oldest ? row.oldest.toISOString() : null,
        stalled: row?.stalled ?? 0,
      };
    },
  };
}
