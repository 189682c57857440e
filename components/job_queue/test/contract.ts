import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { captureLogger, startOtlpReceiver, waitFor } from '@mousetrap/test_kit';
import { inSpan, startTracing } from '@mousetrap/tracing';
import { createEnvelope, type Envelope, type QueueName } from '../src/envelope.ts';
import { JobQueueError } from '../src/errors.ts';
import type { Delivery, JobQueue, JobQueueOptions, QueueStats } from '../src/types.ts';

/** Opens a fresh job queue for one test; the caller's test file closes it and removes its queues. */
export type OpenJobQueue = (options?: JobQueueOptions) => Promise<JobQueue>;

/** A valid message for `queue`, with a job id of its own. */
export function envelopeFor(queue: QueueName, payload: unknown = { n: 1 }): Envelope {
  return createEnvelope({ type: queue, jobId: randomUUID(), correlationId: `c-${randomUUID()}`, payload });
}

/** The stats of one queue. */
export async function statsOf(queue: JobQueue, name: QueueName): Promise<QueueStats> {
  const stats = (await queue.stats()).find((entry) => entry.queue === name);
  if (!stats) throw new Error(`no stats for ${name}`);
  return stats;
}

/** A promise with its resolve function outside, to hold a handler until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof JobQueueError) return error.code;
    throw error;
  }
  throw new Error('expected a JobQueueError, the call succeeded');
}

/** The behaviour both transports promise, run against the transport that `open` makes. */
export function describeJobQueueContract(open: OpenJobQueue): void {
  test('traced: the wait and each try are children of the publish span; a retry links to the try it follows', async () => {
    const receiver = await startOtlpReceiver();
    const tracing = await startTracing({
      serviceName: 'contract',
      url: `${receiver.url}/v1/traces`,
      flushIntervalMs: 50,
    });
    try {
      const queue = await open({ retryDelaysMs: [50, 100] });
      let tries = 0;
      await queue.consume('start_fetch', async () => {
        tries += 1;
        if (tries === 1) throw new Error('the first try fails');
        return undefined;
      });
      await inSpan('caller', {}, () => queue.publish('start_fetch', envelopeFor('start_fetch')));
      await waitFor(() => tries === 2, { what: 'the retry' });
      await tracing.close();

      const named = (name: string) => receiver.spans.filter((span) => span.name === name);
      const [caller] = named('caller');
      const [publish] = named('publish start_fetch');
      const tried = named('process start_fetch').sort((a, b) => Number(a.startNs - b.startNs));
      const waits = named('wait start_fetch');
      expect(publish).toMatchObject({ kind: 4, traceId: caller?.traceId, parentSpanId: caller?.spanId });
      expect(tried).toHaveLength(2);
      expect(waits).toHaveLength(2);
      for (const span of [...tried, ...waits]) {
        expect(span).toMatchObject({ traceId: caller?.traceId, parentSpanId: publish?.spanId });
      }
      expect(tried.map((span) => [span.failed, span.attributes['mousetrap.attempt']])).toEqual([
        [true, 1],
        [false, 2],
      ]);
      expect(tried[0]?.links).toEqual([]);
      expect(tried[1]?.links).toEqual([{ traceId: caller?.traceId, spanId: tried[0]?.spanId }]);
    } finally {
      await tracing.close();
      await receiver.close();
    }
  });

  test('publish then consume: the handler receives the envelope exactly as published', async () => {
    const queue = await open();
    const sent = envelopeFor('start_fetch', {
      places: [['54.8', '38.1', 'Kashira', 'RU']],
      text: 'ünïcødé ✓',
      n: 1.5,
    });
    const received: Envelope[] = [];
    await queue.consume('start_fetch', async (message) => {
      received.push(message);
      return undefined;
    });

    await queue.publish('start_fetch', sent);

    await waitFor(() => received.length === 1, { what: 'the message' });
    expect(received[0]).toEqual(sent);
    expect(received[0]).not.toBe(sent);
  });

  test('500 messages with an acking handler: every one is delivered exactly once', async () => {
    const queue = await open();
    const sent = Array.from({ length: 500 }, (_, n) => envelopeFor('data_processing', { n }));
    const deliveries = new Map<string, number>();
    await queue.consume('data_processing', async (message) => {
      deliveries.set(message.id, (deliveries.get(message.id) ?? 0) + 1);
      return undefined;
    });

    await Promise.all(sent.map((envelope) => queue.publish('data_processing', envelope)));

    await waitFor(() => deliveries.size === 500, { what: '500 distinct messages', timeoutMs: 20_000 });
    await sleep(300);
    expect([...deliveries.keys()].sort()).toEqual(sent.map((envelope) => envelope.id).sort());
    expect([...deliveries.values()].every((count) => count === 1)).toBe(true);
    expect(await statsOf(queue, 'data_processing')).toMatchObject({ messages: 0, deadLetters: 0 });
  });

  test('with prefetch 5: at most 5 handlers run at once, and more than one does', async () => {
    const queue = await open({ prefetch: 5 });
    let running = 0;
    let mostRunning = 0;
    let handled = 0;
    await queue.consume('start_fetch', async () => {
      running += 1;
      mostRunning = Math.max(mostRunning, running);
      await sleep(50);
      running -= 1;
      handled += 1;
      return undefined;
    });

    await Promise.all(
      Array.from({ length: 20 }, () => queue.publish('start_fetch', envelopeFor('start_fetch'))),
    );

    await waitFor(() => handled === 20, { what: '20 handled messages' });
    expect(mostRunning).toBeLessThanOrEqual(5);
    expect(mostRunning).toBeGreaterThanOrEqual(2);
  });

  test('a handler answering { deadLetter }: the message moves to the dead-letter queue after one call', async () => {
    const queue = await open();
    let calls = 0;
    await queue.consume('start_fetch', async () => {
      calls += 1;
      return { deadLetter: 'payload cannot be processed' };
    });

    await queue.publish('start_fetch', envelopeFor('start_fetch'));

    await waitFor(async () => (await statsOf(queue, 'start_fetch')).deadLetters === 1, {
      what: 'a dead letter',
    });
    await sleep(200);
    expect(calls).toBe(1);
    expect(await statsOf(queue, 'start_fetch')).toMatchObject({ messages: 0, deadLetters: 1 });
  });

  test('a handler that throws once: the message is retried with attempt 2, and acking it then leaves nothing', async () => {
    const queue = await open({ retryDelaysMs: [50, 100] });
    const sent = envelopeFor('start_fetch');
    const calls: { id: string; delivery: Delivery }[] = [];
    await queue.consume('start_fetch', async (message, delivery) => {
      calls.push({ id: message.id, delivery });
      if (calls.length === 1) throw new Error('transient failure');
      return undefined;
    });

    await queue.publish('start_fetch', sent);

    await waitFor(() => calls.length === 2, { what: 'a retry' });
    await sleep(200);
    expect(calls).toEqual([
      {
        id: sent.id,
        delivery: { attempt: 1, redeliveries: 0, exhausted: false, final: false, putOff: false },
      },
      {
        id: sent.id,
        delivery: { attempt: 2, redeliveries: 0, exhausted: false, final: false, putOff: false },
      },
    ]);
    expect(await statsOf(queue, 'start_fetch')).toMatchObject({ messages: 0, deadLetters: 0 });
  });

  test('a handler that fails twice then succeeds, retries [50, 100]: called 3 times, final only on the third', async () => {
    const queue = await open({ retryDelaysMs: [50, 100] });
    const sent = envelopeFor('data_processing', { kept: 'the same body' });
    const calls: Delivery[] = [];
    const bodies: Envelope[] = [];
    await queue.consume('data_processing', async (message, delivery) => {
      calls.push(delivery);
      bodies.push(message);
      if (calls.length < 3) throw new Error('not yet');
      return undefined;
    });

    await queue.publish('data_processing', sent);

    await waitFor(() => calls.length === 3, { what: 'the third attempt', timeoutMs: 15_000 });
    await sleep(200);
    expect(calls).toEqual([
      { attempt: 1, redeliveries: 0, exhausted: false, final: false, putOff: false },
      { attempt: 2, redeliveries: 0, exhausted: false, final: false, putOff: false },
      { attempt: 3, redeliveries: 0, exhausted: false, final: true, putOff: false },
    ]);
    expect(bodies).toEqual([sent, sent, sent]);
    expect(await statsOf(queue, 'data_processing')).toMatchObject({ messages: 0, deadLetters: 0 });
  });

  test('a handler that always throws, retries [50, 100]: called 3 times, then dead-lettered and logged', async () => {
    const logger = captureLogger();
    const queue = await open({ retryDelaysMs: [50, 100], logger });
    const attempts: number[] = [];
    await queue.consume('data_processing', async (_message, delivery) => {
      attempts.push(delivery.attempt);
      throw new Error('always fails');
    });

    await queue.publish('data_processing', envelopeFor('data_processing'));

    await waitFor(async () => (await statsOf(queue, 'data_processing')).deadLetters === 1, {
      what: 'a dead letter',
      timeoutMs: 15_000,
    });
    await sleep(300);
    expect(attempts).toEqual([1, 2, 3]);
    const retried = logger.lines.filter((line) => line.message.includes('will be retried'));
    expect(retried.map((line) => line.context.retry_in_ms)).toEqual([50, 100]);
    const final = logger.lines.filter((line) => line.message.includes('final attempt'));
    expect(final).toHaveLength(1);
    expect(final[0]?.context).toMatchObject({ queue: 'data_processing', attempt: 3, error: 'always fails' });
  });

  test('a final attempt answering { retryLater } comes back after the longest delay as the same attempt, not dead-lettered', async () => {
    const logger = captureLogger();
    const queue = await open({ retryDelaysMs: [50, 100], logger });
    const calls: Delivery[] = [];
    await queue.consume('data_processing', async (_message, delivery) => {
      calls.push(delivery);
      if (!delivery.final) throw new Error('transient');
      // The final attempt cannot be settled twice (its database is away), then it can.
      return calls.length < 5 ? { retryLater: 'database unavailable' } : undefined;
    });

    await queue.publish('data_processing', envelopeFor('data_processing'));

    await waitFor(() => calls.length === 5, { what: 'the fifth call', timeoutMs: 15_000 });
    await sleep(300);
    // The copies are the final attempt again, marked as put off.
    expect(calls).toEqual([
      { attempt: 1, redeliveries: 0, exhausted: false, final: false, putOff: false },
      { attempt: 2, redeliveries: 0, exhausted: false, final: false, putOff: false },
      { attempt: 3, redeliveries: 0, exhausted: false, final: true, putOff: false },
      { attempt: 3, redeliveries: 0, exhausted: false, final: true, putOff: true },
      { attempt: 3, redeliveries: 0, exhausted: false, final: true, putOff: true },
    ]);
    expect(await statsOf(queue, 'data_processing')).toMatchObject({ messages: 0, deadLetters: 0 });
    const later = logger.lines.filter((line) => line.message.includes('tried again later'));
    expect(later.map((line) => [line.context.retry_in_ms, line.context.reason])).toEqual([
      [100, 'database unavailable'],
      [100, 'database unavailable'],
    ]);
  });

  test('with no retry delays, { retryLater } has nowhere to wait: the message is dead-lettered', async () => {
    const queue = await open({ retryDelaysMs: [] });
    await queue.consume('start_fetch', async () => ({ retryLater: 'database unavailable' }));
    await queue.publish('start_fetch', envelopeFor('start_fetch'));
    await waitFor(async () => (await statsOf(queue, 'start_fetch')).deadLetters === 1, {
      what: 'a dead letter',
    });
  });

  test('with no retry delays: a throwing handler is called once, told it is final, and dead-lettered', async () => {
    const queue = await open({ retryDelaysMs: [] });
    const calls: Delivery[] = [];
    await queue.consume('start_fetch', async (_message, delivery) => {
      calls.push(delivery);
      throw new Error('fails');
    });

    await queue.publish('start_fetch', envelopeFor('start_fetch'));

    await waitFor(async () => (await statsOf(queue, 'start_fetch')).deadLetters === 1, {
      what: 'a dead letter',
    });
    expect(calls).toEqual([{ attempt: 1, redeliveries: 0, exhausted: false, final: true, putOff: false }]);
  });

  test('a message waiting for its retry does not hold up the next one, which is handled first', async () => {
    // A delay of 2 s: the next message, published once the first attempt is seen, must be confirmed
    // and delivered before the retry, which a busy broker can take some hundreds of ms for.
    const queue = await open({ retryDelaysMs: [2000] });
    const failing = envelopeFor('start_fetch');
    const next = envelopeFor('start_fetch');
    const calls: string[] = [];
    await queue.consume('start_fetch', async (message, delivery) => {
      calls.push(`${message.id === failing.id ? 'failing' : 'next'}#${delivery.attempt}`);
      if (message.id === failing.id && delivery.attempt === 1) throw new Error('once');
      return undefined;
    });

    await queue.publish('start_fetch', failing);
    await waitFor(() => calls.length === 1, { what: 'the first attempt' });
    await queue.publish('start_fetch', next);

    await waitFor(() => calls.length === 3, { what: 'the retry' });
    expect(calls).toEqual(['failing#1', 'next#1', 'failing#2']);
  });

  test('with maxUnconfirmed 1, 20 publishes at once: one is taken, the others refused at once with busy', async () => {
    const queue = await open({ maxUnconfirmed: 1 });
    const handled: string[] = [];
    await queue.consume('start_fetch', async (message) => {
      handled.push(message.id);
      return undefined;
    });

    const settled = Promise.allSettled(
      Array.from({ length: 20 }, () => queue.publish('start_fetch', envelopeFor('start_fetch'))),
    );
    // While the window is full, check says so too, so that a caller can refuse work up front.
    await expect(queue.check()).rejects.toMatchObject({ code: 'busy' });
    const results = await settled;
    await expect(queue.check()).resolves.toBeUndefined();

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const refused = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    expect(refused).toHaveLength(19);
    for (const reason of refused) {
      expect(reason).toBeInstanceOf(JobQueueError);
      expect(reason).toMatchObject({ code: 'busy' });
    }
    await expect(queue.publish('start_fetch', envelopeFor('start_fetch'))).resolves.toBeUndefined();
    await waitFor(() => handled.length === 2, { what: 'the two taken messages' });
  });

  test('an envelope that fails validation: dead-lettered without reaching the handler, and the next is handled', async () => {
    const logger = captureLogger();
    const queue = await open({ logger });
    const handled: string[] = [];
    await queue.consume('start_fetch', async (message) => {
      handled.push(message.id);
      return undefined;
    });
    const invalid = { ...envelopeFor('start_fetch'), version: 2 } as unknown as Envelope;
    const ofOtherQueue = envelopeFor('data_processing');
    const valid = envelopeFor('start_fetch');

    await queue.publish('start_fetch', invalid);
    await queue.publish('start_fetch', ofOtherQueue);
    await queue.publish('start_fetch', valid);

    await waitFor(async () => (await statsOf(queue, 'start_fetch')).deadLetters === 2, {
      what: 'two dead letters',
    });
    await waitFor(() => handled.length === 1, { what: 'the valid message' });
    expect(handled).toEqual([valid.id]);
    const reasons = logger.lines
      .filter((line) => line.message.includes('invalid message'))
      .map((line) => String(line.context.reason));
    expect(reasons).toEqual([
      expect.stringContaining('not an envelope'),
      expect.stringContaining("a 'data_processing' message on the 'start_fetch' queue"),
    ]);
  });

  test('cancel: waits for the handler in flight to finish, and the consumer takes no more messages', async () => {
    const queue = await open();
    const started = gate();
    let finished = 0;
    let calls = 0;
    const consumer = await queue.consume('start_fetch', async () => {
      calls += 1;
      started.open();
      await sleep(300);
      finished += 1;
      return undefined;
    });
    await queue.publish('start_fetch', envelopeFor('start_fetch'));
    await started.promise;

    await consumer.cancel(5000);

    expect(finished).toBe(1);
    await queue.publish('start_fetch', envelopeFor('start_fetch'));
    await sleep(200);
    expect(calls).toBe(1);
    expect(await statsOf(queue, 'start_fetch')).toMatchObject({ messages: 1, consumers: 0 });
  });

  test('cancel with a grace shorter than the handler: the message goes to the next consumer', async () => {
    const queue = await open();
    const started = gate();
    const release = gate();
    const sent = envelopeFor('start_fetch');
    const consumer = await queue.consume('start_fetch', async () => {
      started.open();
      await release.promise;
      return undefined;
    });
    await queue.publish('start_fetch', sent);
    await started.promise;

    await consumer.cancel(50);
    const second: string[] = [];
    await queue.consume('start_fetch', async (message) => {
      second.push(message.id);
      return undefined;
    });

    await waitFor(() => second.length === 1, { what: 'the redelivery' });
    release.open();
    await sleep(200);
    expect(second).toEqual([sent.id]);
    expect(await statsOf(queue, 'start_fetch')).toMatchObject({ messages: 0, deadLetters: 0 });
  });

  test('deliveryLimit 2: after two consumers stopped on it, the third delivery is exhausted and final, and a throw dead-letters it', async () => {
    const queue = await open({ deliveryLimit: 2, retryDelaysMs: [50] });
    const seen: Delivery[] = [];
    const stopOnIt = async () => {
      const started = gate();
      const consumer = await queue.consume('start_fetch', async (_message, delivery) => {
        seen.push(delivery);
        started.open();
        // A worker that dies on the message: it never settles it.
        await new Promise(() => {});
        return undefined;
      });
      await started.promise;
      await consumer.cancel(20);
    };
    await queue.publish('start_fetch', envelopeFor('start_fetch'));
    await stopOnIt();
    await stopOnIt();
    let calls = 0;
    await queue.consume('start_fetch', async (_message, delivery) => {
      calls += 1;
      seen.push(delivery);
      throw new Error('fails again');
    });

    await waitFor(async () => (await statsOf(queue, 'start_fetch')).deadLetters === 1, {
      what: 'a dead letter',
    });
    await sleep(200);
    expect(calls).toBe(1);
    expect(seen).toEqual([
      { attempt: 1, redeliveries: 0, exhausted: false, final: false, putOff: false },
      { attempt: 1, redeliveries: 1, exhausted: false, final: false, putOff: false },
      { attempt: 1, redeliveries: 2, exhausted: true, final: true, putOff: false },
    ]);
    expect(await statsOf(queue, 'start_fetch')).toMatchObject({ messages: 0, deadLetters: 1 });
  });

  test('an exhausted delivery answering { retryLater } comes back later still exhausted, though its count starts again', async () => {
    const queue = await open({ deliveryLimit: 1, retryDelaysMs: [50] });
    const started = gate();
    const dying = await queue.consume('start_fetch', async () => {
      started.open();
      await new Promise(() => {});
      return undefined;
    });
    await queue.publish('start_fetch', envelopeFor('start_fetch'));
    await started.promise;
    await dying.cancel(20);
    const seen: Delivery[] = [];
    await queue.consume('start_fetch', async (_message, delivery) => {
      seen.push(delivery);
      // The first time, its job cannot be failed yet (the database is away); then it can.
      return seen.length === 1 ? { retryLater: 'database unavailable' } : undefined;
    });

    await waitFor(() => seen.length === 2, { what: 'the copy' });
    expect(seen).toEqual([
      { attempt: 1, redeliveries: 1, exhausted: true, final: true, putOff: false },
      { attempt: 1, redeliveries: 0, exhausted: true, final: true, putOff: true },
    ]);
  });

  test('inFlight: counts deliveries whose handler runs, and none once they are settled', async () => {
    const queue = await open();
    const release = gate();
    let started = 0;
    await queue.consume('start_fetch', async () => {
      started += 1;
      await release.promise;
      return undefined;
    });
    expect(queue.inFlight()).toEqual({ deliveries: 0, publishes: 0 });
    await Promise.all([1, 2, 3].map(() => queue.publish('start_fetch', envelopeFor('start_fetch'))));

    await waitFor(() => started === 3, { what: 'three handlers running' });
    expect(queue.inFlight()).toEqual({ deliveries: 3, publishes: 0 });
    release.open();
    await waitFor(() => queue.inFlight().deliveries === 0, { what: 'the handlers to finish' });
  });

  test('inFlight: counts a publish until its confirm', async () => {
    const queue = await open();
    const publishing = queue.publish('start_fetch', envelopeFor('start_fetch'));
    expect(queue.inFlight().publishes).toBe(1);
    await publishing;
    await waitFor(() => queue.inFlight().publishes === 0, { what: 'the confirm to be counted' });
  });

  test('stats: every queue with its message, consumer and dead-letter counts', async () => {
    const queue = await open();
    await queue.consume('data_processing', async () => undefined);
    await queue.publish('start_fetch', envelopeFor('start_fetch'));
    await queue.publish('start_fetch', envelopeFor('start_fetch'));

    await waitFor(async () => (await statsOf(queue, 'start_fetch')).messages === 2, { what: 'two messages' });
    expect(await queue.stats()).toEqual([
      { queue: 'start_fetch', messages: 2, consumers: 0, deadLetters: 0 },
      { queue: 'data_processing', messages: 0, consumers: 1, deadLetters: 0 },
    ]);
  });

  test('close: check, publish, consume and stats then fail with code closed; close again resolves', async () => {
    const queue = await open();
    await queue.check();

    await queue.close();

    expect(await codeOf(queue.publish('start_fetch', envelopeFor('start_fetch')))).toBe('closed');
    expect(await codeOf(queue.consume('start_fetch', async () => undefined))).toBe('closed');
    expect(await codeOf(queue.check())).toBe('closed');
    expect(await codeOf(queue.stats())).toBe('closed');
    await expect(queue.close()).resolves.toBeUndefined();
  });

  test('close: waits for a handler in flight, which can still publish its follow-up message', async () => {
    const queue = await open();
    const started = gate();
    let published = false;
    await queue.consume('start_fetch', async (message) => {
      started.open();
      await sleep(200);
      await queue.publish('data_processing', envelopeFor('data_processing', { after: message.id }));
      published = true;
      return undefined;
    });
    await queue.publish('start_fetch', envelopeFor('start_fetch'));
    await started.promise;

    await queue.close();

    expect(published).toBe(true);
  });
}
