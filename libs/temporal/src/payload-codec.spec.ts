import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  PAYLOAD_KEYS_FILE,
  PayloadKeyring,
  UnknownPayloadKeyError,
  rotatePayloadKeys,
} from '../../personal-data/src/index.js';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  payloadFromJson,
  payloadToJson,
} from './payload-codec.js';

const text = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? []).toString('utf8');
const payload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const value = (p: Payload): unknown => defaultPayloadConverter.fromPayload(p);
const keyIds = async (dir: string): Promise<string[]> =>
  Object.keys((JSON.parse(await readFile(join(dir, PAYLOAD_KEYS_FILE), 'utf8')) as { keys: object }).keys);

describe('the payload codec (ADR 0015)', () => {
  it('seals with the current key named in the metadata, and opens it again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'payload-keys-'));
    const keys = await PayloadKeyring.open(dir);
    expect((await stat(join(dir, PAYLOAD_KEYS_FILE))).mode & 0o777).toBe(0o600);
    const codec = new AesGcmPayloadCodec(keys);
    const [sealed] = await codec.encode([payload({ facts: { hasLegalStay: false } })]);
    expect(text(sealed!.metadata?.['encoding'])).toBe(ENCRYPTED_ENCODING);
    expect(text(sealed!.metadata?.[KEY_ID_METADATA])).toBe(keys.currentKeyId);
    expect(Buffer.from(sealed!.data!).includes('hasLegalStay')).toBe(false);
    expect(value((await codec.decode([sealed!]))[0]!)).toEqual({ facts: { hasLegalStay: false } });
  });

  it('passes payloads it did not seal through unchanged (histories from before the codec)', async () => {
    const codec = new AesGcmPayloadCodec(await PayloadKeyring.open(await mkdtemp(join(tmpdir(), 'pk-'))));
    const plain = payload('before the codec');
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('rotation: new payloads get the new key, old ones still open — also in a process started before it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'payload-keys-'));
    const before = new AesGcmPayloadCodec(await PayloadKeyring.open(dir));
    const [old] = await before.encode([payload('sealed before the rotation')]);
    const next = await rotatePayloadKeys(dir);
    const after = new AesGcmPayloadCodec(await PayloadKeyring.open(dir));
    const [fresh] = await after.encode([payload('sealed after it')]);
    expect(text(fresh!.metadata?.[KEY_ID_METADATA])).toBe(next);
    expect(value((await after.decode([old!]))[0]!)).toBe('sealed before the rotation');
    // The process started before the rotation meets a key id it has not seen: it reads the file again.
    expect(value((await before.decode([fresh!]))[0]!)).toBe('sealed after it');
    expect(Object.keys(await keyIds(dir))).toHaveLength(2);
  });

  it('refuses a payload whose key it does not hold, a swapped key id and a tampered ciphertext', async () => {
    const one = new AesGcmPayloadCodec(await PayloadKeyring.open(await mkdtemp(join(tmpdir(), 'pk-'))));
    const dir = await mkdtemp(join(tmpdir(), 'pk-'));
    const other = new AesGcmPayloadCodec(await PayloadKeyring.open(dir));
    const [sealed] = await one.encode([payload('x')]);
    await expect(other.decode([sealed!])).rejects.toBeInstanceOf(UnknownPayloadKeyError);

    await rotatePayloadKeys(dir);
    const keys = await PayloadKeyring.open(dir);
    const rotated = new AesGcmPayloadCodec(keys);
    const [mine] = await rotated.encode([payload('y')]);
    const otherId = (await keyIds(dir)).find((id) => id !== keys.currentKeyId)!;
    const swapped = { ...mine!, metadata: { ...mine!.metadata, [KEY_ID_METADATA]: Buffer.from(otherId) } };
    await expect(rotated.decode([swapped])).rejects.toThrow(/does not open/);
    const tampered = { ...mine!, data: Buffer.from(mine!.data!).fill(7, 20, 21) };
    await expect(rotated.decode([tampered])).rejects.toThrow(/does not open/);
  });

  it('carries payloads in the codec-server JSON form and back', () => {
    const original = payload({ a: 1 });
    expect(payloadFromJson(payloadToJson(original))).toEqual({
      metadata: { encoding: Buffer.from(original.metadata!['encoding']!) },
      data: Buffer.from(original.data!),
    });
  });
});
