-- Up Migration
-- The gateway's access records, durable before the answer leaves; a relay moves them to Kafka
-- (pathway.access-log.v1) and deletes them once the broker holds them (ADR 0007).
CREATE TABLE access_log_outbox (
  seq bigserial PRIMARY KEY,
  id uuid NOT NULL UNIQUE,
  record jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE access_log_outbox;
