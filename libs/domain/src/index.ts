export * from './case-ref.js';
