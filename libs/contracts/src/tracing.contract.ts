import { z } from 'zod';
import { TRACEPARENT_PATTERN } from './trace-context.js';

export * from './trace-context.js';

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
