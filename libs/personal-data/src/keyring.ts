import { join } from 'node:path';
import { open, seal } from './envelope.js';
import { ensureKeyFile, keyOf, readKeyFile, rotateKeyFile, type KeyFile } from './key-file.js';

/**
 * Port: the master keys that wrap each case's data key. The embedded default keeps them in a local file
 * (`LocalKeyring`); deployed, a KMS or HSM implements the same three members (wrap and unwrap are the
 * KMS's encrypt/decrypt with the context as its encryption context), and the master keys never leave it.
 */
export interface MasterKeyring {
  /** The key new data keys are wrapped with; older ones still unwrap what they wrapped (rotation). */
  readonly currentKeyId: string;
  wrap(dataKey: Buffer, context: string): Promise<WrappedKey>;
  unwrap(wrapped: WrappedKey, context: string): Promise<Buffer>;
}

export interface WrappedKey {
  readonly keyId: string;
  readonly wrapped: Buffer;
}

/** A wrapped key whose master key the keyring does not hold. */
export class UnknownMasterKeyError extends Error {
  constructor(keyId: string) {
    super(`master key ${keyId} is not in the keyring`);
    this.name = 'UnknownMasterKeyError';
  }
}

export const KEYRING_FILE = 'master-keys.json';
const MASTER_KEY_PREFIX = 'mk';

/** Master keys in a JSON file only its owner can read (`.data/keys/master-keys.json` under `npm start`). */
export class LocalKeyring implements MasterKeyring {
  private constructor(private readonly file: KeyFile) {}

  static async load(dir: string): Promise<LocalKeyring> {
    return new LocalKeyring(await readKeyFile(join(dir, KEYRING_FILE)));
  }

  get currentKeyId(): string {
    return this.file.current;
  }

  get keyIds(): readonly string[] {
    return Object.keys(this.file.keys);
  }

  // Async like a KMS call: a failure (a destroyed key, a wrong context) is a rejection.
  async wrap(dataKey: Buffer, context: string): Promise<WrappedKey> {
    await Promise.resolve();
    const keyId = this.currentKeyId;
    return { keyId, wrapped: seal(this.key(keyId), dataKey, `${keyId}|${context}`) };
  }

  async unwrap(wrapped: WrappedKey, context: string): Promise<Buffer> {
    await Promise.resolve();
    return open(this.key(wrapped.keyId), wrapped.wrapped, `${wrapped.keyId}|${context}`);
  }

  private key(keyId: string): Buffer {
    const key = keyOf(this.file, keyId);
    if (key === undefined) throw new UnknownMasterKeyError(keyId);
    return key;
  }
}

/** Creates the keyring file with one master key on first start; leaves an existing one alone. */
export function ensureLocalKeyring(dir: string): Promise<{ created: boolean; path: string }> {
  return ensureKeyFile(dir, KEYRING_FILE, MASTER_KEY_PREFIX);
}

/**
 * Rotation: a new master key becomes current; the old ones stay to unwrap the data keys they wrapped (a
 * re-wrap moves those over, after which an old key can be retired). Returns the new key id.
 */
export function rotateLocalKeyring(dir: string): Promise<string> {
  return rotateKeyFile(dir, KEYRING_FILE, MASTER_KEY_PREFIX);
}
