import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explain } from '../deadline.js';
import { currentDeadlines } from '../pathway/pathway.schedule.js';
import { DENMARK_2013, DENMARK_2013_DATA } from '../policies/denmark-2013.policy.js';
import { DENMARK_PRE_2013 } from '../policies/denmark-pre-2013.policy.js';
import { loadPolicy } from '../policy/policy.load.js';
import { eventTypes, scenario, T0 } from '../testing/scenario.fixtures.js';
import { addDays, isBefore, toEpochMs, DAY_MS } from '../time.js';
import { latestPossibleEnd, usedDays } from './periods.rules.js';

const P = DENMARK_2013;
const LEGAL_STAY = { hasLegalStay: true, isDefendant: false, age: 'adult' } as const;

describe('R4–R7 reflection and restitution periods', () => {
  it('R4: an identified victim without legal stay gets a 30-day reflection period from the decision', () => {
    const given = scenario(P).refer().identify();
    expect(given.case.stage).toBe('reflection-period');
    expect(given.case.period).toMatchObject({
      kind: 'reflection',
      startsAt: T0,
      endsAt: addDays(T0, 30),
      capDays: 120,
    });
  });

  it('R4: when the reflection period ends without AVR or another basis, the person must leave (R10)', () => {
    const given = scenario(P).refer().identify().after(30);
    expect(
      given.try({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'reflection-period-end' }),
    ).toMatchObject({
      ok: true,
      events: [
        { type: 'PeriodEnded', cause: 'elapsed' },
        { type: 'StageChanged', to: 'departure-required', rule: 'R10' },
      ],
    });
  });

  it('R4: the period end cannot be reported early', () => {
    const given = scenario(P).refer().identify().after(29);
    expect(
      given.try({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'reflection-period-end' }),
    ).toMatchObject({
      code: 'DEADLINE_NOT_REACHED',
    });
  });

  it('R5: extends the period on AVR cooperation, decided by DIS, and the explanation lists the extension', () => {
    const given = scenario(P).refer().identify().confirmAvr().after(20);
    given.do({ type: 'requestExtension', by: 'cmm', days: 30, ground: 'avr-cooperation' });
    given.after(2).do({ type: 'decideExtension', by: 'dis', outcome: 'granted', days: 30 });
    expect(given.case.period?.endsAt).toBe(addDays(T0, 60));
    const [deadline] = currentDeadlines(given.state, P);
    expect(deadline && explain(deadline)).toMatchObject({
      rule: 'R4',
      startsAt: T0,
      base: { amount: 30, unit: 'days' },
      extensions: [
        { duration: { amount: 30, unit: 'days' }, rule: 'R5', ground: 'avr-cooperation', decidedBy: 'dis' },
      ],
      policyVersion: 'dk-2013.1',
      dueAt: addDays(T0, 60),
      limit: { capDays: 120, latestEndsAt: addDays(T0, 120) },
    });
  });

  it('R5: refuses an extension beyond 120 days in total, showing the maximum possible end date', () => {
    const given = scenario(P).refer().identify().confirmAvr().after(10);
    const decision = given.try({ type: 'requestExtension', by: 'cmm', days: 91, ground: 'avr-cooperation' });
    expect(decision).toMatchObject({
      ok: false,
      code: 'EXTENSION_BEYOND_CAP',
      rule: 'R5',
      details: { capDays: 120, usedDays: 30, remainingDays: 90, maxEndsAt: addDays(T0, 120) },
    });
    expect(decision.ok ? '' : decision.reason).toContain(addDays(T0, 120));
    expect(given.try({ type: 'requestExtension', by: 'cmm', days: 90, ground: 'avr-cooperation' }).ok).toBe(
      true,
    );
  });

  it('R5: DIS cannot grant beyond the cap either (refused, never clipped)', () => {
    const given = scenario(P).refer().identify().confirmAvr().after(5);
    given.do({ type: 'requestExtension', by: 'cmm', days: 60, ground: 'avr-cooperation' });
    expect(given.try({ type: 'decideExtension', by: 'dis', outcome: 'granted', days: 91 })).toMatchObject({
      code: 'EXTENSION_BEYOND_CAP',
    });
  });

  it('R5: before 2013 the cap is 100 days in total', () => {
    const given = scenario(DENMARK_PRE_2013, addDays(T0, -4000)).refer().identify().confirmAvr().after(1);
    expect(
      given.try({ type: 'requestExtension', by: 'cmm', days: 71, ground: 'avr-cooperation' }),
    ).toMatchObject({
      code: 'EXTENSION_BEYOND_CAP',
      details: { capDays: 100 },
    });
  });

  it('R5: the AVR ground needs confirmed cooperation on return; special reasons do not', () => {
    const given = scenario(P).refer().identify().after(5);
    expect(
      given.try({ type: 'requestExtension', by: 'cmm', days: 10, ground: 'avr-cooperation' }),
    ).toMatchObject({
      code: 'AVR_COOPERATION_NOT_CONFIRMED',
    });
    expect(
      given.try({ type: 'requestExtension', by: 'shelter', days: 10, ground: 'special-reasons' }).ok,
    ).toBe(true);
  });

  it('R6: the extension must be requested before the current period ends', () => {
    const given = scenario(P).refer().identify().confirmAvr().after(30);
    expect(
      given.try({ type: 'requestExtension', by: 'cmm', days: 10, ground: 'avr-cooperation' }),
    ).toMatchObject({
      code: 'DEADLINE_PASSED',
      rule: 'R6',
    });
  });

  it('R6: the victim applies with CMM or the shelter — not via the police; DIS decides', () => {
    const given = scenario(P).refer().identify().after(5);
    expect(
      given.try({ type: 'requestExtension', by: 'police', days: 10, ground: 'special-reasons' }),
    ).toMatchObject({
      code: 'ACTOR_NOT_PERMITTED',
      rule: 'R6',
    });
    expect(
      given.try({ type: 'requestExtension', by: 'victim', days: 10, ground: 'special-reasons' }).ok,
    ).toBe(true);
    given.do({ type: 'requestExtension', by: 'victim', days: 10, ground: 'special-reasons' });
    expect(given.try({ type: 'decideExtension', by: 'cmm', outcome: 'granted', days: 10 })).toMatchObject({
      code: 'WRONG_AUTHORITY',
    });
    expect(eventTypes(given.try({ type: 'decideExtension', by: 'dis', outcome: 'refused' }))).toEqual([
      'ExtensionRefused',
    ]);
  });

  it('R6: a timely request holds the period end until DIS decides, and the missing decision escalates to CMM', () => {
    const given = scenario(P).refer().identify().after(25);
    given.do({ type: 'requestExtension', by: 'cmm', days: 20, ground: 'special-reasons' });
    const deadlines = currentDeadlines(given.state, P);
    expect(deadlines.map((d) => d.id)).toEqual(['extension-decision:1']);
    given.after(5);
    expect(
      given.try({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'reflection-period-end' }),
    ).toMatchObject({
      code: 'UNKNOWN_DEADLINE',
    });
    expect(
      given.try({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'extension-decision:1' }),
    ).toMatchObject({
      ok: true,
      events: [{ type: 'DeadlineMissed', responsible: 'dis', escalateTo: ['cmm'] }],
    });
    // A late grant still counts from the period's end.
    given.after(3).do({ type: 'decideExtension', by: 'dis', outcome: 'granted', days: 20 });
    expect(given.case.period?.endsAt).toBe(addDays(T0, 50));
  });

  it('R7: an identified victim with legal stay gets the equivalent restitution period, and stays on when it ends', () => {
    const given = scenario(P).refer(LEGAL_STAY).identify();
    expect(given.case.stage).toBe('restitution-period');
    expect(given.case.identification?.by).toBe('cmm');
    given.after(30).do({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'restitution-period-end' });
    expect(given.case.closed?.reason).toBe('period-ended-with-legal-stay');
  });

  it('R5: property — no sequence of extension requests and decisions exceeds the cap', () => {
    const wide = fc.integer({ min: -5, max: 130 });
    const step = fc.record({
      waitDays: fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: 0, max: 5 }) },
        fc.integer({ min: 0, max: 40 }),
      ),
      requestDays: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 40 }) }, wide),
      grant: fc.oneof(
        fc.constant<'refuse'>('refuse'),
        { weight: 3, arbitrary: fc.constant<'as-requested'>('as-requested') },
        wide,
      ),
      ground: fc.constantFrom('avr-cooperation' as const, 'special-reasons' as const),
      by: fc.constantFrom('cmm' as const, 'shelter' as const, 'police' as const, 'victim' as const),
    });
    let grants = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 150 }),
        fc.boolean(),
        fc.array(step, { maxLength: 12 }),
        (baseDays, extra, avr, steps) => {
          const policy = loadPolicy({
            ...DENMARK_2013_DATA,
            periods: {
              ...DENMARK_2013_DATA.periods,
              reflection: { ...DENMARK_2013_DATA.periods.reflection, baseDays },
              restitution: { ...DENMARK_2013_DATA.periods.restitution, baseDays },
              extension: { ...DENMARK_2013_DATA.periods.extension, capTotalDays: baseDays + extra },
            },
          });
          const s = scenario(policy).refer().identify();
          if (avr) s.do({ type: 'confirmAvrCooperation', by: 'cmm' });
          for (const st of steps) {
            s.after(st.waitDays);
            const requested = s.try({
              type: 'requestExtension',
              by: st.by,
              days: st.requestDays,
              ground: st.ground,
            });
            if (requested.ok) requested.events.forEach((e) => s.apply(e));
            const days = st.grant === 'as-requested' ? st.requestDays : st.grant;
            const decision =
              days === 'refuse'
                ? s.try({ type: 'decideExtension', by: 'dis', outcome: 'refused' })
                : s.try({ type: 'decideExtension', by: 'dis', outcome: 'granted', days });
            if (decision.ok) decision.events.forEach((e) => s.apply(e));
            if (decision.ok && decision.events.some((e) => e.type === 'ExtensionGranted')) grants++;
            const period = s.case.period;
            if (period === undefined) throw new Error('period expected');
            expect(usedDays(period)).toBeLessThanOrEqual(policy.periods.extension.capTotalDays);
            expect(isBefore(latestPossibleEnd(period, policy), period.endsAt)).toBe(false);
            expect((toEpochMs(period.endsAt) - toEpochMs(period.startsAt)) / DAY_MS).toBe(usedDays(period));
          }
        },
      ),
      { numRuns: 1000 },
    );
    // The walk really exercises the cap: many extensions were granted along the way.
    expect(grants).toBeGreaterThan(200);
  }, 60_000);
});
