-- What other departments' registers answered when asked to confirm a fact instead of a paper
-- document: which register, when it was asked and answered, the outcome (confirmed with the
-- register's reference and the date its data was current on; not confirmed, no answer or
-- garbage with the reason), and the answer as received, cut to a bounded size.
--
-- No foreign key on the application: residence permit applications keep their evidence here
-- too, and application ids (UUIDv7) are unique across kinds.
CREATE TABLE register_checks (
    seq             INTEGER PRIMARY KEY,
    application_id  BLOB NOT NULL,
    document        TEXT NOT NULL,
    fact            TEXT NOT NULL,
    register        TEXT NOT NULL,
    asked_at        TEXT NOT NULL,
    answered_at     TEXT,
    outcome         TEXT NOT NULL,
    reason          TEXT,
    reference       TEXT,
    as_of           TEXT,
    answer          TEXT NOT NULL
);
CREATE INDEX register_checks_application ON register_checks (application_id, seq);
