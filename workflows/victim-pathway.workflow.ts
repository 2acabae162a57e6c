import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  log,
  ParentClosePolicy,
  patched,
  condition,
  continueAsNew,
  currentUpdateInfo,
  getExternalWorkflowHandle,
  startChild,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  AGENCY_COMMAND_TYPES,
  NON_RETRYABLE_ERRORS,
  SearchAttributeKeys,
  actUpdate,
  getCaseQuery,
  grantAccessUpdate,
  idempotencyRecordQuery,
  revokeAccessUpdate,
  grantKey,
  grantsImpliedBy,
  pathwayEventRequest,
  reminderEventRequest,
  type ActArgs,
  type ActEnvelope,
  type AgencyCommand,
  type AccessChangeArgs,
  type AccessGrant,
  type AgencyEventRequest,
  type CaseView,
  type IdempotencyRecord,
  type RecordedAccessGrant,
  type RefusalDetails,
  type PathwayActivities,
  type TimelineEntry,
  type UndeliverableEvent,
  type VictimPathwayInput,
} from '../libs/contracts/src/index.js';
import {
  DENMARK_POLICIES,
  currentDeadlines,
  decide,
  evolve,
  initialState,
  instant,
  isActor,
  isAgencyId,
  policyByVersion,
  recipientsOf,
  scheduleFor,
  staleReminders,
  selectPolicy,
  toEpochMs,
  type Actor,
  type AgencyId,
  type Decision,
  type DeadlineKind,
  type PathwayCommand,
  type PathwayEvent,
  type PathwayState,
  type Policy,
  type Refusal,
  type ScheduledAction,
} from '../libs/domain/src/index.js';

import {
  clockRescheduled,
  clockStopped,
  clockTimerDue,
  reintegrationMonitoringWorkflow,
  residencePermitWorkflow,
  type ClockTimer,
} from './pathway-clock.workflow.js';

const { publishAgencyEvent } = proxyActivities<PathwayActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERRORS],
  },
});

// The query and Updates are defined once, in libs/contracts, for the workflow and the gateway alike.
export { actUpdate, getCaseQuery as getCase, grantAccessUpdate, revokeAccessUpdate };

/**
 * Stages whose clock has a life of its own run it in a child workflow (ADR 0004): the child holds the
 * stage's timers and signals when each is due; this workflow still owns the state and asks the domain.
 */
const STAGE_CLOCKS = [
  {
    workflow: residencePermitWorkflow,
    name: 'residence-permit',
    stage: 'permit',
    kinds: ['permit-expiry', 'permit-renewal-decision'] as readonly DeadlineKind[],
  },
  {
    workflow: reintegrationMonitoringWorkflow,
    name: 'reintegration-monitoring',
    stage: 'monitoring',
    kinds: ['check-in', 'monitoring-end'] as readonly DeadlineKind[],
  },
] as const;

/** Keep a history well below Temporal's limits; the state is carried into a fresh run. */
const CONTINUE_AS_NEW_AFTER_EVENTS = 4_000;
const TIMELINE_KEPT = 200;
const IDEMPOTENCY_KEYS_KEPT = 500;

/** An Update validator's refusal: the failure type is the domain's stable code, mapped to HTTP by the gateway. */
function refuse(code: string, reason: string): never {
  throw ApplicationFailure.create({ type: code, message: reason, nonRetryable: true });
}

/** The domain's refusal, with its rule and machine-readable details (e.g. the cap and the days left). */
function refuseAsDecided(refusal: Refusal): never {
  const details: RefusalDetails = {
    ...(refusal.rule !== undefined ? { rule: refusal.rule } : {}),
    ...(refusal.details !== undefined ? { details: refusal.details } : {}),
  };
  throw ApplicationFailure.create({
    type: refusal.code,
    message: refusal.reason,
    nonRetryable: true,
    details: [details],
  });
}

/**
 * One presumed victim's pathway, from referral to closure (workflow id = the pseudonymous case ref).
 *
 * The workflow interprets; `libs/domain` decides. Agency acts arrive as Updates: the validator asks
 * `decide` and refuses with the domain's code (nothing changes); the handler applies the events. The timers
 * are the domain's schedule (`scheduleFor`): reminders before each deadline, and at each deadline the
 * domain's `recordDeadlineReached` (a period ends, a permit expires, a missed check-in escalates). Every
 * event leaves through `publishAgencyEvent`, in order, to the agencies `recipientsOf` names.
 */
export async function victimPathwayWorkflow(input: VictimPathwayInput): Promise<CaseView> {
  const { caseRef } = input;
  const now = () => instant(Date.now());
  let state: PathwayState = input.carried?.state ?? initialState();
  let eventSeq = input.carried?.eventSeq ?? 0;
  const fired = new Set(input.carried?.firedActionIds ?? []);
  const outbox: AgencyEventRequest[] = [...(input.carried?.outbox ?? [])];
  const timeline: TimelineEntry[] = [...(input.carried?.timeline ?? [])];
  let changes = 0;
  // Idempotency-Keys taken by this case, each bound to the request it was first used for (kept across
  // continue-as-new: Temporal deduplicates Update ids within one run only).
  const idempotencyKeys = new Map<string, IdempotencyRecord>(
    [...(input.carried?.idempotencyKeys ?? []), ...(input.idempotency ? [input.idempotency] : [])].map(
      (record) => [record.key, record],
    ),
  );
  const rememberKey = (record: IdempotencyRecord): void => {
    idempotencyKeys.set(record.key, record);
    for (const key of idempotencyKeys.keys()) {
      if (idempotencyKeys.size <= IDEMPOTENCY_KEYS_KEPT) break;
      idempotencyKeys.delete(key);
    }
  };
  // Cases opened before keys were bound used the raw key as the Update id: still honoured for them.
  const legacyUpdateIds: readonly string[] = input.carried?.appliedUpdateIds ?? [];
  const legacyReplay = (): boolean => {
    const id = currentUpdateInfo()?.id;
    return id !== undefined && legacyUpdateIds.includes(id);
  };
  const dueFromClocks: string[] = [];
  // Running stage clocks: child workflow id and the timetable last sent to it.
  const clocks = new Map<string, { workflowId: string; sent: string }>(
    Object.entries(input.carried?.clocks ?? {}),
  );
  // How many times each stage clock has been started in this case (a stage can be entered again).
  const clockRuns = new Map<string, number>(Object.entries(input.carried?.clockRuns ?? {}));
  let lastAttributes = '';
  // Who may see the case besides the national roles (NGO assigned, police unit, IOM mission, guardian).
  // The initial grants are stamped with the case's own start time (workflow time, like every later grant).
  const grants: RecordedAccessGrant[] = [
    ...(input.carried?.access ?? (input.access ?? []).map((grant) => ({ ...grant, at: now() }))),
  ];
  const upsertGrants = (): void => {
    upsertSearchAttributes([{ key: SearchAttributeKeys.accessGrants, value: grants.map(grantKey) }]);
  };
  /** Adds a grant unless the case holds it already, and mirrors the grants into the search attribute. */
  const addGrant = (grant: AccessGrant, by: AgencyId): void => {
    if (grants.some((g) => grantKey(g) === grantKey(grant))) return;
    grants.push({ role: grant.role, party: grant.party, by, at: now() });
    upsertGrants();
  };
  // Events the publisher refused for good (contract violations), kept visible for operators.
  const undeliverable: UndeliverableEvent[] = [...(input.carried?.undeliverable ?? [])];

  // Open cases keep the policy they started under; a new case takes the one in force today (R4/R5 history).
  const policy: Policy =
    state.stage === 'not-started'
      ? selectPolicy(DENMARK_POLICIES, now())
      : policyByVersion(DENMARK_POLICIES, state.policyVersion);

  /** Applies the events of one decision; `actor` is who acted (the command's `by`; `system` for a timer). */
  const apply = (events: readonly PathwayEvent[], actor: Actor): void => {
    const before = schedule();
    for (const event of events) {
      state = evolve(state, event);
      eventSeq += 1;
      outbox.push(pathwayEventRequest(caseRef, eventSeq, event, recipientsOf(event, state, policy)));
      const by = 'by' in event ? event.by : actor;
      const via = 'via' in event ? event.via : undefined;
      timeline.push({ seq: eventSeq, at: event.at, type: event.type, by, ...(via ? { via } : {}) });
      const implied = grantsImpliedBy(event);
      // R18: the municipality DIS names can open the case it must offer an integration plan in.
      if (implied.length > 0 && patched('grants-implied-by-events')) {
        const by = 'by' in event && isAgencyId(event.by) ? event.by : policy.coordinator;
        for (const grant of implied) addGrant(grant, by);
      }
    }
    if (timeline.length > TIMELINE_KEPT) timeline.splice(0, timeline.length - TIMELINE_KEPT);
    // A held deadline that resumes after its reminders' moment does not send them late.
    const after = schedule();
    if (after !== undefined && patched('skip-stale-reminders')) {
      for (const id of staleReminders(before, after, now())) fired.add(id);
    }
    changes += 1;
    updateSearchAttributes();
  };

  const decideNow = (command: PathwayCommand): Decision => decide(command, state, now(), policy);

  const schedule = () => (state.stage === 'not-started' ? undefined : scheduleFor(state, policy));
  /** The clock that owns an action's timer now, if its stage is running. */
  const clockOf = (action: ScheduledAction) =>
    STAGE_CLOCKS.find((c) => c.stage === state.stage && c.kinds.includes(action.deadlineKind));
  const pendingActions = (): ScheduledAction[] => schedule()?.actions.filter((a) => !fired.has(a.id)) ?? [];
  const nextAction = (): ScheduledAction | undefined =>
    pendingActions().find((a) => clockOf(a) === undefined);
  const nextOfAll = (): ScheduledAction | undefined => pendingActions()[0];

  const view = (): CaseView => {
    const next = nextOfAll();
    return {
      caseRef,
      stage: state.stage,
      ...(state.stage !== 'not-started' ? { policyVersion: state.policyVersion } : {}),
      deadlines: state.stage === 'not-started' ? [] : currentDeadlines(state, policy),
      ...(next ? { next: { at: next.at, kind: next.kind, deadlineId: next.deadlineId } } : {}),
      timeline: [...timeline],
      ...(state.stage !== 'not-started' && state.closed ? { closed: state.closed } : {}),
      state,
      access: [...grants],
      ...(undeliverable.length > 0 ? { undeliverable: [...undeliverable] } : {}),
    };
  };

  function updateSearchAttributes(): void {
    if (state.stage === 'not-started') return;
    const deadlines = currentDeadlines(state, policy);
    const first = [...deadlines].sort((a, b) => toEpochMs(a.dueAt) - toEpochMs(b.dueAt))[0];
    const attributes = [
      { key: SearchAttributeKeys.stage, value: state.stage },
      { key: SearchAttributeKeys.responsibleAgency, value: first ? first.responsible : null },
      { key: SearchAttributeKeys.nextDeadline, value: first ? new Date(first.dueAt) : null },
    ];
    const key = JSON.stringify(attributes);
    if (key === lastAttributes) return;
    lastAttributes = key;
    upsertSearchAttributes(attributes);
  }

  // Open the case before any handler is set: an act delivered with the first task must find it open.
  if (state.stage === 'not-started') {
    const opened = decideNow({ type: 'referCase', caseRef, ...input.referral });
    if (!opened.ok) {
      throw ApplicationFailure.create({ type: opened.code, message: opened.reason, nonRetryable: true });
    }
    apply(opened.events, input.referral.by);
  } else {
    updateSearchAttributes();
  }

  setHandler(getCaseQuery, view);
  setHandler(idempotencyRecordQuery, (key) => idempotencyKeys.get(key) ?? null);
  setHandler(clockTimerDue, ({ actionId }) => {
    dueFromClocks.push(actionId);
    changes += 1;
  });
  for (const type of AGENCY_COMMAND_TYPES) {
    const command = ({ idempotency: _key, ...args }: ActArgs<typeof type> & ActEnvelope): PathwayCommand =>
      ({ ...args, type }) as AgencyCommand;
    /** The record of this request's key when the key was taken before (by this request or another). */
    const heldKey = (args: ActEnvelope): IdempotencyRecord | undefined =>
      args.idempotency === undefined ? undefined : idempotencyKeys.get(args.idempotency.key);
    setHandler(
      actUpdate(type),
      (args) => {
        if (legacyReplay()) return view();
        const held = heldKey(args);
        // The same request again (after a continue-as-new): one effect, answered as a replay of the first.
        if (held) return { ...view(), receipt: { requestId: held.requestId } };
        const decision = decideNow(command(args));
        if (!decision.ok) refuseAsDecided(decision);
        apply(decision.events, args.by);
        if (args.idempotency) rememberKey(args.idempotency);
        return {
          ...view(),
          ...(args.idempotency ? { receipt: { requestId: args.idempotency.requestId } } : {}),
        };
      },
      {
        validator: (args: ActArgs<typeof type> & ActEnvelope) => {
          if (legacyReplay()) return; // a retried request: answered with the current state, applied once
          if (typeof args !== 'object' || !isActor((args as { by?: unknown }).by)) {
            refuse('INVALID_COMMAND', 'an act names who performs it (by)');
          }
          const held = heldKey(args);
          if (held) {
            if (held.fingerprint !== args.idempotency?.fingerprint) {
              refuse(
                'IDEMPOTENCY_KEY_REUSED',
                'This Idempotency-Key was already used for another request; a new request needs a new key.',
              );
            }
            return;
          }
          const decision = decideNow(command(args));
          if (!decision.ok) refuseAsDecided(decision);
        },
      },
    );
  }

  // Access grants change who may see the case, not the pathway: no domain event, no schedule change. The
  // gateway sets the initial grant as a search attribute at start; these keep it current.
  const findGrant = (args: AccessChangeArgs) => grants.findIndex((g) => grantKey(g) === grantKey(args.grant));
  const validateAccessChange = (args: AccessChangeArgs): void => {
    if (typeof args !== 'object' || !isAgencyId(args.by) || typeof args.grant !== 'object') {
      refuse('INVALID_COMMAND', 'an access change names who makes it (by) and the grant');
    }
    if (state.stage === 'closed') refuse('CASE_CLOSED', 'the case is closed');
  };
  setHandler(
    grantAccessUpdate,
    (args) => {
      addGrant(args.grant, args.by);
      return view();
    },
    { validator: validateAccessChange },
  );
  setHandler(
    revokeAccessUpdate,
    (args) => {
      const index = findGrant(args);
      if (index >= 0) {
        grants.splice(index, 1);
        upsertGrants();
      }
      return view();
    },
    {
      validator: (args: AccessChangeArgs) => {
        validateAccessChange(args);
        if (findGrant(args) < 0) refuse('GRANT_NOT_FOUND', 'the case holds no such grant');
      },
    },
  );

  /**
   * Sends queued events in order; an act arriving meanwhile appends to the same queue. Broker trouble is
   * retried by the activity for as long as it lasts. An event the activity refuses for good (it breaks its
   * contract: a bug, not an outage) is set aside and named in the case view, and the case goes on: one bad
   * event must not stop a person's deadlines.
   */
  const flush = async (): Promise<void> => {
    while (outbox.length > 0) {
      const request = outbox[0];
      if (request === undefined) break;
      try {
        await publishAgencyEvent(request);
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        undeliverable.push({ key: request.key, type: request.type, at: now() });
        log.error('event set aside: its publication failed for good', {
          key: request.key,
          type: request.type,
        });
      }
      outbox.shift();
    }
  };

  /** A timer went off: remind, or tell the domain the deadline was reached and apply what it decides. */
  const fire = (action: ScheduledAction): void => {
    fired.add(action.id);
    if (action.kind === 'reminder') {
      outbox.push(reminderEventRequest(caseRef, action, state, policy));
      changes += 1;
      return;
    }
    // The deadline passed at its due instant, whatever the latency of the timer that noticed it.
    const decision = decide(action.command, state, action.at, policy);
    if (decision.ok) apply(decision.events, 'system');
    else changes += 1; // e.g. the deadline moved meanwhile: nothing to do, the schedule is recomputed
  };

  /** Starts, reschedules or stops the stage clocks so that they hold exactly the timers they own. */
  const syncClocks = async (): Promise<void> => {
    for (const clock of STAGE_CLOCKS) {
      const running = clocks.get(clock.name);
      if (state.stage !== clock.stage) {
        if (running) {
          clocks.delete(clock.name);
          await getExternalWorkflowHandle(running.workflowId).signal(clockStopped);
        }
        continue;
      }
      const timers: ClockTimer[] = pendingActions()
        .filter((a) => clockOf(a) === clock)
        .map((a) => ({ id: a.id, at: a.at }));
      const key = JSON.stringify(timers);
      if (running === undefined) {
        const run = (clockRuns.get(clock.name) ?? 0) + 1;
        clockRuns.set(clock.name, run);
        const workflowId = `${caseRef}/${clock.name}/${run}`;
        await startChild(clock.workflow, {
          workflowId,
          args: [{ caseRef, timers }],
          // The case closes the clock itself; a clock must survive the parent continuing as new.
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
        clocks.set(clock.name, { workflowId, sent: key });
      } else if (running.sent !== key) {
        running.sent = key;
        await getExternalWorkflowHandle(running.workflowId).signal(clockRescheduled, timers);
      }
    }
  };

  for (;;) {
    await flush();
    for (const actionId of dueFromClocks.splice(0)) {
      const action = pendingActions().find((a) => a.id === actionId);
      if (action) fire(action);
    }
    await flush();
    await syncClocks();
    if (state.stage === 'closed') break;
    const limit = input.continueAsNewAfterEvents ?? CONTINUE_AS_NEW_AFTER_EVENTS;
    if (workflowInfo().historyLength > limit || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await flush();
      return continueAsNew<typeof victimPathwayWorkflow>({
        caseRef,
        referral: input.referral,
        ...(input.continueAsNewAfterEvents !== undefined
          ? { continueAsNewAfterEvents: input.continueAsNewAfterEvents }
          : {}),
        carried: {
          state,
          firedActionIds: [...fired],
          eventSeq,
          outbox,
          timeline,
          clocks: Object.fromEntries(clocks),
          clockRuns: Object.fromEntries(clockRuns),
          ...(legacyUpdateIds.length > 0 ? { appliedUpdateIds: legacyUpdateIds } : {}),
          idempotencyKeys: [...idempotencyKeys.values()],
          access: grants,
          undeliverable,
        },
      });
    }
    const seen = changes;
    const next = nextAction();
    if (next === undefined) {
      await condition(() => changes !== seen || outbox.length > 0);
      continue;
    }
    const wait = Math.max(1, toEpochMs(next.at) - Date.now());
    const woken = await condition(() => changes !== seen || outbox.length > 0, wait);
    if (!woken) fire(next);
  }
  await condition(allHandlersFinished);
  await flush();
  return view();
}
