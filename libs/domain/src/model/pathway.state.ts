import type { Actor, AgencyId } from '../agency.js';
import type { CaseRef } from '../case-ref.js';
import type { ExtensionGround, PeriodKind } from '../policy/policy.types.js';
import type { Instant } from '../time.js';
import type { CloseReason, OpenStage, Stage } from '../stages.js';

/**
 * The pathway's state, rebuilt from its events by `evolve`. It holds facts the rules need (status flags,
 * clocks, who did what and when) and no personal data: no names, dates of birth, nationalities or notes.
 * Agencies appear as ids, never as caseworkers.
 */
export type PathwayState = NotStartedState | CaseState;

export interface NotStartedState {
  readonly stage: 'not-started';
}

/** R17: "unverified" is treated as a child until an age assessment says otherwise. */
export const AGE_STATUSES = ['adult', 'child', 'unverified'] as const;
export type AgeStatus = (typeof AGE_STATUSES)[number];

/** How the case came in: a first encounter (police, DIS, CMM, NGO) or asylum screening (R3). */
export const INTAKE_CHANNELS = ['first-encounter', 'asylum-screening'] as const;
export type IntakeChannel = (typeof INTAKE_CHANNELS)[number];
/** An identification's outcome (R1). */
export const IDENTIFICATION_OUTCOMES = ['identified', 'not-identified'] as const;
export type IdentificationOutcome = (typeof IDENTIFICATION_OUTCOMES)[number];
/** What an age assessment found (R17). */
export const AGE_ASSESSMENT_OUTCOMES = ['adult', 'child'] as const;
export type AgeAssessmentOutcome = (typeof AGE_ASSESSMENT_OUTCOMES)[number];
/** A permit or asylum decision's outcome. */
export const GRANT_OUTCOMES = ['granted', 'refused'] as const;
export type GrantOutcome = (typeof GRANT_OUTCOMES)[number];
/** Why a period ended (R4–R6). */
export const PERIOD_END_CAUSES = ['elapsed', 'superseded-by-permit', 'departed'] as const;
export type PeriodEndCause = (typeof PERIOD_END_CAUSES)[number];
/** Why a permit ended (R12). */
export const PERMIT_END_CAUSES = ['expired', 'investigation-ended'] as const;
export type PermitEndCause = (typeof PERMIT_END_CAUSES)[number];

/** Status facts that drive routing (R1) and the rules; no personal data. */
export interface CaseFacts {
  readonly hasLegalStay: boolean;
  readonly isDefendant: boolean;
  /** R1: the case is one of those in which SIRI identifies instead of DIS. */
  readonly siriResponsible: boolean;
  readonly age: AgeStatus;
  readonly unaccompanied: boolean;
  readonly isAsylumSeeker: boolean;
}

export interface CaseState {
  readonly stage: Stage;
  readonly caseRef: CaseRef;
  /** The policy the case opened under; `decide` refuses any other (`POLICY_MISMATCH`). */
  readonly policyVersion: string;
  readonly openedAt: Instant;
  readonly intake: { readonly by: Actor; readonly channel: IntakeChannel };
  readonly facts: CaseFacts;
  readonly interviews: readonly InterviewRecord[];
  readonly identification?: IdentificationRecord;
  readonly period?: PeriodClock;
  readonly avr: AvrState;
  readonly investigationEndedAt?: Instant;
  readonly criminalCaseConcludedAt?: Instant;
  readonly permit: PermitState;
  readonly workPermit?: WorkPermitState;
  readonly asylum?: AsylumState;
  readonly child: ChildState;
  readonly monitoring?: MonitoringState;
  /**
   * Ids of deadlines escalated, once per escalation: most escalate once; a held decision or a follow-up
   * escalates again on the policy's cadence while it is still missing.
   */
  readonly escalated: readonly string[];
  /** When the case entered its current stage (follow-up deadlines of stages without a clock run from it). */
  readonly stageSince?: Instant;
  readonly closed?: { readonly at: Instant; readonly reason: CloseReason };
}

export interface InterviewRecord {
  readonly by: AgencyId;
  readonly at: Instant;
}

export interface IdentificationRecord {
  readonly by: AgencyId;
  readonly at: Instant;
  readonly outcome: IdentificationOutcome;
}

/** A reflection (R4) or restitution (R7) period with its extensions (R5, R6). */
export interface PeriodClock {
  readonly kind: PeriodKind;
  readonly startsAt: Instant;
  readonly baseDays: number;
  /** R5: the cap of the case's policy, fixed when the period starts. */
  readonly capDays: number;
  readonly endsAt: Instant;
  readonly extensions: readonly PeriodExtension[];
  readonly pending?: ExtensionRequest;
  /** Number of extension requests filed so far (ids the `extension-decision:<n>` deadlines). */
  readonly requests: number;
  readonly endedAt?: Instant;
  /** When the last extension request was decided: a held end that has passed ends then, not earlier (R6). */
  readonly releasedAt?: Instant;
}

export interface ExtensionRequest {
  readonly requestNo: number;
  readonly days: number;
  readonly ground: ExtensionGround;
  readonly requestedAt: Instant;
  readonly by: Actor;
}

export interface PeriodExtension {
  readonly requestNo: number;
  readonly days: number;
  readonly ground: ExtensionGround;
  readonly decidedBy: AgencyId;
  readonly decidedAt: Instant;
  readonly endsAt: Instant;
}

export interface AvrState {
  readonly cooperationConfirmedAt?: Instant;
  readonly planDraftedAt?: Instant;
  readonly departedAt?: Instant;
  readonly assistedDeparture?: boolean;
}

export interface PermitTerm {
  readonly termNo: number;
  readonly grantedBy: AgencyId;
  /** Who applied for the term (police or prosecution); absent in terms recorded before it was kept. */
  readonly appliedBy?: AgencyId;
  readonly startsAt: Instant;
  readonly endsAt: Instant;
  readonly grantedAt: Instant;
}

export interface PermitApplication {
  readonly renewal: boolean;
  readonly by: AgencyId;
  readonly appliedAt: Instant;
}

/** R11/R12: the §9c(5) permit's terms, pending application and end. */
export interface PermitState {
  readonly terms: readonly PermitTerm[];
  readonly pending?: PermitApplication;
  readonly endedAt?: Instant;
  readonly endCause?: PermitEndCause;
}

export interface WorkPermitState {
  readonly appliedAt: Instant;
  readonly grantedAt?: Instant;
}

/**
 * R18: a Danish municipality's official 3-digit code (kommunenummer, e.g. 101 Copenhagen, 751 Aarhus): an
 * administrative code, not an address. One definition for the domain, the HTTP contract and the events.
 */
export const MUNICIPALITY_CODE_PATTERN = /^\d{3}$/;

export function isMunicipalityCode(value: unknown): value is string {
  return typeof value === 'string' && MUNICIPALITY_CODE_PATTERN.test(value);
}

export interface AsylumState {
  readonly appliedAt: Instant;
  /** The stage to resume if asylum is refused (R18), unless its clock ran out meanwhile. */
  readonly resumeStage: OpenStage;
  readonly outcome?: GrantOutcome;
  readonly decidedAt?: Instant;
  /** Municipality code allocated by DIS (R18): an administrative code, not an address. */
  readonly municipalityCode?: string;
}

/** R17: what a durable solution for the child is, as decided in the child's best interest. */
export const DURABLE_SOLUTIONS = [
  'family-reunion',
  'return-to-other-care',
  'remain-in-denmark',
  'undetermined',
] as const;
export type DurableSolution = (typeof DURABLE_SOLUTIONS)[number];

export interface BestInterestDecision {
  readonly by: AgencyId;
  readonly decidedAt: Instant;
  readonly familyTracing: boolean;
  readonly durableSolution: DurableSolution;
}

export interface ChildState {
  /** When the person started to be treated as a child (intake, or a later assessment); unset for adults. */
  readonly treatedAsChildSince?: Instant;
  readonly guardianAppointedAt?: Instant;
  readonly bestInterest?: BestInterestDecision;
  readonly familyTracingStartedAt?: Instant;
}

/** R14: reintegration monitoring after arrival: window and check-in slots. */
export interface MonitoringState {
  readonly arrivedAt: Instant;
  readonly endsAt: Instant;
  /** Due instant of each check-in slot; slot n is `checkInsDueAt[n - 1]`. */
  readonly checkInsDueAt: readonly Instant[];
  readonly checkIns: readonly { readonly slot: number; readonly at: Instant }[];
}

export const NOT_STARTED: NotStartedState = { stage: 'not-started' };

/** The state before the first event (emmett's `initialState`). */
export function initialState(): PathwayState {
  return NOT_STARTED;
}

export function currentPermitTerm(state: CaseState): PermitTerm | undefined {
  return state.permit.terms[state.permit.terms.length - 1];
}
