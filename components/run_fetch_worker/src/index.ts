export type { FetchWorkerDependencies } from './fetch-handler.ts';
export { createFetchHandler } from './fetch-handler.ts';
