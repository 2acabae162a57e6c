import { isAgencyId, type AgencyId } from '../agency.js';
import { assertNever } from '../assert-never.js';
import type { Policy } from '../policy/policy.types.js';
import { isTreatedAsChild } from '../rules/children.rules.js';
import { extensionDecider } from '../rules/periods.rules.js';
import type { PathwayEvent } from '../model/pathway.events.js';
import type { PathwayState } from '../model/pathway.state.js';

/**
 * Agencies that must be told about an event because they have to act on it or follow the case (the audit
 * stream receives every event besides). `state` is the state *after* the event. For a child with an
 * appointed guardian the guardian is added to every non-empty list (R17). Payload minimisation per agency
 * is the contracts' job; this only says who.
 */
export function recipientsOf(event: PathwayEvent, state: PathwayState, policy: Policy): readonly AgencyId[] {
  if (state.stage === 'not-started') return [];
  const list = baseRecipients(event, state, policy);
  const withGuardian =
    list.length > 0 && isTreatedAsChild(state.facts.age) && state.child.guardianAppointedAt !== undefined
      ? [...list, 'guardian' as const]
      : list;
  return [...new Set(withGuardian)];
}

function baseRecipients(
  event: PathwayEvent,
  state: Exclude<PathwayState, { stage: 'not-started' }>,
  policy: Policy,
): AgencyId[] {
  const cmm = policy.coordinator;
  const avr = [policy.avr.returnOperator, policy.avr.reintegrationOperator];
  switch (event.type) {
    case 'CaseReferred':
      // R17: a child's guardian deadline starts now: the municipality that appoints must know at once.
      return isTreatedAsChild(state.facts.age)
        ? [cmm, event.competentAuthority, policy.children.guardianAppointedBy]
        : [cmm, event.competentAuthority];
    case 'IdentificationRequested':
      return [event.authority];
    case 'IdentificationRerouted':
      return [event.to, event.from, cmm];
    case 'IdentificationDecided':
    case 'VictimStatusGrantedByCourt':
      return state.intake.by === 'victim' || state.intake.by === 'system' ? [cmm] : [cmm, state.intake.by];
    case 'InterviewRecorded':
    case 'CriminalCaseConcluded':
    case 'LegalStatusChanged':
    case 'ExtensionGranted':
    case 'ExtensionRefused':
    case 'WorkPermitGranted':
    case 'AsylumRefused':
    case 'ArrivalRecorded':
      return [cmm];
    case 'CaseClosed':
      // The agency that referred the case (a police unit, an NGO) learns that it is closed, and why.
      return isAgencyId(state.intake.by) ? [cmm, state.intake.by] : [cmm];
    case 'AgeAssessed':
      return isTreatedAsChild(state.facts.age) ? [cmm, policy.children.guardianAppointedBy] : [cmm];
    case 'GuardianAppointed':
    case 'BestInterestDecided':
    case 'FamilyTracingStarted':
      return [cmm, 'guardian'];
    case 'PeriodStarted':
      return [cmm, extensionDecider(event.kind, policy)];
    case 'ExtensionRequested':
      return state.period === undefined ? [cmm] : [extensionDecider(state.period.kind, policy)];
    case 'PeriodEnded':
      return [cmm, extensionDecider(event.kind, policy)];
    case 'AvrCooperationConfirmed':
    case 'AvrPlanDrafted':
      return [cmm, ...avr];
    case 'PermitApplied':
      return [policy.permit.decidedBy];
    case 'PermitGranted':
    case 'PermitRefused':
      return [cmm, ...policy.permit.applicants];
    case 'PermitEnded':
    case 'InvestigationEnded':
      return [cmm, policy.permit.decidedBy, ...policy.permit.applicants];
    case 'WorkPermitApplied':
      return [policy.permit.workPermitDecidedBy];
    case 'AsylumApplied':
      return [policy.asylum.decidedBy, cmm];
    case 'AsylumGranted':
      // R18: the allocated municipality must offer an integration plan.
      return ['municipality', cmm];
    case 'DepartureRecorded':
      return event.assisted ? [cmm, ...avr, 'dis'] : [cmm, 'dis'];
    case 'CheckInRecorded':
      return [];
    case 'DeadlineMissed':
      // Escalated to the coordinator (and a child's guardian), and the agency that missed it is told too.
      return [...new Set([event.responsible, ...event.escalateTo])];
    case 'ReintegrationCompleted':
      return [cmm, policy.avr.reintegrationOperator];
    case 'StageChanged':
      // R10/R16: who must act when the person has to leave or return.
      if (event.to === 'departure-required') return [cmm, 'dis', 'police'];
      if (event.to === 'avr-return') return [cmm, ...avr];
      return [];
    default:
      return assertNever(event);
  }
}
