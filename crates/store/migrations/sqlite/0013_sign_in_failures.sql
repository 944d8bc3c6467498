-- Sign-in protection, shared by every server process on the database.
--
-- Consecutive failed sign-ins per username, known or not (an unknown name locks like a known
-- one, so that a lock tells nothing). Keyed by the SHA-256 of the normalised username, so that
-- what was typed into the username field (a password, sometimes) is never stored. A row lives
-- while its failures are recent or its lock runs, and is deleted after: the table holds only
-- names that failed within the last lock period.
CREATE TABLE sign_in_failures (
    name_hash       BLOB PRIMARY KEY,
    failures        INTEGER NOT NULL,
    last_failed_at  TEXT NOT NULL,
    locked_until    TEXT
) WITHOUT ROWID;
CREATE INDEX sign_in_failures_last ON sign_in_failures (last_failed_at);

-- Sign-in attempts per client address (an IPv6 address by its /64) in the current one-minute
-- window; rows of past windows are deleted as new windows start.
CREATE TABLE sign_in_addresses (
    address       TEXT PRIMARY KEY,
    window_start  TEXT NOT NULL,
    attempts      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sign_in_addresses_window ON sign_in_addresses (window_start);
