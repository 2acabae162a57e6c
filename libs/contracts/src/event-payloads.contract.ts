import { z } from 'zod';
import { AGENCY_IDS, type AgencyId } from '../../domain/src/index.js';
import { CASE_REF_PATTERN } from '../../domain/src/index.js';
import { DEADLINE_KINDS, EXTENSION_GROUNDS } from '../../domain/src/index.js';
import type { PathwayEvent, PathwayEventType } from '../../domain/src/index.js';
import { CLOSE_REASONS, STAGES } from '../../domain/src/index.js';
import { DURABLE_SOLUTIONS, MUNICIPALITY_CODE_PATTERN } from '../../domain/src/index.js';
import { RULE_IDS } from '../../domain/src/index.js';
import {
  AGE_ASSESSMENT_OUTCOMES,
  AGE_STATUSES,
  IDENTIFICATION_OUTCOMES,
  INTAKE_CHANNELS,
  PERIOD_END_CAUSES,
  PERIOD_KINDS,
  PERMIT_END_CAUSES,
  type LegalStatusChange,
} from '../../domain/src/index.js';

/**
 * The `data` of every CloudEvent we publish, one strict schema per domain event type, and what each topic
 * may see of it. Strict means a field outside the contract is refused, so nothing (personal data least of
 * all) can slip into an event by accident: domain events carry stage names, agency ids, instants, rule ids
 * and counts only.
 */

export const caseRefSchema = z.string().regex(CASE_REF_PATTERN, 'must be a case ref like PW-7K2M9Q4X1D3F');
export const agencyIdSchema = z.enum(AGENCY_IDS);
/** An instant on the wire: ISO-8601 in UTC with `Z` (the domain writes `2026-12-01T10:00:00.000Z`). */
export const instantSchema = z.iso.datetime({ offset: false });

const actor = z.enum([...AGENCY_IDS, 'victim', 'system']);
const openStage = z.enum(STAGES).exclude(['closed']);
const ruleId = z.enum(RULE_IDS);
const periodKind = z.enum(PERIOD_KINDS);
const extensionGround = z.enum(EXTENSION_GROUNDS);
const caseFacts = z.strictObject({
  hasLegalStay: z.boolean(),
  isDefendant: z.boolean(),
  siriResponsible: z.boolean(),
  age: z.enum(AGE_STATUSES),
  unaccompanied: z.boolean(),
  isAsylumSeeker: z.boolean(),
});
/** One schema per kind of legal-status change the domain knows (a new kind does not compile without one). */
const legalStatusChanges = {
  'legal-stay': z.strictObject({ kind: z.literal('legal-stay'), hasLegalStay: z.boolean() }),
  defendant: z.strictObject({ kind: z.literal('defendant'), isDefendant: z.boolean() }),
  'siri-responsible': z.strictObject({ kind: z.literal('siri-responsible'), siriResponsible: z.boolean() }),
} satisfies {
  readonly [K in LegalStatusChange['kind']]: z.ZodType<Extract<LegalStatusChange, { kind: K }>>;
};
/** R1: a change of legal stay, of defendant status or of SIRI's responsibility (the act and its event). */
export const legalStatusChangeSchema = z.discriminatedUnion('kind', [
  legalStatusChanges['legal-stay'],
  legalStatusChanges.defendant,
  legalStatusChanges['siri-responsible'],
]);
const legalStatusChange = legalStatusChangeSchema;

/** R18: a municipality's 3-digit code, as the domain defines it (the HTTP contract and the events use this). */
export const municipalityCodeSchema = z
  .string()
  .regex(MUNICIPALITY_CODE_PATTERN, 'must be a 3-digit municipality code (kommunenummer)');

/** How to reach an agency (organisational contacts from the directory; never a person's). */
export const contactPointSchema = z.strictObject({
  agency: agencyIdSchema,
  name: z.string().min(1),
  phone: z.string().optional(),
  hotline: z.string().optional(),
  email: z.string().optional(),
  secureEmail: z.string().optional(),
  hours: z.string().optional(),
  open: z.boolean().optional(),
  nextOpensAt: instantSchema.optional(),
});

/** The fields every event's data has: the case ref, the domain event type and when it happened. */
function eventData<T extends PathwayEventType, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.strictObject({ caseRef: caseRefSchema, type: z.literal(type), at: instantSchema, ...shape });
}

/** Removes the domain's brands (`Instant`, `CaseRef`): on the wire they are plain strings. */
type Unbranded<T> = T extends { readonly __brand: unknown }
  ? string
  : T extends readonly (infer U)[]
    ? Unbranded<U>[]
    : T extends object
      ? { -readonly [K in keyof T]: Unbranded<T[K]> }
      : T;
type Simplify<T> = { [K in keyof T]: T[K] };

/** A domain event of type `T` as published in full (the audit stream): its fields plus the case ref. */
export type EventData<T extends PathwayEventType> = Simplify<
  Unbranded<Extract<PathwayEvent, { type: T }>> & { caseRef: string }
>;

/**
 * Every field of every domain event, required, as the audit stream receives it. The mapped type makes a new
 * domain event type without a schema a compile error; `EVERY_EVENT_FIELD_IN_ITS_SCHEMA` below checks the
 * other direction (a field added to an event but not to its schema).
 */
const FULL_SCHEMAS = {
  CaseReferred: eventData('CaseReferred', {
    policyVersion: z.string().min(1),
    by: actor,
    channel: z.enum(INTAKE_CHANNELS),
    facts: caseFacts,
    competentAuthority: agencyIdSchema,
  }),
  InterviewRecorded: eventData('InterviewRecorded', { by: agencyIdSchema }),
  IdentificationRequested: eventData('IdentificationRequested', {
    by: agencyIdSchema,
    authority: agencyIdSchema,
  }),
  IdentificationDecided: eventData('IdentificationDecided', {
    by: agencyIdSchema,
    outcome: z.enum(IDENTIFICATION_OUTCOMES),
  }),
  VictimStatusGrantedByCourt: eventData('VictimStatusGrantedByCourt', { by: agencyIdSchema }),
  CriminalCaseConcluded: eventData('CriminalCaseConcluded', { by: agencyIdSchema }),
  LegalStatusChanged: eventData('LegalStatusChanged', { by: agencyIdSchema, change: legalStatusChange }),
  IdentificationRerouted: eventData('IdentificationRerouted', { from: agencyIdSchema, to: agencyIdSchema }),
  AgeAssessed: eventData('AgeAssessed', { by: agencyIdSchema, outcome: z.enum(AGE_ASSESSMENT_OUTCOMES) }),
  GuardianAppointed: eventData('GuardianAppointed', { by: agencyIdSchema }),
  BestInterestDecided: eventData('BestInterestDecided', {
    by: agencyIdSchema,
    familyTracing: z.boolean(),
    durableSolution: z.enum(DURABLE_SOLUTIONS),
  }),
  FamilyTracingStarted: eventData('FamilyTracingStarted', { by: agencyIdSchema }),
  PeriodStarted: eventData('PeriodStarted', {
    kind: periodKind,
    startsAt: instantSchema,
    baseDays: z.number().int().nonnegative(),
    capDays: z.number().int().nonnegative(),
    endsAt: instantSchema,
  }),
  ExtensionRequested: eventData('ExtensionRequested', {
    by: actor,
    via: agencyIdSchema.optional(),
    requestNo: z.number().int().positive(),
    days: z.number().int().positive(),
    ground: extensionGround,
  }),
  ExtensionGranted: eventData('ExtensionGranted', {
    by: agencyIdSchema,
    requestNo: z.number().int().positive(),
    days: z.number().int().positive(),
    ground: extensionGround,
    endsAt: instantSchema,
    totalDays: z.number().int().positive(),
  }),
  ExtensionRefused: eventData('ExtensionRefused', {
    by: agencyIdSchema,
    requestNo: z.number().int().positive(),
  }),
  PeriodEnded: eventData('PeriodEnded', {
    kind: periodKind,
    cause: z.enum(PERIOD_END_CAUSES),
  }),
  AvrCooperationConfirmed: eventData('AvrCooperationConfirmed', { by: agencyIdSchema }),
  AvrPlanDrafted: eventData('AvrPlanDrafted', { by: agencyIdSchema }),
  PermitApplied: eventData('PermitApplied', { by: agencyIdSchema, renewal: z.boolean() }),
  PermitGranted: eventData('PermitGranted', {
    by: agencyIdSchema,
    renewal: z.boolean(),
    termNo: z.number().int().positive(),
    startsAt: instantSchema,
    endsAt: instantSchema,
  }),
  PermitRefused: eventData('PermitRefused', { by: agencyIdSchema, renewal: z.boolean() }),
  PermitEnded: eventData('PermitEnded', { cause: z.enum(PERMIT_END_CAUSES) }),
  WorkPermitApplied: eventData('WorkPermitApplied', { by: actor, via: agencyIdSchema.optional() }),
  WorkPermitGranted: eventData('WorkPermitGranted', { by: agencyIdSchema }),
  InvestigationEnded: eventData('InvestigationEnded', { by: agencyIdSchema }),
  AsylumApplied: eventData('AsylumApplied', {
    by: actor,
    via: agencyIdSchema.optional(),
    resumeStage: openStage,
  }),
  AsylumGranted: eventData('AsylumGranted', { by: agencyIdSchema, municipalityCode: municipalityCodeSchema }),
  AsylumRefused: eventData('AsylumRefused', { by: agencyIdSchema }),
  DepartureRecorded: eventData('DepartureRecorded', { by: agencyIdSchema, assisted: z.boolean() }),
  ArrivalRecorded: eventData('ArrivalRecorded', {
    by: agencyIdSchema,
    arrivedAt: instantSchema,
    monitoringEndsAt: instantSchema,
    checkInsDueAt: z.array(instantSchema),
  }),
  CheckInRecorded: eventData('CheckInRecorded', { by: agencyIdSchema, slot: z.number().int().positive() }),
  DeadlineMissed: eventData('DeadlineMissed', {
    deadlineId: z.string().min(1),
    kind: z.enum(DEADLINE_KINDS),
    rule: ruleId,
    responsible: agencyIdSchema,
    escalateTo: z.array(agencyIdSchema),
    repeat: z.number().int().min(2).optional(),
    contacts: z.array(contactPointSchema),
  }),
  ReintegrationCompleted: eventData('ReintegrationCompleted', {}),
  StageChanged: eventData('StageChanged', { from: openStage, to: openStage, rule: ruleId }),
  CaseClosed: eventData('CaseClosed', {
    from: openStage,
    reason: z.enum(CLOSE_REASONS),
    rule: ruleId.optional(),
  }),
} as const satisfies { readonly [T in PathwayEventType]: z.ZodType<EventData<T>> };

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SchemaGap = {
  [T in PathwayEventType]: Same<z.output<(typeof FULL_SCHEMAS)[T]>, EventData<T>> extends true ? never : T;
}[PathwayEventType];
// Compile-time check that each schema describes exactly its event's fields: a gap makes this `true` fail.
export const EVERY_EVENT_FIELD_IN_ITS_SCHEMA: [SchemaGap] extends [never] ? true : SchemaGap = true;

/** Who reads a topic: one agency, or the audit stream (which receives every event in full). */
export type EventAudience = AgencyId | 'audit';

interface Restriction<T extends PathwayEventType> {
  /** Fields withheld from agency topics whose agency is not a reader. */
  readonly fields: readonly Exclude<keyof Extract<PathwayEvent, { type: T }>, 'caseRef' | 'type' | 'at'>[];
  /** Agencies whose topics carry those fields (the audit stream always does). */
  readonly readers: readonly AgencyId[];
}

/** R1: the bodies that may identify a victim: CMM (legal stay), DIS or SIRI (no legal stay), the court (defendant). */
const IDENTIFYING_AUTHORITIES = ['cmm', 'dis', 'siri', 'court'] as const;
/** Who needs the person's status facts: the identifying authorities, and police and prosecution (R11). */
const STATUS_READERS = [...IDENTIFYING_AUTHORITIES, 'police', 'prosecution'] as const;

/**
 * Payload minimisation per topic. Events hold no personal data, but some hold status facts about the person
 * (legal stay, criminal charge, age, asylum) that an agency should learn only when its task needs them. A
 * type listed here is published to the topics of its `readers` (and the audit stream) in full, and to every
 * other agency's topic without `fields`; the event is still sent there (the agency must know *that*
 * something happened, e.g. to follow the stage), only the sensitive fact is withheld.
 *
 * Which authority is competent (`CaseReferred.competentAuthority`, `IdentificationRerouted`) stays visible:
 * the agencies told must know who acts.
 */
export const RESTRICTED_FIELDS = {
  // R1: the status facts decide who identifies; the identifying authorities weigh them, and police and
  // prosecution need them too: legal stay decides whether they may apply for the §9c(5) permit (R11) and the
  // criminal charge is theirs. They see the same facts over HTTP (the `intake` section). The intake channel
  // is withheld with them from everyone else, since `asylum-screening` reveals that the person sought asylum.
  CaseReferred: { fields: ['facts', 'channel'], readers: STATUS_READERS },
  // R1: a change of legal stay, of a criminal charge or of SIRI competence re-routes identification; the
  // others learn of the re-routing from `IdentificationRerouted`, not the status behind it.
  LegalStatusChanged: { fields: ['change'], readers: STATUS_READERS },
  // R17: whether the person is a child matters to the identifying authorities, to the municipality that
  // appoints the guardian and to the guardian, not to the rest.
  AgeAssessed: { fields: ['outcome'], readers: [...IDENTIFYING_AUTHORITIES, 'municipality', 'guardian'] },
  // R18: DIS allocates the municipality, which must offer the integration plan; CMM coordinates the move and
  // a child's guardian follows the child there. Where a person is placed is nobody else's business.
  AsylumGranted: { fields: ['municipalityCode'], readers: ['dis', 'municipality', 'cmm', 'guardian'] },
} as const satisfies { readonly [T in PathwayEventType]?: Restriction<T> };

export type RestrictedEventType = keyof typeof RESTRICTED_FIELDS;

/** `O` with the keys `K` optional. */
type PartialBy<O, K> = Simplify<
  { [P in keyof O as P extends K ? never : P]: O[P] } & { [P in keyof O as P extends K ? P : never]?: O[P] }
>;

/** A domain event of type `T` as published on any topic: the restricted fields may be absent. */
export type PublishedEventData<T extends PathwayEventType> = T extends RestrictedEventType
  ? PartialBy<EventData<T>, (typeof RESTRICTED_FIELDS)[T]['fields'][number]>
  : EventData<T>;

export interface FieldRestriction {
  readonly fields: readonly string[];
  readonly readers: readonly AgencyId[];
}

/** The restriction on `type` from `RESTRICTED_FIELDS`, if any. */
export function restrictionOf(type: PathwayEventType): FieldRestriction | undefined {
  const table: Partial<Record<PathwayEventType, FieldRestriction>> = RESTRICTED_FIELDS;
  return table[type];
}

/** The fields of `type` withheld from `audience`'s topic (none for the audit stream). */
export function withheldFields(audience: EventAudience, type: PathwayEventType): readonly string[] {
  const restriction = restrictionOf(type);
  if (restriction === undefined || audience === 'audit' || restriction.readers.includes(audience)) return [];
  return restriction.fields;
}

/** The data of a `type` event as `audience`'s topic receives it (a copy; pure). */
export function minimiseFor(
  audience: EventAudience,
  type: PathwayEventType,
  data: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const withheld = withheldFields(audience, type);
  return Object.fromEntries(Object.entries(data).filter(([field]) => !withheld.includes(field)));
}

export type StrictObject = z.ZodObject<{ [field: string]: z.ZodType }, z.core.$strict>;
const FULL: { readonly [T in PathwayEventType]: StrictObject } = FULL_SCHEMAS;

function mask(fields: readonly string[]): Record<string, true> {
  return Object.fromEntries(fields.map((field) => [field, true as const]));
}

/** Strict schema of a `type` event's data in full, as the audit stream (and every reader) receives it. */
export function fullEventDataSchema(type: PathwayEventType): StrictObject {
  return FULL[type];
}

/**
 * Strict schema of a `type` event's data exactly as `audience`'s topic receives it: every field it may see is
 * required, every field withheld from it is refused.
 */
export function eventDataSchemaFor(audience: EventAudience, type: PathwayEventType): StrictObject {
  const withheld = withheldFields(audience, type);
  return withheld.length === 0 ? FULL[type] : FULL[type].omit(mask(withheld));
}

/**
 * One strict schema per domain event type for the `data` of its CloudEvent on any topic: the restricted
 * fields are optional (present for their readers and the audit stream, absent elsewhere), every other field
 * is required, and no other field is allowed.
 */
export const EVENT_DATA_SCHEMAS = Object.fromEntries(
  Object.entries(FULL).map(([type, schema]) => {
    const restriction = restrictionOf(type as PathwayEventType);
    return [type, restriction === undefined ? schema : schema.partial(mask(restriction.fields))];
  }),
) as unknown as { readonly [T in PathwayEventType]: z.ZodType<PublishedEventData<T>> };
