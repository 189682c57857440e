import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  describeWithServices,
  type OtlpReceiver,
  type ReceivedSpan,
  startOtlpReceiver,
  startServiceProcess,
  uniqueName,
  waitFor,
} from '@mousetrap/test_kit';
import { startThreeBuilds, type ThreeBuilds } from './three-builds.ts';

const root = join(__dirname, '..', '..');

/** OTLP's span kinds. */
const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

/**
 * The spans of one job, each with its parent's name (undefined: the trace's root), kind and the
 * service that sends it, keyed by the steps.
 */
const JOB_SPANS = [
  { name: 'POST /refresh', parent: undefined, kind: SERVER, service: 'api' },
  { name: 'insert job', parent: 'POST /refresh', service: 'api' },
  { name: 'publish start_fetch', parent: 'POST /refresh', kind: PRODUCER, service: 'api' },
  { name: 'wait start_fetch', parent: 'publish start_fetch', service: 'fetch_worker' },
  { name: 'process start_fetch', parent: 'publish start_fetch', kind: CONSUMER, service: 'fetch_worker' },
  { name: 'fetch places', parent: 'process start_fetch', service: 'fetch_worker' },
  { name: 'publish data_processing', parent: 'process start_fetch', kind: PRODUCER, service: 'fetch_worker' },
  { name: 'wait data_processing', parent: 'publish data_processing', service: 'processing_worker' },
  {
    name: 'process data_processing',
    parent: 'publish data_processing',
    kind: CONSUMER,
    service: 'processing_worker',
  },
  { name: 'process places', parent: 'process data_processing', service: 'processing_worker' },
  { name: 'commit result', parent: 'process data_processing', service: 'processing_worker' },
] as const;

/** Waits until the receiver holds every span of the job's trace, then checks each one's place in it. */
async function expectJobTrace(
  receiver: OtlpReceiver,
  traceId: string,
  serviceOf: (service: string) => string,
): Promise<Map<string, ReceivedSpan>> {
  const spans = await waitFor(
    () => {
      const inTrace = receiver.spans.filter((span) => span.traceId === traceId);
      return inTrace.length >= JOB_SPANS.length && inTrace;
    },
    { what: `the ${JOB_SPANS.length} spans of trace ${traceId}`, timeoutMs: 15_000 },
  );
  expect(spans.map((span) => span.name).sort()).toEqual(JOB_SPANS.map((span) => span.name).sort());
  const byName = new Map(spans.map((span) => [span.name, span]));
  for (const expected of JOB_SPANS) {
    const span = byName.get(expected.name);
    const parent = expected.parent === undefined ? undefined : byName.get(expected.parent);
    expect({ name: span?.name, service: span?.service, parentSpanId: span?.parentSpanId }).toEqual({
      name: expected.name,
      service: serviceOf(expected.service),
      parentSpanId: parent?.spanId,
    });
    if ('kind' in expected) expect(span?.kind).toBe(expected.kind);
    expect(span?.failed).toBe(false);
    expect(span && span.endNs >= span.startNs).toBe(true);
  }
  // Each wait runs from its publish to its consume: it starts inside the publish span, before the consume.
  for (const queue of ['start_fetch', 'data_processing']) {
    const wait = byName.get(`wait ${queue}`);
    const publish = byName.get(`publish ${queue}`);
    const consume = byName.get(`process ${queue}`);
    expect(wait && publish && wait.startNs >= publish.startNs && wait.startNs <= publish.endNs).toBe(true);
    expect(wait && consume && wait.endNs <= consume.startNs).toBe(true);
  }
  return byName;
}

/** Posts a job and waits until it is done; answers its id and trace id (from its traceparent). */
async function runJob(api: string, correlationId: string): Promise<{ jobId: string; traceId: string }> {
  const posted = await fetch(`${api}/refresh`, {
    method: 'POST',
    headers: { 'X-Correlation-ID': correlationId },
  });
  expect(posted.status).toBe(202);
  const { job_id: jobId } = (await posted.json()) as { job_id: string };
  const job = await waitFor(
    async () => {
      const body = (await (await fetch(`${api}/jobs/${jobId}`)).json()) as {
        status: string;
        trace_parent: string | null;
      };
      return body.status === 'done' || body.status === 'failed' ? body : undefined;
    },
    { what: `job ${jobId} to finish`, timeoutMs: 20_000 },
  );
  expect(job.status).toBe('done');
  const traceId = job.trace_parent?.split('-')[1] ?? '';
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  return { jobId, traceId };
}

describeWithServices('traces of the three project builds', ['rabbitmq', 'postgres'], (urls) => {
  let builds: ThreeBuilds;
  let receiver: OtlpReceiver;
  let api = '';

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    // The API exports protobuf (the default), the workers JSON: one trace, both encodings.
    const protocol = {
      api_app: 'http/protobuf',
      fetch_worker_app: 'http/json',
      processing_worker_app: 'http/json',
    };
    builds = await startThreeBuilds(urls, uniqueName('traces'), (project) => ({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol[project],
    }));
    api = builds.api;
  }, 60_000);

  afterAll(async () => {
    await builds?.stop();
    await receiver.close();
  });

  test('one job gives one trace across the three services, each span a child of the right one', async () => {
    const { jobId, traceId } = await runJob(api, 'traces-1');
    const spans = await expectJobTrace(receiver, traceId, (service) => service);

    const protocols = new Set(receiver.spans.filter((s) => s.traceId === traceId).map((s) => s.protocol));
    expect([...protocols].sort()).toEqual(['http/json', 'http/protobuf']);
    expect(spans.get('publish start_fetch')?.attributes).toMatchObject({ 'mousetrap.job_id': jobId });
    expect(spans.get('POST /refresh')?.attributes).toMatchObject({ 'http.response.status_code': 202 });

    // The log lines of a job's work carry its trace and span beside the correlation id.
    const done = builds.running
      .get('processing_worker_app')
      ?.lines.find((line) => line.message === 'job done');
    expect(done).toMatchObject({
      job_id: jobId,
      correlation_id: 'traces-1',
      trace_id: traceId,
      span_id: spans.get('process data_processing')?.spanId,
    });
  });

  test('a request that brings a traceparent continues its trace', async () => {
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await fetch(`${api}/refresh`, {
      method: 'POST',
      headers: { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` },
    });
    expect(response.status).toBe(202);
    const request = await waitFor(
      () => receiver.spans.find((span) => span.traceId === callerTrace && span.name === 'POST /refresh'),
      { what: "the request's span in the caller's trace" },
    );
    expect(request.parentSpanId).toBe('00f067aa0ba902b7');
  });
});

describe('npm start with the OTLP variables set', () => {
  test('exports the same trace of a job, from one process', async () => {
    const receiver = await startOtlpReceiver();
    const dataDir = mkdtempSync(join(tmpdir(), 'mousetrap-traces-'));
    const start = startServiceProcess(join(root, 'development', 'start.ts'), {
      NODE_OPTIONS: '--import tsx',
      EMBEDDED_DATA_DIR: dataDir,
      PORT: '0',
      FETCH_DELAY_MS: '0',
      PROCESS_DELAY_MS: '0',
      RABBITMQ_URL: '',
      DATABASE_URL: '',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'mousetrap-dev',
    });
    try {
      const banner = await start.waitForLine(
        (line) => typeof line.text === 'string' && line.text.includes('mousetrap is running'),
        60_000,
      );
      const port = /API on http:\/\/localhost:(\d+)/.exec(String(banner.text))?.[1] ?? '';
      const api = `http://127.0.0.1:${port}`;
      const { traceId } = await runJob(api, 'traces-npm-start');
      await expectJobTrace(receiver, traceId, () => 'mousetrap-dev');
    } finally {
      await start.stop('SIGINT');
      await receiver.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
