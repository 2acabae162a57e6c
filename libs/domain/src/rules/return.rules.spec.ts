import { describe, expect, it } from 'vitest';
import { currentDeadlines, scheduleFor } from '../pathway/pathway.schedule.js';
import { DENMARK_2013, DENMARK_2013_DATA } from '../policies/denmark-2013.policy.js';
import { loadPolicy } from '../policy/policy.load.js';
import { eventTypes, scenario, T0 } from '../testing/scenario.fixtures.js';
import { addDays, addMonths, instant } from '../time.js';
import { monitoringPlan } from './return.rules.js';

const P = DENMARK_2013;

describe('R14–R16, R19 return and reintegration', () => {
  it('R14: monitoring lasts 6 months after arrival with monthly check-ins (calendar months)', () => {
    const arrived = instant('2024-08-31T12:00:00Z');
    expect(monitoringPlan(arrived, P)).toEqual({
      endsAt: '2025-02-28T12:00:00.000Z',
      checkInsDueAt: [
        '2024-09-30T12:00:00.000Z',
        '2024-10-31T12:00:00.000Z',
        '2024-11-30T12:00:00.000Z',
        '2024-12-31T12:00:00.000Z',
        '2025-01-31T12:00:00.000Z',
        '2025-02-28T12:00:00.000Z',
      ],
    });
  });

  it('R14: the check-in cadence is configurable (every 14 days)', () => {
    const fortnightly = loadPolicy({
      ...DENMARK_2013_DATA,
      version: 'dk-2013.fortnightly',
      avr: { ...DENMARK_2013_DATA.avr, checkInEvery: { amount: 14, unit: 'days' } },
    });
    const plan = monitoringPlan(T0, fortnightly);
    expect(plan.checkInsDueAt[0]).toBe(addDays(T0, 14));
    // 1 Jan → 1 Jul 2024 is 182 days = 13 × 14: the last check-in falls on the end of monitoring.
    expect(plan.checkInsDueAt).toHaveLength(13);
    expect(plan.checkInsDueAt.at(-1)).toBe(plan.endsAt);
  });

  it('R14: IOM records departure and arrival; arrival starts monitoring with check-in deadlines', () => {
    const given = scenario(P).refer().identify().confirmAvr().after(10);
    expect(eventTypes(given.try({ type: 'recordDeparture', by: 'iom' }))).toEqual([
      'PeriodEnded',
      'DepartureRecorded',
      'StageChanged',
    ]);
    given.do({ type: 'recordDeparture', by: 'iom' });
    expect(given.try({ type: 'recordArrival', by: 'cmm' })).toMatchObject({ code: 'ACTOR_NOT_PERMITTED' });
    given.after(1).do({ type: 'recordArrival', by: 'iom' });
    expect(given.case.stage).toBe('monitoring');
    const ids = currentDeadlines(given.state, P).map((d) => d.id);
    expect(ids).toEqual([
      'check-in:1',
      'check-in:2',
      'check-in:3',
      'check-in:4',
      'check-in:5',
      'check-in:6',
      'monitoring-end',
    ]);
  });

  it('R14: IOM is reminded 3 days before a check-in; a missed check-in escalates to CMM after the grace days', () => {
    const given = scenario(P).refer().identify().confirmAvr().returnHome();
    const due = addMonths(T0, 1);
    const actions = scheduleFor(given.state, P).actions.filter((a) => a.deadlineId === 'check-in:1');
    expect(actions).toMatchObject([
      { kind: 'reminder', at: addDays(due, -3), to: ['iom'], rule: 'R14' },
      { kind: 'escalation', at: addDays(due, 3), escalateTo: ['cmm'] },
    ]);
    given.at(addDays(due, 2));
    expect(
      given.try({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'check-in:1' }),
    ).toMatchObject({
      code: 'DEADLINE_NOT_REACHED',
    });
    given.at(addDays(due, 3)).do({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'check-in:1' });
    expect(given.events.at(-1)).toMatchObject({
      type: 'DeadlineMissed',
      kind: 'check-in',
      escalateTo: ['cmm'],
    });
    // Escalated once: the deadline is gone, a late check-in still fills the slot.
    expect(currentDeadlines(given.state, P).map((d) => d.id)).not.toContain('check-in:1');
    given.do({ type: 'recordCheckIn', by: 'iom' });
    expect(given.case.monitoring?.checkIns).toMatchObject([{ slot: 1 }]);
  });

  it('R14: a check-in fills the open slot; an early one for a later slot is refused', () => {
    const given = scenario(P).refer().identify().confirmAvr().returnHome().after(10);
    given.do({ type: 'recordCheckIn', by: 'iom' });
    expect(given.try({ type: 'recordCheckIn', by: 'iom' })).toMatchObject({ code: 'CHECK_IN_NOT_DUE' });
    given.at(addMonths(T0, 1)).do({ type: 'recordCheckIn', by: 'iom' });
    expect(given.case.monitoring?.checkIns.map((c) => c.slot)).toEqual([1, 2]);
  });

  it('R14: the reintegration operator is configuration (DRC instead of IOM)', () => {
    const drc = loadPolicy({
      ...DENMARK_2013_DATA,
      version: 'dk-2013.drc',
      avr: { ...DENMARK_2013_DATA.avr, reintegrationOperator: 'drc' },
      agencies: [
        ...DENMARK_2013_DATA.agencies,
        { id: 'drc', name: 'DRC', role: 'reintegration', organisations: [] },
      ],
    });
    const given = scenario(drc).refer().identify().confirmAvr().do({ type: 'recordDeparture', by: 'iom' });
    expect(given.try({ type: 'recordArrival', by: 'iom' })).toMatchObject({ code: 'ACTOR_NOT_PERMITTED' });
    given.do({ type: 'recordArrival', by: 'drc' });
    expect(currentDeadlines(given.state, drc)[0]?.responsible).toBe('drc');
  });

  it('R15: after a permit, return is carried out when presence is no longer needed (AVR planned meanwhile)', () => {
    const given = scenario(P).refer().identify().grantPermit().after(60);
    given.do({ type: 'confirmAvrCooperation', by: 'cmm' }).do({ type: 'draftAvrPlan', by: 'iom' });
    expect(given.try({ type: 'recordDeparture', by: 'iom' })).toMatchObject({ code: 'NOT_IN_STAGE' });
    expect(given.try({ type: 'endInvestigation', by: 'police' })).toMatchObject({
      ok: true,
      events: [
        { type: 'InvestigationEnded' },
        { type: 'PermitEnded' },
        { type: 'StageChanged', to: 'avr-return', rule: 'R15' },
      ],
    });
  });

  it('R16: permit holders must return when the proceedings end', () => {
    const given = scenario(P)
      .refer()
      .identify()
      .grantPermit()
      .after(60)
      .do({ type: 'endInvestigation', by: 'court' });
    expect(given.case.stage).toBe('departure-required');
    expect(given.events.at(-1)).toMatchObject({ type: 'StageChanged', rule: 'R16' });
  });

  it('R16: no long-term assistance: the pathway closes when the six months of monitoring end', () => {
    const given = scenario(P).refer().identify().confirmAvr().returnHome().at(addMonths(T0, 6));
    const decision = given.try({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'monitoring-end' });
    // Outstanding check-ins are escalated rather than lost, then the case closes.
    expect(eventTypes(decision)).toEqual([
      ...Array<string>(6).fill('DeadlineMissed'),
      'ReintegrationCompleted',
      'CaseClosed',
    ]);
    given.do({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'monitoring-end' });
    expect(given.case.closed?.reason).toBe('reintegration-completed');
    expect(scheduleFor(given.state, P).actions).toEqual([]);
  });

  it('R19: the AVR plan is drafted during the period; an assisted departure needs it', () => {
    const given = scenario(P).refer().identify();
    expect(given.try({ type: 'draftAvrPlan', by: 'iom' })).toMatchObject({
      code: 'AVR_COOPERATION_NOT_CONFIRMED',
    });
    given.do({ type: 'confirmAvrCooperation', by: 'iom' });
    expect(given.try({ type: 'recordDeparture', by: 'iom' })).toMatchObject({ code: 'AVR_PLAN_REQUIRED' });
    given.do({ type: 'draftAvrPlan', by: 'iom' });
    expect(given.try({ type: 'recordDeparture', by: 'iom' }).ok).toBe(true);
  });

  it('R19: AVR is offered whether or not the victim cooperates with the police (from departure-required)', () => {
    const given = scenario(P).refer().identify().after(30);
    given.do({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'reflection-period-end' });
    expect(given.case.stage).toBe('departure-required');
    expect(given.try({ type: 'confirmAvrCooperation', by: 'iom' })).toMatchObject({
      ok: true,
      events: [{ type: 'AvrCooperationConfirmed' }, { type: 'StageChanged', to: 'avr-return', rule: 'R19' }],
    });
  });

  it('R19: with AVR confirmed, the end of the reflection period leads to AVR, not to forced departure', () => {
    const given = scenario(P).refer().identify().confirmAvr().after(30);
    expect(
      given.try({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'reflection-period-end' }),
    ).toMatchObject({
      ok: true,
      events: [{ type: 'PeriodEnded' }, { type: 'StageChanged', to: 'avr-return', rule: 'R19' }],
    });
  });

  it('R10: without AVR, police record the departure of a person who must leave, and the case closes', () => {
    const given = scenario(P).refer().identify().after(30);
    given.do({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'reflection-period-end' });
    expect(given.try({ type: 'recordDeparture', by: 'iom' })).toMatchObject({ code: 'ACTOR_NOT_PERMITTED' });
    given.do({ type: 'recordDeparture', by: 'police' });
    expect(given.case.closed?.reason).toBe('departed');
  });
});
