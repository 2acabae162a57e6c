import type { RuleId } from '../rule-ids.js';

/**
 * Stable refusal codes returned by `decide`. Gateways map them to HTTP statuses and workflows to Update
 * failures; they are wire-stable, so codes are added, never renamed.
 */
export const REFUSAL_CODES = [
  'CASE_ALREADY_OPEN',
  'CASE_NOT_OPEN',
  'CASE_CLOSED',
  'POLICY_MISMATCH',
  'POLICY_NOT_IN_FORCE',
  'INVALID_COMMAND',
  'NOT_IN_STAGE',
  'ACTOR_NOT_PERMITTED',
  'WRONG_AUTHORITY',
  'VICTIM_CANNOT_APPLY',
  'INTERVIEW_REQUIRED',
  'ASSESSMENT_REQUIRED',
  'DEADLINE_PASSED',
  'DEADLINE_NOT_REACHED',
  'UNKNOWN_DEADLINE',
  'APPLICATION_PENDING',
  'NO_PENDING_APPLICATION',
  'EXTENSION_BEYOND_CAP',
  'GROUND_NOT_ALLOWED',
  'AVR_COOPERATION_NOT_CONFIRMED',
  'AVR_PLAN_REQUIRED',
  'PERMIT_NOT_AVAILABLE',
  'HAS_LEGAL_STAY',
  'POLICE_COOPERATION_REQUIRED',
  'INVESTIGATION_ENDED',
  'NO_ACTIVE_PERMIT',
  'NOT_A_CHILD',
  'GUARDIAN_REQUIRED',
  'NOT_IN_BEST_INTEREST',
  'DURABLE_SOLUTION_REQUIRED',
  'NOT_DEPARTED',
  'CHECK_IN_NOT_DUE',
] as const;

export type RefusalCode = (typeof REFUSAL_CODES)[number];

/**
 * A refused command. `reason` is for people and never contains personal data (the domain holds none);
 * `details` carries machine-readable numbers and instants, e.g. the latest possible end for
 * `EXTENSION_BEYOND_CAP`.
 */
export interface Refusal {
  readonly ok: false;
  readonly code: RefusalCode;
  readonly reason: string;
  readonly rule?: RuleId;
  readonly details?: Readonly<Record<string, string | number>>;
}

/** The result of a rule check: fine, or a refusal to hand back as is. */
export type Check = { readonly ok: true } | Refusal;

export const OK: Check = { ok: true };

export function refuse(
  code: RefusalCode,
  reason: string,
  rule?: RuleId,
  details?: Readonly<Record<string, string | number>>,
): Refusal {
  return {
    ok: false,
    code,
    reason,
    ...(rule === undefined ? {} : { rule }),
    ...(details === undefined ? {} : { details }),
  };
}

/** Runs checks in order and returns the first refusal, or OK. */
export function firstRefusal(...checks: readonly (() => Check)[]): Check {
  for (const check of checks) {
    const result = check();
    if (!result.ok) return result;
  }
  return OK;
}

/** A short, readable title per refusal code, for people reading an error (RFC 9457 `title`). */
export const REFUSAL_TITLES: { readonly [C in RefusalCode]: string } = {
  CASE_ALREADY_OPEN: 'Case already open',
  CASE_NOT_OPEN: 'Case not open',
  CASE_CLOSED: 'Case closed',
  POLICY_MISMATCH: 'Policy mismatch',
  POLICY_NOT_IN_FORCE: 'Policy not in force',
  INVALID_COMMAND: 'Invalid command',
  NOT_IN_STAGE: 'Not possible in this stage',
  ACTOR_NOT_PERMITTED: 'Not permitted for this actor',
  WRONG_AUTHORITY: 'Not the competent authority',
  VICTIM_CANNOT_APPLY: 'The victim cannot apply',
  INTERVIEW_REQUIRED: 'Interview required',
  ASSESSMENT_REQUIRED: 'Age assessment required',
  DEADLINE_PASSED: 'Deadline passed',
  DEADLINE_NOT_REACHED: 'Deadline not reached',
  UNKNOWN_DEADLINE: 'Unknown deadline',
  APPLICATION_PENDING: 'Application pending',
  NO_PENDING_APPLICATION: 'No pending application',
  EXTENSION_BEYOND_CAP: 'Extension beyond the cap',
  GROUND_NOT_ALLOWED: 'Ground not allowed',
  AVR_COOPERATION_NOT_CONFIRMED: 'AVR cooperation not confirmed',
  AVR_PLAN_REQUIRED: 'AVR plan required',
  PERMIT_NOT_AVAILABLE: 'Permit not available',
  HAS_LEGAL_STAY: 'The person has legal stay',
  POLICE_COOPERATION_REQUIRED: 'Cooperation with the police required',
  INVESTIGATION_ENDED: 'Investigation ended',
  NO_ACTIVE_PERMIT: 'No active permit',
  NOT_A_CHILD: 'Not a child',
  GUARDIAN_REQUIRED: 'Guardian required',
  NOT_IN_BEST_INTEREST: 'Not in the best interest of the child',
  DURABLE_SOLUTION_REQUIRED: 'Durable solution required',
  NOT_DEPARTED: 'Departure not recorded',
  CHECK_IN_NOT_DUE: 'Check-in not due',
};
