export * from './temporal-connection.js';
export * from './temporal-errors.js';
