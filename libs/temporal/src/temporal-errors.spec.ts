import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { isTemporalUnavailable } from './temporal-errors.js';

/** An error as @grpc/grpc-js rejects a call with: `code`, `details`, and "<code> <NAME>: <details>". */
function grpcError(code: number, name: string, details: string): Error {
  return Object.assign(new Error(`${code} ${name}: ${details}`), { code, details });
}

/** As the client's `query` throws it: the gRPC error as the cause of a ServiceError. */
const failedQuery = (cause: Error): ServiceError => new ServiceError('Failed to query Workflow', { cause });

const NO_RECENT_POLLER = 'no poller seen for task queue recently, worker may be down';

describe('isTemporalUnavailable: "no answer now" (503) apart from a refusal', () => {
  it('a query answered "no poller seen for task queue recently" (the worker gone for a while) is unavailable', () => {
    // Seen on Temporal 1.32 (matching service) for a query ≥ 20 s after the last worker stopped.
    expect(isTemporalUnavailable(failedQuery(grpcError(9, 'FAILED_PRECONDITION', NO_RECENT_POLLER)))).toBe(
      true,
    );
    expect(isTemporalUnavailable(grpcError(9, 'FAILED_PRECONDITION', NO_RECENT_POLLER))).toBe(true);
  });

  it('our deadline, a cancelled stream, rate limiting and an unreachable server are unavailable', () => {
    expect(
      isTemporalUnavailable(
        failedQuery(grpcError(4, 'DEADLINE_EXCEEDED', 'query timed out before a worker could process it')),
      ),
    ).toBe(true);
    expect(
      isTemporalUnavailable(failedQuery(grpcError(4, 'DEADLINE_EXCEEDED', 'Deadline exceeded after 5.001s'))),
    ).toBe(true);
    expect(isTemporalUnavailable(failedQuery(grpcError(1, 'CANCELLED', 'Call cancelled')))).toBe(true);
    expect(
      isTemporalUnavailable(failedQuery(grpcError(8, 'RESOURCE_EXHAUSTED', 'namespace rate limit'))),
    ).toBe(true);
    expect(
      isTemporalUnavailable(failedQuery(grpcError(14, 'UNAVAILABLE', 'No connection established'))),
    ).toBe(true);
    expect(isTemporalUnavailable(new Error('Failed to connect before the deadline'))).toBe(true);
    expect(
      isTemporalUnavailable(
        new WorkflowUpdateRPCTimeoutOrCancelledError('context deadline exceeded', {
          cause: grpcError(4, 'DEADLINE_EXCEEDED', 'context deadline exceeded'),
        }),
      ),
    ).toBe(true);
  });

  it('another FAILED_PRECONDITION, a bad argument, an unknown workflow or a plain bug are not', () => {
    expect(
      isTemporalUnavailable(
        failedQuery(grpcError(9, 'FAILED_PRECONDITION', 'Workflow Task in failed state')),
      ),
    ).toBe(false);
    expect(isTemporalUnavailable(failedQuery(grpcError(3, 'INVALID_ARGUMENT', 'bad query')))).toBe(false);
    expect(isTemporalUnavailable(new WorkflowNotFoundError('not found', 'PW-X', undefined))).toBe(false);
    expect(isTemporalUnavailable(new TypeError('no poller seen for task queue recently'))).toBe(false);
    expect(isTemporalUnavailable(undefined)).toBe(false);
    expect(isTemporalUnavailable(null)).toBe(false);
  });
});
