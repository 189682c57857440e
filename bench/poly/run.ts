/**
 * The poly benchmark: generates a workspace of 300 bricks and 20 projects (bench/poly/generate.ts),
 * changes one low-level component, and times `poly info`, `check`, `diff` and `deps` as a user
 * runs them (a new process each time, through the `poly` bin) and in-process (the command alone,
 * without Node's and tsx's start-up). Prints a table and writes bench/results/poly.json.
 *   npx tsx bench/poly/run.ts [--quick]
 */
import { execFile } from 'node:child_process';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runPoly } from '@mousetrap/poly_cli';
import { writeResult } from '../lib/results.ts';
import { generateWorkspace } from './generate.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const quick = process.argv.includes('--quick');
const repeats = quick ? 3 : 7;
const commands = [['info'], ['check'], ['diff'], ['deps']];

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const sink = { write: () => true };

const dir = await mkdtemp(join(tmpdir(), 'poly-bench-'));
try {
  process.stderr.write(`generating 300 bricks and 20 projects in ${dir} …\n`);
  const generated = await generateWorkspace({ dir, bricks: 300, projects: 20 });
  await appendFile(
    join(dir, 'components', 'comp_3', 'src', 'comp-3-1.ts'),
    '\nexport const changed = true;\n',
  );
  process.stderr.write(`${generated.components.length} components, ${generated.bases.length} bases\n`);

  const rows: { command: string; processMs: number; inProcessMs: number; exitCode: number }[] = [];
  for (const argv of commands) {
    const name = argv.join(' ');
    process.stderr.write(`timing poly ${name} (${repeats} runs each way) …\n`);
    const processTimes: number[] = [];
    let exitCode = 0;
    for (let i = 0; i < repeats; i += 1) {
      const started = performance.now();
      exitCode = await run(process.execPath, [join(root, 'projects', 'poly', 'bin', 'poly.js'), ...argv], {
        cwd: dir,
        env: { ...process.env, NO_COLOR: '1' },
        maxBuffer: 64 * 1024 * 1024,
      }).then(
        () => 0,
        (error: { code?: number }) => error.code ?? 1,
      );
      processTimes.push(performance.now() - started);
    }
    const inProcessTimes: number[] = [];
    for (let i = 0; i < repeats; i += 1) {
      const started = performance.now();
      await runPoly(argv, { cwd: dir, env: { NO_COLOR: '1' }, stdout: sink, stderr: sink, isTTY: false });
      inProcessTimes.push(performance.now() - started);
    }
    rows.push({
      command: `poly ${name}`,
      processMs: median(processTimes),
      inProcessMs: median(inProcessTimes),
      exitCode,
    });
  }

  console.log('\npoly on 300 bricks, 20 projects (median of %d runs; goal: under 1 s each)', repeats);
  console.log('command        process (ms)   in-process (ms)   exit');
  for (const row of rows) {
    console.log(
      `${row.command.padEnd(14)} ${row.processMs.toFixed(0).padStart(12)}   ${row.inProcessMs.toFixed(0).padStart(15)}   ${row.exitCode}`,
    );
  }
  await writeResult({
    name: 'poly',
    quick,
    summary: rows.map((row) => ({
      figure: `${row.command} (new process)`,
      value: row.processMs,
      unit: 'ms',
      goal: '< 1000',
      met: row.processMs < 1000 && row.exitCode <= 1,
    })),
    details: { bricks: 300, projects: 20, repeats, rows },
  });
} finally {
  await rm(dir, { recursive: true, force: true });
}
