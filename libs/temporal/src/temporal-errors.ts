import { WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';

/** gRPC status codes that mean "no answer now" rather than "no": the call may be tried again later. */
const TRANSIENT_GRPC_CODES = new Set([
  1, // CANCELLED (our deadline, seen from a stream)
  4, // DEADLINE_EXCEEDED (our deadline: no worker answered, or the server is slow)
  8, // RESOURCE_EXHAUSTED (rate limited)
  14, // UNAVAILABLE (the server is down or restarting)
]);

/** FAILED_PRECONDITION: the server refuses the call in its present state (mostly a real "no"). */
const FAILED_PRECONDITION = 9;

/**
 * Temporal's matching service answers a query FAILED_PRECONDITION, 1 s before the caller's deadline, when no
 * worker has polled the workflow's task queue within `matching.queryPollerUnavailableWindow` (20 s by
 * default): a worker gone for a while, where a worker just stopped runs into the deadline instead.
 */
const NO_RECENT_POLLER = /no poller seen for task queue recently/i;

function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function grpcText(error: unknown): string {
  const { details, message } = (error ?? {}) as { details?: unknown; message?: unknown };
  return [details, message].filter((part) => typeof part === 'string').join(' ');
}

/**
 * True when a Temporal call failed because Temporal or the workers did not answer in time (the server down
 * or restarting, no worker polling, our deadline passed), as opposed to an answer that refuses something.
 */
export function isTemporalUnavailable(error: unknown): boolean {
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = grpcCode(e);
    if (code !== undefined && TRANSIENT_GRPC_CODES.has(code)) return true;
    if (code === FAILED_PRECONDITION && NO_RECENT_POLLER.test(grpcText(e))) return true;
    if (e instanceof Error && /Failed to connect before the deadline/.test(e.message)) return true;
  }
  return false;
}
