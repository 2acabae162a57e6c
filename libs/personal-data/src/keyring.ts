import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DATA_KEY_BYTES, open, seal } from './envelope.js';

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

interface KeyringFile {
  readonly current: string;
  /** Key id → base64 of 32 random bytes. */
  readonly keys: Readonly<Record<string, string>>;
}

export const KEYRING_FILE = 'master-keys.json';

/** Master keys in a JSON file only its owner can read (`.data/keys/master-keys.json` under `npm start`). */
export class LocalKeyring implements MasterKeyring {
  private constructor(private readonly file: KeyringFile) {}

  static async load(dir: string): Promise<LocalKeyring> {
    const file = JSON.parse(await readFile(join(dir, KEYRING_FILE), 'utf8')) as KeyringFile;
    if (file.keys[file.current] === undefined) throw new Error(`keyring in ${dir}: current key missing`);
    return new LocalKeyring(file);
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
    const encoded = this.file.keys[keyId];
    if (encoded === undefined) throw new UnknownMasterKeyError(keyId);
    return Buffer.from(encoded, 'base64');
  }
}

function newKeyId(): string {
  return `mk-${new Date().toISOString().slice(0, 10)}-${randomBytes(4).toString('hex')}`;
}

/** Creates the keyring file with one master key on first start; leaves an existing one alone. */
export async function ensureLocalKeyring(dir: string): Promise<{ created: boolean; path: string }> {
  const path = join(dir, KEYRING_FILE);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const id = newKeyId();
  const file: KeyringFile = { current: id, keys: { [id]: randomBytes(DATA_KEY_BYTES).toString('base64') } };
  try {
    await writeFile(path, `${JSON.stringify(file, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
    return { created: true, path };
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EEXIST') return { created: false, path };
    throw error;
  }
}

/**
 * Rotation: a new master key becomes current; the old ones stay to unwrap the data keys they wrapped (a
 * re-wrap moves those over, after which an old key can be retired). Returns the new key id.
 */
export async function rotateLocalKeyring(dir: string): Promise<string> {
  const path = join(dir, KEYRING_FILE);
  const file = JSON.parse(await readFile(path, 'utf8')) as KeyringFile;
  const id = newKeyId();
  const next: KeyringFile = {
    current: id,
    keys: { ...file.keys, [id]: randomBytes(DATA_KEY_BYTES).toString('base64') },
  };
  await writeFile(path, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return id;
}
