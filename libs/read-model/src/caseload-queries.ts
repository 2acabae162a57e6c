import type { Pool } from '../../database/src/index.js';
import type { Deadline } from '../../domain/src/index.js';

/** Which cases a caller sees: every case (national roles), or those holding a grant for its party. */
export type Scope = { readonly national: true } | { readonly grant: string };

/** Where a page ends: opaque to callers (base64url of the sort key of its last row). */
export type Cursor = string;

export interface Page<T> {
  readonly items: readonly T[];
  /** The cursor of the next page; absent on the last one. */
  readonly next?: Cursor;
}

export interface DeadlineQuery {
  readonly scope: Scope;
  /** Deadlines this agency must act on (absent: every agency's, for the auditor). */
  readonly responsible?: string;
  /** A guardian: every running deadline of the children's cases granted to them (R17). */
  readonly childrenOfGuardian?: boolean;
  readonly kinds?: readonly string[];
  readonly stages?: readonly string[];
  /** Only deadlines due before this instant (the horizon). */
  readonly dueBefore?: Date;
  /** Only deadlines already past (`dueAt` before now). */
  readonly overdueAt?: Date;
  readonly after?: Cursor;
  readonly limit: number;
}

export interface DeadlineEntry {
  readonly caseRef: string;
  readonly stage: string;
  readonly deadline: Deadline;
}

export interface CaseQuery {
  readonly scope: Scope;
  readonly stage?: string;
  readonly after?: Cursor;
  readonly limit: number;
}

export interface CaseEntry {
  readonly caseRef: string;
  readonly stage: string;
  readonly openedAt: string;
  readonly policyVersion: string;
  /** The soonest running deadline, if any. */
  readonly nextDeadline?: { readonly dueAt: string; readonly kind: string; readonly responsible: string };
}

/** A cursor that does not decode, or belongs to another listing. */
export class InvalidCursorError extends Error {
  constructor() {
    super('the cursor is not one this listing gave');
    this.name = 'InvalidCursorError';
  }
}

const encode = (key: readonly unknown[]): Cursor => Buffer.from(JSON.stringify(key)).toString('base64url');

function decode(cursor: Cursor, shape: readonly ('string' | 'number')[]): unknown[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(key) || key.length !== shape.length || key.some((v, i) => typeof v !== shape[i])) {
    throw new InvalidCursorError();
  }
  return key;
}

/** `AND <scope>` with its parameter appended to `params`. */
function scopeClause(scope: Scope, params: unknown[], alias = 'c'): string {
  if ('national' in scope) return '';
  params.push([scope.grant]);
  return ` AND ${alias}.grants @> $${params.length}::text[]`;
}

/**
 * The caseload answers, from the read model only (issue 14): every running deadline an agency must act on,
 * soonest first, and the cases in a scope by stage, both in pages with a keyset cursor; the counts per stage.
 * Closed cases have no running deadline and are not listed.
 */
export class CaseloadQueries {
  constructor(private readonly pool: Pool) {}

  async deadlines(query: DeadlineQuery): Promise<Page<DeadlineEntry>> {
    const params: unknown[] = [];
    let where = "c.stage <> 'closed'";
    if (query.responsible !== undefined) {
      params.push(query.responsible);
      where += query.childrenOfGuardian
        ? ` AND (d.responsible = $1 OR c.is_child)`
        : ' AND d.responsible = $1';
    }
    where += scopeClause(query.scope, params);
    if (query.kinds && query.kinds.length > 0) {
      params.push(query.kinds);
      where += ` AND d.kind = ANY($${params.length}::text[])`;
    }
    if (query.stages && query.stages.length > 0) {
      params.push(query.stages);
      where += ` AND c.stage = ANY($${params.length}::text[])`;
    }
    if (query.dueBefore) {
      params.push(query.dueBefore.toISOString());
      where += ` AND d.due_at <= $${params.length}`;
    }
    if (query.overdueAt) {
      params.push(query.overdueAt.toISOString());
      where += ` AND d.due_at < $${params.length}`;
    }
    if (query.after !== undefined) {
      const [dueAt, caseRef, id] = decode(query.after, ['string', 'string', 'string']);
      params.push(dueAt, caseRef, id);
      const n = params.length;
      where += ` AND (d.due_at, d.case_ref, d.deadline_id) > ($${n - 2}::timestamptz, $${n - 1}, $${n})`;
    }
    params.push(query.limit + 1);
    const { rows } = await this.pool.query<{
      case_ref: string;
      stage: string;
      deadline_id: string;
      due_at: Date;
      deadline: Deadline;
    }>(
      `SELECT d.case_ref, c.stage, d.deadline_id, d.due_at, d.deadline
         FROM read_model_deadlines d JOIN read_model_cases c USING (case_ref)
        WHERE ${where}
        ORDER BY d.due_at, d.case_ref, d.deadline_id
        LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => ({ caseRef: row.case_ref, stage: row.stage, deadline: row.deadline })),
      ...(rows.length > query.limit && last
        ? { next: encode([last.due_at.toISOString(), last.case_ref, last.deadline_id]) }
        : {}),
    };
  }

  async cases(query: CaseQuery): Promise<Page<CaseEntry>> {
    const params: unknown[] = [];
    let where = "c.stage NOT IN ('closed', 'not-started')";
    where += scopeClause(query.scope, params);
    if (query.stage !== undefined) {
      params.push(query.stage);
      where += ` AND c.stage = $${params.length}`;
    }
    if (query.after !== undefined) {
      const [openedAt, caseRef] = decode(query.after, ['string', 'string']);
      params.push(openedAt, caseRef);
      const n = params.length;
      // Newest first.
      where += ` AND (c.opened_at, c.case_ref) < ($${n - 1}::timestamptz, $${n})`;
    }
    params.push(query.limit + 1);
    const { rows } = await this.pool.query<{
      case_ref: string;
      stage: string;
      opened_at: Date;
      policy_version: string;
      due_at: Date | null;
      kind: string | null;
      responsible: string | null;
    }>(
      `SELECT c.case_ref, c.stage, c.opened_at, c.policy_version, n.due_at, n.kind, n.responsible
         FROM read_model_cases c
         LEFT JOIN LATERAL (
           SELECT due_at, kind, responsible FROM read_model_deadlines d
            WHERE d.case_ref = c.case_ref ORDER BY due_at, deadline_id LIMIT 1
         ) n ON true
        WHERE ${where}
        ORDER BY c.opened_at DESC, c.case_ref DESC
        LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => ({
        caseRef: row.case_ref,
        stage: row.stage,
        openedAt: row.opened_at.toISOString(),
        policyVersion: row.policy_version,
        ...(row.due_at && row.kind && row.responsible
          ? {
              nextDeadline: { dueAt: row.due_at.toISOString(), kind: row.kind, responsible: row.responsible },
            }
          : {}),
      })),
      ...(rows.length > query.limit && last
        ? { next: encode([last.opened_at.toISOString(), last.case_ref]) }
        : {}),
    };
  }

  /** Open cases per stage in the scope (stages without a case are absent). */
  async stageCounts(scope: Scope): Promise<Record<string, number>> {
    const params: unknown[] = [];
    const { rows } = await this.pool.query<{ stage: string; n: string }>(
      `SELECT c.stage, count(*)::text AS n FROM read_model_cases c
        WHERE c.stage NOT IN ('closed', 'not-started')${scopeClause(scope, params)}
        GROUP BY c.stage ORDER BY c.stage`,
      params,
    );
    return Object.fromEntries(rows.map((row) => [row.stage, Number(row.n)]));
  }
}
