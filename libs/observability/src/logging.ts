import type { LogLevel as TemporalLogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
/** `auto`: readable (pino-pretty, colours) for a person at a terminal, JSON lines otherwise (files, collectors). */
export type LogFormat = 'auto' | 'json' | 'pretty';

export interface LoggingSettings {
  readonly service: 'gateway' | 'worker';
  readonly level: LogLevel;
  readonly format: LogFormat;
}

/** Credentials never reach a log line: pino replaces these values wherever a line would carry them. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'token',
];

export function loggerOptions(settings: LoggingSettings): LoggerOptions {
  return {
    level: settings.level,
    base: { service: settings.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
}

/** Whether `auto` means pretty here: only when standard output is a terminal. */
export function isPretty(format: LogFormat, stdout: { isTTY?: boolean } = process.stdout): boolean {
  return format === 'pretty' || (format === 'auto' && stdout.isTTY === true);
}

/**
 * The app's logger: JSON lines on standard output (no colour codes, whatever reads them), or pino-pretty for
 * a person at a terminal. `destination` is for tests.
 */
export function createLogger(settings: LoggingSettings, destination?: DestinationStream): Logger {
  const options = loggerOptions(settings);
  if (destination !== undefined) return pino(options, destination);
  if (!isPretty(settings.format)) return pino(options);
  return pino({
    ...options,
    transport: {
      target: 'pino-pretty',
      options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', singleLine: true },
    },
  });
}

const TEMPORAL_LEVELS: Readonly<Record<TemporalLogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'>> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** The Temporal SDK's level for the app's (`Runtime.install` filters the native core's logs with it). */
export function temporalLevel(level: LogLevel): TemporalLogLevel {
  return level.toUpperCase() as TemporalLogLevel;
}

/** The Temporal SDK's logger interface over the app's pino logger (for `Runtime.install({ logger })`). */
export function temporalLogger(logger: Logger): TemporalLogger {
  const write = (level: TemporalLogLevel, message: string, meta?: LogMetadata): void => {
    const { sdkComponent, ...rest } = (meta ?? {}) as LogMetadata & { sdkComponent?: unknown };
    logger[TEMPORAL_LEVELS[level]]({ temporal: sdkComponent ?? 'sdk', ...rest }, message);
  };
  return {
    log: write,
    trace: (message, meta) => {
      write('TRACE', message, meta);
    },
    debug: (message, meta) => {
      write('DEBUG', message, meta);
    },
    info: (message, meta) => {
      write('INFO', message, meta);
    },
    warn: (message, meta) => {
      write('WARN', message, meta);
    },
    error: (message, meta) => {
      write('ERROR', message, meta);
    },
  };
}

/**
 * Nest's logger interface over the app's pino logger, for an app without HTTP (the worker): Nest's own
 * lines, and those of `new Logger(context)`, become JSON lines with their context.
 */
export function nestLogger(
  logger: Logger,
  options: { readonly bootFailuresAt?: 'debug' | 'error' } = {},
): {
  log(message: unknown, ...rest: unknown[]): void;
  error(message: unknown, ...rest: unknown[]): void;
  warn(message: unknown, ...rest: unknown[]): void;
  debug(message: unknown, ...rest: unknown[]): void;
  verbose(message: unknown, ...rest: unknown[]): void;
  fatal(message: unknown, ...rest: unknown[]): void;
} {
  // Nest passes the context last (and, for errors, a stack before it).
  const write =
    (level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal') =>
    (message: unknown, ...rest: unknown[]): void => {
      const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
      const stack = level === 'error' && typeof rest[0] === 'string' && rest.length > 1 ? rest[0] : undefined;
      // Nest's report of a failed boot (its ExceptionHandler): the app's main() says it in one line.
      const at = context === 'ExceptionHandler' ? (options.bootFailuresAt ?? level) : level;
      const error = message instanceof Error ? message : undefined;
      const trace = error?.stack ?? stack;
      logger[at](
        { ...(context ? { context } : {}), ...(trace ? { stack: trace } : {}) },
        typeof message === 'string' ? message : (error?.message ?? JSON.stringify(message)),
      );
    };
  return {
    log: write('info'),
    error: write('error'),
    warn: write('warn'),
    debug: write('debug'),
    verbose: write('trace'),
    fatal: write('fatal'),
  };
}

/**
 * Process warnings become log lines (JSON like the rest, instead of free text on standard error). One is
 * known and harmless: kafkajs 2.2.4 sets a timer to `-1 - Date.now()` on every connection, which Node ≥ 24
 * reports as a `TimeoutNegativeWarning` (the timer fires after 1 ms, as it always did; upstream
 * tulios/kafkajs#1751, open): logged at debug.
 */
export function logProcessWarnings(logger: Logger): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'TimeoutNegativeWarning') {
      logger.debug({ warning: warning.name }, warning.message);
      return;
    }
    logger.warn({ warning: warning.name }, warning.message);
  });
}
