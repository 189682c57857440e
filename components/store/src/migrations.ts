import type postgres from 'postgres';

/** One step of the schema's history; applied once, in order of `version`, and never edited after release. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The schema's history. Names are unqualified: `migrate` runs them with the store's schema as search_path. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'jobs and results',
    sql: `
      create table jobs (
        id uuid primary key,
        status text not null default 'queued'
          check (status in ('queued', 'fetching', 'processing', 'done', 'failed')),
        correlation_id text not null,
        idempotency_key text unique,
        attempts integer not null default 0,
        error text,
        created_at timestamptz not null default now(),
        published_at timestamptz,
        fetching_at timestamptz,
        processing_at timestamptz,
        done_at timestamptz,
        failed_at timestamptz
      );
      -- The outbox relay's query: queued jobs whose start message was never confirmed, oldest first.
      create index jobs_unpublished_idx on jobs (created_at) where published_at is null and status = 'queued';

      create table results (
        job_id uuid primary key references jobs (id),
        centroid_lat double precision not null,
        centroid_lon double precision not null,
        most_northerly jsonb not null,
        places jsonb not null,
        created_at timestamptz not null default now()
      );
      create index results_created_at_idx on results (created_at desc);
    `,
  },
  {
    version: 2,
    name: 'job activity indexes',
    sql: `
      -- The dashboard's queries: the newest jobs, and jobs finished or failed per minute.
      create index jobs_created_at_idx on jobs (created_at desc);
      create index jobs_done_at_idx on jobs (done_at) where done_at is not null;
      create index jobs_failed_at_idx on jobs (failed_at) where failed_at is not null;
    `,
  },
  {
    version: 3,
    name: 'relay claims',
    sql: `
      -- Until when an outbox relay holds an unpublished job: relays in several API processes
      -- claim disjoint jobs (for update skip locked), and a relay that dies lets its claim lapse.
      alter table jobs add column relay_claimed_until timestamptz;
    `,
  },
  {
    version: 4,
    name: 'idempotency keys indexed only where set',
    sql: `
      -- A unique index holds an entry for every row version, nulls included, and every update of
      -- a job (four a job) writes a new version: most jobs have no key, so those entries only cost.
      create unique index jobs_idempotency_key_idx on jobs (idempotency_key) where idempotency_key is not null;
      alter table jobs drop constraint jobs_idempotency_key_key;
    `,
  },
  {
    version: 5,
    name: 'stage deadlines',
    sql: `
      -- When a job last moved (published, a stage started or started again, re-driven): the
      -- sweeper re-drives an unfinished job whose progress_at is older than its stage's budget,
      -- and fails it after a bounded number of re-drives. The relay and the sweeper share one claim.
      alter table jobs add column progress_at timestamptz not null default now();
      alter table jobs add column redrives integer not null default 0;
      alter table jobs rename column relay_claimed_until to claimed_until;
      update jobs set progress_at = greatest(created_at, published_at, fetching_at, processing_at)
        where status in ('queued', 'fetching', 'processing');
      create index jobs_unfinished_idx on jobs (progress_at) where status in ('queued', 'fetching', 'processing');
    `,
  },
  {
    version: 6,
    name: 'trace context',
    sql: `
      -- The W3C traceparent of the request that started the job, when it was traced: the relay and
      -- the re-drives continue the job's trace from it, and the dashboard links to it.
      alter table jobs add column trace_parent text;
    `,
  },
  {
    version: 7,
    name: 'retried jobs and restarts',
    sql: `
      -- When the job failed before it was last given another go (POST /jobs/{id}/retry): a
      -- message sent before then, of the run that failed, can no longer fail it.
      alter table jobs add column last_failed_at timestamptz;
      -- When npm start last re-drove the job at a start: a worker held it when the process
      -- stopped if its stage started after then.
      alter table jobs add column redriven_at timestamptz;
      -- Whether a process alone on the database (npm start) is running, or died without a clean
      -- stop: one row.
      create table alone_run (
        id boolean primary key default true check (id),
        running boolean not null default false
      );
      insert into alone_run default values;
    `,
  },
];

// What migrate interpolates into its script; createStore's options allow no other schema names.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The plpgsql block that applies one migration unless schema_migrations already lists it. */
function step(migration: Migration): string {
  if (migration.sql.includes('$migration$'))
    throw new Error(`migration ${migration.version} contains $migration$`);
  const name = migration.name.replaceAll("'", "''");
  return `do $migration$ begin
    if not exists (select 1 from schema_migrations where version = ${migration.version}) then
      ${migration.sql}
      insert into schema_migrations (version, name) values (${migration.version}, '${name}');
    end if;
  end $migration$`;
}

/**
 * Brings the schema up to date and returns the versions it applied. Everything runs in one
 * transaction holding an advisory lock keyed on the schema, so stores starting together on a
 * fresh schema take turns and the later ones find nothing left to do.
 *
 * The transaction is one script sent as one simple query, which PostgreSQL runs as one implicit
 * transaction, not a client-side `sql.begin`: when the session dies inside a `sql.begin` (a
 * database restart), postgres.js 3.4.9 writes the rollback to the closed socket on the next tick
 * and throws where no caller can catch it, killing the process (porsager/postgres#1208). Here the
 * server rolls back by itself and the query just rejects.
 */
export async function migrate(sql: postgres.Sql, schema: string): Promise<number[]> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`not a schema name: ${JSON.stringify(schema)}`);
  const script = [
    `select pg_advisory_xact_lock(hashtextextended('mousetrap.migrate.${schema}', 0))`,
    `create schema if not exists "${schema}"`,
    `set local search_path to "${schema}"`,
    `create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`,
    ...migrations.map(step),
    // now() is the transaction's start: the rows this transaction added, and only those.
    'select version from schema_migrations where applied_at = now() order by version',
  ].join(';\n');
  const results = (await sql.unsafe(script)) as unknown as { version: number }[][];
  const applied = results.at(-1) ?? [];
  return applied.map((row) => row.version);
}
