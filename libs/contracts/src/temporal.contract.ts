import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
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

/**
 * Wire names and typed definitions for Temporal, shared by the workflows and the gateway (as Temporal's NestJS
 * sample shares them in its lib), so the data that crosses the hop is checked on both sides. The strings are
 * stored on running executions and in histories: renaming one breaks every open case, so they change only with
 * a versioned migration.
 */

export const WorkflowTypes = {
  victimPathway: 'victimPathwayWorkflow',
  workerProbe: 'workerProbeWorkflow',
} as const;

/** The id of the readiness probe's workflow on a task queue (one per queue, shared by every gateway). */
export function workerProbeId(taskQueue: string): string {
  return `worker-probe/${taskQueue}`;
}

/**
 * What Temporal's Web UI shows of a case at a glance, set when it opens (the workflow keeps its *current*
 * details up to date: stage, next deadline, who must act). Never personal data: this is stored unencrypted.
 */
export function caseStartMetadata(input: Pick<VictimPathwayInput, 'caseRef' | 'referral'>): {
  readonly staticSummary: string;
  readonly staticDetails: string;
} {
  return {
    staticSummary: `Victim pathway ${input.caseRef}: referred by ${input.referral.by} (${input.referral.channel})`,
    staticDetails: [
      `**Case ${input.caseRef}** — the support pathway of one presumed victim of human trafficking in Denmark.`,
      'No personal data is held here: the person is known only by this pseudonymous reference.',
      'Stage, next deadline and who must act: *Current details*. The whole case: the `getCase` query, or the agency gateways.',
    ].join('\n\n'),
  };
}

export const QueryNames = {
  getCase: 'getCase',
  /** The request an Idempotency-Key (its digest) is bound to in this case, or null. */
  idempotencyRecord: 'idempotencyRecord',
  /** Answered by `workerProbeWorkflow`: proves a worker serves the task queue now. */
  workerProbe: 'workerProbe',
} as const;

/** The case as it stands (every section; the gateway filters per role). */
export const getCaseQuery = defineQuery<CaseView>(QueryNames.getCase);
/** The request an Idempotency-Key (its digest) is bound to in this case, or null. */
export const idempotencyRecordQuery = defineQuery<IdempotencyRecord | null, [string]>(
  QueryNames.idempotencyRecord,
);
export const workerProbeQuery = defineQuery<'ok'>(QueryNames.workerProbe);

/** One Update per agency act, named after its command (`requestPermitRenewal`, `recordCheckIn`, …). */
export function actUpdate<T extends AgencyCommandType>(type: T) {
  return defineUpdate<ActResult, [ActArgs<T> & ActEnvelope]>(type);
}

/** Update names for grants (wire names, like the act names). */
export const AccessUpdateNames = {
  grantAccess: 'grantAccess',
  revokeAccess: 'revokeAccess',
} as const;

/** Grant or revoke a role's access to the case (object scopes, enforced by the gateway). */
export const grantAccessUpdate = defineUpdate<CaseView, [AccessChangeArgs]>(AccessUpdateNames.grantAccess);
export const revokeAccessUpdate = defineUpdate<CaseView, [AccessChangeArgs]>(AccessUpdateNames.revokeAccess);

/**
 * The case as it was opened, sent with its start (update-with-start, issue 14): the opener gets the first
 * view in the same round trip instead of a query after the first task. Changes nothing in the case.
 */
export const openedViewUpdate = defineUpdate<CaseView>('openedView');

/**
 * Search attributes for caseload queries, defined once with their types. They are stored unencrypted and
 * indexed, so they hold only stage names, agency ids and instants: never personal data.
 */
export const SearchAttributeKeys = {
  stage: defineSearchAttributeKey('PathwayStage', SearchAttributeType.KEYWORD),
  responsibleAgency: defineSearchAttributeKey('ResponsibleAgency', SearchAttributeType.KEYWORD),
  nextDeadline: defineSearchAttributeKey('NextDeadline', SearchAttributeType.DATETIME),
  /** Object scopes as `role:party` keywords (an organisation code or an opaque subject id). */
  accessGrants: defineSearchAttributeKey('AccessGrants', SearchAttributeType.KEYWORD_LIST),
  /**
   * Which version of the case's view is current (issue 14, ADR 0023): a number that grows each time the
   * view changes, read with `describe` (served by Temporal without a worker), so the gateway may answer
   * from the view it stored under that number instead of asking the workflow. A number only.
   */
  viewVersion: defineSearchAttributeKey('PathwayViewVersion', SearchAttributeType.INT),
} as const;
