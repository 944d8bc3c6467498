-- Files uploaded for an application's checklist. The bytes live on disk, content-addressed by
-- their SHA-256 under the data directory; a row says which application and item they are for,
-- and where the officer's check stands.
CREATE TABLE uploads (
    id             BLOB PRIMARY KEY,
    application_id BLOB NOT NULL REFERENCES applications (id),
    document       TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    media_type     TEXT NOT NULL,
    size           INTEGER NOT NULL,
    file_name      TEXT NOT NULL,
    declared_date  TEXT,
    uploaded_by    BLOB NOT NULL REFERENCES accounts (id),
    uploaded_at    TEXT NOT NULL,
    status         TEXT NOT NULL,
    reason         TEXT,
    decided_by     BLOB REFERENCES accounts (id),
    decided_at     TEXT
);
CREATE INDEX uploads_application ON uploads (application_id, uploaded_at);
