/**
 * Two versions of the pipeline's code, run in interleaved rounds on the same machine in the same
 * hour, so that a change can be judged against the machine's drift: a change is worth keeping when
 * the pairs show it, round after round.
 *   npx tsx bench/pipeline/compare.ts --save NAME [--no-build]
 *       builds the projects and keeps a copy of their builds as NAME (node_modules/.bench-NAME)
 *   npx tsx bench/pipeline/compare.ts BUILD BUILD [--rounds N] [--jobs N] [--no-build]
 *                                     [--flags=FLAGS --flags=FLAGS]
 *       BUILD is `current` (projects/<p>/dist, built first unless --no-build), a NAME saved
 *       before, or a folder holding <project>/main.js; the two --flags, when given, are the node
 *       flags the services of the first and of the second run with, in place of their own (so one
 *       build may be compared with itself under other flags)
 * Each round runs both, the first one first in odd rounds and last in even ones; every run is the
 * pipeline alone, as in bench/pipeline/run.ts (delays 0, prefetch 50, 100 connections). It prints
 * each figure's median and range per build, the median and range of the second build's
 * difference from the first in the same round, and in how many rounds it was better. Writes
 * bench/results/compare.json after every round.
 */
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runBenchmark } from '../lib/cleanup.ts';
import { serversOf } from '../lib/cpu-time.ts';
import { CLIENT_CONNECTIONS, type PipelineRun, PREFETCH, runPipeline } from '../lib/pipeline-run.ts';
import {
  buildProjects,
  DATABASE_URL,
  nodeFlagsOf,
  type Project,
  RABBITMQ_URL,
  ROOT,
  SERVICE_NODE_ARGS,
} from '../lib/pipeline-services.ts';
import { formatValue, MB, median, printTable, progress, writeResult } from '../lib/results.ts';

const PROJECTS: readonly Project[] = ['api_app', 'fetch_worker_app', 'processing_worker_app'];
const CURRENT = 'current';
// An even number, so that each build runs first as often as last.
const DEFAULT_ROUNDS = 6;
const DEFAULT_JOBS = 10_000;
const USAGE = [
  'usage: npx tsx bench/pipeline/compare.ts --save NAME [--no-build]',
  `       npx tsx bench/pipeline/compare.ts BUILD BUILD [--rounds N (${DEFAULT_ROUNDS})] [--jobs N (${DEFAULT_JOBS})] [--no-build]`,
  '                                         [--flags=FLAGS --flags=FLAGS]',
  '  BUILD: current (projects/<p>/dist), a NAME saved before, or a folder of <project>/main.js',
  "  FLAGS: the services' node flags for the first and the second BUILD, in place of their own",
  '         (space-separated; --flags= for none),',
  '         e.g. --flags="--max-semi-space-size=8 --heap-growing-percent=100";',
  '         the same BUILD may be named twice with two different FLAGS',
].join('\n');
const NAME = /^\w[\w.-]*$/;

type Command =
  | { kind: 'save'; name: string; build: boolean }
  | {
      kind: 'compare';
      builds: [string, string];
      /** The node flags each build's services run with: the services' own unless --flags. */
      flags: [readonly string[], readonly string[]];
      /** What each build is called in the figures: its name, numbered when both are the same. */
      labels: [string, string];
      rounds: number;
      jobs: number;
      build: boolean;
    };

/** A whole number above 0, `fallback` when not given, undefined when not one. */
function count(text: string | undefined, fallback: number): number | undefined {
  if (text === undefined) return fallback;
  return /^\d+$/.test(text) && Number(text) > 0 ? Number(text) : undefined;
}

/** The command the arguments ask for, or undefined when they make none. */
function parse(args: string[]): Command | undefined {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch {
    return undefined;
  }
  const { values, positionals } = parsed;
  const build = values['no-build'] !== true;
  if (values.save !== undefined) {
    const alone =
      positionals.length === 0 &&
      values.rounds === undefined &&
      values.jobs === undefined &&
      values.flags === undefined;
    return alone && NAME.test(values.save) && values.save !== CURRENT
      ? { kind: 'save', name: values.save, build }
      : undefined;
  }
  const [first, second] = positionals;
  const rounds = count(values.rounds, DEFAULT_ROUNDS);
  const jobs = count(values.jobs, DEFAULT_JOBS);
  if (positionals.length !== 2 || first === undefined || second === undefined) return;
  if (rounds === undefined || jobs === undefined) return;
  const flags = flagsOf(values.flags);
  if (!flags) return;
  // The same build twice compares only under two sets of flags.
  const same = first === second;
  if (same && flags[0].join(' ') === flags[1].join(' ')) return;
  const labels: [string, string] = same ? [`${first} (1)`, `${second} (2)`] : [first, second];
  return { kind: 'compare', builds: [first, second], flags, labels, rounds, jobs, build };
}

/** Both builds' node flags: the services' own when none are given, undefined unless two are. */
function flagsOf(given: string[] | undefined): [readonly string[], readonly string[]] | undefined {
  if (given === undefined) return [SERVICE_NODE_ARGS, SERVICE_NODE_ARGS];
  const [first, second, ...more] = given.map(nodeFlagsOf);
  if (first === undefined || second === undefined || more.length > 0) return undefined;
  // A word that is not a flag would be taken by node for the script to run.
  return [...first, ...second].every((flag) => flag.startsWith('-')) ? [first, second] : undefined;
}

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      save: { type: 'string' },
      rounds: { type: 'string' },
      jobs: { type: 'string' },
      'no-build': { type: 'boolean' },
      flags: { type: 'string', multiple: true },
    },
  });
}

/** Where a saved build lives: under node_modules, so that the libraries its bundle leaves out resolve. */
const savedFolder = (name: string) => join(ROOT, 'node_modules', `.bench-${name}`);

/** The folder of a BUILD argument; undefined for the projects' own dist. */
function folderOf(build: string): string | undefined {
  if (build === CURRENT) return undefined;
  return build.includes('/') ? build : savedFolder(build);
}

/** Why the builds cannot run (a bundle missing), or undefined. */
async function missingBuild(builds: readonly string[]): Promise<string | undefined> {
  for (const build of builds) {
    const folder = folderOf(build);
    if (!folder) continue;
    for (const project of PROJECTS) {
      const bundle = join(folder, project, 'main.js');
      if (!(await stat(bundle).catch(() => undefined)))
        return `no build ${build}: ${bundle} is missing (keep one with --save ${build})`;
    }
  }
  return undefined;
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

/**
 * The figures compared: among them the CPU per job of each process the runs measured
 * (`processes`) and the peak RSS of each service (`services`).
 */
function figuresOf(processes: readonly string[], services: readonly string[]): Compared[] {
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
    ...services.map(
      (service): Compared => ({
        name: `peak RSS, MB: ${service}`,
        better: 'lower',
        read: (run) => (run.peakRss[service] ?? Number.NaN) / MB,
      }),
    ),
  ];
}

/** A difference with its sign; one that rounds to nothing shows as 0. */
function signed(value: number): string {
  const shown = formatValue(Math.abs(value));
  if (Number(shown.replaceAll(',', '')) === 0) return shown;
  return `${value > 0 ? '+' : '−'}${shown}`;
}

/** `median (min to max)` of the values that were measured; `n/a` when none was. */
function spread(values: readonly number[], format: (value: number) => string = formatValue): string {
  const measured = values.filter(Number.isFinite);
  if (measured.length === 0) return 'n/a';
  const [min, max] = [Math.min(...measured), Math.max(...measured)];
  return `${format(median(measured))} (${format(min)} to ${format(max)})`;
}

/** The table of every figure: each build's runs, and the second's differences from the first by round. */
function printComparison(
  labels: readonly [string, string],
  flags: readonly [readonly string[], readonly string[]],
  runs: readonly [PipelineRun[], PipelineRun[]],
) {
  const keysOf = (read: (run: PipelineRun) => object) => [
    ...new Set(runs.flat().flatMap((run) => Object.keys(read(run)))),
  ];
  const rows = figuresOf(
    keysOf((run) => run.cpuMsPerJob),
    keysOf((run) => run.peakRss),
  ).map(({ name, better, read }) => {
    const [a, b] = [runs[0].map(read), runs[1].map(read)];
    const differences = b.map((value, i) => value - (a[i] ?? Number.NaN)).filter(Number.isFinite);
    const wins = differences.filter((d) => (better === 'higher' ? d > 0 : d < 0)).length;
    return [name, spread(a), spread(b), spread(differences, signed), `${wins} of ${differences.length}`];
  });
  const [first, second] = labels;
  console.log(`\ncompare: ${runs[1].length} interleaved rounds of each (median, and range)`);
  for (const [i, label] of labels.entries())
    console.log(`  ${label}: node flags ${flags[i as 0 | 1].join(' ') || '(none)'}`);
  printTable(['figure', first, second, `${second} − ${first}, same round`, `${second} better`], rows);
  // A build that logs warnings (retries, a deadlock) may look faster for the wrong reason.
  for (const [i, label] of labels.entries()) {
    const logged = new Map<string, number>();
    for (const run of runs[i as 0 | 1])
      for (const [project, seen] of Object.entries(run.problems))
        for (const [message, times] of Object.entries(seen)) {
          const key = `${project} logged ${message}`;
          logged.set(key, (logged.get(key) ?? 0) + times);
        }
    for (const [what, times] of logged) console.log(`  ${label}: ${what} (${times}× in all)`);
  }
}

async function compare(command: Extract<Command, { kind: 'compare' }>): Promise<void> {
  const { builds, flags, labels, rounds, jobs } = command;
  const servers = await serversOf({ postgres: DATABASE_URL, rabbitmq: RABBITMQ_URL });
  const runs: [PipelineRun[], PipelineRun[]] = [[], []];
  for (let round = 1; round <= rounds; round += 1) {
    const order: readonly (0 | 1)[] = round % 2 === 1 ? [0, 1] : [1, 0];
    for (const which of order) {
      const [build, label] = [builds[which], labels[which]];
      const run = await runPipeline(`${label}, round ${round} of ${rounds}`, {
        jobs,
        prefetch: PREFETCH,
        clientConcurrency: CLIENT_CONNECTIONS,
        servers,
        builds: folderOf(build),
        nodeFlags: flags[which],
      });
      if (run.stats.done !== jobs) throw new Error(`${label}: ${run.stats.done} of ${jobs} jobs done`);
      runs[which].push(run);
    }
    // Every finished round is kept, so that a failure later loses only the round it happened in.
    await writeResult({
      name: 'compare',
      quick: false,
      summary: [],
      details: {
        builds: labels,
        flags,
        rounds,
        roundsDone: round,
        jobs,
        runs: { [labels[0]]: runs[0], [labels[1]]: runs[1] },
      },
    });
  }
  printComparison(labels, flags, runs);
}

const command = parse(process.argv.slice(2));
if (!command) {
  console.error(USAGE);
  process.exit(2);
}
// BENCH_BUILDS would take the place of `current`, the projects' own builds.
const refused = process.env.BENCH_BUILDS
  ? `compare.ts runs the builds it is named: unset BENCH_BUILDS (${process.env.BENCH_BUILDS})`
  : command.kind === 'compare'
    ? await missingBuild(command.builds)
    : undefined;
if (refused) {
  console.error(refused);
  process.exit(2);
}

await runBenchmark(async () => {
  if (command.kind === 'save') return save(command.name, command.build);
  if (command.build && command.builds.includes(CURRENT)) await buildProjects();
  progress(`comparing ${command.labels.join(' and ')}`);
  await compare(command);
});
