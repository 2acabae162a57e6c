import { describe, expect, it } from 'vitest';
import { withheldFields, type CaseView } from '../../contracts/src/index.js';
import { DENMARK_2013_REVISED, currentDeadlines, instant, type CaseState } from '../../domain/src/index.js';
import { scenario } from '../../domain/src/testing/scenario.fixtures.js';
import { sectionsOf, viewForRole } from './case-view-filter.js';

describe('field filtering by need to know', () => {
  const given = scenario(DENMARK_2013_REVISED, instant('2027-01-04T09:00:00.000Z')).refer({
    hasLegalStay: false,
    isDefendant: false,
    age: 'child',
  });
  const state = given.state as CaseState;
  const view: CaseView = {
    caseRef: state.caseRef,
    stage: state.stage,
    policyVersion: state.policyVersion,
    deadlines: currentDeadlines(state, DENMARK_2013_REVISED),
    timeline: given.events.map((e, i) => ({ seq: i + 1, at: e.at, type: e.type })),
    state,
  };

  it('R17: the referring police unit sees that a guardian must be appointed, and by when, but not the child’s file', () => {
    const police = viewForRole('police', view);
    expect(police.deadlines.map((d) => d.kind)).toEqual(['guardian-appointment']);
    expect(police.state).not.toHaveProperty('child');
  });

  it('R17: the municipality, which appoints, sees the deadline and the child’s file', () => {
    const municipality = viewForRole('municipality', view);
    expect(municipality.deadlines.map((d) => d.kind)).toEqual(['guardian-appointment']);
    expect(municipality.state).toHaveProperty('child');
  });

  it('the auditor and the court see no deadline they have no task for', () => {
    expect(viewForRole('court', view).deadlines).toEqual([]);
  });
});

describe('one truth per audience: what a role sees over HTTP and on its topic agree', () => {
  it('R1/R11: police and prosecution see the status facts over HTTP and on their topics; NGOs and IOM on neither', () => {
    for (const role of ['police', 'prosecution', 'ngo', 'iom', 'shelter'] as const) {
      const overHttp = sectionsOf(role).has('intake');
      const onTopic = withheldFields(role, 'CaseReferred').length === 0;
      expect({ role, overHttp }).toEqual({ role, overHttp: onTopic });
    }
    expect(sectionsOf('police').has('intake')).toBe(true);
  });
});
