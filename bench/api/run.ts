/**
 * The API benchmark: autocannon at 100 connections against GET /, GET /jobs/{id} and POST
 * /refresh of the api_app build, and against a bare Express route returning constant JSON
 * (bench/api/bare-server.ts), the baseline, measured before and after each route in the same run.
 * The workers run only to produce a result to show, then stop, so that the API has the CPU.
 * Writes bench/results/api.json.
 *   npx tsx bench/api/run.ts [--quick] [--no-build]
 */
import { join } from 'node:path';
import autocannon, { type Result } from 'autocannon';
import postgres from 'postgres';
import { onCleanup, runBenchmark } from '../lib/cleanup.ts';
import { cpuSecondsOf } from '../lib/cpu-time.ts';
import { waitForJobs } from '../lib/job-stats.ts';
import { buildProjects, DATABASE_URL, startPipeline } from '../lib/pipeline-services.ts';
import { postJobs } from '../lib/post-jobs.ts';
import { type Figure, printFigures, printTable, progress, writeResult } from '../lib/results.ts';
import { startServiceProcess } from '../lib/service-process.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const duration = quick ? 4 : 10;
const connections = 100;

interface Row {
  target: string;
  reqPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** CPU time (user + system) the server process spent per answered request, in microseconds. */
  cpuMicros: number;
}

/**
 * Runs autocannon against a URL served by the process `pid`. Beside req/s it reports the CPU
 * that process spent per request: less noisy than req/s on a shared machine, since other load
 * slows a server down without adding to its own CPU time.
 */
async function hammer(
  target: string,
  pid: number,
  options: { url: string; method?: 'GET' | 'POST' },
): Promise<Row> {
  progress(`${target}: ${connections} connections for ${duration} s`);
  const cpuBefore = await cpuSecondsOf(pid);
  const result: Result = await autocannon({ ...options, connections, duration });
  const cpuSeconds = (await cpuSecondsOf(pid)) - cpuBefore;
  return {
    target,
    cpuMicros: (cpuSeconds * 1e6) / Math.max(1, result.requests.total),
    reqPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

await runBenchmark(async () => {
  if (!args.includes('--no-build')) await buildProjects();
  const bare = startServiceProcess('bare express', join(import.meta.dirname, 'bare-server.ts'), {}, [
    '--import',
    'tsx',
  ]);
  const stopBare = onCleanup(() => bare.stop());
  const bareUrl = `http://127.0.0.1:${String((await bare.waitForLine((line) => line.message === 'listening')).port)}/`;

  const pipeline = await startPipeline();
  progress('producing results to show');
  const seeded = await postJobs(pipeline.api, 200, 20);
  await waitForJobs(pipeline.schema, seeded.accepted, 60_000);
  await pipeline.stopService('fetch_worker_app');
  await pipeline.stopService('processing_worker_app');
  const sql = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
  const [done] = await sql<{ id: string }[]>`
    select id from ${sql(pipeline.schema)}.jobs where status = 'done' order by done_at desc limit 1
  `;
  await sql.end();
  if (!done) throw new Error('no job finished');

  // The baseline runs before and after each route, and each route is compared with the mean of
  // its two neighbours, so that load from elsewhere on the machine shifts both alike.
  const routes = [
    { target: 'GET /', url: `${pipeline.api}/` },
    { target: 'GET /jobs/{id}', url: `${pipeline.api}/jobs/${done.id}` },
    { target: 'POST /refresh', url: `${pipeline.api}/refresh`, method: 'POST' as const },
  ];
  const barePid = bare.child.pid ?? 0;
  const apiPid = pipeline.services.get('api_app')?.child.pid ?? 0;
  const bares: Row[] = [await hammer('bare Express route', barePid, { url: bareUrl })];
  const measured: (Row & { ratio: number })[] = [];
  for (const route of routes) {
    const row = await hammer(route.target, apiPid, route);
    bares.push(await hammer('bare Express route', barePid, { url: bareUrl }));
    const neighbours = bares.slice(-2).reduce((sum, bare) => sum + bare.reqPerSecond, 0) / 2;
    measured.push({ ...row, ratio: (100 * row.reqPerSecond) / neighbours });
  }
  await pipeline.close();
  await stopBare();

  const baseline = bares.reduce((sum, bare) => sum + bare.reqPerSecond, 0) / bares.length;
  console.log(`\napi: autocannon, ${connections} connections, ${duration} s each`);
  printTable(
    ['target', 'req/s', 'p50 ms', 'p99 ms', '÷ bare', 'CPU µs/req', 'non-2xx', 'errors'],
    [...bares.map((row) => ({ ...row, ratio: Number.NaN })), ...measured].map((row) => [
      row.target,
      Math.round(row.reqPerSecond).toString(),
      row.p50.toFixed(0),
      row.p99.toFixed(0),
      Number.isNaN(row.ratio) ? '' : `${row.ratio.toFixed(0)}%`,
      row.cpuMicros.toFixed(0),
      String(row.non2xx),
      String(row.errors),
    ]),
  );
  const [latest, job, refresh] = measured as [
    Row & { ratio: number },
    Row & { ratio: number },
    Row & { ratio: number },
  ];
  const summary: Figure[] = [
    { figure: 'bare Express route', value: baseline, unit: 'req/s', goal: '' },
    { figure: 'GET / ÷ bare', value: latest.ratio, unit: '%', goal: '≥ 60', met: latest.ratio >= 60 },
    { figure: 'GET / CPU per request', value: latest.cpuMicros, unit: 'µs', goal: '' },
    { figure: 'GET /jobs/{id} ÷ bare', value: job.ratio, unit: '%', goal: '' },
    {
      figure: 'POST /refresh',
      value: refresh.reqPerSecond,
      unit: 'req/s',
      goal: '≥ 2000',
      met: refresh.reqPerSecond >= 2000 && refresh.non2xx === 0,
    },
    { figure: 'POST /refresh ÷ bare', value: refresh.ratio, unit: '%', goal: '' },
    { figure: 'POST /refresh CPU per request', value: refresh.cpuMicros, unit: 'µs', goal: '' },
    { figure: 'POST /refresh p99', value: refresh.p99, unit: 'ms', goal: '< 100', met: refresh.p99 < 100 },
  ];
  console.log();
  printFigures(summary);
  await writeResult({
    name: 'api',
    quick,
    summary,
    details: { connections, duration, baseline, bares, routes: measured },
  });
});
