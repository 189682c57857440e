import type postgres from 'postgres';

/**
 * The effects ledger: a table and triggers the suite adds to a scenario's schema, after the
 * services migrated it and before the load. Each committed effect on a job is a row: a result
 * stored (`result`), the job ending (`done` or `failed`, each time its status or its end time is
 * written). A rolled-back transaction leaves no row, so the ledger counts what was applied, and a
 * job applied twice shows as two endings: a count the schema does not make impossible (a job can
 * be marked done twice, or failed and then done), where two results cannot be (the results table
 * is keyed by job, so a second insert is skipped, not counted). Results are counted to find a done
 * job without one, or a failed job with one.
 */
export async function installLedger(sql: postgres.Sql, schema: string): Promise<void> {
  const s = `"${schema}"`;
  await sql.unsafe(`
    create table if not exists ${s}.fault_effects (
      job_id uuid not null,
      effect text not null,
      at timestamptz not null default clock_timestamp()
    );
    create or replace function ${s}.fault_note_ending() returns trigger language plpgsql as $$
    begin
      if new.status in ('done', 'failed') and (
        old.status is distinct from new.status
        or old.done_at is distinct from new.done_at
        or old.failed_at is distinct from new.failed_at
      ) then
        insert into ${s}.fault_effects (job_id, effect) values (new.id, new.status);
      end if;
      return new;
    end $$;
    create or replace function ${s}.fault_note_result() returns trigger language plpgsql as $$
    begin
      insert into ${s}.fault_effects (job_id, effect) values (new.job_id, 'result');
      return new;
    end $$;
    drop trigger if exists fault_ending on ${s}.jobs;
    create trigger fault_ending after update on ${s}.jobs for each row execute function ${s}.fault_note_ending();
    drop trigger if exists fault_result on ${s}.results;
    create trigger fault_result after insert on ${s}.results for each row execute function ${s}.fault_note_result();
  `);
}

/** One job as the ledger sees it. */
export interface LedgerRow {
  id: string;
  status: 'queued' | 'fetching' | 'processing' | 'done' | 'failed';
  error: string | null;
  /** Stages started: 2 for a job fetched and processed once, more for each one done again. */
  attempts: number;
  /** Times the job was marked done or failed (the ledger's endings). */
  endings: number;
  /** Results stored for the job (the ledger's result effects). */
  results: number;
}

/** Every job of the schema with its effects. */
export async function readLedger(sql: postgres.Sql, schema: string): Promise<LedgerRow[]> {
  return sql<LedgerRow[]>`
    select j.id, j.status, j.error, j.attempts,
           count(*) filter (where e.effect in ('done', 'failed'))::int as endings,
           count(*) filter (where e.effect = 'result')::int as results
    from ${sql(schema)}.jobs j left join ${sql(schema)}.fault_effects e on e.job_id = j.id
    group by j.id
  `;
}

/** What the ledger says about a scenario's jobs. */
export interface LedgerVerdict {
  done: number;
  failed: number;
  /** Accepted jobs that never reached done or failed. */
  lost: number;
  /** Their ids. */
  lostIds: string[];
  /** Jobs applied more than once: two endings. */
  twice: number;
  /** Jobs with a stage done more than once (a redelivery, a retry, a re-drive). */
  redone: number;
  /** Failed jobs, with their errors. */
  failures: { id: string; error: string | null }[];
  problems: string[];
}

/**
 * Judges the ledger: every accepted job ended exactly once (unless `lossAllowed`: then the lost
 * ones are only counted); a done job has exactly one result and a failed one none; no job is in
 * the table that was not accepted.
 */
export function judgeLedger(
  rows: readonly LedgerRow[],
  acceptedIds: readonly string[],
  lossAllowed = false,
): LedgerVerdict {
  const accepted = new Set(acceptedIds);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const problems: string[] = [];
  const lostIds = acceptedIds.filter((id) => {
    const status = byId.get(id)?.status;
    return status !== 'done' && status !== 'failed';
  });
  const lost = lostIds.length;
  const done = rows.filter((row) => row.status === 'done');
  const failed = rows.filter((row) => row.status === 'failed');
  const twice = rows.filter((row) => row.endings > 1).length;
  const unledgered = [...done, ...failed].filter((row) => row.endings === 0).length;
  const doneWithoutResult = done.filter((row) => row.results !== 1).length;
  const failedWithResult = failed.filter((row) => row.results !== 0).length;
  const unaccepted = rows.filter((row) => !accepted.has(row.id)).length;
  if (lost > 0 && !lossAllowed) problems.push(`${lost} accepted jobs lost`);
  if (twice > 0) problems.push(`${twice} jobs applied more than once (two endings)`);
  if (unledgered > 0) problems.push(`${unledgered} finished jobs whose ending the ledger never saw`);
  if (doneWithoutResult > 0) problems.push(`${doneWithoutResult} done jobs without exactly one result`);
  if (failedWithResult > 0) problems.push(`${failedWithResult} failed jobs with a result`);
  if (unaccepted > 0) problems.push(`${unaccepted} jobs in the table beyond the accepted ones`);
  return {
    done: done.length,
    failed: failed.length,
    lost,
    lostIds,
    twice,
    redone: rows.filter((row) => row.attempts > 2).length,
    failures: failed.map((row) => ({ id: row.id, error: row.error })),
    problems,
  };
}

/** The verdict's counts, as a scenario's outcome reports them. */
export function countsOf(
  verdict: LedgerVerdict,
): Pick<LedgerVerdict, 'done' | 'failed' | 'lost' | 'twice' | 'redone'> {
  const { done, failed, lost, twice, redone } = verdict;
  return { done, failed, lost, twice, redone };
}
