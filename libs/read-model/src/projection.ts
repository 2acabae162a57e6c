import {
  ACCESS_CHANGED_TYPE,
  accessChangedDataSchema,
  grantKey,
  pathwayEventDataSchema,
} from '../../contracts/src/index.js';
import {
  DENMARK_POLICIES,
  currentDeadlines,
  evolve,
  initialState,
  isTreatedAsChild,
  policyByVersion,
  type Deadline,
  type PathwayEvent,
  type PathwayState,
  type Policy,
} from '../../domain/src/index.js';

/** A case as the read model holds it (one row of `read_model_cases`). */
export interface CaseRow {
  readonly caseRef: string;
  readonly eventSeq: number;
  readonly state: PathwayState | undefined;
  readonly accessSeq: number;
  readonly grants: readonly string[];
  readonly gapAtSeq: number | undefined;
}

/** What one message of the audit stream does to a case. */
export type Projected =
  | { readonly kind: 'ignored' }
  /** Seen before (a duplicate, or a rebuild reading it again): nothing changes. */
  | { readonly kind: 'duplicate' }
  /** An earlier event of the case never arrived: the case keeps what it had and says where the gap is. */
  | { readonly kind: 'gap'; readonly caseRef: string; readonly atSeq: number }
  | {
      readonly kind: 'case';
      readonly caseRef: string;
      readonly eventSeq: number;
      readonly state: PathwayState;
      /** Every running deadline after the event, with its explanation (as the case view shows it). */
      readonly deadlines: readonly Deadline[];
    }
  | {
      readonly kind: 'access';
      readonly caseRef: string;
      readonly accessSeq: number;
      readonly grants: string[];
    };

const DOMAIN_EVENT_ID = /^(PW-[0-9A-Z]+)\/e(\d{5})-[A-Za-z]+$/;
const ACCESS_EVENT_ID = /^(PW-[0-9A-Z]+)\/a(\d{5})$/;

/** The CloudEvent envelope fields the projection reads. */
export interface AuditMessage {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
}

/**
 * The projection, as a pure function (issue 14): folds a case's domain events with the domain's own `evolve`
 * and derives its running deadlines with `currentDeadlines` under the case's policy — the same functions the
 * workflow runs, so the read model answers what the case view answers. Idempotent by each event's number in
 * its case: one already applied is a duplicate; one that skips a number is a gap (never applied out of order;
 * the case is marked until the missing one arrives, as a rebuild brings it).
 * Access changes carry the whole list of grants, numbered on their own; the highest wins.
 */
export function project(
  row: CaseRow | undefined,
  message: AuditMessage,
  policies: readonly Policy[] = DENMARK_POLICIES,
): Projected {
  const domain = DOMAIN_EVENT_ID.exec(message.id);
  if (domain) {
    const caseRef = domain[1] ?? '';
    const seq = Number(domain[2]);
    const applied = row?.eventSeq ?? 0;
    if (seq <= applied) return { kind: 'duplicate' };
    // A later event first (an earlier one lost, or the read model emptied under a running projection): the
    // case stays as it was until the missing one comes (a rebuild reads the topic again from its beginning).
    if (seq !== applied + 1) return { kind: 'gap', caseRef, atSeq: applied + 1 };
    // The audit stream carries each domain event in full (with its case ref): the event itself.
    const event = pathwayEventDataSchema.parse(message.data) as unknown as PathwayEvent;
    const state = evolve(row?.state ?? initialState(), event);
    const deadlines =
      state.stage === 'not-started'
        ? []
        : currentDeadlines(state, policyByVersion(policies, state.policyVersion));
    return { kind: 'case', caseRef, eventSeq: seq, state, deadlines };
  }
  const access = ACCESS_EVENT_ID.exec(message.id);
  if (access && message.type === ACCESS_CHANGED_TYPE) {
    const data = accessChangedDataSchema.parse(message.data);
    if (data.accessSeq <= (row?.accessSeq ?? 0)) return { kind: 'duplicate' };
    return {
      kind: 'access',
      caseRef: data.caseRef,
      accessSeq: data.accessSeq,
      grants: data.grants.map(grantKey),
    };
  }
  return { kind: 'ignored' };
}

/** The case ref a message of the audit stream is about, if the projection reads it. */
export function caseRefOf(message: Pick<AuditMessage, 'id'>): string | undefined {
  return (DOMAIN_EVENT_ID.exec(message.id) ?? ACCESS_EVENT_ID.exec(message.id))?.[1];
}

/** Whether the case is a child's (R17: treated as one until an assessment says adult). */
export function isChildCase(state: PathwayState): boolean {
  return state.stage !== 'not-started' && isTreatedAsChild(state.facts.age);
}
