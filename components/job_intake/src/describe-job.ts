import type { Summary } from '@mousetrap/process_data';
import type { Job, Store } from '@mousetrap/store';

/** A job as GET /jobs/{id} shows it: the job, and its summary once it is done. */
export type JobView = Job & { result?: Summary };

/** Reads a job and, when it is done, its result in the shape GET / answers; undefined when unknown. */
export async function describeJob(store: Store, jobId: string): Promise<JobView | undefined> {
  const found = await store.getJobWithResult(jobId);
  if (!found) return undefined;
  const { job, result } = found;
  return job.status === 'done' && result
    ? { ...job, result: { centroid: result.centroid, most_northerly: result.most_northerly } }
    : job;
}
