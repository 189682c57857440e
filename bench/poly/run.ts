/**
 * The poly benchmark: generates workspaces of 30 and 300 bricks (bench/poly/generate.ts), changes
 * one low-level component in each, and times `poly info`, `check`, `deps` and `diff` as a user runs
 * them: a new process each time, as the published package runs (its bin is the bundle,
 * projects/poly/dist/main.js, rebuilt first if stale), from start to exit. Each command is timed
 * on its first run (nothing kept from an earlier run) and on a later run (the imports found kept in
 * node_modules/.cache/poly); `node -e 0`, Node's bare start-up, is timed in the same rounds. Prints a
 * table and writes bench/results/poly.json.
 *   npx tsx bench/poly/run.ts [--quick]
 * BENCH_POLY=<file> times another poly bin (e.g. an older checkout's), for interleaved comparisons.
 */
import { execFile } from 'node:child_process';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { ensureFreshBundle } from '@mousetrap/project_build';
import { median, printTable, writeResult } from '../lib/results.ts';
import { generateWorkspace } from './generate.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
// The workspace's own bin/poly.js checks the bundle against the sources first (about 7 ms at 300
// bricks); the package that users install runs the bundle directly.
const bin = process.env.BENCH_POLY ?? (await ensureFreshBundle({ root, project: 'poly' })).outfile;
const quick = process.argv.includes('--quick');
const rounds = quick ? 3 : 11;
const sizes = [
  { bricks: 30, projects: 2 },
  { bricks: 300, projects: 20 },
];
const commands = ['info', 'check', 'deps', 'diff'] as const;

/**
 * python-polylith 1.43's medians on the same 300-brick graph (issue 17), in ms. The goal is to be
 * at least 5 times faster, as a whole process.
 */
const ANCHOR: Record<(typeof commands)[number], number> = { info: 1420, check: 1701, deps: 1103, diff: 1046 };

/** Runs a process to its exit; resolves to its wall time in ms and its exit code. */
async function timed(args: string[], cwd: string): Promise<{ ms: number; exitCode: number }> {
  const started = performance.now();
  const exitCode = await run(process.execPath, args, {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
  }).then(
    () => 0,
    (error: { code?: number }) => error.code ?? 1,
  );
  return { ms: performance.now() - started, exitCode };
}

const base = await mkdtemp(join(tmpdir(), 'poly-bench-'));
try {
  const workspaces = [];
  for (const size of sizes) {
    const dir = join(base, `bricks-${size.bricks}`);
    process.stderr.write(`generating ${size.bricks} bricks and ${size.projects} projects in ${dir} …\n`);
    await generateWorkspace({ dir, ...size });
    await appendFile(
      join(dir, 'components', 'comp_3', 'src', 'comp-3-1.ts'),
      '\nexport const changed = true;\n',
    );
    workspaces.push({ ...size, dir });
  }
  // poly keeps no scan of a file changed in the last 2 s (its time may not have ticked yet), so
  // the generated files are let settle, as a workspace's files are between two edits. The changed
  // file is scanned in every run, like the file one is working on.
  await sleep(2_100);

  type Key = `${number} ${string} ${'first' | 'later'}`;
  const times = new Map<Key | 'node', number[]>();
  const exitCodes = new Map<string, number>();
  const record = (key: Key | 'node', ms: number) => times.set(key, [...(times.get(key) ?? []), ms]);
  // Rounds interleave everything, so that a change in the machine's speed touches every figure alike.
  for (let round = 0; round < rounds; round += 1) {
    process.stderr.write(`round ${round + 1} of ${rounds} …\n`);
    record('node', (await timed(['-e', '0'], base)).ms);
    for (const { bricks, dir } of workspaces) {
      for (const command of commands) {
        await rm(join(dir, 'node_modules', '.cache'), { recursive: true, force: true });
        const first = await timed([bin, command], dir);
        const later = await timed([bin, command], dir);
        record(`${bricks} ${command} first`, first.ms);
        record(`${bricks} ${command} later`, later.ms);
        exitCodes.set(`${bricks} ${command}`, later.exitCode);
      }
    }
  }

  const node = median(times.get('node') ?? []);
  const rows = workspaces.flatMap(({ bricks }) =>
    commands.map((command) => {
      const first = median(times.get(`${bricks} ${command} first`) ?? []);
      const later = median(times.get(`${bricks} ${command} later`) ?? []);
      const goal = bricks === 300 ? ANCHOR[command] / 5 : undefined;
      return { command, bricks, first, later, goal, exitCode: exitCodes.get(`${bricks} ${command}`) ?? -1 };
    }),
  );

  console.log(`\npoly as a process, median of ${rounds} runs; node -e 0: ${node.toFixed(0)} ms`);
  printTable(
    ['command', 'bricks', 'first run', 'later run', '÷ node', 'goal', 'exit'],
    rows.map((row) => [
      `poly ${row.command}`,
      String(row.bricks),
      `${row.first.toFixed(0)} ms`,
      `${row.later.toFixed(0)} ms`,
      (row.later / node).toFixed(1),
      row.goal === undefined ? '' : `≤ ${row.goal.toFixed(0)} ms`,
      String(row.exitCode),
    ]),
  );
  await writeResult({
    name: 'poly',
    quick,
    summary: [
      { figure: 'node -e 0 (baseline)', value: node, unit: 'ms', goal: '' },
      ...rows
        .filter((row) => row.goal !== undefined)
        .flatMap((row) =>
          (['first', 'later'] as const).map((run) => ({
            figure: `poly ${row.command}, 300 bricks, ${run} run`,
            value: row[run],
            unit: 'ms',
            goal: `≤ ${(row.goal ?? 0).toFixed(0)}`,
            met: row[run] <= (row.goal ?? 0) && row.exitCode <= 1,
          })),
        ),
    ],
    details: { bin, rounds, nodeMs: node, rows },
  });
} finally {
  await rm(base, { recursive: true, force: true });
}
