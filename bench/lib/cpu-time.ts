import { readdir, readFile, readlink } from 'node:fs/promises';

// /proc reports CPU time in clock ticks; Linux uses 100 a second on every common platform.
const TICKS_PER_SECOND = 100;

/** The parent's pid and the CPU seconds (user + system) a /proc/<pid>/stat line reports. */
function parseStat(text: string): { parent: number; seconds: number } {
  // The command sits in parentheses and may hold spaces; the fields after it are space-separated.
  const close = text.lastIndexOf(')');
  const fields = text
    .slice(close + 2)
    .split(' ')
    .map(Number);
  // ppid is field 4 of the line, utime and stime 14 and 15: 1, 11 and 12 after the command.
  return { parent: fields[1] ?? 0, seconds: ((fields[11] ?? 0) + (fields[12] ?? 0)) / TICKS_PER_SECOND };
}

/** CPU seconds a process has used so far; 0 once it is gone. */
export async function cpuSecondsOf(pid: number): Promise<number> {
  try {
    return parseStat(await readFile(`/proc/${pid}/stat`, 'utf8')).seconds;
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by each process of a server, by pid. */
export type CpuByPid = Map<number, number>;

/**
 * The pid of the process listening on a TCP port of this machine (the shared RabbitMQ's
 * beam.smp, the shared PostgreSQL's postmaster), found through the socket's inode.
 */
export async function listenerOn(port: number): Promise<number> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const line of lines) {
      // sl, local_address (hex ip:port), rem_address, st (0A is LISTEN), …, inode (the tenth).
      const fields = line.trim().split(/\s+/);
      const localPort = Number.parseInt(fields[1]?.split(':')[1] ?? '', 16);
      if (localPort === port && fields[3] === '0A' && fields[9] !== undefined) inodes.add(fields[9]);
    }
  }
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fds = await readdir(`/proc/${entry}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${entry}/fd/${fd}`).catch(() => '');
      if (inodes.has(/^socket:\[(\d+)\]$/.exec(target)?.[1] ?? '')) return Number(entry);
    }
  }
  throw new Error(`no process of this machine listens on port ${port}`);
}

/** CPU seconds used so far by a server: the process `listener` and its children (PostgreSQL's backends). */
export async function cpuOfServer(listener: number): Promise<CpuByPid> {
  const found: CpuByPid = new Map();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined) continue;
    const { parent, seconds } = parseStat(stat);
    if (Number(entry) === listener || parent === listener) found.set(Number(entry), seconds);
  }
  return found;
}

/**
 * CPU seconds a server used between two readings of {@link cpuOfServer}: what each process alive at
 * the second used since the first (all of it, if it started in between). A process that ended in
 * between is missed.
 */
export function cpuUsedBetween(before: CpuByPid, after: CpuByPid): number {
  let seconds = 0;
  for (const [pid, now] of after) seconds += now - (before.get(pid) ?? 0);
  return seconds;
}

/** The servers a benchmark uses, by name (`postgres`, `rabbitmq`): the pid listening on each one's port. */
export type Servers = ReadonlyMap<string, number>;

/** The port a URL's scheme means when the URL names none. */
const DEFAULT_PORTS: Record<string, number> = { amqp: 5672, postgres: 5432, postgresql: 5432 };

/** The servers behind some URLs, by the port each names: the ones a benchmark runs against. */
export async function serversOf(urls: Record<string, string>): Promise<Servers> {
  const servers = new Map<string, number>();
  for (const [name, url] of Object.entries(urls)) {
    // The first host of a URL that may list several (h1:p1,h2:p2): the one this machine runs.
    const [, scheme = '', port] = /^([a-z]+):\/\/(?:[^@/]*@)?[^:,/]+(?::(\d+))?/.exec(url) ?? [];
    servers.set(name, await listenerOn(port === undefined ? (DEFAULT_PORTS[scheme] ?? 0) : Number(port)));
  }
  return servers;
}

/** CPU seconds so far of some processes (by name), of each server and of this process. */
export interface CpuReading {
  processes: Record<string, number>;
  servers: Map<string, CpuByPid>;
}

/** Reads the CPU seconds of `processes` (name → pid), of each of `servers` and of this process. */
export async function readCpu(processes: ReadonlyMap<string, number>, servers: Servers): Promise<CpuReading> {
  const reading: CpuReading = { processes: {}, servers: new Map() };
  for (const [name, listener] of servers) reading.servers.set(name, await cpuOfServer(listener));
  for (const [name, pid] of processes) reading.processes[name] = await cpuSecondsOf(pid);
  const own = process.cpuUsage();
  reading.processes['bench client'] = (own.user + own.system) / 1e6;
  return reading;
}

/**
 * The CPU each used between two readings, in ms per `jobs`: the processes, and each server under
 * its name and ` (server)`. A server's figure includes its other clients' work (other tests on a
 * shared broker or database), but no other broker or database on the machine.
 */
export function cpuMsPerJob(before: CpuReading, after: CpuReading, jobs: number): Record<string, number> {
  const used = Object.fromEntries(
    Object.entries(after.processes).map(([who, seconds]) => [who, seconds - (before.processes[who] ?? 0)]),
  );
  for (const [name, now] of after.servers)
    used[`${name} (server)`] = cpuUsedBetween(before.servers.get(name) ?? new Map(), now);
  return Object.fromEntries(Object.entries(used).map(([who, seconds]) => [who, (seconds * 1000) / jobs]));
}

/** The machine's CPU time so far, in clock ticks of all cores: busy, and in all. */
export interface MachineCpu {
  busy: number;
  total: number;
}

/** Reads the machine's CPU time from /proc/stat: every process's, this benchmark's or not. */
export async function readMachineCpu(): Promise<MachineCpu> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  // cpu user nice system idle iowait irq softirq steal …: idle and iowait are the idle ones.
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: total - (ticks[3] ?? 0) - (ticks[4] ?? 0), total };
}

/** The share of the machine's CPU (0 to 1) that was busy between two readings. */
export function machineBusy(before: MachineCpu, after: MachineCpu): number {
  const total = after.total - before.total;
  return total > 0 ? (after.busy - before.busy) / total : 0;
}
