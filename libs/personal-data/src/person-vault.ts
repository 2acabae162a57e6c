import type { Pool, PoolClient } from 'pg';
import { newDataKey, openJson, sealJson } from './envelope.js';
import { UnknownMasterKeyError, type MasterKeyring } from './keyring.js';

/** A statement runner inside the vault's transaction (for an outbox row written with the change). */
export type Transaction = Pick<PoolClient, 'query'>;

/** Who did something to a person's data: a caseworker's role, organisation and opaque subject. */
export interface Actor {
  readonly role: string;
  readonly org: string;
  readonly sub: string;
}

export interface Erasure {
  readonly at: string;
  readonly byRole: string;
  readonly byOrg: string;
  readonly reason: string;
}

export type VaultRecord<T> =
  | { readonly state: 'none' }
  | { readonly state: 'erased'; readonly erasure: Erasure }
  | {
      readonly state: 'held';
      readonly version: number;
      readonly updatedAt: string;
      readonly updatedBy: { readonly role: string; readonly org: string };
      readonly record: T;
    };

export interface VaultNote<T> {
  readonly seq: number;
  readonly at: string;
  readonly author: Actor;
  readonly corrects?: number;
  readonly note: T;
}

/** The person record changed since the version the caller read (optimistic concurrency). */
export class VersionConflictError extends Error {
  constructor(readonly current: number) {
    super(`the person record is at version ${current}`);
    this.name = 'VersionConflictError';
  }
}

/** The case's person was erased: nothing can be written or read any more. */
export class PersonErasedError extends Error {
  constructor(readonly erasure: Erasure) {
    super('the person record of this case was erased');
    this.name = 'PersonErasedError';
  }
}

/** A note that corrects one the case does not have. */
export class UnknownNoteError extends Error {
  constructor(readonly seq: number) {
    super(`the case has no note ${seq}`);
    this.name = 'UnknownNoteError';
  }
}

interface KeyRow {
  master_key_id: string | null;
  wrapped_key: Buffer | null;
  erased_at: Date | null;
  erased_by_role: string | null;
  erased_by_org: string | null;
  erasure_reason: string | null;
}

const personContext = (caseRef: string): string => `person|${caseRef}`;
const noteContext = (caseRef: string, seq: number): string => `note|${caseRef}|${seq}`;
const keyContext = (caseRef: string): string => `case|${caseRef}`;

/**
 * A case's person data in PostgreSQL, as ciphertext only (ADR 0014): a data key per case, wrapped by the
 * keyring's master key; the record (one sealed document, versioned) and the notes (append-only, a correction
 * is a new note naming the one it corrects) sealed with it and bound to the case. Erasure destroys the key
 * and the sealed rows and keeps who erased, when and why.
 */
export class PersonVault<Record, Note> {
  constructor(
    private readonly pool: Pool,
    private readonly keyring: MasterKeyring,
  ) {}

  /** Whether the case holds a data key (a record or notes sealed with it), without opening anything. */
  async holdsData(caseRef: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ held: boolean }>(
      'SELECT wrapped_key IS NOT NULL AS held FROM case_data_keys WHERE case_ref = $1',
      [caseRef],
    );
    return rows[0]?.held === true;
  }

  async read(caseRef: string): Promise<VaultRecord<Record>> {
    const keyRow = await this.keyRow(this.pool, caseRef);
    if (keyRow === undefined) return { state: 'none' };
    const erasure = erasureOf(keyRow);
    if (erasure) return { state: 'erased', erasure };
    const { rows } = await this.pool.query<{
      version: number;
      sealed: Buffer;
      updated_at: Date;
      updated_by_role: string;
      updated_by_org: string;
    }>(
      'SELECT version, sealed, updated_at, updated_by_role, updated_by_org FROM person_records WHERE case_ref = $1',
      [caseRef],
    );
    const row = rows[0];
    if (row === undefined) return { state: 'none' };
    const key = await this.unwrap(caseRef, keyRow);
    return {
      state: 'held',
      version: row.version,
      updatedAt: row.updated_at.toISOString(),
      updatedBy: { role: row.updated_by_role, org: row.updated_by_org },
      record: openJson(key, row.sealed, personContext(caseRef)) as Record,
    };
  }

  /**
   * Writes the record `change` makes of the current one (undefined when there is none), as version n+1.
   * `expectedVersion` (the version the caller read; 0 for none) refuses a write over someone else's change.
   */
  async write(
    caseRef: string,
    change: (current: Record | undefined) => Record,
    by: Actor,
    expectedVersion?: number,
    alsoInTransaction?: (tx: Transaction, written: { version: number }) => Promise<void>,
  ): Promise<{ version: number; record: Record }> {
    return this.transaction(async (client) => {
      const key = await this.keyFor(client, caseRef);
      const { rows } = await client.query<{ version: number; sealed: Buffer }>(
        'SELECT version, sealed FROM person_records WHERE case_ref = $1 FOR UPDATE',
        [caseRef],
      );
      const row = rows[0];
      const current = row ? (openJson(key, row.sealed, personContext(caseRef)) as Record) : undefined;
      const currentVersion = row?.version ?? 0;
      if (expectedVersion !== undefined && expectedVersion !== currentVersion) {
        throw new VersionConflictError(currentVersion);
      }
      const record = change(current);
      const version = currentVersion + 1;
      await client.query(
        `INSERT INTO person_records (case_ref, version, sealed, updated_by_role, updated_by_org)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (case_ref) DO UPDATE SET version = $2, sealed = $3, updated_at = now(),
           updated_by_role = $4, updated_by_org = $5`,
        [caseRef, version, sealJson(key, record, personContext(caseRef)), by.role, by.org],
      );
      await alsoInTransaction?.(client, { version });
      return { version, record };
    });
  }

  async addNote(
    caseRef: string,
    note: Note,
    author: Actor,
    corrects?: number,
    alsoInTransaction?: (tx: Transaction, added: { seq: number }) => Promise<void>,
  ): Promise<VaultNote<Note>> {
    return this.transaction(async (client) => {
      const key = await this.keyFor(client, caseRef);
      const { rows } = await client.query<{ last: number | null; found: boolean }>(
        `SELECT max(seq) AS last, bool_or(seq = $2) AS found FROM person_notes WHERE case_ref = $1`,
        [caseRef, corrects ?? -1],
      );
      if (corrects !== undefined && rows[0]?.found !== true) throw new UnknownNoteError(corrects);
      const seq = (rows[0]?.last ?? 0) + 1;
      const inserted = await client.query<{ at: Date }>(
        `INSERT INTO person_notes (case_ref, seq, sealed, author_role, author_org, author_sub, corrects)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING at`,
        [
          caseRef,
          seq,
          sealJson(key, note, noteContext(caseRef, seq)),
          author.role,
          author.org,
          author.sub,
          corrects ?? null,
        ],
      );
      await alsoInTransaction?.(client, { seq });
      return {
        seq,
        at: (inserted.rows[0]?.at ?? new Date()).toISOString(),
        author,
        ...(corrects !== undefined ? { corrects } : {}),
        note,
      };
    });
  }

  async notes(caseRef: string): Promise<readonly VaultNote<Note>[] | { readonly erasure: Erasure }> {
    const keyRow = await this.keyRow(this.pool, caseRef);
    if (keyRow === undefined) return [];
    const erasure = erasureOf(keyRow);
    if (erasure) return { erasure };
    const key = await this.unwrap(caseRef, keyRow);
    const { rows } = await this.pool.query<{
      seq: number;
      sealed: Buffer;
      author_role: string;
      author_org: string;
      author_sub: string;
      corrects: number | null;
      at: Date;
    }>(
      'SELECT seq, sealed, author_role, author_org, author_sub, corrects, at FROM person_notes WHERE case_ref = $1 ORDER BY seq',
      [caseRef],
    );
    return rows.map((row) => ({
      seq: row.seq,
      at: row.at.toISOString(),
      author: { role: row.author_role, org: row.author_org, sub: row.author_sub },
      ...(row.corrects !== null ? { corrects: row.corrects } : {}),
      note: openJson(key, row.sealed, noteContext(caseRef, row.seq)) as Note,
    }));
  }

  /**
   * Crypto-shredding: the case's data key is destroyed and its sealed rows deleted, in one transaction; the
   * erasure itself (when, who, why) is kept. Erasing an erased case answers the first erasure.
   */
  async erase(
    caseRef: string,
    by: Actor,
    reason: string,
    alsoInTransaction?: (tx: Transaction, erasure: Erasure) => Promise<void>,
  ): Promise<{ erasure: Erasure; first: boolean }> {
    return this.transaction(async (client) => {
      // A case without a key yet gets a row of its own, so that an erased case stays erased.
      const inserted = await client.query(
        `INSERT INTO case_data_keys (case_ref, erased_at, erased_by_role, erased_by_org, erasure_reason)
         VALUES ($1, now(), $2, $3, $4) ON CONFLICT (case_ref) DO NOTHING RETURNING case_ref`,
        [caseRef, by.role, by.org, reason],
      );
      const keyRow = await this.keyRow(client, caseRef, true);
      if (keyRow === undefined) throw new Error('erasure not recorded');
      if (keyRow.wrapped_key === null) {
        const erasure = erasureOf(keyRow);
        if (erasure === undefined) throw new Error('erasure not recorded');
        // Recorded just now (no key had ever been made), or erased before.
        if (inserted.rowCount === 1) await alsoInTransaction?.(client, erasure);
        return { erasure, first: inserted.rowCount === 1 };
      }
      await client.query('DELETE FROM person_notes WHERE case_ref = $1', [caseRef]);
      await client.query('DELETE FROM person_records WHERE case_ref = $1', [caseRef]);
      const { rows } = await client.query<KeyRow>(
        `UPDATE case_data_keys SET master_key_id = NULL, wrapped_key = NULL, erased_at = now(),
           erased_by_role = $2, erased_by_org = $3, erasure_reason = $4
         WHERE case_ref = $1
         RETURNING master_key_id, wrapped_key, erased_at, erased_by_role, erased_by_org, erasure_reason`,
        [caseRef, by.role, by.org, reason],
      );
      const erasure = rows[0] ? erasureOf(rows[0]) : undefined;
      if (erasure === undefined) throw new Error('erasure not recorded');
      await alsoInTransaction?.(client, erasure);
      return { erasure, first: true };
    });
  }

  /**
   * Re-wraps every data key under the keyring's current master key (after a rotation), so the old master key
   * can be retired. A key wrapped by a master key the keyring does not hold is left alone and counted.
   */
  async rewrapAll(): Promise<{ rewrapped: number; skipped: number }> {
    const { rows } = await this.pool.query<{ case_ref: string }>(
      'SELECT case_ref FROM case_data_keys WHERE wrapped_key IS NOT NULL AND master_key_id <> $1',
      [this.keyring.currentKeyId],
    );
    let rewrapped = 0;
    let skipped = 0;
    for (const { case_ref: caseRef } of rows) {
      await this.transaction(async (client) => {
        const keyRow = await this.keyRow(client, caseRef, true);
        if (keyRow === undefined || keyRow.wrapped_key === null) return;
        let key: Buffer;
        try {
          key = await this.unwrap(caseRef, keyRow);
        } catch (error) {
          if (!(error instanceof UnknownMasterKeyError)) throw error;
          skipped++;
          return;
        }
        const wrapped = await this.keyring.wrap(key, keyContext(caseRef));
        await client.query(
          'UPDATE case_data_keys SET master_key_id = $2, wrapped_key = $3 WHERE case_ref = $1',
          [caseRef, wrapped.keyId, wrapped.wrapped],
        );
        rewrapped++;
      });
    }
    return { rewrapped, skipped };
  }

  /** The case's data key, made (and wrapped) on first use; refused once erased. */
  private async keyFor(client: PoolClient, caseRef: string): Promise<Buffer> {
    let keyRow = await this.keyRow(client, caseRef, true);
    if (keyRow === undefined) {
      const wrapped = await this.keyring.wrap(newDataKey(), keyContext(caseRef));
      await client.query(
        'INSERT INTO case_data_keys (case_ref, master_key_id, wrapped_key) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [caseRef, wrapped.keyId, wrapped.wrapped],
      );
      keyRow = await this.keyRow(client, caseRef, true);
      if (keyRow === undefined) throw new Error('data key not stored');
    }
    const erasure = erasureOf(keyRow);
    if (erasure) throw new PersonErasedError(erasure);
    return this.unwrap(caseRef, keyRow);
  }

  private async keyRow(
    client: Pick<Pool, 'query'>,
    caseRef: string,
    forUpdate = false,
  ): Promise<KeyRow | undefined> {
    const { rows } = await client.query<KeyRow>(
      `SELECT master_key_id, wrapped_key, erased_at, erased_by_role, erased_by_org, erasure_reason
       FROM case_data_keys WHERE case_ref = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [caseRef],
    );
    return rows[0];
  }

  private unwrap(caseRef: string, keyRow: KeyRow): Promise<Buffer> {
    if (keyRow.wrapped_key === null || keyRow.master_key_id === null) {
      throw new Error('the data key was destroyed');
    }
    return this.keyring.unwrap(
      { keyId: keyRow.master_key_id, wrapped: keyRow.wrapped_key },
      keyContext(caseRef),
    );
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

function erasureOf(row: KeyRow): Erasure | undefined {
  if (row.erased_at === null) return undefined;
  return {
    at: row.erased_at.toISOString(),
    byRole: row.erased_by_role ?? 'unknown',
    byOrg: row.erased_by_org ?? 'unknown',
    reason: row.erasure_reason ?? '',
  };
}
