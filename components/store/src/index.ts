export { createStore } from './create-store.ts';
export type { StoreErrorCode } from './errors.ts';
export { StoreError } from './errors.ts';
export type {
  Job,
  JobResult,
  JobStatus,
  ResultInput,
  StageOutcome,
  Store,
  StoreOptions,
} from './types.ts';
