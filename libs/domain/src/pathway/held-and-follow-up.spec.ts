import { describe, expect, it } from 'vitest';
import { calendarOf } from '../calendar.js';
import { DENMARK_2013_REVISED } from '../policies/denmark-2013.policy.js';
import { scenario } from '../testing/scenario.fixtures.js';
import { instant } from '../time.js';
import { currentDeadlines, scheduleFor, staleReminders } from './pathway.schedule.js';

const P = DENMARK_2013_REVISED;
const calendar = calendarOf(P);
const T = instant('2027-01-04T09:00:00.000Z');
const due = (s: ReturnType<typeof scenario>, id: string) =>
  scheduleFor(s.state, P).actions.find((a) => a.deadlineId === id && a.kind !== 'reminder');

describe('held decisions and stages without a clock (dk-2013.2)', () => {
  it('R6: a held extension decision escalates at the end, and again every 7 days while DIS has not decided', () => {
    const given = scenario(P, T).refer().identify();
    const end = given.case.period!.endsAt;
    given.after(5).do({ type: 'requestExtension', by: 'cmm', days: 30, ground: 'special-reasons' });
    expect(due(given, 'extension-decision:1')).toMatchObject({ kind: 'escalation', at: end });
    given.at(end).do({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'extension-decision:1' });
    // still held, still running: the next escalation a week later
    expect(currentDeadlines(given.state, P).map((d) => d.id)).toEqual(['extension-decision:1']);
    const second = due(given, 'extension-decision:1');
    expect(second).toMatchObject({ id: `extension-decision:1/due@${end}#2`, at: calendar.addDays(end, 7) });
    expect(
      given.try({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'extension-decision:1' }),
    ).toMatchObject({
      code: 'DEADLINE_NOT_REACHED',
    });
    const again = given.at(calendar.addDays(end, 7)).try({
      type: 'recordDeadlineReached',
      by: 'system',
      deadlineId: 'extension-decision:1',
    });
    expect(again).toMatchObject({
      ok: true,
      events: [expect.objectContaining({ type: 'DeadlineMissed', repeat: 2 })],
    });
  });

  it('R6: a period whose held end passed ends at the decision that releases it, not before', () => {
    const given = scenario(P, T).refer().identify();
    const end = given.case.period!.endsAt;
    given.after(5).do({ type: 'requestExtension', by: 'cmm', days: 30, ground: 'special-reasons' });
    const refusedAt = calendar.addDays(end, 2);
    given.at(refusedAt).do({ type: 'decideExtension', by: 'dis', outcome: 'refused' });
    // the timer for the (resumed) end fires now, for the original instant
    const ended = given.at(refusedAt).try({
      type: 'recordDeadlineReached',
      by: 'system',
      deadlineId: 'reflection-period-end',
    });
    expect(ended).toMatchObject({
      ok: true,
      events: [
        { type: 'PeriodEnded', at: refusedAt },
        { type: 'StageChanged', at: refusedAt, to: 'departure-required' },
      ],
    });
  });

  it('R6: reminders a change brings back with their moment passed are stale; those already scheduled are not', () => {
    const given = scenario(P, T).refer().identify();
    const end = given.case.period!.endsAt;
    const original = scheduleFor(given.state, P);
    given.after(5).do({ type: 'requestExtension', by: 'cmm', days: 30, ground: 'special-reasons' });
    const held = scheduleFor(given.state, P);
    given.at(calendar.addDays(end, 2)).do({ type: 'decideExtension', by: 'dis', outcome: 'refused' });
    const resumed = scheduleFor(given.state, P);
    expect(staleReminders(held, resumed, given.now)).toEqual([
      `reflection-period-end/reminder-10d@${end}`,
      `reflection-period-end/reminder-3d@${end}`,
    ]);
    expect(staleReminders(original, original, given.now)).toEqual([]);
  });

  it('R10: a person who must leave is followed up: police must record the departure within 30 days, or CMM is told, then weekly', () => {
    const given = scenario(P, T).refer().identify();
    const end = given.case.period!.endsAt;
    given.at(end).do({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'reflection-period-end' });
    expect(given.case.stage).toBe('departure-required');
    const [followUp] = currentDeadlines(given.state, P);
    expect(followUp).toMatchObject({
      id: 'departure-follow-up',
      kind: 'departure-follow-up',
      rule: 'R10',
      responsible: 'police',
      onDue: 'escalate',
      dueAt: calendar.addDays(end, 30),
    });
    expect(scheduleFor(given.state, P).actions.map((a) => [a.kind, a.at])).toEqual([
      ['reminder', calendar.addDays(end, 23)],
      ['escalation', calendar.addDays(end, 30)],
    ]);
    given
      .at(calendar.addDays(end, 30))
      .do({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'departure-follow-up' });
    expect(given.events.at(-1)).toMatchObject({
      type: 'DeadlineMissed',
      responsible: 'police',
      escalateTo: ['cmm'],
    });
    expect(due(given, 'departure-follow-up')?.at).toBe(calendar.addDays(end, 37));
    // the departure ends it
    given.do({ type: 'recordDeparture', by: 'police' });
    expect(currentDeadlines(given.state, P)).toEqual([]);
  });

  it('R19: an assisted return is followed up: IOM must carry it out within 60 days of the stage', () => {
    const given = scenario(P, T).refer().identify().confirmAvr();
    const end = given.case.period!.endsAt;
    given.at(end).do({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'reflection-period-end' });
    expect(given.case.stage).toBe('avr-return');
    expect(currentDeadlines(given.state, P)).toMatchObject([
      { id: 'return-follow-up', rule: 'R19', responsible: 'iom', dueAt: calendar.addDays(end, 60) },
    ]);
  });
});

describe('who to call: contact points in escalations (dk-2013.2)', () => {
  it('R6: an escalation names how to reach DIS, which missed it, and CMM, told of it — with whether CMM’s hotline is open and when it next opens', () => {
    // given an extension decision held over a weekend: the period of a case identified on Friday 7 May 2027
    const given = scenario(P, instant('2027-05-07T17:00:00+02:00')).refer().identify();
    given.after(5).do({ type: 'requestExtension', by: 'cmm', days: 30, ground: 'special-reasons' });
    const end = given.case.period!.endsAt; // Sunday 6 June 2027, 17:00 in Copenhagen: the hotline is closed
    const missed = given
      .at(end)
      .try({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'extension-decision:1' });
    expect(missed).toMatchObject({
      ok: true,
      events: [
        {
          type: 'DeadlineMissed',
          contacts: [
            { agency: 'dis', name: 'Danish Immigration Service (DIS)' },
            {
              agency: 'cmm',
              hotline: '+45 70 20 25 50',
              email: 'cmm@socialstyrelsen.dk',
              open: false,
              nextOpensAt: instant('2027-06-07T08:30:00+02:00'),
            },
          ],
        },
      ],
    });
  });
});
