import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool, migrateDatabase, type Pool } from '../../database/src/index.js';
import { SealBrokenError, open } from './envelope.js';
import { LocalKeyring, ensureLocalKeyring, rotateLocalKeyring } from './keyring.js';
import { PersonErasedError, PersonVault, UnknownNoteError, VersionConflictError } from './person-vault.js';

interface Person {
  readonly given: string;
  readonly languages?: readonly string[];
}
interface Note {
  readonly text: string;
}

const CMM = { role: 'cmm', org: 'cmm', sub: 'caseworker-1' };
const caseRef = (): string => `VP-TEST${randomBytes(6).toString('hex').toUpperCase()}`;

describe('the person vault on a real PostgreSQL', () => {
  let pool: Pool;
  let keysDir: string;
  let vault: PersonVault<Person, Note>;

  beforeAll(async () => {
    const url = inject('databaseUrl');
    await migrateDatabase(url);
    pool = createPool(url, { max: 4 });
    keysDir = await mkdtemp(join(tmpdir(), 'vault-keys-'));
    await ensureLocalKeyring(keysDir);
    vault = new PersonVault(pool, await LocalKeyring.load(keysDir));
  });

  afterAll(async () => {
    await pool.end();
  });

  it('stores only ciphertext, reads it back, and versions each write', async () => {
    const ref = caseRef();
    expect(await vault.read(ref)).toEqual({ state: 'none' });
    const first = await vault.write(ref, () => ({ given: 'Canary-Astrid' }), CMM, 0);
    expect(first.version).toBe(1);
    const second = await vault.write(ref, (p) => ({ ...(p ?? { given: '' }), languages: ['ro'] }), CMM, 1);
    expect(second).toMatchObject({ version: 2, record: { given: 'Canary-Astrid', languages: ['ro'] } });
    expect(await vault.read(ref)).toMatchObject({ state: 'held', version: 2, record: second.record });

    const raw = await pool.query<{ sealed: Buffer }>(
      'SELECT sealed FROM person_records WHERE case_ref = $1',
      [ref],
    );
    expect(raw.rows[0]?.sealed.toString('latin1')).not.toContain('Canary-Astrid');
    const dump = await pool.query<{ dump: string }>(
      `SELECT string_agg(t::text, ' ') AS dump FROM (SELECT * FROM person_records UNION ALL SELECT case_ref, 0, wrapped_key, created_at, '', '' FROM case_data_keys) t`,
    );
    expect(dump.rows[0]?.dump ?? '').not.toContain('Canary');
  });

  it('refuses a write over a change the caller has not seen, and changes nothing', async () => {
    const ref = caseRef();
    await vault.write(ref, () => ({ given: 'A' }), CMM, 0);
    await expect(vault.write(ref, () => ({ given: 'B' }), CMM, 0)).rejects.toThrow(VersionConflictError);
    expect(await vault.read(ref)).toMatchObject({ version: 1, record: { given: 'A' } });
  });

  it('keeps notes append-only: a correction is a new note naming the one it corrects', async () => {
    const ref = caseRef();
    await vault.addNote(ref, { text: 'first' }, CMM);
    const correction = await vault.addNote(ref, { text: 'corrected' }, CMM, 1);
    expect(correction).toMatchObject({ seq: 2, corrects: 1 });
    await expect(vault.addNote(ref, { text: 'x' }, CMM, 9)).rejects.toThrow(UnknownNoteError);
    const notes = await vault.notes(ref);
    if (!Array.isArray(notes)) throw new Error('notes erased');
    const listed: Array<[number, string, number | undefined]> = notes.map((n) => [
      n.seq,
      n.note.text,
      n.corrects,
    ]);
    expect(listed).toEqual([
      [1, 'first', undefined],
      [2, 'corrected', 1],
    ]);
  });

  it('erases by destroying the case key: a copy of the old ciphertext opens with nothing the system holds', async () => {
    const ref = caseRef();
    await vault.write(ref, () => ({ given: 'Canary-Erased' }), CMM, 0);
    await vault.addNote(ref, { text: 'Canary-Note' }, CMM);
    // A backup taken before the erasure: the sealed rows, as bytes.
    const backup = (
      await pool.query<{ sealed: Buffer }>(
        'SELECT sealed FROM person_records WHERE case_ref = $1 UNION ALL SELECT sealed FROM person_notes WHERE case_ref = $1',
        [ref],
      )
    ).rows.map((r) => r.sealed);
    expect(backup).toHaveLength(2);

    const erased = await vault.erase(ref, CMM, 'data-subject request');
    expect(erased).toMatchObject({ first: true, erasure: { byRole: 'cmm', reason: 'data-subject request' } });
    expect(await vault.read(ref)).toMatchObject({ state: 'erased' });
    expect(await vault.notes(ref)).toMatchObject({ erasure: { byRole: 'cmm' } });
    await expect(vault.write(ref, () => ({ given: 'again' }), CMM)).rejects.toThrow(PersonErasedError);
    expect((await vault.erase(ref, CMM, 'again')).first).toBe(false);

    // Nothing left in the database opens the backup: no key row, and no master key unwraps anything of it.
    const keyRow = await pool.query('SELECT wrapped_key FROM case_data_keys WHERE case_ref = $1', [ref]);
    expect(keyRow.rows[0]).toEqual({ wrapped_key: null });
    const keyring = await LocalKeyring.load(keysDir);
    const everyKey = await pool.query<{ case_ref: string; master_key_id: string; wrapped_key: Buffer }>(
      'SELECT case_ref, master_key_id, wrapped_key FROM case_data_keys WHERE wrapped_key IS NOT NULL AND master_key_id = ANY($1)',
      [keyring.keyIds],
    );
    let opened = 0;
    for (const row of everyKey.rows) {
      const dataKey = await keyring.unwrap(
        { keyId: row.master_key_id, wrapped: row.wrapped_key },
        `case|${row.case_ref}`,
      );
      for (const sealed of backup) {
        for (const context of [`person|${ref}`, `note|${ref}|1`]) {
          try {
            open(dataKey, sealed, context);
            opened++;
          } catch (error) {
            expect(error).toBeInstanceOf(SealBrokenError);
          }
        }
      }
    }
    expect(everyKey.rows.length).toBeGreaterThan(0);
    expect(opened).toBe(0);
  });

  it('erases a case that never had a person record, and keeps it erased', async () => {
    const ref = caseRef();
    expect((await vault.erase(ref, CMM, 'retention period ended')).first).toBe(true);
    await expect(vault.addNote(ref, { text: 'late' }, CMM)).rejects.toThrow(PersonErasedError);
  });

  it('after a master-key rotation, re-wraps the data keys and reads every record as before', async () => {
    const ref = caseRef();
    await vault.write(ref, () => ({ given: 'Before-Rotation' }), CMM, 0);
    const next = await rotateLocalKeyring(keysDir);
    const rotated = new PersonVault<Person, Note>(pool, await LocalKeyring.load(keysDir));
    expect(await rotated.read(ref)).toMatchObject({ record: { given: 'Before-Rotation' } });
    expect((await rotated.rewrapAll()).rewrapped).toBeGreaterThan(0);
    const row = await pool.query<{ master_key_id: string }>(
      'SELECT master_key_id FROM case_data_keys WHERE case_ref = $1',
      [ref],
    );
    expect(row.rows[0]?.master_key_id).toBe(next);
    expect(await rotated.read(ref)).toMatchObject({ record: { given: 'Before-Rotation' } });
  });
});
