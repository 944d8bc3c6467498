-- OneCard schema, PostgreSQL. Append-only: later changes go into new files.

CREATE TABLE employers (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    uscc        text NOT NULL UNIQUE,
    city        text NOT NULL,
    kind        text NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX employers_city ON employers (city, name);

CREATE TABLE people (
    id              uuid PRIMARY KEY,
    employer_id     uuid NOT NULL REFERENCES employers (id),
    surname         text NOT NULL,
    given_names     text,
    nationality     text NOT NULL,
    passport_number text NOT NULL,
    date_of_birth   date NOT NULL,
    sex             text NOT NULL,
    email           text NOT NULL,
    phone           text,
    created_at      timestamptz NOT NULL,
    UNIQUE (nationality, passport_number)
);
CREATE INDEX people_employer ON people (employer_id, surname);

CREATE TABLE accounts (
    id            uuid PRIMARY KEY,
    username      text NOT NULL UNIQUE,
    display_name  text NOT NULL,
    password_hash text NOT NULL,
    role          text NOT NULL,
    employer_id   uuid REFERENCES employers (id),
    person_id     uuid REFERENCES people (id),
    city          text,
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL
);

CREATE TABLE sessions (
    token_hash  bytea PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE api_tokens (
    token_hash  bytea PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);

CREATE TABLE applications (
    id             uuid PRIMARY KEY,
    receipt_number text NOT NULL UNIQUE,
    kind           text NOT NULL,
    details        text NOT NULL,
    state          text NOT NULL,
    version        bigint NOT NULL,
    employer_id    uuid NOT NULL REFERENCES employers (id),
    person_id      uuid NOT NULL REFERENCES people (id),
    city           text NOT NULL,
    permit_number  text,
    created_at     timestamptz NOT NULL,
    submitted_at   timestamptz,
    decided_at     timestamptz
);
CREATE INDEX applications_employer ON applications (employer_id, created_at);
CREATE INDEX applications_queue ON applications (city, state, submitted_at);
CREATE INDEX applications_person ON applications (person_id, created_at);

CREATE TABLE application_events (
    id              uuid PRIMARY KEY,
    application_id  uuid NOT NULL REFERENCES applications (id),
    at              timestamptz NOT NULL,
    actor_id        uuid REFERENCES accounts (id),
    actor_name      text NOT NULL,
    actor_role      text,
    action          text NOT NULL,
    from_state      text,
    to_state        text NOT NULL,
    notes           text NOT NULL
);
CREATE INDEX application_events_application ON application_events (application_id, at);

CREATE TABLE permits (
    id                uuid PRIMARY KEY,
    number            text NOT NULL,
    revision          integer NOT NULL,
    holder_id         uuid NOT NULL REFERENCES people (id),
    employer_id       uuid NOT NULL REFERENCES employers (id),
    surname           text NOT NULL,
    given_names       text,
    nationality       text NOT NULL,
    passport_number   text NOT NULL,
    category          text NOT NULL,
    position          text NOT NULL,
    city              text NOT NULL,
    valid_from        date NOT NULL,
    valid_to          date NOT NULL,
    status            text NOT NULL,
    status_changed_on date,
    medium            text NOT NULL,
    application_id    uuid REFERENCES applications (id),
    created_at        timestamptz NOT NULL,
    UNIQUE (number, revision)
);
CREATE INDEX permits_holder ON permits (holder_id);
CREATE INDEX permits_employer ON permits (employer_id);

CREATE TABLE counters (
    name   text PRIMARY KEY,
    value  bigint NOT NULL
);

-- Receipt serials come from a sequence: it takes no row lock, so concurrent submissions do not
-- queue behind one another for their number.
CREATE SEQUENCE receipt_serial;

CREATE TABLE idempotency_keys (
    account_id    uuid NOT NULL,
    key           text NOT NULL,
    request_hash  bytea NOT NULL,
    status        integer NOT NULL,
    body          text NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (account_id, key)
);

-- The audit chain. The head row holds the last sequence number and hash; appending locks it
-- for the rest of the transaction, which orders the chain as the commits are ordered.
CREATE TABLE audit_head (
    id    integer PRIMARY KEY CHECK (id = 1),
    seq   bigint NOT NULL,
    hash  bytea NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));

CREATE TABLE audit_log (
    seq        bigint PRIMARY KEY,
    prev_hash  bytea NOT NULL,
    hash       bytea NOT NULL,
    payload    text NOT NULL,
    entity_id  text NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity_id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
