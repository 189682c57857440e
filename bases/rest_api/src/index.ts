export { createApp } from './app.ts';
export type { ApiDependencies } from './dependencies.ts';
export type { ApiMetrics } from './metrics.ts';
export { createApiMetrics } from './metrics.ts';
export { openApiDocument } from './openapi.ts';
export type { ApiOptions, RunningApi } from './server.ts';
export { startApi } from './server.ts';
