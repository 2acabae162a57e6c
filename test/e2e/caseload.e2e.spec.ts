import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CaseloadEntry, CaseView } from '../../libs/contracts/src/index.js';
import { createPool, migrateDatabase, type Pool } from '../../libs/database/src/index.js';
import { createKafka } from '../../libs/messaging/src/index.js';
import { CaseloadQueries, ReadModelStore, rebuildReadModel } from '../../libs/read-model/src/index.js';
import { e2eSystem } from '../support/e2e-system.js';
import type { CallResult } from '../support/gateway-harness.js';

interface DeadlineEntry {
  readonly caseRef: string;
  readonly stage: string;
  readonly deadline: {
    readonly id: string;
    readonly kind: string;
    readonly responsible: string;
    readonly dueAt: string;
  };
}

/**
 * The caseload from the read model (issue 14): the audit stream projected into PostgreSQL by the gateway,
 * on the real Temporal, Kafka and PostgreSQL. "My deadlines" lists every running deadline the caller's agency
 * must meet (not only each case's soonest), the case listing pages with a `Link: rel="next"` cursor, the
 * counts per stage; all scoped by role and grants; and a rebuild from the audit topic gives the same answers.
 */
describe('caseload queries from the read model', () => {
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

  /** The read model follows the audit stream: poll until the listing satisfies `ready` (then assert exactly). */
  async function list<T extends { caseRef: string }>(
    token: string,
    path: string,
    ready: (entries: T[]) => boolean,
  ) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const result = await e2e.gateway.call<T[]>('GET', path, { token });
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      if (ready(result.body) || Date.now() > deadline) return result.body;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const refsOf = (entries: { caseRef: string }[], among: readonly (string | undefined)[]) =>
    entries
      .map((e) => e.caseRef)
      .filter((ref) => among.includes(ref))
      .sort();
  const identify = async (ref: string) => {
    expect((await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'recordInterview')).status).toBe(200);
    expect((await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'submitForIdentification')).status).toBe(200);
    const decided = await e2e.gateway.act(e2e.tokens.dis, 'dis', ref, 'decideIdentification', {
      outcome: 'identified',
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    return decided.body as CaseView;
  };

  it('cases in a stage: police see only their unit’s cases, CMM sees every case', async () => {
    const mine = [refs.policeA, refs.policeB];
    const all = [refs.policeA, refs.policeB, refs.cmmOnly];
    const asPolice = await list<CaseloadEntry>(
      e2e.tokens.police,
      '/police/cases?stage=referred',
      (e) => refsOf(e, all).length >= 2,
    );
    expect(refsOf(asPolice, all)).toEqual([...mine].sort());
    // Nothing out of scope leaks in, whatever else the shared server holds.
    expect(asPolice.every((e) => mine.includes(e.caseRef))).toBe(true);
    expect(asPolice[0]).toMatchObject({ stage: 'referred', policyVersion: 'dk-2013.2' });

    const asCmm = await list<CaseloadEntry>(
      e2e.tokens.cmm,
      '/cmm/cases?stage=referred&limit=200',
      (e) => refsOf(e, all).length >= 3,
    );
    expect(refsOf(asCmm, all)).toEqual([...all].sort());
    expect(await list(otherUnit, '/police/cases', () => true)).toEqual([]);
  });

  it('the README’s example: after identification CMM’s deadlines in the next 30 days list the reflection period’s end', async () => {
    const ref = refs.cmmOnly!;
    const view = await identify(ref);
    const end = view.deadlines.find((d) => d.kind === 'reflection-period-end');
    expect(end?.responsible).toBe('cmm');
    const mine = await list<DeadlineEntry>(e2e.tokens.cmm, '/cmm/deadlines?days=30&limit=200', (e) =>
      e.some((x) => x.caseRef === ref),
    );
    // The deadline as the case view gives it: its kind, rule, who, when, and the explanation.
    expect(mine.find((e) => e.caseRef === ref)).toEqual({
      caseRef: ref,
      stage: 'reflection-period',
      deadline: end,
    });
    const byKind = await e2e.gateway.call<DeadlineEntry[]>(
      'GET',
      '/cmm/deadlines?days=30&kind=permit-expiry&limit=200',
      { token: e2e.tokens.cmm },
    );
    expect(byKind.body.map((e) => e.caseRef)).not.toContain(ref);
    const overdue = await e2e.gateway.call<DeadlineEntry[]>('GET', '/cmm/deadlines?overdue=true&limit=200', {
      token: e2e.tokens.cmm,
    });
    expect(overdue.body.map((e) => e.caseRef)).not.toContain(ref);
  });

  it('every deadline, not only the soonest: a child’s case is in CMM’s list beside the guardian appointment', async () => {
    const child = await e2e.gateway.open(e2e.tokens.cmm, 'cmm', {
      facts: { hasLegalStay: false, age: 'child' },
    });
    const view = await identify(child.caseRef);
    const kinds = view.deadlines.map((d) => `${d.kind}:${d.responsible}`);
    expect(kinds).toContain('reflection-period-end:cmm');
    const soonest = [...view.deadlines].sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
    expect(soonest?.responsible).not.toBe('cmm');
    const mine = await list<DeadlineEntry>(e2e.tokens.cmm, '/cmm/deadlines?days=60&limit=200', (e) =>
      e.some((x) => x.caseRef === child.caseRef),
    );
    expect(mine.filter((e) => e.caseRef === child.caseRef).map((e) => e.deadline.kind)).toEqual([
      'reflection-period-end',
    ]);
  });

  it('my deadlines: after the permit is granted, police see its expiry within 200 days but not within 100', async () => {
    const ref = refs.policeA!;
    await identify(ref);
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

    const within200 = await list<DeadlineEntry>(e2e.tokens.police, '/police/deadlines?days=200', (e) =>
      e.some((x) => x.caseRef === ref && x.stage === 'permit'),
    );
    expect(within200.find((e) => e.caseRef === ref)).toEqual({
      caseRef: ref,
      stage: 'permit',
      deadline: expiry,
    });
    const inPermit = await list<CaseloadEntry>(
      e2e.tokens.police,
      '/police/cases?stage=permit',
      (e) => e.length > 0,
    );
    expect(inPermit.map((e) => e.caseRef)).toEqual([ref]);

    const within100 = await e2e.gateway.call<DeadlineEntry[]>('GET', '/police/deadlines?days=100', {
      token: e2e.tokens.police,
    });
    expect(within100.body.map((e) => e.caseRef)).not.toContain(ref);
    // Another unit sees none of it; DIS is not responsible for this deadline, so it is not in DIS's list.
    expect(
      (await e2e.gateway.call<DeadlineEntry[]>('GET', '/police/deadlines?days=366', { token: otherUnit }))
        .body,
    ).toEqual([]);
    const disList = await e2e.gateway.call<DeadlineEntry[]>('GET', '/dis/deadlines?days=366&limit=200', {
      token: e2e.tokens.dis,
    });
    expect(disList.body.map((e) => e.caseRef)).not.toContain(ref);
  });

  it('pages with an opaque cursor in a Link header, counts per stage, and refuses a cursor it did not give', async () => {
    const unit = `nec-${randomBytes(3).toString('hex')}`;
    const police = await e2e.gateway.token('police', unit);
    const opened: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      opened.push(
        (await e2e.gateway.open(police, 'police', { facts: { hasLegalStay: true, age: 'adult' } })).caseRef,
      );
    }
    await list(police, '/police/cases', (e) => e.length === 3);
    const seen: string[] = [];
    let path: string | undefined = '/police/cases?limit=1';
    let pages = 0;
    while (path !== undefined) {
      const page: CallResult<CaseloadEntry[]> = await e2e.gateway.call<CaseloadEntry[]>('GET', path, {
        token: police,
      });
      expect(page.status).toBe(200);
      seen.push(...page.body.map((entry) => entry.caseRef));
      pages += 1;
      const link: string | null = page.headers.get('link');
      path = link === null ? undefined : /^<([^>]+)>; rel="next"$/.exec(link)?.[1];
      if (link !== null) expect(path).toMatch(/^\/police\/cases\?limit=1&cursor=[A-Za-z0-9_-]+$/);
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...opened].reverse()); // newest first, each once

    const counts = await e2e.gateway.call<{ total: number; stages: Record<string, number> }>(
      'GET',
      '/police/caseload',
      { token: police },
    );
    expect(counts.body).toEqual({ total: 3, stages: { referred: 3 } });

    const forged = await e2e.gateway.call<{ code: string; errors: { pointer: string }[] }>(
      'GET',
      `/police/cases?cursor=${Buffer.from('["x"]').toString('base64url')}`,
      { token: police },
    );
    expect([forged.status, forged.body.code, forged.body.errors[0]?.pointer]).toEqual([
      400,
      'VALIDATION_FAILED',
      '/cursor',
    ]);
    const badKind = await e2e.gateway.call<{ code: string }>('GET', '/police/deadlines?kind=someday', {
      token: police,
    });
    expect([badKind.status, badKind.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  describe('a rebuild from the audit topic', () => {
    let pool: Pool;
    let database: string;

    beforeAll(async () => {
      // A database of its own: the rebuild runs beside the live read model, which other tests use.
      const admin = createPool(inject('databaseUrl'), { max: 1 });
      database = `rebuild_${randomBytes(4).toString('hex')}`;
      await admin.query(`CREATE DATABASE ${database}`);
      await admin.end();
      const url = new URL(inject('databaseUrl'));
      url.pathname = `/${database}`;
      await migrateDatabase(url.toString());
      pool = createPool(url.toString(), { max: 4 });
    });

    afterAll(async () => {
      await pool?.end();
    });

    it('gives the same answers as the live read model', async () => {
      const live = new CaseloadQueries(createPool(inject('databaseUrl'), { max: 2 }));
      const scope = { grant: `police:${e2e.unit}` } as const;
      const answers = async (queries: CaseloadQueries) => ({
        deadlines: await queries.deadlines({
          scope,
          responsible: 'police',
          dueBefore: new Date(Date.now() + 3660 * 86_400_000),
          limit: 200,
        }),
        cases: await queries.cases({ scope, limit: 200 }),
        counts: await queries.stageCounts(scope),
      });
      // The live model has everything of this file once its last act is projected.
      await list<DeadlineEntry>(e2e.tokens.police, '/police/deadlines?days=200', (e) => e.length > 0);
      const before = await answers(live);
      const kafka = createKafka(
        { brokers: inject('kafkaBrokers').split(','), clientId: 'e2e-rebuild' },
        { silent: true },
      );
      const figures = await rebuildReadModel(kafka, new ReadModelStore(pool), { timeoutMs: 120_000 });
      expect(figures.applied).toBeGreaterThan(0);
      const rebuilt = await answers(new CaseloadQueries(pool));
      expect(rebuilt).toEqual(before);
      expect(before.cases.items.length).toBeGreaterThanOrEqual(2);
      process.stdout.write(
        `[read model] rebuild: ${figures.messages} audit messages, ${figures.applied} applied in ${figures.seconds.toFixed(1)} s; same answers\n`,
      );
    });
  });
});
