-- Files uploaded for an application's checklist. The bytes live on disk, content-addressed by
-- their SHA-256 under the data directory; a row says which application and item they are for,
-- and where the officer's check stands.
CREATE TABLE uploads (
    id             uuid PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES applications (id),
    document       text NOT NULL,
    sha256         text NOT NULL,
    media_type     text NOT NULL,
    size           bigint NOT NULL,
    file_name      text NOT NULL,
    declared_date  date,
    uploaded_by    uuid NOT NULL REFERENCES accounts (id),
    uploaded_at    timestamptz NOT NULL,
    status         text NOT NULL,
    reason         text,
    decided_by     uuid REFERENCES accounts (id),
    decided_at     timestamptz
);
CREATE INDEX uploads_application ON uploads (application_id, uploaded_at);
