import { isAtOrAfter, isBefore, type Instant } from '../time.js';
import { PolicyError } from './policy.errors.js';
import type { Policy } from './policy.types.js';

/**
 * The policy in force when a case opens: the one with the latest `effectiveFrom` at or before
 * `caseOpenedAt`. Call it once, when the case opens, and store `policy.version` in the case; afterwards use
 * `policyByVersion` so that an open case keeps the policy it started with even after the law changes.
 *
 * Throws `NO_POLICY_IN_FORCE` when none is effective yet, `AMBIGUOUS_POLICY` when two share a date.
 */
export function selectPolicy(policies: readonly Policy[], caseOpenedAt: Instant): Policy {
  assertDistinct(policies);
  let chosen: Policy | undefined;
  for (const policy of policies) {
    if (!isAtOrAfter(caseOpenedAt, policy.effectiveFrom)) continue;
    if (chosen === undefined || isBefore(chosen.effectiveFrom, policy.effectiveFrom)) chosen = policy;
  }
  if (chosen === undefined) {
    throw new PolicyError('NO_POLICY_IN_FORCE', `no policy is in force at ${caseOpenedAt}`);
  }
  return chosen;
}

/** The policy an open case was started under (its stored version). Throws `UNKNOWN_POLICY_VERSION`. */
export function policyByVersion(policies: readonly Policy[], version: string): Policy {
  const found = policies.find((p) => p.version === version);
  if (found === undefined) {
    throw new PolicyError('UNKNOWN_POLICY_VERSION', `policy version ${version} is not loaded`);
  }
  return found;
}

function assertDistinct(policies: readonly Policy[]): void {
  const versions = new Set<string>();
  const dates = new Set<string>();
  for (const policy of policies) {
    if (versions.has(policy.version) || dates.has(policy.effectiveFrom)) {
      throw new PolicyError(
        'AMBIGUOUS_POLICY',
        `two policies share version ${policy.version} or effective date ${policy.effectiveFrom}`,
      );
    }
    versions.add(policy.version);
    dates.add(policy.effectiveFrom);
  }
}
