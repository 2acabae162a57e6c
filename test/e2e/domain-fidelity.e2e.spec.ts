import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { agencyTopic, type CaseView } from '../../libs/contracts/src/index.js';
import { createKafka } from '../../libs/messaging/src/index.js';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { KafkaReader } from '../support/kafka-reader.js';

/**
 * What the agencies see of the domain over HTTP and on their topics, on the real servers: who gets access
 * and news when asylum is granted (R18), what the police see of a child's case (R17).
 */
describe('the right agency told and let in at the right moment', () => {
  let system: RunningGateway;
  let reader: KafkaReader;
  let police: string;
  let cmm: string;
  let dis: string;
  const unit = `nec-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    system = await startGateway({
      temporalAddress: inject('temporalAddress'),
      kafkaBrokers: inject('kafkaBrokers'),
      taskQueue: `e2e-fidelity-${Date.now()}`,
    });
    reader = new KafkaReader(
      createKafka({ brokers: inject('kafkaBrokers').split(','), clientId: 'e2e-fidelity' }),
    );
    await reader.start([agencyTopic('police'), agencyTopic('municipality')]);
    [police, cmm, dis] = await Promise.all([
      system.token('police', unit),
      system.token('cmm', 'cmm'),
      system.token('dis', 'dis'),
    ]);
  });

  afterAll(async () => {
    await reader?.stop();
    await system?.close();
  });

  const ok = (result: { status: number; body: unknown }): CaseView => {
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    return result.body as CaseView;
  };

  it('R18: when DIS grants asylum, the municipality it names can open the case; the referring police unit is told it closed', async () => {
    const ref = (await system.open(police, 'police', { facts: { hasLegalStay: false, age: 'adult' } }))
      .caseRef;
    ok(await system.act(cmm, 'cmm', ref, 'recordInterview'));
    ok(await system.act(cmm, 'cmm', ref, 'submitForIdentification'));
    ok(await system.act(dis, 'dis', ref, 'decideIdentification', { outcome: 'identified' }));
    ok(await system.act(cmm, 'cmm', ref, 'applyForAsylum', { onBehalfOfVictim: true }));
    const aarhus = await system.token('municipality', '751');
    expect((await system.call('GET', `/municipality/cases/${ref}`, { token: aarhus })).status).toBe(404);

    const granted = ok(
      await system.act(dis, 'dis', ref, 'decideAsylum', { outcome: 'granted', municipalityCode: '751' }),
    );
    expect(granted.stage).toBe('closed');
    expect(granted.access).toContainEqual(
      expect.objectContaining({ role: 'municipality', party: '751', by: 'dis' }),
    );

    const seen = ok(await system.call('GET', `/municipality/cases/${ref}`, { token: aarhus }));
    expect(seen.state).toMatchObject({ asylum: { outcome: 'granted', municipalityCode: '751' } });
    // Another municipality still sees nothing.
    const odense = await system.token('municipality', '461');
    expect((await system.call('GET', `/municipality/cases/${ref}`, { token: odense })).status).toBe(404);

    const closure = await reader.waitFor((m) =>
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
    await reader.waitFor((m) =>
      m.some(
        (x) =>
          x.topic === agencyTopic('municipality') &&
          x.event.subject === ref &&
          x.event.type === 'dk.pathway.asylum-granted.v1',
      ),
    );
  });

  it('R17: the referring police unit sees that a child’s guardian is due, and when, but not the child’s file; the municipality is told at once', async () => {
    const child = (await system.open(police, 'police', { facts: { hasLegalStay: false, age: 'child' } }))
      .caseRef;
    const view = ok(await system.call('GET', `/police/cases/${child}`, { token: police }));
    expect(view.deadlines).toEqual([
      expect.objectContaining({ kind: 'guardian-appointment', responsible: 'municipality', rule: 'R17' }),
    ]);
    expect(view.state).not.toHaveProperty('child');
    await reader.waitFor((m) =>
      m.some(
        (x) =>
          x.topic === agencyTopic('municipality') &&
          x.event.subject === child &&
          x.event.type === 'dk.pathway.case-referred.v1',
      ),
    );
  });
});
