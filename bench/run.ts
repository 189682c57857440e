/**
 * `npm run bench [-- --quick]`: builds the projects once, runs every benchmark in turn as its own
 * process (progress on stderr, figures on stdout), then prints one summary table from
 * bench/results/<name>.json. Ctrl-C stops the running benchmark, which cleans up its queues,
 * schemas and processes, and skips the rest.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildProjects } from './lib/pipeline-services.ts';
import { formatValue, metLabel, printTable, readResult } from './lib/results.ts';

/** Every benchmark, in the order they run; each is `bench/<name>/run.ts`. */
const BENCHMARKS = ['pipeline', 'concurrency', 'api', 'poly'] as const;

const quick = process.argv.includes('--quick');
let interrupted = false;
// The benchmark running gets the same Ctrl-C (one process group) and cleans up; wait for it.
process.on('SIGINT', () => {
  interrupted = true;
});

function runOne(name: string): Promise<number> {
  const script = join(import.meta.dirname, name, 'run.ts');
  const flags = ['--no-build', ...(quick ? ['--quick'] : [])];
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...flags], { stdio: 'inherit' });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

const started = performance.now();
const startedAt = new Date().toISOString();
await buildProjects();
const failed: string[] = [];
for (const [i, name] of BENCHMARKS.entries()) {
  if (interrupted) break;
  process.stderr.write(`\n[${i + 1}/${BENCHMARKS.length}] ${name}${quick ? ' (quick)' : ''}\n`);
  const runStarted = performance.now();
  if ((await runOne(name)) !== 0) failed.push(name);
  process.stderr.write(`  ${name} took ${((performance.now() - runStarted) / 1000).toFixed(0)} s\n`);
}

const rows: string[][] = [];
for (const name of BENCHMARKS) {
  const result = await readResult(name);
  // Figures of an earlier run would pass for this one's.
  if (!result || result.measuredAt < startedAt) continue;
  for (const figure of result.summary) {
    rows.push([
      name,
      figure.figure,
      `${formatValue(figure.value)} ${figure.unit}`,
      figure.goal,
      metLabel(figure.met),
    ]);
  }
}
console.log(
  `\nsummary (${quick ? 'quick' : 'full'} run, ${((performance.now() - started) / 1000).toFixed(0)} s):`,
);
printTable(['benchmark', 'figure', 'value', 'goal', 'met'], rows);
if (failed.length > 0) console.log(`failed: ${failed.join(', ')}`);
if (interrupted) console.log('interrupted: the benchmarks not run are missing from the table');
process.exitCode = failed.length > 0 || interrupted ? 1 : 0;
