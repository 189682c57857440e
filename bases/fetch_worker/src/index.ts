export { startFetchWorkerService } from './service.ts';
export type { FetchWorker, FetchWorkerOptions } from './worker.ts';
export { startFetchWorker } from './worker.ts';
