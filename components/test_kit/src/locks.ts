import postgres from 'postgres';

/** A table held by another session; `release` rolls its transaction back and closes it. */
export interface HeldTable {
  release(): Promise<void>;
}

/**
 * Locks `schema.table` in access exclusive mode from a session of its own, as another client
 * would: every statement that touches the table waits until `release`.
 */
export async function lockTable(databaseUrl: string, schema: string, table: string): Promise<HeldTable> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const holder = await sql.reserve();
  try {
    await holder`begin`;
    await holder`lock table ${sql(schema)}.${sql(table)} in access exclusive mode`;
  } catch (error) {
    holder.release();
    await sql.end({ timeout: 5 });
    throw error;
  }
  return {
    async release() {
      await holder`rollback`;
      holder.release();
      await sql.end({ timeout: 5 });
    },
  };
}
