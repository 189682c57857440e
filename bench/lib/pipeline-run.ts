import { type CpuReading, cpuMsPerJob, readCpu, type Servers } from './cpu-time.ts';
import { readDatabaseWrites } from './database-writes.ts';
import { type JobStats, readJobStats, waitForJobs } from './job-stats.ts';
import { startPipeline } from './pipeline-services.ts';
import { type Posting, postJobs } from './post-jobs.ts';
import { progress } from './results.ts';

/** The workers' prefetch in the pipeline benchmarks, the services' default. */
export const PREFETCH = 50;
/** The client's keep-alive connections in the pipeline benchmarks. */
export const CLIENT_CONNECTIONS = 100;

/** Options of {@link runPipeline}. */
export interface PipelineRunOptions {
  jobs: number;
  prefetch: number;
  /** The client's keep-alive connections. */
  clientConcurrency: number;
  /** The shared servers' processes, whose CPU is counted with the services'. */
  servers: Servers;
  /** More environment for every service. @default none */
  env?: Record<string, string>;
  /** Where the three builds are (see startPipeline). @default BENCH_BUILDS, or the projects' dist */
  builds?: string | undefined;
  /** The services' node flags (see startPipeline). @default BENCH_NODE_ARGS, or the services' own */
  nodeFlags?: readonly string[] | undefined;
  /** Writes the services' CPU profiles (`--cpu-prof`) to this folder when set. @default none */
  profileDir?: string | undefined;
}

/** What one run of the pipeline measured. */
export interface PipelineRun {
  posting: Posting;
  stats: JobStats;
  /** By process: the three services, the servers, the client. */
  cpuMsPerJob: Record<string, number>;
  /** By project, in bytes. */
  peakRss: Record<string, number>;
  /** Warnings and errors each project logged, by message. */
  problems: Record<string, Record<string, number>>;
  /** Each process's CPU per second while the pipeline idled before the run: the noise under it. */
  othersLoad: Record<string, number>;
  walBytesPerJob: number;
  commitsPerJob: number;
}

/** How long the servers' CPU is read before posting, with the pipeline idle. */
const IDLE_SECONDS = 5;

/**
 * One run of the three builds on a fresh schema and queues: `jobs` posted as fast as the API
 * answers, then every figure read once all of them are done.
 */
export async function runPipeline(what: string, options: PipelineRunOptions): Promise<PipelineRun> {
  const { jobs, servers, profileDir } = options;
  const pipeline = await startPipeline({
    prefetch: options.prefetch,
    env: options.env ?? {},
    builds: options.builds,
    nodeFlags: options.nodeFlags,
    nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  });
  const pids = new Map([...pipeline.services].map(([project, service]) => [project, service.child.pid ?? 0]));
  if (profileDir) {
    // The profile files are named by pid: CPU.<date>.<time>.<pid>.….cpuprofile.
    const named = [...pids].map(([project, pid]) => `${project} ${pid}`);
    progress(`CPU profiles go to ${profileDir} when the services stop (pids: ${named.join(', ')})`);
  }
  // What the servers spend while the pipeline idles (their other clients, the services' own
  // polling), read over a few seconds first: the noise under their per-job figures.
  const idleBefore: CpuReading = await readCpu(new Map(), servers);
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  const cpuBefore = await readCpu(pids, servers);
  const writesBefore = await readDatabaseWrites();
  const othersLoad = cpuMsPerJob(idleBefore, cpuBefore, IDLE_SECONDS);
  progress(`${what}: posting ${jobs} jobs from ${options.clientConcurrency} connections`);
  const posting = await postJobs(pipeline.api, jobs, options.clientConcurrency, (n) =>
    progress(`${n} posted`),
  );
  progress(
    `posted in ${posting.seconds.toFixed(1)} s (${Math.round(posting.rate)}/s); waiting for the workers`,
  );
  await waitForJobs(pipeline.schema, posting.accepted, Math.max(60_000, jobs * 10));
  const cpuAfter = await readCpu(pids, servers);
  const walAfter = (await readDatabaseWrites()).walBytes;
  const stats = await readJobStats(pipeline.schema);
  const peakRss: Record<string, number> = {};
  const problems: Record<string, Record<string, number>> = {};
  for (const [project, service] of pipeline.services) {
    peakRss[project] = await service.peakRss();
    problems[project] = Object.fromEntries(service.problems());
  }
  await pipeline.close();
  // After the services' connections have ended, so that their backends have reported every commit.
  const commitsAfter = (await readDatabaseWrites()).commits;
  return {
    posting,
    stats,
    // Where the machine's CPU went, per job done: the services, the servers, this client.
    cpuMsPerJob: cpuMsPerJob(cpuBefore, cpuAfter, stats.done),
    peakRss,
    problems,
    othersLoad,
    walBytesPerJob: (walAfter - writesBefore.walBytes) / stats.done,
    commitsPerJob: (commitsAfter - writesBefore.commits) / stats.done,
  };
}
