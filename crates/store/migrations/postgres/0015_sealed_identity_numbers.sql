-- Identity numbers sealed at rest (store::sealing). The number columns keep their names and now
-- hold `e1:` sealed values; beside those that are looked up or must be unique sits a keyed hash
-- with the unique index that the plain column had. The hashes are NULL until the server seals a
-- row written before this version (store::unsealed, at start-up).
-- people: the unique pair (nationality, passport_number) would index random sealed values, for
-- nothing and at a cost to every insert; the keyed hash of both replaces it.
ALTER TABLE people DROP CONSTRAINT people_nationality_passport_number_key;
ALTER TABLE people ADD COLUMN passport_hash bytea;
CREATE UNIQUE INDEX people_passport_hash ON people (passport_hash);
ALTER TABLE insurances ADD COLUMN ssn_hash bytea;
CREATE UNIQUE INDEX insurances_ssn_hash ON insurances (ssn_hash);
ALTER TABLE visas ADD COLUMN number_hash bytea;
CREATE UNIQUE INDEX visas_number_hash ON visas (person_id, number_hash);

-- The fingerprint of the data key the rows are sealed under, and when the rows written before
-- were all sealed (NULL until then).
CREATE TABLE data_key (
    id           integer PRIMARY KEY CHECK (id = 1),
    fingerprint  bytea NOT NULL,
    recorded_at  timestamptz NOT NULL,
    sealed_at    timestamptz
);
