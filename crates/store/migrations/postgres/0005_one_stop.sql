-- One-stop service: residence permits beside the work permit, appointments at the issuing
-- office, and social insurance.

-- A residence application: alone (resting on a work permit read from the shared record or the
-- card's QR code) or submitted with a new work permit (work_application_id). Under one-stop
-- acceptance the labour authority's grant waits here (work_grant) until immigration approves
-- too, and the other way round (grant_json), so that both are issued in one transaction.
CREATE TABLE residence_applications (
    id                    uuid PRIMARY KEY,
    receipt_number        text NOT NULL UNIQUE,
    person_id             uuid NOT NULL REFERENCES people (id),
    employer_id           uuid NOT NULL REFERENCES employers (id),
    city                  text NOT NULL,
    permit_number         text,
    work_application_id   uuid UNIQUE REFERENCES applications (id),
    evidence              text NOT NULL,
    role_at_employer      text NOT NULL,
    requested_months      integer NOT NULL,
    state                 text NOT NULL,
    version               bigint NOT NULL,
    passport_inspected_at timestamptz,
    grant_json            text,
    work_grant            text,
    residence_permit_id   uuid,
    created_at            timestamptz NOT NULL,
    decided_at            timestamptz
);
CREATE INDEX residence_applications_queue ON residence_applications (city, state, created_at);
CREATE INDEX residence_applications_person ON residence_applications (person_id, created_at);
CREATE INDEX residence_applications_employer ON residence_applications (employer_id, created_at);

CREATE TABLE residence_permits (
    id                 uuid PRIMARY KEY,
    number             text NOT NULL UNIQUE,
    holder_id          uuid NOT NULL REFERENCES people (id),
    employer_id        uuid NOT NULL REFERENCES employers (id),
    work_permit_number text NOT NULL,
    city               text NOT NULL,
    valid_from         date NOT NULL,
    valid_to           date NOT NULL,
    status             text NOT NULL,
    status_changed_on  date,
    long_reason        text,
    application_id     uuid NOT NULL UNIQUE REFERENCES residence_applications (id),
    collected_at       timestamptz,
    created_at         timestamptz NOT NULL
);
CREATE INDEX residence_permits_holder ON residence_permits (holder_id, valid_from);
CREATE INDEX residence_permits_work ON residence_permits (work_permit_number);
CREATE INDEX residence_permits_review ON residence_permits (city, status);

-- Filings that keep a residence permit: a move within the enterprise, degree study.
CREATE TABLE residence_filings (
    id                  uuid PRIMARY KEY,
    residence_permit_id uuid NOT NULL REFERENCES residence_permits (id),
    kind                text NOT NULL,
    filed_on            date NOT NULL,
    details             text NOT NULL,
    filed_by            uuid REFERENCES accounts (id),
    created_at          timestamptz NOT NULL
);
CREATE INDEX residence_filings_permit ON residence_filings (residence_permit_id, created_at);

-- The steps of residence applications and insurance registrations, for their timelines.
CREATE TABLE case_events (
    id          uuid PRIMARY KEY,
    case_id     uuid NOT NULL,
    at          timestamptz NOT NULL,
    actor_id    uuid REFERENCES accounts (id),
    actor_name  text NOT NULL,
    actor_role  text,
    action      text NOT NULL,
    state       text NOT NULL,
    notes       text NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, at);

CREATE TABLE offices (
    id            uuid PRIMARY KEY,
    city          text NOT NULL,
    name          text NOT NULL,
    address       text NOT NULL,
    opens         text NOT NULL,
    closes        text NOT NULL,
    slot_minutes  integer NOT NULL,
    capacity      integer NOT NULL,
    weekdays      integer NOT NULL,
    closed_on     text NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX offices_city ON offices (city, name);

-- Places taken per slot. A booking raises `booked` only while it is below the office's
-- capacity, in one conditional UPDATE: of two bookings of the last place, the second finds the
-- row already full once the first commits (PostgreSQL re-reads the row it waited for).
CREATE TABLE slot_places (
    office_id  uuid NOT NULL REFERENCES offices (id),
    slot       text NOT NULL,
    booked     integer NOT NULL,
    PRIMARY KEY (office_id, slot)
);

CREATE TABLE appointments (
    id          uuid PRIMARY KEY,
    office_id   uuid NOT NULL REFERENCES offices (id),
    slot        text NOT NULL,
    person_id   uuid NOT NULL REFERENCES people (id),
    purpose     text NOT NULL,
    subject     text NOT NULL,
    state       text NOT NULL,
    created_at  timestamptz NOT NULL,
    changed_at  timestamptz NOT NULL
);
-- One live appointment per purpose and record.
CREATE UNIQUE INDEX appointments_live ON appointments (purpose, subject) WHERE state = 'booked';
CREATE INDEX appointments_person ON appointments (person_id, slot);
CREATE INDEX appointments_office ON appointments (office_id, slot);

CREATE TABLE insurances (
    id             uuid PRIMARY KEY,
    person_id      uuid NOT NULL REFERENCES people (id),
    employer_id    uuid NOT NULL REFERENCES employers (id),
    city           text NOT NULL,
    permit_number  text NOT NULL,
    permit_check   text NOT NULL,
    state          text NOT NULL,
    version        bigint NOT NULL,
    ssn            text UNIQUE,
    requested_at   timestamptz NOT NULL,
    decided_at     timestamptz,
    refusal        text NOT NULL
);
-- A person is insured once: a refused request may be made again.
CREATE UNIQUE INDEX insurances_live ON insurances (person_id) WHERE state <> 'refused';
CREATE INDEX insurances_queue ON insurances (city, state, requested_at);

CREATE TABLE social_security_cards (
    insurance_id  uuid NOT NULL REFERENCES insurances (id),
    serial        integer NOT NULL,
    state         text NOT NULL,
    changed_at    timestamptz NOT NULL,
    PRIMARY KEY (insurance_id, serial)
);
