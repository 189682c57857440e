export { failPoison, giveUpOnDelivery } from './give-up.ts';
export type { StageRun, StageRunOptions } from './run-stage.ts';
export { runStage, STAGE_START_AFTER_MS } from './run-stage.ts';
export type { FailedJobSettlement } from './settle-failed-job.ts';
export { settleFailedJob } from './settle-failed-job.ts';
export { unknownJob } from './unknown-job.ts';
