import type { Actor } from '../agency.js';
import type { Policy } from '../policy/policy.types.js';
import { OK, refuse, type Check } from '../model/pathway.refusals.js';
import { currentPermitTerm, type CaseState } from '../model/pathway.state.js';
import { isBefore, type Instant } from '../time.js';
import { afterPeriod, afterPresenceEnds, type Next } from './return.rules.js';

// R18: asylum may be sought at any time while the person is in Denmark (a permit is without prejudice to
// asylum, ECAT 14(5)); not after departure, and not twice at once.
// R18: the victim applies; the application may be recorded by the victim's helpers or received by DIS/police
// (`policy.asylum.applicationRecordedBy`).
export function checkAsylumApplication(state: CaseState, by: Actor, policy: Policy): Check {
  if (!policy.asylum.applicationRecordedBy.includes(by)) {
    return refuse(
      'ACTOR_NOT_PERMITTED',
      'an asylum application is made by the victim or recorded by DIS, police or a helper',
      'R18',
    );
  }
  if (state.stage === 'asylum')
    return refuse('APPLICATION_PENDING', 'an asylum claim is already pending', 'R18');
  if (state.stage === 'monitoring' || state.avr.departedAt !== undefined) {
    return refuse('NOT_IN_STAGE', 'asylum is sought in Denmark; the person has departed', 'R18');
  }
  return OK;
}

/** R18: what follows an asylum refusal, and which clocks ran out while the claim was pending. */
export interface AfterAsylumRefusal {
  readonly next: Next;
  readonly periodElapsed: boolean;
  readonly permitElapsed: boolean;
}

// R18: refused → back to where the pathway was, unless that stage's clock ran out while the claim was
// pending; then on to return (AVR or departure), as when the period or permit ends (R10, R16).
export function afterAsylumRefusal(state: CaseState, now: Instant): AfterAsylumRefusal {
  const resume = state.asylum?.resumeStage ?? 'referred';
  const stay = {
    next: { kind: 'move', to: resume, rule: 'R18' },
    periodElapsed: false,
    permitElapsed: false,
  } as const;
  const avr = state.avr.cooperationConfirmedAt !== undefined;
  if (resume === 'reflection-period' || resume === 'restitution-period') {
    const period = state.period;
    // A timely extension request keeps the period open until DIS decides (R6), as in the period stage.
    const open = period !== undefined && (isBefore(now, period.endsAt) || period.pending !== undefined);
    if (open && period.endedAt === undefined) return stay;
    return {
      next: afterPeriod(state.facts.hasLegalStay, avr),
      periodElapsed: period?.endedAt === undefined,
      permitElapsed: false,
    };
  }
  if (resume === 'permit') {
    const term = currentPermitTerm(state);
    const ended = state.permit.endedAt !== undefined;
    const renewalPending = state.permit.pending?.renewal === true;
    if (term !== undefined && !ended && (isBefore(now, term.endsAt) || renewalPending)) return stay;
    return {
      next: afterPresenceEnds(state.facts.hasLegalStay, avr),
      periodElapsed: false,
      permitElapsed: !ended,
    };
  }
  return stay;
}
