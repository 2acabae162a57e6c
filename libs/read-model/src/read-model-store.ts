import type { PoolClient } from 'pg';
import type { Pool } from '../../database/src/index.js';
import type { Deadline, PathwayState } from '../../domain/src/index.js';
import {
  isChildCase,
  project,
  caseRefOf,
  type AuditMessage,
  type CaseRow,
  type Projected,
} from './projection.js';

interface CaseRecord {
  case_ref: string;
  event_seq: number;
  state: PathwayState | null;
  access_seq: number;
  grants: string[];
  gap_at_seq: number | null;
}

const rowOf = (record: CaseRecord): CaseRow => ({
  caseRef: record.case_ref,
  eventSeq: record.event_seq,
  state: record.state ?? undefined,
  accessSeq: record.access_seq,
  grants: record.grants,
  gapAtSeq: record.gap_at_seq ?? undefined,
});

/**
 * The read model's tables (issue 14): applies the audit stream's messages one at a time, each in its own
 * transaction with the case's row locked, so a message applied twice (a redelivery, a second gateway during a
 * rebalance, a rebuild) changes nothing the second time.
 */
export class ReadModelStore {
  constructor(private readonly pool: Pool) {}

  /** Applies one message; returns what it did. */
  async apply(message: AuditMessage): Promise<Projected['kind']> {
    const caseRef = caseRefOf(message);
    if (caseRef === undefined) return 'ignored';
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<CaseRecord>(
        `SELECT case_ref, event_seq, state, access_seq, grants, gap_at_seq
           FROM read_model_cases WHERE case_ref = $1 FOR UPDATE`,
        [caseRef],
      );
      const projected = project(rows[0] ? rowOf(rows[0]) : undefined, message);
      await write(client, projected);
      await client.query('COMMIT');
      return projected.kind;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Empties the read model (a rebuild then reads the audit topic from its beginning). */
  async clear(): Promise<void> {
    await this.pool.query('TRUNCATE read_model_deadlines, read_model_cases');
  }
}

async function write(client: PoolClient, projected: Projected): Promise<void> {
  switch (projected.kind) {
    case 'ignored':
    case 'duplicate':
      return;
    case 'gap':
      await client.query(
        `INSERT INTO read_model_cases (case_ref, gap_at_seq) VALUES ($1, $2)
         ON CONFLICT (case_ref) DO UPDATE SET gap_at_seq = COALESCE(read_model_cases.gap_at_seq, $2),
           updated_at = now()`,
        [projected.caseRef, projected.atSeq],
      );
      return;
    case 'access':
      await client.query(
        `INSERT INTO read_model_cases (case_ref, access_seq, grants) VALUES ($1, $2, $3)
         ON CONFLICT (case_ref) DO UPDATE SET access_seq = $2, grants = $3, updated_at = now()`,
        [projected.caseRef, projected.accessSeq, projected.grants],
      );
      return;
    case 'case': {
      const { state } = projected;
      const open = state.stage !== 'not-started';
      await client.query(
        `INSERT INTO read_model_cases
           (case_ref, stage, policy_version, is_child, opened_at, closed_at, event_seq, state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (case_ref) DO UPDATE SET stage = $2, policy_version = $3, is_child = $4, opened_at = $5,
           closed_at = $6, event_seq = $7, state = $8, gap_at_seq = NULL, updated_at = now()`,
        [
          projected.caseRef,
          state.stage,
          open ? state.policyVersion : null,
          isChildCase(state),
          open ? state.openedAt : null,
          open && state.closed ? state.closed.at : null,
          projected.eventSeq,
          JSON.stringify(state),
        ],
      );
      await client.query('DELETE FROM read_model_deadlines WHERE case_ref = $1', [projected.caseRef]);
      if (projected.deadlines.length > 0)
        await insertDeadlines(client, projected.caseRef, projected.deadlines);
      return;
    }
  }
}

async function insertDeadlines(client: PoolClient, caseRef: string, deadlines: readonly Deadline[]) {
  await client.query(
    `INSERT INTO read_model_deadlines (case_ref, deadline_id, kind, due_at, responsible, deadline)
     SELECT $1, d.id, d.kind, d.due_at, d.responsible, d.deadline
       FROM jsonb_to_recordset($2::jsonb) AS d(id text, kind text, due_at timestamptz, responsible text, deadline jsonb)`,
    [
      caseRef,
      JSON.stringify(
        deadlines.map((d) => ({
          id: d.id,
          kind: d.kind,
          due_at: d.dueAt,
          responsible: d.responsible,
          deadline: d,
        })),
      ),
    ],
  );
}
