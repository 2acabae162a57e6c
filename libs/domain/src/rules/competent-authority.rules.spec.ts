import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LegalStatusChange } from '../model/pathway.commands.js';
import { DENMARK_2013 } from '../policies/denmark-2013.policy.js';
import { eventTypes, scenario } from '../testing/scenario.fixtures.js';
import {
  AUTHORITY_ROUTES,
  applyStatusChange,
  competentAuthority,
  matchingRoutes,
  reroute,
  type StatusFacts,
} from './competent-authority.rules.js';

const P = DENMARK_2013;
const facts = (f: Partial<StatusFacts>): StatusFacts => ({
  hasLegalStay: false,
  isDefendant: false,
  siriResponsible: false,
  ...f,
});

const statusChange: fc.Arbitrary<LegalStatusChange> = fc.oneof(
  fc.boolean().map((v) => ({ kind: 'legal-stay' as const, hasLegalStay: v })),
  fc.boolean().map((v) => ({ kind: 'defendant' as const, isDefendant: v })),
  fc.boolean().map((v) => ({ kind: 'siri-responsible' as const, siriResponsible: v })),
);

describe('R1 competent authority for identification', () => {
  it('R1: no legal stay → DIS; SIRI when flagged; legal stay → CMM; defendant → court', () => {
    expect(competentAuthority(facts({}), P)).toBe('dis');
    expect(competentAuthority(facts({ siriResponsible: true }), P)).toBe('siri');
    expect(competentAuthority(facts({ hasLegalStay: true }), P)).toBe('cmm');
    expect(competentAuthority(facts({ isDefendant: true, hasLegalStay: true }), P)).toBe('court');
  });

  it('R1: re-routes when the status changes (legal stay lost → from CMM to DIS)', () => {
    expect(reroute(facts({ hasLegalStay: true }), { kind: 'legal-stay', hasLegalStay: false }, P)).toEqual({
      from: 'cmm',
      to: 'dis',
      changed: true,
    });
  });

  it('R1: given a case awaiting CMM, when DIS records loss of legal stay, then identification is re-routed to DIS', () => {
    const given = scenario(P)
      .refer({ hasLegalStay: true, isDefendant: false, age: 'adult' })
      .interview()
      .submit();
    const decision = given.try({
      type: 'changeLegalStatus',
      by: 'dis',
      change: { kind: 'legal-stay', hasLegalStay: false },
    });
    expect(decision).toMatchObject({
      ok: true,
      events: [{ type: 'LegalStatusChanged' }, { type: 'IdentificationRerouted', from: 'cmm', to: 'dis' }],
    });
  });

  it('R1: after re-routing, the former authority is the wrong authority and the new one decides', () => {
    const given = scenario(P)
      .refer({ hasLegalStay: true, isDefendant: false, age: 'adult' })
      .interview()
      .submit()
      .do({ type: 'changeLegalStatus', by: 'dis', change: { kind: 'legal-stay', hasLegalStay: false } });
    expect(given.try({ type: 'decideIdentification', by: 'cmm', outcome: 'identified' })).toMatchObject({
      ok: false,
      code: 'WRONG_AUTHORITY',
    });
    expect(eventTypes(given.try({ type: 'decideIdentification', by: 'dis', outcome: 'identified' }))).toEqual(
      ['IdentificationDecided', 'PeriodStarted', 'StageChanged'],
    );
  });

  it('R1: a criminal charge routes to the court, which grants status to the defendant', () => {
    const given = scenario(P)
      .refer()
      .do({ type: 'changeLegalStatus', by: 'prosecution', change: { kind: 'defendant', isDefendant: true } });
    expect(given.try({ type: 'courtGrantsStatus', by: 'dis' })).toMatchObject({ code: 'WRONG_AUTHORITY' });
    expect(given.try({ type: 'courtGrantsStatus', by: 'court' })).toMatchObject({
      ok: true,
      events: [{ type: 'VictimStatusGrantedByCourt' }, { type: 'StageChanged', to: 'court-granted' }],
    });
  });

  it('R1: only immigration authorities record legal stay; only police, prosecution or court a charge', () => {
    const given = scenario(P).refer();
    expect(
      given.try({ type: 'changeLegalStatus', by: 'ngo', change: { kind: 'legal-stay', hasLegalStay: true } }),
    ).toMatchObject({
      code: 'ACTOR_NOT_PERMITTED',
    });
    expect(
      given.try({ type: 'changeLegalStatus', by: 'dis', change: { kind: 'defendant', isDefendant: true } }),
    ).toMatchObject({
      code: 'ACTOR_NOT_PERMITTED',
    });
  });

  it('R1: property — any sequence of status changes always yields exactly one competent authority', () => {
    const allowed = new Set(['dis', 'siri', 'cmm', 'court']);
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.array(statusChange, { maxLength: 20 }),
        (a, b, c, changes) => {
          let current: StatusFacts = facts({ hasLegalStay: a, isDefendant: b, siriResponsible: c });
          for (const change of changes) {
            const before = current;
            current = applyStatusChange(current, change);
            expect(matchingRoutes(current)).toHaveLength(1);
            const route = reroute(before, change, P);
            expect(route.to).toBe(competentAuthority(current, P));
            expect(route.changed).toBe(route.from !== route.to);
            expect(allowed.has(route.to)).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
    expect(AUTHORITY_ROUTES).toHaveLength(4);
  }, 60_000);
});
