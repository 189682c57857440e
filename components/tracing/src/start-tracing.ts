import { context, propagation, trace } from '@opentelemetry/api';
import { TracingError } from './errors.ts';
import type { TracingOptions } from './options.ts';
import { setRecording } from './spans.ts';

/** A process's tracing, started or not. */
export interface Tracing {
  /** Where spans go, when they are exported at all. */
  readonly url: string | undefined;
  /**
   * Sends the spans still buffered (bounded by the exporter's timeout, `OTEL_EXPORTER_OTLP_TIMEOUT`)
   * and stops tracing. A collector that does not take them is no failure of the process: the close
   * resolves with why they were not sent (`unsent`), and the spans are lost.
   */
  close(): Promise<{ unsent?: string }>;
}

const off: Tracing = { url: undefined, close: async () => ({}) };

/**
 * Starts the OpenTelemetry SDK when `url` is set: a tracer provider whose batch span processor
 * exports over OTLP/HTTP (JSON or protobuf), W3C trace context propagation, and an
 * AsyncLocalStorage context manager so that a span stays current across awaits. Unset, nothing is
 * loaded: the API's no-op tracer makes every span of this brick cost next to nothing. The SDK is
 * the process's global one, so one tracing runs at a time in a process.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing> {
  const { url } = options;
  if (url === undefined) return off;
  // Loaded only when spans are exported, so that a process without tracing never pays for them.
  const [sdk, hooks, core, resources, exporters] = await Promise.all([
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
    import('@opentelemetry/resources'),
    options.protocol === 'http/json'
      ? import('@opentelemetry/exporter-trace-otlp-http')
      : import('@opentelemetry/exporter-trace-otlp-proto'),
  ]);
  const provider = new sdk.TracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [
      new sdk.BatchSpanProcessor({
        exporter: new exporters.OTLPTraceExporter({ url }),
        scheduledDelayMillis: options.flushIntervalMs ?? 1000,
      }),
    ],
  });
  const contextManager = new hooks.AsyncLocalStorageContextManager().enable();
  if (!trace.setGlobalTracerProvider(provider)) {
    contextManager.disable();
    await provider.shutdown();
    throw new TracingError('already_started', 'tracing is already started in this process');
  }
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
  setRecording(true);
  let closing: Promise<{ unsent?: string }> | undefined;
  return {
    url,
    close() {
      // Recording stops once the last batch is sent: spans ended after the shutdown began are dropped.
      closing ??= provider
        .shutdown()
        .then(
          () => ({}),
          (error: unknown) => ({ unsent: error instanceof Error ? error.message : String(error) }),
        )
        .finally(() => {
          setRecording(false);
          trace.disable();
          propagation.disable();
          context.disable();
        });
      return closing;
    },
  };
}
