import { type Outcome, seconds } from './run-scenario.ts';

const COLUMNS = [
  'scenario',
  'accepted',
  'done',
  'failed',
  'lost',
  'doubled',
  'redone',
  'dead (expected)',
  'recover',
  'settle',
  'total',
  'verdict',
] as const;

/** The suite's table: one row per scenario, then the problems of those that failed. */
export function renderTable(outcomes: readonly Outcome[]): string {
  const rows = outcomes.map((o) => [
    o.id,
    String(o.accepted),
    String(o.done),
    String(o.failed),
    String(o.lost),
    String(o.doubled),
    String(o.redone),
    `${o.deadLetters.start_fetch}+${o.deadLetters.data_processing} (${o.expectedDeadLetters.start_fetch}+${o.expectedDeadLetters.data_processing})`,
    o.recoverMs === null ? '-' : seconds(o.recoverMs),
    seconds(o.settleMs),
    seconds(o.durationMs),
    o.problems.length === 0 ? 'ok' : 'FAIL',
  ]);
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  const lines = [line(COLUMNS), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
  lines.push('redone: jobs with a stage done again (redelivered or retried); dead: start_fetch.dead +');
  lines.push('data_processing.dead; recover: from the fault until every service is ready and jobs finish');
  lines.push('again; settle: from the last 202 until every job finished and every queue drained');
  for (const o of outcomes) for (const problem of o.problems) lines.push(`FAIL ${o.id}: ${problem}`);
  return lines.join('\n');
}
