import type { AgencyId } from './agency.js';
import type { DeadlineKind } from './policy/policy.types.js';
import type { RuleId } from './rule-ids.js';
import type { Calendar } from './calendar.js';
import { formatDuration, type Duration, type Instant } from './time.js';

/** What a deadline's passing means (see `Deadline.onDue`). */
export const ON_DUE = ['expire', 'escalate'] as const;
export type OnDue = (typeof ON_DUE)[number];

/**
 * A date by which something must happen, with the agency responsible for acting and the explanation of how
 * the date was reached. Every deadline the domain produces carries its explanation.
 */
export interface Deadline {
  /** Stable id within the case, e.g. `reflection-period-end`, `permit-expiry:2`, `check-in:3`. */
  readonly id: string;
  readonly kind: DeadlineKind;
  readonly rule: RuleId;
  readonly dueAt: Instant;
  /** Who must act before `dueAt` (and receives the reminders). */
  readonly responsible: AgencyId;
  /**
   * What its passing means: `expire` moves the pathway on (a period ends, a permit expires, monitoring
   * ends); `escalate` means an expected act is missing and is reported (escalated) to others.
   */
  readonly onDue: OnDue;
  readonly explanation: DeadlineExplanation;
}

/** One extension or renewal applied on top of the base duration. */
export interface AppliedExtension {
  readonly duration: Duration;
  readonly rule: RuleId;
  /** Why it was granted, e.g. `avr-cooperation`, `special-reasons`, `renewal on police application`. */
  readonly ground: string;
  readonly decidedBy: AgencyId;
  readonly decidedAt: Instant;
  /** The end date once this extension is applied. */
  readonly endsAt: Instant;
}

/** Why a deadline falls when it does: rule, start, base duration, extensions, policy version, result. */
export interface DeadlineExplanation {
  readonly deadlineId: string;
  readonly kind: DeadlineKind;
  readonly rule: RuleId;
  /** All rules that shaped the date (the primary rule first). */
  readonly rules: readonly RuleId[];
  readonly policyVersion: string;
  readonly startsAt: Instant;
  readonly base: Duration;
  readonly baseEndsAt: Instant;
  readonly extensions: readonly AppliedExtension[];
  /** A cap that bounds further extensions (R5), when there is one. */
  readonly limit?: { readonly rule: RuleId; readonly capDays: number; readonly latestEndsAt: Instant };
  /** For a check-in (R14): from when a check-in counts for this slot. */
  readonly window?: { readonly opensAt: Instant };
  readonly dueAt: Instant;
  /** The zone the dates are counted in (`Europe/Copenhagen`; `UTC` for cases under older policies). */
  readonly timeZone: string;
  /** The local date of `dueAt` in that zone, e.g. `2027-09-01`. */
  readonly dueDate: string;
  /** The same in one sentence, for caseworkers and audit. Contains no personal data. */
  readonly summary: string;
}

/** The explanation of a deadline (rule id, start, base, extensions, policy version, resulting date). */
export function explain(deadline: Deadline): DeadlineExplanation {
  return deadline.explanation;
}

/**
 * Builds an explanation and its one-line summary, with the due date as a person in the jurisdiction reads it
 * (`due 1 September 2027 (Europe/Copenhagen)`) beside the instant.
 */
export function explanation(
  calendar: Calendar,
  fields: Omit<DeadlineExplanation, 'summary' | 'timeZone' | 'dueDate'>,
): DeadlineExplanation {
  const parts = [
    `${fields.kind} (${fields.rules.join(', ')}) under policy ${fields.policyVersion}:`,
    `${formatDuration(fields.base)} from ${fields.startsAt} = ${fields.baseEndsAt}`,
    ...fields.extensions.map(
      (e) =>
        `+ ${formatDuration(e.duration)} (${e.rule}, ${e.ground}, decided by ${e.decidedBy} at ${e.decidedAt}) = ${e.endsAt}`,
    ),
  ];
  const limit =
    fields.limit === undefined
      ? ''
      : `; cap ${fields.limit.capDays} days in total (${fields.limit.rule}), latest possible end ${fields.limit.latestEndsAt}`;
  const window =
    fields.window === undefined ? '' : `; a check-in counts from ${calendar.longDate(fields.window.opensAt)}`;
  const due = `due ${calendar.longDate(fields.dueAt)} (${calendar.timeZone}, ${fields.dueAt})${window}`;
  return {
    ...fields,
    timeZone: calendar.timeZone,
    dueDate: calendar.localDate(fields.dueAt),
    summary: `${parts.join(' ')}; ${due}${limit}`,
  };
}
