-- Visas, as immigration enters them for a person: what is printed on the visa, and who entered
-- it (an immigration officer of `city`) when. Never updated. A person has a visa number once.
CREATE TABLE visas (
    id           BLOB PRIMARY KEY,
    person_id    BLOB NOT NULL REFERENCES people (id),
    number       TEXT NOT NULL,
    category     TEXT NOT NULL,
    issuing_post TEXT NOT NULL,
    issued_on    TEXT NOT NULL,
    valid_until  TEXT NOT NULL,
    entries      TEXT NOT NULL,
    stay_days    INTEGER NOT NULL,
    remarks      TEXT,
    city         TEXT NOT NULL,
    entered_by   BLOB NOT NULL REFERENCES accounts (id),
    entered_at   TEXT NOT NULL,
    UNIQUE (person_id, number)
);
CREATE INDEX visas_person ON visas (person_id, issued_on);
