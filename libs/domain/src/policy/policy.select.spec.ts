import { describe, expect, it } from 'vitest';
import { DENMARK_2013 } from '../policies/denmark-2013.policy.js';
import { DENMARK_PRE_2013 } from '../policies/denmark-pre-2013.policy.js';
import { DENMARK_POLICIES } from '../policies/index.js';
import { scenario } from '../testing/scenario.fixtures.js';
import { instant } from '../time.js';
import { PolicyError } from './policy.errors.js';
import { policyByVersion, selectPolicy } from './policy.select.js';

describe('selectPolicy / policyByVersion', () => {
  it('R5: picks the policy in force when the case opens (100 days before 2013, 120 after)', () => {
    expect(selectPolicy(DENMARK_POLICIES, instant('2012-12-01T00:00:00Z')).version).toBe('dk-2007.1');
    expect(selectPolicy(DENMARK_POLICIES, instant('2013-05-02T21:59:59.999Z')).version).toBe('dk-2007.1');
    expect(selectPolicy(DENMARK_POLICIES, instant('2013-05-02T22:00:00.000Z')).version).toBe('dk-2013.1');
    expect(selectPolicy([DENMARK_2013, DENMARK_PRE_2013], instant('2030-01-01T00:00:00Z')).version).toBe(
      'dk-2013.1',
    );
  });

  it('R5: an open case keeps its pre-2013 policy (100-day cap) while a new case gets 120', () => {
    // Given a case opened in December 2012 under the policy then in force…
    const openedAt = instant('2012-12-01T00:00:00Z');
    const old = scenario(selectPolicy(DENMARK_POLICIES, openedAt), openedAt).refer().identify().confirmAvr();
    expect(old.case.policyVersion).toBe('dk-2007.1');
    expect(old.case.period?.capDays).toBe(100);

    // …when, after the 2013 change, its extension is decided with the policy it started with:
    const oldPolicy = policyByVersion(DENMARK_POLICIES, old.case.policyVersion);
    old.after(20).do({ type: 'requestExtension', by: 'cmm', days: 70, ground: 'avr-cooperation' });
    const refusedOld = old.try(
      { type: 'decideExtension', by: 'dis', outcome: 'granted', days: 80 },
      oldPolicy,
    );
    // …then 30 + 80 = 110 days exceeds its 100-day cap,
    expect(refusedOld).toMatchObject({ ok: false, code: 'EXTENSION_BEYOND_CAP', details: { capDays: 100 } });

    // while a case opened after the change gets 120 and may run to 110 days.
    const newOpenedAt = instant('2013-06-01T00:00:00Z');
    const fresh = scenario(selectPolicy(DENMARK_POLICIES, newOpenedAt), newOpenedAt)
      .refer()
      .identify()
      .confirmAvr();
    expect(fresh.case.policyVersion).toBe('dk-2013.1');
    fresh.after(20).do({ type: 'requestExtension', by: 'cmm', days: 80, ground: 'avr-cooperation' });
    expect(fresh.try({ type: 'decideExtension', by: 'dis', outcome: 'granted', days: 80 })).toMatchObject({
      ok: true,
      events: [{ type: 'ExtensionGranted', totalDays: 110 }],
    });
  });

  it('R5: an open case refuses to be evaluated under another policy version (POLICY_MISMATCH)', () => {
    const openedAt = instant('2012-12-01T00:00:00Z');
    const old = scenario(DENMARK_PRE_2013, openedAt).refer().identify();
    expect(old.try({ type: 'recordInterview', by: 'cmm' }, DENMARK_2013)).toMatchObject({
      ok: false,
      code: 'POLICY_MISMATCH',
    });
  });

  it('R5: a case cannot be opened under a policy not yet in force', () => {
    const s = scenario(DENMARK_2013, instant('2012-12-01T00:00:00Z'));
    expect(
      s.try({
        type: 'referCase',
        by: 'police',
        caseRef: 'PW-7K2M9Q4X1D3F',
        channel: 'first-encounter',
        facts: { hasLegalStay: false, isDefendant: false, age: 'adult' },
      }),
    ).toMatchObject({ ok: false, code: 'POLICY_NOT_IN_FORCE' });
  });

  it('R5: coded errors for no policy in force, unknown versions and ambiguous sets', () => {
    const code = (fn: () => unknown): string => {
      try {
        fn();
      } catch (error) {
        return error instanceof PolicyError ? error.code : 'other';
      }
      return 'none';
    };
    expect(code(() => selectPolicy(DENMARK_POLICIES, instant('2000-01-01T00:00:00Z')))).toBe(
      'NO_POLICY_IN_FORCE',
    );
    expect(code(() => policyByVersion(DENMARK_POLICIES, 'dk-1999.1'))).toBe('UNKNOWN_POLICY_VERSION');
    expect(code(() => selectPolicy([DENMARK_2013, DENMARK_2013], instant('2020-01-01T00:00:00Z')))).toBe(
      'AMBIGUOUS_POLICY',
    );
  });
});
