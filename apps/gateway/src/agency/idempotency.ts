import { createHash, randomUUID } from 'node:crypto';
import type { IdempotencyRecord, Principal } from '../../../../libs/contracts/src/index.js';

const digest = (text: string): string => createHash('sha256').update(text).digest('base64url');

/** JSON with object keys sorted, so that the same body written in another key order is the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}

/**
 * Binds an Idempotency-Key to the caller's role and organisation (two organisations' keys never meet) and to
 * the request: its operation, its case and a digest of its body. Only digests leave the gateway.
 */
export function bindIdempotencyKey(
  principal: Principal,
  key: string,
  request: { readonly operation: string; readonly caseRef?: string; readonly body: unknown },
): IdempotencyRecord {
  return {
    key: digest(`${principal.role}\n${principal.org}\n${key}`),
    fingerprint: digest(
      `${request.operation}\n${request.caseRef ?? ''}\n${canonicalJson(request.body ?? {})}`,
    ),
    requestId: randomUUID(),
  };
}

/** The Temporal Update id of a keyed act: the same request again is the same Update (one effect). */
export function updateIdOf(record: IdempotencyRecord): string {
  return `idem:${record.key}:${record.fingerprint}`;
}
