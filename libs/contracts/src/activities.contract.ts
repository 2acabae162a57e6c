import type { AgencyEventRequest } from './events.contract.js';

/**
 * The activities a workflow may call. Workflows import this type only; the worker provides the
 * implementation built by `createActivities(deps)`.
 */
export interface PathwayActivities {
  /** Publishes one event to its agencies' topics and the audit stream. Idempotent by event id. */
  publishAgencyEvent(request: AgencyEventRequest): Promise<void>;
  /**
   * Publishes the events of one act (or one timer) in order, every copy to every topic, in one send (issue
   * 14). An event that breaks its contract is not sent and is named in the answer (the workflow sets it
   * aside); broker trouble fails the whole call, which is retried (the ids are deterministic).
   */
  publishAgencyEvents(requests: readonly AgencyEventRequest[]): Promise<PublishedBatch>;
}

/** What a batch publish did: the events refused for good (not sent), by key and type. */
export interface PublishedBatch {
  /** `reason` names the failing fields, never their values. */
  readonly refused: readonly { readonly key: string; readonly type: string; readonly reason: string }[];
}

/** Errors an activity raises that retrying cannot fix. */
export const NON_RETRYABLE_ERRORS = ['InvalidEventError'] as const;
