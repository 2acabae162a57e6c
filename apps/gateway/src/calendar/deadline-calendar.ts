import ical, { ICalAlarmType, ICalCalendarMethod } from 'ical-generator';
import type { Role } from '../../../../libs/contracts/src/index.js';
import {
  DENMARK_POLICIES,
  policyByVersion,
  reminderTiming,
  toEpochMs,
  type Deadline,
  type DeadlineKind,
  type Instant,
  type Policy,
} from '../../../../libs/domain/src/index.js';

/** One row of "my deadlines": the case (by its pseudonymous reference only), its stage, the deadline. */
export interface CalendarDeadline {
  readonly caseRef: string;
  readonly stage: string;
  readonly deadline: Deadline;
}

/** A deadline kind in words (the SUMMARY of its event). */
export const DEADLINE_KIND_WORDS: { readonly [K in DeadlineKind]: string } = {
  'guardian-appointment': 'Guardian to be appointed',
  'reflection-period-end': 'Reflection period ends',
  'restitution-period-end': 'Restitution period ends',
  'extension-decision': 'Extension to be decided',
  'permit-expiry': 'Residence permit expires',
  'permit-renewal-decision': 'Permit renewal to be decided',
  'check-in': 'Check-in due',
  'monitoring-end': 'Monitoring ends',
  'departure-follow-up': 'Departure follow-up due',
  'return-follow-up': 'Return follow-up due',
};

/** A reminder of a deadline: when it goes out, and why it moved off its planned day (a day off). */
export interface FeedReminder {
  readonly at: Instant;
  readonly daysBefore: number;
  readonly movedBecause?: string;
}

/**
 * The reminders of a deadline, as the case's workflow sends them: the policy's reminder leads for its kind
 * (`policy.reminders`), each moved off a day off by `reminderTiming` — the same function the schedule uses.
 * None for a policy version this deployment does not know.
 */
export function remindersOf(
  deadline: Deadline,
  policies: readonly Policy[] = DENMARK_POLICIES,
): readonly FeedReminder[] {
  let policy: Policy;
  try {
    policy = policyByVersion(policies, deadline.explanation.policyVersion);
  } catch {
    return [];
  }
  return (policy.reminders[deadline.kind] ?? []).flatMap((daysBefore) => {
    const timing = reminderTiming(deadline.dueAt, daysBefore, deadline.explanation.startsAt, policy);
    return timing === undefined
      ? []
      : [
          {
            at: timing.at,
            daysBefore,
            ...(timing.movedBecause === undefined ? {} : { movedBecause: timing.movedBecause }),
          },
        ];
  });
}

export interface CalendarOptions {
  /** The gateway's role: the feed is that role's "my deadlines". */
  readonly role: Role;
  /** The console's origin: each event links to `<origin>/cases/<caseRef>`. */
  readonly origin: string;
  /** Now: reminders already past are left out (a calendar would only show them as missed). */
  readonly now: Date;
}

/** The stable UID of a deadline's event: its id within the case and the case ref. */
export const eventUid = (entry: CalendarDeadline): string =>
  `${entry.deadline.id}.${entry.caseRef}@victim-pathway`;

/** The DESCRIPTION of a deadline's event: why it falls when it does, and under which rules. */
export function eventDescription(entry: CalendarDeadline, reminders: readonly FeedReminder[]): string {
  const { deadline } = entry;
  const { explanation } = deadline;
  return [
    explanation.summary,
    '',
    `Rule: ${deadline.rule}${explanation.rules.length > 1 ? ` (rules: ${explanation.rules.join(', ')})` : ''}; policy ${explanation.policyVersion}.`,
    `Responsible: ${deadline.responsible}. When due: ${deadline.onDue === 'expire' ? 'it expires and the pathway moves on' : 'a missing act is escalated'}.`,
    `Due ${explanation.dueDate} (${explanation.timeZone}). Case ${entry.caseRef}, stage ${entry.stage}.`,
    ...reminders.map(
      (r) =>
        `Reminder ${r.daysBefore} days before${r.movedBecause === undefined ? '' : `: ${r.movedBecause}`}.`,
    ),
  ].join('\n');
}

/**
 * "My deadlines" as an iCalendar (RFC 5545) document: one VEVENT per deadline — UID from the deadline and
 * its case, DTSTART its due instant (UTC), SUMMARY the case ref and the kind in words, DESCRIPTION its
 * explanation and rules, URL the case's page in the console — with a VALARM (DISPLAY) at each reminder still
 * to come. Case refs, codes and instants only: never a person's name (ADR 0020; calendar servers copy feeds).
 */
export function renderDeadlineCalendar(
  entries: readonly CalendarDeadline[],
  options: CalendarOptions,
): string {
  const calendar = ical({
    prodId: { company: 'victim-pathway', product: 'deadlines', language: 'EN' },
    name: `Deadlines (${options.role})`,
    description: `Running deadlines of the ${options.role} role's cases, by case ref (no personal data).`,
    method: ICalCalendarMethod.PUBLISH,
    // Calendar clients that honour it read the feed again within the hour.
    ttl: 60 * 60,
  });
  for (const entry of entries) {
    const { deadline } = entry;
    const reminders = remindersOf(deadline);
    calendar.createEvent({
      id: eventUid(entry),
      // A later due instant (an extension, a renewal) is a new version of the same event.
      sequence: deadline.explanation.extensions.length,
      stamp: options.now,
      start: new Date(toEpochMs(deadline.dueAt)),
      summary: `${entry.caseRef}: ${DEADLINE_KIND_WORDS[deadline.kind]}`,
      description: eventDescription(entry, reminders),
      url: `${options.origin}/cases/${encodeURIComponent(entry.caseRef)}`,
      alarms: reminders
        .filter((r) => toEpochMs(r.at) > options.now.getTime())
        .map((r) => ({
          type: ICalAlarmType.display,
          trigger: new Date(toEpochMs(r.at)),
          description: `${entry.caseRef}: ${DEADLINE_KIND_WORDS[deadline.kind]} in ${r.daysBefore} days`,
        })),
    });
  }
  return calendar.toString();
}
