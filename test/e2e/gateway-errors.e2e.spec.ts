import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACCESS_LOG_TOPIC,
  ACCESS_RECORD_TYPE,
  accessRecordSchema,
  type AccessRecord,
  type CaseView,
} from '../../libs/contracts/src/index.js';
import { type CallResult } from '../support/gateway-harness.js';
import { e2eSystem } from '../support/e2e-system.js';

/** A problem body without its `instance` (the request path, which differs by design). */
const withoutInstance = (body: unknown): Record<string, unknown> =>
  Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([key]) => key !== 'instance'));

type Problem = { code?: string; status?: number; detail?: string; errors?: Array<{ pointer: string }> };

/**
 * Bad requests over HTTP, each with its defined answer (RFC 9457 problem+json, a stable code) and no
 * change to any case: bad tokens, wrong role, foreign case, unknown field, invalid date, duplicate key.
 */
describe('bad input gets a clear error and changes nothing', () => {
  const e2e = e2eSystem('errors', { topics: [ACCESS_LOG_TOPIC] });
  /** One case every test probes (each test leaves it unchanged: that is what they check). */
  let caseRef: string;

  beforeAll(async () => {
    const { gateway, tokens } = e2e;
    caseRef = (await gateway.open(tokens.police, 'police', { facts: { hasLegalStay: false, age: 'adult' } }))
      .caseRef;
  });

  /** The case's full timeline as CMM sees it: the witness that a refused request changed nothing. */
  const timeline = async (ref = caseRef) =>
    (await e2e.gateway.call<CaseView>('GET', `/cmm/cases/${ref}`, { token: e2e.tokens.cmm })).body.timeline;

  const expectProblem = (result: CallResult, status: number, code: string): Problem => {
    expect(result.status).toBe(status);
    expect(result.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const body = result.body as Problem;
    expect(body).toMatchObject({ status, code });
    return body;
  };

  it('401 for a missing, malformed, expired, foreign-signed, wrong-audience or wrong-claims token', async () => {
    const before = await timeline();
    const path = `/police/cases/${caseRef}/end-investigation`;
    const claims = { role: 'police', org: e2e.unit, sub: 'someone' };
    const cases: Array<[string, Record<string, string>, string]> = [
      ['no header', {}, 'TOKEN_MISSING'],
      ['basic scheme', { authorization: 'Basic dXNlcjpwYXNz' }, 'TOKEN_MISSING'],
      ['not a JWT', { authorization: 'Bearer not.a.jwt' }, 'TOKEN_MALFORMED'],
      [
        'expired',
        {
          authorization: `Bearer ${await e2e.gateway.sign(claims, { expiresAt: Math.floor(Date.now() / 1000) - 3600 })}`,
        },
        'TOKEN_EXPIRED',
      ],
      [
        'unknown key',
        { authorization: `Bearer ${await e2e.gateway.sign(claims, { foreignKey: true })}` },
        'TOKEN_INVALID',
      ],
      [
        'wrong audience',
        { authorization: `Bearer ${await e2e.gateway.sign(claims, { audience: 'another-api' })}` },
        'TOKEN_INVALID',
      ],
      [
        'wrong issuer',
        { authorization: `Bearer ${await e2e.gateway.sign(claims, { issuer: 'urn:elsewhere' })}` },
        'TOKEN_INVALID',
      ],
      [
        'unknown role',
        { authorization: `Bearer ${await e2e.gateway.sign({ ...claims, role: 'janitor' })}` },
        'CLAIMS_INVALID',
      ],
      [
        'no org',
        { authorization: `Bearer ${await e2e.gateway.sign({ role: 'police', sub: 'someone' })}` },
        'CLAIMS_INVALID',
      ],
    ];
    for (const [, headers, code] of cases) {
      const result = await e2e.gateway.call('POST', path, { headers, body: {} });
      const problem = expectProblem(result, 401, code);
      expect(result.headers.get('www-authenticate')).toMatch(/^Bearer realm="victim-pathway"/);
      // The answer never echoes the token or a claim's value.
      expect(JSON.stringify(problem)).not.toContain('janitor');
    }
    expect(await timeline()).toEqual(before);
  });

  it('403 WRONG_ROLE on another role’s gateway and OPERATION_NOT_PERMITTED outside the matrix; both are recorded in the access log', async () => {
    const before = await timeline();
    expectProblem(
      await e2e.gateway.act(e2e.tokens.dis, 'police', caseRef, 'endInvestigation'),
      403,
      'WRONG_ROLE',
    );
    expectProblem(
      await e2e.gateway.act(e2e.tokens.police, 'police', caseRef, 'decidePermit', { outcome: 'granted' }),
      403,
      'OPERATION_NOT_PERMITTED',
    );
    expect(await timeline()).toEqual(before);
    const records = await e2e.reader.waitFor(
      (m) =>
        m.filter((x) => {
          const record = x.event as unknown as AccessRecord;
          return record.subject === caseRef && record.data.status === 403;
        }).length >= 2,
    );
    const denied = records
      .map((m) => m.event as unknown as AccessRecord)
      .filter((r) => r.subject === caseRef && r.data.outcome === 'denied' && r.data.status === 403)
      .map((r) => r.data);
    expect(denied).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          role: 'dis',
          operation: 'endInvestigation',
          code: 'WRONG_ROLE',
          route: '/police/cases/:caseRef/end-investigation',
        }),
        expect.objectContaining({
          role: 'police',
          org: e2e.unit,
          operation: 'decidePermit',
          code: 'OPERATION_NOT_PERMITTED',
        }),
      ]),
    );
    for (const record of records) {
      if (record.event.type === ACCESS_RECORD_TYPE)
        expect(accessRecordSchema.parse(record.event)).toBeTruthy();
    }
  });

  it('404 CASE_NOT_FOUND for a foreign case, answered exactly like an unknown case', async () => {
    const otherUnit = await e2e.gateway.token('police', 'copenhagen');
    const foreign = await e2e.gateway.call<Problem>('GET', `/police/cases/${caseRef}`, { token: otherUnit });
    const unknown = await e2e.gateway.call<Problem>('GET', '/police/cases/PW-000000000000', {
      token: otherUnit,
    });
    const foreignBody = withoutInstance(foreign.body);
    const unknownBody = withoutInstance(unknown.body);
    expectProblem(foreign, 404, 'CASE_NOT_FOUND');
    expect(foreignBody).toEqual(unknownBody);
    const before = await timeline();
    expectProblem(
      await e2e.gateway.act(otherUnit, 'police', caseRef, 'endInvestigation'),
      404,
      'CASE_NOT_FOUND',
    );
    // IOM has not been handed the case yet.
    expectProblem(
      await e2e.gateway.act(e2e.tokens.iom, 'iom', caseRef, 'confirmAvrCooperation'),
      404,
      'CASE_NOT_FOUND',
    );
    expect(await timeline()).toEqual(before);
  });

  it('400 VALIDATION_FAILED for an unknown field, a `by` field, a bad reference, a bad key or a malformed body', async () => {
    const before = await timeline();
    const unknownField = expectProblem(
      await e2e.gateway.act(e2e.tokens.cmm, 'cmm', caseRef, 'recordInterview', {
        note: 'free text is not accepted',
      }),
      400,
      'VALIDATION_FAILED',
    );
    expect(unknownField.errors?.[0]?.pointer).toBe('/');
    const by = expectProblem(
      await e2e.gateway.act(e2e.tokens.cmm, 'cmm', caseRef, 'recordInterview', { by: 'dis' }),
      400,
      'VALIDATION_FAILED',
    );
    expect(by.errors?.[0]?.pointer).toBe('/by');
    expectProblem(
      await e2e.gateway.call('GET', '/cmm/cases/not-a-ref', { token: e2e.tokens.cmm }),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await e2e.gateway.act(e2e.tokens.cmm, 'cmm', caseRef, 'recordInterview', {}, 'short'),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await e2e.gateway.act(e2e.tokens.cmm, 'cmm', caseRef, 'recordInterview', { onBehalfOfVictim: true }),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await e2e.gateway.call('GET', '/cmm/cases?stage=limbo', { token: e2e.tokens.cmm }),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await e2e.gateway.call('GET', '/cmm/deadlines?days=0', { token: e2e.tokens.cmm }),
      400,
      'VALIDATION_FAILED',
    );
    expect(await timeline()).toEqual(before);
  });

  it('invalid dates: a malformed instant is 400, an arrival in the future is refused by the rule (422)', async () => {
    const ref = (
      await e2e.gateway.open(e2e.tokens.police, 'police', { facts: { hasLegalStay: false, age: 'adult' } })
    ).caseRef;
    expect((await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'recordInterview')).status).toBe(200);
    expect((await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'submitForIdentification')).status).toBe(200);
    expect(
      (await e2e.gateway.act(e2e.tokens.dis, 'dis', ref, 'decideIdentification', { outcome: 'identified' }))
        .status,
    ).toBe(200);
    expect(
      (
        await e2e.gateway.call('POST', `/cmm/cases/${ref}/access-grants`, {
          token: e2e.tokens.cmm,
          body: { role: 'iom', party: 'iom-dk' },
        })
      ).status,
    ).toBe(200);
    expect((await e2e.gateway.act(e2e.tokens.iom, 'iom', ref, 'confirmAvrCooperation')).status).toBe(200);
    expect((await e2e.gateway.act(e2e.tokens.iom, 'iom', ref, 'draftAvrPlan')).status).toBe(200);
    const departed = await e2e.gateway.act(e2e.tokens.iom, 'iom', ref, 'recordDeparture');
    expect(departed.status).toBe(200);
    const before = await timeline(ref);
    for (const arrivedAt of ['2026-02-30T10:00:00Z', 'yesterday', '2026-01-01T10:00:00+01:00']) {
      expectProblem(
        await e2e.gateway.act(e2e.tokens.iom, 'iom', ref, 'recordArrival', { arrivedAt }),
        400,
        'VALIDATION_FAILED',
      );
    }
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expectProblem(
      await e2e.gateway.act(e2e.tokens.iom, 'iom', ref, 'recordArrival', { arrivedAt: future }),
      422,
      'INVALID_COMMAND',
    );
    expect(await timeline(ref)).toEqual(before);
  });

  it('a duplicate Idempotency-Key is answered with the case as it is and has one effect', async () => {
    const ref = (
      await e2e.gateway.open(e2e.tokens.police, 'police', { facts: { hasLegalStay: false, age: 'adult' } })
    ).caseRef;
    const key = `interview-${randomBytes(6).toString('hex')}`;
    const first = await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'recordInterview', {}, key);
    const second = await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'recordInterview', {}, key);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const interviews = (await timeline(ref)).filter((e) => e.type === 'InterviewRecorded');
    expect(interviews).toHaveLength(1);
    expect((second.body as CaseView).timeline).toEqual((first.body as CaseView).timeline);
  });

  it('a national role’s act on an unknown case: 404 whatever the body, and its Idempotency-Key is left free', async () => {
    // CMM's acts go straight to the case (no scope query first): the answers must stay those of the matrix.
    const unknownRef = 'PW-000000000000';
    expectProblem(
      await e2e.gateway.act(e2e.tokens.cmm, 'cmm', unknownRef, 'recordInterview', { surprise: true }),
      404,
      'CASE_NOT_FOUND',
    );
    const key = `unknown-${randomBytes(6).toString('hex')}`;
    expectProblem(
      await e2e.gateway.act(e2e.tokens.cmm, 'cmm', unknownRef, 'recordInterview', {}, key),
      404,
      'CASE_NOT_FOUND',
    );
    // The key bound nothing: CMM may use it for its next request, which is applied.
    const ref = (
      await e2e.gateway.open(e2e.tokens.police, 'police', { facts: { hasLegalStay: false, age: 'adult' } })
    ).caseRef;
    const applied = await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'recordInterview', {}, key);
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect((await timeline(ref)).filter((e) => e.type === 'InterviewRecorded')).toHaveLength(1);
  });

  it('a granted role acts while its grant holds, and is answered 404 the moment it is revoked (changing nothing)', async () => {
    // The gateway reads a granted role's scope from the case's own record first (ADR 0019): a revocation
    // must be seen by the very next act.
    const party = { org: `ngo-${randomBytes(3).toString('hex')}` };
    const ngo = await e2e.gateway.token('ngo', party.org);
    const ref = (
      await e2e.gateway.open(e2e.tokens.police, 'police', { facts: { hasLegalStay: false, age: 'adult' } })
    ).caseRef;
    expectProblem(await e2e.gateway.act(ngo, 'ngo', ref, 'recordInterview'), 404, 'CASE_NOT_FOUND');
    const granted = await e2e.gateway.call('POST', `/cmm/cases/${ref}/access-grants`, {
      token: e2e.tokens.cmm,
      body: { role: 'ngo', party: party.org },
    });
    expect(granted.status, JSON.stringify(granted.body)).toBe(200);
    const acted = await e2e.gateway.act(ngo, 'ngo', ref, 'recordInterview');
    expect(acted.status, JSON.stringify(acted.body)).toBe(200);
    const revoked = await e2e.gateway.call('DELETE', `/cmm/cases/${ref}/access-grants/ngo/${party.org}`, {
      token: e2e.tokens.cmm,
    });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    const before = await timeline(ref);
    expectProblem(await e2e.gateway.act(ngo, 'ngo', ref, 'recordInterview'), 404, 'CASE_NOT_FOUND');
    expect(await timeline(ref)).toEqual(before);
  });

  it('a referral retried with the same Idempotency-Key answers with the same case; another key opens another', async () => {
    const key = `referral-${randomBytes(6).toString('hex')}`;
    const body = { facts: { hasLegalStay: false, age: 'adult' } };
    const headers = { 'idempotency-key': key };
    const first = await e2e.gateway.call<CaseView>('POST', '/police/cases', {
      token: e2e.tokens.police,
      body,
      headers,
    });
    const retried = await e2e.gateway.call<CaseView>('POST', '/police/cases', {
      token: e2e.tokens.police,
      body,
      headers,
    });
    expect(first.status).toBe(201);
    expect(retried.status).toBe(201);
    expect(retried.body.caseRef).toBe(first.body.caseRef);
    expect(await timeline(first.body.caseRef)).toHaveLength(first.body.timeline.length);
    const other = await e2e.gateway.call<CaseView>('POST', '/police/cases', {
      token: e2e.tokens.police,
      body,
      headers: { 'idempotency-key': `${key}-2` },
    });
    expect(other.body.caseRef).not.toBe(first.body.caseRef);
    // The key is the caller's own: another organisation's identical key opens its own case.
    const ngo = await e2e.gateway.token('ngo', 'hopenow');
    const elsewhere = await e2e.gateway.call<CaseView>('POST', '/ngo/cases', { token: ngo, body, headers });
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body.caseRef).not.toBe(first.body.caseRef);
  });

  it('a refused act keeps the domain’s code: WRONG_AUTHORITY for CMM deciding a DIS case (R1)', async () => {
    const ref = (
      await e2e.gateway.open(e2e.tokens.police, 'police', { facts: { hasLegalStay: false, age: 'adult' } })
    ).caseRef;
    await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'recordInterview');
    await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'submitForIdentification');
    const before = await timeline(ref);
    expectProblem(
      await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'decideIdentification', { outcome: 'identified' }),
      422,
      'WRONG_AUTHORITY',
    );
    expect(await timeline(ref)).toEqual(before);
  });

  it('a closed case takes no further acts (409 CASE_CLOSED); a duplicate grant changes nothing; a missing grant is 409', async () => {
    const ref = (
      await e2e.gateway.open(e2e.tokens.cmm, 'cmm', { facts: { hasLegalStay: true, age: 'adult' } })
    ).caseRef;
    const grant = { role: 'ngo', party: 'hopenow' };
    const once = await e2e.gateway.call<CaseView>('POST', `/cmm/cases/${ref}/access-grants`, {
      token: e2e.tokens.cmm,
      body: grant,
    });
    const twice = await e2e.gateway.call<CaseView>('POST', `/cmm/cases/${ref}/access-grants`, {
      token: e2e.tokens.cmm,
      body: grant,
    });
    expect(twice.body.access).toEqual(once.body.access);
    expectProblem(
      await e2e.gateway.call('DELETE', `/cmm/cases/${ref}/access-grants/ngo/reden`, {
        token: e2e.tokens.cmm,
      }),
      409,
      'GRANT_NOT_FOUND',
    );
    expect(
      (await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'closeCase', { reason: 'referred-in-error' }))
        .status,
    ).toBe(200);
    expectProblem(await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'recordInterview'), 409, 'CASE_CLOSED');
  });
});
