import { describe, expect, it } from 'vitest';
import { agencyTopic } from '../../libs/contracts/src/index.js';
import { e2eSystem, okView as ok } from '../support/e2e-system.js';

/**
 * What the agencies see of the domain over HTTP and on their topics, on the real servers: who gets access
 * and news when asylum is granted (R18), what the police see of a child's case (R17).
 */
describe('the right agency told and let in at the right moment', () => {
  const e2e = e2eSystem('fidelity', { topics: [agencyTopic('police'), agencyTopic('municipality')] });

  it('R18: when DIS grants asylum, the municipality it names can open the case; the referring police unit is told it closed', async () => {
    const ref = (
      await e2e.gateway.open(e2e.tokens.police, 'police', { facts: { hasLegalStay: false, age: 'adult' } })
    ).caseRef;
    ok(await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'recordInterview'));
    ok(await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'submitForIdentification'));
    ok(await e2e.gateway.act(e2e.tokens.dis, 'dis', ref, 'decideIdentification', { outcome: 'identified' }));
    ok(await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'applyForAsylum', { onBehalfOfVictim: true }));
    const aarhus = await e2e.gateway.token('municipality', '751');
    expect((await e2e.gateway.call('GET', `/municipality/cases/${ref}`, { token: aarhus })).status).toBe(404);

    const granted = ok(
      await e2e.gateway.act(e2e.tokens.dis, 'dis', ref, 'decideAsylum', {
        outcome: 'granted',
        municipalityCode: '751',
      }),
    );
    expect(granted.stage).toBe('closed');
    expect(granted.access).toContainEqual(
      expect.objectContaining({ role: 'municipality', party: '751', by: 'dis' }),
    );

    const seen = ok(await e2e.gateway.call('GET', `/municipality/cases/${ref}`, { token: aarhus }));
    expect(seen.state).toMatchObject({ asylum: { outcome: 'granted', municipalityCode: '751' } });
    // Another municipality still sees nothing.
    const odense = await e2e.gateway.token('municipality', '461');
    expect((await e2e.gateway.call('GET', `/municipality/cases/${ref}`, { token: odense })).status).toBe(404);

    const closure = await e2e.reader.waitFor((m) =>
      m.some(
        (x) =>
          x.topic === agencyTopic('police') &&
          x.event.subject === ref &&
          x.event.type === 'dk.pathway.case-closed.v1',
      ),
    );
    expect(
      closure.find(
        (x) =>
          x.topic === agencyTopic('police') &&
          x.event.type === 'dk.pathway.case-closed.v1' &&
          x.event.subject === ref,
      )?.event.data,
    ).toMatchObject({
      reason: 'asylum-granted',
    });
    await e2e.reader.waitFor((m) =>
      m.some(
        (x) =>
          x.topic === agencyTopic('municipality') &&
          x.event.subject === ref &&
          x.event.type === 'dk.pathway.asylum-granted.v1',
      ),
    );
  });

  it('R17: the referring police unit sees that a child’s guardian is due, and when, but not the child’s file; the municipality is told at once', async () => {
    const child = (
      await e2e.gateway.open(e2e.tokens.police, 'police', { facts: { hasLegalStay: false, age: 'child' } })
    ).caseRef;
    const view = ok(await e2e.gateway.call('GET', `/police/cases/${child}`, { token: e2e.tokens.police }));
    expect(view.deadlines).toEqual([
      expect.objectContaining({ kind: 'guardian-appointment', responsible: 'municipality', rule: 'R17' }),
    ]);
    expect(view.state).not.toHaveProperty('child');
    await e2e.reader.waitFor((m) =>
      m.some(
        (x) =>
          x.topic === agencyTopic('municipality') &&
          x.event.subject === child &&
          x.event.type === 'dk.pathway.case-referred.v1',
      ),
    );
  });

  it('the agency directory: every role reads the agencies, their roles and contacts; CMM’s hotline says whether it is open', async () => {
    const guardian = await e2e.gateway.token('guardian', 'guardians-dk', 'guardian-1');
    const result = await e2e.gateway.call<{
      policyVersion: string;
      timeZone: string;
      agencies: Array<{ id: string; role: string; organisations: Array<Record<string, unknown>> }>;
    }>('GET', '/directory', { token: guardian });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ policyVersion: 'dk-2013.2', timeZone: 'Europe/Copenhagen' });
    const cmmEntry = result.body.agencies.find((a) => a.id === 'cmm');
    expect(cmmEntry?.organisations[0]).toMatchObject({
      hotline: '+45 70 20 25 50',
      email: 'cmm@socialstyrelsen.dk',
      openNow: expect.any(Boolean),
    });
    expect(result.body.agencies.find((a) => a.id === 'iom')?.organisations[0]).toMatchObject({
      phone: '+45 45 33 53 94',
    });
    expect((await e2e.gateway.call('GET', '/directory')).status).toBe(401);
  });

  it('R8 R9 R6: the case lists the support on offer now and that none depends on cooperation; an extension filed with CMM’s help names the helper; every timeline entry names who acted; the next steps are said in words', async () => {
    const ref = (
      await e2e.gateway.open(e2e.tokens.police, 'police', { facts: { hasLegalStay: false, age: 'adult' } })
    ).caseRef;
    ok(await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'recordInterview'));
    ok(await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'submitForIdentification'));
    const identified = ok(
      await e2e.gateway.act(e2e.tokens.dis, 'dis', ref, 'decideIdentification', { outcome: 'identified' }),
    );
    expect(identified.support?.map((o) => o.kind)).toEqual([
      'accommodation',
      'medical-care',
      'legal-counselling',
      'psychological-support',
      'assisted-voluntary-return',
    ]);
    for (const offer of identified.support ?? []) expect(offer.dependsOnCooperation).toBe(false);
    expect(identified.support?.[0]?.providers).toEqual([{ agency: 'shelter', name: 'the shelter' }]);
    const [step] = identified.nextSteps ?? [];
    expect(step).toMatchObject({ deadlineKind: 'reflection-period-end', responsible: 'cmm' });
    expect(step?.text).toMatch(/^CMM must act by \w+day \d{1,2} \w+ \d{4} \(R4\)\. CMM will be reminded on /);
    expect(step?.text).toContain('the person must leave Denmark (R10)');

    const requested = ok(
      await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'requestExtension', {
        days: 30,
        ground: 'special-reasons',
        onBehalfOfVictim: true,
      }),
    );
    expect(requested.timeline.at(-1)).toMatchObject({ type: 'ExtensionRequested', by: 'victim', via: 'cmm' });
    expect(requested.timeline.find((e) => e.type === 'IdentificationDecided')).toMatchObject({ by: 'dis' });
    expect(requested.timeline.find((e) => e.type === 'PeriodStarted')).toMatchObject({ by: 'dis' });
    expect(requested.timeline[0]).toMatchObject({ type: 'CaseReferred', by: 'police' });
    const decision = requested.nextSteps?.find((s) => s.deadlineKind === 'extension-decision');
    expect(decision?.text).toContain('If it is missed, CMM is told on');
  });
});
