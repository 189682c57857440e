import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Workspace } from '@mousetrap/workspace_model';
import type { PlannedFile } from './plan.ts';
import { addToReadmeLayout, type LayoutEntry } from './readme-layout.ts';
import type { Registration } from './registration.ts';

/** The README.md update listing a new brick or project, or a note saying why there is none. */
export function readmeEntry(ws: Workspace, entry: LayoutEntry): Registration {
  let readme: string;
  try {
    readme = readFileSync(join(ws.root, 'README.md'), 'utf8');
  } catch {
    return { note: `README.md not found: ${entry.folder}/${entry.name} is not listed in a README` };
  }
  const updated = addToReadmeLayout(readme, ws.config.folders, entry);
  if (updated === undefined) {
    return {
      note: `README.md has no workspace layout block (a fenced block with ${ws.config.folders.components}/, ${ws.config.folders.bases}/ and ${ws.config.folders.projects}/ lines): ${entry.name} is not listed there`,
    };
  }
  const file: PlannedFile = { path: 'README.md', action: 'update', content: updated, previous: readme };
  return { file };
}
