import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureFreshBundle } from '@mousetrap/project_build';
import { parseWorkspaceConfig } from '@mousetrap/workspace_model';

/** What a poly bundle lends the launcher: the program itself. */
interface PolyBundle {
  main(): Promise<void>;
}

/**
 * Runs `poly build <project>` from the workspace's sources through tsx, so that a change to the
 * build itself counts too. Everything it prints goes to stderr: stdout belongs to the command run.
 */
function buildFromSource(root: string, cli: string, project: string): Promise<void> {
  const tsx = pathToFileURL(createRequire(join(root, 'package.json')).resolve('tsx')).href;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', tsx, cli, 'build', project], {
      cwd: root,
      stdio: ['ignore', 2, 2],
    });
    child.once('error', fail);
    child.once('close', (code) =>
      code === 0 ? done() : fail(new Error(`poly build ${project} from source failed (exit ${code})`)),
    );
  });
}

/**
 * How this workspace's own `poly` runs from its sources: rebuilds the project's bundle when it is
 * missing or older than a source it ships (project_build's ensureFreshBundle), then runs it. The
 * published package's bin is the bundle itself, with no such check.
 */
export async function launchFromSource(projectDir: string | URL): Promise<void> {
  const dir = resolve(projectDir instanceof URL ? fileURLToPath(projectDir) : projectDir);
  const root = resolve(dir, '..', '..');
  const project = basename(dir);
  const config = parseWorkspaceConfig(JSON.parse(await readFile(join(root, 'workspace.json'), 'utf8')));
  const cli = join(root, config.folders.bases, 'poly_cli', 'src', 'main.ts');
  let fresh: Awaited<ReturnType<typeof ensureFreshBundle>>;
  try {
    fresh = await ensureFreshBundle({
      root,
      project,
      namespace: config.namespace,
      rebuild: (_options, reason) => {
        process.stderr.write(`poly: rebuilding its bundle: ${reason}\n`);
        return buildFromSource(root, cli, project);
      },
    });
  } catch (error) {
    process.stderr.write(`poly: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
    return;
  }
  // A rebuilt bundle is a new module, so its URL must differ from the one imported before.
  const url = pathToFileURL(fresh.outfile).href + (fresh.rebuilt ? `?rebuilt=${Date.now()}` : '');
  const bundle = (await import(url)) as PolyBundle;
  await bundle.main();
}
