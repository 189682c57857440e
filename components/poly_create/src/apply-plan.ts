import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PolyCreateError } from './errors.ts';
import type { Plan } from './plan.ts';

/**
 * Writes a plan under `root`, making folders as needed. Refuses, before writing anything, when a
 * file the plan would create already exists (it appeared after the plan was made).
 */
export async function applyPlan(root: string, plan: Plan): Promise<void> {
  const taken = plan.files.filter((file) => file.action === 'create' && existsSync(join(root, file.path)));
  if (taken.length > 0) {
    throw new PolyCreateError(
      'conflict',
      `not written: ${taken.map((file) => file.path).join(', ')} appeared since the plan was made`,
    );
  }
  for (const file of plan.files) {
    const path = join(root, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content, { flag: file.action === 'create' ? 'wx' : 'w' });
  }
}
