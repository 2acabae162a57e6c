/**
 * Wire names for Temporal. These strings are stored on running executions and in histories: renaming one
 * breaks every open case, so they change only with a versioned migration.
 */

export const WorkflowTypes = {
  victimPathway: 'victimPathwayWorkflow',
  workerProbe: 'workerProbeWorkflow',
} as const;

/** The id of the readiness probe's workflow on a task queue (one per queue, shared by every gateway). */
export function workerProbeId(taskQueue: string): string {
  return `worker-probe/${taskQueue}`;
}

export const QueryNames = {
  getCase: 'getCase',
  /** The request an Idempotency-Key (its digest) is bound to in this case, or null. */
  idempotencyRecord: 'idempotencyRecord',
  /** Answered by `workerProbeWorkflow`: proves a worker serves the task queue now. */
  workerProbe: 'workerProbe',
} as const;

/**
 * Search attributes for caseload queries. They are stored unencrypted and indexed, so they hold only
 * stage names, agency ids and instants: never personal data.
 */
export const SearchAttributes = {
  stage: { name: 'PathwayStage', type: 'KEYWORD' },
  responsibleAgency: { name: 'ResponsibleAgency', type: 'KEYWORD' },
  nextDeadline: { name: 'NextDeadline', type: 'DATETIME' },
  /** Object scopes as `role:party` keywords (an organisation code or an opaque subject id). */
  accessGrants: { name: 'AccessGrants', type: 'KEYWORD_LIST' },
} as const;
