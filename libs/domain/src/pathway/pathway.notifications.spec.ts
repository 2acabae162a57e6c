import { describe, expect, it } from 'vitest';
import { DENMARK_2013_REVISED } from '../policies/denmark-2013.policy.js';
import { scenario } from '../testing/scenario.fixtures.js';
import { instant } from '../time.js';
import { recipientsOf } from './pathway.notifications.js';
import type { PathwayEvent } from '../model/pathway.events.js';

const P = DENMARK_2013_REVISED;
const T = instant('2027-01-04T09:00:00.000Z');
const CHILD = { hasLegalStay: false, isDefendant: false, age: 'unverified' } as const;

const last = (events: readonly PathwayEvent[], type: PathwayEvent['type']): PathwayEvent => {
  const event = [...events].reverse().find((e) => e.type === type);
  if (event === undefined) throw new Error(`no ${type}`);
  return event;
};

describe('who is told, and when', () => {
  it('R17: the municipality is told when a child’s case is referred, as the guardian deadline starts then', () => {
    const given = scenario(P, T).refer(CHILD);
    const referred = last(given.events, 'CaseReferred');
    expect(recipientsOf(referred, given.state, P)).toEqual(['cmm', 'dis', 'municipality']);
  });

  it('R1: an adult’s referral reaches CMM and the competent authority only', () => {
    const given = scenario(P, T).refer();
    expect(recipientsOf(last(given.events, 'CaseReferred'), given.state, P)).toEqual(['cmm', 'dis']);
  });

  it('R18: the referring police unit is told when the case closes (asylum granted)', () => {
    const given = scenario(P, T).refer().identify();
    given
      .do({ type: 'applyForAsylum', by: 'victim' })
      .do({ type: 'decideAsylum', by: 'dis', outcome: 'granted', municipalityCode: '101' });
    const closed = last(given.events, 'CaseClosed');
    expect(recipientsOf(closed, given.state, P)).toEqual(['cmm', 'police']);
    expect(recipientsOf(last(given.events, 'AsylumGranted'), given.state, P)).toEqual([
      'municipality',
      'cmm',
    ]);
  });

  it('R18: a municipality is its 3-digit code; anything else is refused', () => {
    const given = scenario(P, T).refer().identify();
    given.do({ type: 'applyForAsylum', by: 'victim' });
    for (const municipalityCode of ['1010', '10', 'kbh', ' 101']) {
      expect(
        given.try({ type: 'decideAsylum', by: 'dis', outcome: 'granted', municipalityCode }),
      ).toMatchObject({
        ok: false,
        code: 'INVALID_COMMAND',
      });
    }
  });
});
