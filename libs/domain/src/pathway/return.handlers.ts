import { PERIOD_STAGES } from '../stages.js';
import { isAgencyId, type Actor } from '../agency.js';
import type { Policy } from '../policy/policy.types.js';
import { checkChildDeparture, isTreatedAsChild } from '../rules/children.rules.js';
import { checkAvrActor, checkInSlotFor, checkOperator, monitoringPlan } from '../rules/return.rules.js';
import { calendarOf } from '../calendar.js';
import { isBefore, isInstant } from '../time.js';
import type {
  ConfirmAvrCooperation,
  DraftAvrPlan,
  RecordArrival,
  RecordCheckIn,
  RecordDeparture,
} from '../model/pathway.commands.js';
import {
  accept,
  checkStage,
  notAnAgency,
  NOTHING_TO_DO,
  type Decision,
  type HandlerContext,
} from './pathway.decision.js';
import type { PathwayEvent } from '../model/pathway.events.js';
import { OK, refuse, type Check } from '../model/pathway.refusals.js';
import type { CaseState } from '../model/pathway.state.js';

// R19: AVR is offered whether or not the victim cooperates with the police — nothing here looks at that.
const AVR_STAGES = [...PERIOD_STAGES, 'permit', 'court-granted', 'departure-required'] as const;
// R19: the individual return plan is drafted during the period (or the permit), with the victim.
const AVR_PLAN_STAGES = [...PERIOD_STAGES, 'permit', 'court-granted', 'avr-return'] as const;

// R5/R19: the victim cooperates on return under AVR. From departure-required this opens the AVR track.
export function confirmAvrCooperation(
  command: ConfirmAvrCooperation,
  { state, now, policy }: HandlerContext,
): Decision {
  const stage = checkStage(state, AVR_STAGES, 'confirming AVR cooperation');
  if (!stage.ok) return stage;
  const actor = checkAvrActor(command.by, policy);
  if (!actor.ok) return actor;
  if (!isAgencyId(command.by)) return notAnAgency();
  const events: PathwayEvent[] = [];
  if (state.avr.cooperationConfirmedAt === undefined) {
    events.push({ type: 'AvrCooperationConfirmed', at: now, by: command.by });
  }
  if (state.stage === 'departure-required') {
    events.push({ type: 'StageChanged', at: now, from: state.stage, to: 'avr-return', rule: 'R19' });
  }
  return events.length === 0 ? NOTHING_TO_DO : accept(...events);
}

// R19: the individual return plan is drafted during the period (or the permit), with the victim.
export function draftAvrPlan(command: DraftAvrPlan, { state, now, policy }: HandlerContext): Decision {
  const stage = checkStage(state, AVR_PLAN_STAGES, 'an AVR plan');
  if (!stage.ok) return stage;
  const actor = checkAvrActor(command.by, policy);
  if (!actor.ok) return actor;
  if (!isAgencyId(command.by)) return notAnAgency();
  if (state.avr.cooperationConfirmedAt === undefined) {
    return refuse('AVR_COOPERATION_NOT_CONFIRMED', 'the plan is drafted with a victim who chose AVR', 'R19');
  }
  if (state.avr.departedAt !== undefined) return refuse('NOT_IN_STAGE', 'the person has departed', 'R19');
  return accept({ type: 'AvrPlanDrafted', at: now, by: command.by });
}

// R14: the return operator records an assisted departure (R19: also early, during the period).
// R10: without AVR, police record the departure of a person who must leave. R17: a child only returns
// with a guardian and a best-interest decision that return is a durable solution.
export function recordDeparture(command: RecordDeparture, { state, now, policy }: HandlerContext): Decision {
  const early = state.stage === 'reflection-period' || state.stage === 'restitution-period';
  if (state.stage === 'avr-return' || (early && state.avr.cooperationConfirmedAt !== undefined)) {
    const check = checkAssistedDeparture(command.by, state, policy);
    if (!check.ok) return check;
    if (!isAgencyId(command.by)) return notAnAgency();
    if (state.avr.departedAt !== undefined) return NOTHING_TO_DO;
    const departed: PathwayEvent = { type: 'DepartureRecorded', at: now, by: command.by, assisted: true };
    if (state.stage !== 'avr-return' && state.period) {
      return accept({ type: 'PeriodEnded', at: now, kind: state.period.kind, cause: 'departed' }, departed, {
        type: 'StageChanged',
        at: now,
        from: state.stage,
        to: 'avr-return',
        rule: 'R19',
      });
    }
    return accept(departed);
  }
  if (state.stage === 'departure-required') {
    const recorder = policy.avr.unassistedDepartureRecordedBy;
    if (command.by !== recorder)
      return refuse('ACTOR_NOT_PERMITTED', `${recorder} record a departure without AVR`, 'R10');
    const child = childDeparture(state);
    if (!child.ok) return child;
    return accept(
      { type: 'DepartureRecorded', at: now, by: command.by, assisted: false },
      { type: 'CaseClosed', at: now, from: state.stage, reason: 'departed', rule: 'R10' },
    );
  }
  return refuse('NOT_IN_STAGE', `a departure cannot be recorded in stage ${state.stage}`, 'R14');
}

function checkAssistedDeparture(by: Actor, state: CaseState, policy: Policy): Check {
  const operator = checkOperator(by, policy.avr.returnOperator, 'an assisted departure');
  if (!operator.ok) return operator;
  if (state.avr.planDraftedAt === undefined) {
    return refuse('AVR_PLAN_REQUIRED', 'an assisted return needs a drafted AVR plan', 'R19');
  }
  return childDeparture(state);
}

function childDeparture(state: CaseState): Check {
  return isTreatedAsChild(state.facts.age) ? checkChildDeparture(state.child) : OK;
}

// R14: arrival starts six months of reintegration monitoring with check-ins at the policy's cadence.
export function recordArrival(command: RecordArrival, { state, now, policy }: HandlerContext): Decision {
  const stage = checkStage(state, ['avr-return'], 'an arrival');
  if (!stage.ok) return stage;
  const operator = checkOperator(command.by, policy.avr.reintegrationOperator, 'the arrival');
  if (!operator.ok) return operator;
  if (!isAgencyId(command.by)) return notAnAgency();
  const departedAt = state.avr.departedAt;
  if (departedAt === undefined) return refuse('NOT_DEPARTED', 'no departure has been recorded', 'R14');
  const arrivedAt = command.arrivedAt ?? now;
  if (!isInstant(arrivedAt) || isBefore(arrivedAt, departedAt) || isBefore(now, arrivedAt)) {
    return refuse('INVALID_COMMAND', 'arrivedAt must be a UTC instant between the departure and now', 'R14');
  }
  const plan = monitoringPlan(arrivedAt, policy);
  return accept(
    {
      type: 'ArrivalRecorded',
      at: now,
      by: command.by,
      arrivedAt,
      monitoringEndsAt: plan.endsAt,
      checkInsDueAt: plan.checkInsDueAt,
    },
    { type: 'StageChanged', at: now, from: state.stage, to: 'monitoring', rule: 'R14' },
  );
}

// R14: the reintegration operator's check-in fills the earliest open slot.
export function recordCheckIn(command: RecordCheckIn, { state, now, policy }: HandlerContext): Decision {
  const stage = checkStage(state, ['monitoring'], 'a check-in');
  if (!stage.ok) return stage;
  const operator = checkOperator(command.by, policy.avr.reintegrationOperator, 'a check-in');
  if (!operator.ok) return operator;
  if (!isAgencyId(command.by)) return notAnAgency();
  const monitoring = state.monitoring;
  const found = monitoring === undefined ? {} : checkInSlotFor(monitoring, now, policy);
  if (found.slot === undefined) {
    const opensAt = 'opensAt' in found ? found.opensAt : undefined;
    return opensAt === undefined
      ? refuse('CHECK_IN_NOT_DUE', 'no check-in is open now', 'R14')
      : refuse(
          'CHECK_IN_NOT_DUE',
          `no check-in is open now; the next window opens ${calendarOf(policy).longDate(opensAt, true)} (${opensAt})`,
          'R14',
          { opensAt },
        );
  }
  return accept({ type: 'CheckInRecorded', at: now, by: command.by, slot: found.slot });
}
