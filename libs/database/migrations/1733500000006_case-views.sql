-- Up Migration
-- The last view of each case the gateway was answered with (ADR 0023, issue 14): an act's, an opening's, a
-- grant's or a query's, stored under the version the workflow numbered it with. The gateway answers a case
-- view from here only when the case's `PathwayViewVersion` names the same version (read with `describe`, no worker), so an
-- entry is never answered once the case has moved on; a lost or stale entry only costs a query. Codes,
-- stages, instants and grants, as the case view has them: never a person's data (the person summary is
-- added per request and never stored here).
CREATE TABLE case_views (
  case_ref text PRIMARY KEY,
  version integer NOT NULL,
  view jsonb NOT NULL,
  stored_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE case_views;
