import { z } from 'zod';
import { distributedTracingExtension } from './tracing.contract.js';
import { ROLES, SUBJECT_PATTERN } from './access.contract.js';
import { PATHWAY_EVENT_TYPES } from '../../domain/src/index.js';
import {
  EVENT_SOURCE,
  cloudEventTypeOf,
  eventId,
  isAccessChangedRequest,
  isReminderRequest,
  type AccessChangedData,
  type AgencyEventRequest,
  type ReminderData,
} from './event-requests.js';
import {
  agencyIdSchema,
  contactPointSchema,
  caseRefSchema,
  fullEventDataSchema,
  instantSchema as instant,
  minimiseFor,
  type EventAudience,
} from './event-payloads.contract.js';

export { agencyIdSchema, caseRefSchema };
export * from './event-requests.js';

/** True when A and B are the same type (each assignable to the other). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const jsonValue: z.ZodType = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValue),
    z.record(z.string(), jsonValue),
  ]),
);

/**
 * The data of any pathway fact, leniently: the case ref, the domain event type and its instant, plus any JSON.
 * For a reader that does not know the type; what we publish is checked against the strict per-type schema
 * (`EVENT_DATA_SCHEMAS`, `eventDataSchemaFor`).
 */
export const pathwayEventDataSchema = z
  .object({ caseRef: caseRefSchema, type: z.string().min(1), at: instant })
  .catchall(jsonValue);

export const reminderDataSchema = z.strictObject({
  caseRef: caseRefSchema,
  deadlineId: z.string().min(1),
  deadlineKind: z.string().min(1),
  rule: z.string().regex(/^R\d{1,2}$/),
  dueAt: instant,
  daysBefore: z.number().int().nonnegative(),
  responsible: agencyIdSchema,
  summary: z.string(),
  /** When the reminder was planned, if it was moved off a weekend or public holiday, and why. */
  plannedAt: instant.optional(),
  movedBecause: z.string().optional(),
  /** How to reach the agency that must act (its directory entry; open now or when it next opens). */
  contact: contactPointSchema.optional(),
});
/** The schema and the sandbox's `ReminderData` (event-requests.ts) cannot drift: this fails to compile. */
export const REMINDER_DATA_MATCHES: Same<z.infer<typeof reminderDataSchema>, ReminderData> = true;

/** CloudEvents 1.0 structured-mode envelope as published on every topic. */
export const cloudEventSchema = z.strictObject({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().regex(/^dk\.pathway\.[a-z0-9-]+\.v\d+$/),
  subject: caseRefSchema,
  time: instant,
  datacontenttype: z.literal('application/json'),
  data: z.record(z.string(), z.unknown()),
  ...distributedTracingExtension,
});
export type CloudEvent = z.infer<typeof cloudEventSchema>;

export const accessChangedDataSchema = z.strictObject({
  caseRef: caseRefSchema,
  at: instant,
  /** Numbered in its case from 1, in order; the CloudEvents id is `<caseRef>/a<accessSeq>`. */
  accessSeq: z.number().int().min(1),
  change: z.enum(['opened', 'granted', 'revoked', 'implied']),
  by: agencyIdSchema,
  grants: z.array(z.strictObject({ role: z.enum(ROLES), party: z.string().regex(SUBJECT_PATTERN) })),
});
export const ACCESS_CHANGED_DATA_MATCHES: Same<
  z.infer<typeof accessChangedDataSchema>,
  AccessChangedData
> = true;

/**
 * The CloudEvent for `audience`'s topic: the request's data checked against its type's strict contract, then
 * minimised for that audience (`minimiseFor`). Every topic gets the same deterministic `id`, so a consumer
 * reading several topics can still drop duplicates. Throws a ZodError naming the failing fields.
 */
export function toCloudEventFor(request: AgencyEventRequest, audience: EventAudience): CloudEvent {
  return cloudEventSchema.parse({
    specversion: '1.0',
    id: eventId(request.caseRef, request.key),
    source: EVENT_SOURCE,
    type: request.type,
    subject: request.caseRef,
    time: request.time,
    datacontenttype: 'application/json',
    data: checkedData(request, audience),
  });
}

/** The CloudEvent in full, as the audit stream receives it. */
export function toCloudEvent(request: AgencyEventRequest): CloudEvent {
  return toCloudEventFor(request, 'audit');
}

const domainEventType = z.object({ type: z.enum(PATHWAY_EVENT_TYPES) });

function checkedData(request: AgencyEventRequest, audience: EventAudience): Record<string, unknown> {
  if (isReminderRequest(request)) return reminderDataSchema.parse(request.data);
  if (isAccessChangedRequest(request)) return accessChangedDataSchema.parse(request.data);
  const { type } = domainEventType.parse(request.data);
  if (cloudEventTypeOf(type) !== request.type) {
    throw new z.ZodError([
      { code: 'custom', path: ['type'], message: 'does not match the CloudEvents type', input: undefined },
    ]);
  }
  return minimiseFor(audience, type, fullEventDataSchema(type).parse(request.data));
}
