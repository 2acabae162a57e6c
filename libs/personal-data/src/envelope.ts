import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM (node:crypto, i.e. OpenSSL): authenticated encryption, a fresh 96-bit nonce per message, and
 * additional authenticated data that binds a ciphertext to where it belongs (a case, a field), so a sealed
 * value copied onto another case does not open. Layout: version (1 byte) | nonce (12) | tag (16) | ciphertext.
 */
const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const DATA_KEY_BYTES = 32;

/** A ciphertext that does not open: wrong key (or the key was destroyed), wrong context, or tampered with. */
export class SealBrokenError extends Error {
  constructor() {
    super('the sealed value does not open with this key and context');
    this.name = 'SealBrokenError';
  }
}

/** A fresh random 256-bit data key. */
export function newDataKey(): Buffer {
  return randomBytes(DATA_KEY_BYTES);
}

export function seal(key: Buffer, plaintext: Buffer, context: string): Buffer {
  if (key.length !== DATA_KEY_BYTES) throw new Error('an AES-256 key is 32 bytes');
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag(), ciphertext]);
}

export function open(key: Buffer, sealed: Buffer, context: string): Buffer {
  if (key.length !== DATA_KEY_BYTES || sealed.length < 1 + NONCE_BYTES + TAG_BYTES || sealed[0] !== VERSION) {
    throw new SealBrokenError();
  }
  const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
  const tag = sealed.subarray(1 + NONCE_BYTES, 1 + NONCE_BYTES + TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(1 + NONCE_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new SealBrokenError();
  }
}

export function sealJson(key: Buffer, value: unknown, context: string): Buffer {
  return seal(key, Buffer.from(JSON.stringify(value), 'utf8'), context);
}

export function openJson(key: Buffer, sealed: Buffer, context: string): unknown {
  return JSON.parse(open(key, sealed, context).toString('utf8')) as unknown;
}
