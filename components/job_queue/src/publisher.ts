import type { Logger } from '@mousetrap/log';
import {
  type ConfirmChannel,
  IllegalOperationError,
  type Message,
  type MessageProperties,
  type Options,
} from 'amqplib';
import { type Envelope, encodeMessage } from './envelope.ts';
import { busyError, closedError, JobQueueError } from './errors.ts';
import { createInFlight } from './in-flight.ts';

/** Confirmed publishing over whichever confirm channel the current connection has. */
export interface Publisher {
  /** True while a confirm channel is open. */
  readonly ready: boolean;
  /** True while `maxUnconfirmed` publishes wait for a confirm: the next is refused with `busy`. */
  readonly saturated: boolean;
  /** Publishes (retries included) sent and not yet confirmed or failed. */
  readonly unconfirmed: number;
  /**
   * Publishes over `channel` from now on (after every (re)connect, or in place of a channel the
   * broker nacked on) and sends what waited for one; a channel it replaces is closed once what was
   * sent on it is settled, or those publishes have timed out.
   */
  use(channel: ConfirmChannel): void;
  /**
   * Sends a persistent message to `queue`; resolves when the broker confirms it. One whose
   * connection is lost before the confirm is sent again over the next. Rejects at once with `busy`
   * when `maxUnconfirmed` publishes already wait for a confirm. `headers` (its trace context) go
   * on the message as they are.
   */
  publish(queue: string, envelope: Envelope, headers?: Record<string, string | number>): Promise<void>;
  /**
   * Sends a consumed message's copy (a retry) to `queue`; resolves when the broker confirms it.
   * Outside the window: consumers' prefetch bounds these, and refusing one only redelivers it.
   */
  republish(queue: string, content: Buffer, properties: MessageProperties): Promise<void>;
  /** Refuses new publishes, then waits up to `timeoutMs` for the broker to confirm the sent ones. */
  close(timeoutMs: number): Promise<void>;
}

/** Options of {@link createPublisher}. */
export interface PublisherOptions {
  /** How long a publish waits for a channel and the broker's confirm. */
  timeoutMs: number;
  /** Publishes waiting for a confirm at most. */
  maxUnconfirmed: number;
  logger: Logger;
  /**
   * Opens a new confirm channel and hands it to {@link Publisher.use}, resolving true, or resolves
   * false when there is no connection to open it on (a reconnect's setup opens one anyway). Called
   * when a publish finds its channel closed without a 'close' heard (one closed in the turn it was
   * opened, before `use`), and when the broker nacks a publish: a RabbitMQ 3.10 channel that first
   * publishes to a quorum queue while the queue elects a new leader (its old one's node just died)
   * is told the old leader and nacks every publish to it until that node is back, a minute or
   * more; a channel opened after the election publishes at once. One second after a replacement
   * another nack replaces the channel again, then after 2, 4 … up to 60 s while nacks go on (a
   * queue over its length limit nacks every publish for as long). @default none: nothing is
   * replaced
   */
  replaceChannel?: () => Promise<boolean>;
}

interface PublishChannel {
  channel: ConfirmChannel;
  open: boolean;
  /** Message ids the broker returned as unroutable and whose confirm has not come yet. */
  returned: Map<string, number>;
  /** Publishes sent on it whose confirm, nack or loss has not come yet. */
  pending: number;
  /** Replaced by a new channel: closed once `pending` is 0. */
  retiring: boolean;
  /** Its close has been asked for. */
  closing: boolean;
}

interface Waiting {
  send(): void;
  fail(error: JobQueueError): void;
}

/** The time after a replacement of the publish channel before a nack replaces it again, at first. */
const REPLACE_INTERVAL_MS = 1000;

/** The longest time between replacements while nacks go on; a minute without one starts afresh. */
const MAX_REPLACE_INTERVAL_MS = 60_000;

/** Makes a publisher that waits up to `timeoutMs` for a channel and the broker's confirm. */
export function createPublisher(options: PublisherOptions): Publisher {
  const { timeoutMs, maxUnconfirmed, logger } = options;
  let current: PublishChannel | undefined;
  let closed = false;
  const waiting = new Set<Waiting>();
  const unconfirmed = createInFlight();
  let lastNackAt = Number.NEGATIVE_INFINITY;
  let replacedAt = Number.NEGATIVE_INFINITY;
  let replaceIntervalMs = REPLACE_INTERVAL_MS;
  let replacing = false;
  const replaceFailed = (error: unknown) =>
    logger.warn('job_queue: could not open a new publish channel', { error: String(error) });

  // The nacked publish still fails (its caller tries again later); the next ones go on a new
  // channel. Nacks less than a minute apart are one run: its first replacement is a warning, and
  // each try after it (a channel opened or not) waits twice as long as the one before.
  const replaceAfterNack = (entry: PublishChannel) => {
    const now = performance.now();
    const firstOfRun = now - lastNackAt > MAX_REPLACE_INTERVAL_MS;
    lastNackAt = now;
    const { replaceChannel } = options;
    if (!replaceChannel || entry !== current || replacing) return;
    if (!firstOfRun && now - replacedAt < replaceIntervalMs) return;
    replacing = true;
    replacedAt = now;
    replaceIntervalMs = firstOfRun
      ? REPLACE_INTERVAL_MS
      : Math.min(replaceIntervalMs * 2, MAX_REPLACE_INTERVAL_MS);
    replaceChannel()
      .then((opened) => {
        if (!opened) return;
        const line = 'job_queue: the broker refused a publish; publishing on a new channel';
        if (firstOfRun) logger.warn(line);
        else logger.debug(line, { next_after_ms: replaceIntervalMs });
      }, replaceFailed)
      .finally(() => {
        replacing = false;
      });
  };

  // A channel whose 'close' came before use() attached its listener would otherwise stay current
  // for good: ready, so no reconnect replaces it, and every publish on it refused.
  const dropUnheardClose = (entry: PublishChannel) => {
    entry.open = false;
    if (current !== entry) return;
    current = undefined;
    options.replaceChannel?.().catch(replaceFailed);
  };

  const closeRetired = (entry: PublishChannel) => {
    if (!entry.open || entry.closing) return;
    entry.closing = true;
    entry.channel.close().catch(() => {});
  };
  // A replaced channel is closed once what was sent on it is settled, so that what the broker
  // takes on it is not sent again on the new one; at the latest when those publishes time out.
  const retire = (entry: PublishChannel) => {
    entry.retiring = true;
    if (entry.pending === 0) closeRetired(entry);
    else setTimeout(() => closeRetired(entry), timeoutMs).unref();
  };

  const send = (queue: string, content: Buffer, base: Options.Publish): Promise<void> => {
    // Sent with `mandatory`: the broker returns a message whose queue is missing before it confirms it.
    const properties: Options.Publish = { ...base, mandatory: true };
    const id = String(properties.messageId);
    const confirmed = new Promise<void>((resolve, reject) => {
      let done = false;
      const finish = (error?: Error) => {
        done = true;
        clearTimeout(timer);
        waiting.delete(self);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => finish(timeoutError(timeoutMs)), timeoutMs);
      const self: Waiting = {
        fail: finish,
        send() {
          waiting.delete(self);
          const entry = current;
          if (!entry) {
            waiting.add(self);
            return;
          }
          try {
            entry.channel.sendToQueue(queue, content, properties, (error: unknown) => {
              entry.pending -= 1;
              if (entry.retiring && entry.pending === 0) closeRetired(entry);
              if (error == null) return finish(takeReturned(entry, id, queue));
              // A lost channel calls back before its 'close' listeners have run; wait for them to
              // tell a nack (channel still open) from a lost channel.
              queueMicrotask(() => {
                if (entry.open && !closed) replaceAfterNack(entry);
                if (entry.open || closed) return finish(notConfirmed(entry, error));
                // Lost before the broker confirmed: sent again on the next channel (another node
                // of a cluster, or the same broker back), within the publish's time. The broker
                // may have taken the first copy; consumers take a message at least once anyway.
                // One that already timed out is not: its caller was told, and may send its own.
                if (!done) self.send();
              });
            });
            // Counted once sent: a confirm is never called back before sendToQueue returns.
            entry.pending += 1;
          } catch (error) {
            // amqplib refuses a property or a header table it cannot encode: the message's fault.
            if (!(error instanceof IllegalOperationError)) {
              return finish(
                new JobQueueError('invalid', `the message cannot be sent: ${String(error)}`, {
                  cause: error,
                }),
              );
            }
            // Closed before use() could hear it (in the turn that opened it): dropped, a new one
            // asked for, and this publish sent on it, within its time.
            dropUnheardClose(entry);
            if (!done) self.send();
          }
        },
      };
      self.send();
    });
    unconfirmed.track(confirmed);
    return confirmed;
  };

  return {
    get ready() {
      return current !== undefined;
    },

    get saturated() {
      return unconfirmed.size >= maxUnconfirmed;
    },

    get unconfirmed() {
      return unconfirmed.size;
    },

    use(channel) {
      const entry: PublishChannel = {
        channel,
        open: true,
        returned: new Map(),
        pending: 0,
        retiring: false,
        closing: false,
      };
      channel.on('close', () => {
        entry.open = false;
        if (current === entry) current = undefined;
      });
      channel.on('error', (error: Error) =>
        logger.warn('job_queue: publish channel failed', { error: error.message }),
      );
      // The confirm of a message the broker returned is turned into an 'unroutable' failure in send.
      channel.on('return', (message: Message) => {
        const id = String(message.properties.messageId);
        entry.returned.set(id, (entry.returned.get(id) ?? 0) + 1);
        logger.error('job_queue: the broker could not route a message: its queue is missing', {
          queue: message.fields.routingKey,
          message_id: id,
        });
      });
      const replaced = current;
      current = entry;
      for (const queued of [...waiting]) queued.send();
      if (replaced) retire(replaced);
    },

    publish(queue, envelope, headers) {
      if (closed) return Promise.reject(closedError());
      if (unconfirmed.size >= maxUnconfirmed) return Promise.reject(busyError(maxUnconfirmed));
      let content: Buffer;
      try {
        content = Buffer.from(encodeMessage(envelope));
      } catch (error) {
        return Promise.reject(error);
      }
      return send(queue, content, {
        persistent: true,
        contentType: 'application/json',
        messageId: envelope.id,
        correlationId: envelope.correlation_id,
        type: envelope.type,
        timestamp: Math.floor(Date.now() / 1000),
        ...(headers ? { headers } : {}),
      });
    },

    republish(queue, content, properties) {
      if (closed) return Promise.reject(closedError());
      const { headers, ...rest } = properties;
      // The delivery count belongs to the delivery, not to the copy.
      const { 'x-delivery-count': _count, ...kept } = headers ?? {};
      return send(queue, content, { ...rest, headers: kept });
    },

    async close(timeoutMs) {
      closed = true;
      for (const queued of [...waiting]) queued.fail(closedError());
      await unconfirmed.drain(timeoutMs);
    },
  };
}

/** The failure of a confirmed message the broker had returned as unroutable, if it was. */
function takeReturned(entry: PublishChannel, id: string, queue: string): JobQueueError | undefined {
  const count = entry.returned.get(id);
  if (count === undefined) return undefined;
  if (count > 1) entry.returned.set(id, count - 1);
  else entry.returned.delete(id);
  return new JobQueueError('unroutable', `queue ${queue} does not exist: the broker returned the message`);
}

function timeoutError(timeoutMs: number): JobQueueError {
  return new JobQueueError(
    'timeout',
    `no confirm from the broker within ${timeoutMs} ms (disconnected, or blocking publishers)`,
  );
}

function notConfirmed(entry: PublishChannel, cause: unknown): JobQueueError {
  return entry.open
    ? new JobQueueError('nacked', 'the broker refused the message', { cause })
    : new JobQueueError('unavailable', 'the connection was lost before the broker confirmed', { cause });
}
