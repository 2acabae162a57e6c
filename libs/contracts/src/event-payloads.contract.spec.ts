import { describe, expect, it } from 'vitest';
import { AGENCY_IDS } from '../../domain/src/index.js';
import { PATHWAY_EVENT_TYPES } from '../../domain/src/index.js';
import {
  EVENT_DATA_SCHEMAS,
  RESTRICTED_FIELDS,
  eventDataSchemaFor,
  fullEventDataSchema,
  minimiseFor,
  withheldFields,
} from './event-payloads.contract.js';
import { pathwayEventRequest, toCloudEventFor, type AgencyEventRequest } from './events.contract.js';

/** A request as the publisher receives it: JSON from a workflow's history, which it checks. */
const arrived = (request: object): AgencyEventRequest => request as AgencyEventRequest;

const caseRef = 'PW-7K2M9Q4X1D3F';
const at = '2026-12-01T10:00:00.000Z';

const referred = {
  type: 'CaseReferred',
  at,
  caseRef,
  policyVersion: 'dk-2013.1',
  by: 'police',
  channel: 'first-encounter',
  facts: {
    hasLegalStay: false,
    isDefendant: true,
    siriResponsible: false,
    age: 'adult',
    unaccompanied: false,
    isAsylumSeeker: false,
  },
  competentAuthority: 'court',
} as const;
const asylumGranted = { type: 'AsylumGranted', at, caseRef, by: 'dis', municipalityCode: '0101' } as const;
const statusChanged = {
  type: 'LegalStatusChanged',
  at,
  caseRef,
  by: 'police',
  change: { kind: 'defendant', isDefendant: true },
} as const;

describe('payload minimisation (given an event, when minimised for a topic, then…)', () => {
  it('keeps the status facts of a referral for the identifying authorities, police and prosecution (R11) and the audit stream only', () => {
    for (const audience of ['cmm', 'dis', 'siri', 'court', 'police', 'prosecution', 'audit'] as const) {
      expect(minimiseFor(audience, 'CaseReferred', referred)).toEqual(referred);
    }
    const forNgo = minimiseFor('ngo', 'CaseReferred', referred);
    expect(forNgo).not.toHaveProperty('facts');
    expect(forNgo).not.toHaveProperty('channel');
    expect(forNgo).toEqual({
      type: 'CaseReferred',
      at,
      caseRef,
      policyVersion: 'dk-2013.1',
      by: 'police',
      competentAuthority: 'court',
    });
  });

  it('withholds a legal status change from agencies that do not identify', () => {
    expect(minimiseFor('cmm', 'LegalStatusChanged', statusChanged)).toEqual(statusChanged);
    expect(minimiseFor('guardian', 'LegalStatusChanged', statusChanged)).not.toHaveProperty('change');
    expect(minimiseFor('audit', 'LegalStatusChanged', statusChanged)).toEqual(statusChanged);
  });

  it('tells the municipality code to DIS, the municipality, CMM and a guardian only', () => {
    for (const audience of AGENCY_IDS) {
      const sees = ['dis', 'municipality', 'cmm', 'guardian'].includes(audience);
      expect(minimiseFor(audience, 'AsylumGranted', asylumGranted)).toEqual(
        sees ? asylumGranted : { type: 'AsylumGranted', at, caseRef, by: 'dis' },
      );
    }
  });

  it('leaves unrestricted events whole for everyone and never changes its input', () => {
    const decided = { type: 'IdentificationDecided', at, caseRef, by: 'dis', outcome: 'identified' };
    const copy = structuredClone(referred);
    for (const audience of [...AGENCY_IDS, 'audit'] as const) {
      expect(minimiseFor(audience, 'IdentificationDecided', decided)).toEqual(decided);
      minimiseFor(audience, 'CaseReferred', referred);
    }
    expect(referred).toEqual(copy);
  });

  it('restricts only real fields of each event, and the audit stream sees all of them', () => {
    for (const [type, { fields, readers }] of Object.entries(RESTRICTED_FIELDS)) {
      const keys = Object.keys(fullEventDataSchema(type as never).shape);
      for (const field of fields) expect(keys).toContain(field);
      expect(readers.length).toBeGreaterThan(0);
      expect(withheldFields('audit', type as never)).toEqual([]);
    }
  });
});

describe('per-type data schemas', () => {
  it('accepts the full and the minimised data, with the withheld fields optional', () => {
    const schema = EVENT_DATA_SCHEMAS.CaseReferred;
    expect(schema.parse(referred)).toEqual(referred);
    expect(schema.safeParse(minimiseFor('ngo', 'CaseReferred', referred)).success).toBe(true);
  });

  it('refuses a field outside the contract and a missing unrestricted field', () => {
    expect(EVENT_DATA_SCHEMAS.AsylumGranted.safeParse({ ...asylumGranted, name: 'x' }).success).toBe(false);
    const withoutBy = { type: 'AsylumGranted', at, caseRef, municipalityCode: '0101' };
    expect(EVENT_DATA_SCHEMAS.AsylumGranted.safeParse(withoutBy).success).toBe(false);
  });

  it('has a schema for every event type whose literal type is that type', () => {
    for (const type of PATHWAY_EVENT_TYPES) {
      expect(Object.keys(EVENT_DATA_SCHEMAS)).toContain(type);
      const literal = fullEventDataSchema(type).shape['type'];
      expect(literal?.safeParse(type).success).toBe(true);
      expect(literal?.safeParse('SomethingElse').success).toBe(false);
    }
  });

  it('describes exactly what each topic receives: withheld fields are refused there', () => {
    expect(eventDataSchemaFor('ngo', 'CaseReferred').safeParse(referred).success).toBe(false);
    expect(
      eventDataSchemaFor('ngo', 'CaseReferred').safeParse(minimiseFor('ngo', 'CaseReferred', referred))
        .success,
    ).toBe(true);
    expect(eventDataSchemaFor('court', 'CaseReferred').safeParse(referred).success).toBe(true);
    // A reader must get the restricted fields: a minimised event is not enough for it.
    expect(
      eventDataSchemaFor('court', 'CaseReferred').safeParse(minimiseFor('ngo', 'CaseReferred', referred))
        .success,
    ).toBe(false);
  });
});

describe('toCloudEventFor', () => {
  const request = pathwayEventRequest(caseRef, 1, referred as never, ['cmm', 'ngo']);

  it('gives every topic the same id and its own minimised data', () => {
    const forCmm = toCloudEventFor(request, 'cmm');
    const forNgo = toCloudEventFor(request, 'ngo');
    const forAudit = toCloudEventFor(request, 'audit');
    expect(new Set([forCmm.id, forNgo.id, forAudit.id])).toEqual(new Set([`${caseRef}/e00001-CaseReferred`]));
    expect(forCmm.data).toEqual(referred);
    expect(forAudit.data).toEqual(referred);
    expect(forNgo.data).toEqual(minimiseFor('ngo', 'CaseReferred', referred));
    expect({ ...forNgo, data: undefined }).toEqual({ ...forCmm, data: undefined });
  });

  it('refuses data that is not complete for its type, before any minimising', () => {
    const incomplete = minimiseFor('ngo', 'CaseReferred', referred);
    expect(() => toCloudEventFor(arrived({ ...request, data: incomplete }), 'ngo')).toThrow(/facts/);
  });

  it('refuses data whose domain type does not match the CloudEvents type, or is unknown', () => {
    expect(() => toCloudEventFor({ ...request, type: 'dk.pathway.permit-granted.v1' }, 'audit')).toThrow(
      /does not match the CloudEvents type/,
    );
    expect(() =>
      toCloudEventFor(arrived({ ...request, data: { ...referred, type: 'Unknown' } }), 'audit'),
    ).toThrow(/type/);
  });
});
