import {
  type Attributes,
  type AttributeValue,
  type Context,
  context,
  isSpanContextValid,
  type Link,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

/** What a span stands for, as OpenTelemetry's span kinds. */
export type SpanKindName = 'internal' | 'server' | 'producer' | 'consumer';

const KINDS: Record<SpanKindName, SpanKind> = {
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

/** Options of {@link openSpan}. */
export interface SpanOptions {
  /** @default 'internal' */
  kind?: SpanKindName;
  /**
   * The parent, as a W3C `traceparent` (from a message, a request or a job's row); the current
   * span when undefined or not a valid traceparent, and no parent at all (a new trace) when `null`.
   * @default undefined
   */
  parent?: string | null | undefined;
  /**
   * Spans this one follows from without being their child, as traceparents: the attempt a retry
   * follows, the request that re-drove a job. Undefined entries are skipped. @default []
   */
  links?: readonly (string | undefined)[];
  attributes?: Attributes;
  /** When the span began, in ms since the epoch. @default now */
  startTime?: number;
}

/** A span being recorded, or a no-op one while tracing is off. */
export interface OpenSpan {
  /** The span as a W3C traceparent, to store or send on; undefined while tracing is off. */
  readonly traceparent: string | undefined;
  setAttribute(key: string, value: AttributeValue): void;
  /** Names the span anew (a request's span once its route is known). */
  rename(name: string): void;
  /** Marks the span failed with `error`. */
  fail(error: unknown): void;
  end(): void;
  /** Runs `fn` with this span current, so that spans and log lines inside it are its children. */
  run<T>(fn: () => T): T;
}

const tracer = () => trace.getTracer('mousetrap');

// Whether `startTracing` runs the SDK in this process. While it does not, every function here
// answers at once without asking the API: even its no-op span costs a microsecond or two, and a
// job makes a dozen of them in each service.
let recording = false;

/** Tells the spans of this brick whether the SDK runs (`startTracing` and its close). */
export function setRecording(on: boolean): void {
  recording = on;
}

/**
 * Whether spans are recorded in this process: a caller on a hot path skips building a span's
 * name and attributes while they are not.
 */
export function tracingOn(): boolean {
  return recording;
}

const NOOP_SPAN: OpenSpan = {
  traceparent: undefined,
  setAttribute: () => {},
  rename: () => {},
  fail: () => {},
  end: () => {},
  run: (fn) => fn(),
};

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The span context a traceparent names, when it is a valid one. */
function spanContextOf(traceparent: string | undefined): SpanContext | undefined {
  const match = traceparent === undefined ? null : TRACEPARENT.exec(traceparent);
  if (!match) return undefined;
  const spanContext: SpanContext = {
    traceId: match[1] as string,
    spanId: match[2] as string,
    traceFlags: Number.parseInt(match[3] as string, 16),
    isRemote: true,
  };
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}

/** A span context as a W3C traceparent, or undefined for the invalid one of a no-op span. */
function traceparentOf(spanContext: SpanContext): string | undefined {
  if (!isSpanContextValid(spanContext)) return undefined;
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/** The trace id a traceparent names, when it is a valid one. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  return spanContextOf(traceparent)?.traceId;
}

function parentContext(parent: SpanOptions['parent']): Context {
  if (parent === null) return ROOT_CONTEXT;
  const remote = spanContextOf(parent);
  return remote ? trace.setSpanContext(ROOT_CONTEXT, remote) : context.active();
}

function linksOf(links: SpanOptions['links']): Link[] {
  const made: Link[] = [];
  for (const traceparent of links ?? []) {
    const linked = spanContextOf(traceparent);
    if (linked) made.push({ context: linked });
  }
  return made;
}

function wrap(span: Span): OpenSpan {
  return {
    traceparent: traceparentOf(span.spanContext()),
    setAttribute: (key, value) => span.setAttribute(key, value),
    rename: (name) => span.updateName(name),
    fail(error) {
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
    },
    end: () => span.end(),
    run: (fn) => context.with(trace.setSpan(context.active(), span), fn),
  };
}

function startSpan(name: string, options: SpanOptions): Span {
  return tracer().startSpan(
    name,
    {
      kind: KINDS[options.kind ?? 'internal'],
      attributes: options.attributes,
      links: linksOf(options.links),
      startTime: options.startTime,
    },
    parentContext(options.parent),
  );
}

/** Starts a span; the caller ends it. */
export function openSpan(name: string, options: SpanOptions = {}): OpenSpan {
  return recording ? wrap(startSpan(name, options)) : NOOP_SPAN;
}

/** Runs `fn` in a new current span, which ends when `fn` settles and is marked failed if it rejects. */
export function inSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span: OpenSpan) => Promise<T>,
): Promise<T> {
  // Off, `fn` runs as it is, without an async function of ours around it.
  return recording ? inRecordedSpan(name, options, fn) : fn(NOOP_SPAN);
}

async function inRecordedSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span: OpenSpan) => Promise<T>,
): Promise<T> {
  const span = wrap(startSpan(name, options));
  try {
    return await span.run(() => fn(span));
  } catch (error) {
    span.fail(error);
    throw error;
  } finally {
    span.end();
  }
}

/** Records a span that is already over, such as a message's wait in its queue. */
export function recordSpan(
  name: string,
  options: SpanOptions & { startTime: number; endTime: number },
): void {
  if (recording) startSpan(name, options).end(options.endTime);
}

/** The current span as a W3C traceparent; undefined when there is none (or tracing is off). */
export function currentTraceparent(): string | undefined {
  if (!recording) return undefined;
  const span = trace.getActiveSpan();
  return span ? traceparentOf(span.spanContext()) : undefined;
}

/** The current span's ids, as log lines carry them; undefined when there is none. */
export function activeTraceFields(): { trace_id: string; span_id: string } | undefined {
  if (!recording) return undefined;
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/**
 * Runs `fn` inside the trace `traceparent` names, as if its span were current (a job's trace,
 * continued from its row by the relay); as it is when `traceparent` is not a valid one.
 */
export function inTrace<T>(traceparent: string | null | undefined, fn: () => T): T {
  const remote = recording ? spanContextOf(traceparent ?? undefined) : undefined;
  return remote ? context.with(trace.setSpanContext(context.active(), remote), fn) : fn();
}
