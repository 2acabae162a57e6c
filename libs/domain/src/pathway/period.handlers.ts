import { isAgencyId } from '../agency.js';
import {
  checkExtensionGrant,
  checkExtensionRequest,
  extendedEnd,
  extensionDecider,
  usedDays,
} from '../rules/periods.rules.js';
import type { DecideExtension, RequestExtension } from '../model/pathway.commands.js';
import { accept, checkStage, notAnAgency, type Decision, type HandlerContext } from './pathway.decision.js';
import { viaOf } from './pathway.decision.js';
import { refuse } from '../model/pathway.refusals.js';
import { PERIOD_STAGES } from '../stages.js';

// R5/R6: the victim (helped by CMM or the shelter) asks, before the period ends, for an extension within the cap.
export function requestExtension(
  command: RequestExtension,
  { state, now, policy }: HandlerContext,
): Decision {
  const stage = checkStage(state, PERIOD_STAGES, 'an extension request');
  if (!stage.ok) return stage;
  const period = state.period;
  if (period === undefined) return refuse('NOT_IN_STAGE', 'no period is running', 'R6');
  const check = checkExtensionRequest({
    period,
    by: command.by,
    ...viaOf(command),
    days: command.days,
    ground: command.ground,
    now,
    avrCooperationConfirmed: state.avr.cooperationConfirmedAt !== undefined,
    policy,
  });
  if (!check.ok) return check;
  return accept({
    type: 'ExtensionRequested',
    at: now,
    by: command.by,
    ...viaOf(command),
    requestNo: period.requests + 1,
    days: command.days,
    ground: command.ground,
  });
}

// R5/R6: DIS grants (possibly fewer days) or refuses; a grant beyond the cap is refused, never clipped.
export function decideExtension(command: DecideExtension, { state, now, policy }: HandlerContext): Decision {
  const stage = checkStage(state, PERIOD_STAGES, 'an extension decision');
  if (!stage.ok) return stage;
  const period = state.period;
  if (period === undefined) return refuse('NOT_IN_STAGE', 'no period is running', 'R6');
  const pending = period.pending;
  if (command.outcome === 'refused') {
    const decider = extensionDecider(period.kind, policy);
    if (command.by !== decider)
      return refuse('WRONG_AUTHORITY', `${decider} decides extensions of this period`, 'R6');
    if (pending === undefined)
      return refuse('NO_PENDING_APPLICATION', 'there is no extension request to decide', 'R6');
    return accept({ type: 'ExtensionRefused', at: now, by: decider, requestNo: pending.requestNo });
  }
  const check = checkExtensionGrant(period, command.by, command.days, policy);
  if (!check.ok) return check;
  if (!isAgencyId(command.by)) return notAnAgency();
  if (pending === undefined)
    return refuse('NO_PENDING_APPLICATION', 'there is no extension request to decide', 'R6');
  return accept({
    type: 'ExtensionGranted',
    at: now,
    by: command.by,
    requestNo: pending.requestNo,
    days: command.days,
    ground: pending.ground,
    endsAt: extendedEnd(period, command.days, policy),
    totalDays: usedDays(period) + command.days,
  });
}
