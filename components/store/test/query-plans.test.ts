import { randomUUID } from 'node:crypto';
import { describeWithServices, dropSchema, uniqueName } from '@mousetrap/test_kit';
import postgres from 'postgres';
import { createBatchQueries, UUID_ARRAY } from '../src/batch-queries.ts';
import { createJobQueries } from '../src/jobs.ts';
import { migrate } from '../src/migrations.ts';
import { connectionOptions, normaliseOptions } from '../src/options.ts';
import { createResultQueries } from '../src/results.ts';
import { createStalledQueries } from '../src/stalled.ts';
import { tablesIn } from '../src/tables.ts';
import { sampleResult } from './fixtures.ts';

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

/** A parameter's value as an SQL literal, the way postgres.js would send it. */
function literal(value: unknown, type: number): string {
  if (value === null) return 'null';
  const text =
    type === UUID_ARRAY && Array.isArray(value)
      ? `{${value.join(',')}}`
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  return `'${text.replaceAll("'", "''")}'`;
}

type PlanMode = 'generic' | 'custom';

/**
 * Runs every statement of a job's way through the store (batches of 50, a worker's prefetch), of
 * the relay, of the sweeper and of the reads on a schema holding `history` jobs, then has PostgreSQL plan each one
 * as the store's sessions would, and answers the plans that read jobs or results from end to end.
 */
async function plansThatScan(databaseUrl: string, history: number): Promise<Record<string, string[]>> {
  const schema = uniqueName('plans');
  // The store's own session settings (random_page_cost among them), for its calls and the plans.
  const options = connectionOptions(normaliseOptions({ url: databaseUrl, schema }));
  // Each statement the store sent, with the values of its first call.
  const statements = new Map<string, { parameters: unknown[]; types: number[] }>();
  const admin = postgres(databaseUrl, { ...options, max: 1 });
  const sql = postgres(databaseUrl, {
    ...options,
    max: 1,
    debug: (_, query, parameters, types) => {
      if (!statements.has(query)) statements.set(query, { parameters, types });
    },
  });
  try {
    await migrate(admin, schema);
    // Half of the history done, half queued, analysed: the planner knows the tables' size.
    await admin.unsafe(`
      insert into "${schema}".jobs (id, correlation_id, status, published_at, done_at)
        select gen_random_uuid(), 'history', 'done', now(), now() from generate_series(1, ${history / 2});
      insert into "${schema}".results (job_id, centroid_lat, centroid_lon, most_northerly, places)
        select id, 0, 0, '[]', '[]' from "${schema}".jobs;
      insert into "${schema}".jobs (id, correlation_id)
        select gen_random_uuid(), 'history' from generate_series(1, ${history / 2});
      analyze "${schema}".jobs;
      analyze "${schema}".results;
    `);

    const tables = tablesIn(sql, schema);
    const batch = createBatchQueries(sql, tables);
    const jobs = createJobQueries(sql, tables);
    const results = createResultQueries(sql, tables);
    const stalled = createStalledQueries(sql, tables);
    const created = await batch.createJobs(
      Array.from({ length: 50 }, (_, i) => ({ correlationId: `plans-${i}` })),
    );
    const ids = created.map((job) => job.id);
    await batch.markPublished(ids);
    // An id no row has makes startStages look the rest up, so that statement runs too.
    const startedAt = new Date();
    await batch.startStages(
      [...ids, randomUUID()].map((jobId) => ({ jobId, startedAt })),
      'fetching',
    );
    await batch.startStages(
      ids.map((jobId) => ({ jobId })),
      'processing',
    );
    await batch.completeJobs(
      ids.map((jobId) => ({ jobId, result: sampleResult, started: { fetching: startedAt } })),
    );
    // The second call finds the key taken, so the lookup by key runs too.
    await jobs.createKeyedJob({ correlationId: 'plans-keyed', idempotencyKey: 'plans-key' });
    await jobs.createKeyedJob({ correlationId: 'plans-keyed-again', idempotencyKey: 'plans-key' });
    await jobs.failJob(ids[0] ?? '', 'a failure');
    await jobs.reopenJob(ids[0] ?? '');
    await jobs.failJob(ids[0] ?? '', 'a failure of a message', new Date().toISOString());
    await jobs.getJob(ids[1] ?? '');
    await jobs.getJobWithResult(ids[1] ?? '');
    await jobs.claimUnpublishedJobs(0, 100, 10_000);
    await results.latestResult();
    await stalled.claimStalledJobs(0, 100, 10_000, ['queued', 'fetching', 'processing']);
    await stalled.noteRedrive(ids[1] ?? '', 0);
    await stalled.failStalledJob(ids[2] ?? '', 'no progress', 0);
    await stalled.claimAtStart(undefined, 100, { counted: true, suspectFrom: 2 });
    await stalled.startRedriveClock(ids[3] ?? '');
    await stalled.beginAloneRun();
    await stalled.endAloneRun();
    await stalled.unfinishedSummary(60_000);
    expect(statements.size).toBeGreaterThanOrEqual(18);

    const scans: Record<string, string[]> = {};
    await admin.begin(async (tx) => {
      let n = 0;
      for (const [statement, { parameters, types }] of statements) {
        const name = `plan_${n++}`;
        await tx.unsafe(`prepare ${name} as ${statement}`);
        // A generic plan does not depend on the values, so nulls stand in for every parameter;
        // a custom plan is made for the values the call sent.
        const args: Record<PlanMode, string[]> = {
          generic: parameters.map(() => 'null'),
          custom: parameters.map((value, i) => literal(value, types[i] ?? 0)),
        };
        for (const mode of ['generic', 'custom'] as const) {
          await tx.unsafe(`set local plan_cache_mode = force_${mode}_plan`);
          const list = args[mode].length === 0 ? '' : `(${args[mode].join(', ')})`;
          const [row] = await tx.unsafe<{ 'QUERY PLAN': { Plan: PlanNode }[] }[]>(
            `explain (format json) execute ${name}${list}`,
          );
          const plan = row?.['QUERY PLAN'][0]?.Plan;
          if (!plan) throw new Error(`no plan for ${statement}`);
          const scanned = scannedTables(plan);
          if (scanned.length > 0) scans[`${mode}: ${statement.replace(/\s+/g, ' ').trim()}`] = scanned;
        }
      }
    });
    return scans;
  } finally {
    await sql.end();
    await admin.end();
    await dropSchema(databaseUrl, schema);
  }
}

// postgres.js prepares every statement, and PostgreSQL plans it either for the values of a call
// (custom) or once for any values (generic, which it may keep after five runs). In both, every
// statement a store runs per job or per request must reach jobs and results through an index: a
// sequential scan costs in proportion to the whole table, so the pipeline would slow down as its
// history grows. The pipeline benchmark found such scans in both kinds of plan, with a few
// thousand jobs and with twenty thousand.
describeWithServices(
  'the store reaches jobs and results through indexes',
  ['postgres'],
  ({ databaseUrl }) => {
    test.each([2_000, 20_000])(
      'with a history of %d jobs, no statement reads jobs or results whole',
      async (history) => {
        expect(await plansThatScan(databaseUrl, history)).toEqual({});
      },
    );
  },
);
