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
export {
  SpanKind,
  SpanStatusCode,
  inSpan,
  installedTracing,
  pathwayTracer,
  startTracing,
  type TraceExporterChoice,
  type Tracing,
  type TracingOptions,
} from './tracing.js';
