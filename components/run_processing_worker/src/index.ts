export type { ProcessingWorkerDependencies } from './processing-handler.ts';
export { createProcessingHandler } from './processing-handler.ts';
