/**
 * libs/domain: the pathway's rules as effective-dated policy data plus pure functions. It imports nothing
 * but its own files, reads no clock and does no I/O, so it runs unchanged inside Temporal's workflow sandbox.
 * Instants are UTC ISO-8601 strings (`Instant`); see `time.ts`.
 */
export * from './case-ref.js';

export * from './agency.js';
export * from './assert-never.js';
export * from './deadline.js';
export * from './rule-ids.js';
export * from './time.js';
export * from './calendar.js';
export * from './directory.js';

export * from './policy/policy.errors.js';
export * from './policy/policy.load.js';
export * from './policy/policy.select.js';
export * from './policy/policy.types.js';
export * from './policies/index.js';

export * from './rules/asylum.rules.js';
export * from './rules/children.rules.js';
export * from './rules/competent-authority.rules.js';
export * from './rules/identification.rules.js';
export * from './rules/periods.rules.js';
export * from './rules/permit.rules.js';
export * from './rules/return.rules.js';
export * from './rules/support.rules.js';

export * from './model/pathway.commands.js';
export * from './pathway/pathway.decide.js';
export * from './model/pathway.events.js';
export * from './pathway/pathway.evolve.js';
export * from './pathway/pathway.notifications.js';
export * from './model/pathway.refusals.js';
export * from './pathway/pathway.schedule.js';
export * from './pathway/pathway.runtime.js';
export * from './pathway/pathway.next-steps.js';
export * from './stages.js';
export * from './model/pathway.state.js';
export * from './pathway/pathway.available-acts.js';
