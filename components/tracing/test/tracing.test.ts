import { closedPort, startOtlpReceiver, waitFor } from '@mousetrap/test_kit';
import {
  activeTraceFields,
  currentTraceparent,
  inSpan,
  openSpan,
  recordSpan,
  startTracing,
  TracingError,
  traceIdOf,
} from '../src/index.ts';

describe('startTracing', () => {
  test('without a url: starts nothing, and spans are no-ops without a traceparent', async () => {
    const tracing = await startTracing({ serviceName: 'quiet' });
    expect(tracing.url).toBeUndefined();
    await inSpan('unrecorded', {}, async (span) => {
      expect(span.traceparent).toBeUndefined();
      expect(currentTraceparent()).toBeUndefined();
      expect(activeTraceFields()).toBeUndefined();
    });
    await tracing.close();
  });

  test.each(['http/json', 'http/protobuf'] as const)(
    'with a url and %s: exports parent, child, link and recorded span to the OTLP receiver',
    async (protocol) => {
      const receiver = await startOtlpReceiver();
      const tracing = await startTracing({
        serviceName: 'traced',
        url: `${receiver.url}/v1/traces`,
        protocol,
        flushIntervalMs: 50,
      });
      try {
        const linked = openSpan('earlier', { parent: null });
        const earlier = linked.traceparent;
        linked.end();
        let inner: string | undefined;
        let fields: ReturnType<typeof activeTraceFields>;
        const outer = await inSpan('outer', { kind: 'server', attributes: { route: '/x' } }, async (span) => {
          inner = await inSpan('inner', { links: [earlier] }, async () => {
            fields = activeTraceFields();
            return currentTraceparent();
          });
          recordSpan('waited', { parent: span.traceparent, startTime: Date.now() - 20, endTime: Date.now() });
          return span.traceparent;
        });
        await expect(inSpan('broken', {}, async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
        await tracing.close();

        const spans = await waitFor(() => receiver.spans.length >= 5 && receiver.spans, {
          what: 'five spans',
        });
        const byName = new Map(spans.map((span) => [span.name, span]));
        const [o, i, w, e, b] = ['outer', 'inner', 'waited', 'earlier', 'broken'].map((n) => byName.get(n));
        expect(spans.every((span) => span.service === 'traced' && span.protocol === protocol)).toBe(true);
        expect(o).toMatchObject({ kind: 2, parentSpanId: undefined, attributes: { route: '/x' } });
        expect(traceIdOf(outer)).toBe(o?.traceId);
        expect(i).toMatchObject({ traceId: o?.traceId, parentSpanId: o?.spanId });
        expect(i?.links).toEqual([{ traceId: e?.traceId, spanId: e?.spanId }]);
        expect(e?.traceId).not.toBe(o?.traceId);
        expect(fields).toEqual({ trace_id: i?.traceId, span_id: i?.spanId });
        expect(inner).toBe(`00-${i?.traceId}-${i?.spanId}-01`);
        expect(w).toMatchObject({ traceId: o?.traceId, parentSpanId: o?.spanId });
        expect(Number(((w?.endNs ?? 0n) - (w?.startNs ?? 0n)) / 1_000_000n)).toBeGreaterThanOrEqual(15);
        expect(b?.failed).toBe(true);
        expect(o?.failed).toBe(false);
      } finally {
        await tracing.close();
        await receiver.close();
      }
    },
  );

  test('a collector that is not there: the close resolves, saying why the spans were not sent', async () => {
    const port = await closedPort();
    // The exporter's own timeout, read when it is made: 1 s, not its default 10.
    process.env.OTEL_EXPORTER_OTLP_TIMEOUT = '1000';
    const tracing = await startTracing({
      serviceName: 'traced',
      url: `http://127.0.0.1:${port}/v1/traces`,
      protocol: 'http/protobuf',
      flushIntervalMs: 60_000,
    }).finally(() => {
      delete process.env.OTEL_EXPORTER_OTLP_TIMEOUT;
    });
    openSpan('lost', { parent: null }).end();

    const closed = await tracing.close();

    expect(closed.unsent).toMatch(/ECONNREFUSED|connect/i);
    // Closed for good: spans are no-ops again, and a tracing can start anew.
    expect(openSpan('after', { parent: null }).traceparent).toBeUndefined();
  });

  test('a second tracing in the same process is refused with already_started', async () => {
    const receiver = await startOtlpReceiver();
    const url = `${receiver.url}/v1/traces`;
    const tracing = await startTracing({ serviceName: 'one', url });
    try {
      await expect(startTracing({ serviceName: 'two', url })).rejects.toMatchObject({
        constructor: TracingError,
        code: 'already_started',
      });
    } finally {
      await tracing.close();
      await receiver.close();
    }
  });
});
