-- Bulk imports of legacy physical cards (`onecard import`). One row per file, by the SHA-256 of
-- its bytes: the last line whose batch was committed, so that an interrupted import run again
-- with the same file starts after it instead of at the top.
CREATE TABLE imports (
    sha256       TEXT PRIMARY KEY,
    file_name    TEXT NOT NULL,
    last_line    INTEGER NOT NULL,
    imported     INTEGER NOT NULL,
    present      INTEGER NOT NULL,
    refused      INTEGER NOT NULL,
    started_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    finished_at  TEXT
);
