-- Up Migration
-- Events the gateway publishes itself (the person record changed, the person's data was erased), written in
-- the same transaction as the change they announce; a relay moves them to their topics and deletes them once
-- the broker holds every copy (as the access-log outbox, ADR 0007). Ids only: never a value.
CREATE TABLE event_outbox (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  topics text[] NOT NULL,
  event jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE event_outbox;
