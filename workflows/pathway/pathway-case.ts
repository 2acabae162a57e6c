import { patched, workflowInfo } from '@temporalio/workflow';
import {
  OPENING_AT_TOLERANCE_MS,
  accessChangedEventRequest,
  caseViewOf,
  grantorOf,
  grantsImpliedBy,
  pathwayEventRequest,
  reminderEventRequest,
  timelineEntryOf,
  type AccessChangedData,
  type CaseView,
  type TimelineEntry,
  type UnversionedCaseView,
  type VictimPathwayInput,
} from '../../libs/contracts/src/workflow.js';
import {
  DENMARK_POLICIES,
  act,
  fire,
  initialState,
  instant,
  pendingActions,
  policyByVersion,
  recipientsOf,
  selectPolicy,
  staleRemindersAfter,
  type Acted,
  type AgencyId,
  type Actor,
  type Applied,
  type Instant,
  type PathwayCommand,
  type PathwayState,
  type Policy,
  type ScheduledAction,
} from '../../libs/domain/src/index.js';
import { AccessGrants } from './access-grants.js';

/** The patch that announces access changes on the audit stream (issue 14: the read model's scope). */
export const ACCESS_CHANGE_EVENTS = 'access-change-events';
import { Outbox } from './outbox.js';
import { ViewVersion } from './view-version.js';
import { CaseVisibility } from './visibility.js';

const TIMELINE_KEPT = 200;

/**
 * One case as the workflow holds it: the domain's state under the case's own policy, the events' sequence
 * and timeline, the timers already taken, the outbox and the access grants. Every change goes through the
 * domain's runtime (`act`, `fire`, `pendingActions`); this class only records what it decided — events
 * queued for their recipients, grants the events imply, search attributes — and wakes the loop.
 */
export class PathwayCase {
  state: PathwayState;
  readonly policy: Policy;
  readonly outbox: Outbox;
  readonly grants: AccessGrants;
  private eventSeq: number;
  private accessSeq: number;
  private readonly taken: Set<string>;
  private readonly timeline: TimelineEntry[];
  private readonly visibility = new CaseVisibility();
  private readonly version: ViewVersion;
  /** The referral's instant while the case opens (ADR 0024); workflow time after. */
  private openingAt: Instant | undefined;

  constructor(
    private readonly input: VictimPathwayInput,
    private readonly changed: () => void,
  ) {
    const carried = input.carried;
    this.state = carried?.state ?? initialState();
    this.eventSeq = carried?.eventSeq ?? 0;
    this.accessSeq = carried?.accessSeq ?? 0;
    this.taken = new Set(carried?.firedActionIds ?? []);
    this.timeline = [...(carried?.timeline ?? [])];
    this.openingAt = carried === undefined ? openingInstant(input) : undefined;
    this.version =
      carried === undefined && input.opened !== undefined
        ? ViewVersion.openedAs(input.opened.digest)
        : new ViewVersion(carried?.viewVersion ?? 0);
    this.outbox = new Outbox(carried ?? {}, changed);
    // The initial grants are stamped with the case's own start time (workflow time, like every later one).
    this.grants = new AccessGrants(
      carried?.access ?? (input.access ?? []).map((grant) => ({ ...grant, at: this.now() })),
    );
    // Open cases keep the policy they started under; a new case takes the one in force today (R4/R5).
    this.policy =
      this.state.stage === 'not-started'
        ? selectPolicy(DENMARK_POLICIES, this.now())
        : policyByVersion(DENMARK_POLICIES, this.state.policyVersion);
  }

  get caseRef(): string {
    return this.input.caseRef;
  }

  now(): Instant {
    return this.openingAt ?? instant(Date.now());
  }

  /** The case is open: from now on it runs on workflow time. */
  opened(): void {
    this.openingAt = undefined;
  }

  /** Decides `command` now, without applying it (an Update's validator). */
  decide(command: PathwayCommand): Acted {
    return act(this.state, command, this.now(), this.policy);
  }

  /**
   * Records what the domain decided; `actor` is who acted (the command's `by`; `system` for a timer). The
   * events are published in the trace of `traceparent` (the act's request), or in a trace of their own.
   */
  commit(applied: Applied, actor: Actor, traceparent?: string): void {
    const before = this.state;
    for (const { event, state } of applied.applied) {
      this.state = state;
      this.eventSeq += 1;
      const request = pathwayEventRequest(
        this.caseRef,
        this.eventSeq,
        event,
        recipientsOf(event, state, this.policy),
      );
      this.outbox.push(traceparent ? { ...request, traceparent } : request);
      this.timeline.push(timelineEntryOf(this.eventSeq, event, actor));
      const implied = grantsImpliedBy(event);
      // R18: the municipality DIS names can open the case it must offer an integration plan in.
      if (implied.length > 0 && patched('grants-implied-by-events')) {
        const grantor = grantorOf(event, this.policy);
        for (const grant of implied) {
          if (this.grants.add(grant, grantor, this.now()))
            this.announceAccess('implied', grantor, traceparent);
        }
      }
    }
    if (this.timeline.length > TIMELINE_KEPT) this.timeline.splice(0, this.timeline.length - TIMELINE_KEPT);
    // A held deadline that resumes after its reminders' moment does not send them late.
    if (this.state.stage !== 'not-started' && patched('skip-stale-reminders')) {
      for (const id of staleRemindersAfter(before, this.state, this.now(), this.policy)) this.taken.add(id);
    }
    this.changed();
    this.visibility.update(this.state, this.policy);
  }

  /**
   * Tells the audit stream who may see the case now (the read model's scope, issue 14): the whole list of
   * grants, numbered in the case and queued in order with its events. Cases running code from before this
   * (their histories) do not announce, so they replay as they ran.
   */
  announceAccess(change: AccessChangedData['change'], by: AgencyId, traceparent?: string): void {
    if (!patched(ACCESS_CHANGE_EVENTS)) return;
    this.accessSeq += 1;
    const request = accessChangedEventRequest(
      this.caseRef,
      this.accessSeq,
      change,
      by,
      this.now(),
      this.grants.list(),
    );
    this.outbox.push(traceparent ? { ...request, traceparent } : request);
  }

  /** The schedule's actions not yet taken, earliest first. */
  pending(): readonly ScheduledAction[] {
    return pendingActions(this.state, this.policy, this.taken);
  }

  /** A timer went off: remind, or tell the domain the deadline was reached and record what it decides. */
  fire(action: ScheduledAction): void {
    this.taken.add(action.id);
    const fired = fire(this.state, action, this.policy);
    if (fired.kind === 'reminder') {
      this.outbox.push(reminderEventRequest(this.caseRef, fired.action, this.state, this.policy));
    } else if (fired.decision.ok) {
      this.commit(fired, 'system');
    } else {
      this.changed(); // e.g. the deadline moved meanwhile: nothing to do, the schedule is recomputed
    }
  }

  /** The search attributes and details of a case carried into a new run (nothing changed in it). */
  showVisibility(): void {
    this.visibility.update(this.state, this.policy);
  }

  /**
   * Numbers the view if it changed since the last stamp and, with `publish`, names the number in `PathwayViewVersion`
   * (ADR 0023). Called by workflow code after each change and before an Update answers with the view; never
   * in a query.
   */
  stamp(publish = false): void {
    this.version.stamp(this.unversioned(), publish);
  }

  view(): CaseView {
    const { caseRef, ...rest } = this.unversioned();
    const version = this.version.value;
    return { caseRef, ...(version > 0 ? { version } : {}), ...rest };
  }

  private unversioned(): UnversionedCaseView {
    return caseViewOf({
      caseRef: this.caseRef,
      state: this.state,
      policy: this.policy,
      taken: this.taken,
      timeline: this.timeline,
      access: this.grants.list(),
      undeliverable: this.outbox.undeliverable,
    });
  }

  /** What continues into the next run (besides the idempotency keys and the retired stage clocks). */
  carried(): Omit<
    NonNullable<VictimPathwayInput['carried']>,
    'clocks' | 'clockRuns' | 'appliedUpdateIds' | 'idempotencyKeys'
  > {
    return {
      state: this.state,
      firedActionIds: [...this.taken],
      eventSeq: this.eventSeq,
      ...(this.accessSeq > 0 ? { accessSeq: this.accessSeq } : {}),
      ...(this.version.value > 0 ? { viewVersion: this.version.value } : {}),
      ...this.outbox.carried(),
      timeline: [...this.timeline],
      access: this.grants.list(),
    };
  }
}

/**
 * The instant a new case opens at (ADR 0024): the one its gateway decided the referral at, so that the view
 * the gateway answered with is the case's own; never later than now nor long before the start (else
 * workflow time, and the gateway's copy of the view is not the case's).
 */
function openingInstant(input: VictimPathwayInput): Instant | undefined {
  if (input.opened === undefined) return undefined;
  const at = Date.parse(input.opened.at);
  const started = workflowInfo().startTime.getTime();
  return at <= Date.now() && at >= started - OPENING_AT_TOLERANCE_MS ? instant(at) : undefined;
}
