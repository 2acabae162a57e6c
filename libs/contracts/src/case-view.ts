/**
 * A case's view as plain functions of its parts (issue 14, ADR 0024): the workflow builds every view with
 * them, and the gateway builds an opening's view with the same ones (`openingOf`), so the two agree by
 * construction. No schema and no Temporal API here: the workflow sandbox loads this module (ADR 0019).
 */
import {
  DENMARK_POLICIES,
  act,
  currentDeadlines,
  initialState,
  isAgencyId,
  pendingActions,
  selectPolicy,
  staleRemindersAfter,
  type Actor,
  type AgencyId,
  type Refusal,
  type Instant,
  type PathwayEvent,
  type PathwayState,
  type Policy,
} from '../../domain/src/index.js';
import { grantKey, grantsImpliedBy, type RecordedAccessGrant } from './access-grants.js';
import type { CaseView, TimelineEntry, UndeliverableEvent, VictimPathwayInput } from './case.contract.js';

/** What a case's view is made of, as the workflow holds it. */
export interface CaseViewParts {
  readonly caseRef: string;
  readonly state: PathwayState;
  readonly policy: Policy;
  /** The ids of timer actions already taken (the next one shown is the first not taken). */
  readonly taken: ReadonlySet<string>;
  readonly timeline: readonly TimelineEntry[];
  readonly access: readonly RecordedAccessGrant[];
  readonly undeliverable: readonly UndeliverableEvent[];
}

/** The view without its number: what the number's digest is taken of. */
export type UnversionedCaseView = Omit<CaseView, 'version'>;

export function caseViewOf(parts: CaseViewParts): UnversionedCaseView {
  const { state, policy } = parts;
  const next = pendingActions(state, policy, parts.taken)[0];
  return {
    caseRef: parts.caseRef,
    stage: state.stage,
    ...(state.stage !== 'not-started' ? { policyVersion: state.policyVersion } : {}),
    deadlines: state.stage === 'not-started' ? [] : currentDeadlines(state, policy),
    ...(next ? { next: { at: next.at, kind: next.kind, deadlineId: next.deadlineId } } : {}),
    timeline: [...parts.timeline],
    ...(state.stage !== 'not-started' && state.closed ? { closed: state.closed } : {}),
    state,
    access: [...parts.access],
    ...(parts.undeliverable.length > 0 ? { undeliverable: [...parts.undeliverable] } : {}),
  };
}

/** The timeline's entry for the `seq`th event of a case; `actor` acted unless the event names who did. */
export function timelineEntryOf(seq: number, event: PathwayEvent, actor: Actor): TimelineEntry {
  const by = 'by' in event ? event.by : actor;
  const via = 'via' in event ? event.via : undefined;
  return { seq, at: event.at, type: event.type, by, ...(via ? { via } : {}) };
}

/** The agency that grants what an event implies: the one that acted, or the policy's coordinator. */
export function grantorOf(event: PathwayEvent, policy: Policy): AgencyId {
  return 'by' in event && isAgencyId(event.by) ? event.by : policy.coordinator;
}

/**
 * A 53-bit digest of a string (cyrb53, public domain): a change the digest would miss is about one in 2⁵³.
 * Deterministic and dependency-free, as workflow code must be; not a security measure.
 *
 * `Math.imul` is read once, not in the loop: in the workflow sandbox (a reused V8 context whose globals the SDK
 * swaps per case) every read of a global is slow, and the loop's two reads per character made a digest of a
 * case's view cost about 1.4 ms of each workflow task (issue 14). Same digest, read once.
 */
export function digestOf(text: string): string {
  const imul = Math.imul;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    h1 = imul(h1 ^ c, 2654435761);
    h2 = imul(h2 ^ c, 1597334677);
  }
  h1 = imul(h1 ^ (h1 >>> 16), 2246822507) ^ imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = imul(h2 ^ (h2 >>> 16), 2246822507) ^ imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** The digest a view's number follows: it changes when anything in the view does. */
export function viewDigestOf(view: UnversionedCaseView): string {
  return digestOf(JSON.stringify(view));
}

/** The first number of a case's view: the opening's (ADR 0023, 0024). */
export const OPENING_VIEW_VERSION = 1;

/** How far before its start a case may be dated by the gateway that opened it (ADR 0024). */
export const OPENING_AT_TOLERANCE_MS = 60_000;

export type Opening =
  | { readonly ok: true; readonly view: CaseView; readonly digest: string }
  | { readonly ok: false; readonly decision: Refusal };

/**
 * A case as its opening leaves it, built where the referral arrives (ADR 0024): the domain decides the
 * referral at `at` under the policy in force then, exactly as the workflow's opening does when it is given
 * the same instant (`VictimPathwayInput.opened`), and the view is built from the same parts by the same
 * functions. Its digest goes into the start, and the workflow numbers its own opening's view 1 only if
 * its digest is the same; otherwise 2, and the gateway's copy is never answered for it.
 */
export function openingOf(
  input: Pick<VictimPathwayInput, 'caseRef' | 'referral' | 'access'>,
  at: Instant,
  policies: readonly Policy[] = DENMARK_POLICIES,
): Opening {
  const policy = selectPolicy(policies, at);
  const before = initialState();
  const acted = act(before, { type: 'referCase', caseRef: input.caseRef, ...input.referral }, at, policy);
  if (!acted.decision.ok) return { ok: false, decision: acted.decision };
  const access: RecordedAccessGrant[] = (input.access ?? []).map((grant) => ({ ...grant, at }));
  const timeline: TimelineEntry[] = [];
  let state = before;
  for (const [index, { event, state: after }] of acted.applied.entries()) {
    state = after;
    timeline.push(timelineEntryOf(index + 1, event, input.referral.by));
    for (const grant of grantsImpliedBy(event)) {
      if (!access.some((held) => grantKey(held) === grantKey(grant)))
        access.push({ role: grant.role, party: grant.party, by: grantorOf(event, policy), at });
    }
  }
  const taken = new Set(state.stage !== 'not-started' ? staleRemindersAfter(before, state, at, policy) : []);
  const view = caseViewOf({
    caseRef: input.caseRef,
    state,
    policy,
    taken,
    timeline,
    access,
    undeliverable: [],
  });
  const digest = viewDigestOf(view);
  const { caseRef, ...rest } = view;
  return { ok: true, view: { caseRef, version: OPENING_VIEW_VERSION, ...rest }, digest };
}
