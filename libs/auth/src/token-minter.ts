import { randomBytes, randomUUID } from 'node:crypto';
import { importJWK, SignJWT, type JWK } from 'jose';
import { ROLES, principalClaimsSchema } from '../../contracts/src/index.js';
import { DEFAULT_TOKEN_TTL_SECONDS } from './auth.constants.js';

export interface MintTokenOptions {
  /** An ES256 (P-256) private JWK, e.g. `readLocalSigningKey(dir).privateJwk`. */
  readonly privateJwk: JWK;
  /** Put in the header so a verifier picks the matching key from its JWKS. */
  readonly kid: string;
  readonly issuer: string;
  readonly audience: string;
  /** One of `ROLES`; checked here, so unchecked input (a CLI argument) may be passed. */
  readonly role: string;
  /** An organisation code (`partySchema`), e.g. `nec`. */
  readonly org: string;
  /** Default: `<role>-<org>-<6 random hex digits>`. */
  readonly sub?: string;
  /** Default 8 h. A whole number of seconds; negative only makes sense in tests (an already expired token). */
  readonly ttlSeconds?: number;
}

/** The options cannot make a valid token; `problems` has one line per bad option, valid roles included. */
export class InvalidTokenRequestError extends Error {
  override readonly name = 'InvalidTokenRequestError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

/**
 * Mints a compact JWS (ES256, `typ: JWT`) carrying `role`, `org`, `sub`, `iat`, `exp`, `iss`, `aud`, `jti`.
 * For the embedded default and tests; in production tokens come from the OIDC issuer.
 */
export async function mintToken(options: MintTokenOptions): Promise<string> {
  const sub = options.sub ?? `${options.role}-${options.org}-${randomBytes(3).toString('hex')}`;
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  const problems = mintProblems({ ...options, sub, ttlSeconds }, options.sub !== undefined);
  if (problems.length > 0) throw new InvalidTokenRequestError(problems);

  const key = await importJWK(options.privateJwk, 'ES256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: options.role, org: options.org })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: options.kid })
    .setSubject(sub)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .setJti(randomUUID())
    .sign(key);
}

function mintProblems(
  options: MintTokenOptions & { sub: string; ttlSeconds: number },
  subGiven: boolean,
): string[] {
  const problems: string[] = [];
  const claims = principalClaimsSchema.safeParse({
    sub: options.sub,
    role: options.role,
    org: options.org,
  });
  if (!claims.success) {
    for (const issue of claims.error.issues) {
      const claim = issue.path[0];
      if (claim === 'role') {
        problems.push(`unknown role ${JSON.stringify(options.role)}; valid roles: ${ROLES.join(', ')}`);
      } else if (claim === 'org') {
        problems.push(`org ${JSON.stringify(options.org)} ${issue.message}`);
      } else if (subGiven) {
        // A generated subject is derived from the org: its problem is already the org's.
        problems.push(`sub ${issue.message}`);
      }
    }
  }
  if (!Number.isSafeInteger(options.ttlSeconds))
    problems.push('ttlSeconds must be a whole number of seconds');
  if (options.issuer.trim() === '') problems.push('issuer must not be empty');
  if (options.audience.trim() === '') problems.push('audience must not be empty');
  if (options.kid.trim() === '') problems.push('kid must not be empty');
  return problems;
}
