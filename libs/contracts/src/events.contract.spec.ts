import { describe, expect, it } from 'vitest';
import {
  ALL_TOPICS,
  AUDIT_TOPIC,
  EVENT_TYPES,
  cloudEventSchema,
  eventRecipients,
  toCloudEvent,
} from './index.js';

const caseRef = 'PW-7K2M9Q4X1D3F';
const request = {
  caseRef,
  key: 'case-opened',
  type: 'dk.pathway.case.opened.v1' as const,
  time: '2026-12-01T10:00:00.000Z',
  data: {
    caseRef,
    referredBy: 'police' as const,
    competentAuthority: 'dis' as const,
    openedAt: '2026-12-01T10:00:00.000Z',
  },
};

describe('CloudEvents envelope', () => {
  it('builds a CloudEvents 1.0 envelope whose id is deterministic from case ref and step', () => {
    const a = toCloudEvent(request);
    const b = toCloudEvent(request);
    expect(a).toEqual(b);
    expect(a).toMatchObject({
      specversion: '1.0',
      id: `${caseRef}/case-opened`,
      subject: caseRef,
      datacontenttype: 'application/json',
    });
    expect(cloudEventSchema.parse(a)).toEqual(a);
  });

  it('refuses data with a field outside the contract (no personal data can slip in)', () => {
    expect(() => toCloudEvent({ ...request, data: { ...request.data, name: 'someone' } as never })).toThrow(
      /name/,
    );
  });

  it('refuses a subject that is not a case ref', () => {
    expect(() => toCloudEvent({ ...request, caseRef: 'Jane Doe 1990-01-01' })).toThrow();
  });

  it('routes every event type to at least one agency topic that exists', () => {
    for (const type of EVENT_TYPES) {
      expect(eventRecipients[type].length).toBeGreaterThan(0);
    }
    expect(ALL_TOPICS).toContain(AUDIT_TOPIC);
  });
});
