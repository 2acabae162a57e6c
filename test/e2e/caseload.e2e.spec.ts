import { beforeAll, describe, expect, it } from 'vitest';
import type { CaseloadEntry, CaseView } from '../../libs/contracts/src/index.js';
import { e2eSystem } from '../support/e2e-system.js';

/**
 * Caseload queries on the real Temporal dev server's visibility store (search attributes): cases in a
 * stage and "my deadlines in the next N days", each scoped by role and grants.
 */
describe('caseload queries', () => {
  const e2e = e2eSystem('caseload');
  let otherUnit: string;
  const refs: { policeA?: string; policeB?: string; cmmOnly?: string } = {};

  beforeAll(async () => {
    otherUnit = await e2e.gateway.token('police', `${e2e.unit}-x`);
    const referral = { facts: { hasLegalStay: false, age: 'adult' } };
    const { gateway, tokens } = e2e;
    refs.policeA = (await gateway.open(tokens.police, 'police', referral)).caseRef;
    refs.policeB = (await gateway.open(tokens.police, 'police', referral)).caseRef;
    refs.cmmOnly = (await gateway.open(tokens.cmm, 'cmm', referral)).caseRef;
  });

  /** Visibility is eventually consistent: poll until the listing satisfies `ready` (then assert exactly). */
  async function list(token: string, path: string, ready: (entries: CaseloadEntry[]) => boolean) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const result = await e2e.gateway.call<CaseloadEntry[]>('GET', path, { token });
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
    const asPolice = await list(
      e2e.tokens.police,
      '/police/cases?stage=referred',
      (e) => refsOf(e, all).length >= 2,
    );
    expect(refsOf(asPolice, all)).toEqual([...mine].sort());
    // Nothing out of scope leaks in, whatever else the shared server holds.
    expect(asPolice.every((e) => mine.includes(e.caseRef))).toBe(true);
    expect(asPolice[0]).toMatchObject({ stage: 'referred' });

    const asCmm = await list(e2e.tokens.cmm, '/cmm/cases?stage=referred', (e) => refsOf(e, all).length >= 3);
    expect(refsOf(asCmm, all)).toEqual([...all].sort());
    expect(await list(otherUnit, '/police/cases', () => true)).toEqual([]);
  });

  it('my deadlines: after the permit is granted, police see its expiry within 200 days but not within 100', async () => {
    const ref = refs.policeA!;
    expect((await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'recordInterview')).status).toBe(200);
    expect((await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'submitForIdentification')).status).toBe(200);
    expect(
      (await e2e.gateway.act(e2e.tokens.dis, 'dis', ref, 'decideIdentification', { outcome: 'identified' }))
        .status,
    ).toBe(200);
    expect(
      (
        await e2e.gateway.act(e2e.tokens.police, 'police', ref, 'applyForPermit', {
          victimCooperatesWithPolice: true,
        })
      ).status,
    ).toBe(200);
    const granted = await e2e.gateway.act(e2e.tokens.dis, 'dis', ref, 'decidePermit', { outcome: 'granted' });
    expect(granted.status).toBe(200);
    const expiry = (granted.body as CaseView).deadlines.find((d) => d.kind === 'permit-expiry');
    expect(expiry?.responsible).toBe('police');

    const within200 = await list(e2e.tokens.police, '/police/deadlines?days=200', (e) =>
      e.some((x) => x.caseRef === ref),
    );
    const entry = within200.find((e) => e.caseRef === ref);
    expect(entry).toEqual({
      caseRef: ref,
      stage: 'permit',
      responsibleAgency: 'police',
      nextDeadline: new Date(expiry!.dueAt).toISOString(),
    });
    const inPermit = await list(e2e.tokens.police, '/police/cases?stage=permit', (e) => e.length > 0);
    expect(inPermit.map((e) => e.caseRef)).toEqual([ref]);

    const within100 = await e2e.gateway.call<CaseloadEntry[]>('GET', '/police/deadlines?days=100', {
      token: e2e.tokens.police,
    });
    expect(within100.body.map((e) => e.caseRef)).not.toContain(ref);
    // Another unit sees none of it; DIS is not responsible for this deadline, so it is not in DIS's list.
    expect(
      (await e2e.gateway.call<CaseloadEntry[]>('GET', '/police/deadlines?days=366', { token: otherUnit }))
        .body,
    ).toEqual([]);
    const disList = await e2e.gateway.call<CaseloadEntry[]>('GET', '/dis/deadlines?days=366', {
      token: e2e.tokens.dis,
    });
    expect(disList.body.map((e) => e.caseRef)).not.toContain(ref);
  });
});
