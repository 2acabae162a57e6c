import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RetentionSweep } from '../../apps/gateway/src/agency/retention-sweep.js';
import { AUDIT_TOPIC, PERSON_ERASED_TYPE } from '../../libs/contracts/src/index.js';
import { DENMARK_2013_REVISED } from '../../libs/domain/src/index.js';
import { e2eSystem, okView } from '../support/e2e-system.js';

const DAY_MS = 86_400_000;

interface PersonAnswer {
  state: string;
  erasure?: { byRole: string; byOrg: string; reason: string };
}

/**
 * The end of retention (docs/domain.md item 13): a closed case's person data is erased when its policy's
 * period has run since the closure — not a day before, and never while the case is open — and the agencies
 * are told. The sweep is run with a `now` five years ahead instead of waiting; everything else is real.
 */
describe('person data erased at the end of its retention period', () => {
  const e2e = e2eSystem('retention', { topics: [AUDIT_TOPIC] });
  const retentionDays = DENMARK_2013_REVISED.personData?.retentionAfterClosureDays ?? NaN;
  let raw: Client;

  beforeAll(async () => {
    raw = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
  });

  afterAll(async () => {
    await raw?.connection.close();
  });

  const withPerson = async (): Promise<string> => {
    const { caseRef } = await e2e.gateway.open(e2e.tokens.cmm, 'cmm', {
      facts: { hasLegalStay: false, age: 'adult' },
    });
    const recorded = await e2e.gateway.call('PATCH', `/cmm/cases/${caseRef}/person`, {
      token: e2e.tokens.cmm,
      body: { version: 0, identity: { givenNames: 'Retentionprobe' } },
    });
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(200);
    return caseRef;
  };
  const person = async (caseRef: string): Promise<PersonAnswer> =>
    (await e2e.gateway.call<PersonAnswer>('GET', `/cmm/cases/${caseRef}/person`, { token: e2e.tokens.cmm }))
      .body;

  it('erases a closed case’s person after its period, not before, and not an open case’s', async () => {
    expect(retentionDays).toBe(1825);
    const closed = await withPerson();
    const open = await withPerson();
    const view = okView(
      await e2e.gateway.act(e2e.tokens.cmm, 'cmm', closed, 'closeCase', { reason: 'referred-in-error' }),
    );
    const closedAt = Date.parse(view.closed?.at ?? '');
    expect(Number.isNaN(closedAt)).toBe(false);
    // The closed case's workflow completes, and Temporal's visibility shows it a moment later.
    await expect
      .poll(
        async () =>
          (await raw.workflow
            .getHandle(closed)
            .describe()
            .then((d) => d.status.name)) === 'COMPLETED',
        { timeout: 30_000, interval: 250 },
      )
      .toBe(true);
    const sweep = e2e.gateway.get(RetentionSweep);

    const dayBefore = await sweep.sweepOnce(new Date(closedAt + (retentionDays - 1) * DAY_MS));
    expect(dayBefore).toMatchObject({ ran: true, erased: 0 });
    expect((await person(closed)).state).toBe('held');

    let after = await sweep.sweepOnce(new Date(closedAt + (retentionDays + 1) * DAY_MS));
    for (let tries = 0; after.candidates === 0 && tries < 40; tries++) {
      await new Promise((r) => setTimeout(r, 250)); // visibility catching up
      after = await sweep.sweepOnce(new Date(closedAt + (retentionDays + 1) * DAY_MS));
    }
    expect(after).toEqual({ ran: true, candidates: 1, erased: 1, kept: 0 });
    expect(await person(closed)).toMatchObject({
      state: 'erased',
      erasure: { byRole: 'cmm', byOrg: 'retention-policy', reason: 'retention-period-ended' },
    });
    expect((await person(open)).state).toBe('held');
    // The process facts stay; the case view says the person was erased, when and why.
    const still = okView(await e2e.gateway.call('GET', `/cmm/cases/${closed}`, { token: e2e.tokens.cmm }));
    expect(still.closed?.reason).toBe('referred-in-error');
    expect(still.person).toMatchObject({ state: 'erased', erasure: { reason: 'retention-period-ended' } });

    // The agencies are told; a second sweep finds nothing more to do.
    const told = await e2e.reader.waitFor((messages) =>
      messages.some((m) => m.event.type === PERSON_ERASED_TYPE && m.event.subject === closed),
    );
    const erasedEvent = told.find((m) => m.event.type === PERSON_ERASED_TYPE && m.event.subject === closed);
    expect(erasedEvent?.event.data).toMatchObject({ reason: 'retention-period-ended', by: 'cmm' });
    expect(await sweep.sweepOnce(new Date(closedAt + (retentionDays + 1) * DAY_MS))).toEqual({
      ran: true,
      candidates: 1,
      erased: 0,
      kept: 1,
    });
  });
});
