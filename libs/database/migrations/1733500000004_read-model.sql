-- Up Migration
-- The caseload read model (issue 14): a projection of the audit stream, never of Temporal. One row per case
-- (its state folded from its events with the domain's own functions, its grants from `access-changed`) and
-- one row per running deadline (who must act, by when, and the explanation the case view gives). Codes,
-- stages and instants only: never a person's data. Rebuilt from the beginning of the audit topic by
-- `npm run read-model -- rebuild`.
CREATE TABLE read_model_cases (
  case_ref text PRIMARY KEY,
  stage text NOT NULL DEFAULT 'not-started',
  policy_version text,
  is_child boolean NOT NULL DEFAULT false,
  opened_at timestamptz,
  closed_at timestamptz,
  -- The last domain event applied (its seq in the case) and the state after it.
  event_seq integer NOT NULL DEFAULT 0,
  state jsonb,
  -- The last access change applied and the grants it named (`role:party`).
  access_seq integer NOT NULL DEFAULT 0,
  grants text[] NOT NULL DEFAULT '{}',
  -- An event came with a gap before it (an earlier one never arrived): the case waits for a rebuild.
  gap_at_seq integer,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX read_model_cases_stage ON read_model_cases (stage, opened_at DESC, case_ref);
CREATE INDEX read_model_cases_grants ON read_model_cases USING gin (grants);

CREATE TABLE read_model_deadlines (
  case_ref text NOT NULL REFERENCES read_model_cases (case_ref) ON DELETE CASCADE,
  deadline_id text NOT NULL,
  kind text NOT NULL,
  due_at timestamptz NOT NULL,
  responsible text NOT NULL,
  deadline jsonb NOT NULL,
  PRIMARY KEY (case_ref, deadline_id)
);
CREATE INDEX read_model_deadlines_by_agency ON read_model_deadlines (responsible, due_at, case_ref, deadline_id);
CREATE INDEX read_model_deadlines_by_due ON read_model_deadlines (due_at, case_ref, deadline_id);

-- Down Migration
DROP TABLE read_model_deadlines;
DROP TABLE read_model_cases;
