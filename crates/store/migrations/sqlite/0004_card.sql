-- The electronic card (e-SSC).
--
-- Issuer keys have a role: the root key signs only the published key set, which verifiers pin
-- out of band; signing keys sign credentials and status lists.
ALTER TABLE issuer_keys ADD COLUMN role TEXT NOT NULL DEFAULT 'signing';

-- Each permit revision has its own entry in the published token status list. Existing revisions
-- are numbered in the order they were made; new ones take the next value of the counter.
ALTER TABLE permits ADD COLUMN status_idx INTEGER;
UPDATE permits SET status_idx = n.rn - 1
FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS rn FROM permits) AS n
WHERE permits.id = n.id;
CREATE UNIQUE INDEX permits_status_idx ON permits (status_idx);
INSERT INTO counters (name, value) SELECT 'status_index', COUNT(*) FROM permits WHERE true
ON CONFLICT (name) DO NOTHING;

-- Dynamic QR codes verified online, kept until they expire, so that a second scan is refused. A
-- code is its expiry and token id (a replay carries the same signed expiry): keyed in that order,
-- new rows go to the end of the index and the purge of expired ones takes its start.
CREATE TABLE used_tokens (
    expires_at  INTEGER NOT NULL,
    cti         BLOB NOT NULL,
    PRIMARY KEY (expires_at, cti)
) WITHOUT ROWID;

-- A holder's e-SSC registration: the account, the person it was matched to by name and permit
-- number, and when the real-name check was passed (none yet: the card does not show the permit).
CREATE TABLE card_registrations (
    account_id             BLOB PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    person_id              BLOB NOT NULL UNIQUE REFERENCES people (id),
    registered_at          TEXT NOT NULL,
    real_name_checked_at   TEXT,
    failed_checks          INTEGER NOT NULL DEFAULT 0
);
