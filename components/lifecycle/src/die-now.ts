import { writeSync } from 'node:fs';

/**
 * Kills this process at once (SIGKILL: nothing flushed, nothing closed, as a crash), after writing
 * `lastLine` to stderr as one JSON line. Written synchronously: a logger's line would still be on
 * its way when the process dies. For the fault suite's crash hooks.
 */
export function dieNow(lastLine: Record<string, unknown>): void {
  writeSync(2, `${JSON.stringify({ ...lastLine, timestamp: new Date().toISOString() })}\n`);
  process.kill(process.pid, 'SIGKILL');
}
