import type { Actor, AgencyId } from '../../domain/src/index.js';
import type { Deadline } from '../../domain/src/index.js';
import type { NextStep } from '../../domain/src/index.js';
import type { SupportKind } from '../../domain/src/index.js';
import type { PathwayCommand, ReferCase } from '../../domain/src/index.js';
import type { PathwayState } from '../../domain/src/index.js';
import type { CloseReason, Stage } from '../../domain/src/index.js';
import type { CaseRef } from '../../domain/src/index.js';
import type { RecordedAccessGrant } from './access.contract.js';
import type { AgencyEventRequest } from './events.contract.js';

/** How a case is opened: the referral (who refers, through which channel, with which status facts). */
export type Referral = Omit<ReferCase, 'type' | 'caseRef'>;

/**
 * What one run of the pathway workflow carries into the next when it continues as new: the state rebuilt
 * from the events so far, the ids of timer actions already taken, the event counter and unsent events.
 */
export interface CarriedPathway {
  readonly state: PathwayState;
  readonly firedActionIds: readonly string[];
  readonly eventSeq: number;
  /** Access changes announced so far (issue 14); absent before the first one. */
  readonly accessSeq?: number;
  /** The view's version at the hand-over (ADR 0023); absent before versions. */
  readonly viewVersion?: number;
  readonly outbox: readonly OutboxEntry[];
  readonly timeline: readonly TimelineEntry[];
  /** Stage clocks (child workflows) running at the hand-over, by name. */
  readonly clocks?: Readonly<Record<string, { readonly workflowId: string; readonly sent: string }>>;
  readonly clockRuns?: Readonly<Record<string, number>>;
  /** Update ids applied recently under the first form of keys (raw Idempotency-Keys), kept for running cases. */
  readonly appliedUpdateIds?: readonly string[];
  /** Idempotency-Keys this case has taken, with the request each is bound to (across continue-as-new). */
  readonly idempotencyKeys?: readonly IdempotencyRecord[];
  /** Access grants held at the hand-over. */
  readonly access?: readonly RecordedAccessGrant[];
  readonly undeliverable?: readonly UndeliverableEvent[];
}

/**
 * An event waiting in a case's outbox: the request for the publishing activity and, when an act over HTTP
 * caused it, that act's W3C `traceparent` (the activity is scheduled in that trace, so its Kafka send and the
 * CloudEvent's `traceparent` continue the request's trace). Ids only.
 */
export type OutboxEntry = AgencyEventRequest & { readonly traceparent?: string };

/** An event the publisher refused for good (it broke its contract); the case went on without it. */
export interface UndeliverableEvent {
  readonly key: string;
  readonly type: string;
  readonly at: string;
}

export interface VictimPathwayInput {
  readonly caseRef: CaseRef;
  readonly referral: Referral;
  readonly carried?: CarriedPathway;
  /** Grants the case opens with (the referring organisation's); the gateway sets the search attribute too. */
  readonly access?: readonly RecordedAccessGrant[];
  /** The opening request's Idempotency-Key, bound to the referral (absent when opened without a key). */
  readonly idempotency?: IdempotencyRecord;
  /**
   * How the gateway opened the case (ADR 0024): the instant it decided the referral at, which the case opens
   * at, and the digest of the view it built and stored as number 1. Absent for cases opened before.
   */
  readonly opened?: { readonly at: string; readonly digest: string };
  /** Continue as new once the run's history has this many events (default 4,000; tests use less). */
  readonly continueAsNewAfterEvents?: number;
}

/**
 * An Idempotency-Key as a case holds it: the key's digest (bound to the caller's role and organisation, so two
 * organisations' keys never meet), the digest of the request it was first used for (operation, case and
 * body), and the gateway's id of that first request (a retry sees another id come back, and is told it was
 * replayed). Digests only: neither the key nor the body is kept.
 */
export interface IdempotencyRecord {
  readonly key: string;
  readonly fingerprint: string;
  readonly requestId: string;
}

/** What an act's Update carries besides the command: the Idempotency-Key the caller sent, if any. */
export interface ActEnvelope {
  readonly idempotency?: IdempotencyRecord;
}

/** What an act's Update answers: the case, and which request first made the act (for a replay). */
export type ActResult = CaseView & { readonly receipt?: { readonly requestId: string } };

/** What an act's refusal carries besides its code and reason (the Update failure's details). */
export interface RefusalDetails {
  readonly rule?: string;
  readonly details?: Readonly<Record<string, string | number>>;
}

/** Agency acts, one Temporal Update each, named after the command (imperative: `requestPermitRenewal`). */
export type AgencyCommand = Exclude<PathwayCommand, { type: 'referCase' | 'recordDeadlineReached' }>;
export type AgencyCommandType = AgencyCommand['type'];
/** An act's arguments: the command without its type (the update's name says it). */
export type ActArgs<T extends AgencyCommandType> = WithoutType<Extract<AgencyCommand, { type: T }>>;
/** Omit distributed over a union (a decision's granted/refused variants stay distinct). */
type WithoutType<C> = C extends unknown ? Omit<C, 'type'> : never;

export const AGENCY_COMMAND_TYPES = [
  'recordInterview',
  'submitForIdentification',
  'decideIdentification',
  'courtGrantsStatus',
  'concludeCriminalCase',
  'changeLegalStatus',
  'recordAgeAssessment',
  'appointGuardian',
  'decideBestInterest',
  'startFamilyTracing',
  'confirmAvrCooperation',
  'draftAvrPlan',
  'requestExtension',
  'decideExtension',
  'applyForPermit',
  'requestPermitRenewal',
  'decidePermit',
  'applyForWorkPermit',
  'decideWorkPermit',
  'endInvestigation',
  'applyForAsylum',
  'decideAsylum',
  'recordDeparture',
  'recordArrival',
  'recordCheckIn',
  'closeCase',
] as const satisfies readonly AgencyCommandType[];

type UnlistedCommand = Exclude<AgencyCommandType, (typeof AGENCY_COMMAND_TYPES)[number]>;
export const EVERY_COMMAND_LISTED: [UnlistedCommand] extends [never] ? true : UnlistedCommand = true;

export interface TimelineEntry {
  readonly seq: number;
  readonly at: string;
  readonly type: string;
  /**
   * Who acted: the agency (or the victim, or `system` for the pathway's own timers) whose act produced the
   * event. Absent in entries recorded before it was kept.
   */
  readonly by?: Actor;
  /** The agency that helped the victim act (R6), when `by` is the victim. */
  readonly via?: AgencyId;
}

/** A case as an agency sees it: stage, every running deadline with its explanation, recent timeline. */
export interface CaseView {
  readonly caseRef: string;
  /**
   * The view's version in its case: it grows each time anything in the view changes (the search attribute
   * `PathwayViewVersion` names the current one). Absent for cases started before versions existed. Between
   * the workflow and the gateway only: an answer over HTTP leaves it out (`viewForRole`), as a number that
   * moves with sections a role may not see would tell it they changed.
   */
  readonly version?: number;
  readonly stage: Stage | 'not-started';
  readonly policyVersion?: string;
  readonly deadlines: readonly Deadline[];
  /** The next timer the workflow holds (a reminder, an expiry or an escalation). */
  readonly next?: { readonly at: string; readonly kind: string; readonly deadlineId: string };
  readonly timeline: readonly TimelineEntry[];
  readonly closed?: { readonly at: string; readonly reason: CloseReason };
  readonly state: PathwayState;
  /** Who besides the national roles may see the case (absent in views recorded before grants existed). */
  readonly access?: readonly RecordedAccessGrant[];
  /** Events that could not be published (contract violations): an operator must look. */
  readonly undeliverable?: readonly UndeliverableEvent[];
  /** R8/R9: the support on offer now, who provides it, and that none of it depends on cooperation. */
  readonly support?: readonly SupportOfferView[];
  /** For each running deadline: who is reminded when, what happens at it, who is escalated to, in words. */
  readonly nextSteps?: readonly NextStep[];
  /**
   * Whether a person record is held, which sections it has, or when and on whose decision it was erased (the
   * gateway adds it from the person vault; never the values: read those at `…/person`).
   */
  readonly person?: PersonSummary;
}

export interface PersonSummary {
  readonly state: 'none' | 'held' | 'erased';
  readonly present: readonly string[];
  readonly erasure?: {
    readonly at: string;
    readonly byRole: string;
    readonly byOrg: string;
    readonly reason: string;
  };
}

/** One kind of support on offer now (R8), with its providers; never conditional on cooperation (R9). */
export interface SupportOfferView {
  readonly kind: SupportKind;
  readonly rule: string;
  readonly providers: readonly { readonly agency: AgencyId; readonly name: string }[];
  /** R9: always false — no configuration may make support depend on cooperation (ECAT 12(6)). */
  readonly dependsOnCooperation: false;
  /** Why it applies (e.g. `is-child`), when it is not for everyone. */
  readonly conditions: readonly string[];
}
