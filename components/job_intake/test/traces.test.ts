import { createMemoryJobQueue, type JobQueue } from '@mousetrap/job_queue';
import { createLogger } from '@mousetrap/log';
import { createStore, type Store } from '@mousetrap/store';
import {
  describeWithServices,
  dropSchema,
  type OtlpReceiver,
  type ReceivedSpan,
  startOtlpReceiver,
  uniqueName,
  waitFor,
} from '@mousetrap/test_kit';
import { inSpan, startTracing, type Tracing } from '@mousetrap/tracing';
import { startRelay } from '../src/relay.ts';
import { retryJob } from '../src/retry-job.ts';
import { submitJob } from '../src/submit-job.ts';
import { startSweeper } from '../src/sweeper.ts';

const logger = createLogger({ service: 'test', silent: true });

describeWithServices(
  "a job's trace through the relay, a retry and a re-drive",
  ['postgres'],
  ({ databaseUrl }) => {
    const schema = uniqueName('intake_traces');
    let store: Store;
    let receiver: OtlpReceiver;
    let tracing: Tracing;
    const queues: JobQueue[] = [];

    /** A working transport whose start_fetch messages are taken and acked. */
    const workingQueue = async () => {
      const queue = createMemoryJobQueue();
      queues.push(queue);
      await queue.consume('start_fetch', async () => undefined);
      return queue;
    };

    /** The spans received so far named `name`, once there are `count` of them. */
    const spansNamed = (name: string, count: number) =>
      waitFor(
        () => {
          const found = receiver.spans.filter((span) => span.name === name);
          return found.length >= count && found;
        },
        { what: `${count} spans named ${name}` },
      );

    beforeAll(async () => {
      store = await createStore({ url: databaseUrl, schema, max: 2 });
      receiver = await startOtlpReceiver();
      tracing = await startTracing({
        serviceName: 'intake',
        url: `${receiver.url}/v1/traces`,
        flushIntervalMs: 50,
      });
    });
    afterAll(async () => {
      await Promise.all(queues.splice(0).map((queue) => queue.close()));
      await tracing.close();
      await receiver.close();
      await store.close();
      await dropSchema(databaseUrl, schema);
    });

    test('the relay, a retry and a re-drive publish in the trace of the request that recorded the job', async () => {
      // Recorded while the broker is down: only the relay hands it off.
      const down = createMemoryJobQueue();
      await down.close();
      const { job } = await inSpan('POST /refresh', { kind: 'server' }, () =>
        submitJob({ store, queue: down, logger }, { correlationId: 'traced' }),
      );
      const [request] = (await spansNamed('POST /refresh', 1)) as [ReceivedSpan];
      const [insert] = await spansNamed('insert job', 1);
      expect(job.trace_parent).toBe(`00-${request.traceId}-${request.spanId}-01`);
      expect(insert).toMatchObject({ traceId: request.traceId, parentSpanId: request.spanId });

      const relay = startRelay(
        { store, queue: await workingQueue(), logger },
        { olderThanMs: 0, intervalMs: 60_000 },
      );
      expect(await relay.sweep()).toBe(1);
      await relay.stop();
      const [relayed] = await spansNamed('publish start_fetch', 1);
      expect(relayed).toMatchObject({ traceId: request.traceId, parentSpanId: request.spanId, kind: 4 });

      // A retry: its own request's trace, and a span in the job's linked to it.
      await store.failJob(job.id, 'gave up');
      const queue = await workingQueue();
      await inSpan('POST /jobs/:id/retry', { kind: 'server', parent: null }, () =>
        retryJob({ store, queue, logger }, job.id),
      );
      const [retryRequest] = (await spansNamed('POST /jobs/:id/retry', 1)) as [ReceivedSpan];
      const [retry] = (await spansNamed('retry job', 1)) as [ReceivedSpan];
      expect(retryRequest.traceId).not.toBe(request.traceId);
      expect(retry).toMatchObject({ traceId: request.traceId, parentSpanId: request.spanId });
      expect(retry.links).toEqual([{ traceId: retryRequest.traceId, spanId: retryRequest.spanId }]);
      const published = await spansNamed('publish start_fetch', 2);
      expect(published[1]).toMatchObject({ traceId: request.traceId, parentSpanId: retry.spanId });

      // A re-drive: a span in the job's trace, linked to the sweep that found it.
      const sweeper = startSweeper({ store, queue, logger }, { intervalMs: 60_000 });
      expect(await sweeper.redriveUnfinished()).toEqual({ redriven: 1, failed: 0 });
      await sweeper.stop();
      const [sweep] = (await spansNamed('sweep stalled jobs', 1)) as [ReceivedSpan];
      const [redrive] = (await spansNamed('redrive job', 1)) as [ReceivedSpan];
      expect(sweep.parentSpanId).toBeUndefined();
      expect(redrive).toMatchObject({ traceId: request.traceId, parentSpanId: request.spanId });
      expect(redrive.links).toEqual([{ traceId: sweep.traceId, spanId: sweep.spanId }]);
      const again = await spansNamed('publish start_fetch', 3);
      expect(again[2]).toMatchObject({ traceId: request.traceId, parentSpanId: redrive.spanId });
    });
  },
);
