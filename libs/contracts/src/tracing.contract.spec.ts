import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { cloudEventSchema } from './events.contract.js';
import { TRACEPARENT_PATTERN, contextOfTraceparent, traceparentOf } from './tracing.contract.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('W3C trace context (CloudEvents distributed-tracing extension)', () => {
  it('reads a traceparent into a remote parent and writes it back unchanged', () => {
    const parent = trace.getSpanContext(contextOfTraceparent(TRACEPARENT));
    expect(parent).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    expect(traceparentOf(parent)).toBe(TRACEPARENT);
  });

  it('starts a new trace for no traceparent, a malformed one or an all-zero id', () => {
    for (const given of [undefined, 'nonsense', '00-00000000000000000000000000000000-00f067aa0ba902b7-01']) {
      expect(contextOfTraceparent(given)).toBe(ROOT_CONTEXT);
    }
    expect(traceparentOf(undefined)).toBeUndefined();
  });

  it('lets a CloudEvent carry a traceparent, and refuses a malformed one', () => {
    const event = {
      specversion: '1.0',
      id: 'x/e00001-CaseReferred',
      source: 'urn:dk:victim-pathway',
      type: 'dk.pathway.case-referred.v1',
      subject: 'VP-AAAAAAAAAAAAAAAAAAAA',
      time: '2026-12-06T12:00:00.000Z',
      datacontenttype: 'application/json',
      data: {},
    };
    const withTrace = cloudEventSchema.safeParse({ ...event, traceparent: TRACEPARENT });
    const bad = cloudEventSchema.safeParse({ ...event, traceparent: 'trace-me' });
    expect(TRACEPARENT_PATTERN.test(TRACEPARENT)).toBe(true);
    expect(bad.success).toBe(false);
    // The case ref format is checked elsewhere; the point here is the extension attribute.
    expect(withTrace.error?.issues.map((i) => i.path[0]) ?? []).not.toContain('traceparent');
  });
});
