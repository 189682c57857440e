export { failPoison, giveUpOnDelivery } from './give-up.ts';
export type { FailedJobSettlement } from './settle-failed-job.ts';
export { settleFailedJob } from './settle-failed-job.ts';
export { unknownJob } from './unknown-job.ts';
