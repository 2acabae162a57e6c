import type { Actor, AgencyId } from '../agency.js';
import { OK, refuse, type Check } from '../model/pathway.refusals.js';
import type { PeriodClock } from '../model/pathway.state.js';
import type { ExtensionGround, PeriodKind, Policy } from '../policy/policy.types.js';
import { calendarOf } from '../calendar.js';
import { isBefore, type Instant } from '../time.js';

// R4/R7: without legal stay the identified victim gets a reflection period; with legal stay the equivalent
// restitution period.
export function periodKindFor(facts: { readonly hasLegalStay: boolean }): PeriodKind {
  return facts.hasLegalStay ? 'restitution' : 'reflection';
}

/** The values a new period starts with (carried by the `PeriodStarted` event). */
export interface PeriodStart {
  readonly kind: PeriodKind;
  readonly startsAt: Instant;
  readonly baseDays: number;
  readonly capDays: number;
  readonly endsAt: Instant;
}

// R4: 30 days (per policy) from the identification decision; R5: the case's cap is fixed now.
export function startPeriod(kind: PeriodKind, startsAt: Instant, policy: Policy): PeriodStart {
  const baseDays = policy.periods[kind].baseDays;
  return {
    kind,
    startsAt,
    baseDays,
    capDays: policy.periods.extension.capTotalDays,
    endsAt: calendarOf(policy).addDays(startsAt, baseDays),
  };
}

/** R5: days used so far: the base plus every granted extension. */
export function usedDays(period: PeriodClock): number {
  return period.baseDays + period.extensions.reduce((sum, e) => sum + e.days, 0);
}

/** R5: the latest the period can ever end: start + cap (in the policy's calendar days). */
export function latestPossibleEnd(
  period: Pick<PeriodClock, 'startsAt' | 'capDays'>,
  policy: Policy,
): Instant {
  return calendarOf(policy).addDays(period.startsAt, period.capDays);
}

// R5: the cap is absolute. An extension that would exceed it is refused (never clipped): the decision stays
// with a person, and the refusal shows the most that is still possible.
export function checkWithinCap(period: PeriodClock, days: number, policy: Policy): Check {
  const used = usedDays(period);
  if (used + days <= period.capDays) return OK;
  const remaining = period.capDays - used;
  const latest = latestPossibleEnd(period, policy);
  return refuse(
    'EXTENSION_BEYOND_CAP',
    `an extension of ${days} days would make the period ${used + days} days; the cap is ${period.capDays} days in total, so at most ${remaining} more days are possible and the latest possible end is ${latest}`,
    'R5',
    { capDays: period.capDays, usedDays: used, remainingDays: remaining, maxEndsAt: latest },
  );
}

/** R6: who decides an extension of this kind of period (DIS for reflection). */
export function extensionDecider(kind: PeriodKind, policy: Policy): AgencyId {
  return policy.periods[kind].extensionDecidedBy;
}

export interface ExtensionRequestInput {
  readonly period: PeriodClock;
  readonly by: Actor;
  /** The agency that helps the victim file it (R6). */
  readonly via?: AgencyId;
  readonly days: number;
  readonly ground: ExtensionGround;
  readonly now: Instant;
  readonly avrCooperationConfirmed: boolean;
  readonly policy: Policy;
}

/** R5/R6: may this extension request be filed? */
export function checkExtensionRequest(input: ExtensionRequestInput): Check {
  const { period, by, via, days, ground, now, policy } = input;
  const extension = policy.periods.extension;
  // R6: the victim applies, helped by the CMM contact person or the shelter — not the police.
  if (!extension.requestedVia.includes(by) || (via !== undefined && !extension.requestedVia.includes(via))) {
    return refuse(
      'ACTOR_NOT_PERMITTED',
      `an extension is requested by ${extension.requestedVia.join(', ')}`,
      'R6',
    );
  }
  if (!Number.isSafeInteger(days) || days < 1) {
    return refuse('INVALID_COMMAND', 'an extension is a whole number of days ≥ 1', 'R5');
  }
  if (!extension.grounds.includes(ground)) {
    return refuse('GROUND_NOT_ALLOWED', `extension grounds are ${extension.grounds.join(', ')}`, 'R5');
  }
  // R5: the AVR ground needs the victim's cooperation on return to be confirmed.
  if (ground === 'avr-cooperation' && !input.avrCooperationConfirmed) {
    return refuse('AVR_COOPERATION_NOT_CONFIRMED', 'cooperation on return under AVR is not confirmed', 'R5');
  }
  // R6: the request must be made before the current period ends.
  if (!isBefore(now, period.endsAt)) {
    return refuse('DEADLINE_PASSED', `the period ended at ${period.endsAt}; request before it ends`, 'R6', {
      endsAt: period.endsAt,
    });
  }
  if (period.pending !== undefined) {
    return refuse('APPLICATION_PENDING', 'an extension request is already awaiting a decision', 'R6');
  }
  return checkWithinCap(period, days, policy);
}

/** R5/R6: may this actor grant `days` on the pending request? */
export function checkExtensionGrant(period: PeriodClock, by: Actor, days: number, policy: Policy): Check {
  const decider = extensionDecider(period.kind, policy);
  if (by !== decider) return refuse('WRONG_AUTHORITY', `${decider} decides extensions of this period`, 'R6');
  if (period.pending === undefined) {
    return refuse('NO_PENDING_APPLICATION', 'there is no extension request to decide', 'R6');
  }
  if (!Number.isSafeInteger(days) || days < 1) {
    return refuse('INVALID_COMMAND', 'an extension is a whole number of days ≥ 1', 'R5');
  }
  return checkWithinCap(period, days, policy);
}

/** R5: the period's new end after granting `days` (extensions run on from the current end). */
export function extendedEnd(period: PeriodClock, days: number, policy: Policy): Instant {
  return calendarOf(policy).addDays(period.endsAt, days);
}
