import { readdir, readFile } from 'node:fs/promises';

// /proc reports CPU time in clock ticks; Linux uses 100 a second on every common platform.
const TICKS_PER_SECOND = 100;

/** The command name and the CPU seconds (user + system) a /proc/<pid>/stat line reports. */
function parseStat(text: string): { command: string; seconds: number } {
  // The command sits in parentheses and may hold spaces; the fields after it are space-separated.
  const close = text.lastIndexOf(')');
  const command = text.slice(text.indexOf('(') + 1, close);
  const fields = text
    .slice(close + 2)
    .split(' ')
    .map(Number);
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command.
  return { command, seconds: ((fields[11] ?? 0) + (fields[12] ?? 0)) / TICKS_PER_SECOND };
}

/** CPU seconds a process has used so far; 0 once it is gone. */
export async function cpuSecondsOf(pid: number): Promise<number> {
  try {
    return parseStat(await readFile(`/proc/${pid}/stat`, 'utf8')).seconds;
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by each process of some commands, by pid. */
export type CpuByPid = Map<number, { command: string; seconds: number }>;

/** Reads the CPU seconds of every process whose command is one of `commands` (e.g. `postgres`, `beam.smp`). */
export async function cpuOfCommands(commands: readonly string[]): Promise<CpuByPid> {
  const found: CpuByPid = new Map();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined) continue;
    const parsed = parseStat(stat);
    if (commands.includes(parsed.command)) found.set(Number(entry), parsed);
  }
  return found;
}

/**
 * CPU seconds that processes of `command` used between two readings: what each process alive at
 * the second used since the first (all of it, if it started in between). A process that ended in
 * between is missed, and shared servers also work for others, so this is an estimate.
 */
export function cpuUsedBetween(before: CpuByPid, after: CpuByPid, command: string): number {
  let seconds = 0;
  for (const [pid, now] of after) {
    if (now.command !== command) continue;
    const then = before.get(pid);
    seconds += now.seconds - (then?.command === command ? then.seconds : 0);
  }
  return seconds;
}
