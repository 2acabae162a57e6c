import type { Client } from '@temporalio/client';
import { describe, expect, inject, it } from 'vitest';
import { TEMPORAL_CLIENT } from '../../apps/gateway/src/tokens.js';
import { SearchAttributeKeys, actUpdate, type CaseView } from '../../libs/contracts/src/index.js';
import { startGateway } from '../support/gateway-harness.js';
import { freePort } from '../support/servers.js';

const ADULT_WITHOUT_STAY = { facts: { hasLegalStay: false, age: 'adult' } };

/**
 * The gap ADR 0023 left, closed by ADR 0024: a gateway that stops between an act's Update and storing the
 * act's view leaves the view from before the act stored under the number the case still names. The case names
 * the act's number only once the act's events are published, which takes as long as Kafka is out of reach.
 * Here the worker cannot reach Kafka, so every publication waits; the act's answer is never stored (the act
 * is sent straight to Temporal, as the gateway would have sent it before stopping).
 */
describe('a read while a case’s events are being published', () => {
  it('is answered by the workflow, never with the stored view from before an act whose answer was lost', async () => {
    const system = await startGateway({
      temporalAddress: inject('temporalAddress'),
      kafkaBrokers: inject('kafkaBrokers'),
      taskQueue: `e2e-lost-answer-${Date.now()}`,
      workerEnv: { KAFKA_BROKERS: `127.0.0.1:${await freePort()}` },
    });
    try {
      const [police, cmm] = await Promise.all([
        system.token('police', 'nec-lost'),
        system.token('cmm', 'cmm'),
      ]);
      const { caseRef } = await system.open(police, 'police', ADULT_WITHOUT_STAY);
      const client = system.get<Client>(TEMPORAL_CLIENT as never);
      const handle = client.workflow.getHandle(caseRef);
      // The act reaches the case; its answer (and so its view) never reaches the gateway's store.
      const acted = await handle.executeUpdate(actUpdate('recordInterview'), { args: [{ by: 'cmm' }] });
      expect(acted.stage).toBe('interviewing');
      // The store holds the opening's view under 1, the number the case still names: the referral's and the
      // act's events are waiting for Kafka.
      const description = await handle.describe();
      expect(description.typedSearchAttributes.get(SearchAttributeKeys.viewVersion)).toBe(1);
      expect(description.raw.pendingActivities?.length).toBeGreaterThan(0);

      const read = await system.call<CaseView>('GET', `/cmm/cases/${caseRef}`, { token: cmm });
      expect(read.status).toBe(200);
      expect(read.body.stage).toBe('interviewing');
      expect(read.body.timeline.map((entry) => entry.type)).toContain('InterviewRecorded');
    } finally {
      await system.close();
    }
  });
});
