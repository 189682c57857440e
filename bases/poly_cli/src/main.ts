import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pipeOutput } from './pipe-output.ts';
import { runPoly } from './run-poly.ts';

export { launchFromSource } from './launch-from-source.ts';

/** Runs poly on this process's arguments, environment and streams, and sets its exit code. */
export async function main(): Promise<void> {
  process.exitCode = await runPoly(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    stdout: pipeOutput(process.stdout),
    stderr: pipeOutput(process.stderr),
    isTTY: Boolean(process.stdout.isTTY),
  });
}

/** Whether node was started with this file (through any symlink, as npm links a bin), not importing it. */
function isProgram(): boolean {
  const program = process.argv[1];
  try {
    return program !== undefined && realpathSync(program) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

// Started as a program (the published bin, `node dist/main.js`, tsx on the source) this is poly;
// imported by this workspace's own bin, it only lends main and launchFromSource.
if (isProgram()) await main();
