import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../contracts/src/index.js';
import { ensureLocalSigningKeys, readLocalSigningKey, type LocalSigningKey } from './local-keys.js';
import { InvalidTokenRequestError, mintToken } from './token-minter.js';

describe('mintToken', () => {
  let tempDir: string;
  let key: LocalSigningKey;
  beforeAll(async () => {
    tempDir = await mkdtemp(join(tmpdir(), 'auth-mint-'));
    await ensureLocalSigningKeys(tempDir);
    key = await readLocalSigningKey(tempDir);
  });
  afterAll(async () => {
    await rm(tempDir, { recursive: true, force: true });
  });

  const base = { issuer: 'urn:test', audience: 'victim-pathway', role: 'police', org: 'nec' };

  it('signs an ES256 JWT with the role, org, a generated subject and an 8 h lifetime', async () => {
    const token = await mintToken({ ...key, ...base });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'JWT', kid: key.kid });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ role: 'police', org: 'nec', iss: 'urn:test', aud: 'victim-pathway' });
    expect(claims.sub).toMatch(/^police-nec-[0-9a-f]{6}$/);
    expect(claims.exp! - claims.iat!).toBe(8 * 3600);
    expect(Math.abs(claims.iat! - Date.now() / 1000)).toBeLessThan(5);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('takes the subject and lifetime it is given', async () => {
    const claims = decodeJwt(await mintToken({ ...key, ...base, sub: 'caseworker-7', ttlSeconds: 60 }));
    expect(claims.sub).toBe('caseworker-7');
    expect(claims.exp! - claims.iat!).toBe(60);
  });

  it('refuses an unknown role, listing the valid ones', async () => {
    const error = await mintToken({ ...key, ...base, role: 'admin' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTokenRequestError);
    expect((error as Error).message).toContain('unknown role "admin"');
    expect((error as Error).message).toContain(ROLES.join(', '));
  });

  it('refuses an organisation that is not a code, and a fractional lifetime, in one error', async () => {
    const error = await mintToken({ ...key, ...base, org: 'National Centre', ttlSeconds: 1.5 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidTokenRequestError);
    expect((error as InvalidTokenRequestError).problems).toEqual([
      expect.stringMatching(/^org "National Centre" must be 1–63 lower-case/),
      'ttlSeconds must be a whole number of seconds',
    ]);
  });
});
