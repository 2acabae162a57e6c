import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import {
  DENMARK_2013_REVISED,
  instant,
  reminderTiming,
  type Deadline,
} from '../../../../libs/domain/src/index.js';
import { feedSecretDigest, newFeedSecret } from './calendar-feed.store.js';
import { feedUrl } from './calendar-feed.service.js';
import { eventUid, remindersOf, renderDeadlineCalendar, type CalendarDeadline } from './deadline-calendar.js';

/** A reflection period ending on Tuesday 2027-03-09 at midnight in Copenhagen, under dk-2013.2. */
function reflectionEnd(dueAt: string, startsAt = '2027-01-29T23:00:00.000Z'): Deadline {
  return {
    id: 'reflection-period-end',
    kind: 'reflection-period-end',
    rule: 'R4',
    dueAt: instant(dueAt),
    responsible: 'cmm',
    onDue: 'expire',
    explanation: {
      deadlineId: 'reflection-period-end',
      kind: 'reflection-period-end',
      rule: 'R4',
      rules: ['R4', 'R5'],
      policyVersion: DENMARK_2013_REVISED.version,
      startsAt: instant(startsAt),
      base: { amount: 30, unit: 'days' },
      baseEndsAt: instant(dueAt),
      extensions: [],
      dueAt: instant(dueAt),
      timeZone: 'Europe/Copenhagen',
      dueDate: '2027-03-09',
      summary: 'The reflection period (R4) started 30 January 2027 and ends after 30 days.',
    },
  };
}

const parse = (text: string) =>
  new ICAL.Component(ICAL.parse(text) as unknown[]).getAllSubcomponents('vevent').map((vevent) => ({
    vevent,
    event: new ICAL.Event(vevent),
    alarms: vevent.getAllSubcomponents('valarm'),
  }));

describe('the deadline calendar (iCalendar feed)', () => {
  const now = new Date('2027-02-01T12:00:00.000Z');
  const entry: CalendarDeadline = {
    caseRef: 'PW-7K2M9Q4X1D3F',
    stage: 'reflection-period',
    deadline: reflectionEnd('2027-03-08T23:00:00.000Z'),
  };

  it('is one VEVENT per deadline with a stable UID, the due instant, the case ref and kind, the explanation and the case page', () => {
    const other: CalendarDeadline = { ...entry, caseRef: 'PW-AAAAAAAAAAAA' };
    const text = renderDeadlineCalendar([entry, other], { role: 'cmm', origin: 'https://gw.example', now });
    const events = parse(text);
    expect(events).toHaveLength(2);
    const [first] = events;
    expect(first?.event.uid).toBe(eventUid(entry));
    expect(first?.event.uid).toBe('reflection-period-end.PW-7K2M9Q4X1D3F@victim-pathway');
    expect(first?.event.startDate.toJSDate().toISOString()).toBe('2027-03-08T23:00:00.000Z');
    expect(first?.event.summary).toBe('PW-7K2M9Q4X1D3F: Reflection period ends');
    expect(first?.event.description).toContain(entry.deadline.explanation.summary);
    expect(first?.event.description).toContain('Rule: R4 (rules: R4, R5); policy dk-2013.2.');
    expect(first?.vevent.getFirstPropertyValue('url')).toBe('https://gw.example/cases/PW-7K2M9Q4X1D3F');
    expect(events[1]?.event.uid).toBe('reflection-period-end.PW-AAAAAAAAAAAA@victim-pathway');
    expect(text).toMatch(/^BEGIN:VCALENDAR\r\n/);
  });

  it('has a DISPLAY alarm at each reminder the workflow sends: the policy’s leads, moved off days off', () => {
    const reminders = remindersOf(entry.deadline);
    // dk-2013.2 reminds of a period's end 10 and 3 days before; 3 days before Tuesday 9 March is a Saturday.
    expect(reminders.map((r) => r.daysBefore)).toEqual([10, 3]);
    for (const reminder of reminders) {
      expect(reminder.at).toBe(
        reminderTiming(
          entry.deadline.dueAt,
          reminder.daysBefore,
          entry.deadline.explanation.startsAt,
          DENMARK_2013_REVISED,
        )?.at,
      );
    }
    expect(reminders[1]?.movedBecause).toMatch(/weekend/);
    const [event] = parse(renderDeadlineCalendar([entry], { role: 'cmm', origin: 'http://x', now }));
    const triggers = (event?.alarms ?? []).map((alarm) => {
      expect(alarm.getFirstPropertyValue('action')).toBe('DISPLAY');
      return (alarm.getFirstPropertyValue('trigger') as ICAL.Time).toJSDate().toISOString();
    });
    expect(triggers).toEqual(reminders.map((r) => new Date(r.at).toISOString()));
  });

  it('leaves out reminders already past, and has none under a policy version it does not know', () => {
    const later = new Date('2027-03-03T12:00:00.000Z'); // after the 10-day reminder, before the 3-day one
    const [event] = parse(renderDeadlineCalendar([entry], { role: 'cmm', origin: 'http://x', now: later }));
    expect(event?.alarms).toHaveLength(1);
    const unknown = {
      ...entry.deadline,
      explanation: { ...entry.deadline.explanation, policyVersion: 'xx-0' },
    };
    expect(remindersOf(unknown)).toEqual([]);
  });

  it('is an empty but valid calendar when there is no deadline', () => {
    const text = renderDeadlineCalendar([], { role: 'police', origin: 'http://x', now });
    expect(parse(text)).toEqual([]);
    expect(new ICAL.Component(ICAL.parse(text) as unknown[]).name).toBe('vcalendar');
  });

  it('makes a 43-character base64url secret, stored as its SHA-256 digest, in the feed’s address', () => {
    const secret = newFeedSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newFeedSecret()).not.toBe(secret);
    expect(feedSecretDigest(secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(feedSecretDigest(secret)).not.toContain(secret);
    expect(feedUrl('http://127.0.0.1:3000', 'cmm', secret)).toBe(
      `http://127.0.0.1:3000/cmm/deadlines.ics?token=${secret}`,
    );
  });
});
