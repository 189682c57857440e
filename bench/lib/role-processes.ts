import { SERVICE_NODE_ARGS } from './pipeline-services.ts';
import { type ServiceProcess, startServiceProcess } from './service-process.ts';

/**
 * Starts one role of a baseline flow (bench/pipeline/bare-flow-process.ts, peer-flow-process.ts):
 * `script` under tsx with the services' node flags, added to `processes` at once (so that a
 * cleanup stops it even if it never starts), resolved once it logs `listening` (with its `port`)
 * or `consuming`.
 */
export async function startRole(
  processes: Map<string, ServiceProcess>,
  name: string,
  script: string,
  env: Record<string, string>,
): Promise<{ port?: number }> {
  const started = startServiceProcess(name, script, env, [...SERVICE_NODE_ARGS, '--import', 'tsx']);
  processes.set(name, started);
  const line = await started.waitForLine(
    (seen) => seen.message === 'listening' || seen.message === 'consuming',
  );
  return typeof line.port === 'number' ? { port: line.port } : {};
}

/**
 * Rejects once any of `processes` has exited (or at once if one has), so that a run waiting for
 * its end stops there instead of at its timeout. Never resolves.
 */
export function anyExit(processes: ReadonlyMap<string, ServiceProcess>): Promise<never> {
  const ended = new Promise<never>((_, reject) => {
    for (const [name, { child }] of processes) {
      const exited = (code: number | null, signal: string | null) =>
        reject(new Error(`${name} exited (${code ?? signal}) during the run`));
      if (child.exitCode !== null || child.signalCode !== null) exited(child.exitCode, child.signalCode);
      else child.once('exit', exited);
    }
  });
  ended.catch(() => {});
  return ended;
}
