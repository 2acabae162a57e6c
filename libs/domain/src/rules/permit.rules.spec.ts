import { describe, expect, it } from 'vitest';
import { currentDeadlines, scheduleFor } from '../pathway/pathway.schedule.js';
import { DENMARK_2013 } from '../policies/denmark-2013.policy.js';
import { DENMARK_PRE_2013 } from '../policies/denmark-pre-2013.policy.js';
import { eventTypes, scenario, T0 } from '../testing/scenario.fixtures.js';
import { addDays, addMonths, instant } from '../time.js';

const P = DENMARK_2013;

describe('R11–R13 temporary residence permit §9c(5) and work permit', () => {
  it('R11: police apply to DIS on the victim’s behalf; DIS grants; the period gives way to the permit', () => {
    const given = scenario(P).refer().identify().after(10);
    given.do({ type: 'applyForPermit', by: 'police', victimCooperatesWithPolice: true });
    expect(eventTypes(given.try({ type: 'decidePermit', by: 'dis', outcome: 'granted' }))).toEqual([
      'PeriodEnded',
      'PermitGranted',
      'StageChanged',
    ]);
  });

  it('R11: the victim cannot apply (VICTIM_CANNOT_APPLY), nor can CMM', () => {
    const given = scenario(P).refer().identify();
    expect(
      given.try({ type: 'applyForPermit', by: 'victim', victimCooperatesWithPolice: true }),
    ).toMatchObject({
      ok: false,
      code: 'VICTIM_CANNOT_APPLY',
      rule: 'R11',
    });
    expect(given.try({ type: 'applyForPermit', by: 'cmm', victimCooperatesWithPolice: true })).toMatchObject({
      code: 'ACTOR_NOT_PERMITTED',
    });
    expect(
      given.try({ type: 'applyForPermit', by: 'prosecution', victimCooperatesWithPolice: true }).ok,
    ).toBe(true);
  });

  it('R11: the permit requires cooperation with the police; only DIS decides', () => {
    const given = scenario(P).refer().identify();
    expect(
      given.try({ type: 'applyForPermit', by: 'police', victimCooperatesWithPolice: false }),
    ).toMatchObject({
      code: 'POLICE_COOPERATION_REQUIRED',
    });
    given.do({ type: 'applyForPermit', by: 'police', victimCooperatesWithPolice: true });
    expect(given.try({ type: 'decidePermit', by: 'police', outcome: 'granted' })).toMatchObject({
      code: 'WRONG_AUTHORITY',
    });
  });

  it('R11: no permit once the investigation has ended, and none before L 129 (2013)', () => {
    const given = scenario(P).refer().identify().do({ type: 'endInvestigation', by: 'police' });
    expect(
      given.try({ type: 'applyForPermit', by: 'police', victimCooperatesWithPolice: true }),
    ).toMatchObject({
      code: 'INVESTIGATION_ENDED',
    });
    const old = scenario(DENMARK_PRE_2013, instant('2010-01-01T00:00:00Z')).refer().identify();
    expect(old.try({ type: 'applyForPermit', by: 'police', victimCooperatesWithPolice: true })).toMatchObject(
      {
        code: 'PERMIT_NOT_AVAILABLE',
      },
    );
  });

  it('R12: the permit is issued for 6 months at a time (calendar months: 31 Aug → 28/29 Feb)', () => {
    const start = instant('2023-08-31T09:00:00Z');
    const given = scenario(P, start).refer().identify().grantPermit();
    expect(given.case.permit.terms[0]).toMatchObject({ startsAt: start, endsAt: '2024-02-29T09:00:00.000Z' });
    expect(currentDeadlines(given.state, P)).toMatchObject([
      { id: 'permit-expiry:1', responsible: 'police', dueAt: '2024-02-29T09:00:00.000Z', rule: 'R12' },
    ]);
  });

  it('R12: police are reminded 30 and 7 days before expiry', () => {
    const given = scenario(P).refer().identify().grantPermit();
    const end = addMonths(T0, 6);
    expect(scheduleFor(given.state, P).actions).toMatchObject([
      { kind: 'reminder', at: addDays(end, -30), to: ['police'], daysBefore: 30 },
      { kind: 'reminder', at: addDays(end, -7), to: ['police'], daysBefore: 7 },
      { kind: 'expiry', at: end, command: { type: 'recordDeadlineReached', deadlineId: 'permit-expiry:1' } },
    ]);
  });

  it('R12: each renewal needs a new police application before expiry; the next term runs on from the last', () => {
    const given = scenario(P).refer().identify().grantPermit().after(170);
    expect(
      given.try({ type: 'requestPermitRenewal', by: 'victim', victimCooperatesWithPolice: true }),
    ).toMatchObject({
      code: 'VICTIM_CANNOT_APPLY',
    });
    given.do({ type: 'requestPermitRenewal', by: 'police', victimCooperatesWithPolice: true });
    given.after(5).do({ type: 'decidePermit', by: 'dis', outcome: 'granted' });
    expect(given.case.permit.terms[1]).toMatchObject({
      startsAt: addMonths(T0, 6),
      endsAt: addMonths(addMonths(T0, 6), 6),
    });
    const [deadline] = currentDeadlines(given.state, P);
    expect(deadline?.explanation).toMatchObject({
      startsAt: T0,
      base: { amount: 6, unit: 'months' },
      extensions: [{ rule: 'R12', decidedBy: 'dis', duration: { amount: 6, unit: 'months' } }],
      dueAt: addMonths(addMonths(T0, 6), 6),
    });
  });

  it('R12: a renewal requested after expiry is refused; at expiry the person must leave', () => {
    const given = scenario(P).refer().identify().grantPermit().at(addMonths(T0, 6));
    expect(
      given.try({ type: 'requestPermitRenewal', by: 'police', victimCooperatesWithPolice: true }),
    ).toMatchObject({
      code: 'DEADLINE_PASSED',
    });
    expect(
      given.try({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'permit-expiry:1' }),
    ).toMatchObject({
      ok: true,
      events: [
        { type: 'PermitEnded', cause: 'expired' },
        { type: 'StageChanged', to: 'departure-required', rule: 'R16' },
      ],
    });
  });

  it('R11: no renewal once the investigation has ended (INVESTIGATION_ENDED); the permit ends with it', () => {
    const given = scenario(P).refer().identify().grantPermit().after(30);
    const ended = given.try({ type: 'endInvestigation', by: 'prosecution' });
    expect(eventTypes(ended)).toEqual(['InvestigationEnded', 'PermitEnded', 'StageChanged']);
    given.do({ type: 'endInvestigation', by: 'prosecution' });
    expect(given.case.stage).toBe('departure-required');
    expect(currentDeadlines(given.state, P)).toEqual([]);
  });

  it('R11: a renewal pending when the investigation ends cannot be granted', () => {
    const given = scenario(P).refer().identify().confirmAvr().grantPermit().after(170);
    given.do({ type: 'requestPermitRenewal', by: 'police', victimCooperatesWithPolice: true });
    expect(
      given.try({ type: 'requestPermitRenewal', by: 'police', victimCooperatesWithPolice: true }),
    ).toMatchObject({
      code: 'APPLICATION_PENDING',
    });
    given.do({ type: 'endInvestigation', by: 'police' });
    expect(given.try({ type: 'decidePermit', by: 'dis', outcome: 'granted' })).toMatchObject({
      code: 'NO_PENDING_APPLICATION',
    });
    expect(
      given.try({ type: 'requestPermitRenewal', by: 'police', victimCooperatesWithPolice: true }),
    ).toMatchObject({
      code: 'NOT_IN_STAGE',
    });
  });

  it('R12: a pending renewal holds the expiry; a missed DIS decision escalates to CMM', () => {
    const given = scenario(P).refer().identify().grantPermit().after(175);
    given.do({ type: 'requestPermitRenewal', by: 'police', victimCooperatesWithPolice: true });
    expect(currentDeadlines(given.state, P).map((d) => d.id)).toEqual(['permit-renewal-decision:1']);
    given.at(addMonths(T0, 6));
    expect(
      given.try({ type: 'recordDeadlineReached', by: 'system', deadlineId: 'permit-renewal-decision:1' }),
    ).toMatchObject({
      ok: true,
      events: [{ type: 'DeadlineMissed', responsible: 'dis', escalateTo: ['cmm'] }],
    });
  });

  it('R13: the permit holder may apply for a work permit, granted by DIS without further requirements', () => {
    const given = scenario(P).refer().identify();
    expect(given.try({ type: 'applyForWorkPermit', by: 'victim' })).toMatchObject({
      code: 'NO_ACTIVE_PERMIT',
    });
    given.grantPermit().do({ type: 'applyForWorkPermit', by: 'victim' });
    expect(given.try({ type: 'decideWorkPermit', by: 'police' })).toMatchObject({ code: 'WRONG_AUTHORITY' });
    expect(eventTypes(given.try({ type: 'decideWorkPermit', by: 'dis' }))).toEqual(['WorkPermitGranted']);
  });
});
