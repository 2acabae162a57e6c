import { PERIOD_STAGES } from '../stages.js';
import { isAgencyId } from '../agency.js';
import {
  checkPermitApplication,
  checkRenewalRequest,
  checkWorkPermitApplicant,
  permitTerm,
  renewalTerm,
} from '../rules/permit.rules.js';
import { afterPresenceEnds } from '../rules/return.rules.js';
import type {
  ApplyForPermit,
  ApplyForWorkPermit,
  DecidePermit,
  DecideWorkPermit,
  EndInvestigation,
  RequestPermitRenewal,
} from '../model/pathway.commands.js';
import {
  accept,
  checkStage,
  notAnAgency,
  NOTHING_TO_DO,
  transition,
  type Decision,
  type HandlerContext,
} from './pathway.decision.js';
import { viaOf } from './pathway.decision.js';
import type { PathwayEvent } from '../model/pathway.events.js';
import { refuse } from '../model/pathway.refusals.js';
import { currentPermitTerm } from '../model/pathway.state.js';

// R11: stages in which the police may still need the person's presence and apply for a first permit.
const FIRST_PERMIT_STAGES = [...PERIOD_STAGES, 'departure-required', 'avr-return'] as const;

// R11: police or prosecution apply to DIS on the victim's behalf; the victim cannot; police cooperation required.
export function applyForPermit(command: ApplyForPermit, { state, now, policy }: HandlerContext): Decision {
  const check = checkPermitApplication({
    by: command.by,
    hasLegalStay: state.facts.hasLegalStay,
    investigationEnded: state.investigationEndedAt !== undefined,
    victimCooperatesWithPolice: command.victimCooperatesWithPolice,
    applicationPending: state.permit.pending !== undefined,
    policy,
  });
  if (!check.ok) return check;
  if (!isAgencyId(command.by)) return notAnAgency();
  const stage = checkStage(state, FIRST_PERMIT_STAGES, 'a first permit application');
  if (!stage.ok) return stage;
  if (state.avr.departedAt !== undefined) return refuse('NOT_IN_STAGE', 'the person has departed', 'R11');
  return accept({ type: 'PermitApplied', at: now, by: command.by, renewal: false });
}

// R12: each renewal needs a new police/prosecution application before the current term ends (R11: not
// once the investigation has ended).
export function requestPermitRenewal(
  command: RequestPermitRenewal,
  { state, now, policy }: HandlerContext,
): Decision {
  const stage = checkStage(state, ['permit'], 'a permit renewal');
  if (!stage.ok) return stage;
  const current = currentPermitTerm(state);
  if (current === undefined || state.permit.endedAt !== undefined) {
    return refuse('NO_ACTIVE_PERMIT', 'there is no permit to renew', 'R12');
  }
  const check = checkRenewalRequest({
    by: command.by,
    investigationEnded: state.investigationEndedAt !== undefined,
    victimCooperatesWithPolice: command.victimCooperatesWithPolice,
    applicationPending: state.permit.pending !== undefined,
    current,
    now,
    policy,
  });
  if (!check.ok) return check;
  if (!isAgencyId(command.by)) return notAnAgency();
  return accept({ type: 'PermitApplied', at: now, by: command.by, renewal: true });
}

// R11/R12: DIS decides. A first grant starts a 6-month term now and supersedes the period; a renewal runs on
// from the current term's end. Never granted once the investigation has ended.
export function decidePermit(command: DecidePermit, { state, now, policy }: HandlerContext): Decision {
  if (command.by !== policy.permit.decidedBy) {
    return refuse('WRONG_AUTHORITY', `${policy.permit.decidedBy} decides the permit`, 'R11');
  }
  const pending = state.permit.pending;
  if (pending === undefined)
    return refuse('NO_PENDING_APPLICATION', 'there is no permit application to decide', 'R11');
  const by = policy.permit.decidedBy;
  if (command.outcome === 'refused') {
    return accept({ type: 'PermitRefused', at: now, by, renewal: pending.renewal });
  }
  if (state.investigationEndedAt !== undefined) {
    return refuse('INVESTIGATION_ENDED', 'the permit cannot outlast the investigation or prosecution', 'R11');
  }
  const current = currentPermitTerm(state);
  if (pending.renewal) {
    if (current === undefined) return refuse('NO_ACTIVE_PERMIT', 'there is no permit to renew', 'R12');
    const term = renewalTerm(current, policy);
    return accept({ type: 'PermitGranted', at: now, by, renewal: true, termNo: current.termNo + 1, ...term });
  }
  const stage = checkStage(state, FIRST_PERMIT_STAGES, 'granting a first permit');
  if (!stage.ok) return stage;
  if (state.avr.departedAt !== undefined) return refuse('NOT_IN_STAGE', 'the person has departed', 'R11');
  const events: PathwayEvent[] = [];
  if ((state.stage === 'reflection-period' || state.stage === 'restitution-period') && state.period) {
    events.push({ type: 'PeriodEnded', at: now, kind: state.period.kind, cause: 'superseded-by-permit' });
  }
  const term = permitTerm(now, policy);
  const termNo = (current?.termNo ?? 0) + 1;
  events.push(
    { type: 'PermitGranted', at: now, by, renewal: false, termNo, ...term },
    { type: 'StageChanged', at: now, from: state.stage, to: 'permit', rule: 'R11' },
  );
  return accept(...events);
}

// R13: the permit holder may apply to DIS for a work permit.
export function applyForWorkPermit(
  command: ApplyForWorkPermit,
  { state, now, policy }: HandlerContext,
): Decision {
  const applicant = checkWorkPermitApplicant(command.by, policy);
  if (!applicant.ok) return applicant;
  if (state.stage !== 'permit' || state.permit.endedAt !== undefined) {
    return refuse('NO_ACTIVE_PERMIT', 'a work permit is for holders of the §9c(5) permit', 'R13');
  }
  if (state.workPermit?.grantedAt !== undefined) return NOTHING_TO_DO;
  if (state.workPermit !== undefined)
    return refuse('APPLICATION_PENDING', 'a work permit application is pending', 'R13');
  return accept({ type: 'WorkPermitApplied', at: now, by: command.by, ...viaOf(command) });
}

// R13: granted without further requirements: there is nothing to refuse on.
export function decideWorkPermit(
  command: DecideWorkPermit,
  { state, now, policy }: HandlerContext,
): Decision {
  if (command.by !== policy.permit.workPermitDecidedBy) {
    return refuse('WRONG_AUTHORITY', `${policy.permit.workPermitDecidedBy} grants work permits`, 'R13');
  }
  if (state.workPermit === undefined || state.workPermit.grantedAt !== undefined) {
    return refuse('NO_PENDING_APPLICATION', 'there is no work permit application to decide', 'R13');
  }
  return accept({ type: 'WorkPermitGranted', at: now, by: policy.permit.workPermitDecidedBy });
}

// R11/R16: the permit never outlasts the investigation; permit holders then return (R15: via AVR if planned).
export function endInvestigation(
  command: EndInvestigation,
  { state, now, policy }: HandlerContext,
): Decision {
  if (
    !(policy.permit.investigationEndedBy as readonly string[]).includes(command.by) ||
    !isAgencyId(command.by)
  ) {
    return refuse(
      'ACTOR_NOT_PERMITTED',
      `${policy.permit.investigationEndedBy.join(', ')} record the end of the investigation`,
      'R11',
    );
  }
  if (state.investigationEndedAt !== undefined) return NOTHING_TO_DO;
  const events: PathwayEvent[] = [{ type: 'InvestigationEnded', at: now, by: command.by }];
  const permitActive = state.permit.terms.length > 0 && state.permit.endedAt === undefined;
  if (permitActive) events.push({ type: 'PermitEnded', at: now, cause: 'investigation-ended' });
  if (state.stage === 'permit') {
    const avr = state.avr.cooperationConfirmedAt !== undefined;
    events.push(transition(state.stage, afterPresenceEnds(state.facts.hasLegalStay, avr), now));
  }
  return accept(...events);
}
