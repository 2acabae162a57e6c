// The caseload read model (issue 14): the audit stream projected into PostgreSQL with the domain's own
// functions; idempotent by each event's number in its case.
export {
  caseRefOf,
  isChildCase,
  project,
  type AuditMessage,
  type CaseRow,
  type Projected,
} from './projection.js';
export { ReadModelStore } from './read-model-store.js';
export {
  CaseloadQueries,
  InvalidCursorError,
  type CaseEntry,
  type CaseQuery,
  type Cursor,
  type DeadlineEntry,
  type DeadlineQuery,
  type Page,
  type Scope,
} from './caseload-queries.js';
export { rebuildReadModel, type RebuildFigures } from './rebuild.js';
export { CaseViewStore, type StoredView } from './case-view-store.js';
