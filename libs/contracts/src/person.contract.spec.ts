import { describe, expect, it } from 'vitest';
import { ROLES } from './access.contract.js';
import {
  NOTE_READERS,
  PERSON_SECTIONS,
  PERSON_SECTIONS_BY_ROLE,
  SectionsNotPermittedError,
  applyPersonChange,
  caseNoteSchema,
  personChangeSchema,
  personForRole,
  type PersonRecord,
} from './person.contract.js';

const RECORD: PersonRecord = {
  identity: { givenNames: 'Ioana Maria', familyName: 'Popescu', aliases: ['Ana'], sex: 'female' },
  birth: { kind: 'estimated', claimedAge: 17, estimatedYear: 2008 },
  nationality: { nationalities: ['ROU'] },
  language: { languages: ['ro', 'en'], interpreterNeeded: true },
  contact: { safePhone: '+4512345678' },
  accommodation: { shelter: 'reden-cph', since: '2026-11-30' },
};

describe('the person record: strict validation', () => {
  it('accepts names in any script and refuses what is not a name, a code or a number', () => {
    expect(
      personChangeSchema.safeParse({ version: 0, identity: { givenNames: 'Ṭeḍros Ḥaile' } }).success,
    ).toBe(true);
    expect(personChangeSchema.safeParse({ version: 0, identity: { givenNames: 'ትግሪኛ' } }).success).toBe(true);
    const refused = [
      { version: 0, identity: { givenNames: '<script>' } },
      { version: 0, identity: { givenNames: '' } },
      { version: 0, identity: { givenNames: 'A', nickname: 'B' } },
      { version: 0, nationality: { nationalities: ['Romania'] } },
      { version: 0, language: { languages: ['Romanian'], interpreterNeeded: false } },
      { version: 0, contact: { safePhone: '12345678' } },
      { version: 0, birth: { kind: 'exact', date: '2008-02-30' } },
      { version: 0, birth: { kind: 'estimated', claimedAge: 200 } },
      { version: 0, ssn: '010203-1234' },
      { identity: { givenNames: 'A' } },
    ];
    for (const body of refused)
      expect(personChangeSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
  });

  it('keeps a note to 4 000 characters and a correction to a note number', () => {
    expect(caseNoteSchema.safeParse({ text: 'Seen at the clinic', corrects: 2 }).success).toBe(true);
    expect(caseNoteSchema.safeParse({ text: 'x'.repeat(4_001) }).success).toBe(false);
    expect(caseNoteSchema.safeParse({ text: ' ' }).success).toBe(false);
    expect(caseNoteSchema.safeParse({ text: 'x', corrects: 0 }).success).toBe(false);
  });
});

describe('need to know', () => {
  it('has a line for every role; every section only for the coordinator, the integrating municipality and a child’s guardian', () => {
    expect(Object.keys(PERSON_SECTIONS_BY_ROLE).sort()).toEqual([...ROLES].sort());
    const everything = ROLES.filter((r) => PERSON_SECTIONS_BY_ROLE[r].length === PERSON_SECTIONS.length);
    expect(everything.sort()).toEqual(['cmm', 'guardian', 'municipality']);
  });

  it('shows the police names, birth and nationality; the auditor only which sections exist', () => {
    expect(personForRole('police', RECORD)).toEqual({
      sections: { identity: RECORD.identity, birth: RECORD.birth, nationality: RECORD.nationality },
      present: PERSON_SECTIONS,
    });
    const audited = personForRole('auditor', RECORD);
    expect(audited.sections).toEqual({});
    expect(audited.present).toEqual(PERSON_SECTIONS);
    expect(JSON.stringify(audited)).not.toContain('Popescu');
    expect(Object.keys(personForRole('ngo', RECORD).sections)).toEqual(['identity', 'language', 'contact']);
  });

  it('lets a role change only sections it may see; null removes a section', () => {
    const change = personChangeSchema.parse({ version: 1, contact: { safePhone: '+4587654321' } });
    expect(() => applyPersonChange('police', RECORD, change)).toThrow(SectionsNotPermittedError);
    expect(applyPersonChange('ngo', RECORD, change).contact).toEqual({ safePhone: '+4587654321' });
    const removed = applyPersonChange('cmm', RECORD, personChangeSchema.parse({ version: 1, contact: null }));
    expect(removed.contact).toBeUndefined();
    expect(removed.identity).toEqual(RECORD.identity);
  });
});

describe('docs/personal-data.md', () => {
  it('shows exactly the need-to-know table the gateway will enforce', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('../../../docs/personal-data.md', import.meta.url), 'utf8');
    const rows = text
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => line.split('|').map((cell) => cell.trim()));
    const documented = Object.fromEntries(
      rows.map((cells) => [
        (cells[1] ?? '').replaceAll('`', ''),
        [...PERSON_SECTIONS, 'notes'].filter((_, i) => cells[i + 2] === '✓'),
      ]),
    );
    const enforced = Object.fromEntries(
      ROLES.map((role) => [
        role,
        [...PERSON_SECTIONS_BY_ROLE[role], ...(NOTE_READERS.includes(role) ? ['notes'] : [])],
      ]),
    );
    expect(documented).toEqual(enforced);
  });
});
