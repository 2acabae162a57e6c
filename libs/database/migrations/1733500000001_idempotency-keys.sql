-- Up Migration
-- Idempotency-Keys across cases (ADR 0008): the digest of a key (bound to the caller's role and organisation)
-- and the digest of the request it was first used for. Neither the key nor the body is stored.
CREATE TABLE idempotency_keys (
  key text PRIMARY KEY,
  fingerprint text NOT NULL,
  first_used_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idempotency_keys_first_used_at ON idempotency_keys (first_used_at);

-- Down Migration
DROP TABLE idempotency_keys;
