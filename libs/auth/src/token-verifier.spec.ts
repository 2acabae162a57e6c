import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactSign, SignJWT, UnsecuredJWT, base64url, importJWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUDIENCE, DEFAULT_LOCAL_ISSUER } from './auth.constants.js';
import { AuthenticationError, KeySetUnavailableError, type AuthenticationErrorCode } from './auth.errors.js';
import { ensureLocalSigningKeys, readLocalSigningKey, type LocalSigningKey } from './local-keys.js';
import { mintToken } from './token-minter.js';
import { createTokenVerifier, type TokenVerifier } from './token-verifier.js';

const issuer = DEFAULT_LOCAL_ISSUER;
const audience = DEFAULT_AUDIENCE;

let tempDir: string;
let key: LocalSigningKey;
let otherKey: LocalSigningKey;
let jwksPath: string;
let verifier: TokenVerifier;

beforeAll(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'auth-verify-'));
  ({ jwksPath } = await ensureLocalSigningKeys(join(tempDir, 'ours')));
  key = await readLocalSigningKey(join(tempDir, 'ours'));
  await ensureLocalSigningKeys(join(tempDir, 'theirs'));
  otherKey = await readLocalSigningKey(join(tempDir, 'theirs'));
  verifier = createTokenVerifier({ mode: 'local', jwksPath, issuer, audience });
});
afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

function mint(overrides: Partial<Parameters<typeof mintToken>[0]> = {}): Promise<string> {
  return mintToken({ ...key, issuer, audience, role: 'police', org: 'nec', sub: 'officer-1', ...overrides });
}

/** A token with exactly these claims, signed with our key: for claim sets the minter refuses to make. */
async function signClaims(claims: JWTPayload, signer: LocalSigningKey = key): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: signer.kid })
    .sign(await importJWK(signer.privateJwk, 'ES256'));
}

const validClaims = (): JWTPayload => ({
  sub: 'officer-1',
  role: 'police',
  org: 'nec',
  iss: issuer,
  aud: audience,
  iat: Math.floor(Date.now() / 1000),
  exp: Math.floor(Date.now() / 1000) + 600,
});

function without(claims: JWTPayload, ...names: string[]): JWTPayload {
  return Object.fromEntries(Object.entries(claims).filter(([name]) => !names.includes(name)));
}

async function rejection(header: string | undefined, using: TokenVerifier = verifier) {
  const error = await using.verify(header).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthenticationError);
  return error as AuthenticationError;
}

async function expectCode(header: string | undefined, code: AuthenticationErrorCode): Promise<string> {
  const error = await rejection(header);
  expect(error.code).toBe(code);
  return error.detail;
}

describe('createTokenVerifier (local JWKS)', () => {
  it('turns a minted token into its principal', async () => {
    await expect(verifier.verify(`Bearer ${await mint()}`)).resolves.toEqual({
      sub: 'officer-1',
      role: 'police',
      org: 'nec',
    });
  });

  it('accepts the scheme in any case and surrounding spaces', async () => {
    await expect(verifier.verify(`  bearer   ${await mint()} `)).resolves.toMatchObject({ role: 'police' });
  });

  it('tolerates 30 s of clock skew on exp, not more', async () => {
    await expect(verifier.verify(`Bearer ${await mint({ ttlSeconds: -10 })}`)).resolves.toBeDefined();
    const detail = await expectCode(`Bearer ${await mint({ ttlSeconds: -120 })}`, 'TOKEN_EXPIRED');
    expect(detail).toBe('the token has expired');
  });

  it('TOKEN_MISSING without a header or with another scheme', async () => {
    await expectCode(undefined, 'TOKEN_MISSING');
    await expectCode('   ', 'TOKEN_MISSING');
    const detail = await expectCode('Basic dXNlcjpwYXNzd29yZA==', 'TOKEN_MISSING');
    expect(detail).toMatch(/Bearer scheme/);
    expect(detail).not.toContain('dXNlcjpwYXNzd29yZA');
  });

  it('TOKEN_MALFORMED for a bearer header without a JWT in it', async () => {
    await expectCode('Bearer', 'TOKEN_MALFORMED');
    await expectCode('Bearer a b', 'TOKEN_MALFORMED');
    await expectCode('Bearer not-a-jwt', 'TOKEN_MALFORMED');
    await expectCode('Bearer e30.e30', 'TOKEN_MALFORMED');
    await expectCode('Bearer ""', 'TOKEN_MALFORMED');
    // Correctly signed, but its payload is no JSON claims set.
    const notClaims = await new CompactSign(new TextEncoder().encode('not json'))
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .sign(await importJWK(key.privateJwk, 'ES256'));
    await expectCode(`Bearer ${notClaims}`, 'TOKEN_MALFORMED');
  });

  it('TOKEN_INVALID for the wrong issuer or audience', async () => {
    expect(await expectCode(`Bearer ${await mint({ issuer: 'urn:someone-else' })}`, 'TOKEN_INVALID')).toBe(
      'the token was not issued by the accepted issuer',
    );
    expect(await expectCode(`Bearer ${await mint({ audience: 'another-api' })}`, 'TOKEN_INVALID')).toBe(
      'the token is not meant for this audience',
    );
  });

  it('TOKEN_INVALID when the payload was changed after signing', async () => {
    const [header, , signature] = (await mint({ role: 'police' })).split('.');
    const forged = base64url.encode(JSON.stringify({ ...validClaims(), role: 'cmm' }));
    const detail = await expectCode(`Bearer ${header}.${forged}.${signature}`, 'TOKEN_INVALID');
    expect(detail).toBe("the token's signature is not valid");
  });

  it('TOKEN_INVALID when the signature was changed', async () => {
    const [header, payload, signature = ''] = (await mint()).split('.');
    const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
    await expectCode(`Bearer ${header}.${payload}.${flipped}`, 'TOKEN_INVALID');
  });

  it('TOKEN_INVALID for a token signed by another key, whatever kid it claims', async () => {
    const detail = await expectCode(`Bearer ${await mint({ ...otherKey })}`, 'TOKEN_INVALID');
    expect(detail).toBe('the token was not signed by a known key');
    await expectCode(
      `Bearer ${await mint({ privateJwk: otherKey.privateJwk, kid: key.kid })}`,
      'TOKEN_INVALID',
    );
  });

  it('TOKEN_INVALID for an unsigned (alg: none) or shared-secret (HS256) token', async () => {
    const unsigned = new UnsecuredJWT(validClaims()).encode();
    expect(await expectCode(`Bearer ${unsigned}`, 'TOKEN_INVALID')).toMatch(/algorithm is not accepted/);

    // Algorithm confusion: HMAC keyed with the public JWKS, which anyone can read.
    const hs256 = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: key.kid })
      .sign(new Uint8Array(readFileSync(jwksPath)));
    expect(await expectCode(`Bearer ${hs256}`, 'TOKEN_INVALID')).toMatch(/algorithm is not accepted/);
  });

  it('TOKEN_INVALID for a token without exp', async () => {
    const detail = await expectCode(
      `Bearer ${await signClaims(without(validClaims(), 'exp'))}`,
      'TOKEN_INVALID',
    );
    expect(detail).toBe('the token has no "exp" claim');
  });

  it('CLAIMS_INVALID for an unknown role, naming the claim but not its value', async () => {
    const detail = await expectCode(
      `Bearer ${await signClaims({ ...validClaims(), role: 'superuser' })}`,
      'CLAIMS_INVALID',
    );
    expect(detail).toMatch(/^the token's "role" claim must be one of: cmm, dis/);
    expect(detail).not.toContain('superuser');
  });

  it('CLAIMS_INVALID for a missing org or role', async () => {
    expect(
      await expectCode(`Bearer ${await signClaims(without(validClaims(), 'org'))}`, 'CLAIMS_INVALID'),
    ).toBe('the token has no "org" claim');
    const neither = without(validClaims(), 'role', 'org');
    expect(await expectCode(`Bearer ${await signClaims(neither)}`, 'CLAIMS_INVALID')).toBe(
      'the token has no "role" claim; the token has no "org" claim',
    );
  });

  it('never echoes the token in a detail', async () => {
    const token = await mint({ issuer: 'urn:someone-else' });
    const error = await rejection(`Bearer ${token}`);
    for (const part of token.split('.')) expect(error.message).not.toContain(part);
  });

  it('fails at construction when the local JWKS is missing', () => {
    expect(() =>
      createTokenVerifier({ mode: 'local', jwksPath: join(tempDir, 'nowhere.json'), issuer, audience }),
    ).toThrow(/Cannot use the local JWKS at .*nowhere\.json/);
  });
});

describe('createTokenVerifier (remote JWKS over HTTP)', () => {
  let server: Server;
  let baseUrl: string;
  let jwksRequests = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/.well-known/jwks.json') {
        jwksRequests++;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(readFileSync(jwksPath));
      } else {
        response.writeHead(500).end('broken');
      }
    });
    await new Promise<void>((resolve) => {
      server.listen(0, '127.0.0.1', resolve);
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  });

  it('verifies against the fetched key set, fetching it once', async () => {
    const remote = createTokenVerifier({
      mode: 'remote',
      jwksUrl: `${baseUrl}/.well-known/jwks.json`,
      issuer,
      audience,
    });
    const before = jwksRequests;
    await expect(remote.verify(`Bearer ${await mint()}`)).resolves.toEqual({
      sub: 'officer-1',
      role: 'police',
      org: 'nec',
    });
    await expect(remote.verify(`Bearer ${await mint({ role: 'ngo', org: 'hope' })}`)).resolves.toMatchObject({
      role: 'ngo',
    });
    expect(jwksRequests - before).toBe(1);

    expect((await rejection(`Bearer ${await mint({ ...otherKey })}`, remote)).code).toBe('TOKEN_INVALID');
    expect((await rejection(`Bearer ${await mint({ audience: 'x' })}`, remote)).code).toBe('TOKEN_INVALID');
  });

  it('KeySetUnavailableError, not an authentication failure, when the JWKS cannot be had', async () => {
    const broken = createTokenVerifier({ mode: 'remote', jwksUrl: `${baseUrl}/broken`, issuer, audience });
    await expect(broken.verify(`Bearer ${await mint()}`)).rejects.toBeInstanceOf(KeySetUnavailableError);

    const closed = createServer();
    await new Promise<void>((resolve) => {
      closed.listen(0, '127.0.0.1', resolve);
    });
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => {
      closed.close(() => {
        resolve();
      });
    });
    const unreachable = createTokenVerifier({
      mode: 'remote',
      jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
      issuer,
      audience,
    });
    await expect(unreachable.verify(`Bearer ${await mint()}`)).rejects.toThrow(KeySetUnavailableError);
  });

  it('checks the header before fetching anything', async () => {
    const remote = createTokenVerifier({ mode: 'remote', jwksUrl: `${baseUrl}/broken`, issuer, audience });
    expect((await rejection(undefined, remote)).code).toBe('TOKEN_MISSING');
  });
});
