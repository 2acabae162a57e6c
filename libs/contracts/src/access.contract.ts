import { z } from 'zod';
import { PARTY_PATTERN, ROLES, SUBJECT_PATTERN, SUBJECT_SCOPED_ROLES, type Role } from './access-grants.js';

export * from './access-grants.js';

export const partySchema = z
  .string()
  .regex(
    PARTY_PATTERN,
    'must be 1–63 lower-case letters, digits or dashes (an organisation or subject code)',
  );

export const subjectSchema = z
  .string()
  .regex(SUBJECT_PATTERN, 'must be an opaque id: 1–255 letters, digits or . _ : | - (no spaces, no @)');

/** The party a grant names: an organisation code, or for subject-scoped roles (a guardian) a subject id. */
export function partySchemaFor(role: Role): z.ZodString {
  return SUBJECT_SCOPED_ROLES.includes(role) ? subjectSchema : partySchema;
}

export const principalClaimsSchema = z.object({
  sub: subjectSchema,
  role: z.enum(ROLES),
  org: partySchema,
});
