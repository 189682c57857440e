/**
 * Concurrency at the seed's delays: FETCH_DELAY_MS=1000 and PROCESS_DELAY_MS=1000, one process of
 * each worker, prefetch 50. The seed handled one job a second per worker; with prefetch 50 each
 * worker overlaps 50 delays, so the pipeline should approach 50 jobs/s. Writes
 * bench/results/concurrency.json.
 *   npx tsx bench/concurrency/run.ts [--quick] [--no-build]
 */
import { runBenchmark } from '../lib/cleanup.ts';
import { readJobStats, waitForJobs } from '../lib/job-stats.ts';
import { buildProjects, startPipeline } from '../lib/pipeline-services.ts';
import { postJobs } from '../lib/post-jobs.ts';
import { type Figure, printFigures, progress, writeResult } from '../lib/results.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const jobs = quick ? 400 : 1500;
const prefetch = 50;
const delayMs = 1000;

await runBenchmark(async () => {
  if (!args.includes('--no-build')) await buildProjects();
  const pipeline = await startPipeline({ prefetch, delayMs });
  progress(`posting ${jobs} jobs (each stage takes ${delayMs} ms)`);
  const posting = await postJobs(pipeline.api, jobs, 50);
  await waitForJobs(pipeline.schema, posting.accepted, 120_000 + jobs * 100);
  const stats = await readJobStats(pipeline.schema);
  await pipeline.close();

  const summary: Figure[] = [
    {
      figure: `1 s delays, end to end (${stats.done} jobs)`,
      value: stats.jobsPerSecond,
      unit: 'jobs/s',
      goal: '≥ 40',
      met: stats.jobsPerSecond >= 40 && stats.done === jobs,
    },
    { figure: '1 s delays, first to last done', value: stats.steadyJobsPerSecond, unit: 'jobs/s', goal: '' },
    { figure: '1 s delays, latency p50', value: stats.latencyMs.p50, unit: 'ms', goal: '' },
    { figure: '1 s delays, latency p99', value: stats.latencyMs.p99, unit: 'ms', goal: '' },
  ];
  console.log(
    `\nconcurrency: ${jobs} jobs, FETCH_DELAY_MS=PROCESS_DELAY_MS=${delayMs}, prefetch ${prefetch}`,
  );
  printFigures(summary);
  await writeResult({
    name: 'concurrency',
    quick,
    summary,
    details: { jobs, prefetch, delayMs, posting, stats },
  });
});
