/**
 * A case reference is the pseudonymous key of one presumed victim's pathway. It is the Temporal workflow
 * id, the Kafka message key and the CloudEvents subject, so it must never carry personal data: it is
 * generated, never derived from a name, a date of birth or a document number.
 *
 * Format: `PW-` followed by 12 Crockford base-32 characters (no I, L, O, U), e.g. `PW-7K2M9Q4X1D3F`.
 */
export type CaseRef = string & { readonly __brand: 'CaseRef' };

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CASE_REF_PATTERN = /^PW-[0-9A-HJKMNP-TV-Z]{12}$/;

export function isCaseRef(value: unknown): value is CaseRef {
  return typeof value === 'string' && CASE_REF_PATTERN.test(value);
}

/** Builds a case ref from 12 random bytes supplied by the caller (the domain does no I/O). */
export function caseRefFromRandom(bytes: Uint8Array): CaseRef {
  if (bytes.length < 12) throw new RangeError('caseRefFromRandom needs at least 12 random bytes');
  let body = '';
  for (let i = 0; i < 12; i++) body += CROCKFORD.charAt((bytes[i] ?? 0) % 32);
  return `PW-${body}` as CaseRef;
}
