import { createEnvelope, type Delivery, type Handler } from '@mousetrap/job_queue';
import { captureLogger } from '@mousetrap/test_kit';
import { crashOnCorrelationId } from '../src/crash-hook.ts';

const first: Delivery = { attempt: 1, redeliveries: 0, exhausted: false, final: false };
const message = (correlationId: string) =>
  createEnvelope({ type: 'data_processing', jobId: crypto.randomUUID(), correlationId, payload: {} });
const acking: Handler = async () => undefined;
const busy = { inFlight: () => ({ deliveries: 3, publishes: 0 }) };

describe('crashOnCorrelationId (TEST_CRASH_ON_CORRELATION_ID)', () => {
  test('unset, the handler is returned as it is', () => {
    expect(crashOnCorrelationId(undefined, acking, captureLogger(), busy, () => {})).toBe(acking);
  });

  test('crashes on that job’s messages only, with a last line saying what was in flight', async () => {
    const crashes: Record<string, unknown>[] = [];
    const handler = crashOnCorrelationId('crash-me', acking, captureLogger(), busy, (line) =>
      crashes.push(line),
    );

    await handler(message('someone-else'), first);
    await handler(message('crash-me'), { ...first, redeliveries: 2 });

    expect(crashes).toEqual([
      expect.objectContaining({
        message: 'TEST_CRASH_ON_CORRELATION_ID: crashing on the message',
        redeliveries: 2,
        deliveries_in_flight: 3,
      }),
    ]);
  });

  test('an exhausted delivery does not reach the work, so it does not crash', async () => {
    const crashes: string[] = [];
    const handler = crashOnCorrelationId('crash-me', acking, captureLogger(), busy, () =>
      crashes.push('crash'),
    );

    await handler(message('crash-me'), { ...first, redeliveries: 5, exhausted: true, final: true });

    expect(crashes).toEqual([]);
  });
});
