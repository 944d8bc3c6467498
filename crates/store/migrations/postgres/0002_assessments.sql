-- What the policy in force said of an application when it was submitted: its deadlines always,
-- and, where the employer gave the applicant's profile, the facts and the assessment. The
-- profile of a draft waits here until submission.
CREATE TABLE assessments (
    application_id  uuid PRIMARY KEY REFERENCES applications (id),
    policy_version  text,
    pre_review_due  date,
    decision_due    date,
    category        text,
    eligible        boolean,
    profile         text,
    facts           text,
    result          text
);

-- Policy versions an administrator loaded; each applies from its effective date. The shipped
-- national default applies where none does.
CREATE TABLE policies (
    version         text PRIMARY KEY,
    effective_from  date NOT NULL,
    file_name       text NOT NULL,
    source          text NOT NULL,
    loaded_at       timestamptz NOT NULL,
    loaded_by       uuid REFERENCES accounts (id)
);
