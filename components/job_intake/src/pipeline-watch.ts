import type { JobQueue, QueueName, QueueStats } from '@mousetrap/job_queue';
import type { Logger } from '@mousetrap/log';
import type { Store } from '@mousetrap/store';

/** The pipeline as the API can see it at one instant: its unfinished jobs and its queues. */
export interface PipelineHealth {
  /** Jobs queued, fetching or processing. */
  unfinished: number;
  /** How long the oldest unfinished job has waited since it was accepted, in seconds; 0 when none. */
  oldestUnfinishedSeconds: number;
  /** Handed-off unfinished jobs with no progress within their stage's budget. */
  stalled: number;
  /** Every pipeline queue's counts, or undefined while the broker does not answer. */
  queues: QueueStats[] | undefined;
  /** Pipeline queues where messages wait and no consumer reads them. */
  unconsumed: QueueName[];
}

/** Reads the pipeline's health: one store query and one look at the queues. */
export async function readPipelineHealth(
  deps: { store: Store; queue: JobQueue },
  stageTimeoutMs: number,
): Promise<PipelineHealth> {
  const [summary, queues] = await Promise.all([
    deps.store.unfinishedSummary(stageTimeoutMs),
    deps.queue.stats().catch(() => undefined),
  ]);
  const oldest = summary.oldestCreatedAt === null ? undefined : Date.parse(summary.oldestCreatedAt);
  return {
    unfinished: summary.unfinished,
    oldestUnfinishedSeconds: oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest) / 1000),
    stalled: summary.stalled,
    queues,
    unconsumed: unconsumedQueues(queues),
  };
}

/** The pipeline queues where messages wait and no consumer reads them; none while the broker does not answer. */
export function unconsumedQueues(queues: readonly QueueStats[] | undefined): QueueName[] {
  return (queues ?? [])
    .filter((entry) => entry.messages > 0 && entry.consumers === 0)
    .map((entry) => entry.queue);
}

/** Who should be reading a pipeline queue, in the words of an operator's warning. */
export function consumerOf(queue: QueueName): string {
  return WHO_CONSUMES[queue];
}

/** Options of {@link startPipelineWatch}. */
export interface PipelineWatchOptions {
  /** The stage budget that makes a job stalled, as the sweeper's. */
  stageTimeoutMs: number;
  /** Time between two looks. @default 5000 */
  intervalMs?: number;
}

/** A running watch. */
export interface PipelineWatch {
  /** The last look's health, or undefined before the first one answered. */
  latest(): PipelineHealth | undefined;
  /** Looks now, keeps the answer as the latest and logs what changed. */
  look(): Promise<PipelineHealth>;
  stop(): Promise<void>;
}

const WHO_CONSUMES: Record<QueueName, string> = {
  start_fetch: 'a fetch worker',
  data_processing: 'a processing worker',
};

/**
 * Looks at the pipeline every `intervalMs` and says in the log when a queue holds messages that no
 * consumer reads (a worker down, or started with another queue prefix) and when it is read again:
 * a misconfiguration shows here, while readiness stays each process's own business.
 */
export function startPipelineWatch(
  deps: { store: Store; queue: JobQueue; logger: Logger },
  options: PipelineWatchOptions,
): PipelineWatch {
  let latest: PipelineHealth | undefined;
  let running: Promise<PipelineHealth> | undefined;
  const unread = new Set<QueueName>();

  const report = (health: PipelineHealth) => {
    for (const queue of health.unconsumed) {
      if (unread.has(queue)) continue;
      unread.add(queue);
      const waiting = health.queues?.find((entry) => entry.queue === queue)?.messages ?? 0;
      deps.logger.warn(
        `${queue}: messages wait and no consumer reads them; is ${consumerOf(queue)} running, with the same queue prefix as the API?`,
        { queue, messages: waiting },
      );
    }
    for (const queue of unread) {
      // Only a broker that answered can say the queue is read again.
      if (health.queues === undefined || health.unconsumed.includes(queue)) continue;
      unread.delete(queue);
      deps.logger.info(`${queue}: no longer waits for a consumer`, { queue });
    }
  };

  const look = () => {
    running ??= readPipelineHealth(deps, options.stageTimeoutMs)
      .then((health) => {
        latest = health;
        report(health);
        return health;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const timer = setInterval(() => {
    look().catch((error: unknown) =>
      deps.logger.debug('pipeline watch: could not look', { error: String(error) }),
    );
  }, options.intervalMs ?? 5000);
  timer.unref();

  return {
    latest: () => latest,
    look,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
