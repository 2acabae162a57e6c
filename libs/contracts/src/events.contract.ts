import { z } from 'zod';
import { distributedTracingExtension } from './tracing.contract.js';
import { ROLES, SUBJECT_PATTERN, grantKey, type AccessGrant } from './access.contract.js';
import { kebab } from './names.contract.js';
import type { AgencyId } from '../../domain/src/index.js';
import { PATHWAY_EVENT_TYPES, type PathwayEvent, type PathwayEventType } from '../../domain/src/index.js';
import { contactPointOf } from '../../domain/src/index.js';
import { currentDeadlines, type ReminderAction } from '../../domain/src/index.js';
import type { PathwayState } from '../../domain/src/index.js';
import type { Policy } from '../../domain/src/index.js';
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

/** `CaseReferred` → `dk.pathway.case-referred.v1`: every domain event has a versioned CloudEvents type. */
export function cloudEventTypeOf(domainType: PathwayEventType): string {
  return `dk.pathway.${kebab(domainType)}.v1`;
}

/** A reminder sent ahead of a deadline to the agency that must act (not a domain event: nothing changed). */
export const REMINDER_EVENT_TYPE = 'dk.pathway.deadline-reminder.v1';

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
export type ReminderData = z.infer<typeof reminderDataSchema>;

/**
 * The request for a reminder ahead of a deadline, to the agencies the schedule names (the responsible one,
 * and a child's guardian), with the deadline's explanation and how to reach the agency that must act.
 */
export function reminderEventRequest(
  caseRef: string,
  action: ReminderAction,
  state: PathwayState,
  policy: Policy,
): ReminderEventRequest {
  const deadline =
    state.stage === 'not-started'
      ? undefined
      : currentDeadlines(state, policy).find((d) => d.id === action.deadlineId);
  const responsible = deadline?.responsible ?? action.to[0] ?? policy.coordinator;
  const data: ReminderData = {
    caseRef,
    deadlineId: action.deadlineId,
    deadlineKind: action.deadlineKind,
    rule: action.rule,
    dueAt: deadline?.dueAt ?? action.at,
    daysBefore: action.daysBefore,
    responsible,
    summary: deadline?.explanation.summary ?? '',
    ...(action.plannedAt !== undefined ? { plannedAt: action.plannedAt } : {}),
    ...(action.movedBecause !== undefined ? { movedBecause: action.movedBecause } : {}),
    contact: contactPointOf(responsible, action.at, policy),
  };
  return {
    caseRef,
    key: `reminder/${action.id}`,
    type: REMINDER_EVENT_TYPE,
    time: action.at,
    recipients: action.to,
    data,
  };
}

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

interface EventRequestBase {
  readonly caseRef: string;
  readonly key: string;
  readonly time: string;
  /** Agencies that must act on it or follow the case; the audit stream receives every event besides. */
  readonly recipients: readonly AgencyId[];
}

/** A domain event's data as published: the event with the case it belongs to. */
export type PathwayEventData = PathwayEvent extends infer E
  ? E extends PathwayEvent
    ? Omit<E, 'caseRef'> & { readonly caseRef: string }
    : never
  : never;

/** A domain event, numbered in its case (`pathwayEventRequest`). */
export interface PathwayEventRequest extends EventRequestBase {
  /** `dk.pathway.<kebab event type>.v1` (`cloudEventTypeOf`). */
  readonly type: string;
  readonly data: PathwayEventData;
}

/** A reminder ahead of a deadline (`reminderEventRequest`): its data is the reminder contract's. */
export interface ReminderEventRequest extends EventRequestBase {
  readonly type: typeof REMINDER_EVENT_TYPE;
  readonly data: ReminderData;
}

/**
 * Who may see the case changed (a grant given or withdrawn, or implied by an event): not a domain event —
 * the pathway is the same — but the read model's scope (issue 14). The whole list after the change, so a
 * consumer keeps the one with the highest `accessSeq`; role and party codes only, no personal data.
 */
export const ACCESS_CHANGED_TYPE = 'dk.pathway.access-changed.v1';

export const accessChangedDataSchema = z.strictObject({
  caseRef: caseRefSchema,
  at: instant,
  /** Numbered in its case from 1, in order; the CloudEvents id is `<caseRef>/a<accessSeq>`. */
  accessSeq: z.number().int().min(1),
  change: z.enum(['opened', 'granted', 'revoked', 'implied']),
  by: agencyIdSchema,
  grants: z.array(z.strictObject({ role: z.enum(ROLES), party: z.string().regex(SUBJECT_PATTERN) })),
});
export type AccessChangedData = z.infer<typeof accessChangedDataSchema>;

/** The grants after an access change, to the audit stream (the read model reads them there). */
export interface AccessChangedEventRequest extends EventRequestBase {
  readonly type: typeof ACCESS_CHANGED_TYPE;
  readonly data: AccessChangedData;
}

export function accessChangedEventRequest(
  caseRef: string,
  accessSeq: number,
  change: AccessChangedData['change'],
  by: AgencyId,
  at: string,
  grants: readonly AccessGrant[],
): AccessChangedEventRequest {
  return {
    caseRef,
    key: `a${String(accessSeq).padStart(5, '0')}`,
    type: ACCESS_CHANGED_TYPE,
    time: at,
    recipients: [],
    data: {
      caseRef,
      at,
      accessSeq,
      change,
      by,
      grants: [...grants]
        .sort((a, b) => grantKey(a).localeCompare(grantKey(b)))
        .map(({ role, party }) => ({ role, party })),
    },
  };
}

export function isAccessChangedRequest(request: AgencyEventRequest): request is AccessChangedEventRequest {
  return request.type === ACCESS_CHANGED_TYPE;
}

/**
 * What a workflow asks the publishing activity to send. `key` is unique per case and step (the event's
 * sequence number in the case, or the reminder's id), so a retried activity or a replayed workflow
 * produces the same CloudEvents id and consumers can drop duplicates. Both kinds are built here, typed by
 * their contract; the activity checks the data again against the strict schema before publishing.
 */
export type AgencyEventRequest = PathwayEventRequest | ReminderEventRequest | AccessChangedEventRequest;

export function isReminderRequest(request: AgencyEventRequest): request is ReminderEventRequest {
  return request.type === REMINDER_EVENT_TYPE;
}

export const EVENT_SOURCE = 'urn:dk:victim-pathway';

export function eventId(caseRef: string, key: string): string {
  return `${caseRef}/${key}`;
}

/** The request for a domain event, numbered `seq` in its case. */
export function pathwayEventRequest(
  caseRef: string,
  seq: number,
  event: PathwayEvent,
  recipients: readonly AgencyId[],
): PathwayEventRequest {
  return {
    caseRef,
    key: `e${String(seq).padStart(5, '0')}-${event.type}`,
    type: cloudEventTypeOf(event.type),
    time: event.at,
    data: { ...event, caseRef },
    recipients,
  };
}

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
