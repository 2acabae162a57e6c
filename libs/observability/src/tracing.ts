import { SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Resource, detectResourcesSync, envDetectorSync } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NoopSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** Where spans go, as `OTEL_TRACES_EXPORTER` names it (`none`: traces are propagated, not exported). */
export type TraceExporterChoice = 'otlp' | 'console' | 'none';

export interface TracingOptions {
  /** `service.name` unless `OTEL_SERVICE_NAME` says otherwise (`gateway`, `worker`). */
  readonly service: string;
  /** The standard variables' choice, or an exporter of the caller's (the tests' in-memory one). */
  readonly exporter: TraceExporterChoice | SpanExporter;
}

export interface Tracing {
  /** True when spans leave the process (an exporter is configured). */
  readonly exporting: boolean;
  /** Where spans made elsewhere are handed (the workflows' spans, made in Temporal's sandbox, via a sink). */
  readonly processor: SpanProcessor;
  readonly resource: Resource;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

let installed: Tracing | undefined;

/**
 * Installs OpenTelemetry tracing for this process, once: W3C trace context is always propagated (an incoming
 * `traceparent` is continued, every published CloudEvent carries one), and spans are exported only when an
 * exporter is configured (`OTEL_TRACES_EXPORTER`, or an OTLP endpoint). The SDK reads the other standard
 * variables itself (`OTEL_EXPORTER_OTLP_*`, `OTEL_TRACES_SAMPLER`, `OTEL_RESOURCE_ATTRIBUTES`, ...).
 */
export function startTracing(options: TracingOptions): Tracing {
  if (installed) return installed;
  const resource = Resource.default()
    .merge(new Resource({ 'service.name': options.service, 'service.namespace': 'victim-pathway' }))
    .merge(detectResourcesSync({ detectors: [envDetectorSync] }));
  const processor = processorFor(options.exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // The AsyncLocalStorage context manager and the W3C trace-context and baggage propagators.
  provider.register();
  installed = {
    exporting: options.exporter !== 'none',
    processor,
    resource,
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
  return installed;
}

/** The tracing `startTracing` installed in this process, if any. */
export function installedTracing(): Tracing | undefined {
  return installed;
}

function processorFor(exporter: TraceExporterChoice | SpanExporter): SpanProcessor {
  switch (exporter) {
    case 'none':
      return new NoopSpanProcessor();
    case 'otlp':
      // OTLP over HTTP (protobuf) to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT.
      return new BatchSpanProcessor(new OTLPTraceExporter());
    case 'console':
      return new SimpleSpanProcessor(new ConsoleSpanExporter());
    default:
      // A caller's own exporter (tests): every span as it ends, nothing held back.
      return new SimpleSpanProcessor(exporter);
  }
}

/** The tracer of this project's own spans (the HTTP requests, the Kafka sends). */
export function pathwayTracer(): Tracer {
  return trace.getTracer('victim-pathway');
}

/**
 * Runs `work` in a span of its own (a child of the active one), ends it with the outcome: an error sets the
 * span's status and is rethrown. The error's message is not recorded (it could name a person's data).
 */
export async function inSpan<T>(
  name: string,
  options: { readonly kind: SpanKind; readonly attributes?: Record<string, string | number | boolean> },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return pathwayTracer().startActiveSpan(name, options, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute('error.type', error instanceof Error ? error.name : 'unknown');
      throw error;
    } finally {
      span.end();
    }
  });
}

export { SpanKind, SpanStatusCode };
