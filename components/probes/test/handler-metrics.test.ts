import type { Envelope } from '@mousetrap/job_queue';
import { createServiceRegistry, instrumentHandler } from '../src/handler-metrics.ts';

const message: Envelope = {
  id: '6f1c2b1e-8d8b-4a53-9a0e-3f1d2c4b5a69:start_fetch',
  type: 'start_fetch',
  version: 1,
  job_id: '6f1c2b1e-8d8b-4a53-9a0e-3f1d2c4b5a69',
  correlation_id: 'c1',
  occurred_at: new Date(0).toISOString(),
  payload: {},
};

const first = { attempt: 1, redeliveries: 0, exhausted: false, final: false };

describe('instrumentHandler', () => {
  test('counts acknowledged, dead-lettered and retried messages and passes results through', async () => {
    const registry = createServiceRegistry('test_worker');
    const outcomes = [undefined, { deadLetter: 'bad' }, new Error('flaky')];
    const handler = instrumentHandler(registry, 'start_fetch', async () => {
      const next = outcomes.shift();
      if (next instanceof Error) throw next;
      return next;
    });
    await expect(handler(message, first)).resolves.toBeUndefined();
    await expect(handler(message, first)).resolves.toEqual({ deadLetter: 'bad' });
    await expect(handler(message, first)).rejects.toThrow('flaky');
    const text = await registry.metrics();
    expect(text).toContain(
      'messages_handled_total{queue="start_fetch",outcome="ack",service="test_worker"} 1',
    );
    expect(text).toContain(
      'messages_handled_total{queue="start_fetch",outcome="dead_letter",service="test_worker"} 1',
    );
    expect(text).toContain(
      'messages_handled_total{queue="start_fetch",outcome="retry",service="test_worker"} 1',
    );
    expect(text).toContain('message_handle_seconds_count{service="test_worker",queue="start_fetch"} 3');
  });

  test('counts the messages that had gone back to their queue unsettled before', async () => {
    const registry = createServiceRegistry('test_worker');
    const handler = instrumentHandler(registry, 'data_processing', async () => undefined);
    expect(await registry.metrics()).toContain(
      'messages_redelivered_total{queue="data_processing",service="test_worker"} 0',
    );
    await handler(message, first);
    await handler(message, { ...first, redeliveries: 2 });
    expect(await registry.metrics()).toContain(
      'messages_redelivered_total{queue="data_processing",service="test_worker"} 1',
    );
  });

  test('two handlers on one registry share the series', async () => {
    const registry = createServiceRegistry('test_worker');
    await instrumentHandler(registry, 'start_fetch', async () => undefined)(message, first);
    await instrumentHandler(registry, 'start_fetch', async () => undefined)(message, first);
    expect(await registry.metrics()).toContain(
      'messages_handled_total{queue="start_fetch",outcome="ack",service="test_worker"} 2',
    );
  });
});
