import {
  ApplicationFailure,
  condition,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  CaseStateView,
  DecideIdentification,
  DeadlineView,
  PathwayActivities,
  PathwayStage,
  TimelineEntry,
  VictimPathwayInput,
} from '../libs/contracts/src/index.js';
import {
  NON_RETRYABLE_ERRORS,
  QueryNames,
  SearchAttributes,
  UpdateNames,
} from '../libs/contracts/src/index.js';
import { identifyingAuthority, reflectionPeriodEnd } from '../libs/domain/src/walking-skeleton.js';

const { publishAgencyEvent } = proxyActivities<PathwayActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERRORS],
  },
});

export const getCaseState = defineQuery<CaseStateView>(QueryNames.getCaseState);
export const decideIdentification = defineUpdate<CaseStateView, [DecideIdentification]>(
  UpdateNames.decideIdentification,
);

const iso = (ms: number): string => new Date(ms).toISOString();

/** An Update validator's refusal: the failure type is the stable code the gateway maps to HTTP. */
function refuse(code: string, reason: string): never {
  throw ApplicationFailure.create({ type: code, message: reason, nonRetryable: true });
}

/**
 * One presumed victim's pathway (walking skeleton): opened → identification decided by the competent
 * authority (R1) → 30-day reflection period (R4) → departure required when it ends without another basis
 * (R10). The full pathway replaces the body; the name is permanent.
 */
export async function victimPathwayWorkflow(input: VictimPathwayInput): Promise<CaseStateView> {
  const { caseRef, intake } = input;
  const openedAt = iso(workflowInfo().startTime.getTime());
  const competentAuthority = identifyingAuthority(intake);
  let stage: PathwayStage = 'awaiting-identification';
  const deadlines: DeadlineView[] = [];
  const timeline: TimelineEntry[] = [{ at: openedAt, what: `case opened, referred by ${intake.referredBy}` }];
  let decision: (DecideIdentification & { readonly decidedAt: string }) | undefined;

  const view = (): CaseStateView => ({
    caseRef,
    stage,
    referredBy: intake.referredBy,
    competentAuthority,
    openedAt,
    deadlines: [...deadlines],
    timeline: [...timeline],
  });
  const moveTo = (next: PathwayStage, nextDeadline: string | null): void => {
    stage = next;
    upsertSearchAttributes({
      [SearchAttributes.stage.name]: [next],
      [SearchAttributes.nextDeadline.name]: nextDeadline === null ? [] : [new Date(nextDeadline)],
    });
  };

  setHandler(getCaseState, view);
  // The update applies the decision to the state at once (so its answer shows the new stage); the main
  // body below turns the new state into events and timers.
  setHandler(
    decideIdentification,
    (command) => {
      const decidedAt = iso(Date.now());
      decision = { ...command, decidedAt };
      timeline.push({
        at: decidedAt,
        what: `identification decided by ${command.decidedBy}: ${command.identified}`,
      });
      if (!command.identified) {
        moveTo('not-identified', null);
        return view();
      }
      // R4: the reflection period starts with the identification decision and lasts 30 days.
      const endsAt = iso(reflectionPeriodEnd(Date.now()));
      deadlines.push({ kind: 'reflection-period-end', dueAt: endsAt, ruleId: 'R4', startedAt: decidedAt });
      moveTo('reflection-period', endsAt);
      return view();
    },
    {
      validator: (command: DecideIdentification) => {
        if (stage !== 'awaiting-identification') refuse('NOT_IN_STAGE', 'identification is already decided');
        // R1: only the authority competent for this case's status may decide.
        if (command.decidedBy !== competentAuthority) {
          refuse('WRONG_AUTHORITY', `${competentAuthority} decides identification in this case`);
        }
      },
    },
  );

  upsertSearchAttributes({ [SearchAttributes.responsibleAgency.name]: [competentAuthority] });
  await publishAgencyEvent({
    caseRef,
    key: 'case-opened',
    type: 'dk.pathway.case.opened.v1',
    time: openedAt,
    data: { caseRef, referredBy: intake.referredBy, competentAuthority, openedAt },
  });

  await condition(() => decision !== undefined);
  const decided = decision;
  if (decided === undefined) throw new Error('unreachable: identification decision missing');
  await publishAgencyEvent({
    caseRef,
    key: 'identification-decided',
    type: 'dk.pathway.identification.decided.v1',
    time: decided.decidedAt,
    data: {
      caseRef,
      identified: decided.identified,
      decidedBy: decided.decidedBy,
      decidedAt: decided.decidedAt,
    },
  });
  const reflection = deadlines.at(0);
  if (reflection === undefined) return view();

  await publishAgencyEvent({
    caseRef,
    key: 'reflection-period-started',
    type: 'dk.pathway.reflection-period.started.v1',
    time: decided.decidedAt,
    data: { caseRef, startsAt: decided.decidedAt, endsAt: reflection.dueAt, ruleId: 'R4' },
  });
  const remaining = Date.parse(reflection.dueAt) - Date.now();
  if (remaining > 0) await sleep(remaining);
  // The period ends at its deadline, whatever the latency of the timer that noticed it.
  const endedAt = reflection.dueAt;
  timeline.push({ at: endedAt, what: 'reflection period ended' });
  // R10: without another basis for stay the person must leave Denmark when the period ends.
  moveTo('departure-required', null);
  await publishAgencyEvent({
    caseRef,
    key: 'reflection-period-ended',
    type: 'dk.pathway.reflection-period.ended.v1',
    time: endedAt,
    data: { caseRef, endedAt, ruleId: 'R10' },
  });
  return view();
}
