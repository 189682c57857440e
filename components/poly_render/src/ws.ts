import type { Brick, Project, Workspace, WorkspaceConfig } from '@mousetrap/workspace_model';

/** A project as JSON: an absent alias is `null`, so every project has the same keys. */
export type ProjectJson = Omit<Project, 'alias'> & { alias: string | null };

/** What `poly ws` prints: the workspace model as one JSON-ready document. */
export interface WsView {
  /** The workspace root exactly as the model holds it. */
  root: string;
  config: WorkspaceConfig;
  /** Components first, then bases, each with its imports. */
  bricks: Brick[];
  projects: ProjectJson[];
  development: ProjectJson | null;
}

/** The whole workspace model as plain JSON data, with `null` where the model has `undefined`. */
export function wsView(ws: Workspace): WsView {
  const project = (p: Project): ProjectJson => ({ ...structuredClone(p), alias: p.alias ?? null });
  return {
    root: ws.root,
    config: structuredClone(ws.config),
    bricks: structuredClone(ws.bricks),
    projects: ws.projects.map(project),
    development: ws.development === undefined ? null : project(ws.development),
  };
}
