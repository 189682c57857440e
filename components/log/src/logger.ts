import { activeTraceFields } from '@mousetrap/tracing';
import winston from 'winston';

/** Log levels, most severe first (npm levels, as winston uses them). */
export type LogLevel = 'error' | 'warn' | 'info' | 'http' | 'verbose' | 'debug' | 'silly';

/** Fields that every line about one job carries, so lines can be joined across services. */
export interface LogContext {
  job_id?: string;
  correlation_id?: string;
  [key: string]: unknown;
}

/** What a brick needs from a logger: levelled JSON lines and children bound to a context. */
export interface Logger {
  error(message: string, context?: LogContext): void;
  warn(message: string, context?: LogContext): void;
  info(message: string, context?: LogContext): void;
  debug(message: string, context?: LogContext): void;
  child(context: LogContext): Logger;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Written into every line as `service`. */
  service: string;
  /** The least severe level written. @default 'info' */
  level?: LogLevel;
  /** Where lines go; tests pass a stream to read them back. @default process.stdout */
  stream?: NodeJS.WritableStream;
  /** Writes nothing when true (tests that only need a logger). @default false */
  silent?: boolean;
}

/**
 * Makes a winston logger writing one JSON object per line, with credentials in URLs masked, and
 * with `trace_id` and `span_id` when a span is current.
 */
export function createLogger(options: LoggerOptions): Logger {
  const logger = winston.createLogger({
    level: options.level ?? 'info',
    silent: options.silent ?? false,
    defaultMeta: { service: options.service },
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.errors({ stack: false }),
      maskCredentials(),
      traceIds(),
      winston.format.json(),
    ),
    transports: [new winston.transports.Stream({ stream: options.stream ?? process.stdout })],
  });
  return wrap(logger);
}

function wrap(logger: winston.Logger): Logger {
  return bind(() => logger, logger);
}

/**
 * A Logger over the winston logger `resolve` makes when first needed; `root` answers the level.
 * A child is made per request and per message, and most write nothing at the level in use, so a
 * child is only made (winston's child, and its context merged) once it writes a line.
 */
function bind(resolve: () => winston.Logger, root: winston.Logger): Logger {
  // winston drops a line below its level only after building it and passing it through its
  // stream; asking first makes a line nobody will see (a request's debug line) cost nothing.
  const at =
    (level: LogLevel) =>
    (message: string, context?: LogContext): void => {
      if (root.isLevelEnabled(level)) resolve().log(level, message, context);
    };
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: (context) => {
      let made: winston.Logger | undefined;
      return bind(() => {
        made ??= resolve().child(context);
        return made;
      }, root);
    },
  };
}

const urlCredentials = /([a-z][a-z0-9+.-]*:\/\/)([^:/@\s]+):([^@/\s]+)@/gi;

/** Replaces `user:password@` in any URL inside a string with `user:***@`. */
export function redactUrl(text: string): string {
  // Most strings hold no URL with credentials; the test is cheaper than the expression.
  return text.includes('@') ? text.replace(urlCredentials, '$1$2:***@') : text;
}

// Read when the line is written, which is in the span it is about: winston formats synchronously.
const traceIds = winston.format((info) => {
  const ids = activeTraceFields();
  if (ids) {
    info.trace_id = ids.trace_id;
    info.span_id = ids.span_id;
  }
  return info;
});

const maskCredentials = winston.format((info) => {
  for (const [key, value] of Object.entries(info)) {
    if (typeof value === 'string') info[key] = redactUrl(value);
  }
  return info;
});
