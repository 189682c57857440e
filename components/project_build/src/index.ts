export type { BuildOptions, BuildReport } from './build-project.ts';
export { buildProject } from './build-project.ts';
export type { BuildErrorCode, ProjectManifest } from './manifest.ts';
export { BuildError, readProjectManifest } from './manifest.ts';
export type { ProductionManifest } from './production-manifest.ts';
export { lockedVersions, productionManifest } from './production-manifest.ts';
