import { readFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { ROLES, principalClaimsSchema, type Principal } from '../../contracts/src/index.js';
import {
  ACCEPTED_ALGORITHMS,
  CLOCK_TOLERANCE_SECONDS,
  DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
} from './auth.constants.js';
import { AuthenticationError, KeySetUnavailableError } from './auth.errors.js';

interface VerifierClaimsOptions {
  /** The `iss` a token must carry exactly. */
  readonly issuer: string;
  /** A value the token's `aud` must contain. */
  readonly audience: string;
  /** The longest lifetime (`exp` − `iat`) accepted; default 12 hours. */
  readonly maxLifetimeSeconds?: number;
}

/** The embedded default: the JWKS written by `ensureLocalSigningKeys`, read once when the verifier is created. */
export interface LocalTokenVerifierOptions extends VerifierClaimsOptions {
  readonly mode: 'local';
  readonly jwksPath: string;
}

/**
 * An OIDC issuer (Keycloak, Entra ID, MitID Erhverv broker …): `jwksUrl` is the `jwks_uri` from its
 * `/.well-known/openid-configuration`, and `issuer` that document's `issuer`. Keys are fetched on first use,
 * cached, and fetched again when a token names an unknown `kid` (key rotation). The issuer must put the
 * `role` and `org` claims in its access tokens.
 */
export interface RemoteTokenVerifierOptions extends VerifierClaimsOptions {
  readonly mode: 'remote';
  readonly jwksUrl: string | URL;
}

export type TokenVerifierOptions = LocalTokenVerifierOptions | RemoteTokenVerifierOptions;

export interface TokenVerifier {
  /**
   * The principal of a request, from its `Authorization` header value. Rejects with `AuthenticationError`
   * (401) when the caller is not authenticated, or `KeySetUnavailableError` (503) when a remote JWKS cannot
   * be fetched.
   */
  verify(authorizationHeader: string | undefined): Promise<Principal>;
}

/** RFC 6750 `b64token`. */
const B64_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Checks bearer tokens: signature (ES256, RS256 or EdDSA only: never `none` or a shared-secret HMAC)
 * against the configured key set, `iss`, `aud`, a required `exp` (30 s clock tolerance), then the
 * `sub`/`role`/`org` claims against the access contract. Throws at once if a local JWKS file is missing
 * or invalid, so a misconfigured gateway fails at boot rather than on the first request.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const keys = keySetFor(options);
  const source = options.mode === 'local' ? options.jwksPath : String(options.jwksUrl);
  return {
    async verify(authorizationHeader) {
      const token = bearerToken(authorizationHeader);
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          algorithms: [...ACCEPTED_ALGORITHMS],
          issuer: options.issuer,
          audience: options.audience,
          requiredClaims: ['exp'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
        }));
      } catch (error) {
        throw verificationFailure(error, source);
      }
      checkLifetime(payload, options.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS);
      return principalFrom(payload);
    },
  };
}

/**
 * A stolen token is useful for as long as it lives: refuse one issued in the future (beyond the clock
 * tolerance), or meant to live longer than the configured maximum (from `iat`, or from now without one).
 */
function checkLifetime(payload: JWTPayload, maxLifetimeSeconds: number): void {
  const now = Math.floor(Date.now() / 1000);
  const { iat, exp } = payload;
  if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat))) {
    throw new AuthenticationError('TOKEN_INVALID', 'the token\'s "iat" claim is not a number');
  }
  if (iat !== undefined && iat > now + CLOCK_TOLERANCE_SECONDS) {
    throw new AuthenticationError('TOKEN_INVALID', 'the token was issued in the future');
  }
  if (typeof exp === 'number' && exp - (iat ?? now) > maxLifetimeSeconds + CLOCK_TOLERANCE_SECONDS) {
    throw new AuthenticationError(
      'TOKEN_INVALID',
      `the token lives longer than this gateway accepts (at most ${maxLifetimeSeconds} s)`,
    );
  }
}

function keySetFor(options: TokenVerifierOptions): JWTVerifyGetKey {
  switch (options.mode) {
    case 'local': {
      let jwks: JSONWebKeySet;
      try {
        jwks = JSON.parse(readFileSync(options.jwksPath, 'utf8')) as JSONWebKeySet;
        return createLocalJWKSet(jwks);
      } catch (error) {
        throw new Error(
          `Cannot use the local JWKS at ${options.jwksPath} (create it with ensureLocalSigningKeys or \`npm run token\`)`,
          { cause: error },
        );
      }
    }
    case 'remote': {
      const url = new URL(options.jwksUrl);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new Error(`jwksUrl must be an http(s) URL, got ${url.protocol}`);
      }
      return createRemoteJWKSet(url);
    }
    default: {
      const unknown: never = options;
      throw new Error(`Unknown token verifier mode: ${JSON.stringify(unknown)}`);
    }
  }
}

function bearerToken(header: string | undefined): string {
  const value = header?.trim() ?? '';
  if (value === '') {
    throw new AuthenticationError('TOKEN_MISSING', 'an Authorization: Bearer <token> header is required');
  }
  const [scheme = '', ...rest] = value.split(/\s+/);
  // RFC 6750 §3.1: another scheme (Basic …) is no bearer credential at all, not a malformed one.
  if (scheme.toLowerCase() !== 'bearer') {
    throw new AuthenticationError('TOKEN_MISSING', 'the Authorization header must use the Bearer scheme');
  }
  const [token] = rest;
  if (token === undefined || rest.length !== 1 || !B64_TOKEN.test(token)) {
    throw new AuthenticationError('TOKEN_MALFORMED', 'expected "Bearer <token>" with a single compact JWT');
  }
  return token;
}

/** jose's error, as the client may see it: a code and a message that never repeats the token. */
function verificationFailure(error: unknown, source: string): Error {
  if (!(error instanceof errors.JOSEError)) {
    // fetch() failed (connection refused, DNS …): the key set is out of reach, not the token at fault.
    return new KeySetUnavailableError(`Cannot fetch the JWKS from ${source}`, { cause: error });
  }
  if (error instanceof errors.JWTExpired) {
    return new AuthenticationError('TOKEN_EXPIRED', 'the token has expired');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new AuthenticationError('TOKEN_INVALID', claimFailure(error.claim, error.reason));
  }
  switch (error.code) {
    case errors.JWSInvalid.code:
    case errors.JWTInvalid.code:
      return new AuthenticationError('TOKEN_MALFORMED', 'the token is not a well-formed signed JWT');
    case errors.JOSEAlgNotAllowed.code:
      return new AuthenticationError(
        'TOKEN_INVALID',
        `the token's algorithm is not accepted (accepted: ${ACCEPTED_ALGORITHMS.join(', ')})`,
      );
    case errors.JWSSignatureVerificationFailed.code:
      return new AuthenticationError('TOKEN_INVALID', "the token's signature is not valid");
    case errors.JWKSNoMatchingKey.code:
    case errors.JWKSMultipleMatchingKeys.code:
      return new AuthenticationError('TOKEN_INVALID', 'the token was not signed by a known key');
    case errors.JWKSTimeout.code:
    case errors.JWKSInvalid.code:
    case errors.JOSEError.code:
      // Timeout, non-200 response or not a key set.
      return new KeySetUnavailableError(`Cannot fetch the JWKS from ${source}: ${error.message}`, {
        cause: error,
      });
    default:
      return new AuthenticationError('TOKEN_INVALID', 'the token cannot be verified');
  }
}

function claimFailure(claim: string, reason: string): string {
  if (reason === 'missing') return `the token has no "${claim}" claim`;
  switch (claim) {
    case 'iss':
      return 'the token was not issued by the accepted issuer';
    case 'aud':
      return 'the token is not meant for this audience';
    case 'nbf':
      return 'the token is not valid yet';
    default:
      return `the token's "${claim}" claim is not valid`;
  }
}

const CLAIM_EXPECTATIONS: Record<string, string> = {
  sub: 'an opaque subject id (1–255 letters, digits or . _ : | -)',
  role: `one of: ${ROLES.join(', ')}`,
  org: 'an organisation code (lower-case letters, digits and dashes)',
};

function principalFrom(payload: JWTPayload): Principal {
  const claims = principalClaimsSchema.safeParse(payload);
  if (claims.success) return claims.data;
  const names = [...new Set(claims.error.issues.map((issue) => String(issue.path[0])))];
  const detail = names
    .map((name) =>
      payload[name] === undefined
        ? `the token has no "${name}" claim`
        : `the token's "${name}" claim must be ${CLAIM_EXPECTATIONS[name] ?? 'valid'}`,
    )
    .join('; ');
  throw new AuthenticationError('CLAIMS_INVALID', detail);
}
