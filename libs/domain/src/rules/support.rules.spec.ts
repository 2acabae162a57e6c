import { describe, expect, it } from 'vitest';
import { DENMARK_2013 } from '../policies/denmark-2013.policy.js';
import { scenario } from '../testing/scenario.fixtures.js';
import { supportOffersFor } from './support.rules.js';

const P = DENMARK_2013;
const kinds = (
  stage: Parameters<typeof supportOffersFor>[0]['stage'],
  age: 'adult' | 'child' | 'unverified' = 'adult',
) => supportOffersFor({ stage, age }, P).map((o) => o.kind);

describe('R8–R10 support', () => {
  it('R8: during the reflection period every victim is offered shelter, medical, legal, psychological support and AVR', () => {
    expect(kinds('reflection-period')).toEqual([
      'accommodation',
      'medical-care',
      'legal-counselling',
      'psychological-support',
      'assisted-voluntary-return',
    ]);
    expect(kinds('restitution-period')).toEqual(kinds('reflection-period'));
  });

  it('R9: no shipped offer carries any condition for adults; support does not depend on cooperation', () => {
    for (const offer of P.supportOffers) {
      expect(offer.conditions.filter((c) => c.kind !== 'is-child')).toEqual([]);
    }
    // A victim who refuses police cooperation (no permit ever applied for) gets the same period support.
    const refuses = scenario(P).refer().identify();
    const cooperates = scenario(P).refer().identify();
    cooperates.do({ type: 'applyForPermit', by: 'police', victimCooperatesWithPolice: true });
    expect(supportOffersFor({ stage: refuses.case.stage, age: 'adult' }, P)).toEqual(
      supportOffersFor({ stage: cooperates.case.stage, age: 'adult' }, P),
    );
  });

  it('R10: a victim taking part in criminal proceedings (permit) is assisted during them', () => {
    expect(kinds('permit')).toEqual(kinds('reflection-period'));
    expect(kinds('court-granted')).toEqual(kinds('reflection-period'));
  });

  it('R10: after the reflection period, a victim who must leave is offered only AVR', () => {
    expect(kinds('departure-required')).toEqual(['assisted-voluntary-return']);
    const given = scenario(P).refer().identify().after(30);
    given.do({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'reflection-period-end' });
    expect(given.case.stage).toBe('departure-required');
  });

  it('R17: children are offered additional support and family tracing in every open stage', () => {
    expect(kinds('referred', 'unverified')).toEqual(['child-support', 'family-tracing']);
    expect(kinds('reflection-period', 'child')).toContain('child-support');
    expect(kinds('reflection-period', 'adult')).not.toContain('child-support');
  });

  it('R16: nothing is offered once the pathway is closed', () => {
    expect(kinds('closed')).toEqual([]);
    expect(kinds('not-started')).toEqual([]);
  });
});
