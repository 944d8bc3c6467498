-- OneCard schema, SQLite. Append-only: later changes go into new files.

CREATE TABLE employers (
    id          BLOB PRIMARY KEY,
    name        TEXT NOT NULL,
    uscc        TEXT NOT NULL UNIQUE,
    city        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX employers_city ON employers (city, name);

CREATE TABLE people (
    id              BLOB PRIMARY KEY,
    employer_id     BLOB NOT NULL REFERENCES employers (id),
    surname         TEXT NOT NULL,
    given_names     TEXT,
    nationality     TEXT NOT NULL,
    passport_number TEXT NOT NULL,
    date_of_birth   TEXT NOT NULL,
    sex             TEXT NOT NULL,
    email           TEXT NOT NULL,
    phone           TEXT,
    created_at      TEXT NOT NULL,
    UNIQUE (nationality, passport_number)
);
CREATE INDEX people_employer ON people (employer_id, surname);

CREATE TABLE accounts (
    id            BLOB PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    employer_id   BLOB REFERENCES employers (id),
    person_id     BLOB REFERENCES people (id),
    city          TEXT,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash  BLOB PRIMARY KEY,
    account_id  BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE api_tokens (
    token_hash  BLOB PRIMARY KEY,
    account_id  BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);

CREATE TABLE applications (
    id             BLOB PRIMARY KEY,
    receipt_number TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    details        TEXT NOT NULL,
    state          TEXT NOT NULL,
    version        INTEGER NOT NULL,
    employer_id    BLOB NOT NULL REFERENCES employers (id),
    person_id      BLOB NOT NULL REFERENCES people (id),
    city           TEXT NOT NULL,
    permit_number  TEXT,
    created_at     TEXT NOT NULL,
    submitted_at   TEXT,
    decided_at     TEXT
);
CREATE INDEX applications_employer ON applications (employer_id, created_at);
CREATE INDEX applications_queue ON applications (city, state, submitted_at);
CREATE INDEX applications_person ON applications (person_id, created_at);

CREATE TABLE application_events (
    id              BLOB PRIMARY KEY,
    application_id  BLOB NOT NULL REFERENCES applications (id),
    at              TEXT NOT NULL,
    actor_id        BLOB REFERENCES accounts (id),
    actor_name      TEXT NOT NULL,
    actor_role      TEXT,
    action          TEXT NOT NULL,
    from_state      TEXT,
    to_state        TEXT NOT NULL,
    notes           TEXT NOT NULL
);
CREATE INDEX application_events_application ON application_events (application_id, at);

CREATE TABLE permits (
    id                BLOB PRIMARY KEY,
    number            TEXT NOT NULL,
    revision          INTEGER NOT NULL,
    holder_id         BLOB NOT NULL REFERENCES people (id),
    employer_id       BLOB NOT NULL REFERENCES employers (id),
    surname           TEXT NOT NULL,
    given_names       TEXT,
    nationality       TEXT NOT NULL,
    passport_number   TEXT NOT NULL,
    category          TEXT NOT NULL,
    position          TEXT NOT NULL,
    city              TEXT NOT NULL,
    valid_from        TEXT NOT NULL,
    valid_to          TEXT NOT NULL,
    status            TEXT NOT NULL,
    status_changed_on TEXT,
    medium            TEXT NOT NULL,
    application_id    BLOB REFERENCES applications (id),
    created_at        TEXT NOT NULL,
    UNIQUE (number, revision)
);
CREATE INDEX permits_holder ON permits (holder_id);
CREATE INDEX permits_employer ON permits (employer_id);

CREATE TABLE counters (
    name   TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
);

CREATE TABLE idempotency_keys (
    account_id    BLOB NOT NULL,
    key           TEXT NOT NULL,
    request_hash  BLOB NOT NULL,
    status        INTEGER NOT NULL,
    body          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (account_id, key)
);

-- The audit chain. The head row holds the last sequence number and hash, so that appending
-- needs no scan and truncation of the log is detectable.
CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,
    hash  BLOB NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, zeroblob(32));

CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    prev_hash  BLOB NOT NULL,
    hash       BLOB NOT NULL,
    payload    TEXT NOT NULL,
    entity_id  TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
