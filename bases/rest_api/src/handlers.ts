import { describeJob, retryJob, submitJob } from '@mousetrap/job_intake';
import { runChecks } from '@mousetrap/probes';
import type { Request, Response } from 'express';
import * as v from 'valibot';
import { contextOf } from './correlation.ts';
import type { ApiDependencies } from './dependencies.ts';
import { HttpError } from './errors.ts';

/** Answers one request with the API's dependencies; a rejection goes to the error table. */
export type Handler = (deps: ApiDependencies, req: Request, res: Response) => Promise<void> | void;

/** An `Idempotency-Key` header, when one is sent: 1–200 printable ASCII characters. */
const IdempotencyKeySchema = v.optional(v.pipe(v.string(), v.regex(/^[\x20-\x7E]{1,200}$/)));

/** A job id in a path: a UUID, checked before the database sees it. */
const JobIdSchema = v.pipe(v.string(), v.uuid());

/** POST /refresh: records a job and hands it on; 202 with the job's id and where to watch it. */
export const submitRefresh: Handler = async (deps, req, res) => {
  const key = v.safeParse(IdempotencyKeySchema, req.get('Idempotency-Key'));
  if (!key.success) {
    throw new HttpError('bad_request', 'Idempotency-Key must be 1 to 200 printable ASCII characters');
  }
  const { correlationId, logger } = contextOf(res);
  const { job, created } = await submitJob(
    { store: deps.store, queue: deps.queue, logger, afterCommit: deps.afterCommit },
    { correlationId, idempotencyKey: key.output },
  );
  deps.metrics.countSubmission(created);
  res.status(202).location(`/jobs/${job.id}`).json({ status: 'ok', job_id: job.id });
};

/** GET /: the newest result in the seed's shape `{centroid, most_northerly}`, or `{}` before the first. */
export const showLatestResult: Handler = async (deps, _req, res) => {
  const result = await deps.store.latestResult();
  res.json(result ? { centroid: result.centroid, most_northerly: result.most_northerly } : {});
};

/** GET /jobs/:id: the job as the store records it. */
export const showJob: Handler = async (deps, req, res) => {
  const id = v.safeParse(JobIdSchema, req.params.id);
  if (!id.success) throw new HttpError('bad_request', 'the job id must be a UUID');
  const job = await describeJob(deps.store, id.output);
  if (!job) throw new HttpError('not_found', `there is no job ${id.output}`);
  res.json(job);
};

/** POST /jobs/:id/retry: sends a failed job through the pipeline again; 202 and where to watch it. */
export const retryFailedJob: Handler = async (deps, req, res) => {
  const id = v.safeParse(JobIdSchema, req.params.id);
  if (!id.success) throw new HttpError('bad_request', 'the job id must be a UUID');
  const { logger } = contextOf(res);
  const retry = await retryJob({ store: deps.store, queue: deps.queue, logger }, id.output);
  if (retry.outcome === 'unknown') throw new HttpError('not_found', `there is no job ${id.output}`);
  if (retry.outcome === 'not_failed') {
    throw new HttpError(
      'conflict',
      `job ${id.output} is ${retry.job.status}; only a failed job can be retried`,
    );
  }
  res.status(202).location(`/jobs/${id.output}`).json({ status: 'ok', job_id: id.output });
};

/** How long GET /ready waits for each dependency before calling it not ready. */
const CHECK_TIMEOUT_MS = 2000;

/** GET /health: liveness; that the process answers at all is the whole check. */
export const showHealth: Handler = (_deps, _req, res) => {
  res.json({ status: 'ok' });
};

/** GET /ready: 200 when the database and the broker both answer in time, else 503 naming what failed. */
export const showReadiness: Handler = async (deps, _req, res) => {
  const { ready, checks } = await runChecks(
    { database: () => deps.store.ping(), broker: () => deps.queue.check() },
    CHECK_TIMEOUT_MS,
  );
  res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
};

/** GET /metrics: the registry in Prometheus text format. */
export const showMetrics: Handler = async (deps, _req, res) => {
  const { registry } = deps.metrics;
  res.type(registry.contentType).send(await registry.metrics());
};
