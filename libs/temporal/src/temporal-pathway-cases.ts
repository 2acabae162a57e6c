import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowExecutionInfo,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import {
  CaseClosedError,
  CaseNotFoundError,
  CaseRefusedError,
  CaseServiceUnavailableError,
  OPENING_VIEW_VERSION,
  SearchAttributeKeys,
  WorkflowTypes,
  actUpdate,
  caseStartMetadata,
  getCaseQuery,
  grantAccessUpdate,
  grantKey,
  idempotencyRecordQuery,
  revokeAccessUpdate,
  type AccessChangeArgs,
  type ActArgs,
  type ActEnvelope,
  type ActResult,
  type AgencyCommandType,
  type CaseloadEntry,
  type CaseView,
  type IdempotencyRecord,
  type PathwayCases,
  type RefusalDetails,
  type VictimPathwayInput,
} from '../../contracts/src/index.js';
import { isTemporalUnavailable } from './temporal-errors.js';

export interface TemporalPathwayCasesOptions {
  readonly taskQueue: string;
  /** Longest any call waits for Temporal (and through it a worker). */
  readonly callTimeoutMs: number;
}

/**
 * The `PathwayCases` port over Temporal: one `victimPathwayWorkflow` per case (id = case ref), started with
 * the number of the view its gateway built, its query for the view after, one Update per act, search attributes for
 * listings. Temporal's errors become the port's.
 */
export class TemporalPathwayCases implements PathwayCases {
  constructor(
    private readonly client: Client,
    private readonly options: TemporalPathwayCasesOptions,
  ) {}

  async open(input: VictimPathwayInput): Promise<'started' | 'exists'> {
    // A start alone (ADR 0024): the gateway built the opening's view itself, and names its number 1 here, so
    // the answer waits for no workflow task. A traced client (spans exported, ADR 0022) puts the caller's
    // trace in the start's header, so the run is traced (workflows/tracing.interceptors.ts) and the referral's
    // events are in that trace.
    try {
      await this.withDeadline(() =>
        this.client.workflow.start(WorkflowTypes.victimPathway, {
          workflowId: input.caseRef,
          taskQueue: this.options.taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          ...caseStartMetadata(input),
          typedSearchAttributes: [
            { key: SearchAttributeKeys.accessGrants, value: (input.access ?? []).map(grantKey) },
            ...(input.opened !== undefined
              ? [{ key: SearchAttributeKeys.viewVersion, value: OPENING_VIEW_VERSION }]
              : []),
          ],
        }),
      );
      return 'started';
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return 'exists';
      throw this.translate(error);
    }
  }

  async exists(caseRef: string): Promise<boolean> {
    try {
      await this.withDeadline(() => this.client.workflow.getHandle(caseRef).describe());
      return true;
    } catch {
      return false;
    }
  }

  view(caseRef: string): Promise<CaseView> {
    return this.call(() => this.client.workflow.getHandle(caseRef).query(getCaseQuery));
  }

  viewVersion(caseRef: string): Promise<number | undefined> {
    return this.call(async () => {
      const description = await this.client.workflow.getHandle(caseRef).describe();
      // Events still being published: an act's (or a timer's) change is in the workflow, and the number the
      // attribute names may be the one before it, whatever the gateway managed to store (ADR 0024).
      if ((description.raw.pendingActivities?.length ?? 0) > 0) return undefined;
      return description.typedSearchAttributes.get(SearchAttributeKeys.viewVersion);
    });
  }

  grantKeys(caseRef: string): Promise<readonly string[]> {
    return this.call(async () => {
      const description = await this.client.workflow.getHandle(caseRef).describe();
      return description.typedSearchAttributes.get(SearchAttributeKeys.accessGrants) ?? [];
    });
  }

  idempotencyRecord(caseRef: string, key: string): Promise<IdempotencyRecord | null> {
    return this.call(() => this.client.workflow.getHandle(caseRef).query(idempotencyRecordQuery, key));
  }

  act<T extends AgencyCommandType>(
    caseRef: string,
    type: T,
    args: ActArgs<T> & ActEnvelope,
    updateId?: string,
  ): Promise<ActResult> {
    return this.updating(caseRef, () =>
      this.client.workflow
        .getHandle(caseRef)
        .executeUpdate(actUpdate(type), { args: [args], ...(updateId ? { updateId } : {}) }),
    );
  }

  changeAccess(
    caseRef: string,
    change: 'grant' | 'revoke',
    args: AccessChangeArgs,
    updateId?: string,
  ): Promise<CaseView> {
    const update = change === 'grant' ? grantAccessUpdate : revokeAccessUpdate;
    return this.updating(caseRef, () =>
      this.client.workflow
        .getHandle(caseRef)
        .executeUpdate(update, { args: [args], ...(updateId === undefined ? {} : { updateId }) }),
    );
  }

  list(query: string, limit: number): Promise<CaseloadEntry[]> {
    return this.call(async () => {
      const entries: CaseloadEntry[] = [];
      for await (const execution of this.client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
        entries.push(toEntry(execution));
        if (entries.length >= limit) break;
      }
      return entries;
    });
  }

  private async call<R>(fn: () => Promise<R>): Promise<R> {
    try {
      return await this.withDeadline(fn);
    } catch (error) {
      throw this.translate(error);
    }
  }

  /** An Update: on a completed workflow Temporal answers "not found"; the case is then closed. */
  private async updating<R>(caseRef: string, fn: () => Promise<R>): Promise<R> {
    try {
      return await this.withDeadline(fn);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError && (await this.isClosed(caseRef))) {
        throw new CaseClosedError('The case is closed; it takes no further acts.');
      }
      throw this.translate(error);
    }
  }

  private async isClosed(caseRef: string): Promise<boolean> {
    try {
      const description = await this.withDeadline(() => this.client.workflow.getHandle(caseRef).describe());
      return description.status.name !== 'RUNNING';
    } catch {
      return false;
    }
  }

  /** Every call ends within the configured time, answered or not. */
  private withDeadline<R>(fn: () => Promise<R>): Promise<R> {
    return this.client.withDeadline(Date.now() + this.options.callTimeoutMs, fn);
  }

  private translate(error: unknown): unknown {
    if (error instanceof WorkflowNotFoundError) return new CaseNotFoundError('no such case');
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      const [more] = error.cause.details as [RefusalDetails?];
      return new CaseRefusedError(
        error.cause.type ?? 'REFUSED',
        error.cause.message,
        typeof more?.rule === 'string' ? more.rule : undefined,
        more?.details,
      );
    }
    if (isTemporalUnavailable(error)) {
      return new CaseServiceUnavailableError('Temporal or its workers did not answer in time');
    }
    return error;
  }
}

function toEntry(execution: WorkflowExecutionInfo): CaseloadEntry {
  const attributes = execution.typedSearchAttributes;
  return {
    caseRef: execution.workflowId,
    stage: attributes.get(SearchAttributeKeys.stage),
    responsibleAgency: attributes.get(SearchAttributeKeys.responsibleAgency),
    nextDeadline: attributes.get(SearchAttributeKeys.nextDeadline)?.toISOString(),
  };
}
