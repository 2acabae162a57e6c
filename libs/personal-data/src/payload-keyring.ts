import { ensureKeyFile, keyOf, readKeyFile, rotateKeyFile, type KeyFile } from './key-file.js';

export const PAYLOAD_KEYS_FILE = 'payload-keys.json';
const PAYLOAD_KEY_PREFIX = 'pk';

/** A payload sealed with a key this process does not hold (not in the file, even after reading it again). */
export class UnknownPayloadKeyError extends Error {
  constructor(keyId: string) {
    super(`payload key ${keyId} is not in the payload keyring`);
    this.name = 'UnknownPayloadKeyError';
  }
}

/**
 * Port: the keys of Temporal's payload codec (ADR 0015). The embedded default reads them from a local file
 * (`PayloadKeyring`); a KMS adapter keeps its data keys wrapped by the KMS and unwraps each on first use.
 */
export interface PayloadKeys {
  /** The key new payloads are sealed with, and its id (written into each payload's metadata). */
  readonly current: { readonly id: string; readonly key: Buffer };
  /** The key of `keyId`, to open a payload sealed with it (rejects when none is held). */
  key(keyId: string): Promise<Buffer>;
}

/**
 * The keys of Temporal's payload codec (ADR 0015), shared by the worker and the gateway: a local file only
 * its owner can read (`payload-keys.json`, made on first start). New payloads are sealed with the current
 * key; a payload names its key, so the older keys keep opening old histories after a rotation. A key id this
 * process has not seen (another process rotated since it started) makes it read the file again.
 */
export class PayloadKeyring implements PayloadKeys {
  private constructor(
    private readonly path: string,
    private file: KeyFile,
  ) {}

  /** Loads the keyring in `dir`, creating it with one key on first start. */
  static async open(dir: string): Promise<PayloadKeyring> {
    const { path } = await ensureKeyFile(dir, PAYLOAD_KEYS_FILE, PAYLOAD_KEY_PREFIX);
    return new PayloadKeyring(path, await readKeyFile(path));
  }

  get currentKeyId(): string {
    return this.file.current;
  }

  get current(): { readonly id: string; readonly key: Buffer } {
    return { id: this.file.current, key: keyOf(this.file, this.file.current) as Buffer };
  }

  async key(keyId: string): Promise<Buffer> {
    const known = keyOf(this.file, keyId);
    if (known !== undefined) return known;
    this.file = await readKeyFile(this.path);
    const reread = keyOf(this.file, keyId);
    if (reread === undefined) throw new UnknownPayloadKeyError(keyId);
    return reread;
  }
}

/**
 * Rotates the payload keys in `dir`: processes started after it seal with the new key; every process still
 * opens payloads sealed with any key in the file. Returns the new key id.
 */
export function rotatePayloadKeys(dir: string): Promise<string> {
  return rotateKeyFile(dir, PAYLOAD_KEYS_FILE, PAYLOAD_KEY_PREFIX);
}
