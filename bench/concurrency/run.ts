/**
 * Concurrency at the seed's delays: FETCH_DELAY_MS=1000 and PROCESS_DELAY_MS=1000. The seed
 * handled one job a second per worker; with prefetch P each worker process overlaps P delays, so
 * W processes of each worker are bound to W × P jobs/s. Runs prefetch 50, 200 and 1,000 with one
 * process of each worker, then 50, 1,000 and 2,000 with two, each on a fresh pipeline, to show how
 * far that bound holds and where the machine takes over. Writes bench/results/concurrency.json.
 *   npx tsx bench/concurrency/run.ts [--quick] [--no-build]
 */
import { runBenchmark } from '../lib/cleanup.ts';
import { cpuMsPerJob, machineBusy, readCpu, readMachineCpu, serversOf } from '../lib/cpu-time.ts';
import { type JobStats, readJobStats, waitForJobs } from '../lib/job-stats.ts';
import { buildProjects, DATABASE_URL, RABBITMQ_URL, startPipeline } from '../lib/pipeline-services.ts';
import { type Posting, postJobs } from '../lib/post-jobs.ts';
import { type Figure, printFigures, progress, writeResult } from '../lib/results.ts';

const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const delayMs = 1000;

/** One run: `workers` processes of each worker at `prefetch`. */
interface Setting {
  prefetch: number;
  workers: number;
}

const SETTINGS: readonly Setting[] = [
  { prefetch: 50, workers: 1 },
  { prefetch: 200, workers: 1 },
  { prefetch: 1000, workers: 1 },
  { prefetch: 50, workers: 2 },
  { prefetch: 1000, workers: 2 },
  // A bound above what the machine does with no delays at all: where it stops scaling.
  { prefetch: 2000, workers: 2 },
];

/** What one setting measured. */
interface Measured extends Setting {
  jobs: number;
  /** workers × prefetch: jobs/s if the delays were all a job cost. */
  bound: number;
  posting: Posting;
  stats: JobStats;
  /** CPU per job done, by process, in ms. */
  cpuMsPerJob: Record<string, number>;
  /** CPU seconds of the pipeline's processes and servers per second of the run (of the machine's cores). */
  coresBusy: number;
  /** The share of the machine's CPU busy during the run, with whatever else ran on it. */
  machineBusy: number;
}

// Enough jobs for some 30 s at the bound (5 s with --quick), the ramp of the first and last
// seconds aside, and at least 1,500 (400): the prefetch 50 goal is judged end to end, ramp and
// all; 20,000 at most, which the machine takes some 15-20 s for at delay 0.
const jobsFor = (bound: number) => Math.min(20_000, Math.max(quick ? 400 : 1500, bound * (quick ? 5 : 30)));

await runBenchmark(async () => {
  if (!args.includes('--no-build')) await buildProjects();
  const servers = await serversOf({ postgres: DATABASE_URL, rabbitmq: RABBITMQ_URL });
  const results: Measured[] = [];
  for (const setting of SETTINGS) {
    const bound = setting.workers * setting.prefetch;
    const jobs = jobsFor(bound);
    const pipeline = await startPipeline({ ...setting, delayMs });
    const pids = new Map([...pipeline.services].map(([name, service]) => [name, service.child.pid ?? 0]));
    progress(`prefetch ${setting.prefetch}, ${setting.workers} of each worker: posting ${jobs} jobs`);
    const before = await readCpu(pids, servers);
    const machineBefore = await readMachineCpu();
    const posting = await postJobs(pipeline.api, jobs, 100);
    await waitForJobs(pipeline.schema, posting.accepted, 120_000 + jobs * 100);
    const machine = machineBusy(machineBefore, await readMachineCpu());
    const after = await readCpu(pids, servers);
    const stats = await readJobStats(pipeline.schema);
    await pipeline.close();
    const cpu = cpuMsPerJob(before, after, stats.done);
    const cpuSeconds = (sum(cpu) * stats.done) / 1000;
    results.push({
      ...setting,
      jobs,
      bound,
      posting,
      stats,
      cpuMsPerJob: cpu,
      coresBusy: cpuSeconds / stats.seconds,
      machineBusy: machine,
    });
  }

  const summary: Figure[] = results.flatMap((run) => {
    const name = `1 s delays, prefetch ${run.prefetch}, ${run.workers}× each worker`;
    // The seed's goal, set for one process of each worker at prefetch 50.
    const judged = run.prefetch === 50 && run.workers === 1;
    return [
      {
        figure: `${name} (${run.stats.done} jobs, bound ${run.bound}/s)`,
        value: run.stats.jobsPerSecond,
        unit: 'jobs/s',
        goal: judged ? '≥ 40' : '',
        met: judged ? run.stats.jobsPerSecond >= 40 && run.stats.done === run.jobs : undefined,
      },
      {
        figure: `${name}: first to last done`,
        value: run.stats.steadyJobsPerSecond,
        unit: 'jobs/s',
        goal: '',
      },
      { figure: `${name}: POST /refresh while posting`, value: run.posting.rate, unit: 'jobs/s', goal: '' },
      { figure: `${name}: CPU per job, every process`, value: sum(run.cpuMsPerJob), unit: 'ms', goal: '' },
      { figure: `${name}: machine CPU busy`, value: run.machineBusy * 100, unit: '%', goal: '' },
      { figure: `${name}: latency p50`, value: run.stats.latencyMs.p50, unit: 'ms', goal: '' },
    ];
  });
  console.log(`\nconcurrency: FETCH_DELAY_MS=PROCESS_DELAY_MS=${delayMs}`);
  printFigures(summary);
  await writeResult({ name: 'concurrency', quick, summary, details: { delayMs, runs: results } });
});
