import { describe, expect, it } from 'vitest';
import { DENMARK_2013 } from '../policies/denmark-2013.policy.js';
import { CASE_REF, eventTypes, scenario, T0 } from '../testing/scenario.fixtures.js';
import { addDays, addMonths } from '../time.js';
import { decide } from './pathway.decide.js';
import { recipientsOf } from './pathway.notifications.js';
import { initialState } from '../model/pathway.state.js';

const P = DENMARK_2013;

describe('decide: the pathway end to end', () => {
  it('R1: commands before referral are refused; referral opens the case in stage referred', () => {
    expect(decide({ type: 'recordInterview', by: 'cmm' }, initialState(), T0, P)).toMatchObject({
      code: 'CASE_NOT_OPEN',
    });
    const given = scenario(P).refer();
    expect(given.case).toMatchObject({
      stage: 'referred',
      caseRef: CASE_REF,
      policyVersion: 'dk-2013.1',
      openedAt: T0,
    });
    expect(given.events[0]).toMatchObject({ type: 'CaseReferred', competentAuthority: 'dis' });
    expect(
      given.try({
        type: 'referCase',
        by: 'police',
        caseRef: CASE_REF,
        channel: 'first-encounter',
        facts: { hasLegalStay: false, isDefendant: false, age: 'adult' },
      }),
    ).toMatchObject({ code: 'CASE_ALREADY_OPEN' });
  });

  it('R4, R5, R19, R14, R16: referral → identification → reflection → extension → AVR → monitoring → closed', () => {
    const s = scenario(P).refer().identify();
    expect(s.case.stage).toBe('reflection-period');
    s.after(5).confirmAvr();
    s.after(15).do({ type: 'requestExtension', by: 'cmm', days: 30, ground: 'avr-cooperation' });
    s.after(1).do({ type: 'decideExtension', by: 'dis', outcome: 'granted', days: 30 });
    s.at(addDays(T0, 60)).do({
      type: 'recordDeadlineReached',
      by: 'system',
      deadlineId: 'reflection-period-end',
    });
    expect(s.case.stage).toBe('avr-return');
    s.after(2).do({ type: 'recordDeparture', by: 'iom' }).after(1).do({ type: 'recordArrival', by: 'iom' });
    const arrived = addDays(T0, 63);
    for (let month = 1; month <= 6; month++)
      s.at(addMonths(arrived, month)).do({ type: 'recordCheckIn', by: 'iom' });
    s.do({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'monitoring-end' });
    expect(s.case.closed).toEqual({ at: addMonths(arrived, 6), reason: 'reintegration-completed' });
    expect(s.events.flatMap((e) => (e.type === 'StageChanged' ? [e.to] : []))).toEqual([
      'interviewing',
      'awaiting-identification',
      'reflection-period',
      'avr-return',
      'monitoring',
    ]);
  });

  it('R1, R10: a defendant recognised by the court is assisted during the criminal case; then the period starts', () => {
    const s = scenario(P).refer({ hasLegalStay: false, isDefendant: true, age: 'adult' });
    expect(s.events[0]).toMatchObject({ competentAuthority: 'court' });
    s.do({ type: 'courtGrantsStatus', by: 'court' });
    expect(s.case.stage).toBe('court-granted');
    expect(s.try({ type: 'concludeCriminalCase', by: 'police' })).toMatchObject({
      code: 'ACTOR_NOT_PERMITTED',
    });
    s.after(90).do({ type: 'concludeCriminalCase', by: 'court' });
    expect(s.case).toMatchObject({ stage: 'reflection-period', facts: { isDefendant: false } });
    expect(s.case.period?.startsAt).toBe(addDays(T0, 90));
  });

  it('the coordinator (CMM) may close a case by hand, nobody else; a closed case refuses every command', () => {
    const s = scenario(P).refer();
    expect(s.try({ type: 'closeCase', by: 'ngo', reason: 'victim-withdrew' })).toMatchObject({
      code: 'ACTOR_NOT_PERMITTED',
    });
    s.do({ type: 'closeCase', by: 'cmm', reason: 'victim-withdrew' });
    expect(s.case.closed?.reason).toBe('victim-withdrew');
    expect(s.try({ type: 'recordInterview', by: 'cmm' })).toMatchObject({ code: 'CASE_CLOSED' });
  });

  it('R14: stale timers are refused without effect: UNKNOWN_DEADLINE for a met deadline, system-only', () => {
    const s = scenario(P).refer().identify().confirmAvr().returnHome().after(10);
    s.do({ type: 'recordCheckIn', by: 'iom' });
    expect(
      s.at(addMonths(T0, 2)).try({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'check-in:1' }),
    ).toMatchObject({
      code: 'UNKNOWN_DEADLINE',
    });
    expect(s.try({ type: 'recordDeadlineReached', by: 'iom', deadlineId: 'check-in:2' })).toMatchObject({
      code: 'ACTOR_NOT_PERMITTED',
    });
  });

  it('R19: repeating an AVR confirmation is idempotent (no new events)', () => {
    const s = scenario(P).refer().identify().confirmAvr();
    expect(eventTypes(s.try({ type: 'confirmAvrCooperation', by: 'cmm' }))).toEqual([]);
  });

  it('R10: agencies told of events: departure required goes to CMM, DIS and police; identification to its authority', () => {
    const s = scenario(P).refer().interview().submit();
    const requested = s.events.find((e) => e.type === 'IdentificationRequested');
    expect(requested && recipientsOf(requested, s.state, P)).toEqual(['dis']);
    s.do({ type: 'decideIdentification', by: 'dis', outcome: 'identified' }).after(30);
    s.do({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'reflection-period-end' });
    const moved = s.events.at(-1);
    expect(moved && recipientsOf(moved, s.state, P)).toEqual(['cmm', 'dis', 'police']);
  });

  it('no personal data: the state holds none for a refusal reason to leak', () => {
    const s = scenario(P).refer();
    expect(Object.keys(s.case).sort()).toEqual(
      [
        'avr',
        'caseRef',
        'child',
        'escalated',
        'facts',
        'intake',
        'interviews',
        'openedAt',
        'permit',
        'policyVersion',
        'stage',
        'stageSince',
      ].sort(),
    );
    expect(Object.keys(s.case.facts).sort()).toEqual(
      ['age', 'hasLegalStay', 'isAsylumSeeker', 'isDefendant', 'siriResponsible', 'unaccompanied'].sort(),
    );
  });
});
