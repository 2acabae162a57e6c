import { describe, expect, it } from 'vitest';
import { explain } from '../deadline.js';
import { DENMARK_2013 } from '../policies/denmark-2013.policy.js';
import { scenario, T0 } from '../testing/scenario.fixtures.js';
import { addDays } from '../time.js';
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
      summary:
        'reflection-period-end (R4, R5, R6) under policy dk-2013.1: 30 days from 2024-01-01T00:00:00.000Z = 2024-01-31T00:00:00.000Z; due 2024-01-31T00:00:00.000Z; cap 120 days in total (R5), latest possible end 2024-04-30T00:00:00.000Z',
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
});
