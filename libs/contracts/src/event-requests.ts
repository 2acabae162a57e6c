/**
 * What a workflow asks the publishing activity to send, built from the domain's facts: plain data and
 * functions, no schema, so the workflow sandbox loads it without building any (ADR 0019). The strict
 * schemas the activity checks each event against before publishing are in `events.contract.ts`, which
 * re-exports this; its compile-time checks keep `ReminderData` and `AccessChangedData` equal to them.
 */
import { grantKey, type AccessGrant, type Role } from './access-grants.js';
import { kebab } from './names.contract.js';
import type { AgencyId } from '../../domain/src/index.js';
import type { PathwayEvent, PathwayEventType } from '../../domain/src/index.js';
import { contactPointOf } from '../../domain/src/index.js';
import { currentDeadlines, type ReminderAction } from '../../domain/src/index.js';
import type { PathwayState } from '../../domain/src/index.js';
import type { Policy } from '../../domain/src/index.js';

/** `CaseReferred` → `dk.pathway.case-referred.v1`: every domain event has a versioned CloudEvents type. */
export function cloudEventTypeOf(domainType: PathwayEventType): string {
  return `dk.pathway.${kebab(domainType)}.v1`;
}

/** A reminder sent ahead of a deadline to the agency that must act (not a domain event: nothing changed). */
export const REMINDER_EVENT_TYPE = 'dk.pathway.deadline-reminder.v1';

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

/** A reminder's data (the contract `reminderDataSchema` checks). */
export interface ReminderData {
  caseRef: string;
  deadlineId: string;
  deadlineKind: string;
  rule: string;
  dueAt: string;
  daysBefore: number;
  responsible: AgencyId;
  summary: string;
  /** When the reminder was planned, if it was moved off a weekend or public holiday, and why. */
  plannedAt?: string | undefined;
  movedBecause?: string | undefined;
  /** How to reach the agency that must act (its directory entry; open now or when it next opens). */
  contact?: ReminderContact | undefined;
}

/** The directory entry a reminder carries (the domain's `ContactPoint`, as JSON). */
export interface ReminderContact {
  agency: AgencyId;
  name: string;
  phone?: string | undefined;
  hotline?: string | undefined;
  email?: string | undefined;
  secureEmail?: string | undefined;
  hours?: string | undefined;
  open?: boolean | undefined;
  nextOpensAt?: string | undefined;
}

/** An access change's data (the contract `accessChangedDataSchema` checks). */
export interface AccessChangedData {
  caseRef: string;
  at: string;
  /** Numbered in its case from 1, in order; the CloudEvents id is `<caseRef>/a<accessSeq>`. */
  accessSeq: number;
  change: 'opened' | 'granted' | 'revoked' | 'implied';
  by: AgencyId;
  grants: { role: Role; party: string }[];
}
