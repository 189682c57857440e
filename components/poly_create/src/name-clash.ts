import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Workspace } from '@mousetrap/workspace_model';
import { PolyCreateError } from './errors.ts';
import { RESERVED_NAMES, validateName } from './names.ts';

/**
 * Refuses a name for a new brick or project: one {@link validateName} rejects (this workspace's
 * folder names are reserved too), one a component, a base or a project already has (they share
 * one npm namespace), or one whose folder exists in a brick or project folder without being one.
 */
export function assertNewName(ws: Workspace, name: string, what: string): void {
  const { folders } = ws.config;
  validateName(name, what, [...new Set([...RESERVED_NAMES, ...Object.values(folders)])]);
  const brick = ws.bricks.find((candidate) => candidate.name === name);
  if (brick) throw clash(`a ${brick.kind} named ${name} already exists at ${brick.dir}`);
  const project = [...ws.projects, ...(ws.development ? [ws.development] : [])].find(
    (candidate) => candidate.name === name,
  );
  if (project) throw clash(`a project named ${name} already exists at ${project.dir}`);
  for (const folder of [folders.components, folders.bases, folders.projects]) {
    const dir = `${folder}/${name}`;
    if (existsSync(join(ws.root, dir))) {
      throw clash(`${dir} already exists (a folder that is not a brick or a project)`);
    }
  }
}

const clash = (message: string) => new PolyCreateError('exists', message);
