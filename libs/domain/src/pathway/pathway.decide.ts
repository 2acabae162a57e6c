import { assertNever } from '../assert-never.js';
import type { Policy } from '../policy/policy.types.js';
import type { Instant } from '../time.js';
import { applyForAsylum, decideAsylum } from './asylum.handlers.js';
import {
  appointGuardian,
  decideBestInterest,
  recordAgeAssessment,
  startFamilyTracing,
} from './children.handlers.js';
import { closeCase, recordDeadlineReached } from './deadline.handlers.js';
import {
  changeLegalStatus,
  concludeCriminalCase,
  courtGrantsStatus,
  decideIdentification,
  recordInterview,
  referCase,
  submitForIdentification,
} from './identification.handlers.js';
import { decideExtension, requestExtension } from './period.handlers.js';
import {
  applyForPermit,
  applyForWorkPermit,
  decidePermit,
  decideWorkPermit,
  endInvestigation,
  requestPermitRenewal,
} from './permit.handlers.js';
import {
  confirmAvrCooperation,
  draftAvrPlan,
  recordArrival,
  recordCheckIn,
  recordDeparture,
} from './return.handlers.js';
import type { PathwayCommand } from '../model/pathway.commands.js';
import type { Decision, HandlerContext } from './pathway.decision.js';
import { refuse } from '../model/pathway.refusals.js';
import type { PathwayState } from '../model/pathway.state.js';

export type { Decision } from './pathway.decision.js';

/**
 * Decides what a command means for a pathway: the events to append, or a refusal with a stable code.
 * Pure: no I/O, no clock (`now` is passed in), no randomness. `policy` must be the case's own policy
 * (`policyByVersion(policies, state.policyVersion)`); for `referCase` it is the one `selectPolicy` chose.
 */
export function decide(command: PathwayCommand, state: PathwayState, now: Instant, policy: Policy): Decision {
  if (state.stage === 'not-started') {
    return command.type === 'referCase'
      ? referCase(command, now, policy)
      : refuse('CASE_NOT_OPEN', 'the case has not been opened');
  }
  if (command.type === 'referCase') return refuse('CASE_ALREADY_OPEN', 'the case is already open');
  if (state.stage === 'closed') return refuse('CASE_CLOSED', 'the case is closed');
  if (state.policyVersion !== policy.version) {
    return refuse(
      'POLICY_MISMATCH',
      `the case runs under policy ${state.policyVersion}, not ${policy.version}`,
    );
  }
  const context: HandlerContext = { state: { ...state, stage: state.stage }, now, policy };
  switch (command.type) {
    case 'recordInterview':
      return recordInterview(command, context);
    case 'submitForIdentification':
      return submitForIdentification(command, context);
    case 'decideIdentification':
      return decideIdentification(command, context);
    case 'courtGrantsStatus':
      return courtGrantsStatus(command, context);
    case 'concludeCriminalCase':
      return concludeCriminalCase(command, context);
    case 'changeLegalStatus':
      return changeLegalStatus(command, context);
    case 'recordAgeAssessment':
      return recordAgeAssessment(command, context);
    case 'appointGuardian':
      return appointGuardian(command, context);
    case 'decideBestInterest':
      return decideBestInterest(command, context);
    case 'startFamilyTracing':
      return startFamilyTracing(command, context);
    case 'confirmAvrCooperation':
      return confirmAvrCooperation(command, context);
    case 'draftAvrPlan':
      return draftAvrPlan(command, context);
    case 'requestExtension':
      return requestExtension(command, context);
    case 'decideExtension':
      return decideExtension(command, context);
    case 'applyForPermit':
      return applyForPermit(command, context);
    case 'requestPermitRenewal':
      return requestPermitRenewal(command, context);
    case 'decidePermit':
      return decidePermit(command, context);
    case 'applyForWorkPermit':
      return applyForWorkPermit(command, context);
    case 'decideWorkPermit':
      return decideWorkPermit(command, context);
    case 'endInvestigation':
      return endInvestigation(command, context);
    case 'applyForAsylum':
      return applyForAsylum(command, context);
    case 'decideAsylum':
      return decideAsylum(command, context);
    case 'recordDeparture':
      return recordDeparture(command, context);
    case 'recordArrival':
      return recordArrival(command, context);
    case 'recordCheckIn':
      return recordCheckIn(command, context);
    case 'recordDeadlineReached':
      return recordDeadlineReached(command, context);
    case 'closeCase':
      return closeCase(command, context);
    default:
      return assertNever(command);
  }
}
