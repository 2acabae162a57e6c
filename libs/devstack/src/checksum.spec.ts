import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  parseManifest,
  renderManifest,
  sha256File,
  verifyDirAgainstManifest,
  verifyFileSha256,
} from './checksum.js';
import { DevstackError } from './errors.js';

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'devstack-checksum-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('sha256File / verifyFileSha256', () => {
  it('hashes a file like sha256sum', async () => {
    const file = join(dir, 'a.whl');
    await writeFile(file, 'hello wheel');
    expect(await sha256File(file)).toBe(sha('hello wheel'));
  });

  it('accepts a file with the pinned checksum (case-insensitive) and keeps it', async () => {
    const file = join(dir, 'a.whl');
    await writeFile(file, 'pinned bytes');
    await verifyFileSha256(file, sha('pinned bytes').toUpperCase(), 'test');
    expect(await exists(file)).toBe(true);
  });

  it('deletes a file with another checksum and fails with CHECKSUM_MISMATCH naming both hashes', async () => {
    const file = join(dir, 'a.whl');
    await writeFile(file, 'tampered bytes');
    const expected = sha('pinned bytes');
    const error = await verifyFileSha256(file, expected, '[provision] X').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DevstackError);
    expect((error as DevstackError).code).toBe('CHECKSUM_MISMATCH');
    expect((error as DevstackError).message).toContain(expected);
    expect((error as DevstackError).message).toContain(sha('tampered bytes'));
    expect(await exists(file)).toBe(false);
  });
});

describe('parseManifest / renderManifest', () => {
  it('round-trips sha256sum format, ignoring comments and blank lines', () => {
    const entries = [
      { file: 'b.jar', sha256: sha('b') },
      { file: 'a.jar', sha256: sha('a') },
    ];
    const text = `# header\n\n${renderManifest(entries)}`;
    expect(text).toContain(`${sha('a')}  a.jar\n${sha('b')}  b.jar\n`);
    expect(parseManifest(text)).toEqual([
      { file: 'a.jar', sha256: sha('a') },
      { file: 'b.jar', sha256: sha('b') },
    ]);
  });

  it('rejects malformed lines, duplicates and empty manifests', () => {
    expect(() => parseManifest('nothexnothex  a.jar\n')).toThrow(/not a "<sha256> {2}<file>" line/);
    expect(() => parseManifest(`${sha('a')}  a.jar\n${sha('b')}  a.jar\n`)).toThrow(/listed twice/);
    expect(() => parseManifest('# only a comment\n')).toThrow(/lists no files/);
  });

  it('parses the committed Kafka manifest', async () => {
    const text = await readFile(new URL('./kafka-jars.sha256', import.meta.url), 'utf8');
    const entries = parseManifest(text);
    expect(entries.length).toBeGreaterThan(40);
    expect(entries.map((e) => e.file)).toEqual(
      expect.arrayContaining([
        'kafka_2.13-4.4.0.jar',
        'log4j-core-2.24.3.jar',
        'log4j-slf4j-impl-2.24.3.jar',
      ]),
    );
  });
});

describe('verifyDirAgainstManifest', () => {
  const options = { suffix: '.jar', what: 'test', manifestName: 'test.sha256' };

  it('passes when the folder holds exactly the listed files with their hashes', async () => {
    await writeFile(join(dir, 'a.jar'), 'a');
    await writeFile(join(dir, 'b.jar'), 'b');
    await writeFile(join(dir, 'notes.txt'), 'not a jar: not checked');
    const count = await verifyDirAgainstManifest(
      dir,
      [
        { file: 'a.jar', sha256: sha('a') },
        { file: 'b.jar', sha256: sha('b') },
      ],
      options,
    );
    expect(count).toBe(2);
  });

  it('reports every missing, different and unexpected jar in one error', async () => {
    await writeFile(join(dir, 'a.jar'), 'a (changed)');
    await writeFile(join(dir, 'extra.jar'), 'extra');
    const error = await verifyDirAgainstManifest(
      dir,
      [
        { file: 'a.jar', sha256: sha('a') },
        { file: 'gone.jar', sha256: sha('gone') },
      ],
      options,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DevstackError);
    const message = (error as DevstackError).message;
    expect((error as DevstackError).code).toBe('CHECKSUM_MISMATCH');
    expect(message).toContain('3 file(s)');
    expect(message).toContain('missing: gone.jar');
    expect(message).toContain(`sha256 differs: a.jar (expected ${sha('a')}, got ${sha('a (changed)')})`);
    expect(message).toContain('not in test.sha256: extra.jar');
  });
});
