import { JobQueueError, type JobQueueErrorCode } from '@mousetrap/job_queue';
import { StoreError, type StoreErrorCode } from '@mousetrap/store';

// The variables that can cause a failure, by the failing brick's error class and code: a refusal
// is a setting to fix, where a broker or database that is away is waited for (and not listed).
const brokerVariables: Partial<Record<JobQueueErrorCode, string>> = {
  refused: 'RABBITMQ_URL (or RABBITMQ_USER and RABBITMQ_PASSWORD)',
};
const databaseVariables: Partial<Record<StoreErrorCode, string>> = {
  refused: 'DATABASE_URL (or POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB)',
};

function variablesFor(error: unknown): string | undefined {
  if (error instanceof JobQueueError) return brokerVariables[error.code];
  if (error instanceof StoreError) return databaseVariables[error.code];
  return undefined;
}

/**
 * Why a service or script failed, in one line for an operator: the error's message, followed by
 * the variables to check when a setting can cause it (the broker or the database refusing the
 * credentials, say). Components know nothing of variable names; this is where they are put back.
 */
export function explainFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const variables = variablesFor(error);
  return variables === undefined ? message : `${message}: check ${variables}`;
}
