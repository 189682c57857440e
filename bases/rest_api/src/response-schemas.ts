import { SummarySchema } from '@mousetrap/process_data';
import { JobSchema } from '@mousetrap/store';
import * as v from 'valibot';
import { ERROR_STATUS } from './errors.ts';

const ERROR_CODES = Object.keys(ERROR_STATUS) as [string, ...string[]];

/** The body of every error answer. */
export const ErrorBodySchema = v.object({
  error: v.pipe(v.picklist(ERROR_CODES), v.description('A short code.')),
  message: v.pipe(v.string(), v.description('What went wrong, for people.')),
  status: v.pipe(v.number(), v.integer(), v.description('The HTTP status, repeated.')),
  correlation_id: v.pipe(v.string(), v.description('As in the X-Correlation-ID header.')),
});

/** The answer to an accepted POST: the job to follow. */
export const AcceptedSchema = v.object({ status: v.literal('ok'), job_id: v.pipe(v.string(), v.uuid()) });

/** GET /: the newest result in the seed's shape, or `{}` before the first. */
export const LatestResultSchema = v.union([SummarySchema, v.strictObject({})]);

/** GET /jobs/{id}: the job, and its summary once it is done. */
export const JobViewSchema = v.object({
  ...JobSchema.entries,
  result: v.pipe(
    v.optional(SummarySchema),
    v.description('Present when the job is done: its summary, in the shape GET / answers.'),
  ),
});

/** GET /health. */
export const HealthSchema = v.object({ status: v.literal('ok') });

/** GET /ready: each check's verdict, "ok" or why it failed. */
export const ReadinessSchema = v.object({
  status: v.picklist(['ready', 'not_ready']),
  checks: v.pipe(
    v.object({ database: v.string(), broker: v.string() }),
    v.description('"ok", or why the check failed.'),
  ),
});

/** GET /dashboard/panels: the page's live parts. */
export const DashboardPanelsSchema = v.object({
  generated_at: v.pipe(v.string(), v.isoTimestamp(), v.description('When the store and broker were read.')),
  panels: v.pipe(
    v.record(v.string(), v.string()),
    v.description('The inner HTML of each panel of the page, escaped by the app.'),
  ),
});
