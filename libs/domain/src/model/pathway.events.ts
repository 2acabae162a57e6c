import type { ContactPoint } from '../directory.js';
import type { Actor, AgencyId } from '../agency.js';
import type { CaseRef } from '../case-ref.js';
import type { DeadlineKind, ExtensionGround, PeriodKind } from '../policy/policy.types.js';
import type { RuleId } from '../rule-ids.js';
import type { Instant } from '../time.js';
import type { LegalStatusChange } from './pathway.commands.js';
import type { CloseReason, OpenStage } from '../stages.js';
import type {
  AgeAssessmentOutcome,
  CaseFacts,
  DurableSolution,
  IdentificationOutcome,
  IntakeChannel,
  PeriodEndCause,
  PermitEndCause,
} from './pathway.state.js';

/**
 * Facts that happened, in past tense. Events carry every computed value (end dates, caps, slots), so
 * `evolve` needs no policy and a history explains itself. Stage moves are explicit `StageChanged` /
 * `CaseClosed` events naming the rule that caused them.
 */
export type PathwayEvent =
  | CaseReferred
  | InterviewRecorded
  | IdentificationRequested
  | IdentificationDecided
  | VictimStatusGrantedByCourt
  | CriminalCaseConcluded
  | LegalStatusChanged
  | IdentificationRerouted
  | AgeAssessed
  | GuardianAppointed
  | BestInterestDecided
  | FamilyTracingStarted
  | PeriodStarted
  | ExtensionRequested
  | ExtensionGranted
  | ExtensionRefused
  | PeriodEnded
  | AvrCooperationConfirmed
  | AvrPlanDrafted
  | PermitApplied
  | PermitGranted
  | PermitRefused
  | PermitEnded
  | WorkPermitApplied
  | WorkPermitGranted
  | InvestigationEnded
  | AsylumApplied
  | AsylumGranted
  | AsylumRefused
  | DepartureRecorded
  | ArrivalRecorded
  | CheckInRecorded
  | DeadlineMissed
  | ReintegrationCompleted
  | StageChanged
  | CaseClosed;

export type PathwayEventType = PathwayEvent['type'];

/** Every event type, in the order of the union (checked against it at compile time). */
export const PATHWAY_EVENT_TYPES = [
  'CaseReferred',
  'InterviewRecorded',
  'IdentificationRequested',
  'IdentificationDecided',
  'VictimStatusGrantedByCourt',
  'CriminalCaseConcluded',
  'LegalStatusChanged',
  'IdentificationRerouted',
  'AgeAssessed',
  'GuardianAppointed',
  'BestInterestDecided',
  'FamilyTracingStarted',
  'PeriodStarted',
  'ExtensionRequested',
  'ExtensionGranted',
  'ExtensionRefused',
  'PeriodEnded',
  'AvrCooperationConfirmed',
  'AvrPlanDrafted',
  'PermitApplied',
  'PermitGranted',
  'PermitRefused',
  'PermitEnded',
  'WorkPermitApplied',
  'WorkPermitGranted',
  'InvestigationEnded',
  'AsylumApplied',
  'AsylumGranted',
  'AsylumRefused',
  'DepartureRecorded',
  'ArrivalRecorded',
  'CheckInRecorded',
  'DeadlineMissed',
  'ReintegrationCompleted',
  'StageChanged',
  'CaseClosed',
] as const satisfies readonly PathwayEventType[];

// Compile-time check that the list above names every event type: a missing one makes this `true` fail.
type UnlistedEventType = Exclude<PathwayEventType, (typeof PATHWAY_EVENT_TYPES)[number]>;
export const EVERY_EVENT_TYPE_LISTED: [UnlistedEventType] extends [never] ? true : UnlistedEventType = true;

interface At {
  readonly at: Instant;
}

export interface CaseReferred extends At {
  readonly type: 'CaseReferred';
  readonly caseRef: CaseRef;
  readonly policyVersion: string;
  readonly by: Actor;
  readonly channel: IntakeChannel;
  readonly facts: CaseFacts;
  /** R1: the authority competent at intake. */
  readonly competentAuthority: AgencyId;
}

export interface InterviewRecorded extends At {
  readonly type: 'InterviewRecorded';
  readonly by: AgencyId;
}

export interface IdentificationRequested extends At {
  readonly type: 'IdentificationRequested';
  readonly by: AgencyId;
  readonly authority: AgencyId;
}

export interface IdentificationDecided extends At {
  readonly type: 'IdentificationDecided';
  readonly by: AgencyId;
  readonly outcome: IdentificationOutcome;
}

export interface VictimStatusGrantedByCourt extends At {
  readonly type: 'VictimStatusGrantedByCourt';
  readonly by: AgencyId;
}

export interface CriminalCaseConcluded extends At {
  readonly type: 'CriminalCaseConcluded';
  readonly by: AgencyId;
}

export interface LegalStatusChanged extends At {
  readonly type: 'LegalStatusChanged';
  readonly by: AgencyId;
  readonly change: LegalStatusChange;
}

/** R1: the competent authority changed with the status; the new one must take over. */
export interface IdentificationRerouted extends At {
  readonly type: 'IdentificationRerouted';
  readonly from: AgencyId;
  readonly to: AgencyId;
}

export interface AgeAssessed extends At {
  readonly type: 'AgeAssessed';
  readonly by: AgencyId;
  readonly outcome: AgeAssessmentOutcome;
}

export interface GuardianAppointed extends At {
  readonly type: 'GuardianAppointed';
  readonly by: AgencyId;
}

export interface BestInterestDecided extends At {
  readonly type: 'BestInterestDecided';
  readonly by: AgencyId;
  readonly familyTracing: boolean;
  readonly durableSolution: DurableSolution;
}

export interface FamilyTracingStarted extends At {
  readonly type: 'FamilyTracingStarted';
  readonly by: AgencyId;
}

export interface PeriodStarted extends At {
  readonly type: 'PeriodStarted';
  readonly kind: PeriodKind;
  readonly startsAt: Instant;
  readonly baseDays: number;
  readonly capDays: number;
  readonly endsAt: Instant;
}

/** The agency that helped the victim make the act (R6: CMM or the shelter), when `by` is the victim. */
interface Via {
  readonly via?: AgencyId;
}

export interface ExtensionRequested extends At, Via {
  readonly type: 'ExtensionRequested';
  readonly by: Actor;
  readonly requestNo: number;
  readonly days: number;
  readonly ground: ExtensionGround;
}

export interface ExtensionGranted extends At {
  readonly type: 'ExtensionGranted';
  readonly by: AgencyId;
  readonly requestNo: number;
  readonly days: number;
  readonly ground: ExtensionGround;
  readonly endsAt: Instant;
  readonly totalDays: number;
}

export interface ExtensionRefused extends At {
  readonly type: 'ExtensionRefused';
  readonly by: AgencyId;
  readonly requestNo: number;
}

export interface PeriodEnded extends At {
  readonly type: 'PeriodEnded';
  readonly kind: PeriodKind;
  readonly cause: PeriodEndCause;
}

export interface AvrCooperationConfirmed extends At {
  readonly type: 'AvrCooperationConfirmed';
  readonly by: AgencyId;
}

export interface AvrPlanDrafted extends At {
  readonly type: 'AvrPlanDrafted';
  readonly by: AgencyId;
}

export interface PermitApplied extends At {
  readonly type: 'PermitApplied';
  readonly by: AgencyId;
  readonly renewal: boolean;
}

export interface PermitGranted extends At {
  readonly type: 'PermitGranted';
  readonly by: AgencyId;
  readonly renewal: boolean;
  readonly termNo: number;
  readonly startsAt: Instant;
  readonly endsAt: Instant;
}

export interface PermitRefused extends At {
  readonly type: 'PermitRefused';
  readonly by: AgencyId;
  readonly renewal: boolean;
}

export interface PermitEnded extends At {
  readonly type: 'PermitEnded';
  readonly cause: PermitEndCause;
}

export interface WorkPermitApplied extends At, Via {
  readonly type: 'WorkPermitApplied';
  readonly by: Actor;
}

export interface WorkPermitGranted extends At {
  readonly type: 'WorkPermitGranted';
  readonly by: AgencyId;
}

/** R11: also ends any pending permit application, which can no longer be granted. */
export interface InvestigationEnded extends At {
  readonly type: 'InvestigationEnded';
  readonly by: AgencyId;
}

export interface AsylumApplied extends At, Via {
  readonly type: 'AsylumApplied';
  readonly by: Actor;
  readonly resumeStage: OpenStage;
}

export interface AsylumGranted extends At {
  readonly type: 'AsylumGranted';
  readonly by: AgencyId;
  readonly municipalityCode: string;
}

export interface AsylumRefused extends At {
  readonly type: 'AsylumRefused';
  readonly by: AgencyId;
}

export interface DepartureRecorded extends At {
  readonly type: 'DepartureRecorded';
  readonly by: AgencyId;
  /** True when the departure is an assisted voluntary return (R14). */
  readonly assisted: boolean;
}

export interface ArrivalRecorded extends At {
  readonly type: 'ArrivalRecorded';
  readonly by: AgencyId;
  readonly arrivedAt: Instant;
  readonly monitoringEndsAt: Instant;
  readonly checkInsDueAt: readonly Instant[];
}

export interface CheckInRecorded extends At {
  readonly type: 'CheckInRecorded';
  readonly by: AgencyId;
  readonly slot: number;
}

/** A deadline passed without the expected act; `escalateTo` must be told (R17: a child's guardian too). */
export interface DeadlineMissed extends At {
  readonly type: 'DeadlineMissed';
  readonly deadlineId: string;
  readonly kind: DeadlineKind;
  readonly rule: RuleId;
  readonly responsible: AgencyId;
  readonly escalateTo: readonly AgencyId[];
  /** The second, third … escalation of a missing act that holds the case (absent on the first). */
  readonly repeat?: number;
  /**
   * How to reach the agency that missed it and those it is escalated to (from the directory): for CMM,
   * whether its hotline is open now and when it next opens.
   */
  readonly contacts: readonly ContactPoint[];
}

export interface ReintegrationCompleted extends At {
  readonly type: 'ReintegrationCompleted';
}

export interface StageChanged extends At {
  readonly type: 'StageChanged';
  readonly from: OpenStage;
  readonly to: OpenStage;
  readonly rule: RuleId;
}

export interface CaseClosed extends At {
  readonly type: 'CaseClosed';
  readonly from: OpenStage;
  readonly reason: CloseReason;
  readonly rule?: RuleId;
}
