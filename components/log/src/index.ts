export type { LogContext, Logger, LoggerOptions, LogLevel } from './logger.ts';
export { createLogger, redactUrl } from './logger.ts';
