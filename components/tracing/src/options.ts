/** The OTLP encodings over HTTP the exporter speaks (OTEL_EXPORTER_OTLP_PROTOCOL). */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;

/** One of {@link OTLP_PROTOCOLS}. */
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

/** Options of `startTracing`. */
export interface TracingOptions {
  /** `service.name` of every span the process exports. */
  serviceName: string;
  /**
   * Where spans are sent: the collector's full OTLP/HTTP traces URL, e.g.
   * `http://localhost:4318/v1/traces`. Unset, nothing starts and no span is recorded.
   * @default undefined
   */
  url?: string | undefined;
  /** How spans are encoded. @default 'http/protobuf' (the OpenTelemetry default) */
  protocol?: OtlpProtocol | undefined;
  /** The longest a batch of spans waits before it is sent, in ms. @default 1000 */
  flushIntervalMs?: number | undefined;
}
