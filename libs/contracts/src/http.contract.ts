import { z } from 'zod';
import { STAGES } from '../../domain/src/index.js';

/**
 * The HTTP contract's query and header schemas (the bodies of the acts are `actSchemas`, of a referral
 * `referralSchema`). The gateway validates with these; the OpenAPI document is written from them.
 */

/** A whole number written in decimal digits only (`0x10`, `1e2`, ` 5` and `5.0` are refused). */
const queryInt = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/, `must be a whole number from ${min} to ${max}, in decimal digits`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback);

export const listCasesQuerySchema = z.strictObject({
  stage: z.enum(STAGES, { error: `must be one of: ${STAGES.join(', ')}` }).optional(),
  limit: queryInt(1, 200, 50),
});

export const listDeadlinesQuerySchema = z.strictObject({
  days: queryInt(1, 366, 14),
  limit: queryInt(1, 200, 50),
});

/** An Idempotency-Key header: 8–128 characters of letters, digits, `.`, `_`, `:` or `-`. */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{8,128}$/, 'must be 8–128 characters of letters, digits, . _ : -')
  .optional();
