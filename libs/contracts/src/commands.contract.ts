import { legalStatusChangeSchema, municipalityCodeSchema } from './event-payloads.contract.js';
import { z } from 'zod';
import { ACTORS, AGENCY_IDS, type Actor } from '../../domain/src/index.js';
import { instant } from '../../domain/src/index.js';
import { EXTENSION_GROUNDS } from '../../domain/src/index.js';
import { MANUAL_CLOSE_REASONS } from '../../domain/src/index.js';
import { DURABLE_SOLUTIONS } from '../../domain/src/index.js';
import {
  AGE_ASSESSMENT_OUTCOMES,
  AGE_STATUSES,
  GRANT_OUTCOMES,
  IDENTIFICATION_OUTCOMES,
  INTAKE_CHANNELS,
} from '../../domain/src/index.js';
import type { ActArgs, AgencyCommandType, Referral } from './case.contract.js';

/**
 * Request schemas: strict (unknown fields are refused) and free of personal data. Who acts (`by`) is an
 * agency id or `victim` (an act the victim makes through an agency, e.g. an extension request); `system`
 * is reserved for the workflow's own timers.
 */
const actor = z.enum(
  ACTORS.filter((a): a is Exclude<Actor, 'system'> => a !== 'system') as [
    Exclude<Actor, 'system'>,
    ...Exclude<Actor, 'system'>[],
  ],
);
const by = { by: actor };
const isoInstant = z.iso.datetime({ offset: false }).transform((value) => instant(value));

export const referralSchema = z.strictObject({
  by: z.enum(AGENCY_IDS),
  channel: z.enum(INTAKE_CHANNELS).default('first-encounter'),
  facts: z.strictObject({
    hasLegalStay: z.boolean(),
    isDefendant: z.boolean().default(false),
    siriResponsible: z.boolean().optional(),
    age: z.enum(AGE_STATUSES),
    unaccompanied: z.boolean().optional(),
    isAsylumSeeker: z.boolean().optional(),
  }),
}) satisfies z.ZodType<Referral>;

const plain = z.strictObject(by);

export const actSchemas: { readonly [T in AgencyCommandType]: z.ZodType<ActArgs<T>> } = {
  recordInterview: plain,
  submitForIdentification: plain,
  decideIdentification: z.strictObject({ ...by, outcome: z.enum(IDENTIFICATION_OUTCOMES) }),
  courtGrantsStatus: plain,
  concludeCriminalCase: plain,
  changeLegalStatus: z.strictObject({
    ...by,
    change: legalStatusChangeSchema,
  }),
  recordAgeAssessment: z.strictObject({ ...by, outcome: z.enum(AGE_ASSESSMENT_OUTCOMES) }),
  appointGuardian: plain,
  decideBestInterest: z.strictObject({
    ...by,
    familyTracing: z.boolean(),
    durableSolution: z.enum(DURABLE_SOLUTIONS),
  }),
  startFamilyTracing: plain,
  confirmAvrCooperation: plain,
  draftAvrPlan: plain,
  requestExtension: z.strictObject({
    ...by,
    via: z.enum(AGENCY_IDS).optional(),
    days: z.number().int().min(1).max(365),
    ground: z.enum(EXTENSION_GROUNDS),
  }),
  decideExtension: z.union([
    z.strictObject({ ...by, outcome: z.literal('granted'), days: z.number().int().min(1).max(365) }),
    z.strictObject({ ...by, outcome: z.literal('refused') }),
  ]),
  applyForPermit: z.strictObject({ ...by, victimCooperatesWithPolice: z.boolean() }),
  requestPermitRenewal: z.strictObject({ ...by, victimCooperatesWithPolice: z.boolean() }),
  decidePermit: z.strictObject({ ...by, outcome: z.enum(GRANT_OUTCOMES) }),
  applyForWorkPermit: z.strictObject({ ...by, via: z.enum(AGENCY_IDS).optional() }),
  decideWorkPermit: plain,
  endInvestigation: plain,
  applyForAsylum: z.strictObject({ ...by, via: z.enum(AGENCY_IDS).optional() }),
  decideAsylum: z.union([
    z.strictObject({
      ...by,
      outcome: z.literal('granted'),
      municipalityCode: municipalityCodeSchema,
    }),
    z.strictObject({ ...by, outcome: z.literal('refused') }),
  ]),
  recordDeparture: plain,
  recordArrival: z.strictObject({ ...by, arrivedAt: isoInstant.optional() }),
  recordCheckIn: plain,
  closeCase: z.strictObject({ ...by, reason: z.enum(MANUAL_CLOSE_REASONS) }),
};
