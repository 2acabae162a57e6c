import { describe, expect, it } from 'vitest';
import { DENMARK_2013 } from '../policies/denmark-2013.policy.js';
import { CASE_REF, eventTypes, scenario } from '../testing/scenario.fixtures.js';

const P = DENMARK_2013;

describe('R2 interviews are evidence; R3 asylum screening', () => {
  it('R2: CMM or a contracted NGO hold interviews; the police do not', () => {
    const given = scenario(P).refer();
    expect(eventTypes(given.try({ type: 'recordInterview', by: 'ngo' }))).toEqual([
      'InterviewRecorded',
      'StageChanged',
    ]);
    expect(given.try({ type: 'recordInterview', by: 'police' })).toMatchObject({
      code: 'ACTOR_NOT_PERMITTED',
      rule: 'R2',
    });
  });

  it('R2: an NGO interview is evidence only: the NGO cannot decide identification', () => {
    const given = scenario(P).refer().interview('ngo').submit('ngo');
    expect(given.case.stage).toBe('awaiting-identification');
    expect(given.try({ type: 'decideIdentification', by: 'ngo', outcome: 'identified' })).toMatchObject({
      ok: false,
      code: 'WRONG_AUTHORITY',
      rule: 'R2',
    });
  });

  it('R1: DIS deciding for a person with legal stay is told that CMM is competent, and why', () => {
    const given = scenario(P)
      .refer({ hasLegalStay: true, isDefendant: false, age: 'adult' }, 'ngo')
      .interview('ngo')
      .submit('cmm');
    expect(given.try({ type: 'decideIdentification', by: 'dis', outcome: 'identified' })).toEqual({
      ok: false,
      code: 'WRONG_AUTHORITY',
      reason: 'cmm is the competent authority: the person has legal stay',
      rule: 'R1',
      details: { competentAuthority: 'cmm' },
    });
  });

  it('R2: interview and decision are separate steps: no decision before submission, none without an interview', () => {
    const given = scenario(P).refer();
    expect(given.try({ type: 'decideIdentification', by: 'dis', outcome: 'identified' })).toMatchObject({
      code: 'NOT_IN_STAGE',
    });
    expect(given.try({ type: 'submitForIdentification', by: 'cmm' })).toMatchObject({
      code: 'INTERVIEW_REQUIRED',
    });
  });

  it('R2: not identified → the case closes with that reason', () => {
    const given = scenario(P).refer().interview().submit();
    given.do({ type: 'decideIdentification', by: 'dis', outcome: 'not-identified' });
    expect(given.case.stage).toBe('closed');
    expect(given.case.closed?.reason).toBe('not-identified');
  });

  it('R3: DIS screening in the asylum interview opens a case that needs CMM’s assessment before a decision', () => {
    const given = scenario(P).do({
      type: 'referCase',
      by: 'dis',
      caseRef: CASE_REF,
      channel: 'asylum-screening',
      facts: { hasLegalStay: false, isDefendant: false, age: 'adult' },
    });
    expect(given.case.facts.isAsylumSeeker).toBe(true);
    given.interview('ngo');
    expect(given.try({ type: 'submitForIdentification', by: 'ngo' })).toMatchObject({
      code: 'ASSESSMENT_REQUIRED',
      rule: 'R3',
    });
    given.interview('cmm');
    expect(given.try({ type: 'submitForIdentification', by: 'cmm' })).toMatchObject({
      ok: true,
      events: [{ type: 'IdentificationRequested', authority: 'dis' }, { type: 'StageChanged' }],
    });
  });

  it('R3: the Red Cross screens unaccompanied minor asylum seekers, and only them', () => {
    const refer = (age: 'adult' | 'unverified', unaccompanied: boolean) =>
      scenario(P).try({
        type: 'referCase',
        by: 'red-cross',
        caseRef: CASE_REF,
        channel: 'asylum-screening',
        facts: { hasLegalStay: false, isDefendant: false, age, unaccompanied },
      });
    expect(refer('unverified', true).ok).toBe(true);
    expect(refer('adult', true)).toMatchObject({ code: 'ACTOR_NOT_PERMITTED', rule: 'R3' });
    expect(refer('unverified', false)).toMatchObject({ code: 'ACTOR_NOT_PERMITTED' });
  });

  it('R3: first-encounter referrals come from police, DIS, CMM or an NGO', () => {
    for (const by of ['police', 'dis', 'cmm', 'ngo'] as const)
      expect(scenario(P).refer(undefined, by).case.intake.by).toBe(by);
    expect(
      scenario(P).try({
        type: 'referCase',
        by: 'iom',
        caseRef: CASE_REF,
        channel: 'first-encounter',
        facts: { hasLegalStay: false, isDefendant: false, age: 'adult' },
      }),
    ).toMatchObject({ code: 'ACTOR_NOT_PERMITTED' });
    expect(
      scenario(P).try({
        type: 'referCase',
        by: 'police',
        caseRef: 'Jane Doe',
        channel: 'first-encounter',
        facts: { hasLegalStay: false, isDefendant: false, age: 'adult' },
      }),
    ).toMatchObject({ code: 'INVALID_COMMAND' });
  });
});
