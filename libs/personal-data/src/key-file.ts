import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DATA_KEY_BYTES } from './envelope.js';

/**
 * A local key file: named 256-bit keys, one of them current, readable by its owner only. The embedded default
 * keeps two (ADR 0014): the master keys that wrap each case's data key, and the keys of Temporal's payload
 * codec (ADR 0015). Rotation adds a key and makes it current; the old ones stay to open what they sealed.
 */
export interface KeyFile {
  readonly current: string;
  /** Key id → base64 of 32 random bytes. */
  readonly keys: Readonly<Record<string, string>>;
}

export async function readKeyFile(path: string): Promise<KeyFile> {
  const file = JSON.parse(await readFile(path, 'utf8')) as KeyFile;
  if (typeof file.keys !== 'object' || file.keys[file.current] === undefined) {
    throw new Error(`key file ${path}: its current key is missing`);
  }
  return file;
}

/** The key of `keyId` in a file (undefined when the file does not hold it). */
export function keyOf(file: KeyFile, keyId: string): Buffer | undefined {
  const encoded = file.keys[keyId];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64');
}

function newKeyId(prefix: string): string {
  return `${prefix}-${new Date().toISOString().slice(0, 10)}-${randomBytes(4).toString('hex')}`;
}

function withNewKey(prefix: string, file?: KeyFile): KeyFile {
  const id = newKeyId(prefix);
  return { current: id, keys: { ...file?.keys, [id]: randomBytes(DATA_KEY_BYTES).toString('base64') } };
}

/** Writes a key file whole or not at all: a reader never sees half of one. */
async function writeAtomically(
  path: string,
  file: KeyFile,
  place: (tmp: string, path: string) => Promise<void>,
): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, `${JSON.stringify(file, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  try {
    await place(tmp, path);
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/**
 * Creates the key file with one key on first start and leaves an existing one alone. Safe when several
 * processes start at once (the worker and the gateway): the first to link its file wins, the others read it.
 */
export async function ensureKeyFile(
  dir: string,
  name: string,
  prefix: string,
): Promise<{ created: boolean; path: string }> {
  const path = join(dir, name);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  let created = true;
  await writeAtomically(path, withNewKey(prefix), (tmp, target) =>
    link(tmp, target).catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
      created = false;
    }),
  );
  return { created, path };
}

/** Rotation: a new key becomes current; the old ones stay. Returns the new key id. */
export async function rotateKeyFile(dir: string, name: string, prefix: string): Promise<string> {
  const path = join(dir, name);
  const next = withNewKey(prefix, await readKeyFile(path));
  await writeAtomically(path, next, (tmp, target) => rename(tmp, target));
  return next.current;
}
