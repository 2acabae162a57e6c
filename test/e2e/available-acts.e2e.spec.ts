import { describe, expect, it } from 'vitest';
import type { AvailableActs } from '../../libs/contracts/src/index.js';
import { e2eSystem } from '../support/e2e-system.js';

const availableOf = (answer: AvailableActs) => answer.acts.filter((a) => a.available).map((a) => a.act);

/**
 * `GET /<role>/cases/{caseRef}/available-acts` (issue 15, acts as forms): what the console offers a role on a
 * case, answered by the domain on the case as it is, scoped like the case view; and an act it offers is
 * accepted when taken, one it refuses is refused with the same code.
 */
describe('the acts a role may take on a case now', () => {
  const e2e = e2eSystem('available-acts');

  const available = async (role: 'cmm' | 'dis' | 'police' | 'iom', caseRef: string, token: string) => {
    const answer = await e2e.gateway.call<AvailableActs>('GET', `/${role}/cases/${caseRef}/available-acts`, {
      token,
    });
    expect(answer.status).toBe(200);
    return answer.body;
  };

  it('follows the case through identification, and each offered act is accepted when taken', async () => {
    const { gateway, tokens } = e2e;
    const { caseRef } = await gateway.open(tokens.cmm, 'cmm', {
      facts: { hasLegalStay: false, age: 'adult' },
    });

    const referred = await available('cmm', caseRef, tokens.cmm);
    expect(referred.stage).toBe('referred');
    expect(availableOf(referred)).toEqual(expect.arrayContaining(['recordInterview', 'closeCase']));
    const decide = referred.acts.find((a) => a.act === 'decideIdentification');
    expect(decide).toMatchObject({
      available: false,
      path: 'decide-identification',
      refusal: { code: 'NOT_IN_STAGE' },
    });
    // What the answer refuses, the act refuses with the same code, and changes nothing.
    const refused = await gateway.act(tokens.cmm, 'cmm', caseRef, 'decide-identification', {
      outcome: 'identified',
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'NOT_IN_STAGE' });

    for (const act of ['record-interview', 'submit-for-identification']) {
      const offered = (await available('cmm', caseRef, tokens.cmm)).acts.find((a) => a.path === act);
      expect(offered?.available, act).toBe(true);
      expect((await gateway.act(tokens.cmm, 'cmm', caseRef, act)).status).toBe(200);
    }
    const dis = await available('dis', caseRef, tokens.dis);
    expect(dis.acts.find((a) => a.act === 'decideIdentification')).toMatchObject({
      available: true,
      choices: [{ outcome: 'identified' }, { outcome: 'not-identified' }],
    });
    expect(
      (await gateway.act(tokens.dis, 'dis', caseRef, 'decide-identification', { outcome: 'identified' }))
        .status,
    ).toBe(200);

    const period = await available('cmm', caseRef, tokens.cmm);
    expect(period.stage).toBe('reflection-period');
    // R5/R6: an extension may be asked for now, by CMM or for the victim, within the 120 days in all.
    const extension = period.acts.find((a) => a.act === 'requestExtension');
    expect(extension).toMatchObject({ available: true, actors: ['agency', 'victim'], maxDays: 90 });
    // Only the acts the matrix gives the role are listed: CMM decides no permit.
    expect(period.acts.map((a) => a.act)).not.toContain('decidePermit');
  });

  it('is scoped like the case: 404 for a case out of scope or unknown; the auditor acts on nothing', async () => {
    const { gateway, tokens } = e2e;
    const { caseRef } = await gateway.open(tokens.cmm, 'cmm', {
      facts: { hasLegalStay: false, age: 'adult' },
    });
    const foreign = await gateway.call('GET', `/police/cases/${caseRef}/available-acts`, {
      token: tokens.police,
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ code: 'CASE_NOT_FOUND' });
    const unknown = await gateway.call('GET', '/cmm/cases/PW-7K2M9Q4X1D3F/available-acts', {
      token: tokens.cmm,
    });
    expect(unknown.status).toBe(404);
    const auditor = await gateway.call<AvailableActs>('GET', `/auditor/cases/${caseRef}/available-acts`, {
      token: await gateway.token('auditor', 'rigsrevisionen'),
    });
    expect(auditor.status).toBe(200);
    expect(auditor.body.acts).toEqual([]);
    const wrongRole = await gateway.call('GET', `/dis/cases/${caseRef}/available-acts`, {
      token: tokens.cmm,
    });
    expect(wrongRole.status).toBe(403);
  });
});
