-- The official notices issued for an application, generated once: the bytes live on disk,
-- content-addressed by their SHA-256 under the data directory, like uploads; a row says which
-- notice it is. One notice of a kind per application: a second generation finds the row.
CREATE TABLE issued_documents (
    number         text PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES applications (id),
    kind           text NOT NULL,
    sha256         text NOT NULL,
    size           bigint NOT NULL,
    issued_at      timestamptz NOT NULL,
    created_at     timestamptz NOT NULL
);
CREATE UNIQUE INDEX issued_documents_application ON issued_documents (application_id, kind);
