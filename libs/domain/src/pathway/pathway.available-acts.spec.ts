import { describe, expect, it } from 'vitest';
import { DENMARK_2013_REVISED } from '../policies/denmark-2013.policy.js';
import { scenario } from '../testing/scenario.fixtures.js';
import { instant } from '../time.js';
import { AGENCY_ACT_TYPES, availableActs } from './pathway.available-acts.js';
import type { AgencyId } from '../agency.js';

const P = DENMARK_2013_REVISED;
const EVERY_ACT = AGENCY_ACT_TYPES;

const availableTo = (given: ReturnType<typeof scenario>, agency: AgencyId) =>
  availableActs(given.state, P, given.now, agency, EVERY_ACT);
const namesOf = (list: ReturnType<typeof availableTo>) => list.filter((a) => a.available).map((a) => a.act);

describe('the acts an agency may take now, as decide answers them', () => {
  it('R2: a referred case offers CMM an interview and its closure, and says why it cannot submit yet', () => {
    const given = scenario(P, instant('2027-06-01T10:00:00+02:00')).refer();
    const acts = availableTo(given, 'cmm');
    expect(namesOf(acts)).toEqual(expect.arrayContaining(['recordInterview', 'closeCase']));
    expect(namesOf(acts)).not.toContain('decideIdentification');
    expect(acts.find((a) => a.act === 'closeCase')?.choices).toEqual([
      { reason: 'victim-withdrew' },
      { reason: 'whereabouts-unknown' },
      { reason: 'referred-in-error' },
    ]);
    expect(acts.find((a) => a.act === 'decideIdentification')).toMatchObject({
      available: false,
      refusal: { code: 'NOT_IN_STAGE' },
    });
  });

  it('R1: only the competent authority may decide the identification, with either outcome', () => {
    const given = scenario(P, instant('2027-06-01T10:00:00+02:00')).refer().interview().submit();
    expect(availableTo(given, 'dis').find((a) => a.act === 'decideIdentification')).toEqual({
      act: 'decideIdentification',
      available: true,
      choices: [{ outcome: 'identified' }, { outcome: 'not-identified' }],
    });
    expect(availableTo(given, 'siri').find((a) => a.act === 'decideIdentification')).toMatchObject({
      available: false,
      refusal: { code: 'WRONG_AUTHORITY' },
    });
  });

  it('R5 R6: in the reflection period an extension is offered by the agency or for the victim, up to the cap', () => {
    const given = scenario(P, instant('2027-06-01T10:00:00+02:00')).refer().identify().confirmAvr();
    const extension = availableTo(given, 'cmm').find((a) => a.act === 'requestExtension');
    expect(extension).toMatchObject({ available: true, actors: ['agency', 'victim'] });
    // 30 days of the 120 are used: 90 more at most.
    expect(extension?.maxDays).toBe(90);
    // Confirmed already: offered no more, and not refused either.
    expect(availableTo(given, 'iom').find((a) => a.act === 'confirmAvrCooperation')).toEqual({
      act: 'confirmAvrCooperation',
      available: false,
      done: true,
    });
  });

  it('agrees with decide for every act, agency and stage of a whole pathway', () => {
    const given = scenario(P, instant('2027-06-01T10:00:00+02:00')).refer().identify().confirmAvr();
    const agencies: AgencyId[] = ['cmm', 'dis', 'police', 'iom', 'ngo', 'shelter', 'municipality', 'court'];
    for (const agency of agencies) {
      for (const availability of availableTo(given, agency)) {
        if (availability.available) expect(availability.refusal).toBeUndefined();
        else if (availability.done !== true)
          expect(availability.refusal?.code, `${agency} ${availability.act}`).toBeDefined();
      }
    }
  });

  it('probes every act a command can be, but the opening and the timers', () => {
    expect(EVERY_ACT).toHaveLength(26);
  });

  it('a closed case offers nothing and says so', () => {
    const given = scenario(P, instant('2027-06-01T10:00:00+02:00'))
      .refer()
      .do({ type: 'closeCase', by: 'cmm', reason: 'referred-in-error' });
    const acts = availableTo(given, 'cmm');
    expect(namesOf(acts)).toEqual([]);
    expect(acts[0]?.refusal?.code).toBe('CASE_CLOSED');
  });
});
