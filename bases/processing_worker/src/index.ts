export type { ProcessingWorker, ProcessingWorkerOptions } from './worker.ts';
export { startProcessingWorker } from './worker.ts';
