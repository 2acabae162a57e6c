import { join } from 'node:path';

/** The issuer of tokens minted by `npm run token` for the embedded default (override with `AUTH_ISSUER`). */
export const DEFAULT_LOCAL_ISSUER = 'urn:victim-pathway:local';

/** The audience every token must name, local or from an OIDC issuer (override with `AUTH_AUDIENCE`). */
export const DEFAULT_AUDIENCE = 'victim-pathway';

/** Signature algorithms a verifier accepts; `none` and the HMAC family (shared secrets) never are. */
export const ACCEPTED_ALGORITHMS = ['ES256', 'RS256', 'EdDSA'] as const;

/** Clock skew tolerated on `exp`, `nbf` and `iat` between the issuer and the gateway. */
export const CLOCK_TOLERANCE_SECONDS = 30;

/** The longest token lifetime a gateway accepts unless configured otherwise (`AUTH_MAX_TOKEN_LIFETIME_SECONDS`). */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 12 * 60 * 60;

/** Lifetime of a minted token unless asked otherwise: one working day. */
export const DEFAULT_TOKEN_TTL_SECONDS = 8 * 60 * 60;

/** The embedded default's key directory: `<DATA_DIR>/auth`. */
export function localKeysDir(dataDir: string): string {
  return join(dataDir, 'auth');
}
