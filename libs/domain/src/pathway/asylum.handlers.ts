import { afterAsylumRefusal, checkAsylumApplication } from '../rules/asylum.rules.js';
import type { ApplyForAsylum, DecideAsylum } from '../model/pathway.commands.js';
import { accept, transition, type Decision, type HandlerContext } from './pathway.decision.js';
import { viaOf } from './pathway.decision.js';
import type { PathwayEvent } from '../model/pathway.events.js';
import { refuse } from '../model/pathway.refusals.js';
import { isMunicipalityCode } from '../model/pathway.state.js';

// R18: asylum may be sought at any time in Denmark; the pathway waits in `asylum` and remembers where it was.
export function applyForAsylum(command: ApplyForAsylum, { state, now, policy }: HandlerContext): Decision {
  const check = checkAsylumApplication(state, command.by, policy);
  if (!check.ok) return check;
  if (state.stage === 'asylum')
    return refuse('APPLICATION_PENDING', 'an asylum claim is already pending', 'R18');
  return accept(
    { type: 'AsylumApplied', at: now, by: command.by, ...viaOf(command), resumeStage: state.stage },
    { type: 'StageChanged', at: now, from: state.stage, to: 'asylum', rule: 'R18' },
  );
}

// R18: granted → DIS allocates a municipality, which owes an integration plan; the pathway closes.
// Refused → back where the pathway was, or on to return if that stage's clock ran out meanwhile.
export function decideAsylum(command: DecideAsylum, { state, now, policy }: HandlerContext): Decision {
  if (state.stage !== 'asylum') return refuse('NOT_IN_STAGE', 'no asylum claim is pending', 'R18');
  if (command.by !== policy.asylum.decidedBy) {
    return refuse('WRONG_AUTHORITY', `${policy.asylum.decidedBy} decides asylum`, 'R18');
  }
  const by = policy.asylum.decidedBy;
  if (command.outcome === 'granted') {
    const code = command.municipalityCode;
    if (!isMunicipalityCode(code)) {
      return refuse('INVALID_COMMAND', 'municipalityCode is the municipality’s 3-digit code', 'R18');
    }
    return accept(
      { type: 'AsylumGranted', at: now, by, municipalityCode: code },
      { type: 'CaseClosed', at: now, from: state.stage, reason: 'asylum-granted', rule: 'R18' },
    );
  }
  const after = afterAsylumRefusal(state, now);
  const events: PathwayEvent[] = [{ type: 'AsylumRefused', at: now, by }];
  if (after.periodElapsed && state.period) {
    events.push({ type: 'PeriodEnded', at: now, kind: state.period.kind, cause: 'elapsed' });
  }
  if (after.permitElapsed) events.push({ type: 'PermitEnded', at: now, cause: 'expired' });
  events.push(transition(state.stage, after.next, now));
  return accept(...events);
}
