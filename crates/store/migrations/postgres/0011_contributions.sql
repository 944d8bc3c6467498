-- Social-insurance contributions declared by employers, month by month, and the benefits the
-- holder claims through the card. Declarations are never updated: a correction is a new row for
-- the same month with a higher sequence (the person's own counter), and the statement reads the
-- latest of each month. Amounts are integer fen, employer and personal share of each insurance,
-- as computed under the city's rule in force when declared.
CREATE TABLE contribution_declarations (
    id                    uuid PRIMARY KEY,
    person_id             uuid NOT NULL REFERENCES people (id),
    employer_id           uuid NOT NULL REFERENCES employers (id),
    city                  text NOT NULL,
    month                 text NOT NULL,
    sequence              bigint NOT NULL,
    base_fen              bigint NOT NULL,
    pension_employer      bigint NOT NULL,
    pension_personal      bigint NOT NULL,
    medical_employer      bigint NOT NULL,
    medical_personal      bigint NOT NULL,
    unemployment_employer bigint NOT NULL,
    unemployment_personal bigint NOT NULL,
    work_injury_employer  bigint NOT NULL,
    work_injury_personal  bigint NOT NULL,
    maternity_employer    bigint NOT NULL,
    maternity_personal    bigint NOT NULL,
    declared_by           uuid NOT NULL REFERENCES accounts (id),
    declared_at           timestamptz NOT NULL,
    UNIQUE (person_id, sequence)
);
CREATE INDEX contribution_declarations_person ON contribution_declarations (person_id, month);
CREATE INDEX contribution_declarations_employer ON contribution_declarations (employer_id, person_id);

-- A claim of a benefit of the policy's catalogue; the social security officer of the city where
-- the holder is insured decides. An approval carries the payment instruction.
CREATE TABLE benefit_claims (
    id                 uuid PRIMARY KEY,
    person_id          uuid NOT NULL REFERENCES people (id),
    benefit            text NOT NULL,
    city               text NOT NULL,
    state              text NOT NULL,
    version            bigint NOT NULL,
    documents          text NOT NULL,
    leaving_china_on   date,
    submitted_at       timestamptz NOT NULL,
    decided_at         timestamptz,
    decided_by         uuid REFERENCES accounts (id),
    refusal            text NOT NULL,
    payment_amount_fen bigint,
    payment_account    text,
    payment_reference  text
);
-- One open claim of a benefit per person.
CREATE UNIQUE INDEX benefit_claims_open ON benefit_claims (person_id, benefit) WHERE state = 'submitted';
CREATE INDEX benefit_claims_person ON benefit_claims (person_id, submitted_at);
CREATE INDEX benefit_claims_queue ON benefit_claims (city, state, submitted_at);

-- An insurance record closed by an approved claim (the pension refund): closed once.
CREATE TABLE insurance_closures (
    insurance_id uuid PRIMARY KEY REFERENCES insurances (id),
    claim_id     uuid NOT NULL REFERENCES benefit_claims (id),
    closed_at    timestamptz NOT NULL
);

-- The employer's deadline list reads its people's residence permits and insurance at once.
CREATE INDEX residence_permits_employer ON residence_permits (employer_id);
CREATE INDEX insurances_employer ON insurances (employer_id);
