-- Up Migration
-- The person behind a case (issue 13, ADR 0014): only ciphertext. Each case has its own data key, stored
-- wrapped by a master key (the keyring: a local file, or a KMS); the record and the notes are sealed with it
-- (AES-256-GCM, bound to the case). Erasure destroys the wrapped key and the sealed rows: what remains
-- anywhere (a backup of these tables) no longer opens without the key.
CREATE TABLE case_data_keys (
  case_ref text PRIMARY KEY,
  master_key_id text,
  wrapped_key bytea,
  created_at timestamptz NOT NULL DEFAULT now(),
  erased_at timestamptz,
  erased_by_role text,
  erased_by_org text,
  erasure_reason text,
  CHECK ((erased_at IS NULL) = (wrapped_key IS NOT NULL))
);

CREATE TABLE person_records (
  case_ref text PRIMARY KEY REFERENCES case_data_keys (case_ref),
  version integer NOT NULL,
  sealed bytea NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by_role text NOT NULL,
  updated_by_org text NOT NULL
);

CREATE TABLE person_notes (
  case_ref text NOT NULL REFERENCES case_data_keys (case_ref),
  seq integer NOT NULL,
  sealed bytea NOT NULL,
  author_role text NOT NULL,
  author_org text NOT NULL,
  author_sub text NOT NULL,
  corrects integer,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_ref, seq)
);

-- Down Migration
DROP TABLE person_notes;
DROP TABLE person_records;
DROP TABLE case_data_keys;
