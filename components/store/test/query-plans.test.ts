import { randomUUID } from 'node:crypto';
import { describeWithServices, dropSchema, uniqueName } from '@mousetrap/test_kit';
import postgres from 'postgres';
import { createBatchQueries } from '../src/batch-queries.ts';
import { createJobQueries } from '../src/jobs.ts';
import { migrate } from '../src/migrations.ts';
import { createResultQueries } from '../src/results.ts';
import { tablesIn } from '../src/tables.ts';
import type { ResultInput } from '../src/types.ts';

const result: ResultInput = {
  centroid: [60, 11],
  most_northerly: ['60.0', '11.0', 'Oslo', 'NO', 'Europe/Oslo'],
  places: [['60.0', '11.0', 'Oslo', 'NO', 'Europe/Oslo']],
};

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

/** The store's tables that a plan reads from start to end (sequential scans). */
function scannedTables(node: PlanNode): string[] {
  const table = node['Relation Name'];
  const own = node['Node Type'] === 'Seq Scan' && (table === 'jobs' || table === 'results') ? [table] : [];
  return [...own, ...(node.Plans ?? []).flatMap(scannedTables)];
}

// postgres.js prepares every statement and, after five runs, PostgreSQL may keep a generic plan,
// made without the parameters' values. Every statement a store runs on the hot path or per
// request must reach jobs and results through an index in that plan too: a sequential scan costs
// in proportion to the whole table, so a pipeline would slow down as its history grows.
describeWithServices(
  'the store reaches jobs and results through indexes',
  ['postgres'],
  ({ databaseUrl }) => {
    const schema = uniqueName('plans');
    const statements = new Set<string>();
    let sql: postgres.Sql;
    let admin: postgres.Sql;

    beforeAll(async () => {
      admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
      await migrate(admin, schema);
      // A history of 20,000 jobs (half done), analysed, so that the planner knows the tables' size.
      await admin.unsafe(`
      insert into "${schema}".jobs (id, correlation_id, status, published_at, done_at)
        select gen_random_uuid(), 'history', 'done', now(), now() from generate_series(1, 10000);
      insert into "${schema}".results (job_id, centroid_lat, centroid_lon, most_northerly, places)
        select id, 0, 0, '[]', '[]' from "${schema}".jobs;
      insert into "${schema}".jobs (id, correlation_id)
        select gen_random_uuid(), 'history' from generate_series(1, 10000);
      analyze "${schema}".jobs;
      analyze "${schema}".results;
    `);
      sql = postgres(databaseUrl, { max: 1, onnotice: () => {}, debug: (_, query) => statements.add(query) });
    });

    afterAll(async () => {
      await sql.end();
      await admin.end();
      await dropSchema(databaseUrl, schema);
    });

    test("no statement of a job's way through the pipeline, of the relay or of the reads scans jobs or results", async () => {
      const tables = tablesIn(sql, schema);
      const batch = createBatchQueries(sql, tables);
      const jobs = createJobQueries(sql, tables);
      const results = createResultQueries(sql, tables);

      const [first, second] = await batch.createJobs(['plans-1', 'plans-2']);
      const ids = [first?.id ?? '', second?.id ?? ''];
      await batch.markPublished(ids);
      // An id no row has makes startStages look the rest up, so that statement runs too.
      await batch.startStages([...ids, randomUUID()], 'fetching');
      await batch.startStages(ids, 'processing');
      await batch.completeJobs(ids.map((jobId) => ({ jobId, result })));
      await jobs.createKeyedJob({ correlationId: 'plans-3', idempotencyKey: 'plans-key' });
      await jobs.failJob(ids[0] ?? '', 'a failure');
      await jobs.reopenJob(ids[0] ?? '');
      await jobs.getJob(ids[1] ?? '');
      await jobs.claimUnpublishedJobs(0, 100, 10_000);
      await results.latestResult();
      await results.getResult(ids[1] ?? '');
      expect(statements.size).toBeGreaterThanOrEqual(13);

      const scans: Record<string, string[]> = {};
      await admin.begin(async (tx) => {
        await tx`set local plan_cache_mode = force_generic_plan`;
        let n = 0;
        for (const statement of statements) {
          const name = `plan_${n++}`;
          await tx.unsafe(`prepare ${name} as ${statement}`);
          // A generic plan does not depend on the values, so nulls stand in for every parameter.
          const count = Math.max(0, ...[...statement.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])));
          const args = count === 0 ? '' : `(${Array(count).fill('null').join(', ')})`;
          const [row] = await tx.unsafe<{ 'QUERY PLAN': { Plan: PlanNode }[] }[]>(
            `explain (format json) execute ${name}${args}`,
          );
          const plan = row?.['QUERY PLAN'][0]?.Plan;
          if (!plan) throw new Error(`no plan for ${statement}`);
          const scanned = scannedTables(plan);
          if (scanned.length > 0) scans[statement.replace(/\s+/g, ' ').trim()] = scanned;
        }
      });
      expect(scans).toEqual({});
    });
  },
);
