import { pipeOutput } from './pipe-output.ts';
import { runPoly } from './run-poly.ts';

process.exitCode = await runPoly(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: pipeOutput(process.stdout),
  stderr: pipeOutput(process.stderr),
  isTTY: Boolean(process.stdout.isTTY),
});
