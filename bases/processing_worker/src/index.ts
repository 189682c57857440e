export { startProcessingWorkerService } from './service.ts';
export type { ProcessingWorker, ProcessingWorkerOptions } from './worker.ts';
export { startProcessingWorker } from './worker.ts';
