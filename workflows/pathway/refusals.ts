import { ApplicationFailure } from '@temporalio/workflow';
import type { RefusalDetails } from '../../libs/contracts/src/workflow.js';
import type { Refusal } from '../../libs/domain/src/index.js';

/** An Update validator's refusal: the failure type is the stable code, mapped to HTTP by the gateway. */
export function refuse(code: string, reason: string): never {
  throw ApplicationFailure.create({ type: code, message: reason, nonRetryable: true });
}

/** The domain's refusal, with its rule and machine-readable details (e.g. the cap and the days left). */
export function refuseAsDecided(refusal: Refusal): never {
  const details: RefusalDetails = {
    ...(refusal.rule !== undefined ? { rule: refusal.rule } : {}),
    ...(refusal.details !== undefined ? { details: refusal.details } : {}),
  };
  throw ApplicationFailure.create({
    type: refusal.code,
    message: refusal.reason,
    nonRetryable: true,
    details: [details],
  });
}
