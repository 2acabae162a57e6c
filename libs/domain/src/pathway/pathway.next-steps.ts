import type { AgencyId } from '../agency.js';
import { assertNever } from '../assert-never.js';
import { calendarOf } from '../calendar.js';
import type { Deadline } from '../deadline.js';
import type { DeadlineKind, Policy } from '../policy/policy.types.js';
import { afterPeriod, afterPresenceEnds, type Next } from '../rules/return.rules.js';
import { isAtOrAfter, type Instant } from '../time.js';
import { scheduleFor, type ReminderAction } from './pathway.schedule.js';
import type { CaseState, PathwayState } from '../model/pathway.state.js';

/** How an agency is named in a sentence. */
export const AGENCY_NAMES: { readonly [A in AgencyId]: string } = {
  cmm: 'CMM',
  police: 'the police',
  prosecution: 'the prosecution',
  dis: 'DIS',
  siri: 'SIRI',
  court: 'the court',
  ngo: 'the NGO',
  shelter: 'the shelter',
  iom: 'IOM',
  drc: 'DRC',
  'return-agency': 'the Return Agency',
  'red-cross': 'the Red Cross',
  municipality: 'the municipality',
  guardian: 'the guardian',
};

const names = (agencies: readonly AgencyId[]): string => {
  const named = agencies.map((a) => AGENCY_NAMES[a]);
  return named.length <= 1 ? (named[0] ?? '') : `${named.slice(0, -1).join(', ')} and ${named.at(-1) ?? ''}`;
};

/** What happens next for one running deadline, as data and in words. */
export interface NextStep {
  readonly deadlineId: string;
  readonly deadlineKind: DeadlineKind;
  readonly rule: string;
  readonly responsible: AgencyId;
  readonly dueAt: Instant;
  /** The reminders before it: when, to whom, whether that moment has passed, and why one was moved. */
  readonly reminders: readonly {
    readonly at: Instant;
    readonly to: readonly AgencyId[];
    readonly past: boolean;
    readonly movedBecause?: string;
  }[];
  /** What happens when it is due, in words. */
  readonly atDeadline: string;
  /** For a deadline that escalates: to whom and when (after any grace). */
  readonly escalation?: { readonly at: Instant; readonly to: readonly AgencyId[] };
  /** The whole in one paragraph, for a caseworker. */
  readonly text: string;
}

function nextInWords(next: Next): string {
  if (next.kind === 'close')
    return `the case closes: the person stays on their own legal grounds (${next.rule})`;
  switch (next.to) {
    case 'avr-return':
      return `the assisted voluntary return planned with IOM begins (${next.rule})`;
    case 'departure-required':
      return `the person must leave Denmark (${next.rule})`;
    default:
      return `the pathway moves to ${next.to} (${next.rule})`;
  }
}

function atDeadlineOf(state: CaseState, deadline: Deadline, policy: Policy): string {
  const avr = state.avr.cooperationConfirmedAt !== undefined;
  const kind = deadline.kind;
  switch (kind) {
    case 'reflection-period-end':
    case 'restitution-period-end':
      return `the ${kind === 'reflection-period-end' ? 'reflection' : 'restitution'} period ends and ${nextInWords(afterPeriod(state.facts.hasLegalStay, avr))}; an extension must be requested before then (R6)`;
    case 'extension-decision':
      return `${AGENCY_NAMES[deadline.responsible]} must have decided the extension request; the period end is held until it does`;
    case 'permit-expiry':
      return `the permit expires unless a renewal was applied for, and ${nextInWords(afterPresenceEnds(state.facts.hasLegalStay, avr))}`;
    case 'permit-renewal-decision':
      return `${AGENCY_NAMES[deadline.responsible]} must have decided the renewal; the permit runs on until it does`;
    case 'guardian-appointment':
      return `${AGENCY_NAMES[policy.children.guardianAppointedBy]} must have appointed the child's guardian (R17)`;
    case 'check-in':
      return `${AGENCY_NAMES[deadline.responsible]} must have recorded this month's check-in (R14)`;
    case 'monitoring-end':
      return 'six months of monitoring after arrival end and the case closes; no long-term assistance follows (R16)';
    case 'departure-follow-up':
      return `${AGENCY_NAMES[deadline.responsible]} should have recorded the person's departure (R10)`;
    case 'return-follow-up':
      return `${AGENCY_NAMES[deadline.responsible]} should have carried out the assisted return (R19)`;
    default:
      return assertNever(kind);
  }
}

/**
 * For each running deadline: who is reminded when, what happens at the deadline, and who is told (and
 * when) if an expected act is missing. `now` only says which reminders lie in the past.
 */
export function nextSteps(state: PathwayState, policy: Policy, now: Instant): readonly NextStep[] {
  if (state.stage === 'not-started' || state.stage === 'closed') return [];
  const calendar = calendarOf(policy);
  const when = (at: Instant): string => calendar.longDate(at, true);
  const schedule = scheduleFor(state, policy);
  return schedule.deadlines.map((deadline) => {
    const reminders = schedule.actions
      .filter((a): a is ReminderAction => a.kind === 'reminder' && a.deadlineId === deadline.id)
      .map((r) => ({
        at: r.at,
        to: r.to,
        past: isAtOrAfter(now, r.at),
        ...(r.movedBecause !== undefined ? { movedBecause: r.movedBecause } : {}),
      }));
    const due = schedule.actions.find((a) => a.kind !== 'reminder' && a.deadlineId === deadline.id);
    const escalation =
      due !== undefined && due.kind === 'escalation' ? { at: due.at, to: due.escalateTo } : undefined;
    const atDeadline = atDeadlineOf(state, deadline, policy);
    const sentences = [
      `${AGENCY_NAMES[deadline.responsible]} must act by ${when(deadline.dueAt)} (${deadline.rule}).`,
      ...reminders.map(
        (r) =>
          `${names(r.to)} ${r.past ? 'was' : 'will be'} reminded on ${when(r.at)}${r.movedBecause !== undefined ? ` (moved: ${r.movedBecause})` : ''}.`,
      ),
      `On ${when(deadline.dueAt)} ${atDeadline}.`,
      ...(escalation === undefined
        ? []
        : [
            `If it is missed, ${names(escalation.to)} ${escalation.to.length > 1 ? 'are' : 'is'} told on ${when(escalation.at)}.`,
          ]),
    ];
    return {
      deadlineId: deadline.id,
      deadlineKind: deadline.kind,
      rule: deadline.rule,
      responsible: deadline.responsible,
      dueAt: deadline.dueAt,
      reminders,
      atDeadline,
      ...(escalation ? { escalation } : {}),
      text: sentences.join(' '),
    };
  });
}
