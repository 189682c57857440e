export type { BuildOptions, BuildReport } from './build-project.ts';
export { buildProject } from './build-project.ts';
export type { BundleFreshness, FreshBundle, FreshBundleOptions } from './bundle-freshness.ts';
export { bundleFreshness, ensureFreshBundle } from './bundle-freshness.ts';
export type { BuildErrorCode, ProjectManifest } from './manifest.ts';
export { BuildError, PUBLISHED_FIELDS, readProjectManifest } from './manifest.ts';
export type { ProductionManifest, PublishedManifest } from './production-manifest.ts';
export { lockedVersions, productionManifest } from './production-manifest.ts';
