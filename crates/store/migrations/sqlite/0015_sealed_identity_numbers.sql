-- Identity numbers sealed at rest (store::sealing). The number columns keep their names and now
-- hold `e1:` sealed values; beside those that are looked up or must be unique sits a keyed hash
-- with the unique index that the plain column had. The hashes are NULL until the server seals a
-- row written before this version (store::unsealed, at start-up).
ALTER TABLE people ADD COLUMN passport_hash BLOB;
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
