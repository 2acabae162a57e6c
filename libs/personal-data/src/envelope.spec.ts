import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SealBrokenError, newDataKey, open, openJson, seal, sealJson } from './envelope.js';
import {
  KEYRING_FILE,
  LocalKeyring,
  UnknownMasterKeyError,
  ensureLocalKeyring,
  rotateLocalKeyring,
} from './keyring.js';

describe('sealing a value (AES-256-GCM, bound to its context)', () => {
  it('opens with the same key and context, and the ciphertext shows nothing of the value', () => {
    const key = newDataKey();
    const sealed = sealJson(key, { given: 'Canary-Ylva' }, 'person|VP-1');
    expect(sealed.toString('latin1')).not.toContain('Canary-Ylva');
    expect(openJson(key, sealed, 'person|VP-1')).toEqual({ given: 'Canary-Ylva' });
    // A fresh nonce each time: the same value never looks the same twice.
    expect(sealJson(key, { given: 'Canary-Ylva' }, 'person|VP-1').equals(sealed)).toBe(false);
  });

  it('refuses another key, another context (a value copied onto another case) and a changed byte', () => {
    const key = newDataKey();
    const sealed = seal(key, Buffer.from('secret'), 'person|VP-1');
    expect(() => open(newDataKey(), sealed, 'person|VP-1')).toThrow(SealBrokenError);
    expect(() => open(key, sealed, 'person|VP-2')).toThrow(SealBrokenError);
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(() => open(key, tampered, 'person|VP-1')).toThrow(SealBrokenError);
  });
});

describe('the local master keyring', () => {
  it('is made once, readable by its owner only, and wraps data keys bound to their case', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyring-'));
    expect((await ensureLocalKeyring(dir)).created).toBe(true);
    expect((await ensureLocalKeyring(dir)).created).toBe(false);
    expect((await stat(join(dir, KEYRING_FILE))).mode & 0o777).toBe(0o600);
    const keyring = await LocalKeyring.load(dir);
    const dataKey = newDataKey();
    const wrapped = await keyring.wrap(dataKey, 'case|VP-1');
    expect(wrapped.keyId).toBe(keyring.currentKeyId);
    expect(await keyring.unwrap(wrapped, 'case|VP-1')).toEqual(dataKey);
    await expect(keyring.unwrap(wrapped, 'case|VP-2')).rejects.toThrow(SealBrokenError);
  });

  it('rotates: new keys wrap with the new master key, old wrappings still open', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyring-'));
    await ensureLocalKeyring(dir);
    const before = await LocalKeyring.load(dir);
    const dataKey = newDataKey();
    const old = await before.wrap(dataKey, 'case|VP-1');
    const next = await rotateLocalKeyring(dir);
    const after = await LocalKeyring.load(dir);
    expect(after.currentKeyId).toBe(next);
    expect(after.keyIds).toContain(old.keyId);
    expect(await after.unwrap(old, 'case|VP-1')).toEqual(dataKey);
    expect((await after.wrap(dataKey, 'case|VP-1')).keyId).toBe(next);
    const file = await readFile(join(dir, KEYRING_FILE), 'utf8');
    expect(JSON.parse(file)).toMatchObject({ current: next });
  });

  it('names a master key it does not hold', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyring-'));
    await ensureLocalKeyring(dir);
    const keyring = await LocalKeyring.load(dir);
    await expect(
      keyring.unwrap({ keyId: 'mk-gone', wrapped: Buffer.alloc(40) }, 'case|VP-1'),
    ).rejects.toThrow(UnknownMasterKeyError);
  });
});
