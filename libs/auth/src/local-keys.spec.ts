import { mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureLocalSigningKeys, readLocalSigningKey } from './local-keys.js';

describe('local signing keys', () => {
  let dir: string;
  beforeEach(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'auth-keys-')), 'auth');
  });
  afterEach(async () => {
    await rm(join(dir, '..'), { recursive: true, force: true });
  });

  it('creates an ES256 pair once, the private key readable by its owner only, and reuses it', async () => {
    const first = await ensureLocalSigningKeys(dir);
    expect(first).toMatchObject({
      dir,
      created: true,
      privateKeyPath: join(dir, 'signing-key.private.jwk.json'),
      jwksPath: join(dir, 'jwks.json'),
    });
    if (process.platform !== 'win32') {
      expect((await stat(first.privateKeyPath)).mode & 0o777).toBe(0o600);
    }
    const privateBefore = await readFile(first.privateKeyPath, 'utf8');

    const second = await ensureLocalSigningKeys(dir);
    expect(second).toEqual({ ...first, created: false });
    expect(await readFile(first.privateKeyPath, 'utf8')).toBe(privateBefore);
  });

  it('publishes only the public half in jwks.json, under the kid the minter uses', async () => {
    const { jwksPath, kid } = await ensureLocalSigningKeys(dir);
    const jwks = JSON.parse(await readFile(jwksPath, 'utf8')) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', kid, alg: 'ES256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');

    const key = await readLocalSigningKey(dir);
    expect(key.kid).toBe(kid);
    expect(key.privateJwk).toHaveProperty('d');
  });

  it('ends with a single key when callers race to create it', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => ensureLocalSigningKeys(dir)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.kid)).size).toBe(1);
    expect((await readLocalSigningKey(dir)).kid).toBe(results[0]!.kid);
  });

  it('re-derives a missing jwks.json from the private key', async () => {
    const { jwksPath } = await ensureLocalSigningKeys(dir);
    const jwks = await readFile(jwksPath, 'utf8');
    await unlink(jwksPath);
    expect((await ensureLocalSigningKeys(dir)).created).toBe(false);
    expect(await readFile(jwksPath, 'utf8')).toBe(jwks);
  });

  it('refuses a directory without a key, or with a damaged one, naming the file', async () => {
    await expect(readLocalSigningKey(dir)).rejects.toThrow(/No local signing key at .*signing-key\.private/);
    const { privateKeyPath } = await ensureLocalSigningKeys(dir);
    await writeFile(privateKeyPath, '{"kty":"oct"}');
    await expect(ensureLocalSigningKeys(dir)).rejects.toThrow(
      /signing-key\.private\.jwk\.json is not an ES256/,
    );
  });
});
