import type { Actor, AgencyId } from '../agency.js';
import { OK, refuse, type Check } from '../model/pathway.refusals.js';
import type { AgeStatus, ChildState } from '../model/pathway.state.js';
import type { DeadlineKind, Policy } from '../policy/policy.types.js';
import { calendarOf } from '../calendar.js';
import type { Instant } from '../time.js';

// R17: under 18 — or age not yet verified (ECAT 10(3)) — the person is treated as a child.
export function isTreatedAsChild(age: AgeStatus): boolean {
  return age !== 'adult';
}

// R17: a guardian must be appointed early: within the policy's days of being treated as a child.
export function guardianDueAt(treatedAsChildSince: Instant, policy: Policy): Instant {
  return calendarOf(policy).addDays(treatedAsChildSince, policy.children.guardianAppointmentDays);
}

export function checkIsChild(age: AgeStatus): Check {
  return isTreatedAsChild(age) ? OK : refuse('NOT_A_CHILD', 'the person is assessed as an adult', 'R17');
}

export function checkActorIn(actor: Actor, allowed: readonly AgencyId[], what: string): Check {
  return (allowed as readonly Actor[]).includes(actor)
    ? OK
    : refuse('ACTOR_NOT_PERMITTED', `${what} is done by ${allowed.join(' or ')}`, 'R17');
}

export function checkGuardianAppointed(child: ChildState): Check {
  return child.guardianAppointedAt === undefined
    ? refuse('GUARDIAN_REQUIRED', 'a guardian must be appointed first', 'R17')
    : OK;
}

// R17: family tracing only where a best-interest decision found it to be in the child's interest.
export function checkFamilyTracing(child: ChildState): Check {
  if (child.bestInterest?.familyTracing !== true) {
    return refuse(
      'NOT_IN_BEST_INTEREST',
      'family tracing needs a best-interest decision in its favour',
      'R17',
    );
  }
  return OK;
}

// R17: a child returns (family reunion or other care) only after a best-interest decision found that to
// be a durable solution, and with a guardian appointed.
export function checkChildDeparture(child: ChildState): Check {
  const guardian = checkGuardianAppointed(child);
  if (!guardian.ok) return guardian;
  const solution = child.bestInterest?.durableSolution;
  if (solution !== 'family-reunion' && solution !== 'return-to-other-care') {
    return refuse(
      'DURABLE_SOLUTION_REQUIRED',
      'return needs a best-interest decision that it is a durable solution for the child',
      'R17',
    );
  }
  return OK;
}

// Escalation targets: the policy's (CMM); for a child also the guardian, once one is appointed (R17).
export function escalationTargets(isChild: boolean, guardianAppointed: boolean, policy: Policy): AgencyId[] {
  const targets = [...policy.escalation.to];
  if (isChild && guardianAppointed && !targets.includes('guardian')) targets.push('guardian');
  return targets;
}

// R17: a child's missed deadline or check-in escalates immediately; an adult's missed check-in after the
// policy's grace days; other missed deadlines at once.
export function escalationGraceDays(kind: DeadlineKind, isChild: boolean, policy: Policy): number {
  if (isChild) return 0;
  return kind === 'check-in' ? policy.escalation.checkInGraceDays : 0;
}
