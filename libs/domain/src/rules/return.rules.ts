import type { Actor, AgencyId } from '../agency.js';
import { OK, refuse, type Check } from '../model/pathway.refusals.js';
import type { CloseReason, OpenStage } from '../stages.js';
import type { MonitoringState } from '../model/pathway.state.js';
import type { Policy } from '../policy/policy.types.js';
import type { RuleId } from '../rule-ids.js';
import { calendarOf } from '../calendar.js';
import { isAtOrAfter, isBefore, maxInstant, type Instant } from '../time.js';

/** Where the pathway goes next, and under which rule. */
export type Next =
  | { readonly kind: 'move'; readonly to: OpenStage; readonly rule: RuleId }
  | { readonly kind: 'close'; readonly reason: CloseReason; readonly rule: RuleId };

// When a reflection/restitution period ends:
// R19: a victim who cooperates on return goes on to AVR;
// R10: otherwise, without legal stay, the victim must leave Denmark;
// R7: with legal stay, support ends and the person stays on their own legal grounds.
export function afterPeriod(hasLegalStay: boolean, avrCooperationConfirmed: boolean): Next {
  if (avrCooperationConfirmed) return { kind: 'move', to: 'avr-return', rule: 'R19' };
  if (!hasLegalStay) return { kind: 'move', to: 'departure-required', rule: 'R10' };
  return { kind: 'close', reason: 'period-ended-with-legal-stay', rule: 'R7' };
}

// When presence for the investigation is no longer needed (permit expired or investigation ended):
// R15: the voluntary return planned meanwhile is carried out; R16: otherwise the person must return.
export function afterPresenceEnds(hasLegalStay: boolean, avrCooperationConfirmed: boolean): Next {
  if (avrCooperationConfirmed) return { kind: 'move', to: 'avr-return', rule: 'R15' };
  if (!hasLegalStay) return { kind: 'move', to: 'departure-required', rule: 'R16' };
  return { kind: 'close', reason: 'period-ended-with-legal-stay', rule: 'R16' };
}

/** R14: the monitoring window and check-in due dates, fixed at arrival. */
export interface MonitoringPlan {
  readonly endsAt: Instant;
  readonly checkInsDueAt: readonly Instant[];
}

// R14: reintegration is monitored for six months (per policy) after arrival, with check-ins at the policy's
// cadence. Each due date is computed from the arrival (not from the previous one) so months do not drift.
export function monitoringPlan(arrivedAt: Instant, policy: Policy): MonitoringPlan {
  const calendar = calendarOf(policy);
  const endsAt = calendar.addMonths(arrivedAt, policy.avr.monitoringMonths);
  const cadence = policy.avr.checkInEvery;
  const checkInsDueAt: Instant[] = [];
  for (let k = 1; ; k++) {
    const due = calendar.addDuration(arrivedAt, { amount: cadence.amount * k, unit: cadence.unit });
    if (isBefore(endsAt, due)) break;
    checkInsDueAt.push(due);
  }
  return { endsAt, checkInsDueAt };
}

/** When the window of check-in `slot` opens (R14, per policy). */
export function checkInWindowOpensAt(
  monitoring: MonitoringState,
  slot: number,
  policy: Policy,
): Instant | undefined {
  const due = monitoring.checkInsDueAt[slot - 1];
  if (due === undefined) return undefined;
  const daysBefore = policy.avr.checkInWindowDaysBefore;
  // Older policies: slot n opens when slot n−1 falls due, slot 1 at arrival.
  if (daysBefore === undefined) return slot === 1 ? monitoring.arrivedAt : monitoring.checkInsDueAt[slot - 2];
  return maxInstant(calendarOf(policy).addDays(due, -daysBefore), monitoring.arrivedAt);
}

/**
 * R14: a check-in counts for the earliest slot not yet met, once that slot's window is open (a late check-in
 * still fills a missed slot). An early one is refused, and told when the next window opens.
 */
export function checkInSlotFor(
  monitoring: MonitoringState,
  now: Instant,
  policy: Policy,
): { readonly slot: number } | { readonly slot?: undefined; readonly opensAt?: Instant } {
  const met = new Set(monitoring.checkIns.map((c) => c.slot));
  for (let slot = 1; slot <= monitoring.checkInsDueAt.length; slot++) {
    if (met.has(slot)) continue;
    const opensAt = checkInWindowOpensAt(monitoring, slot, policy);
    if (opensAt !== undefined && isAtOrAfter(now, opensAt)) return { slot };
    return opensAt === undefined ? {} : { opensAt };
  }
  return {};
}

/** R14/R19: agencies that may confirm AVR cooperation or draft the plan: the operators and the coordinator. */
export function avrActors(policy: Policy): readonly AgencyId[] {
  return [...new Set([policy.avr.returnOperator, policy.avr.reintegrationOperator, policy.coordinator])];
}

export function checkAvrActor(by: Actor, policy: Policy): Check {
  const allowed = avrActors(policy);
  return (allowed as readonly Actor[]).includes(by)
    ? OK
    : refuse('ACTOR_NOT_PERMITTED', `AVR is handled by ${allowed.join(', ')}`, 'R14');
}

export function checkOperator(by: Actor, operator: AgencyId, what: string): Check {
  return by === operator ? OK : refuse('ACTOR_NOT_PERMITTED', `${what} is recorded by ${operator}`, 'R14');
}
