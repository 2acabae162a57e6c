import {
  ROOT_CONTEXT,
  TraceFlags,
  context,
  isSpanContextValid,
  trace,
  type Context,
  type SpanContext,
} from '@opentelemetry/api';
import { z } from 'zod';

/** A W3C Trace Context `traceparent` (version 00): trace id, parent span id, flags. */
export const TRACEPARENT_PATTERN = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The CloudEvents distributed-tracing extension: the trace the event was published in (the Kafka send's span,
 * a child of the act's HTTP request through Temporal), so an agency's consumer can continue it. Present on
 * every event the system publishes; ids only, never anything about the case or the person.
 */
export const distributedTracingExtension = {
  traceparent: z
    .string()
    .regex(TRACEPARENT_PATTERN, 'must be a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)')
    .optional()
    .describe('W3C Trace Context of the publication (CloudEvents distributed-tracing extension)'),
  tracestate: z.string().max(512).optional().describe('W3C tracestate, when the trace carries vendor state'),
};

/** The W3C `traceparent` of a span context, or undefined for an invalid one (no tracing installed). */
export function traceparentOf(spanContext: SpanContext | undefined): string | undefined {
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return undefined;
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/** The active span's `traceparent`, if there is one (in a workflow: the handler's span, from its headers). */
export function activeTraceparent(): string | undefined {
  return traceparentOf(trace.getSpan(context.active())?.spanContext());
}

/** A context whose parent is the remote span a `traceparent` names (ROOT for none or a malformed one). */
export function contextOfTraceparent(traceparent: string | undefined): Context {
  const match = traceparent === undefined ? null : TRACEPARENT_PATTERN.exec(traceparent);
  if (match === null) return ROOT_CONTEXT;
  const [, traceId = '', spanId = '', flags = '00'] = match;
  const parent: SpanContext = {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  return isSpanContextValid(parent) ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
}
