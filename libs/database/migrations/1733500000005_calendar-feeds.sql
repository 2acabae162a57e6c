-- Up Migration
-- Calendar feeds (ADR 0020): a caller's deadlines as iCalendar, read by calendar clients that cannot send a
-- bearer token. A feed is a revocable token acting for the principal that made it (role, organisation,
-- subject). Only the SHA-256 digest of its 32-byte random secret is stored: the secret is shown once, when
-- the feed is made, and cannot be read back. No personal data: the label is the caller's own short name for
-- the feed (e.g. "Phone").
CREATE TABLE calendar_feeds (
  id uuid PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  role text NOT NULL,
  org text NOT NULL,
  sub text NOT NULL,
  label text,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX calendar_feeds_principal ON calendar_feeds (role, org, sub) WHERE revoked_at IS NULL;

-- Down Migration
DROP TABLE calendar_feeds;
