-- no-transaction
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
-- Identity numbers sealed at rest (store::sealing). The number columns keep their names and now
-- hold `e1:` sealed values; beside those that are looked up or must be unique sits a keyed hash
-- with the unique index that the plain column had. The hashes are NULL until the server seals a
-- row written before this version (store::unsealed, at start-up).
--
-- people: the unique pair (nationality, passport_number) would index random sealed values, for
-- nothing and at a cost to every insert; the keyed hash of both replaces it. SQLite drops an
-- inline constraint only by rebuilding the table, with foreign keys off (they cannot be switched
-- off inside a transaction: hence this file's own transaction), so that the tables referencing
-- `people` reference the rebuilt one; the check before the commit proves every reference holds.
CREATE TABLE people_sealed (
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
    passport_hash   BLOB
);
INSERT INTO people_sealed (id, employer_id, surname, given_names, nationality, passport_number,
                           date_of_birth, sex, email, phone, created_at)
SELECT id, employer_id, surname, given_names, nationality, passport_number,
       date_of_birth, sex, email, phone, created_at
FROM people;
DROP TABLE people;
ALTER TABLE people_sealed RENAME TO people;
CREATE INDEX people_employer ON people (employer_id, surname);
CREATE UNIQUE INDEX people_passport_hash ON people (passport_hash);
ALTER TABLE insurances ADD COLUMN ssn_hash BLOB;
CREATE UNIQUE INDEX insurances_ssn_hash ON insurances (ssn_hash);
ALTER TABLE visas ADD COLUMN number_hash BLOB;
CREATE UNIQUE INDEX visas_number_hash ON visas (person_id, number_hash);

-- The fingerprint of the data key the rows are sealed under, and when the rows written before
-- were all sealed (NULL until then).
CREATE TABLE data_key (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint  BLOB NOT NULL,
    recorded_at  TEXT NOT NULL,
    sealed_at    TEXT
);

-- Every reference holds, or the CHECK fails and the migration stops before its commit.
CREATE TABLE foreign_keys_hold (broken INTEGER CHECK (broken = 0));
INSERT INTO foreign_keys_hold SELECT count(*) FROM pragma_foreign_key_check;
DROP TABLE foreign_keys_hold;
COMMIT;
PRAGMA foreign_keys = ON;
