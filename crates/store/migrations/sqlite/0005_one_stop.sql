-- One-stop service: residence permits beside the work permit, appointments at the issuing
-- office, and social insurance.

-- A residence application: alone (resting on a work permit read from the shared record or the
-- card's QR code) or submitted with a new work permit (work_application_id). Under one-stop
-- acceptance the labour authority's grant waits here (work_grant) until immigration approves
-- too, and the other way round (grant_json), so that both are issued in one transaction.
CREATE TABLE residence_applications (
    id                    BLOB PRIMARY KEY,
    receipt_number        TEXT NOT NULL UNIQUE,
    person_id             BLOB NOT NULL REFERENCES people (id),
    employer_id           BLOB NOT NULL REFERENCES employers (id),
    city                  TEXT NOT NULL,
    permit_number         TEXT,
    work_application_id   BLOB UNIQUE REFERENCES applications (id),
    evidence              TEXT NOT NULL,
    role_at_employer      TEXT NOT NULL,
    requested_months      INTEGER NOT NULL,
    state                 TEXT NOT NULL,
    version               INTEGER NOT NULL,
    passport_inspected_at TEXT,
    grant_json            TEXT,
    work_grant            TEXT,
    residence_permit_id   BLOB,
    created_at            TEXT NOT NULL,
    decided_at            TEXT
);
CREATE INDEX residence_applications_queue ON residence_applications (city, state, created_at);
CREATE INDEX residence_applications_person ON residence_applications (person_id, created_at);
CREATE INDEX residence_applications_employer ON residence_applications (employer_id, created_at);

CREATE TABLE residence_permits (
    id                 BLOB PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    holder_id          BLOB NOT NULL REFERENCES people (id),
    employer_id        BLOB NOT NULL REFERENCES employers (id),
    work_permit_number TEXT NOT NULL,
    city               TEXT NOT NULL,
    valid_from         TEXT NOT NULL,
    valid_to           TEXT NOT NULL,
    status             TEXT NOT NULL,
    status_changed_on  TEXT,
    long_reason        TEXT,
    application_id     BLOB NOT NULL UNIQUE REFERENCES residence_applications (id),
    collected_at       TEXT,
    created_at         TEXT NOT NULL
);
CREATE INDEX residence_permits_holder ON residence_permits (holder_id, valid_from);
CREATE INDEX residence_permits_work ON residence_permits (work_permit_number);
CREATE INDEX residence_permits_review ON residence_permits (city, status);

-- Filings that keep a residence permit: a move within the enterprise, degree study.
CREATE TABLE residence_filings (
    id                  BLOB PRIMARY KEY,
    residence_permit_id BLOB NOT NULL REFERENCES residence_permits (id),
    kind                TEXT NOT NULL,
    filed_on            TEXT NOT NULL,
    details             TEXT NOT NULL,
    filed_by            BLOB REFERENCES accounts (id),
    created_at          TEXT NOT NULL
);
CREATE INDEX residence_filings_permit ON residence_filings (residence_permit_id, created_at);

-- The steps of residence applications and insurance registrations, for their timelines.
CREATE TABLE case_events (
    id          BLOB PRIMARY KEY,
    case_id     BLOB NOT NULL,
    at          TEXT NOT NULL,
    actor_id    BLOB REFERENCES accounts (id),
    actor_name  TEXT NOT NULL,
    actor_role  TEXT,
    action      TEXT NOT NULL,
    state       TEXT NOT NULL,
    notes       TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, at);

CREATE TABLE offices (
    id            BLOB PRIMARY KEY,
    city          TEXT NOT NULL,
    name          TEXT NOT NULL,
    address       TEXT NOT NULL,
    opens         TEXT NOT NULL,
    closes        TEXT NOT NULL,
    slot_minutes  INTEGER NOT NULL,
    capacity      INTEGER NOT NULL,
    weekdays      INTEGER NOT NULL,
    closed_on     TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX offices_city ON offices (city, name);

-- Places taken per slot. A booking raises `booked` only while it is below the office's
-- capacity, in one conditional UPDATE: of two bookings of the last place, the second finds the
-- row already full once the first commits (SQLite has one writer).
CREATE TABLE slot_places (
    office_id  BLOB NOT NULL REFERENCES offices (id),
    slot       TEXT NOT NULL,
    booked     INTEGER NOT NULL,
    PRIMARY KEY (office_id, slot)
) WITHOUT ROWID;

CREATE TABLE appointments (
    id          BLOB PRIMARY KEY,
    office_id   BLOB NOT NULL REFERENCES offices (id),
    slot        TEXT NOT NULL,
    person_id   BLOB NOT NULL REFERENCES people (id),
    purpose     TEXT NOT NULL,
    subject     TEXT NOT NULL,
    state       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    changed_at  TEXT NOT NULL
);
-- One live appointment per purpose and record.
CREATE UNIQUE INDEX appointments_live ON appointments (purpose, subject) WHERE state = 'booked';
CREATE INDEX appointments_person ON appointments (person_id, slot);
CREATE INDEX appointments_office ON appointments (office_id, slot);

CREATE TABLE insurances (
    id             BLOB PRIMARY KEY,
    person_id      BLOB NOT NULL REFERENCES people (id),
    employer_id    BLOB NOT NULL REFERENCES employers (id),
    city           TEXT NOT NULL,
    permit_number  TEXT NOT NULL,
    permit_check   TEXT NOT NULL,
    state          TEXT NOT NULL,
    version        INTEGER NOT NULL,
    ssn            TEXT UNIQUE,
    requested_at   TEXT NOT NULL,
    decided_at     TEXT,
    refusal        TEXT NOT NULL
);
-- A person is insured once: a refused request may be made again.
CREATE UNIQUE INDEX insurances_live ON insurances (person_id) WHERE state <> 'refused';
CREATE INDEX insurances_queue ON insurances (city, state, requested_at);

CREATE TABLE social_security_cards (
    insurance_id  BLOB NOT NULL REFERENCES insurances (id),
    serial        INTEGER NOT NULL,
    state         TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    PRIMARY KEY (insurance_id, serial)
);
