/**
 * Two versions of the pipeline's code, run in interleaved rounds on the same machine in the same
 * hour, so that a change can be judged against the machine's drift: a change is worth keeping when
 * the pairs show it, round after round.
 *   npx tsx bench/pipeline/compare.ts --save NAME [--no-build]
 *       builds the projects and keeps a copy of their builds as NAME (node_modules/.bench-NAME)
 *   npx tsx bench/pipeline/compare.ts BUILD BUILD [--rounds N] [--jobs N] [--no-build]
 *       BUILD is `current` (projects/<p>/dist, built first unless --no-build), a NAME saved
 *       before, or a folder holding <project>/main.js
 * Each round runs both, the first one first in odd rounds and last in even ones; every run is the
 * pipeline alone, as in bench/pipeline/run.ts (delays 0, prefetch 50, 100 connections). It prints
 * each figure's median and range per build, and the second build's difference from the first
 * within each round. Writes bench/results/compare.json.
 */
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runBenchmark } from '../lib/cleanup.ts';
import { serversOf } from '../lib/cpu-time.ts';
import { type PipelineRun, runPipeline } from '../lib/pipeline-run.ts';
import { buildProjects, DATABASE_URL, type Project, RABBITMQ_URL, ROOT } from '../lib/pipeline-services.ts';
import { formatValue, median, printTable, progress, writeResult } from '../lib/results.ts';

const PROJECTS: readonly Project[] = ['api_app', 'fetch_worker_app', 'processing_worker_app'];
const CURRENT = 'current';
const USAGE = [
  'usage: npx tsx bench/pipeline/compare.ts --save NAME [--no-build]',
  '       npx tsx bench/pipeline/compare.ts BUILD BUILD [--rounds N] [--jobs N] [--no-build]',
  '  BUILD: current (projects/<p>/dist), a NAME saved before, or a folder of <project>/main.js',
].join('\n');

/** Where a saved build lives: under node_modules, so that the libraries its bundle leaves out resolve. */
const savedFolder = (name: string) => join(ROOT, 'node_modules', `.bench-${name}`);

/** The folder of a BUILD argument; undefined for the projects' own dist. */
function folderOf(build: string): string | undefined {
  if (build === CURRENT) return undefined;
  return build.includes('/') ? build : savedFolder(build);
}

/** A positive whole number given after `flag`, `fallback` when the flag is absent, else undefined. */
function countOption(args: readonly string[], flag: string, fallback: number): number | undefined {
  const at = args.indexOf(flag);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

async function save(name: string, build: boolean): Promise<void> {
  if (build) await buildProjects();
  for (const project of PROJECTS) {
    const folder = join(savedFolder(name), project);
    await mkdir(folder, { recursive: true });
    await copyFile(join(ROOT, 'projects', project, 'dist', 'main.js'), join(folder, 'main.js'));
  }
  console.log(`saved the current builds as ${name} (${savedFolder(name)})`);
}

interface Compared {
  name: string;
  /** Which way a change should move it. */
  better: 'higher' | 'lower';
  read: (run: PipelineRun) => number;
}

/** The figures compared: the CPU per job of each process the runs measured (`processes`) among them. */
function figuresOf(processes: readonly string[]): Compared[] {
  return [
    { name: 'jobs/s end to end', better: 'higher', read: (run) => run.stats.jobsPerSecond },
    {
      name: 'CPU ms per job, every process',
      better: 'lower',
      read: (run) => Object.values(run.cpuMsPerJob).reduce((a, b) => a + b, 0),
    },
    ...processes.map(
      (who): Compared => ({
        name: `CPU ms per job: ${who}`,
        better: 'lower',
        read: (run) => run.cpuMsPerJob[who] ?? Number.NaN,
      }),
    ),
    { name: 'PostgreSQL WAL bytes per job', better: 'lower', read: (run) => run.walBytesPerJob },
    { name: 'PostgreSQL commits per job', better: 'lower', read: (run) => run.commitsPerJob },
    { name: 'latency p50, ms', better: 'lower', read: (run) => run.stats.latencyMs.p50 },
    { name: 'latency p99, ms', better: 'lower', read: (run) => run.stats.latencyMs.p99 },
  ];
}

/** A difference with its sign; one that rounds to nothing shows as 0. */
function signed(value: number): string {
  const shown = formatValue(Math.abs(value));
  if (Number(shown.replaceAll(',', '')) === 0) return shown;
  return `${value > 0 ? '+' : '−'}${shown}`;
}

/** `median (min to max)` of some values. */
function spread(values: readonly number[], format: (value: number) => string = formatValue): string {
  const [min, max] = [Math.min(...values), Math.max(...values)];
  return `${format(median(values))} (${format(min)} to ${format(max)})`;
}

async function compare(builds: readonly [string, string], rounds: number, jobs: number): Promise<void> {
  for (const build of builds) {
    const folder = folderOf(build);
    if (folder) {
      const found = await stat(join(folder, 'api_app', 'main.js')).catch(() => undefined);
      if (!found)
        throw new Error(`no build ${build}: ${folder}/api_app/main.js is missing (save one with --save)`);
    }
  }
  const servers = await serversOf({ postgres: DATABASE_URL, rabbitmq: RABBITMQ_URL });
  const runs: [PipelineRun[], PipelineRun[]] = [[], []];
  for (let round = 1; round <= rounds; round += 1) {
    const order: readonly (0 | 1)[] = round % 2 === 1 ? [0, 1] : [1, 0];
    for (const which of order) {
      const build = builds[which];
      const run = await runPipeline(`${build}, round ${round} of ${rounds}`, {
        jobs,
        prefetch: 50,
        clientConcurrency: 100,
        servers,
        builds: folderOf(build),
      });
      if (run.stats.done !== jobs) throw new Error(`${build}: ${run.stats.done} of ${jobs} jobs done`);
      runs[which].push(run);
    }
  }
  const [first, second] = builds;
  const processes = Object.keys(runs[0][0]?.cpuMsPerJob ?? {});
  const rows = figuresOf(processes).map(({ name, better, read }) => {
    const a = runs[0].map(read);
    const b = runs[1].map(read);
    const differences = b.map((value, i) => value - (a[i] ?? Number.NaN));
    const wins = differences.filter((d) => (better === 'higher' ? d > 0 : d < 0)).length;
    return [name, spread(a), spread(b), spread(differences, signed), `${wins} of ${rounds}`];
  });
  console.log(`\ncompare: ${rounds} interleaved rounds of ${jobs} jobs (median, and range)`);
  printTable(['figure', first, second, `${second} − ${first}, same round`, `${second} better`], rows);
  await writeResult({
    name: 'compare',
    quick: false,
    summary: [],
    details: { builds, rounds, jobs, runs: { [first]: runs[0], [second]: runs[1] } },
  });
}

const args = process.argv.slice(2);
const VALUED = ['--rounds', '--jobs', '--save'];
const positional = args.filter((arg, i) => !arg.startsWith('--') && !VALUED.includes(args[i - 1] ?? ''));
const saveAs = args.includes('--save') ? args[args.indexOf('--save') + 1] : undefined;
const [first, second] = positional;
const rounds = countOption(args, '--rounds', 5);
const jobs = countOption(args, '--jobs', 10_000);
const usable =
  args.every((arg) => !arg.startsWith('--') || [...VALUED, '--no-build'].includes(arg)) &&
  rounds !== undefined &&
  jobs !== undefined &&
  (args.includes('--save')
    ? saveAs !== undefined && /^[\w.-]+$/.test(saveAs) && positional.length === 0
    : positional.length === 2 && first !== second);
if (!usable) {
  console.error(USAGE);
  process.exit(2);
}
const build = !args.includes('--no-build');

await runBenchmark(async () => {
  if (saveAs) return save(saveAs, build);
  const builds: [string, string] = [first ?? '', second ?? ''];
  if (build && builds.includes(CURRENT)) await buildProjects();
  progress(`comparing ${builds.join(' and ')}`);
  await compare(builds, rounds ?? 5, jobs ?? 10_000);
});
