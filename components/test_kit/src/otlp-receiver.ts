import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeProtobufSpans } from './otlp-protobuf.ts';

/** A span as an OTLP/HTTP receiver got it, from either encoding. */
export interface ReceivedSpan {
  /** The `service.name` of its resource. */
  service: string;
  traceId: string;
  spanId: string;
  /** Undefined for a trace's root. */
  parentSpanId: string | undefined;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, string | number | boolean>;
  links: { traceId: string; spanId: string }[];
  /** True when its status is an error. */
  failed: boolean;
  /** How it came: OTLP's `http/json` or `http/protobuf`. */
  protocol: 'http/json' | 'http/protobuf';
}

/** An in-process OTLP/HTTP collector of spans, for tests. */
export interface OtlpReceiver {
  /** The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it; spans are posted to `<url>/v1/traces`. */
  url: string;
  /** Every span received so far, in order of arrival. */
  readonly spans: readonly ReceivedSpan[];
  close(): Promise<void>;
}

type JsonValue = {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
};
type JsonKeyValue = { key: string; value: JsonValue };

/** A span or trace id as OTLP/JSON writes it: hex (the specification), or base64 (protobuf's JSON mapping). */
const idOf = (id: string | undefined): string | undefined => {
  if (id === undefined || id === '') return undefined;
  return /^[0-9a-f]+$/i.test(id) && (id.length === 32 || id.length === 16)
    ? id.toLowerCase()
    : Buffer.from(id, 'base64').toString('hex');
};

function jsonAttributes(list: JsonKeyValue[] | undefined): Record<string, string | number | boolean> {
  const attributes: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    if (value.stringValue !== undefined) attributes[key] = value.stringValue;
    else if (value.intValue !== undefined) attributes[key] = Number(value.intValue);
    else if (value.boolValue !== undefined) attributes[key] = value.boolValue;
    else if (value.doubleValue !== undefined) attributes[key] = value.doubleValue;
  }
  return attributes;
}

interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: JsonKeyValue[];
  links?: { traceId: string; spanId: string }[];
  status?: { code?: number };
}

interface JsonRequest {
  resourceSpans?: {
    resource?: { attributes?: JsonKeyValue[] };
    scopeSpans?: { spans?: JsonSpan[] }[];
  }[];
}

/** The spans of an OTLP ExportTraceServiceRequest in JSON. */
function decodeJsonSpans(body: Buffer): ReceivedSpan[] {
  const request = JSON.parse(body.toString('utf8')) as JsonRequest;
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const service = String(jsonAttributes(resourceSpans.resource?.attributes)['service.name'] ?? '');
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map(
        (span): ReceivedSpan => ({
          service,
          traceId: idOf(span.traceId) ?? '',
          spanId: idOf(span.spanId) ?? '',
          parentSpanId: idOf(span.parentSpanId),
          name: span.name,
          kind: span.kind,
          startNs: BigInt(span.startTimeUnixNano),
          endNs: BigInt(span.endTimeUnixNano),
          attributes: jsonAttributes(span.attributes),
          links: (span.links ?? []).map((link) => ({
            traceId: idOf(link.traceId) ?? '',
            spanId: idOf(link.spanId) ?? '',
          })),
          failed: span.status?.code === 2,
          protocol: 'http/json',
        }),
      ),
    );
  });
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Starts a collector on a free port of 127.0.0.1 that takes OTLP/HTTP trace exports in JSON
 * (`application/json`) and protobuf (`application/x-protobuf`) and keeps their spans.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((request, response) => {
    void bodyOf(request).then((body) => {
      if (request.method !== 'POST' || request.url !== '/v1/traces') {
        response.writeHead(404).end();
        return;
      }
      const protobuf = request.headers['content-type']?.startsWith('application/x-protobuf') === true;
      try {
        spans.push(...(protobuf ? decodeProtobufSpans(body) : decodeJsonSpans(body)));
      } catch (error) {
        response.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
        return;
      }
      // An empty ExportTraceServiceResponse: full success.
      if (protobuf) response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      else response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
