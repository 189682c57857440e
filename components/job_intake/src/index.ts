export type { JobView } from './describe-job.ts';
export { describeJob } from './describe-job.ts';
export type { Relay, RelayOptions } from './relay.ts';
export { startRelay } from './relay.ts';
export type { Retry } from './retry-job.ts';
export { retryJob } from './retry-job.ts';
export type { IntakeDependencies, Submission } from './submit-job.ts';
export { isOverloaded, submitJob } from './submit-job.ts';
