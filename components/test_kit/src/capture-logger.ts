import type { LogContext, Logger } from '@mousetrap/log';

/** One line a {@link CapturedLogger} received. */
export interface LogLine {
  level: 'error' | 'warn' | 'info' | 'debug';
  message: string;
  context: LogContext;
}

/** A logger that keeps what it is given, for tests that assert on logging. */
export interface CapturedLogger extends Logger {
  lines: LogLine[];
}

/** Makes an empty {@link CapturedLogger}; its children write to the same lines. */
export function captureLogger(): CapturedLogger {
  const lines: LogLine[] = [];
  const make = (bound: LogContext): Logger => ({
    error: (message, context) => lines.push({ level: 'error', message, context: { ...bound, ...context } }),
    warn: (message, context) => lines.push({ level: 'warn', message, context: { ...bound, ...context } }),
    info: (message, context) => lines.push({ level: 'info', message, context: { ...bound, ...context } }),
    debug: (message, context) => lines.push({ level: 'debug', message, context: { ...bound, ...context } }),
    child: (context) => make({ ...bound, ...context }),
  });
  return { ...make({}), lines };
}
