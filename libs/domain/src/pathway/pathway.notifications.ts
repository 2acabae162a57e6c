import { AGENCY_IDS, isAgencyId, type AgencyId } from '../agency.js';
import type { Policy } from '../policy/policy.types.js';
import { PERIOD_KINDS } from '../policy/policy.types.js';
import { isTreatedAsChild } from '../rules/children.rules.js';
import { extensionDecider } from '../rules/periods.rules.js';
import type { PathwayEvent, PathwayEventType } from '../model/pathway.events.js';
import type { CaseState, PathwayState } from '../model/pathway.state.js';
import { deadlineResponsibles } from './pathway.schedule.js';

/**
 * Who must be told about each event: the agencies that have to act on it or follow the case by (the audit
 * stream receives every event besides). The routing is data — one list of terms per event type — read in
 * two ways: `recipientsOf` names the agencies for one event, `possibleRecipientsOf` names every agency a
 * type can ever reach under a policy (the AsyncAPI document's channels are generated from it). A term that
 * depends on the event or the case declares the range it draws from, so the two readings cannot drift.
 */
interface Term<E extends PathwayEvent> {
  /** The agencies this term names for one event; `state` is the case *after* the event. */
  readonly of: (event: E, state: CaseState, policy: Policy) => readonly AgencyId[];
  /** Every agency this term can name under `policy`. */
  readonly range: (policy: Policy) => readonly AgencyId[];
}

type EventOf<T extends PathwayEventType> = Extract<PathwayEvent, { type: T }>;
type Routes = { readonly [T in PathwayEventType]: readonly Term<EventOf<T>>[] };

/** An agency the policy names (the coordinator, a decider, an operator). */
function named(pick: (policy: Policy) => AgencyId | readonly AgencyId[]): Term<PathwayEvent> {
  const list = (policy: Policy): readonly AgencyId[] => [pick(policy)].flat();
  return { of: (_event, _state, policy) => list(policy), range: list };
}

/** An agency the event or the case names, drawn from `range`. */
function from<E extends PathwayEvent>(
  of: (event: E, state: CaseState, policy: Policy) => AgencyId | readonly AgencyId[],
  range: (policy: Policy) => readonly AgencyId[],
): Term<E> {
  return { of: (event, state, policy) => [of(event, state, policy)].flat(), range };
}

/** `terms`, only when `condition` holds for the event. */
function when<E extends PathwayEvent>(
  condition: (event: E, state: CaseState, policy: Policy) => boolean,
  ...terms: readonly Term<NoInfer<E>>[]
): Term<E> {
  return {
    of: (event, state, policy) =>
      condition(event, state, policy) ? terms.flatMap((t) => t.of(event, state, policy)) : [],
    range: (policy) => terms.flatMap((t) => t.range(policy)),
  };
}

const coordinator = named((p) => p.coordinator);
const avrOperators = named((p) => [p.avr.returnOperator, p.avr.reintegrationOperator]);
const permitDecider = named((p) => p.permit.decidedBy);
const permitApplicants = named((p) => p.permit.applicants);
const guardianAppointer = named((p) => p.children.guardianAppointedBy);
const guardian = named(() => 'guardian');

/** R1: the authorities a case can be routed to for identification. */
function identifyingAuthorities(policy: Policy): AgencyId[] {
  const { noLegalStay, noLegalStayAlternative, legalStay, defendant } = policy.identification;
  return [noLegalStay, noLegalStayAlternative, legalStay, defendant];
}

function extensionDeciders(policy: Policy): AgencyId[] {
  return PERIOD_KINDS.map((kind) => extensionDecider(kind, policy));
}

const isChild = (_event: PathwayEvent, state: CaseState): boolean => isTreatedAsChild(state.facts.age);

/** The agency that referred the case (a police unit, an NGO), which learns how its referral ended. */
const referrer = from<PathwayEvent>(
  (_event, state) => (isAgencyId(state.intake.by) ? [state.intake.by] : []),
  (policy) => policy.intake.firstEncounter,
);

const identificationDecided: readonly Term<PathwayEvent>[] = [coordinator, referrer];

/** The routing, per event type. */
const ROUTES: Routes = {
  // R17: a child's guardian deadline starts now: the municipality that appoints must know at once.
  CaseReferred: [
    coordinator,
    from((e) => e.competentAuthority, identifyingAuthorities),
    when(isChild, guardianAppointer),
  ],
  IdentificationRequested: [from((e) => e.authority, identifyingAuthorities)],
  IdentificationRerouted: [from((e) => [e.to, e.from], identifyingAuthorities), coordinator],
  IdentificationDecided: identificationDecided,
  VictimStatusGrantedByCourt: identificationDecided,
  InterviewRecorded: [coordinator],
  CriminalCaseConcluded: [coordinator],
  LegalStatusChanged: [coordinator],
  ExtensionGranted: [coordinator],
  ExtensionRefused: [coordinator],
  WorkPermitGranted: [coordinator],
  AsylumRefused: [coordinator],
  ArrivalRecorded: [coordinator],
  CaseClosed: [coordinator, referrer],
  AgeAssessed: [coordinator, when(isChild, guardianAppointer)],
  GuardianAppointed: [coordinator, guardian],
  BestInterestDecided: [coordinator, guardian],
  FamilyTracingStarted: [coordinator, guardian],
  PeriodStarted: [coordinator, from((e, _s, p) => extensionDecider(e.kind, p), extensionDeciders)],
  ExtensionRequested: [
    when((_e, state) => state.period === undefined, coordinator),
    from((_e, state, p) => (state.period ? [extensionDecider(state.period.kind, p)] : []), extensionDeciders),
  ],
  PeriodEnded: [coordinator, from((e, _s, p) => extensionDecider(e.kind, p), extensionDeciders)],
  AvrCooperationConfirmed: [coordinator, avrOperators],
  AvrPlanDrafted: [coordinator, avrOperators],
  PermitApplied: [permitDecider],
  PermitGranted: [coordinator, permitApplicants],
  PermitRefused: [coordinator, permitApplicants],
  PermitEnded: [coordinator, permitDecider, permitApplicants],
  InvestigationEnded: [coordinator, permitDecider, permitApplicants],
  WorkPermitApplied: [named((p) => p.permit.workPermitDecidedBy)],
  AsylumApplied: [named((p) => p.asylum.decidedBy), coordinator],
  // R18: the allocated municipality must offer an integration plan.
  AsylumGranted: [named((p) => p.asylum.integrationBy), coordinator],
  DepartureRecorded: [coordinator, when((e) => e.assisted, avrOperators), named((p) => p.avr.departureTold)],
  CheckInRecorded: [],
  // Escalated to the coordinator (and a child's guardian), and the agency that missed it is told too.
  DeadlineMissed: [
    from(
      (e) => [e.responsible, ...e.escalateTo],
      (policy) => [...deadlineResponsibles(policy), ...policy.escalation.to, 'guardian'],
    ),
  ],
  ReintegrationCompleted: [coordinator, named((p) => p.avr.reintegrationOperator)],
  // R10/R16: who must act when the person has to leave or return.
  StageChanged: [
    when(
      (e) => e.to === 'departure-required',
      coordinator,
      named((p) => p.avr.departureRequiredTold),
    ),
    when((e) => e.to === 'avr-return', coordinator, avrOperators),
  ],
};

function termsOf<T extends PathwayEventType>(type: T): readonly Term<EventOf<T>>[] {
  return ROUTES[type];
}

/**
 * Agencies that must be told about an event. `state` is the state *after* the event. For a child with an
 * appointed guardian the guardian is added to every non-empty list (R17). Payload minimisation per agency
 * is the contracts' job; this only says who.
 */
export function recipientsOf(event: PathwayEvent, state: PathwayState, policy: Policy): readonly AgencyId[] {
  if (state.stage === 'not-started') return [];
  const terms = termsOf(event.type) as readonly Term<PathwayEvent>[];
  const list = terms.flatMap((term) => term.of(event, state, policy));
  const withGuardian =
    list.length > 0 && isTreatedAsChild(state.facts.age) && state.child.guardianAppointedAt !== undefined
      ? [...list, 'guardian' as const]
      : list;
  return [...new Set(withGuardian)];
}

/**
 * Every agency an event of `type` can reach under `policy` (a child's guardian included wherever a list can
 * be non-empty), in the order of `AGENCY_IDS`.
 */
export function possibleRecipientsOf(type: PathwayEventType, policy: Policy): readonly AgencyId[] {
  const range = new Set(termsOf(type).flatMap((term) => term.range(policy)));
  if (range.size > 0) range.add('guardian');
  return AGENCY_IDS.filter((agency) => range.has(agency));
}

/** Every agency a reminder can reach under `policy`: whoever can be responsible for a deadline, and a guardian. */
export function possibleReminderRecipients(policy: Policy): readonly AgencyId[] {
  const range = new Set<AgencyId>([...deadlineResponsibles(policy), 'guardian']);
  return AGENCY_IDS.filter((agency) => range.has(agency));
}
