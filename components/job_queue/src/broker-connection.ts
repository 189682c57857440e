import { redactUrl } from '@mousetrap/log';
import { type ChannelModel, connect, type Options } from 'amqplib';
import { type BrokerNode, shuffled } from './broker-nodes.ts';
import { coalesceConnectionWrites } from './coalesce-writes.ts';
import { JobQueueError } from './errors.ts';
import type { AmqpJobQueueSettings } from './options.ts';
import { refusalError } from './refusal.ts';

/** Pause before reopening a channel lost while its connection stays up. */
const REOPEN_DELAY_MS = 1000;

/** How long a close waits for the broker to acknowledge it. */
const CLOSE_MS = 5000;

/** The message of an error, with any URL's credentials masked, for the log. */
export const describe = (error: unknown): string =>
  redactUrl(error instanceof Error ? error.message : String(error));

/**
 * One recovering connection to the broker: the model of the moment (none while it is away),
 * whether the broker blocks publishing, and the reopening of a channel lost while the connection
 * stays up.
 */
export interface BrokerConnection {
  /** The connection now, or undefined while it is being re-established. */
  current(): ChannelModel | undefined;
  /** Why the broker blocks publishing right now (a memory or disk alarm), or undefined. */
  blocked(): string | undefined;
  /**
   * Runs `task` on `lost` again after a pause (and again, until it works), unless a reconnect
   * replaced `lost` meanwhile, whose setup re-creates everything anyway, or the connection closes.
   */
  reopen(lost: ChannelModel, what: string, task: (model: ChannelModel) => Promise<void>): void;
  /** Stops reopening and closes the connection, waiting at most 5 s for the broker's answer. */
  close(): Promise<void>;
}

/**
 * Connects to the broker with amqplib's recovery: `setup` runs on every (re)connect before the
 * connection counts as up (declare, reopen channels, re-attach consumers). A broker that is not up
 * yet is waited for up to `startTimeoutMs`, or until `signal` is aborted; one that refuses the
 * login or the virtual host, or whose queues contradict the declaration, fails the start at once.
 * Every event is logged, credentials masked.
 */
export async function openBrokerConnection(
  settings: AmqpJobQueueSettings,
  setup: (model: ChannelModel) => Promise<void>,
  signal: AbortSignal | undefined,
): Promise<BrokerConnection> {
  const { logger, broker } = settings;
  const timers = new Set<NodeJS.Timeout>();
  let model: ChannelModel | undefined;
  let blocked: string | undefined;
  let closed = false;
  let started = false;
  let ungrouped = false;
  let lastError: unknown;
  let startFailure: JobQueueError | undefined;
  let failStart: (error: unknown) => void = () => {};

  // A cluster's nodes in a random order, tried in turn: amqplib reads the target object again at
  // every (re)connect, so moving it to the next node after a failed attempt or a lost connection
  // is what makes the recovery go elsewhere. (The object form, for one node too: it carries the
  // heartbeat a URL string would leave to the broker.)
  const order = shuffled(settings.nodes);
  let nodeIndex = 0;
  const node = () => order[nodeIndex % order.length] as BrokerNode;
  const target: Options.Connect = { ...node().target };
  // The node the last connection or attempt was with, for the log lines that follow its end.
  let left = node();
  const moveOn = () => {
    left = node();
    nodeIndex += 1;
    Object.assign(target, node().target);
  };

  const connection = await connect(target, {
    clientProperties: { connection_name: settings.connectionName },
    recovery: {
      initialDelay: 200,
      maxDelay: 10_000,
      waitForConnect: false,
      setup: async (next: ChannelModel) => {
        if (!coalesceConnectionWrites(next) && !ungrouped) {
          ungrouped = true;
          logger.warn(
            'job_queue: cannot group the writes to the broker (amqplib keeps its socket elsewhere); each frame goes out alone',
          );
        }
        // Connection errors end in 'close', which recovery handles; without a listener they would throw.
        next.on('error', () => {});
        next.once('close', () => {
          if (model === next) model = undefined;
        });
        await setup(next);
        model = next;
        blocked = undefined;
      },
    },
  });
  connection.on('connect', () =>
    logger.info(`job_queue: ${started ? 'reconnected' : 'connected'}`, { broker: node().address }),
  );
  connection.on('disconnect', (error) => {
    logger.warn('job_queue: lost the broker connection; reconnecting', {
      broker: node().address,
      error: describe(error),
    });
    moveOn();
  });
  connection.on('connect-failed', (error: Error & { code?: unknown }) => {
    lastError = error;
    moveOn();
    if (started) return;
    // A refused login or virtual host, or queues that exist with other arguments, will not change
    // by retrying: fail the start at once.
    startFailure =
      refusalError(error, left.url, left.address) ??
      (error.code === 406
        ? new JobQueueError('unavailable', `cannot declare the queues: ${describe(error)}`, { cause: error })
        : undefined);
    if (startFailure) failStart(startFailure);
  });
  connection.on('reconnect-scheduled', ({ attempt, delay, error }) => {
    // A start that failed at once is not retried, whatever amqplib schedules before it is closed.
    if (startFailure) return;
    logger.warn('job_queue: cannot connect to the broker; retrying', {
      broker: left.address,
      ...(order.length > 1 && { next: node().address }),
      attempt,
      delay_ms: delay,
      error: describe(error),
    });
  });
  connection.on('reconnect-failed', (error) =>
    logger.error('job_queue: gave up reconnecting', { broker, error: describe(error) }),
  );
  connection.on('blocked', (reason) => {
    blocked = reason;
    logger.warn('job_queue: the broker blocks publishing', { broker, reason });
  });
  connection.on('unblocked', () => {
    blocked = undefined;
    logger.info('job_queue: the broker unblocked publishing', { broker });
  });
  connection.on('error', (error) =>
    logger.warn('job_queue: connection error', { broker, error: describe(error) }),
  );
  connection.on('handler-error', (error: Error, event: string) =>
    logger.error('job_queue: a connection event listener failed', { event, error: describe(error) }),
  );

  let startTimer: NodeJS.Timeout | undefined;
  const abandon = () => failStart(signal?.reason);
  try {
    logger.info('job_queue: connecting', { broker });
    await Promise.race([
      connection.waitForConnect(),
      new Promise<never>((_, reject) => {
        failStart = reject;
        startTimer = setTimeout(() => {
          const reason = lastError === undefined ? '' : `: ${describe(lastError)}`;
          reject(
            new JobQueueError(
              'unavailable',
              `no connection to ${broker} within ${settings.startTimeoutMs} ms${reason}`,
              { cause: lastError },
            ),
          );
        }, settings.startTimeoutMs);
        if (signal?.aborted) abandon();
        else signal?.addEventListener('abort', abandon, { once: true });
      }),
    ]);
  } catch (error) {
    await connection.close().catch(() => {});
    if (signal?.aborted && error === signal.reason) throw error;
    throw error instanceof JobQueueError
      ? error
      : new JobQueueError('unavailable', `cannot connect to ${broker}: ${describe(error)}`, { cause: error });
  } finally {
    clearTimeout(startTimer);
    signal?.removeEventListener('abort', abandon);
    started = true;
  }

  const reopen: BrokerConnection['reopen'] = (lost, what, task) => {
    const timer = setTimeout(async () => {
      timers.delete(timer);
      if (model !== lost || closed) return;
      try {
        await task(lost);
        logger.info(`job_queue: reopened ${what}`);
      } catch (error) {
        logger.error(`job_queue: could not reopen ${what}; retrying`, { error: describe(error) });
        reopen(lost, what, task);
      }
    }, REOPEN_DELAY_MS);
    timer.unref();
    timers.add(timer);
  };

  return {
    current: () => model,
    blocked: () => blocked,
    reopen,
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      // A broker that stopped answering would hold the close-ok back for ever: the close is
      // bounded, like every wait before it, and the socket goes with the process.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CLOSE_MS);
      });
      await Promise.race([connection.close().catch(() => {}), late]).finally(() => clearTimeout(timer));
    },
  };
}
