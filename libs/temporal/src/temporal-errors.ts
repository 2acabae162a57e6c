import { WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';

/** gRPC status codes that mean "no answer now" rather than "no": the call may be tried again later. */
const TRANSIENT_GRPC_CODES = new Set([
  1, // CANCELLED (our deadline, seen from a stream)
  4, // DEADLINE_EXCEEDED (our deadline: no worker answered, or the server is slow)
  8, // RESOURCE_EXHAUSTED (rate limited)
  14, // UNAVAILABLE (the server is down or restarting)
]);

function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
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
    if (e instanceof Error && /Failed to connect before the deadline/.test(e.message)) return true;
  }
  return false;
}
