import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServiceProcess } from '../src/processes.ts';

describe('startServiceProcess', () => {
  test('starts the script with the node flags of the images and the given environment, and reads its JSON lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'test-kit-'));
    try {
      const script = join(dir, 'service.mjs');
      await writeFile(
        script,
        'console.log(JSON.stringify({ flags: process.execArgv, greeting: process.env.GREETING }));\n',
      );
      const service = startServiceProcess(script, { GREETING: 'hello' });
      const line = await service.waitForLine((candidate) => 'flags' in candidate);
      expect(line).toEqual({
        flags: ['--max-semi-space-size=8', '--heap-growing-percent=100'],
        greeting: 'hello',
      });
      expect(await service.exited).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
