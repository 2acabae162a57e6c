import type { AgencyId } from '../agency.js';
import { explanation, type AppliedExtension, type Deadline } from '../deadline.js';
import { PolicyError } from '../policy/policy.errors.js';
import { PERIOD_KINDS, type DeadlineKind, type Policy } from '../policy/policy.types.js';
import type { RuleId } from '../rule-ids.js';
import {
  escalationGraceDays,
  escalationTargets,
  guardianDueAt,
  isTreatedAsChild,
} from '../rules/children.rules.js';
import { extensionDecider, latestPossibleEnd } from '../rules/periods.rules.js';
import { checkInWindowOpensAt } from '../rules/return.rules.js';
import { calendarOf } from '../calendar.js';
import { days, isBefore, maxInstant, months, toEpochMs, type Instant } from '../time.js';
import type { RecordDeadlineReached } from '../model/pathway.commands.js';
import type {
  CaseState,
  MonitoringState,
  PathwayState,
  PeriodClock,
  PermitState,
} from '../model/pathway.state.js';

/** A reminder to the responsible agency, `daysBefore` the deadline. */
export interface ReminderAction {
  readonly kind: 'reminder';
  /** Deterministic id; it changes when the deadline moves, so a moved deadline is reminded again. */
  readonly id: string;
  readonly at: Instant;
  readonly deadlineId: string;
  readonly deadlineKind: DeadlineKind;
  readonly rule: RuleId;
  readonly to: readonly AgencyId[];
  readonly daysBefore: number;
  /** When the reminder was planned, if it was moved off a day off (weekend or public holiday). */
  readonly plannedAt?: Instant;
  /** Why it was moved, in words (the legal deadline never moves). */
  readonly movedBecause?: string;
}

/**
 * What must happen when a deadline is due: `expiry` (the pathway moves on) or `escalation` (an expected act
 * is missing). At `at`, the workflow sends `command` to `decide` and acts on the resulting events.
 */
export interface DueAction {
  readonly kind: 'expiry' | 'escalation';
  readonly id: string;
  readonly at: Instant;
  readonly deadlineId: string;
  readonly deadlineKind: DeadlineKind;
  readonly rule: RuleId;
  /** Who will be told that the deadline was missed (empty for an expiry). */
  readonly escalateTo: readonly AgencyId[];
  readonly command: RecordDeadlineReached;
}

export type ScheduledAction = ReminderAction | DueAction;

/** The current deadlines with their explanations, and every timer the workflow should hold for them. */
export interface Schedule {
  readonly deadlines: readonly Deadline[];
  /** Sorted by `at`. Actions in the past are included; the caller skips those it has already run. */
  readonly actions: readonly ScheduledAction[];
}

/**
 * Every agency a deadline of this schedule can name as responsible under `policy` (the range of
 * `Deadline.responsible` below): who a reminder or an escalation can be about. Kept beside the deadlines it
 * describes; a property test checks every deadline of every walk against it.
 */
export function deadlineResponsibles(policy: Policy): readonly AgencyId[] {
  const followUps = Object.values(policy.followUps ?? {}).map((followUp) => followUp.responsible);
  return [
    ...new Set([
      policy.coordinator,
      policy.children.guardianAppointedBy,
      ...PERIOD_KINDS.map((kind) => extensionDecider(kind, policy)),
      policy.permit.decidedBy,
      ...policy.permit.applicants,
      policy.avr.reintegrationOperator,
      ...followUps,
    ]),
  ];
}

/**
 * The deadlines running now, each with its explanation. Closed and not-started pathways have none. While an
 * asylum claim is pending (R18) only the guardian deadline runs: the person may stay meanwhile.
 */
export function currentDeadlines(state: PathwayState, policy: Policy): readonly Deadline[] {
  if (state.stage === 'not-started' || state.stage === 'closed') return [];
  assertCasePolicy(state, policy);
  const deadlines: Deadline[] = [];
  const guardian = guardianDeadline(state, policy);
  if (guardian !== undefined) deadlines.push(guardian);
  if ((state.stage === 'reflection-period' || state.stage === 'restitution-period') && state.period) {
    deadlines.push(...periodDeadlines(state, state.period, policy));
  }
  if (state.stage === 'permit') deadlines.push(...permitDeadlines(state, state.permit, policy));
  if (state.stage === 'monitoring' && state.monitoring) {
    deadlines.push(...monitoringDeadlines(state, state.monitoring, policy));
  }
  const followUp = followUpDeadline(state, policy);
  if (followUp !== undefined) deadlines.push(followUp);
  return deadlines.filter(
    (d) => d.onDue === 'expire' || !state.escalated.includes(d.id) || escalatesAgain(d.kind, policy),
  );
}

/** Kinds whose missing act holds the case: they escalate again on the policy's cadence (when it has one). */
const HOLDING_KINDS: readonly DeadlineKind[] = [
  'extension-decision',
  'permit-renewal-decision',
  'departure-follow-up',
  'return-follow-up',
];

function escalatesAgain(kind: DeadlineKind, policy: Policy): boolean {
  return policy.escalation.repeatEveryDays !== undefined && HOLDING_KINDS.includes(kind);
}

/** The deadlines and the reminders, expiries and escalations to schedule for them. */
export function scheduleFor(state: PathwayState, policy: Policy): Schedule {
  const deadlines = currentDeadlines(state, policy);
  if (state.stage === 'not-started' || state.stage === 'closed') return { deadlines, actions: [] };
  const actions: ScheduledAction[] = [];
  for (const deadline of deadlines) {
    for (const daysBefore of policy.reminders[deadline.kind] ?? []) {
      const timing = reminderTiming(deadline.dueAt, daysBefore, deadline.explanation.startsAt, policy);
      if (timing === undefined) continue;
      actions.push({
        kind: 'reminder',
        id: `${deadline.id}/reminder-${daysBefore}d@${deadline.dueAt}`,
        ...timing,
        deadlineId: deadline.id,
        deadlineKind: deadline.kind,
        rule: deadline.rule,
        to: reminded(state, deadline),
        daysBefore,
      });
    }
    actions.push(dueAction(state, deadline, policy));
  }
  actions.sort((a, b) => toEpochMs(a.at) - toEpochMs(b.at) || a.id.localeCompare(b.id));
  return { deadlines, actions };
}

/**
 * When a reminder `daysBefore` a deadline goes out: that many local days before it, unless that is a day
 * off (a weekend or public holiday), then at the start of office hours on the previous working day — never
 * before the deadline started (undefined when even the planned day is before it). The deadline never moves.
 */
export function reminderTiming(
  dueAt: Instant,
  daysBefore: number,
  startsAt: Instant,
  policy: Policy,
): Pick<ReminderAction, 'at' | 'plannedAt' | 'movedBecause'> | undefined {
  const calendar = calendarOf(policy);
  const planned = calendar.addDays(dueAt, -daysBefore);
  if (isBefore(planned, startsAt)) return undefined;
  const dayOff = calendar.dayOff(planned);
  if (dayOff === undefined) return { at: planned };
  const at = maxInstant(calendar.previousWorkingDayStart(planned), startsAt);
  const why = dayOff.weekend ? 'a weekend day' : `a public holiday (${dayOff.name})`;
  return {
    at,
    plannedAt: planned,
    movedBecause: `${calendar.longDate(planned, true)} is ${why}: sent on the previous working day, ${calendar.longDate(at, true)}, when offices open`,
  };
}

/**
 * Reminders a change of the schedule brought in with a moment already past: a held deadline resumed after
 * its reminders' time (an extension or asylum refused late). They are not sent — a reminder is for acting in
 * time, and that time is gone; the deadline's own due action still follows.
 */
export function staleReminders(previous: Schedule | undefined, next: Schedule, now: Instant): string[] {
  const known = new Set(previous?.actions.map((a) => a.id) ?? []);
  return next.actions
    .filter((a) => a.kind === 'reminder' && !known.has(a.id) && isBefore(a.at, now))
    .map((a) => a.id);
}

/** The due action of one deadline (expiry at the due date; escalation after any grace, R17). */
export function dueAction(state: CaseState, deadline: Deadline, policy: Policy): DueAction {
  const command: RecordDeadlineReached = {
    type: 'recordDeadlineReached',
    by: 'system',
    deadlineId: deadline.id,
  };
  const base = {
    id: `${deadline.id}/due@${deadline.dueAt}`,
    deadlineId: deadline.id,
    deadlineKind: deadline.kind,
    rule: deadline.rule,
    command,
  };
  if (deadline.onDue === 'expire') {
    return { ...base, kind: 'expiry', at: expiryAt(state, deadline, policy), escalateTo: [] };
  }
  const child = isTreatedAsChild(state.facts.age);
  // A holding act still missing after its escalation escalates again every `repeatEveryDays`.
  const done = state.escalated.filter((id) => id === deadline.id).length;
  const again =
    done > 0 && escalatesAgain(deadline.kind, policy) ? done * (policy.escalation.repeatEveryDays ?? 0) : 0;
  return {
    ...base,
    ...(done > 0 ? { id: `${base.id}#${done + 1}` } : {}),
    kind: 'escalation',
    at: calendarOf(policy).addDays(deadline.dueAt, escalationGraceDays(deadline.kind, child, policy) + again),
    escalateTo: escalationTargets(child, state.child.guardianAppointedAt !== undefined, policy),
  };
}

/**
 * Who is reminded of a deadline: the agency that must act, and for a child with a guardian the guardian
 * too (R17), as escalations already do.
 */
function reminded(state: CaseState, deadline: Deadline): readonly AgencyId[] {
  const guardian = isTreatedAsChild(state.facts.age) && state.child.guardianAppointedAt !== undefined;
  return guardian && deadline.responsible !== 'guardian'
    ? [deadline.responsible, 'guardian']
    : [deadline.responsible];
}

/**
 * When an expiry takes effect: at its due instant; but with check-in windows (R14 per policy), monitoring
 * ends only once the grace of a check-in still outstanding has passed, so that the last check-in (due when
 * monitoring ends) gets the same grace as the others before it is escalated.
 */
function expiryAt(state: CaseState, deadline: Deadline, policy: Policy): Instant {
  if (deadline.kind !== 'monitoring-end' || policy.avr.checkInWindowDaysBefore === undefined)
    return deadline.dueAt;
  const outstanding = currentDeadlines(state, policy).filter((d) => d.kind === 'check-in');
  return outstanding.reduce((at, d) => maxInstant(at, dueAction(state, d, policy).at), deadline.dueAt);
}

export function assertCasePolicy(state: CaseState, policy: Policy): void {
  if (state.policyVersion !== policy.version) {
    throw new PolicyError(
      'POLICY_MISMATCH',
      `the case runs under policy ${state.policyVersion}, not ${policy.version}`,
    );
  }
}

// R10/R19 (policy `followUps`): a stage without a clock of its own still has to end: the departure of a
// person who must leave, or the assisted return, is due within the policy's days of entering the stage.
function followUpDeadline(state: CaseState, policy: Policy): Deadline | undefined {
  const stage = state.stage;
  if (stage !== 'departure-required' && stage !== 'avr-return') return undefined;
  const followUp = policy.followUps?.[stage];
  if (followUp === undefined) return undefined;
  const since = state.stageSince ?? state.openedAt;
  const dueAt = calendarOf(policy).addDays(since, followUp.days);
  const kind: DeadlineKind = stage === 'departure-required' ? 'departure-follow-up' : 'return-follow-up';
  const rule: RuleId = stage === 'departure-required' ? 'R10' : 'R19';
  return {
    id: kind,
    kind,
    rule,
    dueAt,
    responsible: followUp.responsible,
    onDue: 'escalate',
    explanation: explanation(calendarOf(policy), {
      deadlineId: kind,
      kind,
      rule,
      rules: [rule],
      policyVersion: policy.version,
      startsAt: since,
      base: days(followUp.days),
      baseEndsAt: dueAt,
      extensions: [],
      dueAt,
    }),
  };
}

// R17: while treated as a child without a guardian, the appointment is due within the policy's days.
function guardianDeadline(state: CaseState, policy: Policy): Deadline | undefined {
  const since = state.child.treatedAsChildSince;
  if (!isTreatedAsChild(state.facts.age) || since === undefined) return undefined;
  if (state.child.guardianAppointedAt !== undefined) return undefined;
  const dueAt = guardianDueAt(since, policy);
  const id = 'guardian-appointment';
  return {
    id,
    kind: 'guardian-appointment',
    rule: 'R17',
    dueAt,
    responsible: policy.children.guardianAppointedBy,
    onDue: 'escalate',
    explanation: explanation(calendarOf(policy), {
      deadlineId: id,
      kind: 'guardian-appointment',
      rule: 'R17',
      rules: ['R17'],
      policyVersion: policy.version,
      startsAt: since,
      base: days(policy.children.guardianAppointmentDays),
      baseEndsAt: dueAt,
      extensions: [],
      dueAt,
    }),
  };
}

// R4/R7: the period ends at its (extended) end. R5: extensions are listed with the cap. R6: while a timely
// extension request is pending, the end is held and DIS's decision is due by then instead.
function periodDeadlines(state: CaseState, period: PeriodClock, policy: Policy): Deadline[] {
  const periodRule: RuleId = period.kind === 'reflection' ? 'R4' : 'R7';
  const endKind: DeadlineKind =
    period.kind === 'reflection' ? 'reflection-period-end' : 'restitution-period-end';
  const extensions: AppliedExtension[] = period.extensions.map((e) => ({
    duration: days(e.days),
    rule: 'R5',
    ground: e.ground,
    decidedBy: e.decidedBy,
    decidedAt: e.decidedAt,
    endsAt: e.endsAt,
  }));
  const pending = period.pending;
  const id = pending === undefined ? endKind : `extension-decision:${pending.requestNo}`;
  const kind: DeadlineKind = pending === undefined ? endKind : 'extension-decision';
  const rule: RuleId = pending === undefined ? periodRule : 'R6';
  const rules: RuleId[] = pending === undefined ? [periodRule, 'R5', 'R6'] : ['R6', periodRule, 'R5'];
  return [
    {
      id,
      kind,
      rule,
      dueAt: period.endsAt,
      // R6: the CMM contact person helps the victim request an extension in time; DIS decides it.
      responsible: pending === undefined ? policy.coordinator : extensionDecider(period.kind, policy),
      onDue: pending === undefined ? 'expire' : 'escalate',
      explanation: explanation(calendarOf(policy), {
        deadlineId: id,
        kind,
        rule,
        rules,
        policyVersion: state.policyVersion,
        startsAt: period.startsAt,
        base: days(period.baseDays),
        baseEndsAt: calendarOf(policy).addDays(period.startsAt, period.baseDays),
        extensions,
        limit: { rule: 'R5', capDays: period.capDays, latestEndsAt: latestPossibleEnd(period, policy) },
        dueAt: period.endsAt,
      }),
    },
  ];
}

// R12: the current term expires unless police/prosecution applied for renewal; then DIS's decision is due.
function permitDeadlines(state: CaseState, permit: PermitState, policy: Policy): Deadline[] {
  const first = permit.terms[0];
  const current = permit.terms[permit.terms.length - 1];
  if (first === undefined || current === undefined || permit.endedAt !== undefined) return [];
  const renewalPending = permit.pending?.renewal === true;
  const kind: DeadlineKind = renewalPending ? 'permit-renewal-decision' : 'permit-expiry';
  const id = `${kind}:${current.termNo}`;
  return [
    {
      id,
      kind,
      rule: 'R12',
      dueAt: current.endsAt,
      // R11/R12: the agency that applied for the current term applies for its renewal.
      responsible: renewalPending
        ? policy.permit.decidedBy
        : (current.appliedBy ?? firstOf(policy.permit.applicants)),
      onDue: renewalPending ? 'escalate' : 'expire',
      explanation: explanation(calendarOf(policy), {
        deadlineId: id,
        kind,
        rule: 'R12',
        rules: ['R12', 'R11'],
        policyVersion: state.policyVersion,
        startsAt: first.startsAt,
        base: months(policy.permit.termMonths),
        baseEndsAt: first.endsAt,
        extensions: permit.terms.slice(1).map((t) => ({
          duration: months(policy.permit.termMonths),
          rule: 'R12',
          ground: 'renewal on police/prosecution application',
          decidedBy: t.grantedBy,
          decidedAt: t.grantedAt,
          endsAt: t.endsAt,
        })),
        dueAt: current.endsAt,
      }),
    },
  ];
}

// R14: each check-in slot not yet met is due at its date; monitoring ends six months after arrival (R16).
function monitoringDeadlines(state: CaseState, monitoring: MonitoringState, policy: Policy): Deadline[] {
  const operator = policy.avr.reintegrationOperator;
  const met = new Set(monitoring.checkIns.map((c) => c.slot));
  const cadence = policy.avr.checkInEvery;
  const deadlines: Deadline[] = [];
  monitoring.checkInsDueAt.forEach((dueAt, index) => {
    const slot = index + 1;
    if (met.has(slot)) return;
    const id = `check-in:${slot}`;
    const opensAt =
      policy.avr.checkInWindowDaysBefore === undefined
        ? undefined
        : checkInWindowOpensAt(monitoring, slot, policy);
    deadlines.push({
      id,
      kind: 'check-in',
      rule: 'R14',
      dueAt,
      responsible: operator,
      onDue: 'escalate',
      explanation: explanation(calendarOf(policy), {
        deadlineId: id,
        kind: 'check-in',
        rule: 'R14',
        rules: ['R14'],
        policyVersion: state.policyVersion,
        startsAt: monitoring.arrivedAt,
        base: { amount: cadence.amount * slot, unit: cadence.unit },
        baseEndsAt: dueAt,
        extensions: [],
        ...(opensAt === undefined ? {} : { window: { opensAt } }),
        dueAt,
      }),
    });
  });
  const id = 'monitoring-end';
  deadlines.push({
    id,
    kind: 'monitoring-end',
    rule: 'R14',
    dueAt: monitoring.endsAt,
    responsible: operator,
    onDue: 'expire',
    explanation: explanation(calendarOf(policy), {
      deadlineId: id,
      kind: 'monitoring-end',
      rule: 'R14',
      rules: ['R14', 'R16'],
      policyVersion: state.policyVersion,
      startsAt: monitoring.arrivedAt,
      base: months(policy.avr.monitoringMonths),
      baseEndsAt: monitoring.endsAt,
      extensions: [],
      dueAt: monitoring.endsAt,
    }),
  });
  return deadlines;
}

function firstOf(agencies: readonly AgencyId[]): AgencyId {
  const [first] = agencies;
  if (first === undefined) throw new PolicyError('POLICY_INVALID', 'expected at least one agency');
  return first;
}
