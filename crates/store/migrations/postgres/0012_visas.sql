-- Visas, as immigration enters them for a person: what is printed on the visa, and who entered
-- it (an immigration officer of `city`) when. Never updated. A person has a visa number once.
CREATE TABLE visas (
    id           uuid PRIMARY KEY,
    person_id    uuid NOT NULL REFERENCES people (id),
    number       text NOT NULL,
    category     text NOT NULL,
    issuing_post text NOT NULL,
    issued_on    date NOT NULL,
    valid_until  date NOT NULL,
    entries      text NOT NULL,
    stay_days    bigint NOT NULL,
    remarks      text,
    city         text NOT NULL,
    entered_by   uuid NOT NULL REFERENCES accounts (id),
    entered_at   timestamptz NOT NULL,
    UNIQUE (person_id, number)
);
CREATE INDEX visas_person ON visas (person_id, issued_on);
