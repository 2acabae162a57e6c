import type { Actor, AgencyId } from '../agency.js';
import type { ExtensionGround, LegalStatusChangeKind } from '../policy/policy.types.js';
import type { Instant } from '../time.js';
import type { ManualCloseReason } from '../stages.js';
import type {
  AgeAssessmentOutcome,
  AgeStatus,
  DurableSolution,
  GrantOutcome,
  IdentificationOutcome,
  IntakeChannel,
} from './pathway.state.js';

/**
 * What agencies (and the workflow's timers) ask the pathway to do. Every command names who acts (`by`);
 * `decide` checks that this actor may do it under the case's policy and refuses with a code otherwise.
 * Time is never part of a command: `decide` receives `now`.
 */
export type PathwayCommand =
  | ReferCase
  | RecordInterview
  | SubmitForIdentification
  | DecideIdentification
  | CourtGrantsStatus
  | ConcludeCriminalCase
  | ChangeLegalStatus
  | RecordAgeAssessment
  | AppointGuardian
  | DecideBestInterest
  | StartFamilyTracing
  | ConfirmAvrCooperation
  | DraftAvrPlan
  | RequestExtension
  | DecideExtension
  | ApplyForPermit
  | RequestPermitRenewal
  | DecidePermit
  | ApplyForWorkPermit
  | DecideWorkPermit
  | EndInvestigation
  | ApplyForAsylum
  | DecideAsylum
  | RecordDeparture
  | RecordArrival
  | RecordCheckIn
  | RecordDeadlineReached
  | CloseCase;

export type PathwayCommandType = PathwayCommand['type'];

interface Acting {
  readonly by: Actor;
}

/**
 * An act the victim may make through an agency (R6: an extension request, helped by CMM or the shelter; an
 * asylum or work-permit application): `by` is then `victim` and `via` the agency that helped.
 */
interface VictimActing extends Acting {
  readonly via?: AgencyId;
}

/** Facts given at intake. No personal data: only what routing and the rules need. */
export interface IntakeFacts {
  readonly hasLegalStay: boolean;
  readonly isDefendant: boolean;
  readonly siriResponsible?: boolean;
  /** R17: 'unverified' is treated as a child. */
  readonly age: AgeStatus;
  readonly unaccompanied?: boolean;
  readonly isAsylumSeeker?: boolean;
}

/** Opens the case: a first-encounter organisation refers a presumed victim, or asylum screening flags one (R3). */
export interface ReferCase extends Acting {
  readonly type: 'referCase';
  readonly caseRef: string;
  readonly channel: IntakeChannel;
  readonly facts: IntakeFacts;
}

/** R2: an identification interview was held (evidence only). */
export interface RecordInterview extends Acting {
  readonly type: 'recordInterview';
}

/** R1/R2: interviews are done; the competent authority is asked to decide. */
export interface SubmitForIdentification extends Acting {
  readonly type: 'submitForIdentification';
}

/** R1/R2: the competent authority's formal decision. */
export interface DecideIdentification extends Acting {
  readonly type: 'decideIdentification';
  readonly outcome: IdentificationOutcome;
}

/** R1: a court grants victim status to a defendant in a criminal case. */
export interface CourtGrantsStatus extends Acting {
  readonly type: 'courtGrantsStatus';
}

/** R10: the criminal case against a court-recognised victim is over; the period offer follows. */
export interface ConcludeCriminalCase extends Acting {
  readonly type: 'concludeCriminalCase';
}

/** What each kind of legal-status change sets (one entry per kind the policy vocabulary lists). */
interface LegalStatusChangeFields {
  readonly 'legal-stay': { readonly hasLegalStay: boolean };
  readonly defendant: { readonly isDefendant: boolean };
  readonly 'siri-responsible': { readonly siriResponsible: boolean };
}

export type LegalStatusChange = {
  readonly [K in LegalStatusChangeKind]: { readonly kind: K } & LegalStatusChangeFields[K];
}[LegalStatusChangeKind];

/** R1: status changed (legal stay gained or lost, criminal charge, SIRI competence); routing follows. */
export interface ChangeLegalStatus extends Acting {
  readonly type: 'changeLegalStatus';
  readonly change: LegalStatusChange;
}

/** R17: an age assessment; until one says adult, the person is treated as a child. */
export interface RecordAgeAssessment extends Acting {
  readonly type: 'recordAgeAssessment';
  readonly outcome: AgeAssessmentOutcome;
}

/** R17: a guardian / professional representative is appointed (replacing any earlier one). */
export interface AppointGuardian extends Acting {
  readonly type: 'appointGuardian';
}

/** R17: best-interest decision: is family tracing in the child's interest, and what is the durable solution. */
export interface DecideBestInterest extends Acting {
  readonly type: 'decideBestInterest';
  readonly familyTracing: boolean;
  readonly durableSolution: DurableSolution;
}

/** R17: family tracing starts (only if found to be in the child's best interest). */
export interface StartFamilyTracing extends Acting {
  readonly type: 'startFamilyTracing';
}

/** R5/R19: the victim cooperates on return under AVR (a ground for extension; opens the AVR track). */
export interface ConfirmAvrCooperation extends Acting {
  readonly type: 'confirmAvrCooperation';
}

/** R19: the individual AVR plan is drafted (during the period). */
export interface DraftAvrPlan extends Acting {
  readonly type: 'draftAvrPlan';
}

/** R5/R6: a request to extend the current period by `days`, filed before it ends. */
export interface RequestExtension extends VictimActing {
  readonly type: 'requestExtension';
  readonly days: number;
  readonly ground: ExtensionGround;
}

/** R5/R6: DIS's decision on the pending extension request (it may grant fewer days than requested). */
export type DecideExtension = Acting & { readonly type: 'decideExtension' } & (
    { readonly outcome: 'granted'; readonly days: number } | { readonly outcome: 'refused' }
  );

/** R11: police or prosecution apply to DIS for the §9c(5) permit on the victim's behalf. */
export interface ApplyForPermit extends Acting {
  readonly type: 'applyForPermit';
  /** R11: the applicant confirms the victim cooperates with the police (a permit requirement, not a support condition). */
  readonly victimCooperatesWithPolice: boolean;
}

/** R12: police or prosecution apply again for the next 6-month term, before the current one expires. */
export interface RequestPermitRenewal extends Acting {
  readonly type: 'requestPermitRenewal';
  readonly victimCooperatesWithPolice: boolean;
}

/** R11/R12: DIS decides the pending first application or renewal. */
export interface DecidePermit extends Acting {
  readonly type: 'decidePermit';
  readonly outcome: GrantOutcome;
}

/** R13: the permit holder applies to DIS for a work permit. */
export interface ApplyForWorkPermit extends VictimActing {
  readonly type: 'applyForWorkPermit';
}

/** R13: DIS grants the work permit; there are no further requirements, hence no refusal outcome. */
export interface DecideWorkPermit extends Acting {
  readonly type: 'decideWorkPermit';
}

/** R11/R16: the investigation or prosecution has ended; the permit cannot outlast it. */
export interface EndInvestigation extends Acting {
  readonly type: 'endInvestigation';
}

/** R18: the victim applies for asylum (possible at any time while in Denmark). */
export interface ApplyForAsylum extends VictimActing {
  readonly type: 'applyForAsylum';
}

/** R18: DIS decides asylum; when granted it allocates a municipality (by administrative code). */
export type DecideAsylum = Acting & { readonly type: 'decideAsylum' } & (
    { readonly outcome: 'granted'; readonly municipalityCode: string } | { readonly outcome: 'refused' }
  );

/** R14/R10: the person left Denmark (with AVR via the return operator, or otherwise as recorded by police). */
export interface RecordDeparture extends Acting {
  readonly type: 'recordDeparture';
}

/** R14: arrival in the country of return; monitoring starts. `arrivedAt` defaults to `now`. */
export interface RecordArrival extends Acting {
  readonly type: 'recordArrival';
  readonly arrivedAt?: Instant;
}

/** R14: the reintegration operator checked in with the person. */
export interface RecordCheckIn extends Acting {
  readonly type: 'recordCheckIn';
}

/**
 * The workflow's timer for a scheduled due action fired (`by: 'system'`). The domain decides what the
 * deadline's passing means: a period ends, a permit expires, a missed check-in escalates, and so on.
 */
export interface RecordDeadlineReached extends Acting {
  readonly type: 'recordDeadlineReached';
  readonly deadlineId: string;
}

/** The coordinator closes the case by hand. */
export interface CloseCase extends Acting {
  readonly type: 'closeCase';
  readonly reason: ManualCloseReason;
}
