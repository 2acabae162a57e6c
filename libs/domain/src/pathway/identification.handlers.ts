import { isActor, isAgencyId } from '../agency.js';
import { isCaseRef } from '../case-ref.js';
import type { Policy } from '../policy/policy.types.js';
import { applyStatusChange, competentAuthority, reroute } from '../rules/competent-authority.rules.js';
import {
  checkAsylumScreening,
  checkCourtGrant,
  checkIdentificationDecider,
  checkInterviewer,
  checkReadyForDecision,
} from '../rules/identification.rules.js';
import { periodKindFor, startPeriod } from '../rules/periods.rules.js';
import { isBefore, type Instant } from '../time.js';
import type {
  ChangeLegalStatus,
  ConcludeCriminalCase,
  CourtGrantsStatus,
  DecideIdentification,
  RecordInterview,
  ReferCase,
  SubmitForIdentification,
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
import { refuse } from '../model/pathway.refusals.js';
import { PRE_IDENTIFICATION_STAGES, type OpenStage } from '../stages.js';
import type { CaseFacts, CaseState } from '../model/pathway.state.js';

/** Opens a case (first encounter, or asylum screening per R3) under the policy in force now. */
export function referCase(command: ReferCase, now: Instant, policy: Policy): Decision {
  if (!isCaseRef(command.caseRef)) return refuse('INVALID_COMMAND', 'caseRef is not a valid case reference');
  if (!isActor(command.by)) return refuse('INVALID_COMMAND', 'unknown actor');
  if (isBefore(now, policy.effectiveFrom)) {
    return refuse('POLICY_NOT_IN_FORCE', `policy ${policy.version} is not in force yet; use selectPolicy`);
  }
  const facts: CaseFacts = {
    hasLegalStay: command.facts.hasLegalStay,
    isDefendant: command.facts.isDefendant,
    siriResponsible: command.facts.siriResponsible ?? false,
    age: command.facts.age,
    unaccompanied: command.facts.unaccompanied ?? false,
    isAsylumSeeker: command.channel === 'asylum-screening' || command.facts.isAsylumSeeker === true,
  };
  if (command.channel === 'first-encounter') {
    // Seed: the organisations most likely to encounter a presumed victim first open the case.
    if (!(policy.intake.firstEncounter as readonly string[]).includes(command.by)) {
      return refuse(
        'ACTOR_NOT_PERMITTED',
        `cases are referred by ${policy.intake.firstEncounter.join(', ')}`,
      );
    }
  } else {
    const screening = checkAsylumScreening(command.by, command.facts, policy);
    if (!screening.ok) return screening;
  }
  return accept({
    type: 'CaseReferred',
    at: now,
    caseRef: command.caseRef,
    policyVersion: policy.version,
    by: command.by,
    channel: command.channel,
    facts,
    competentAuthority: competentAuthority(facts, policy),
  });
}

// R2: interviews (one or more) are evidence gathered by CMM or a contracted NGO.
export function recordInterview(command: RecordInterview, { state, now, policy }: HandlerContext): Decision {
  const stage = checkStage(state, PRE_IDENTIFICATION_STAGES, 'an identification interview');
  if (!stage.ok) return stage;
  const interviewer = checkInterviewer(command.by, policy);
  if (!interviewer.ok) return interviewer;
  if (!isAgencyId(command.by)) return notAnAgency();
  const events: PathwayEvent[] = [{ type: 'InterviewRecorded', at: now, by: command.by }];
  if (state.stage === 'referred') {
    events.push({ type: 'StageChanged', at: now, from: 'referred', to: 'interviewing', rule: 'R2' });
  }
  return accept(...events);
}

// R1/R2/R3: hand the evidence to the authority competent for the status now.
export function submitForIdentification(
  command: SubmitForIdentification,
  { state, now, policy }: HandlerContext,
): Decision {
  const stage = checkStage(state, ['referred', 'interviewing'], 'submitting for identification');
  if (!stage.ok) return stage;
  const submitter = checkInterviewer(command.by, policy);
  if (!submitter.ok) return submitter;
  if (!isAgencyId(command.by)) return notAnAgency();
  const ready = checkReadyForDecision(state.interviews, state.intake.channel === 'asylum-screening', policy);
  if (!ready.ok) return ready;
  return accept(
    {
      type: 'IdentificationRequested',
      at: now,
      by: command.by,
      authority: competentAuthority(state.facts, policy),
    },
    { type: 'StageChanged', at: now, from: state.stage, to: 'awaiting-identification', rule: 'R1' },
  );
}

// R1/R2: the competent authority decides; identified → R4 reflection or R7 restitution period starts now.
export function decideIdentification(
  command: DecideIdentification,
  { state, now, policy }: HandlerContext,
): Decision {
  const stage = checkStage(state, ['awaiting-identification'], 'an identification decision');
  if (!stage.ok) return stage;
  const decider = checkIdentificationDecider(command.by, state.facts, policy);
  if (!decider.ok) return decider;
  if (!isAgencyId(command.by)) return notAnAgency();
  const decided: PathwayEvent = {
    type: 'IdentificationDecided',
    at: now,
    by: command.by,
    outcome: command.outcome,
  };
  if (command.outcome === 'not-identified') {
    return accept(decided, {
      type: 'CaseClosed',
      at: now,
      from: state.stage,
      reason: 'not-identified',
      rule: 'R1',
    });
  }
  return accept(decided, ...startPeriodEvents(state, state.stage, now, policy));
}

// R1: a court may grant victim status to a defendant in a criminal case (instead of DIS/CMM).
export function courtGrantsStatus(
  command: CourtGrantsStatus,
  { state, now, policy }: HandlerContext,
): Decision {
  const stage = checkStage(state, PRE_IDENTIFICATION_STAGES, 'a court grant of victim status');
  if (!stage.ok) return stage;
  const court = checkCourtGrant(command.by, state.facts, policy);
  if (!court.ok) return court;
  if (!isAgencyId(command.by)) return notAnAgency();
  return accept(
    { type: 'VictimStatusGrantedByCourt', at: now, by: command.by },
    { type: 'StageChanged', at: now, from: state.stage, to: 'court-granted', rule: 'R1' },
  );
}

// R10: a court-recognised victim is assisted during the criminal proceedings; when they conclude, the
// period an identified victim is offered (R4/R7) starts.
export function concludeCriminalCase(
  command: ConcludeCriminalCase,
  { state, now, policy }: HandlerContext,
): Decision {
  const stage = checkStage(state, ['court-granted'], 'concluding the criminal case');
  if (!stage.ok) return stage;
  const recorders = policy.identification.criminalCaseConcludedBy;
  if (!(recorders as readonly string[]).includes(command.by) || !isAgencyId(command.by)) {
    return refuse(
      'ACTOR_NOT_PERMITTED',
      `${recorders.join(' or ')} record the end of the criminal case`,
      'R10',
    );
  }
  const concluded: PathwayEvent = { type: 'CriminalCaseConcluded', at: now, by: command.by };
  const facts = { ...state.facts, isDefendant: false };
  return accept(concluded, ...startPeriodEvents({ ...state, facts }, state.stage, now, policy));
}

// R1: a status change re-routes identification to the authority competent under the new status.
export function changeLegalStatus(
  command: ChangeLegalStatus,
  { state, now, policy }: HandlerContext,
): Decision {
  const sources = policy.identification.statusChangeSources[command.change.kind];
  if (!(sources as readonly string[]).includes(command.by) || !isAgencyId(command.by)) {
    return refuse('ACTOR_NOT_PERMITTED', `this status change is recorded by ${sources.join(', ')}`, 'R1');
  }
  const after = applyStatusChange(state.facts, command.change);
  if (JSON.stringify(after) === JSON.stringify(state.facts)) return NOTHING_TO_DO;
  const events: PathwayEvent[] = [
    { type: 'LegalStatusChanged', at: now, by: command.by, change: command.change },
  ];
  const route = reroute(state.facts, command.change, policy);
  if (route.changed && (PRE_IDENTIFICATION_STAGES as readonly string[]).includes(state.stage)) {
    events.push({ type: 'IdentificationRerouted', at: now, from: route.from, to: route.to });
  }
  return accept(...events);
}

function startPeriodEvents(state: CaseState, from: OpenStage, now: Instant, policy: Policy): PathwayEvent[] {
  const period = startPeriod(periodKindFor(state.facts), now, policy);
  return [
    { type: 'PeriodStarted', at: now, ...period },
    {
      type: 'StageChanged',
      at: now,
      from,
      to: period.kind === 'reflection' ? 'reflection-period' : 'restitution-period',
      rule: period.kind === 'reflection' ? 'R4' : 'R7',
    },
  ];
}
