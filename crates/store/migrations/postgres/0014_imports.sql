-- Bulk imports of legacy physical cards (`onecard import`). One row per file, by the SHA-256 of
-- its bytes: the last line whose batch was committed, so that an interrupted import run again
-- with the same file starts after it instead of at the top.
CREATE TABLE imports (
    sha256       text PRIMARY KEY,
    file_name    text NOT NULL,
    last_line    bigint NOT NULL,
    imported     bigint NOT NULL,
    present      bigint NOT NULL,
    refused      bigint NOT NULL,
    started_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    finished_at  timestamptz
);
