import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DevstackError } from './errors.js';

/** Hex sha256 of a file, streamed (wheels and jars are tens of MB). */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => {
        resolve(hash.digest('hex'));
      });
  });
}

/**
 * Checks a downloaded file against its pinned sha256. On mismatch the file is deleted (a wrong download must
 * never be used or cached) and a DevstackError says so.
 */
export async function verifyFileSha256(path: string, expected: string, what: string): Promise<void> {
  const actual = await sha256File(path);
  if (actual === expected.toLowerCase()) return;
  await rm(path, { force: true });
  throw new DevstackError(
    `${what}: sha256 mismatch for ${basename(path)} (expected ${expected}, got ${actual}); the file was deleted. ` +
      'The registry served different bytes than the pinned version: do not bypass this check; if the upstream ' +
      'release really changed, review it and update the pinned checksum.',
    'CHECKSUM_MISMATCH',
  );
}

/** One line of a `sha256sum`-style manifest: `<64 hex>  <file name>`. */
export interface ManifestEntry {
  file: string;
  sha256: string;
}

/**
 * Parses a manifest in the format `sha256sum` writes (`<hash>  <name>` or `<hash> *<name>`); blank lines and
 * `#` comments are allowed. Anything else is an error, so a damaged manifest cannot silently verify less.
 */
export function parseManifest(text: string, source = 'manifest'): ManifestEntry[] {
  const entries: ManifestEntry[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^([0-9a-fA-F]{64}) [ *](\S.*)$/.exec(line);
    if (!match || match[1] === undefined || match[2] === undefined) {
      throw new DevstackError(
        `${source}:${index + 1}: not a "<sha256>  <file>" line: ${line}`,
        'MANIFEST_INVALID',
      );
    }
    const file = match[2].trim();
    if (seen.has(file))
      throw new DevstackError(`${source}:${index + 1}: ${file} is listed twice`, 'MANIFEST_INVALID');
    seen.add(file);
    entries.push({ file, sha256: match[1].toLowerCase() });
  });
  if (entries.length === 0) throw new DevstackError(`${source} lists no files`, 'MANIFEST_INVALID');
  return entries;
}

/** Renders entries in `sha256sum` format, sorted by file name (how the committed manifest is generated). */
export function renderManifest(entries: readonly ManifestEntry[]): string {
  return [...entries]
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
    .map((e) => `${e.sha256}  ${e.file}\n`)
    .join('');
}

/**
 * Verifies that `dir` holds exactly the files of the manifest (with `suffix`, e.g. `.jar`), each with its
 * sha256. Every problem is collected — missing, different, unexpected — and reported in one DevstackError.
 * Returns the number of files verified.
 */
export async function verifyDirAgainstManifest(
  dir: string,
  manifest: readonly ManifestEntry[],
  options: { suffix: string; what: string; manifestName: string },
): Promise<number> {
  const present = (await readdir(dir)).filter((name) => name.endsWith(options.suffix)).sort();
  const expected = new Map(manifest.map((e) => [e.file, e.sha256]));
  const problems: string[] = [];
  for (const entry of manifest) {
    if (!present.includes(entry.file)) problems.push(`missing: ${entry.file}`);
  }
  for (const name of present) {
    const want = expected.get(name);
    if (want === undefined) {
      problems.push(`not in ${options.manifestName}: ${name}`);
      continue;
    }
    const actual = await sha256File(join(dir, name));
    if (actual !== want) problems.push(`sha256 differs: ${name} (expected ${want}, got ${actual})`);
  }
  if (problems.length > 0) {
    throw new DevstackError(
      `${options.what}: ${problems.length} file(s) in ${dir} do not match ${options.manifestName}:\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        `\nIf the pinned versions were changed on purpose, regenerate ${options.manifestName} from a reviewed run ` +
        '(sha256sum *.jar in the lib folder); otherwise the registry served unexpected files.',
      'CHECKSUM_MISMATCH',
    );
  }
  return present.length;
}
