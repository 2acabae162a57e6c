export * from './access-matrix.js';
export * from './object-scope.js';
export * from './case-view-filter.js';
