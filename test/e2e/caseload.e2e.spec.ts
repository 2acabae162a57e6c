import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CaseloadEntry, CaseView } from '../../libs/contracts/src/index.js';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';

/**
 * Caseload queries on the real Temporal dev server's visibility store (search attributes): cases in a
 * stage and "my deadlines in the next N days", each scoped by role and grants.
 */
describe('caseload queries', () => {
  let system: RunningGateway;
  let cmm: string;
  let dis: string;
  let police: string;
  let otherUnit: string;
  const unit = `nec-${randomBytes(3).toString('hex')}`;
  const refs: { policeA?: string; policeB?: string; cmmOnly?: string } = {};

  beforeAll(async () => {
    system = await startGateway({
      temporalAddress: inject('temporalAddress'),
      kafkaBrokers: inject('kafkaBrokers'),
      taskQueue: `e2e-caseload-${Date.now()}`,
    });
    [cmm, dis, police, otherUnit] = await Promise.all([
      system.token('cmm', 'cmm'),
      system.token('dis', 'dis'),
      system.token('police', unit),
      system.token('police', `${unit}-x`),
    ]);
    const referral = { facts: { hasLegalStay: false, age: 'adult' } };
    refs.policeA = (await system.open(police, 'police', referral)).caseRef;
    refs.policeB = (await system.open(police, 'police', referral)).caseRef;
    refs.cmmOnly = (await system.open(cmm, 'cmm', referral)).caseRef;
  });

  afterAll(async () => {
    await system?.close();
  });

  /** Visibility is eventually consistent: poll until the listing satisfies `ready` (then assert exactly). */
  async function list(token: string, path: string, ready: (entries: CaseloadEntry[]) => boolean) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const result = await system.call<CaseloadEntry[]>('GET', path, { token });
      expect(result.status).toBe(200);
      if (ready(result.body) || Date.now() > deadline) return result.body;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const refsOf = (entries: CaseloadEntry[], among: readonly (string | undefined)[]) =>
    entries
      .map((e) => e.caseRef)
      .filter((ref) => among.includes(ref))
      .sort();

  it('cases in a stage: police see only their unit’s cases, CMM sees every case', async () => {
    const mine = [refs.policeA, refs.policeB];
    const all = [refs.policeA, refs.policeB, refs.cmmOnly];
    const asPolice = await list(police, '/police/cases?stage=referred', (e) => refsOf(e, all).length >= 2);
    expect(refsOf(asPolice, all)).toEqual([...mine].sort());
    // Nothing out of scope leaks in, whatever else the shared server holds.
    expect(asPolice.every((e) => mine.includes(e.caseRef))).toBe(true);
    expect(asPolice[0]).toMatchObject({ stage: 'referred' });

    const asCmm = await list(cmm, '/cmm/cases?stage=referred', (e) => refsOf(e, all).length >= 3);
    expect(refsOf(asCmm, all)).toEqual([...all].sort());
    expect(await list(otherUnit, '/police/cases', () => true)).toEqual([]);
  });

  it('my deadlines: after the permit is granted, police see its expiry within 200 days but not within 100', async () => {
    const ref = refs.policeA!;
    expect((await system.act(cmm, 'cmm', ref, 'recordInterview')).status).toBe(200);
    expect((await system.act(cmm, 'cmm', ref, 'submitForIdentification')).status).toBe(200);
    expect(
      (await system.act(dis, 'dis', ref, 'decideIdentification', { outcome: 'identified' })).status,
    ).toBe(200);
    expect(
      (await system.act(police, 'police', ref, 'applyForPermit', { victimCooperatesWithPolice: true }))
        .status,
    ).toBe(200);
    const granted = await system.act(dis, 'dis', ref, 'decidePermit', { outcome: 'granted' });
    expect(granted.status).toBe(200);
    const expiry = (granted.body as CaseView).deadlines.find((d) => d.kind === 'permit-expiry');
    expect(expiry?.responsible).toBe('police');

    const within200 = await list(police, '/police/deadlines?days=200', (e) =>
      e.some((x) => x.caseRef === ref),
    );
    const entry = within200.find((e) => e.caseRef === ref);
    expect(entry).toEqual({
      caseRef: ref,
      stage: 'permit',
      responsibleAgency: 'police',
      nextDeadline: new Date(expiry!.dueAt).toISOString(),
    });
    const inPermit = await list(police, '/police/cases?stage=permit', (e) => e.length > 0);
    expect(inPermit.map((e) => e.caseRef)).toEqual([ref]);

    const within100 = await system.call<CaseloadEntry[]>('GET', '/police/deadlines?days=100', {
      token: police,
    });
    expect(within100.body.map((e) => e.caseRef)).not.toContain(ref);
    // Another unit sees none of it; DIS is not responsible for this deadline, so it is not in DIS's list.
    expect(
      (await system.call<CaseloadEntry[]>('GET', '/police/deadlines?days=366', { token: otherUnit })).body,
    ).toEqual([]);
    const disList = await system.call<CaseloadEntry[]>('GET', '/dis/deadlines?days=366', { token: dis });
    expect(disList.body.map((e) => e.caseRef)).not.toContain(ref);
  });
});
