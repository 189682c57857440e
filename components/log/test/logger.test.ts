import { PassThrough } from 'node:stream';
import { startOtlpReceiver } from '@mousetrap/test_kit';
import { inSpan, startTracing } from '@mousetrap/tracing';
import { createLogger, redactUrl } from '../src/logger.ts';

function capture(level?: 'info' | 'debug') {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  return { logger: createLogger({ service: 'svc', stream, ...(level ? { level } : {}) }), lines };
}

describe('createLogger', () => {
  test('writes one JSON line with service, level, message and the job context', () => {
    const { logger, lines } = capture();
    logger.child({ job_id: 'j1', correlation_id: 'c1' }).info('job accepted', { attempt: 1 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      service: 'svc',
      level: 'info',
      message: 'job accepted',
      job_id: 'j1',
      correlation_id: 'c1',
      attempt: 1,
    });
    expect(typeof lines[0]?.timestamp).toBe('string');
  });

  test('in a span, a line carries trace_id and span_id beside the correlation id; outside one, neither', async () => {
    const receiver = await startOtlpReceiver();
    const tracing = await startTracing({ serviceName: 'svc', url: `${receiver.url}/v1/traces` });
    try {
      const { logger, lines } = capture();
      const log = logger.child({ correlation_id: 'c1' });
      const traceparent = await inSpan('work', {}, async (span) => {
        log.info('inside');
        return span.traceparent;
      });
      log.info('outside');
      const [, traceId, spanId] = traceparent?.split('-') ?? [];
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(lines[0]).toMatchObject({
        message: 'inside',
        correlation_id: 'c1',
        trace_id: traceId,
        span_id: spanId,
      });
      expect(lines[1]).toMatchObject({ message: 'outside', correlation_id: 'c1' });
      expect(lines[1]).not.toHaveProperty('trace_id');
    } finally {
      await tracing.close();
      await receiver.close();
    }
  });

  test('when the level is info, drops debug lines', () => {
    const { logger, lines } = capture('info');
    logger.debug('noise');
    logger.warn('kept');
    expect(lines.map((line) => line.message)).toEqual(['kept']);
  });

  test('when the level is info, a dropped debug line never reads its context', () => {
    const { logger, lines } = capture('info');
    let reads = 0;
    const context = {
      get job_id() {
        reads += 1;
        return 'j1';
      },
    };
    logger.child({ correlation_id: 'c1' }).debug('noise', context);
    expect(reads).toBe(0);
    expect(lines).toEqual([]);
  });

  test('when the level is debug, a child writes its debug lines with its context', () => {
    const { logger, lines } = capture('debug');
    logger.child({ correlation_id: 'c1' }).debug('detail', { route: '/' });
    expect(lines).toEqual([
      expect.objectContaining({ level: 'debug', message: 'detail', correlation_id: 'c1', route: '/' }),
    ]);
  });

  test("a child's child writes both contexts, the inner one winning, and leaves its parent's lines alone", () => {
    const { logger, lines } = capture();
    const request = logger.child({ correlation_id: 'c1', route: '/' });
    const job = request.child({ job_id: 'j1', route: '/refresh' });
    job.info('job accepted');
    request.info('request');
    expect(lines).toEqual([
      expect.objectContaining({
        message: 'job accepted',
        correlation_id: 'c1',
        job_id: 'j1',
        route: '/refresh',
      }),
      expect.objectContaining({ message: 'request', correlation_id: 'c1', route: '/' }),
    ]);
    expect(lines[1]).not.toHaveProperty('job_id');
  });

  test('a child that writes only below the level writes nothing, and a later line at the level is written', () => {
    const { logger, lines } = capture('info');
    const child = logger.child({ correlation_id: 'c1' });
    child.debug('noise');
    child.warn('kept');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'warn', message: 'kept', correlation_id: 'c1' }),
    ]);
  });

  test('masks the password of any URL it is given', () => {
    const { logger, lines } = capture();
    logger.info('connecting', { url: 'amqp://guest:secret@localhost:5672' });
    expect(JSON.stringify(lines)).not.toContain('secret');
    expect(lines[0]?.url).toBe('amqp://guest:***@localhost:5672');
  });
});

describe('redactUrl', () => {
  test('leaves a URL without credentials unchanged', () => {
    expect(redactUrl('postgres://localhost/test')).toBe('postgres://localhost/test');
  });

  test('leaves text without an @ unchanged', () => {
    expect(redactUrl('amqp://localhost:5672 and more')).toBe('amqp://localhost:5672 and more');
  });

  test('masks every password in a longer text', () => {
    expect(redactUrl('a postgres://u:p1@h/db b amqp://x:p2@h')).toBe(
      'a postgres://u:***@h/db b amqp://x:***@h',
    );
  });
});
