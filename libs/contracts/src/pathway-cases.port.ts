import type { AccessChangeArgs } from './access.contract.js';
import type {
  ActArgs,
  ActEnvelope,
  ActResult,
  AgencyCommandType,
  CaseView,
  IdempotencyRecord,
  VictimPathwayInput,
} from './case.contract.js';

/** One row of a caseload listing, read from search attributes (no personal data by construction). */
export interface CaseloadEntry {
  readonly caseRef: string;
  readonly stage: string | undefined;
  readonly responsibleAgency: string | undefined;
  readonly nextDeadline: string | undefined;
}

/**
 * Port: the cases' durable pathways, as the gateway uses them. Implemented over Temporal
 * (`TemporalPathwayCases` in libs/temporal); every call ends within the adapter's deadline. Failures are the
 * errors below, never an engine's own.
 */
export interface PathwayCases {
  /**
   * Starts a case's pathway under `input.caseRef` (answered once Temporal holds it, before any worker runs
   * it; ADR 0024); `exists` when a case with that ref was opened before.
   */
  open(input: VictimPathwayInput): Promise<'started' | 'exists'>;
  /** Whether a pathway with this ref exists (a start whose answer was lost). */
  exists(caseRef: string): Promise<boolean>;
  view(caseRef: string): Promise<CaseView>;
  /**
   * The version of the case's view that is current (its `PathwayViewVersion` search attribute, ADR 0023), read
   * from the case's own record without a worker; undefined for a case that does not number its views, and
   * while its events are being published (the attribute may still name the number from before an act whose
   * answer the gateway never stored: ADR 0024).
   */
  viewVersion(caseRef: string): Promise<number | undefined>;
  /**
   * The grants the case keeps in its `AccessGrants` search attribute, as `grantKey`s, read from the case's
   * own record (not from visibility, which lags). The workflow upserts them in the task that changes them.
   */
  grantKeys(caseRef: string): Promise<readonly string[]>;
  /** The request an Idempotency-Key (its digest) is bound to in this case, or null. */
  idempotencyRecord(caseRef: string, key: string): Promise<IdempotencyRecord | null>;
  /** An agency act; `updateId` makes the same request one act. */
  act<T extends AgencyCommandType>(
    caseRef: string,
    type: T,
    args: ActArgs<T> & ActEnvelope,
    updateId?: string,
  ): Promise<ActResult>;
  changeAccess(
    caseRef: string,
    change: 'grant' | 'revoke',
    args: AccessChangeArgs,
    /** Set for a keyed change: the same id again is the same Update, answered with its first outcome. */
    updateId?: string,
  ): Promise<CaseView>;
  /** Open cases matching a visibility query (from libs/access), at most `limit`. */
  list(query: string, limit: number): Promise<CaseloadEntry[]>;
}

/** No case with this ref (or it is out of the caller's scope: the gateway answers both alike). */
export class CaseNotFoundError extends Error {
  override readonly name = 'CaseNotFoundError';
}

/** The case is closed: it takes no further acts. */
export class CaseClosedError extends Error {
  override readonly name = 'CaseClosedError';
}

/** The domain refused the act (nothing changed): its stable code, reason, rule and details. */
export class CaseRefusedError extends Error {
  override readonly name = 'CaseRefusedError';
  constructor(
    readonly code: string,
    reason: string,
    readonly rule?: string,
    readonly details?: Readonly<Record<string, string | number>>,
  ) {
    super(reason);
  }
}

/** The engine or its workers did not answer in time: try again later (an act may still be applied). */
export class CaseServiceUnavailableError extends Error {
  override readonly name = 'CaseServiceUnavailableError';
}
