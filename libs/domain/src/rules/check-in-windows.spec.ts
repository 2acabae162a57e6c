import { describe, expect, it } from 'vitest';
import { calendarOf } from '../calendar.js';
import { DENMARK_2013_REVISED } from '../policies/denmark-2013.policy.js';
import { currentDeadlines, dueAction, scheduleFor } from '../pathway/pathway.schedule.js';
import { scenario } from '../testing/scenario.fixtures.js';
import { instant } from '../time.js';

const P = DENMARK_2013_REVISED;
const calendar = calendarOf(P);
const arrivedBy = (at: string) => scenario(P, instant(at)).refer().identify().confirmAvr().returnHome();

describe('R14 check-in windows (dk-2013.2: a check-in counts from 10 days before its due date)', () => {
  it('R14: a check-in a minute after arrival is not month 1; the refusal says when the window opens', () => {
    const given = arrivedBy('2027-03-01T10:00:00+01:00').after(0);
    const monitoring = given.case.monitoring!;
    const due1 = monitoring.checkInsDueAt[0]!;
    expect(due1).toBe(instant('2027-04-01T10:00:00+02:00')); // one Copenhagen month after arrival
    const refused = given
      .at(calendar.addDays(monitoring.arrivedAt, 0))
      .try({ type: 'recordCheckIn', by: 'iom' });
    expect(refused).toMatchObject({
      ok: false,
      code: 'CHECK_IN_NOT_DUE',
      rule: 'R14',
      details: { opensAt: instant('2027-03-22T10:00:00+01:00') },
      reason: expect.stringContaining('the next window opens Monday 22 March 2027'),
    });
    const counted = given.at(instant('2027-03-22T10:00:00+01:00')).try({ type: 'recordCheckIn', by: 'iom' });
    expect(counted).toMatchObject({ ok: true, events: [expect.objectContaining({ slot: 1 })] });
  });

  it('R14: each check-in deadline explains its window', () => {
    const given = arrivedBy('2027-03-01T10:00:00+01:00');
    const [first] = currentDeadlines(given.state, P).filter((d) => d.kind === 'check-in');
    expect(first?.explanation.window).toEqual({ opensAt: instant('2027-03-22T10:00:00+01:00') });
    expect(first?.explanation.summary).toContain('a check-in counts from 22 March 2027');
  });

  it('R14 R17: the last check-in (due when monitoring ends) gets an adult’s 3 days of grace before monitoring ends', () => {
    const given = arrivedBy('2027-03-01T10:00:00+01:00');
    const monitoring = given.case.monitoring!;
    // every check-in but the last one made
    for (const due of monitoring.checkInsDueAt.slice(0, -1))
      given.at(due).do({ type: 'recordCheckIn', by: 'iom' });
    const deadlines = currentDeadlines(given.state, P);
    const last = deadlines.find((d) => d.kind === 'check-in');
    const end = deadlines.find((d) => d.kind === 'monitoring-end');
    expect(last?.dueAt).toBe(end?.dueAt);
    const escalation = dueAction(given.case, last!, P);
    expect(escalation.at).toBe(calendar.addDays(last!.dueAt, 3));
    const expiry = scheduleFor(given.state, P).actions.find(
      (a) => a.deadlineId === 'monitoring-end' && a.kind === 'expiry',
    );
    // monitoring ends once that grace has passed: the escalation comes first, then the closure
    expect(expiry?.at).toBe(escalation.at);
    // …and a check-in made within the grace still counts, so nothing is escalated
    const late = given.at(calendar.addDays(last!.dueAt, 2)).try({ type: 'recordCheckIn', by: 'iom' });
    expect(late).toMatchObject({ ok: true, events: [expect.objectContaining({ slot: 6 })] });
  });
});
