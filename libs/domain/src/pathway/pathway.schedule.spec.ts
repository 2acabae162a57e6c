import { describe, expect, it } from 'vitest';
import { explain } from '../deadline.js';
import { DENMARK_2013, DENMARK_2013_REVISED } from '../policies/denmark-2013.policy.js';
import { scenario, T0 } from '../testing/scenario.fixtures.js';
import { addDays, instant } from '../time.js';
import { currentDeadlines, scheduleFor } from './pathway.schedule.js';

const P = DENMARK_2013;

describe('deadlines, explanations and the timers to schedule', () => {
  it('R4: the reflection deadline explains itself: rule, start, base, extensions, policy version, result', () => {
    const given = scenario(P).refer().identify();
    const [deadline] = currentDeadlines(given.state, P);
    expect(deadline).toMatchObject({ id: 'reflection-period-end', responsible: 'cmm', onDue: 'expire' });
    expect(deadline && explain(deadline)).toEqual({
      deadlineId: 'reflection-period-end',
      kind: 'reflection-period-end',
      rule: 'R4',
      rules: ['R4', 'R5', 'R6'],
      policyVersion: 'dk-2013.1',
      startsAt: T0,
      base: { amount: 30, unit: 'days' },
      baseEndsAt: addDays(T0, 30),
      extensions: [],
      limit: { rule: 'R5', capDays: 120, latestEndsAt: addDays(T0, 120) },
      dueAt: addDays(T0, 30),
      timeZone: 'UTC',
      dueDate: '2024-01-31',
      summary:
        'reflection-period-end (R4, R5, R6) under policy dk-2013.1: 30 days from 2024-01-01T00:00:00.000Z = 2024-01-31T00:00:00.000Z; due 31 January 2024 (UTC, 2024-01-31T00:00:00.000Z); cap 120 days in total (R5), latest possible end 2024-04-30T00:00:00.000Z',
    });
  });

  it('R6: CMM is reminded 10 and 3 days before the reflection period ends, in time to request an extension', () => {
    const given = scenario(P).refer().identify();
    expect(scheduleFor(given.state, P).actions).toEqual([
      {
        kind: 'reminder',
        id: 'reflection-period-end/reminder-10d@2024-01-31T00:00:00.000Z',
        at: addDays(T0, 20),
        deadlineId: 'reflection-period-end',
        deadlineKind: 'reflection-period-end',
        rule: 'R4',
        to: ['cmm'],
        daysBefore: 10,
      },
      expect.objectContaining({ kind: 'reminder', at: addDays(T0, 27), daysBefore: 3 }),
      {
        kind: 'expiry',
        id: 'reflection-period-end/due@2024-01-31T00:00:00.000Z',
        at: addDays(T0, 30),
        deadlineId: 'reflection-period-end',
        deadlineKind: 'reflection-period-end',
        rule: 'R4',
        escalateTo: [],
        command: { type: 'recordDeadlineReached', by: 'system', deadlineId: 'reflection-period-end' },
      },
    ]);
  });

  it('R5: an extension moves the deadline; its timers get new ids so the workflow re-arms them', () => {
    const given = scenario(P).refer().identify().after(21);
    const before = scheduleFor(given.state, P).actions.map((a) => a.id);
    given.do({ type: 'requestExtension', by: 'shelter', days: 30, ground: 'special-reasons' });
    given.do({ type: 'decideExtension', by: 'dis', outcome: 'granted', days: 30 });
    const after = scheduleFor(given.state, P).actions;
    expect(after.map((a) => a.at)).toEqual([addDays(T0, 50), addDays(T0, 57), addDays(T0, 60)]);
    for (const action of after) expect(before).not.toContain(action.id);
  });

  it('R6: while an extension request is pending, DIS is reminded and the decision deadline escalates', () => {
    const given = scenario(P).refer().identify().after(10);
    given.do({ type: 'requestExtension', by: 'cmm', days: 30, ground: 'special-reasons' });
    expect(scheduleFor(given.state, P).actions).toMatchObject([
      { kind: 'reminder', deadlineId: 'extension-decision:1', at: addDays(T0, 27), to: ['dis'] },
      { kind: 'escalation', deadlineId: 'extension-decision:1', at: addDays(T0, 30), escalateTo: ['cmm'] },
    ]);
  });

  it('R17: a reminder that would fall before the deadline’s start is not scheduled', () => {
    const given = scenario(P).refer({ hasLegalStay: false, isDefendant: false, age: 'child' });
    // Guardian due in 3 days; its 1-day reminder is kept (it is after the start).
    expect(scheduleFor(given.state, P).actions.map((a) => a.kind)).toEqual(['reminder', 'escalation']);
  });

  describe('in the Danish calendar (dk-2013.2)', () => {
    const DK = DENMARK_2013_REVISED;
    const remindersOf = (state: typeof given.state) =>
      scheduleFor(state, DK).actions.filter((a) => a.kind === 'reminder');
    const given = scenario(DK, instant('2027-05-31T10:00:00+02:00')).refer().identify();

    it('R4/R6: reminders that would fall on a Sunday go out on the Friday before at 8.30 in Copenhagen; the deadline does not move', () => {
      // given a reflection period from Monday 31 May 2027, 10:00, ending Wednesday 30 June 2027, 10:00
      const [deadline] = currentDeadlines(given.state, DK);
      expect(deadline?.dueAt).toBe(instant('2027-06-30T10:00:00+02:00'));
      expect(deadline?.explanation).toMatchObject({ timeZone: 'Europe/Copenhagen', dueDate: '2027-06-30' });
      expect(deadline?.explanation.summary).toContain('due 30 June 2027 (Europe/Copenhagen');
      // then its 10- and 3-day reminders (Sundays 20 and 27 June) are sent on Fridays 18 and 25 June at 08:30
      expect(remindersOf(given.state)).toEqual([
        expect.objectContaining({
          daysBefore: 10,
          at: instant('2027-06-18T08:30:00+02:00'),
          plannedAt: instant('2027-06-20T10:00:00+02:00'),
          movedBecause:
            'Sunday 20 June 2027 is a weekend day: sent on the previous working day, Friday 18 June 2027, when offices open',
        }),
        expect.objectContaining({
          daysBefore: 3,
          at: instant('2027-06-25T08:30:00+02:00'),
          plannedAt: instant('2027-06-27T10:00:00+02:00'),
        }),
      ]);
    });

    it('R4/R6: a reminder on Easter Monday goes out on the Wednesday before Maundy Thursday', () => {
      const easter = scenario(DK, instant('2027-03-02T10:00:00+01:00')).refer().identify();
      const three = remindersOf(easter.state).find((r) => r.kind === 'reminder' && r.daysBefore === 3);
      expect(three).toMatchObject({
        at: instant('2027-03-24T08:30:00+01:00'),
        plannedAt: instant('2027-03-29T10:00:00+02:00'),
        movedBecause:
          'Monday 29 March 2027 is a public holiday (Easter Monday): sent on the previous working day, Wednesday 24 March 2027, when offices open',
      });
    });

    it('R4: a reminder on a working day is not moved', () => {
      const weekday = scenario(DK, instant('2027-06-01T10:00:00+02:00')).refer().identify();
      for (const reminder of remindersOf(weekday.state)) {
        expect(reminder).not.toHaveProperty('movedBecause');
        expect(reminder).not.toHaveProperty('plannedAt');
      }
    });
  });

  it('R11/R12: the expiry reminders of a permit prosecution applied for go to prosecution, not the police', () => {
    const given = scenario(P).refer().identify();
    given
      .do({ type: 'applyForPermit', by: 'prosecution', victimCooperatesWithPolice: true })
      .do({ type: 'decidePermit', by: 'dis', outcome: 'granted' });
    const [expiry] = currentDeadlines(given.state, P);
    expect(expiry).toMatchObject({ kind: 'permit-expiry', responsible: 'prosecution' });
    const reminders = scheduleFor(given.state, P).actions.filter((a) => a.kind === 'reminder');
    expect(reminders.map((r) => r.kind === 'reminder' && r.to)).toEqual([['prosecution'], ['prosecution']]);
  });

  it('R17: a child’s guardian is reminded of the child’s deadlines as well as the agency that must act', () => {
    const given = scenario(P).refer({ hasLegalStay: false, isDefendant: false, age: 'child' });
    given.do({ type: 'appointGuardian', by: 'municipality' }).identify();
    const reminders = scheduleFor(given.state, P).actions.filter((a) => a.kind === 'reminder');
    expect(reminders.length).toBeGreaterThan(0);
    for (const reminder of reminders)
      expect(reminder.kind === 'reminder' && reminder.to).toEqual(['cmm', 'guardian']);
  });
});
