import { describe, expect, it } from 'vitest';
import { DENMARK_2013_REVISED } from '../policies/denmark-2013.policy.js';
import { scenario } from '../testing/scenario.fixtures.js';
import { instant } from '../time.js';
import { nextSteps } from './pathway.next-steps.js';

const P = DENMARK_2013_REVISED;

describe('what happens next, in words', () => {
  it('R4 R6 R10: the reflection period says who is reminded when (moved off Sundays), what happens at its end, and why', () => {
    const given = scenario(P, instant('2027-05-31T10:00:00+02:00')).refer().identify();
    const [step] = nextSteps(given.state, P, instant('2027-06-19T12:00:00+02:00'));
    expect(step?.text).toBe(
      'CMM must act by Wednesday 30 June 2027 (R4). ' +
        'CMM was reminded on Friday 18 June 2027 (moved: Sunday 20 June 2027 is a weekend day: sent on the previous working day, Friday 18 June 2027, when offices open). ' +
        'CMM will be reminded on Friday 25 June 2027 (moved: Sunday 27 June 2027 is a weekend day: sent on the previous working day, Friday 25 June 2027, when offices open). ' +
        'On Wednesday 30 June 2027 the reflection period ends and the person must leave Denmark (R10); an extension must be requested before then (R6).',
    );
    expect(step?.reminders.map((r) => r.past)).toEqual([true, false]);
    expect(step).not.toHaveProperty('escalation');
  });

  it('R17: a child’s guardian deadline says the municipality must appoint, and who is told if it does not', () => {
    const given = scenario(P, instant('2027-06-01T10:00:00+02:00')).refer({
      hasLegalStay: false,
      isDefendant: false,
      age: 'child',
    });
    const [step] = nextSteps(given.state, P, given.now);
    expect(step).toMatchObject({
      deadlineKind: 'guardian-appointment',
      responsible: 'municipality',
      escalation: { to: ['cmm'] },
    });
    expect(step?.text).toContain(
      "On Friday 4 June 2027 the municipality must have appointed the child's guardian (R17).",
    );
    expect(step?.text).toContain('If it is missed, CMM is told on Friday 4 June 2027.');
  });
});
