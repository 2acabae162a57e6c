export * from './case.contract.js';
export * from './events.contract.js';
export * from './event-payloads.contract.js';
export * from './temporal.contract.js';
export * from './topics.contract.js';
export * from './activities.contract.js';
export * from './commands.contract.js';
export * from './access.contract.js';
