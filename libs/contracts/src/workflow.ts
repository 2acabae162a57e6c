/**
 * The contracts the workflow sandbox needs, and no more (ADR 0019): the workflows import this entry, not the
 * index, and nothing it loads builds a zod schema, so no schema is constructed inside the sandbox (once per
 * case the worker caches). The schemas stay at the edges: the gateway's, and the publishing activity's check
 * of every event (`events.contract.ts`).
 */
export * from './access-grants.js';
export * from './activities.contract.js';
export * from './case.contract.js';
export * from './event-requests.js';
export * from './temporal.contract.js';
export * from './trace-context.js';
export * from './case-view.js';
