export * from './temporal-connection.js';
export * from './temporal-errors.js';
export * from './temporal-pathway-cases.js';
export * from './payload-codec.js';
