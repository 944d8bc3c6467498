-- What the policy in force said of an application when it was submitted: its deadlines always,
-- and, where the employer gave the applicant's profile, the facts and the assessment. The
-- profile of a draft waits here until submission.
CREATE TABLE assessments (
    application_id  BLOB PRIMARY KEY REFERENCES applications (id),
    policy_version  TEXT,
    pre_review_due  TEXT,
    decision_due    TEXT,
    category        TEXT,
    eligible        INTEGER,
    profile         TEXT,
    facts           TEXT,
    result          TEXT
) WITHOUT ROWID;

-- Policy versions an administrator loaded; each applies from its effective date. The shipped
-- national default applies where none does.
CREATE TABLE policies (
    version         TEXT PRIMARY KEY,
    effective_from  TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    source          TEXT NOT NULL,
    loaded_at       TEXT NOT NULL,
    loaded_by       BLOB REFERENCES accounts (id)
);
