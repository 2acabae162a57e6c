import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { z } from 'zod';

/**
 * The embedded default's signing keys: one ES256 pair kept under `<DATA_DIR>/auth` (see `localKeysDir`).
 * `npm run token` signs with the private key; the gateway verifies against `jwks.json`. The private key is
 * the source of truth: the JWKS is derived from it and rewritten whenever it does not match.
 */
export const PRIVATE_KEY_FILE = 'signing-key.private.jwk.json';
export const JWKS_FILE = 'jwks.json';

export interface LocalSigningKeyFiles {
  readonly dir: string;
  /** The private JWK (with `kid`), file mode 0600. */
  readonly privateKeyPath: string;
  /** The public JSON Web Key Set `{ keys: [...] }` a local verifier reads. */
  readonly jwksPath: string;
}

export interface EnsuredLocalSigningKeys extends LocalSigningKeyFiles {
  readonly kid: string;
  /** True when this call generated the pair; false when it found one. */
  readonly created: boolean;
}

export interface LocalSigningKey {
  readonly privateJwk: JWK;
  readonly kid: string;
}

const privateJwkSchema = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string().min(1),
  y: z.string().min(1),
  d: z.string().min(1),
  kid: z.string().min(1),
  alg: z.literal('ES256').optional(),
  use: z.literal('sig').optional(),
});

export function localSigningKeyFiles(dir: string): LocalSigningKeyFiles {
  return { dir, privateKeyPath: join(dir, PRIVATE_KEY_FILE), jwksPath: join(dir, JWKS_FILE) };
}

/**
 * Creates the key pair in `dir` unless it is there, and returns where it is. Safe to call from several
 * processes at once (the launcher and `npm run token`): the private key appears atomically and only once,
 * so every caller ends up with the same key.
 */
export async function ensureLocalSigningKeys(dir: string): Promise<EnsuredLocalSigningKeys> {
  const files = localSigningKeyFiles(dir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  let key = await readIfPresent(files.privateKeyPath);
  let created = false;
  if (key === undefined) {
    const fresh = await generateSigningKey();
    created = await createExclusively(files.privateKeyPath, toJson(fresh.privateJwk));
    // Lost a race with another process: use the key it wrote.
    key = created ? fresh : await readLocalSigningKey(dir);
  }
  await writeIfDifferent(files.jwksPath, toJson(publicJwks(key.privateJwk)));
  return { ...files, kid: key.kid, created };
}

/** The private key to mint with. Throws when `dir` holds none (call `ensureLocalSigningKeys` first). */
export async function readLocalSigningKey(dir: string): Promise<LocalSigningKey> {
  const { privateKeyPath } = localSigningKeyFiles(dir);
  const key = await readIfPresent(privateKeyPath);
  if (key === undefined) throw new Error(`No local signing key at ${privateKeyPath}`);
  return key;
}

async function readIfPresent(path: string): Promise<LocalSigningKey | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: z.infer<typeof privateJwkSchema>;
  try {
    parsed = privateJwkSchema.parse(JSON.parse(text));
  } catch {
    throw new Error(
      `${path} is not an ES256 private JWK with a "kid". Delete its directory to create a new key pair ` +
        '(tokens signed with the old key will no longer verify).',
    );
  }
  return { privateJwk: parsed, kid: parsed.kid };
}

async function generateSigningKey(): Promise<LocalSigningKey> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const { kty, crv, x, y, d } = await exportJWK(privateKey);
  // RFC 7638 thumbprint: the kid follows from the key itself, so the JWKS can always be re-derived.
  const kid = await calculateJwkThumbprint({ kty, crv, x, y });
  return { privateJwk: { kty, crv, x, y, d, kid, alg: 'ES256', use: 'sig' }, kid };
}

function publicJwks(privateJwk: JWK): { keys: JWK[] } {
  const { kty, crv, x, y, kid } = privateJwk;
  return { keys: [{ kty, crv, x, y, kid, alg: 'ES256', use: 'sig' }] };
}

/**
 * Writes `path` only if nothing is there, all at once: a complete temp file is hard-linked into place,
 * and `link` fails if the name exists (unlike `rename`, which would replace another process's key).
 * Returns whether this call created it.
 */
async function createExclusively(path: string, content: string): Promise<boolean> {
  const temp = tempNameFor(path);
  await writeFile(temp, content, { mode: 0o600, flag: 'wx' });
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    // A file system without hard links: still exclusive, though not all-at-once.
    try {
      await writeFile(path, content, { mode: 0o600, flag: 'wx' });
      return true;
    } catch (fallbackError) {
      if (errorCode(fallbackError) === 'EEXIST') return false;
      throw fallbackError;
    }
  } finally {
    await rm(temp, { force: true });
  }
}

/** Replaces `path` atomically (temp file + rename) unless it already holds `content`. */
async function writeIfDifferent(path: string, content: string): Promise<void> {
  try {
    if ((await readFile(path, 'utf8')) === content) return;
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
  const temp = tempNameFor(path);
  try {
    await writeFile(temp, content, { mode: 0o644, flag: 'wx' });
    await rename(temp, path);
  } finally {
    await rm(temp, { force: true });
  }
}

function tempNameFor(path: string): string {
  return `${path}.${randomBytes(6).toString('hex')}.tmp`;
}

function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
