import { z } from 'zod';
import { partySchema, type Role } from './access.contract.js';
import { EVENT_SOURCE, cloudEventSchema, type CloudEvent } from './events.contract.js';

/**
 * The person behind a case (issue 13): the only personal data the system holds. It lives sealed in the person
 * vault (libs/personal-data, ADR 0014), never in Temporal, on Kafka, in logs or in the access log. A record is
 * made of sections; each role sees only the sections its work needs (`PERSON_SECTIONS_BY_ROLE`).
 */
export const PERSON_SECTIONS = [
  'identity',
  'birth',
  'nationality',
  'language',
  'contact',
  'accommodation',
] as const;
export type PersonSection = (typeof PERSON_SECTIONS)[number];

/** A name as written by the person or on a document: letters of any script, spaces, hyphens, apostrophes. */
const name = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\p{L}\p{M}][\p{L}\p{M} '’.-]*$/u, 'must be letters, spaces, hyphens or apostrophes');
const calendarDate = z.iso.date({ error: 'must be a date, YYYY-MM-DD' });

export const personSectionSchemas = {
  identity: z.strictObject({
    givenNames: name,
    familyName: name.optional(),
    aliases: z.array(name).max(10).optional(),
    sex: z.enum(['female', 'male', 'other', 'unknown']).optional(),
  }),
  /** Exact, or estimated: what the person says and, if any, an age assessment's year (R17). */
  birth: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('exact'), date: calendarDate }),
    z.strictObject({
      kind: z.literal('estimated'),
      claimedAge: z.number().int().min(0).max(120),
      estimatedYear: z.number().int().min(1900).max(2100).optional(),
    }),
  ]),
  /** ISO 3166-1 alpha-3 codes (`XXA`: stateless, as ICAO 9303 writes it). */
  nationality: z.strictObject({
    nationalities: z
      .array(z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 3166-1 alpha-3 code, e.g. NGA'))
      .min(1)
      .max(5),
  }),
  /** ISO 639 codes, the first the person's preferred one. */
  language: z.strictObject({
    languages: z
      .array(z.string().regex(/^[a-z]{2,3}$/, 'must be an ISO 639 code, e.g. ro or tir'))
      .min(1)
      .max(10),
    interpreterNeeded: z.boolean(),
  }),
  /** A number it is safe to call the person on (E.164), never the trafficker's. */
  contact: z.strictObject({
    safePhone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number, e.g. +4512345678'),
  }),
  /** Where the person stays: a shelter by its organisation code. */
  accommodation: z.strictObject({ shelter: partySchema, since: calendarDate.optional() }),
} satisfies { readonly [S in PersonSection]: z.ZodType };

export type PersonRecord = {
  readonly [S in PersonSection]?: z.infer<(typeof personSectionSchemas)[S]>;
};

export const personRecordSchema = z.strictObject({
  identity: personSectionSchemas.identity.optional(),
  birth: personSectionSchemas.birth.optional(),
  nationality: personSectionSchemas.nationality.optional(),
  language: personSectionSchemas.language.optional(),
  contact: personSectionSchemas.contact.optional(),
  accommodation: personSectionSchemas.accommodation.optional(),
});

/**
 * A change to the record: the sections given replace the stored ones, `null` removes one; `version` is the
 * version the caller read (0 for a case without a record), so one agency's change is never silently lost
 * under another's. A role may change only sections it may see.
 */
export const personChangeSchema = z.strictObject({
  version: z.number().int().min(0),
  identity: personSectionSchemas.identity.nullable().optional(),
  birth: personSectionSchemas.birth.nullable().optional(),
  nationality: personSectionSchemas.nationality.nullable().optional(),
  language: personSectionSchemas.language.nullable().optional(),
  contact: personSectionSchemas.contact.nullable().optional(),
  accommodation: personSectionSchemas.accommodation.nullable().optional(),
});
export type PersonChange = z.infer<typeof personChangeSchema>;

/** A case note: free text (it may hold health data, GDPR Art. 9); a correction names the note it corrects. */
export const caseNoteSchema = z.strictObject({
  text: z.string().trim().min(1).max(4_000),
  corrects: z.number().int().min(1).optional(),
});
export type CaseNote = z.infer<typeof caseNoteSchema>;

/**
 * Need to know: the sections each role's work needs (docs/personal-data.md explains each line). The auditor
 * sees none of the values, only which sections exist. Notes (free text, possibly health data) are read by the
 * coordinator and the organisations supporting the person day to day, and by a child's guardian.
 */
export const PERSON_SECTIONS_BY_ROLE: { readonly [R in Role]: readonly PersonSection[] } = {
  cmm: PERSON_SECTIONS,
  dis: ['identity', 'birth', 'nationality', 'language'],
  siri: ['identity', 'birth', 'nationality'],
  police: ['identity', 'birth', 'nationality'],
  prosecution: ['identity', 'birth', 'nationality'],
  court: ['identity', 'birth'],
  iom: ['identity', 'birth', 'nationality', 'language', 'contact'],
  drc: ['identity', 'birth', 'nationality', 'language', 'contact'],
  'return-agency': ['identity', 'birth', 'nationality', 'language', 'contact'],
  ngo: ['identity', 'language', 'contact'],
  shelter: ['identity', 'language', 'contact', 'accommodation'],
  municipality: ['identity', 'birth', 'nationality', 'language', 'contact', 'accommodation'],
  'red-cross': ['identity', 'birth', 'nationality', 'language'],
  guardian: ['identity', 'birth', 'nationality', 'language', 'contact', 'accommodation'],
  auditor: [],
};

export const NOTE_READERS: readonly Role[] = ['cmm', 'ngo', 'shelter', 'guardian'];

/** The record as `role` may see it: its sections only, and the names of every section present. */
export function personForRole(
  role: Role,
  record: PersonRecord,
): { readonly sections: PersonRecord; readonly present: readonly PersonSection[] } {
  const visible = new Set(PERSON_SECTIONS_BY_ROLE[role]);
  const present = PERSON_SECTIONS.filter((section) => record[section] !== undefined);
  const sections = Object.fromEntries(
    present.filter((section) => visible.has(section)).map((section) => [section, record[section]]),
  ) as PersonRecord;
  return { sections, present };
}

/** Applies a change (validated) to the current record; throws naming sections the role may not change. */
export function applyPersonChange(
  role: Role,
  current: PersonRecord | undefined,
  change: PersonChange,
): PersonRecord {
  const visible = new Set(PERSON_SECTIONS_BY_ROLE[role]);
  const touched = PERSON_SECTIONS.filter((section) => change[section] !== undefined);
  const forbidden = touched.filter((section) => !visible.has(section));
  if (forbidden.length > 0) throw new SectionsNotPermittedError(forbidden);
  const next = Object.fromEntries(
    PERSON_SECTIONS.flatMap((section) => {
      const value = change[section] === undefined ? current?.[section] : change[section];
      return value === null || value === undefined ? [] : [[section, value]];
    }),
  );
  return personRecordSchema.parse(next);
}

/** A change to sections the role may not see (and so may not write). */
export class SectionsNotPermittedError extends Error {
  constructor(readonly sections: readonly PersonSection[]) {
    super(`this role may not change: ${sections.join(', ')}`);
    this.name = 'SectionsNotPermittedError';
  }
}

/** A note as answered: who wrote it (role and organisation), when, and which note it corrects. */
export const noteViewSchema = z
  .strictObject({
    seq: z.number().int().min(1),
    at: z.iso.datetime({ offset: false }),
    author: z.strictObject({ role: z.string(), org: z.string() }),
    corrects: z.number().int().min(1).optional(),
    text: z.string(),
  })
  .meta({
    id: 'CaseNote',
    description: 'A case note; a correction is a new note naming the one it corrects.',
  });

const erasureSchema = z
  .strictObject({
    at: z.iso.datetime({ offset: false }),
    byRole: z.string(),
    byOrg: z.string(),
    reason: z.string(),
  })
  .meta({ id: 'PersonErasure', description: 'When, by whom and why the person’s data was erased.' });

/** The person as a role may see it (`GET /<role>/cases/{caseRef}/person`). */
export const personViewSchema = z
  .strictObject({
    caseRef: z.string(),
    state: z.enum(['none', 'held', 'erased']),
    version: z.number().int().min(0).describe('The version to name in your next change (0: no record yet).'),
    updatedAt: z.iso.datetime({ offset: false }).optional(),
    updatedBy: z.strictObject({ role: z.string(), org: z.string() }).optional(),
    present: z
      .array(z.enum(PERSON_SECTIONS))
      .describe('Every section the record holds, also those you do not see.'),
    sections: personRecordSchema.describe('The sections your role may see (docs/personal-data.md).'),
    notes: z.array(noteViewSchema).optional().describe('To the roles that read notes.'),
    erasure: erasureSchema.optional(),
  })
  .meta({ id: 'PersonView', description: 'The person behind the case, as your role may see it.' });

export type NoteView = z.infer<typeof noteViewSchema>;
export type PersonView = z.infer<typeof personViewSchema>;

/** A subject-access export (GDPR Art. 15): the person and the case in one document. */
export const personExportSchema = z
  .strictObject({
    exportedAt: z.iso.datetime({ offset: false }),
    basis: z.string(),
    person: personViewSchema,
    case: z.record(z.string(), z.unknown()).describe('The case as CMM sees it (the CaseView).'),
  })
  .meta({ id: 'PersonExport', description: 'Everything the system holds about the person and the case.' });

/** An erasure request: why (a data-subject request, or the end of the retention period). */
export const erasureBodySchema = z.strictObject({
  reason: z.enum(['data-subject-request', 'retention-period-ended']),
});
export type ErasureReason = z.infer<typeof erasureBodySchema>['reason'];

/**
 * What the agencies are told about the person (never the values): that the record changed (which sections,
 * the version), that a note was added, or that the person's data was erased. Published by the gateway from
 * an outbox written in the vault's own transaction, to the audit stream, the coordinator and every agency
 * holding a grant on the case — also after the case has closed (erasure at the end of a retention period).
 */
export const PERSON_RECORD_CHANGED_TYPE = 'dk.pathway.person-record-changed.v1';
export const PERSON_ERASED_TYPE = 'dk.pathway.person-erased.v1';

export const personRecordChangedDataSchema = z.strictObject({
  caseRef: z.string(),
  at: z.iso.datetime({ offset: false }),
  /** The role that changed it. */
  by: z.string(),
  sections: z.array(z.enum([...PERSON_SECTIONS, 'notes'])).min(1),
  /** The record's version after a change of sections. */
  version: z.number().int().min(1).optional(),
  /** The note added (a correction names the one it corrects in the note itself). */
  noteSeq: z.number().int().min(1).optional(),
});
export type PersonRecordChangedData = z.infer<typeof personRecordChangedDataSchema>;

export const personErasedDataSchema = z.strictObject({
  caseRef: z.string(),
  at: z.iso.datetime({ offset: false }),
  by: z.string(),
  reason: z.enum(['data-subject-request', 'retention-period-ended']),
});
export type PersonErasedData = z.infer<typeof personErasedDataSchema>;

/** The CloudEvent of a person event, its data checked against its strict contract (ids, never values). */
export function personEvent(
  type: typeof PERSON_RECORD_CHANGED_TYPE | typeof PERSON_ERASED_TYPE,
  id: string,
  data: PersonRecordChangedData | PersonErasedData,
): CloudEvent {
  const checked =
    type === PERSON_ERASED_TYPE
      ? personErasedDataSchema.parse(data)
      : personRecordChangedDataSchema.parse(data);
  return cloudEventSchema.parse({
    specversion: '1.0',
    id,
    source: EVENT_SOURCE,
    type,
    subject: checked.caseRef,
    time: checked.at,
    datacontenttype: 'application/json',
    data: checked,
  });
}
