export * from './temporal-connection.js';
