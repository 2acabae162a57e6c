/** Why a request's bearer token was refused. Stable: clients and tests match on it. */
export type AuthenticationErrorCode =
  'TOKEN_MISSING' | 'TOKEN_MALFORMED' | 'TOKEN_EXPIRED' | 'TOKEN_INVALID' | 'CLAIMS_INVALID';

/**
 * The caller is not authenticated (HTTP 401). `detail` is safe to return to the client: it names what is
 * wrong (a claim, the scheme) but never echoes the token or a claim's value. No `cause` is attached, so a
 * logger that serialises errors cannot write the token's claims either.
 */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';
  constructor(
    readonly code: AuthenticationErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/**
 * The verifier could not get the keys to check a token with (the OIDC issuer's JWKS is unreachable, times
 * out or is not a key set). The server's fault, not the caller's: map it to 503, not 401. `cause` holds the
 * underlying error for the server log.
 */
export class KeySetUnavailableError extends Error {
  override readonly name = 'KeySetUnavailableError';
}
