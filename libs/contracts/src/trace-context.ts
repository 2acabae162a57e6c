/**
 * W3C Trace Context for the workflows and the apps: plain functions, no schema (the workflow sandbox loads
 * this; ADR 0019). The CloudEvents extension's schema is in `tracing.contract.ts`, which re-exports this.
 */
import {
  ROOT_CONTEXT,
  TraceFlags,
  context,
  isSpanContextValid,
  trace,
  type Context,
  type SpanContext,
} from '@opentelemetry/api';

/** A W3C Trace Context `traceparent` (version 00): trace id, parent span id, flags. */
export const TRACEPARENT_PATTERN = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

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
