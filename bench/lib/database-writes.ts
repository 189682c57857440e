import postgres from 'postgres';
import { DATABASE_URL } from './pipeline-services.ts';

/** Counters of what PostgreSQL has written so far: all of the server's WAL, the database's commits. */
export interface DatabaseWrites {
  walBytes: number;
  commits: number;
}

/**
 * Reads the server's WAL position and the commits of the database in DATABASE_URL. Both include
 * other clients' work; a backend reports its commits when it ends or, idle, some seconds later.
 */
export async function readDatabaseWrites(): Promise<DatabaseWrites> {
  const sql = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<DatabaseWrites[]>`
      select (pg_current_wal_lsn() - '0/0')::float8 as "walBytes", xact_commit::float8 as commits
      from pg_stat_database where datname = current_database()
    `;
    if (row === undefined) throw new Error('pg_stat_database has no row for the current database');
    return row;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
