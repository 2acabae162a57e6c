import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';

/** Strict validation of a request part against a contract schema; the error lists every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new BadRequestException({
    code: 'VALIDATION_FAILED',
    detail: 'The request does not match the contract.',
    errors: result.error.issues.map((issue) => ({
      pointer: `/${issue.path.map(String).join('/')}`,
      detail: issue.message,
    })),
  });
}
