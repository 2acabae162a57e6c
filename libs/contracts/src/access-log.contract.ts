import { z } from 'zod';
import { CASE_REF_PATTERN } from '../../domain/src/index.js';
import { ROLES, SUBJECT_PATTERN, PARTY_PATTERN } from './access.contract.js';
import { PERSON_SECTIONS } from './person.contract.js';
import { distributedTracingExtension } from './tracing.contract.js';

/**
 * Every request to an agency gateway, allowed or denied, is recorded on this topic: who (role,
 * organisation, opaque subject — never a victim), which operation on which case, and the answer. Bodies,
 * query values and tokens are never recorded. A record is stored durably before the answer leaves the
 * gateway (ADR 0007) and published as a CloudEvent, keyed by case ref when there is one, else by subject.
 */
export const ACCESS_LOG_TOPIC = 'pathway.access-log.v1';
export const ACCESS_RECORD_TYPE = 'dk.pathway.access-recorded.v1';
export const ACCESS_LOG_SOURCE = 'urn:dk:victim-pathway:gateway';

/** A client's request id (`X-Request-Id`), echoed in the answer and recorded, for correlation. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

export const accessRecordDataSchema = z.strictObject({
  /** The request's id: the client's `X-Request-Id`, or one the gateway made (returned in the answer). */
  requestId: z.string().regex(REQUEST_ID_PATTERN),
  outcome: z.enum(['allowed', 'denied', 'failed']),
  status: z.number().int().min(100).max(599),
  code: z.string().optional(),
  role: z.enum(ROLES).optional(),
  org: z.string().regex(PARTY_PATTERN).optional(),
  sub: z.string().regex(SUBJECT_PATTERN).optional(),
  operation: z.string().optional(),
  method: z.string(),
  route: z.string(),
  /** The case acted on or read; for an open, the case it opened. */
  caseRef: z.string().regex(CASE_REF_PATTERN).optional(),
  /** For a read or change of the person's data: which sections were answered or changed (never the values). */
  personSections: z.array(z.enum([...PERSON_SECTIONS, 'notes'])).optional(),
});
export type AccessRecordData = z.infer<typeof accessRecordDataSchema>;

/** An access record as published: a CloudEvent whose subject is the case ref, when there is one. */
export const accessRecordSchema = z.strictObject({
  specversion: z.literal('1.0'),
  id: z.uuid(),
  source: z.literal(ACCESS_LOG_SOURCE),
  type: z.literal(ACCESS_RECORD_TYPE),
  subject: z.string().regex(CASE_REF_PATTERN).optional(),
  time: z.iso.datetime({ offset: false }),
  datacontenttype: z.literal('application/json'),
  data: accessRecordDataSchema,
  ...distributedTracingExtension,
});
export type AccessRecord = z.infer<typeof accessRecordSchema>;
