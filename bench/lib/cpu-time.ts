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

/** CPU seconds so far of some processes (by name), of PostgreSQL's and RabbitMQ's, and of this one. */
export interface CpuReading {
  processes: Record<string, number>;
  servers: CpuByPid;
}

/** Reads the CPU seconds of `processes` (name → pid), of every postgres and beam.smp process, and of this one. */
export async function readCpu(processes: ReadonlyMap<string, number>): Promise<CpuReading> {
  const reading: CpuReading = { processes: {}, servers: await cpuOfCommands(['postgres', 'beam.smp']) };
  for (const [name, pid] of processes) reading.processes[name] = await cpuSecondsOf(pid);
  const own = process.cpuUsage();
  reading.processes['bench client'] = (own.user + own.system) / 1e6;
  return reading;
}

/** The CPU each used between two readings, in ms per `jobs`: the processes, `postgres (all)`, `rabbitmq (all)`. */
export function cpuMsPerJob(before: CpuReading, after: CpuReading, jobs: number): Record<string, number> {
  const used = Object.fromEntries(
    Object.entries(after.processes).map(([who, seconds]) => [who, seconds - (before.processes[who] ?? 0)]),
  );
  used['postgres (all)'] = cpuUsedBetween(before.servers, after.servers, 'postgres');
  used['rabbitmq (all)'] = cpuUsedBetween(before.servers, after.servers, 'beam.smp');
  return Object.fromEntries(Object.entries(used).map(([who, seconds]) => [who, (seconds * 1000) / jobs]));
}
