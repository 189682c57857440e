export { createStore } from './create-store.ts';
export type { StoreErrorCode } from './errors.ts';
export { StoreError } from './errors.ts';
export type { FailedJobSettlement } from './settle-failed-job.ts';
export { settleFailedJob } from './settle-failed-job.ts';
export type {
  Job,
  JobResult,
  JobStatus,
  MinuteActivity,
  ResultInput,
  StageOutcome,
  Store,
  StoreOptions,
} from './types.ts';
