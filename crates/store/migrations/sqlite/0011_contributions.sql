-- Social-insurance contributions declared by employers, month by month, and the benefits the
-- holder claims through the card. Declarations are never updated: a correction is a new row for
-- the same month with a higher sequence (the person's own counter), and the statement reads the
-- latest of each month. Amounts are integer fen, employer and personal share of each insurance,
-- as computed under the city's rule in force when declared.
CREATE TABLE contribution_declarations (
    id                    BLOB PRIMARY KEY,
    person_id             BLOB NOT NULL REFERENCES people (id),
    employer_id           BLOB NOT NULL REFERENCES employers (id),
    city                  TEXT NOT NULL,
    month                 TEXT NOT NULL,
    sequence              INTEGER NOT NULL,
    base_fen              INTEGER NOT NULL,
    pension_employer      INTEGER NOT NULL,
    pension_personal      INTEGER NOT NULL,
    medical_employer      INTEGER NOT NULL,
    medical_personal      INTEGER NOT NULL,
    unemployment_employer INTEGER NOT NULL,
    unemployment_personal INTEGER NOT NULL,
    work_injury_employer  INTEGER NOT NULL,
    work_injury_personal  INTEGER NOT NULL,
    maternity_employer    INTEGER NOT NULL,
    maternity_personal    INTEGER NOT NULL,
    declared_by           BLOB NOT NULL REFERENCES accounts (id),
    declared_at           TEXT NOT NULL,
    UNIQUE (person_id, sequence)
);
CREATE INDEX contribution_declarations_person ON contribution_declarations (person_id, month);
CREATE INDEX contribution_declarations_employer ON contribution_declarations (employer_id, person_id);

-- A claim of a benefit of the policy's catalogue; the social security officer of the city where
-- the holder is insured decides. An approval carries the payment instruction.
CREATE TABLE benefit_claims (
    id                 BLOB PRIMARY KEY,
    person_id          BLOB NOT NULL REFERENCES people (id),
    benefit            TEXT NOT NULL,
    city               TEXT NOT NULL,
    state              TEXT NOT NULL,
    version            INTEGER NOT NULL,
    documents          TEXT NOT NULL,
    leaving_china_on   TEXT,
    submitted_at       TEXT NOT NULL,
    decided_at         TEXT,
    decided_by         BLOB REFERENCES accounts (id),
    refusal            TEXT NOT NULL,
    payment_amount_fen INTEGER,
    payment_account    TEXT,
    payment_reference  TEXT
);
-- One open claim of a benefit per person.
CREATE UNIQUE INDEX benefit_claims_open ON benefit_claims (person_id, benefit) WHERE state = 'submitted';
CREATE INDEX benefit_claims_person ON benefit_claims (person_id, submitted_at);
CREATE INDEX benefit_claims_queue ON benefit_claims (city, state, submitted_at);

-- An insurance record closed by an approved claim (the pension refund): closed once.
CREATE TABLE insurance_closures (
    insurance_id BLOB PRIMARY KEY REFERENCES insurances (id),
    claim_id     BLOB NOT NULL REFERENCES benefit_claims (id),
    closed_at    TEXT NOT NULL
);

-- The employer's deadline list reads its people's residence permits and insurance at once.
CREATE INDEX residence_permits_employer ON residence_permits (employer_id);
CREATE INDEX insurances_employer ON insurances (employer_id);
