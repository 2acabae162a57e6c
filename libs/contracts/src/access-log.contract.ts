import { z } from 'zod';
import { CASE_REF_PATTERN } from '../../domain/src/case-ref.js';
import { ROLES } from './access.contract.js';

/**
 * Every request to an agency gateway, allowed or denied, is recorded on this topic: who (role,
 * organisation, opaque subject — never a victim), which operation on which case, and the answer. Bodies,
 * query values and tokens are never recorded. Keyed by case ref when there is one, else by subject.
 */
export const ACCESS_LOG_TOPIC = 'pathway.access-log.v1';
export const ACCESS_RECORD_TYPE = 'dk.pathway.access-recorded.v1';

export const accessRecordSchema = z.strictObject({
  type: z.literal(ACCESS_RECORD_TYPE),
  id: z.uuid(),
  time: z.iso.datetime({ offset: false }),
  outcome: z.enum(['allowed', 'denied', 'failed']),
  status: z.number().int().min(100).max(599),
  code: z.string().optional(),
  role: z.enum(ROLES).optional(),
  org: z.string().optional(),
  sub: z.string().optional(),
  operation: z.string().optional(),
  method: z.string(),
  route: z.string(),
  caseRef: z.string().regex(CASE_REF_PATTERN).optional(),
});
export type AccessRecord = z.infer<typeof accessRecordSchema>;
