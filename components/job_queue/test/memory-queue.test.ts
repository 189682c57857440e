import { waitFor } from '@mousetrap/test_kit';
import type { Envelope } from '../src/envelope.ts';
import { createMemoryJobQueue, type MemoryJobQueue } from '../src/memory-queue.ts';
import type { JobQueueOptions } from '../src/types.ts';
import { describeJobQueueContract, envelopeFor } from './contract.ts';

describe('job_queue in memory', () => {
  const opened: MemoryJobQueue[] = [];
  const open = async (options: JobQueueOptions = {}) => {
    const queue = createMemoryJobQueue(options);
    opened.push(queue);
    return queue;
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((queue) => queue.close()));
  });

  describeJobQueueContract(open);

  test('deadLetters: returns the dead-lettered messages as published, including invalid ones', async () => {
    const queue = createMemoryJobQueue();
    opened.push(queue);
    const rejected = envelopeFor('start_fetch');
    const invalid = { ...envelopeFor('start_fetch'), job_id: 'not-a-uuid' } as unknown as Envelope;
    await queue.consume('start_fetch', async () => ({ deadLetter: 'no' }));

    await queue.publish('start_fetch', rejected);
    await queue.publish('start_fetch', invalid);

    await waitFor(() => queue.deadLetters('start_fetch').length === 2, { what: 'two dead letters' });
    const byId = (a: unknown, b: unknown) =>
      String((a as Envelope).id).localeCompare(String((b as Envelope).id));
    expect(queue.deadLetters('start_fetch').sort(byId)).toEqual([rejected, invalid].sort(byId));
    expect(queue.deadLetters('data_processing')).toEqual([]);
  });

  test("a handler that mutates its message: the publisher's object and a retry are unaffected", async () => {
    const queue = createMemoryJobQueue({ retryDelaysMs: [10] });
    opened.push(queue);
    const sent = envelopeFor('start_fetch', { list: [1, 2] });
    const seen: unknown[] = [];
    await queue.consume('start_fetch', async (message) => {
      seen.push(structuredClone(message.payload));
      (message.payload as { list: number[] }).list.push(3);
      if (seen.length === 1) throw new Error('once');
      return undefined;
    });

    await queue.publish('start_fetch', sent);

    await waitFor(() => seen.length === 2, { what: 'the retry' });
    expect(seen).toEqual([{ list: [1, 2] }, { list: [1, 2] }]);
    expect(sent.payload).toEqual({ list: [1, 2] });
  });

  test('createMemoryJobQueue: with prefetch 0, throws a RangeError naming the option', () => {
    expect(() => createMemoryJobQueue({ prefetch: 0 })).toThrow(/prefetch/);
  });
});
