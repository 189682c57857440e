import { type Outcome, seconds } from './run-scenario.ts';

const COLUMNS = [
  'scenario',
  'accepted',
  'done',
  'failed',
  'lost',
  'twice',
  'redone',
  'in flight',
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
    String(o.twice),
    String(o.redone),
    String(o.inFlightAtFault.total),
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
  lines.push('twice: jobs the effects ledger saw end twice; redone: jobs with a stage done again');
  lines.push('(redelivered, retried, re-driven); in flight: deliveries unsettled, publishes unconfirmed');
  lines.push(
    'and statements running at the instant of the fault; dead: start_fetch.dead + data_processing.dead;',
  );
  lines.push('recover: from the fault until every service is ready and jobs finish again; settle: from the');
  lines.push('last 202 until every job finished and every queue drained');
  for (const o of outcomes) {
    if (o.lossAllowedBy !== undefined) lines.push(`${o.id}: ${o.lost} lost, allowed by ${o.lossAllowedBy}`);
    const measured = Object.entries(o.measured ?? {}).map(([name, value]) => `${name} ${value}`);
    if (measured.length > 0) lines.push(`${o.id}: ${measured.join(', ')}`);
  }
  for (const o of outcomes) for (const problem of o.problems) lines.push(`FAIL ${o.id}: ${problem}`);
  return lines.join('\n');
}
