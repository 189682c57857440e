export type { TracingErrorCode } from './errors.ts';
export { TracingError } from './errors.ts';
export type { OtlpProtocol, TracingOptions } from './options.ts';
export { OTLP_PROTOCOLS } from './options.ts';
export type { OpenSpan, SpanKindName, SpanOptions } from './spans.ts';
export {
  activeTraceFields,
  currentTraceparent,
  inSpan,
  inTrace,
  openSpan,
  recordSpan,
  traceIdOf,
  tracingOn,
} from './spans.ts';
export type { Tracing } from './start-tracing.ts';
export { startTracing } from './start-tracing.ts';
