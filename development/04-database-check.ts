/**
 * 04 — a database check: migrate, record a job, complete it with a result, and read the latest
 * result back, as GET / serves it. Uses DATABASE_URL when set (in a throwaway schema it drops
 * afterwards), otherwise embedded PGlite in a temporary folder. A database that refuses the
 * connection is one line, and exit 1.
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx development/04-database-check.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedDatabase } from '@mousetrap/embedded_db';
import { createPlaceSource } from '@mousetrap/fetch_data';
import { runScript } from '@mousetrap/lifecycle';
import { processData } from '@mousetrap/process_data';
import { explainFailure } from '@mousetrap/settings';
import { createStore } from '@mousetrap/store';
import { dropSchema, uniqueName } from '@mousetrap/test_kit';

async function main() {
  const dataDir = process.env.DATABASE_URL ? undefined : await mkdtemp(join(tmpdir(), 'mousetrap-proto-'));
  const embedded = dataDir ? await startEmbeddedDatabase({ dataDir }) : undefined;
  const url = embedded?.url ?? (process.env.DATABASE_URL as string);
  const schema = uniqueName('proto');
  console.log(embedded ? `embedded PGlite in ${dataDir}` : `PostgreSQL, schema ${schema}`);

  try {
    const store = await createStore({ url, schema, max: embedded ? 1 : 2 });
    try {
      const { job } = await store.createJob({ correlationId: 'proto' });
      console.log('recorded:', job);
      const places = await createPlaceSource({ delayMs: 0 })();
      console.log('completed:', await store.completeJob(job.id, { ...processData(places), places }));
      console.log('job now:', await store.getJob(job.id));
      console.log('latest result:', await store.latestResult());
    } finally {
      await store.close();
      // Only a store that connected can have made the schema.
      if (!embedded) await dropSchema(url, schema);
    }
  } finally {
    if (embedded && dataDir) {
      await embedded.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }
}

await runScript({ name: '04-database-check', main, explain: explainFailure });
