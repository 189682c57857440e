import type { JobQueue } from '@mousetrap/job_queue';
import type { Logger } from '@mousetrap/log';
import type { Job, Store } from '@mousetrap/store';
import type { ApiMetrics } from './metrics.ts';

/** What the HTTP API is built on; the caller opens and closes each of them. */
export interface ApiDependencies {
  /** Where jobs are recorded and results read. */
  store: Store;
  /** Where accepted jobs are handed to the fetch worker; also checked by GET /ready. */
  queue: JobQueue;
  /** The service's logger; each request gets a child bound to its correlation id. */
  logger: Logger;
  /** Served by GET /metrics; every request is counted and timed in it. */
  metrics: ApiMetrics;
  /** When set, POST requests must carry it (`Authorization: Bearer <key>` or `X-API-Key`). @default undefined */
  apiKey?: string | undefined;
  /** The largest request body accepted, in bytes; a body is read and dropped, never parsed. @default 16384 */
  bodyLimitBytes?: number | undefined;
  /** The stage budget the sweeper holds jobs to, shown by the dashboard. @default 300000 */
  stageTimeoutMs?: number | undefined;
  /** A trace UI's page of one trace, `{traceId}` where the id goes: the dashboard links jobs to it. @default undefined */
  traceUiUrl?: string | undefined;
  /** Runs between recording a job and publishing it: the fault suite's crash hook. @default undefined */
  afterCommit?: ((job: Job) => void) | undefined;
}
