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
];

/**
 * Brings the schema up to date and returns the versions it applied. Everything runs in one
 * transaction holding an advisory lock keyed on the schema, so stores starting together on a
 * fresh schema take turns and the later ones find nothing left to do.
 */
export async function migrate(sql: postgres.Sql, schema: string): Promise<number[]> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtextextended(${`mousetrap.migrate.${schema}`}, 0))`;
    await tx`create schema if not exists ${tx(schema)}`;
    await tx`set local search_path to ${tx(schema)}`;
    await tx`
      create table if not exists schema_migrations (
        version integer primary key,
        name text not null,
        applied_at timestamptz not null default now()
      )
    `;
    const rows = await tx<{ version: number }[]>`select version from schema_migrations`;
    const done = new Set(rows.map((row) => row.version));
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await tx.unsafe(migration.sql);
      await tx`insert into schema_migrations (version, name) values (${migration.version}, ${migration.name})`;
      applied.push(migration.version);
    }
    return applied;
  });
}
