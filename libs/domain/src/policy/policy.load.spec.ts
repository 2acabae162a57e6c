import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DENMARK_2013, DENMARK_2013_DATA } from '../policies/denmark-2013.policy.js';
import { DENMARK_PRE_2013 } from '../policies/denmark-pre-2013.policy.js';
import { supportOffersFor } from '../rules/support.rules.js';
import { PolicyError } from './policy.errors.js';
import { loadPolicy } from './policy.load.js';
import { COOPERATION_CONDITION_KINDS, SUPPORT_CONDITION_KINDS, type PolicyData } from './policy.types.js';

function loadError(data: unknown): PolicyError {
  try {
    loadPolicy(data);
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error('expected loadPolicy to fail');
}

function withOffers(offers: unknown): unknown {
  return { ...DENMARK_2013_DATA, supportOffers: offers };
}

describe('loadPolicy', () => {
  it('R4: the shipped Danish presets load: 30-day reflection period, 120 and 100-day caps', () => {
    expect(DENMARK_2013.periods.reflection.baseDays).toBe(30);
    expect(DENMARK_2013.periods.extension.capTotalDays).toBe(120);
    expect(DENMARK_PRE_2013.periods.extension.capTotalDays).toBe(100);
    expect(Object.isFrozen(DENMARK_2013.periods.extension)).toBe(true);
  });

  it('R9: refuses a support offer conditional on cooperation with the authorities', () => {
    const [first, ...rest] = DENMARK_2013_DATA.supportOffers;
    const error = loadError(
      withOffers([{ ...first, conditions: [{ kind: 'cooperation-with-authorities' }] }, ...rest]),
    );
    expect(error.code).toBe('SUPPORT_CONDITIONAL_ON_COOPERATION');
    expect(error.path).toBe('supportOffers[0].conditions[0].kind');
  });

  it('R9: refuses AVR made conditional on taking part in criminal proceedings', () => {
    const offers = DENMARK_2013_DATA.supportOffers.map((o) =>
      o.kind === 'assisted-voluntary-return'
        ? { ...o, conditions: [{ kind: 'is-child' }, { kind: 'participation-in-criminal-proceedings' }] }
        : o,
    );
    expect(loadError(withOffers(offers)).code).toBe('SUPPORT_CONDITIONAL_ON_COOPERATION');
  });

  it('R9: an unknown condition kind cannot smuggle a condition in', () => {
    const [first] = DENMARK_2013_DATA.supportOffers;
    expect(loadError(withOffers([{ ...first, conditions: [{ kind: 'testifies-in-court' }] }])).code).toBe(
      'POLICY_INVALID',
    );
  });

  it('R5: refuses a cap shorter than the base period', () => {
    const data: PolicyData = {
      ...DENMARK_2013_DATA,
      periods: {
        ...DENMARK_2013_DATA.periods,
        extension: { ...DENMARK_2013_DATA.periods.extension, capTotalDays: 20 },
      },
    };
    expect(loadError(data).code).toBe('EXTENSION_CAP_BELOW_BASE');
  });

  it('R14: the AVR operator is configuration, but must be in the agency directory', () => {
    const drc = { ...DENMARK_2013_DATA, avr: { ...DENMARK_2013_DATA.avr, reintegrationOperator: 'drc' } };
    expect(loadError(drc).code).toBe('UNKNOWN_AGENCY');
    const withDrc = loadPolicy({
      ...drc,
      version: 'dk-drc.1',
      agencies: [
        ...DENMARK_2013_DATA.agencies,
        { id: 'drc', name: 'Danish Refugee Council', role: 'Reintegration', organisations: [] },
      ],
    });
    expect(withDrc.avr.reintegrationOperator).toBe('drc');
  });

  it('R4: refuses malformed data with POLICY_INVALID and the field path', () => {
    const error = loadError({
      ...DENMARK_2013_DATA,
      periods: { ...DENMARK_2013_DATA.periods, reflection: { baseDays: -30, extensionDecidedBy: 'dis' } },
    });
    expect(error.code).toBe('POLICY_INVALID');
    expect(error.path).toBe('periods.reflection.baseDays');
    expect(loadError(null).code).toBe('POLICY_INVALID');
    expect(loadError({ ...DENMARK_2013_DATA, effectiveFrom: 'soon' }).path).toBe('effectiveFrom');
  });

  it('R9: property — no loadable policy makes support conditional on cooperation', () => {
    const condition = fc.record({ kind: fc.constantFrom(...SUPPORT_CONDITION_KINDS) });
    const offer = fc.record({
      kind: fc.constantFrom('accommodation', 'medical-care', 'assisted-voluntary-return', 'child-support'),
      rule: fc.constantFrom('R8', 'R17', 'R19'),
      providers: fc.constant(['cmm']),
      availableIn: fc.subarray([
        'reflection-period',
        'permit',
        'departure-required',
        'court-granted',
      ] as const),
      conditions: fc.array(condition, { maxLength: 3 }),
    });
    fc.assert(
      fc.property(
        fc.array(offer, { maxLength: 6 }),
        fc.constantFrom('adult', 'child', 'unverified'),
        (offers, age) => {
          let policy;
          try {
            policy = loadPolicy(withOffers(offers));
          } catch (error) {
            // Refused: only ever because of a cooperation condition.
            expect(error).toBeInstanceOf(PolicyError);
            expect((error as PolicyError).code).toBe('SUPPORT_CONDITIONAL_ON_COOPERATION');
            expect(
              offers.some((o) =>
                o.conditions.some((c) => (COOPERATION_CONDITION_KINDS as readonly string[]).includes(c.kind)),
              ),
            ).toBe(true);
            return;
          }
          // Loaded: no condition of any offer concerns cooperation…
          for (const o of policy.supportOffers) {
            for (const c of o.conditions) expect(c.kind).toBe('is-child');
          }
          // …and what is offered depends only on stage and age, never on cooperation facts.
          for (const stage of ['reflection-period', 'permit', 'departure-required'] as const) {
            const offered = supportOffersFor({ stage, age }, policy).map((o) => o.kind);
            const expected = policy.supportOffers
              .filter((o) => o.availableIn.includes(stage) && (o.conditions.length === 0 || age !== 'adult'))
              .map((o) => o.kind);
            expect(offered).toEqual(expected);
          }
        },
      ),
      { numRuns: 1000 },
    );
  }, 60_000);
});
