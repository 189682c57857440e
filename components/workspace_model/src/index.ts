export type { ImportSite } from './classify-import.ts';
export { classifyImport, packageNameOf } from './classify-import.ts';
export { compareText } from './compare.ts';
export type { WorkspaceErrorCode } from './errors.ts';
export { WorkspaceError } from './errors.ts';
export { findWorkspaceRoot } from './find-workspace-root.ts';
export type { CycleOptions, GraphOptions } from './graph.ts';
export {
  affectedBricks,
  brickDependencies,
  dependencyClosure,
  dependents,
  findCycles,
  isRuntimeImport,
  librariesImported,
  projectsShipping,
} from './graph.ts';
export type { LibraryNeed, LibraryNeeds } from './library-needs.ts';
export { libraryNeeds } from './library-needs.ts';
export type { LoadWorkspaceOptions } from './load-workspace.ts';
export { loadWorkspace, readWorkspaceConfig } from './load-workspace.ts';
export type { DepsOptions, Edges } from './queries.ts';
export {
  allProjects,
  brickNamed,
  edgesOf,
  projectNamed,
  shippedBy,
  sortedBricks,
  usedByOf,
  usesOf,
} from './queries.ts';
export type { ScanCache, ScanCacheOptions } from './scan-cache.ts';
export { createScanCache } from './scan-cache.ts';
export type { ImportSyntax, ScannedImport } from './scan-imports.ts';
export { scanImports } from './scan-imports.ts';
export type {
  Brick,
  BrickKind,
  ImportRef,
  ImportTarget,
  Project,
  Workspace,
  WorkspaceConfig,
} from './types.ts';
export { DEFAULT_CONFIG, parseWorkspaceConfig } from './workspace-config.ts';
