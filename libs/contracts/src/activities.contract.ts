import type { AgencyEventRequest } from './events.contract.js';

/**
 * The activities a workflow may call. Workflows import this type only; the worker provides the
 * implementation built by `createActivities(deps)`.
 */
export interface PathwayActivities {
  /** Publishes one event to its agencies' topics and the audit stream. Idempotent by event id. */
  publishAgencyEvent(request: AgencyEventRequest): Promise<void>;
}

/** Errors an activity raises that retrying cannot fix. */
export const NON_RETRYABLE_ERRORS = ['InvalidEventError'] as const;
