import { z } from 'zod';
import { CASE_REF_PATTERN } from '../../domain/src/case-ref.js';
import { AGENCY_IDS, type AgencyId } from './topics.contract.js';

export const caseRefSchema = z.string().regex(CASE_REF_PATTERN, 'must be a case ref like PW-7K2M9Q4X1D3F');
export const agencyIdSchema = z.enum(AGENCY_IDS);
const instant = z.iso.datetime({ offset: false });

/**
 * Event payloads by CloudEvents `type`. Each carries the facts the receiving agency must act on and
 * nothing more: no names, dates of birth, nationalities or health notes (those never leave Temporal).
 */
export const eventDataSchemas = {
  'dk.pathway.case.opened.v1': z.strictObject({
    caseRef: caseRefSchema,
    referredBy: agencyIdSchema,
    competentAuthority: z.enum(['dis', 'cmm', 'court']),
    openedAt: instant,
  }),
  'dk.pathway.identification.decided.v1': z.strictObject({
    caseRef: caseRefSchema,
    identified: z.boolean(),
    decidedBy: z.enum(['dis', 'cmm', 'court']),
    decidedAt: instant,
  }),
  'dk.pathway.reflection-period.started.v1': z.strictObject({
    caseRef: caseRefSchema,
    startsAt: instant,
    endsAt: instant,
    ruleId: z.string(),
  }),
  'dk.pathway.reflection-period.ended.v1': z.strictObject({
    caseRef: caseRefSchema,
    endedAt: instant,
    ruleId: z.string(),
  }),
} as const;

export type EventType = keyof typeof eventDataSchemas;
export type EventData<T extends EventType> = z.infer<(typeof eventDataSchemas)[T]>;
export const EVENT_TYPES = Object.keys(eventDataSchemas) as EventType[];

/** Who must act on each event type (the audit stream receives every event in addition). */
export const eventRecipients: { readonly [T in EventType]: readonly AgencyId[] } = {
  'dk.pathway.case.opened.v1': ['cmm'],
  'dk.pathway.identification.decided.v1': ['cmm', 'dis'],
  'dk.pathway.reflection-period.started.v1': ['cmm', 'dis'],
  'dk.pathway.reflection-period.ended.v1': ['cmm', 'dis', 'police'],
};

/** CloudEvents 1.0 structured-mode envelope as published on every topic. */
export const cloudEventSchema = z.strictObject({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]),
  subject: caseRefSchema,
  time: instant,
  datacontenttype: z.literal('application/json'),
  data: z.record(z.string(), z.unknown()),
});
export type CloudEvent = z.infer<typeof cloudEventSchema>;

/**
 * What a workflow asks the publishing activity to send. `key` is unique per case and step, so a retried
 * activity (or a replayed workflow) produces the same CloudEvents id and consumers can drop duplicates.
 */
export interface AgencyEventRequest<T extends EventType = EventType> {
  readonly caseRef: string;
  readonly key: string;
  readonly type: T;
  readonly time: string;
  readonly data: EventData<T>;
}

export const EVENT_SOURCE = 'urn:dk:victim-pathway';

export function eventId(caseRef: string, key: string): string {
  return `${caseRef}/${key}`;
}

export function toCloudEvent(request: AgencyEventRequest): CloudEvent {
  const schema = eventDataSchemas[request.type];
  const data = schema.parse(request.data) as Record<string, unknown>;
  return cloudEventSchema.parse({
    specversion: '1.0',
    id: eventId(request.caseRef, request.key),
    source: EVENT_SOURCE,
    type: request.type,
    subject: request.caseRef,
    time: request.time,
    datacontenttype: 'application/json',
    data,
  });
}
