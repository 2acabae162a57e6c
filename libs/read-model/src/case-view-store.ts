import type { CaseView } from '../../contracts/src/index.js';
import type { Pool } from '../../database/src/index.js';

/** A case's view as stored, with the version the workflow numbered it with. */
export interface StoredView {
  readonly version: number;
  readonly view: CaseView;
}

/**
 * The last view of each case (ADR 0023): written after the workflow answered with one, read before asking it
 * again. An older version never overwrites a newer one (two answers racing to be stored).
 */
export class CaseViewStore {
  constructor(private readonly pool: Pool) {}

  async get(caseRef: string): Promise<StoredView | undefined> {
    const { rows } = await this.pool.query<{ version: number; view: CaseView }>(
      'SELECT version, view FROM case_views WHERE case_ref = $1',
      [caseRef],
    );
    const row = rows[0];
    return row ? { version: row.version, view: row.view } : undefined;
  }

  /** Drops the case's stored view (its next read asks the workflow). */
  async forget(caseRef: string): Promise<void> {
    await this.pool.query('DELETE FROM case_views WHERE case_ref = $1', [caseRef]);
  }

  /** Drops the case's stored view if it holds this version and no newer one (an opening's, ADR 0026). */
  async forgetVersion(caseRef: string, version: number): Promise<void> {
    await this.pool.query('DELETE FROM case_views WHERE case_ref = $1 AND version = $2', [caseRef, version]);
  }

  /** Stores `view` if it is numbered and newer than the one held; returns whether it did. */
  async put(view: CaseView): Promise<boolean> {
    if (view.version === undefined) return false;
    const { rowCount } = await this.pool.query(
      `INSERT INTO case_views (case_ref, version, view) VALUES ($1, $2, $3)
       ON CONFLICT (case_ref) DO UPDATE SET version = EXCLUDED.version, view = EXCLUDED.view, stored_at = now()
         WHERE case_views.version < EXCLUDED.version`,
      [view.caseRef, view.version, JSON.stringify(view)],
    );
    return (rowCount ?? 0) > 0;
  }
}
