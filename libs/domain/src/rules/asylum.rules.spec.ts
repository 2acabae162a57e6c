import { describe, expect, it } from 'vitest';
import { currentDeadlines } from '../pathway/pathway.schedule.js';
import { recipientsOf } from '../pathway/pathway.notifications.js';
import { DENMARK_2013 } from '../policies/denmark-2013.policy.js';
import { eventTypes, scenario } from '../testing/scenario.fixtures.js';

const P = DENMARK_2013;

describe('R18 asylum', () => {
  it('R18: a victim may apply for asylum at any time — even before identification', () => {
    const given = scenario(P).refer();
    expect(given.try({ type: 'applyForAsylum', by: 'victim' })).toMatchObject({
      ok: true,
      events: [
        { type: 'AsylumApplied', resumeStage: 'referred' },
        { type: 'StageChanged', to: 'asylum', rule: 'R18' },
      ],
    });
  });

  it('R18: also while holding a permit (without prejudice to asylum); not twice; not after departure', () => {
    const given = scenario(P).refer().identify().grantPermit();
    given.do({ type: 'applyForAsylum', by: 'victim' });
    expect(given.try({ type: 'applyForAsylum', by: 'victim' })).toMatchObject({
      code: 'APPLICATION_PENDING',
    });
    const departed = scenario(P).refer().identify().confirmAvr().do({ type: 'recordDeparture', by: 'iom' });
    expect(departed.try({ type: 'applyForAsylum', by: 'victim' })).toMatchObject({ code: 'NOT_IN_STAGE' });
  });

  it('R18: granted → DIS allocates a municipality, which is told to offer an integration plan; the pathway closes', () => {
    const given = scenario(P).refer().identify().do({ type: 'applyForAsylum', by: 'victim' });
    expect(
      given.try({ type: 'decideAsylum', by: 'cmm', outcome: 'granted', municipalityCode: '101' }),
    ).toMatchObject({
      code: 'WRONG_AUTHORITY',
    });
    given.do({ type: 'decideAsylum', by: 'dis', outcome: 'granted', municipalityCode: '101' });
    expect(given.case.closed?.reason).toBe('asylum-granted');
    expect(given.case.asylum?.municipalityCode).toBe('101');
    const granted = given.events.find((e) => e.type === 'AsylumGranted');
    expect(granted && recipientsOf(granted, given.state, P)).toContain('municipality');
  });

  it('R18: while the claim is pending the reflection clock does not force departure', () => {
    const given = scenario(P).refer().identify().after(10).do({ type: 'applyForAsylum', by: 'victim' });
    expect(currentDeadlines(given.state, P)).toEqual([]);
  });

  it('R18: refused → back to the period if it is still running', () => {
    const given = scenario(P)
      .refer()
      .identify()
      .after(10)
      .do({ type: 'applyForAsylum', by: 'victim' })
      .after(5);
    expect(given.try({ type: 'decideAsylum', by: 'dis', outcome: 'refused' })).toMatchObject({
      ok: true,
      events: [{ type: 'AsylumRefused' }, { type: 'StageChanged', to: 'reflection-period', rule: 'R18' }],
    });
  });

  it('R18: refused after the period ran out → back to return (departure required, or AVR if chosen)', () => {
    const given = scenario(P)
      .refer()
      .identify()
      .after(10)
      .do({ type: 'applyForAsylum', by: 'victim' })
      .after(60);
    expect(eventTypes(given.try({ type: 'decideAsylum', by: 'dis', outcome: 'refused' }))).toEqual([
      'AsylumRefused',
      'PeriodEnded',
      'StageChanged',
    ]);
    given.do({ type: 'decideAsylum', by: 'dis', outcome: 'refused' });
    expect(given.case.stage).toBe('departure-required');

    const avr = scenario(P)
      .refer()
      .identify()
      .confirmAvr()
      .do({ type: 'applyForAsylum', by: 'victim' })
      .after(90);
    avr.do({ type: 'decideAsylum', by: 'dis', outcome: 'refused' });
    expect(avr.case.stage).toBe('avr-return');
  });

  it('R18: a municipality is a code, not an address', () => {
    const given = scenario(P).refer().do({ type: 'applyForAsylum', by: 'victim' });
    expect(
      given.try({ type: 'decideAsylum', by: 'dis', outcome: 'granted', municipalityCode: 'Vesterbrogade 1' }),
    ).toMatchObject({ code: 'INVALID_COMMAND' });
  });
});
