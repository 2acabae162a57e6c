import { describe, expect, it } from 'vitest';
import { currentDeadlines, scheduleFor } from '../pathway/pathway.schedule.js';
import { recipientsOf } from '../pathway/pathway.notifications.js';
import { DENMARK_2013 } from '../policies/denmark-2013.policy.js';
import { scenario, T0 } from '../testing/scenario.fixtures.js';
import { addDays, addMonths } from '../time.js';
import { isTreatedAsChild } from './children.rules.js';

const P = DENMARK_2013;
const CHILD = { hasLegalStay: false, isDefendant: false, age: 'unverified', unaccompanied: true } as const;

describe('R17 children', () => {
  it('R17: under 18 or age unverified is treated as a child until assessed as an adult', () => {
    expect(isTreatedAsChild('unverified')).toBe(true);
    expect(isTreatedAsChild('child')).toBe(true);
    expect(isTreatedAsChild('adult')).toBe(false);
    const given = scenario(P).refer(CHILD);
    expect(currentDeadlines(given.state, P).map((d) => d.id)).toEqual(['guardian-appointment']);
    given.do({ type: 'recordAgeAssessment', by: 'dis', outcome: 'adult' });
    expect(currentDeadlines(given.state, P)).toEqual([]);
  });

  it('R17: a guardian must be appointed early: due 3 days after referral, escalated to CMM at once if missed', () => {
    const given = scenario(P).refer(CHILD);
    const [deadline] = currentDeadlines(given.state, P);
    expect(deadline).toMatchObject({ rule: 'R17', dueAt: addDays(T0, 3), responsible: 'municipality' });
    expect(scheduleFor(given.state, P).actions.at(-1)).toMatchObject({
      kind: 'escalation',
      at: addDays(T0, 3),
      escalateTo: ['cmm'],
    });
    given.do({ type: 'appointGuardian', by: 'municipality' });
    expect(currentDeadlines(given.state, P)).toEqual([]);
  });

  it('R17: guardians are only for children', () => {
    expect(scenario(P).refer().try({ type: 'appointGuardian', by: 'municipality' })).toMatchObject({
      code: 'NOT_A_CHILD',
    });
  });

  it('R17: family tracing only where a best-interest decision found it in the child’s interest', () => {
    const given = scenario(P).refer(CHILD).do({ type: 'appointGuardian', by: 'municipality' });
    expect(given.try({ type: 'startFamilyTracing', by: 'iom' })).toMatchObject({
      code: 'NOT_IN_BEST_INTEREST',
    });
    given.do({
      type: 'decideBestInterest',
      by: 'municipality',
      familyTracing: false,
      durableSolution: 'undetermined',
    });
    expect(given.try({ type: 'startFamilyTracing', by: 'iom' })).toMatchObject({
      code: 'NOT_IN_BEST_INTEREST',
    });
    given.do({ type: 'decideBestInterest', by: 'cmm', familyTracing: true, durableSolution: 'undetermined' });
    expect(given.try({ type: 'startFamilyTracing', by: 'iom' })).toMatchObject({ ok: true });
  });

  it('R17: the best-interest decision needs a guardian', () => {
    const given = scenario(P).refer(CHILD);
    expect(
      given.try({
        type: 'decideBestInterest',
        by: 'municipality',
        familyTracing: true,
        durableSolution: 'family-reunion',
      }),
    ).toMatchObject({ code: 'GUARDIAN_REQUIRED' });
  });

  it('R17: reunion/return only after a best-interest decision that it is a durable solution', () => {
    const given = scenario(P)
      .refer(CHILD)
      .do({ type: 'appointGuardian', by: 'municipality' })
      .identify()
      .confirmAvr();
    expect(given.try({ type: 'recordDeparture', by: 'iom' })).toMatchObject({
      code: 'DURABLE_SOLUTION_REQUIRED',
    });
    given.do({
      type: 'decideBestInterest',
      by: 'municipality',
      familyTracing: true,
      durableSolution: 'remain-in-denmark',
    });
    expect(given.try({ type: 'recordDeparture', by: 'iom' })).toMatchObject({
      code: 'DURABLE_SOLUTION_REQUIRED',
    });
    given.do({
      type: 'decideBestInterest',
      by: 'municipality',
      familyTracing: true,
      durableSolution: 'family-reunion',
    });
    expect(given.try({ type: 'recordDeparture', by: 'iom' }).ok).toBe(true);
  });

  it('R17: a child’s missed check-in escalates immediately, to CMM and the guardian (and IOM, which missed it, is told)', () => {
    const given = scenario(P)
      .refer(CHILD)
      .do({ type: 'appointGuardian', by: 'municipality' })
      .identify()
      .confirmAvr()
      .do({
        type: 'decideBestInterest',
        by: 'municipality',
        familyTracing: true,
        durableSolution: 'family-reunion',
      })
      .returnHome();
    const due = addMonths(T0, 1);
    expect(scheduleFor(given.state, P).actions.find((a) => a.id.startsWith('check-in:1/due'))).toMatchObject({
      kind: 'escalation',
      at: due,
      escalateTo: ['cmm', 'guardian'],
    });
    given.at(due).do({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'check-in:1' });
    const missed = given.events.at(-1);
    expect(missed).toMatchObject({ type: 'DeadlineMissed', rule: 'R17', escalateTo: ['cmm', 'guardian'] });
    expect(missed && recipientsOf(missed, given.state, P)).toEqual(['iom', 'cmm', 'guardian']);
  });

  it('R17: a child’s guardian is told about events in the case', () => {
    const given = scenario(P).refer(CHILD).do({ type: 'appointGuardian', by: 'municipality' }).identify();
    const started = given.events.find((e) => e.type === 'PeriodStarted');
    expect(started && recipientsOf(started, given.state, P)).toEqual(['cmm', 'dis', 'guardian']);
  });
});
