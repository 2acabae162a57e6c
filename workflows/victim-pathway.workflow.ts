import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  AGENCY_COMMAND_TYPES,
  actUpdate,
  activeTraceparent,
  getCaseQuery,
  grantAccessUpdate,
  idempotencyRecordQuery,
  openedViewUpdate,
  revokeAccessUpdate,
  type ActArgs,
  type ActEnvelope,
  type ActResult,
  type AgencyCommand,
  type AgencyCommandType,
  type CaseView,
  type VictimPathwayInput,
} from '../libs/contracts/src/workflow.js';
import { isActor, isAgencyId, toEpochMs, type PathwayCommand } from '../libs/domain/src/index.js';
import { IdempotencyKeys } from './pathway/idempotency-keys.js';
import { LegacyStageClocks } from './pathway/legacy-stage-clocks.js';
import { PathwayCase } from './pathway/pathway-case.js';
import { refuse, refuseAsDecided } from './pathway/refusals.js';
import { WakeUp } from './pathway/wake-up.js';

// The query and Updates are defined once, in libs/contracts, for the workflow and the gateway alike.
export { actUpdate, getCaseQuery as getCase, grantAccessUpdate, revokeAccessUpdate };

/** Keep a history well below Temporal's limits; the state is carried into a fresh run. */
const CONTINUE_AS_NEW_AFTER_EVENTS = 4_000;
/** ADR 0011: every timer is the case's own; stage clocks (child workflows) run only for older cases. */
const STAGE_TIMERS_IN_PARENT = 'stage-timers-in-parent';

/**
 * One presumed victim's pathway, from referral to closure (workflow id = the pseudonymous case ref).
 *
 * The workflow interprets; `libs/domain` decides. Agency acts arrive as Updates: the validator asks the
 * domain and refuses with its code (nothing changes); the handler records the events it decided. The timers
 * are the domain's schedule: reminders before each deadline and, at each deadline, the domain's decision
 * of what its passing means. Every event leaves through the outbox, in order, to the agencies the domain
 * names. The loop below sleeps until the next timer or until the case changes (`WakeUp`).
 */
export async function victimPathwayWorkflow(input: VictimPathwayInput): Promise<CaseView> {
  const wake = new WakeUp();
  const pathway = new PathwayCase(input, () => {
    wake.notify();
  });
  const keys = new IdempotencyKeys(input.carried, input.idempotency);
  const clocks = new LegacyStageClocks(input.caseRef, input.carried, () => {
    wake.notify();
  });
  let timersInParent = false;

  // Open the case before any handler is set: an act delivered with the first task must find it open.
  if (pathway.state.stage === 'not-started') {
    const opened = pathway.decide({ type: 'referCase', caseRef: input.caseRef, ...input.referral });
    if (!opened.decision.ok) {
      const { code, reason } = opened.decision;
      throw ApplicationFailure.create({ type: code, message: reason, nonRetryable: true });
    }
    pathway.commit(opened, input.referral.by, activeTraceparent());
    // Who may see the new case: the referring organisation's grant (and any given at intake).
    if (isAgencyId(input.referral.by)) {
      pathway.announceAccess('opened', input.referral.by, activeTraceparent());
    }
  } else {
    pathway.showVisibility();
  }
  // ADR 0024: a case its gateway opened with the view it built keeps number 1 (named at its start) when its
  // own opening's view is that one; another view takes 2, named at once, so the gateway's copy is never read.
  pathway.stamp(input.opened !== undefined);
  pathway.opened();
  setHandler(getCaseQuery, () => pathway.view(), {
    description: 'The case: stage, running deadlines with their explanations, timeline, access grants.',
  });
  setHandler(openedViewUpdate, () => pathway.view(), {
    description: 'The case as opened, answered with its start (update-with-start); changes nothing.',
  });
  setHandler(idempotencyRecordQuery, (key) => keys.get(key) ?? null, {
    description: 'The request an Idempotency-Key (digest) was first used for, if this case took it.',
  });
  for (const type of AGENCY_COMMAND_TYPES) handleAct(type, pathway, keys);
  pathway.grants.handle({
    isClosed: () => pathway.state.stage === 'closed',
    now: () => pathway.now(),
    view: () => {
      pathway.stamp();
      return pathway.view();
    },
    announce: (change, by) => {
      pathway.announceAccess(change, by, activeTraceparent());
    },
  });

  const flush = () => pathway.outbox.flush(() => pathway.now());
  for (;;) {
    // ADR 0023: an act's change is numbered by its handler and named in `PathwayViewVersion` once its events are out
    // (before the loop sleeps again); a timer's is named at once.
    await flush();
    for (const actionId of clocks.takeDue()) {
      const action = pathway.pending().find((a) => a.id === actionId);
      if (action) pathway.fire(action);
      pathway.stamp(true);
    }
    await flush();
    timersInParent ||= patched(STAGE_TIMERS_IN_PARENT);
    if (timersInParent) await clocks.retire();
    else await clocks.sync(pathway.state.stage, pathway.pending());
    if (pathway.state.stage === 'closed') break;
    const limit = input.continueAsNewAfterEvents ?? CONTINUE_AS_NEW_AFTER_EVENTS;
    if (workflowInfo().historyLength > limit || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await flush();
      return continueAsNew<typeof victimPathwayWorkflow>({
        caseRef: input.caseRef,
        referral: input.referral,
        ...(input.continueAsNewAfterEvents !== undefined
          ? { continueAsNewAfterEvents: input.continueAsNewAfterEvents }
          : {}),
        carried: { ...pathway.carried(), ...clocks.carried(), ...keys.carried() },
      });
    }
    const next = pathway
      .pending()
      .find((action) => timersInParent || !clocks.owns(action, pathway.state.stage));
    pathway.stamp(true);
    const due = await wake.sleep(next && toEpochMs(next.at), () => pathway.outbox.size > 0).then((w) => !w);
    if (due && next) {
      pathway.fire(next);
      pathway.stamp(true);
    }
  }
  await condition(allHandlersFinished);
  await flush();
  pathway.stamp(true);
  return pathway.view();
}

/**
 * An agency act as an Update: the validator asks the domain (a refusal rejects the Update with the domain's
 * code and nothing is written to history); the handler records what the domain decided. A request repeated
 * under its Idempotency-Key has one effect and gets the first answer (marked with the first request's id).
 */
function handleAct(type: AgencyCommandType, pathway: PathwayCase, keys: IdempotencyKeys): void {
  type T = typeof type;
  const command = ({ idempotency: _key, ...args }: ActArgs<T> & ActEnvelope): PathwayCommand =>
    ({ ...args, type }) as AgencyCommand;
  setHandler(
    actUpdate(type),
    (args): ActResult => {
      if (keys.isLegacyReplay()) return pathway.view();
      const held = keys.held(args);
      // The same request again (after a continue-as-new): one effect, answered as a replay of the first.
      if (held) return { ...pathway.view(), receipt: { requestId: held.requestId } };
      const acted = pathway.decide(command(args));
      if (!acted.decision.ok) refuseAsDecided(acted.decision);
      pathway.commit(acted, args.by, activeTraceparent());
      if (args.idempotency) keys.remember(args.idempotency);
      pathway.stamp();
      return {
        ...pathway.view(),
        ...(args.idempotency ? { receipt: { requestId: args.idempotency.requestId } } : {}),
      };
    },
    {
      description: `The agency act ${type}: decided by the pathway's rules, refused with their code.`,
      validator: (args: ActArgs<T> & ActEnvelope) => {
        if (keys.isLegacyReplay()) return; // a retried request: answered with the current state, applied once
        if (typeof args !== 'object' || !isActor((args as { by?: unknown }).by)) {
          refuse('INVALID_COMMAND', 'an act names who performs it (by)');
        }
        const held = keys.held(args);
        if (held) {
          if (held.fingerprint !== args.idempotency?.fingerprint) {
            refuse(
              'IDEMPOTENCY_KEY_REUSED',
              'This Idempotency-Key was already used for another request; a new request needs a new key.',
            );
          }
          return;
        }
        const { decision } = pathway.decide(command(args));
        if (!decision.ok) refuseAsDecided(decision);
      },
    },
  );
}
