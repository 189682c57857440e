export type { BatcherOptions } from './batcher.ts';
export { createBatcher } from './batcher.ts';
export { createStore } from './create-store.ts';
export type { StoreErrorCode } from './errors.ts';
export { StoreError } from './errors.ts';
export { isPostgresUrl } from './hosts.ts';
export { JOB_STATUSES, JobSchema } from './job-schema.ts';
export type {
  Job,
  JobResult,
  JobStatus,
  MinuteActivity,
  ResultInput,
  Stage,
  StageOutcome,
  StageStarts,
  Store,
  StoreOptions,
  UnfinishedStatus,
  UnfinishedSummary,
} from './types.ts';
