export {
  REDACTED_PATHS,
  createLogger,
  isPretty,
  logProcessWarnings,
  loggerOptions,
  nestLogger,
  temporalLevel,
  temporalLogger,
  type LogFormat,
  type LogLevel,
  type LoggingSettings,
} from './logging.js';
