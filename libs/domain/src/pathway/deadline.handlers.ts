import { isTreatedAsChild } from '../rules/children.rules.js';
import { afterPeriod, afterPresenceEnds } from '../rules/return.rules.js';
import { assertNever } from '../assert-never.js';
import { isBefore, maxInstant } from '../time.js';
import type { Deadline } from '../deadline.js';
import type { CloseCase, RecordDeadlineReached } from '../model/pathway.commands.js';
import { accept, transition, type Decision, type HandlerContext } from './pathway.decision.js';
import type { DeadlineMissed, PathwayEvent } from '../model/pathway.events.js';
import { refuse } from '../model/pathway.refusals.js';
import { currentDeadlines, dueAction } from './pathway.schedule.js';
import { MANUAL_CLOSE_REASONS, type OpenStage } from '../stages.js';
import type { CaseState } from '../model/pathway.state.js';
import type { Policy } from '../policy/policy.types.js';
import type { Instant } from '../time.js';
import { contactPointOf } from '../directory.js';

/**
 * A scheduled due action fired. The domain re-derives the deadline from the state (so a stale timer for a
 * deadline that was met or moved is refused with `UNKNOWN_DEADLINE` / `DEADLINE_NOT_REACHED`) and decides
 * what its passing means.
 */
export function recordDeadlineReached(command: RecordDeadlineReached, context: HandlerContext): Decision {
  const { state, now, policy } = context;
  if (command.by !== 'system')
    return refuse('ACTOR_NOT_PERMITTED', 'only the pathway timer reports deadlines');
  const deadline = currentDeadlines(state, policy).find((d) => d.id === command.deadlineId);
  if (deadline === undefined)
    return refuse('UNKNOWN_DEADLINE', 'no such deadline is running (met, moved or missed)');
  const due = dueAction(state, deadline, policy);
  if (isBefore(now, due.at)) {
    return refuse('DEADLINE_NOT_REACHED', `the deadline's due action is at ${due.at}`, deadline.rule, {
      at: due.at,
    });
  }
  switch (deadline.kind) {
    case 'guardian-appointment':
    case 'extension-decision':
    case 'permit-renewal-decision':
    case 'check-in':
    case 'departure-follow-up':
    case 'return-follow-up':
      return accept(missed(state, deadline, now, policy));
    case 'reflection-period-end':
    case 'restitution-period-end': {
      // R10/R7/R19: the period is over; on to AVR, departure, or closure with legal stay.
      const period = state.period;
      if (period === undefined) return refuse('UNKNOWN_DEADLINE', 'no period is running');
      const next = afterPeriod(state.facts.hasLegalStay, state.avr.cooperationConfirmedAt !== undefined);
      // R6: an end held by a pending request, decided only after the end had passed, ends at that decision
      // (as when asylum is refused late): the period never ends before the decision that releases it.
      const endsAt = period.releasedAt === undefined ? now : maxInstant(now, period.releasedAt);
      return accept(
        { type: 'PeriodEnded', at: endsAt, kind: period.kind, cause: 'elapsed' },
        transition(state.stage, next, endsAt),
      );
    }
    case 'permit-expiry': {
      // R12: when the permit expires the person must leave (R15: via AVR if planned).
      const next = afterPresenceEnds(
        state.facts.hasLegalStay,
        state.avr.cooperationConfirmedAt !== undefined,
      );
      return accept({ type: 'PermitEnded', at: now, cause: 'expired' }, transition(state.stage, next, now));
    }
    case 'monitoring-end': {
      // R14/R16: six months after arrival monitoring ends and no long-term assistance follows. Check-ins
      // still outstanding are escalated now rather than lost with the closure.
      const outstanding = currentDeadlines(state, policy).filter((d) => d.kind === 'check-in');
      return accept(
        ...outstanding.map((d) => missed(state, d, now, policy)),
        { type: 'ReintegrationCompleted', at: now },
        { type: 'CaseClosed', at: now, from: state.stage, reason: 'reintegration-completed', rule: 'R16' },
      );
    }
    default:
      return assertNever(deadline.kind);
  }
}

function missed(state: CaseState, deadline: Deadline, now: Instant, policy: Policy): DeadlineMissed {
  const escalateTo = dueAction(state, deadline, policy).escalateTo;
  const before = state.escalated.filter((id) => id === deadline.id).length;
  return {
    ...(before > 0 ? { repeat: before + 1 } : {}),
    type: 'DeadlineMissed',
    at: now,
    deadlineId: deadline.id,
    kind: deadline.kind,
    rule: isTreatedAsChild(state.facts.age) ? 'R17' : deadline.rule,
    responsible: deadline.responsible,
    escalateTo,
    contacts: [...new Set([deadline.responsible, ...escalateTo])].map((agency) =>
      contactPointOf(agency, now, policy),
    ),
  };
}

/** The coordinator (CMM) closes a case by hand, with one of the manual reasons. */
export function closeCase(command: CloseCase, { state, now, policy }: HandlerContext): Decision {
  if (command.by !== policy.coordinator) {
    return refuse('ACTOR_NOT_PERMITTED', `${policy.coordinator} closes cases by hand`);
  }
  if (!MANUAL_CLOSE_REASONS.includes(command.reason)) {
    return refuse('INVALID_COMMAND', `a manual closure gives one of ${MANUAL_CLOSE_REASONS.join(', ')}`);
  }
  const from: OpenStage = state.stage;
  const closed: PathwayEvent = { type: 'CaseClosed', at: now, from, reason: command.reason };
  return accept(closed);
}
