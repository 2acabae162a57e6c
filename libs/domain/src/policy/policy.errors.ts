/** Stable codes for a policy that cannot be loaded or selected. */
export const POLICY_ERROR_CODES = [
  'POLICY_INVALID', // a field is missing, of the wrong type or out of range
  'SUPPORT_CONDITIONAL_ON_COOPERATION', // R9: a support offer is conditional on cooperation
  'EXTENSION_CAP_BELOW_BASE', // R5: the cap is shorter than a period's base length
  'UNKNOWN_AGENCY', // an agency is named that is not in the policy's directory
  'NO_POLICY_IN_FORCE', // no policy is effective at the requested instant
  'AMBIGUOUS_POLICY', // two policies share an effective date or a version
  'UNKNOWN_POLICY_VERSION', // an open case names a policy version that is not loaded
  'POLICY_MISMATCH', // a case is evaluated under a policy other than the one it opened under
] as const;

export type PolicyErrorCode = (typeof POLICY_ERROR_CODES)[number];

/** Thrown by `loadPolicy`, `selectPolicy` and `policyByVersion`; `path` points at the offending field. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';

  constructor(
    readonly code: PolicyErrorCode,
    message: string,
    readonly path: string = '',
  ) {
    super(path === '' ? `${code}: ${message}` : `${code} at ${path}: ${message}`);
  }
}
