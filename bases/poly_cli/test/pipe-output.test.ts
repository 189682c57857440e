import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../src/context.ts';
import { runPoly } from '../src/run-poly.ts';

const workspaceRoot = join(__dirname, '..', '..', '..');
const bin = join(workspaceRoot, 'projects', 'poly', 'bin', 'poly.js');

/**
 * Runs the poly bin with its stdout on a real pipe whose reader closes after the first chunk, as
 * `head -c 10` does; resolves to what was read, the whole stderr and the exit code.
 */
function pipeIntoEarlyCloser(cwd: string, ...argv: string[]) {
  return new Promise<{ read: string; stderr: string; code: number | null }>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...argv], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let read = '';
    let stderr = '';
    child.stdout.once('data', (chunk: Buffer) => {
      read = chunk.toString('utf8');
      child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ read, stderr, code }));
  });
}

beforeAll(() => {
  // The bin rebuilds its bundle when a source is newer; do it once here, not inside a timed pipe.
  expect(spawnSync(process.execPath, [bin, 'help'], { cwd: workspaceRoot }).status).toBe(EXIT.ok);
}, 120_000);

test('poly ws into a reader that closes early: no stack trace, exit 0', async () => {
  // The model of this workspace is hundreds of KiB: far past a pipe's buffer, so later writes hit EPIPE.
  const { read, stderr, code } = await pipeIntoEarlyCloser(workspaceRoot, 'ws');
  expect(read.startsWith('{')).toBe(true);
  expect(stderr).toBe('');
  expect(code).toBe(EXIT.ok);
});

test('a failing poly check into a reader that closes early still exits 1, quietly', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'poly-pipe-'));
  try {
    const quiet = { write: () => true };
    const io = { cwd: dir, env: {}, stdout: quiet, stderr: quiet, isTTY: false };
    expect(await runPoly(['create', 'workspace', '--name', 'acme'], io)).toBe(EXIT.ok);
    expect(await runPoly(['create', 'component', '--name', 'noisy'], io)).toBe(EXIT.ok);
    // 3000 unlisted libraries: 3000 lines of P113, several times a pipe's buffer.
    const imports = Array.from({ length: 3000 }, (_, i) => `import 'library_${i}';\n`).join('');
    await writeFile(join(dir, 'components', 'noisy', 'src', 'imports.ts'), imports);
    const { read, stderr, code } = await pipeIntoEarlyCloser(dir, 'check');
    expect(read).toMatch(/^error P113 /);
    expect(stderr).toBe('');
    expect(code).toBe(EXIT.failures);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
