import type { AgencyEntry, AgencyId, Actor } from '../agency.js';
import type { Stage } from '../stages.js';
import type { RuleId } from '../rule-ids.js';
import type { CalendarPolicy } from '../calendar.js';
import type { Duration, Instant } from '../time.js';

/**
 * A pathway policy: every duration, cap, routing and operator the rules need, as data with an effective
 * date. A case keeps the policy in force when it opened (its `version` is stored in the case state), so a
 * change in law applies to new cases without moving the deadlines of open ones.
 *
 * Build one with `loadPolicy(data)`, which validates it and enforces R9.
 */
export interface Policy {
  /** Unique, permanent id of this policy version, stored in every case opened under it (e.g. `dk-2013.1`). */
  readonly version: string;
  readonly jurisdiction: string;
  readonly title: string;
  /** First instant at which a newly opened case gets this policy. */
  readonly effectiveFrom: Instant;
  /** Legal or other sources for the values, for people reading the data. */
  readonly sources: readonly string[];
  /** The coordinating body: receives escalations by default and may close cases by hand. */
  readonly coordinator: AgencyId;
  readonly intake: IntakePolicy;
  readonly identification: IdentificationPolicy;
  readonly periods: PeriodsPolicy;
  readonly permit: PermitPolicy;
  readonly asylum: AsylumPolicy;
  readonly avr: AvrPolicy;
  readonly children: ChildrenPolicy;
  /** Days before each kind of deadline at which the responsible agency is reminded (none when absent). */
  readonly reminders: { readonly [K in DeadlineKind]?: readonly number[] };
  readonly escalation: EscalationPolicy;
  /**
   * Stages that have no clock of their own get a follow-up deadline: within `days` of entering the stage the
   * `responsible` agency must have moved the case on (recorded the departure or the return); otherwise the
   * case is escalated. Absent in older policies (such cases could sit there unseen).
   */
  readonly followUps?: { readonly [S in FollowUpStage]?: FollowUp };
  /** R8: the support on offer. R9: no offer may carry a cooperation condition (`loadPolicy` refuses). */
  readonly supportOffers: readonly SupportOffer[];
  /** The agency directory: every agency the policy names must be listed here. */
  readonly agencies: readonly AgencyEntry[];
  /**
   * The jurisdiction's calendar: periods are counted in its local days and months, and reminders that would
   * fall on a day off go out on the previous working day. Absent in policies from before it was data: their
   * cases count in UTC, as they always did.
   */
  readonly calendar?: CalendarPolicy;
  /**
   * How long the person's data (the record and the notes, ADR 0014) is kept after the case closes; at the end
   * the gateway erases it by crypto-shredding, and the case keeps its process facts. Absent: kept until
   * erased on request.
   */
  readonly personData?: { readonly retentionAfterClosureDays: number };
}

/** The input shape of `loadPolicy` (the same fields; the loader checks and normalises them). */
export type PolicyData = Policy;

export interface IntakePolicy {
  /** Organisations that may open a case after a first encounter (seed: police, DIS, CMM, NGOs). */
  readonly firstEncounter: readonly AgencyId[];
}

export interface IdentificationPolicy {
  /** R1: competent authority when the person has no legal stay. */
  readonly noLegalStay: AgencyId;
  /** R1: the alternative ("in some cases SIRI") used when the case is flagged `siriResponsible`. */
  readonly noLegalStayAlternative: AgencyId;
  /** R1: competent authority when the person has legal stay. */
  readonly legalStay: AgencyId;
  /** R1: competent authority when the person is a defendant in a criminal case. */
  readonly defendant: AgencyId;
  /** R2: who may hold identification interviews (evidence only). */
  readonly interviewers: readonly AgencyId[];
  /** R2: identifications are "typically based on one or more interviews"; true requires at least one. */
  readonly interviewRequired: boolean;
  /** R3: who screens asylum seekers for indicators (DIS in the asylum interview). */
  readonly asylumScreeners: readonly AgencyId[];
  /** R3: who screens unaccompanied minor asylum seekers (Red Cross). */
  readonly unaccompaniedMinorScreener: AgencyId;
  /** R3: who assesses a screened case before the decision (CMM). */
  readonly asylumAssessor: AgencyId;
  /** R1: who may record which change of status (legal stay is an immigration matter; a charge a criminal one). */
  readonly statusChangeSources: { readonly [K in LegalStatusChangeKind]: readonly AgencyId[] };
  /** R10: who records that the criminal case against a court-recognised victim has concluded. */
  readonly criminalCaseConcludedBy: readonly AgencyId[];
}

/** R1: the facts a legal-status change can change (`LegalStatusChange`'s kinds). */
export const LEGAL_STATUS_CHANGE_KINDS = ['legal-stay', 'defendant', 'siri-responsible'] as const;
export type LegalStatusChangeKind = (typeof LEGAL_STATUS_CHANGE_KINDS)[number];

/** R4/R5: the reflection period (no legal stay) and the restitution period (pre-2013 policies). */
export const PERIOD_KINDS = ['reflection', 'restitution'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface PeriodPolicy {
  /** R4/R7: length of the period before any extension. */
  readonly baseDays: number;
  /** R6: who decides an extension (DIS for the reflection period). */
  readonly extensionDecidedBy: AgencyId;
}

export const EXTENSION_GROUNDS = ['avr-cooperation', 'special-reasons'] as const;
export type ExtensionGround = (typeof EXTENSION_GROUNDS)[number];

export interface ExtensionPolicy {
  /** R5: absolute cap on the period's total length in days, base included (120 since 2013, 100 before). */
  readonly capTotalDays: number;
  /** R5: grounds on which an extension may be granted. */
  readonly grounds: readonly ExtensionGround[];
  /** R6: who may file the request (the victim, helped by CMM or the shelter — not the police). */
  readonly requestedVia: readonly Actor[];
}

export interface PeriodsPolicy {
  readonly reflection: PeriodPolicy;
  readonly restitution: PeriodPolicy;
  readonly extension: ExtensionPolicy;
}

export interface PermitPolicy {
  /** R11: whether the §9c(5) permit exists under this policy (it was introduced by L 129, 2013). */
  readonly available: boolean;
  /** R12: length of each permit term. */
  readonly termMonths: number;
  /** R11: who may apply on the victim's behalf (police, prosecution). The victim never can. */
  readonly applicants: readonly AgencyId[];
  readonly decidedBy: AgencyId;
  /** R13: who grants the work permit (without further requirements). */
  readonly workPermitDecidedBy: AgencyId;
  /** R11: who may record that the investigation or prosecution has ended. */
  readonly investigationEndedBy: readonly AgencyId[];
  /** R13: who may apply for the work permit (the holder, helped by CMM, an NGO or the shelter). */
  readonly workPermitApplicants: readonly Actor[];
}

export interface AsylumPolicy {
  /** R18: who decides asylum and allocates the municipality. */
  readonly decidedBy: AgencyId;
  /** R18: who may make or record an asylum application (the victim, or DIS, police or a helper for them). */
  readonly applicationRecordedBy: readonly Actor[];
  /** R18: who offers the integration plan after a grant (the allocated municipality), told of the grant. */
  readonly integrationBy: AgencyId;
}

export interface AvrPolicy {
  /** R14: who organises the return journey (IOM per the seed). */
  readonly returnOperator: AgencyId;
  /** R14: who runs reintegration and its monitoring (IOM per the seed). */
  readonly reintegrationOperator: AgencyId;
  /** R10: who records a departure without AVR (the police enforce it). */
  readonly unassistedDepartureRecordedBy: AgencyId;
  /** R10/R16: who is told when the person must leave (DIS, the police), besides the coordinator. */
  readonly departureRequiredTold: readonly AgencyId[];
  /** R10/R16: who is told of a departure (DIS), besides the coordinator and, with AVR, its operators. */
  readonly departureTold: readonly AgencyId[];
  /** R14: months of monitoring after arrival. */
  readonly monitoringMonths: number;
  /** R14: how often the operator checks in during monitoring (configurable; monthly by default). */
  readonly checkInEvery: Duration;
  /**
   * R14: the window in which a check-in counts for a slot: from this many days before the slot is due (a late
   * check-in still fills a missed slot). Absent in older policies: there slot n opened when slot n−1 fell due.
   */
  readonly checkInWindowDaysBefore?: number;
}

export interface ChildrenPolicy {
  /** R17: days from the moment a person is treated as a child within which a guardian must be appointed. */
  readonly guardianAppointmentDays: number;
  readonly guardianAppointedBy: AgencyId;
  /** R17: who takes the best-interest / durable-solution decision. */
  readonly bestInterestDecidedBy: readonly AgencyId[];
  /** R17: who may carry out family tracing (once it is found to be in the child's best interest). */
  readonly familyTracingBy: readonly AgencyId[];
  /** R17: who may record an age assessment. Until one says "adult", the person is treated as a child. */
  readonly ageAssessedBy: readonly AgencyId[];
}

export interface EscalationPolicy {
  /** Who is told when a deadline or check-in is missed (CMM). For a child the guardian is added (R17). */
  readonly to: readonly AgencyId[];
  /** Days after a missed check-in before an adult's case escalates. A child's escalates at once (R17). */
  readonly checkInGraceDays: number;
  /**
   * A missing act that holds the case (an extension or renewal decision, a follow-up) escalates again every
   * this many days while it is still missing. Absent in older policies: it escalated once.
   */
  readonly repeatEveryDays?: number;
}

/** Stages without a clock of their own, which get a follow-up deadline (policy `followUps`). */
export const FOLLOW_UP_STAGES = ['departure-required', 'avr-return'] as const;
export type FollowUpStage = (typeof FOLLOW_UP_STAGES)[number];

export interface FollowUp {
  readonly days: number;
  readonly responsible: AgencyId;
}

/** Kinds of deadline the domain produces. */
export const DEADLINE_KINDS = [
  'guardian-appointment',
  'reflection-period-end',
  'restitution-period-end',
  'extension-decision',
  'permit-expiry',
  'permit-renewal-decision',
  'check-in',
  'monitoring-end',
  'departure-follow-up',
  'return-follow-up',
] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

export const SUPPORT_KINDS = [
  'accommodation',
  'medical-care',
  'legal-counselling',
  'psychological-support',
  'assisted-voluntary-return',
  'child-support',
  'family-tracing',
] as const;
export type SupportKind = (typeof SUPPORT_KINDS)[number];

/**
 * Conditions a support offer may carry. The cooperation kinds exist so that an attempt to make support
 * conditional is *expressible* — and refused by `loadPolicy` (R9, ECAT 12(6)).
 */
export const COOPERATION_CONDITION_KINDS = [
  'cooperation-with-authorities',
  'cooperation-with-police',
  'participation-in-criminal-proceedings',
  'testimony',
] as const;
export type CooperationConditionKind = (typeof COOPERATION_CONDITION_KINDS)[number];

export const SUPPORT_CONDITION_KINDS = ['is-child', ...COOPERATION_CONDITION_KINDS] as const;
export type SupportConditionKind = (typeof SUPPORT_CONDITION_KINDS)[number];

export interface SupportCondition {
  readonly kind: SupportConditionKind;
}

/** R8: one kind of support, who provides it, in which stages, and on which (non-cooperation) conditions. */
export interface SupportOffer {
  readonly kind: SupportKind;
  readonly rule: RuleId;
  readonly providers: readonly AgencyId[];
  readonly availableIn: readonly Stage[];
  /** R9: must never contain a cooperation condition; `[]` for unconditional support. */
  readonly conditions: readonly SupportCondition[];
}
