import type { Actor } from '../agency.js';
import { OK, refuse, type Check } from '../model/pathway.refusals.js';
import type { PermitTerm } from '../model/pathway.state.js';
import type { Policy } from '../policy/policy.types.js';
import { calendarOf } from '../calendar.js';
import { isBefore, type Instant } from '../time.js';

// R11: the police or the prosecution apply on the victim's behalf; the victim cannot apply.
export function checkPermitApplicant(by: Actor, policy: Policy): Check {
  if (by === 'victim') {
    return refuse(
      'VICTIM_CANNOT_APPLY',
      `the victim cannot apply for this permit; ${policy.permit.applicants.join(' or ')} apply on the victim's behalf`,
      'R11',
    );
  }
  if (!(policy.permit.applicants as readonly Actor[]).includes(by)) {
    return refuse(
      'ACTOR_NOT_PERMITTED',
      `${policy.permit.applicants.join(' or ')} apply for this permit`,
      'R11',
    );
  }
  return OK;
}

export interface PermitApplicationInput {
  readonly by: Actor;
  readonly hasLegalStay: boolean;
  readonly investigationEnded: boolean;
  readonly victimCooperatesWithPolice: boolean;
  readonly applicationPending: boolean;
  readonly policy: Policy;
}

/** R11: may a first §9c(5) application be filed? */
export function checkPermitApplication(input: PermitApplicationInput): Check {
  const applicant = checkPermitApplicant(input.by, input.policy);
  if (!applicant.ok) return applicant;
  if (!input.policy.permit.available) {
    return refuse(
      'PERMIT_NOT_AVAILABLE',
      'this policy has no §9c(5) permit for investigation purposes',
      'R11',
    );
  }
  if (input.hasLegalStay) {
    return refuse('HAS_LEGAL_STAY', 'the person already has legal stay; no §9c(5) permit is needed', 'R11');
  }
  return checkPermitPreconditions(input);
}

/** R11/R12: shared by first applications and renewals. */
export function checkPermitPreconditions(
  input: Pick<
    PermitApplicationInput,
    'investigationEnded' | 'victimCooperatesWithPolice' | 'applicationPending'
  >,
): Check {
  // R11: never beyond the investigation or prosecution.
  if (input.investigationEnded) {
    return refuse('INVESTIGATION_ENDED', 'the investigation or prosecution has ended', 'R11');
  }
  // R11: the permit requires cooperation with the police (a permit requirement, not a support condition, R9).
  if (!input.victimCooperatesWithPolice) {
    return refuse('POLICE_COOPERATION_REQUIRED', 'the permit requires cooperation with the police', 'R11');
  }
  if (input.applicationPending) {
    return refuse('APPLICATION_PENDING', 'a permit application is already awaiting a decision', 'R11');
  }
  return OK;
}

// R12: each renewal needs a new application by police or prosecution, before the current term ends.
export function checkRenewalRequest(
  input: Omit<PermitApplicationInput, 'hasLegalStay'> & {
    readonly current: PermitTerm;
    readonly now: Instant;
  },
): Check {
  const applicant = checkPermitApplicant(input.by, input.policy);
  if (!applicant.ok) return applicant;
  const preconditions = checkPermitPreconditions(input);
  if (!preconditions.ok) return preconditions;
  if (!isBefore(input.now, input.current.endsAt)) {
    return refuse('DEADLINE_PASSED', `the permit expired at ${input.current.endsAt}`, 'R12', {
      endsAt: input.current.endsAt,
    });
  }
  return OK;
}

// R12: a permit term is 6 months (per policy), calendar months: 31 Aug + 6 months = 28/29 Feb.
export function permitTerm(startsAt: Instant, policy: Policy): { startsAt: Instant; endsAt: Instant } {
  return { startsAt, endsAt: calendarOf(policy).addMonths(startsAt, policy.permit.termMonths) };
}

// R12: a renewal runs on from the end of the current term, so the terms are contiguous.
export function renewalTerm(current: PermitTerm, policy: Policy): { startsAt: Instant; endsAt: Instant } {
  return permitTerm(current.endsAt, policy);
}

// R13: the permit holder applies (helped by CMM, an NGO or the shelter: `policy.permit.workPermitApplicants`);
// DIS grants without further requirements, so a work-permit decision has no refusal outcome.
export function checkWorkPermitApplicant(by: Actor, policy: Policy): Check {
  const applicants = policy.permit.workPermitApplicants;
  return applicants.includes(by)
    ? OK
    : refuse('ACTOR_NOT_PERMITTED', `the work permit is applied for by ${applicants.join(', ')}`, 'R13');
}
