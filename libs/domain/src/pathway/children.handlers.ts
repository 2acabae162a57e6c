import { isAgencyId } from '../agency.js';
import {
  checkActorIn,
  checkFamilyTracing,
  checkGuardianAppointed,
  checkIsChild,
} from '../rules/children.rules.js';
import type {
  AppointGuardian,
  DecideBestInterest,
  RecordAgeAssessment,
  StartFamilyTracing,
} from '../model/pathway.commands.js';
import {
  accept,
  notAnAgency,
  NOTHING_TO_DO,
  type Decision,
  type HandlerContext,
} from './pathway.decision.js';
import { firstRefusal, refuse } from '../model/pathway.refusals.js';
import { DURABLE_SOLUTIONS } from '../model/pathway.state.js';

// R17: until an age assessment says "adult", the person is treated as a child.
export function recordAgeAssessment(
  command: RecordAgeAssessment,
  { state, now, policy }: HandlerContext,
): Decision {
  const actor = checkActorIn(command.by, policy.children.ageAssessedBy, 'an age assessment');
  if (!actor.ok) return actor;
  if (!isAgencyId(command.by)) return notAnAgency();
  if (state.facts.age === command.outcome) return NOTHING_TO_DO;
  return accept({ type: 'AgeAssessed', at: now, by: command.by, outcome: command.outcome });
}

// R17: a professional representative / guardian is appointed for every child.
export function appointGuardian(command: AppointGuardian, { state, now, policy }: HandlerContext): Decision {
  const check = firstRefusal(
    () => checkIsChild(state.facts.age),
    () => checkActorIn(command.by, [policy.children.guardianAppointedBy], 'appointing a guardian'),
  );
  if (!check.ok) return check;
  if (!isAgencyId(command.by)) return notAnAgency();
  return accept({ type: 'GuardianAppointed', at: now, by: command.by });
}

// R17: the best-interest decision (with the guardian) on family tracing and the durable solution.
export function decideBestInterest(
  command: DecideBestInterest,
  { state, now, policy }: HandlerContext,
): Decision {
  const check = firstRefusal(
    () => checkIsChild(state.facts.age),
    () => checkActorIn(command.by, policy.children.bestInterestDecidedBy, 'the best-interest decision'),
    () => checkGuardianAppointed(state.child),
  );
  if (!check.ok) return check;
  if (!isAgencyId(command.by)) return notAnAgency();
  if (!DURABLE_SOLUTIONS.includes(command.durableSolution) || typeof command.familyTracing !== 'boolean') {
    return refuse('INVALID_COMMAND', `durable solution is one of ${DURABLE_SOLUTIONS.join(', ')}`, 'R17');
  }
  return accept({
    type: 'BestInterestDecided',
    at: now,
    by: command.by,
    familyTracing: command.familyTracing,
    durableSolution: command.durableSolution,
  });
}

// R17: family tracing only where it is in the child's best interest.
export function startFamilyTracing(
  command: StartFamilyTracing,
  { state, now, policy }: HandlerContext,
): Decision {
  const check = firstRefusal(
    () => checkIsChild(state.facts.age),
    () => checkActorIn(command.by, policy.children.familyTracingBy, 'family tracing'),
    () => checkFamilyTracing(state.child),
  );
  if (!check.ok) return check;
  if (!isAgencyId(command.by)) return notAnAgency();
  if (state.child.familyTracingStartedAt !== undefined) return NOTHING_TO_DO;
  return accept({ type: 'FamilyTracingStarted', at: now, by: command.by });
}
