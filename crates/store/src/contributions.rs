//! Contributions declared by employers (append-only: a correction is a later row for the same
//! month), the benefits holders claim, and the insurance records those claims close.

use crate::{Result, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::benefits::{Claim, ClaimDocument, ClaimState, PaymentInstruction};
use domain::city::City;
use domain::contributions::{
    Amounts, ContributionBase, ContributionMonth, Declaration, MonthlyContribution,
};
use domain::ids::{AccountId, ClaimId, EmployerId, InsuranceId, PersonId};
use domain::values::{Money, Text};

/// A declaration as stored: who declared it for whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDeclaration {
    pub id: uuid::Uuid,
    pub person_id: PersonId,
    pub employer_id: EmployerId,
    pub declared_by: AccountId,
    pub declaration: Declaration,
}

/// What an employer declared for one of its people: distinct months, and the latest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredSummary {
    pub person_id: PersonId,
    pub months: i64,
    pub last_month: Option<ContributionMonth>,
}

/// A claim as stored: the domain's claim, the city whose agency decides, the holder's declared
/// departure, and the officer who decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredClaim {
    pub claim: Claim,
    pub city: City,
    pub leaving_china_on: Option<NaiveDate>,
    pub decided_by: Option<AccountId>,
}

#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    pub person_id: Option<PersonId>,
    pub city: Option<City>,
    pub states: Vec<ClaimState>,
    pub limit: i64,
}

/// An insurance record closed by an approved claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsuranceClosure {
    pub insurance_id: InsuranceId,
    pub claim_id: ClaimId,
    pub closed_at: DateTime<Utc>,
}

#[async_trait]
pub trait Contributions: Send {
    /// `Conflict("declaration_sequence")` if the person's sequence is taken.
    async fn insert_declaration(&mut self, d: &StoredDeclaration) -> Result<()>;
    /// A person's declarations, every one of them, by month then sequence.
    async fn declarations_of(&mut self, person: PersonId) -> Result<Vec<StoredDeclaration>>;
    /// The highest sequence of a person's declarations, 0 if none.
    async fn last_declaration_sequence(&mut self, person: PersonId) -> Result<i64>;
    /// For each person the employer declared for: how many distinct months, and the latest.
    async fn declared_by_employer(&mut self, employer: EmployerId) -> Result<Vec<DeclaredSummary>>;

    /// `Conflict("claim_open")` if the person has a claim of that benefit open.
    async fn insert_claim(&mut self, c: &StoredClaim) -> Result<()>;
    /// Writes the decision if the stored version is still `seen`.
    async fn update_claim(&mut self, c: &StoredClaim, seen: i64) -> Result<bool>;
    async fn claim(&mut self, id: ClaimId) -> Result<Option<StoredClaim>>;
    /// Claims that match, the oldest first for an agency's queue, the newest first otherwise.
    async fn claims(&mut self, f: &ClaimFilter) -> Result<Vec<StoredClaim>>;

    /// `Conflict("insurance_closed")` if it was closed before.
    async fn close_insurance(&mut self, c: &InsuranceClosure) -> Result<()>;
    async fn insurance_closure(&mut self, id: InsuranceId) -> Result<Option<InsuranceClosure>>;

    /// The residence permits of an employer's people, for its deadline list.
    async fn residence_permits_of_employer(
        &mut self,
        employer: EmployerId,
    ) -> Result<Vec<domain::residence::ResidencePermit>>;
    /// The insurance records of an employer's people that are not refused.
    async fn insurances_of_employer(
        &mut self,
        employer: EmployerId,
    ) -> Result<Vec<domain::insurance::Insurance>>;
}

fn corrupt(what: &str, v: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {v}"))
}

pub(crate) const DECLARATION_COLUMNS: &str = "id, person_id, employer_id, city, month, sequence, base_fen, \
     pension_employer, pension_personal, medical_employer, medical_personal, unemployment_employer, \
     unemployment_personal, work_injury_employer, work_injury_personal, maternity_employer, \
     maternity_personal, declared_by, declared_at";

#[derive(sqlx::FromRow)]
pub(crate) struct DeclarationRow {
    id: uuid::Uuid,
    person_id: uuid::Uuid,
    employer_id: uuid::Uuid,
    city: String,
    month: String,
    sequence: i64,
    base_fen: i64,
    pension_employer: i64,
    pension_personal: i64,
    medical_employer: i64,
    medical_personal: i64,
    unemployment_employer: i64,
    unemployment_personal: i64,
    work_injury_employer: i64,
    work_injury_personal: i64,
    maternity_employer: i64,
    maternity_personal: i64,
    declared_by: uuid::Uuid,
    declared_at: DateTime<Utc>,
}

impl TryFrom<DeclarationRow> for StoredDeclaration {
    type Error = StoreError;
    fn try_from(r: DeclarationRow) -> Result<Self> {
        let a = |e: i64, p: i64| Amounts {
            employer: Money::from_fen(e),
            personal: Money::from_fen(p),
        };
        Ok(StoredDeclaration {
            id: r.id,
            person_id: PersonId(r.person_id),
            employer_id: EmployerId(r.employer_id),
            declared_by: AccountId(r.declared_by),
            declaration: Declaration {
                sequence: r.sequence,
                declared_at: r.declared_at,
                contribution: MonthlyContribution {
                    month: ContributionMonth::parse("month", &r.month)
                        .map_err(|_| corrupt("declaration month", &r.month))?,
                    city: City::parse("city", &r.city)
                        .map_err(|_| corrupt("declaration city", &r.city))?,
                    base: ContributionBase::from_trusted(Money::from_fen(r.base_fen)),
                    lines: [
                        a(r.pension_employer, r.pension_personal),
                        a(r.medical_employer, r.medical_personal),
                        a(r.unemployment_employer, r.unemployment_personal),
                        a(r.work_injury_employer, r.work_injury_personal),
                        a(r.maternity_employer, r.maternity_personal),
                    ],
                },
            },
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SummaryRow {
    person_id: uuid::Uuid,
    months: i64,
    last_month: Option<String>,
}

impl TryFrom<SummaryRow> for DeclaredSummary {
    type Error = StoreError;
    fn try_from(r: SummaryRow) -> Result<Self> {
        Ok(DeclaredSummary {
            person_id: PersonId(r.person_id),
            months: r.months,
            last_month: r
                .last_month
                .map(|m| ContributionMonth::parse("month", &m).map_err(|_| corrupt("month", &m)))
                .transpose()?,
        })
    }
}

pub(crate) const CLAIM_COLUMNS: &str = "id, person_id, benefit, city, state, version, documents, leaving_china_on, \
     submitted_at, decided_at, decided_by, refusal, payment_amount_fen, payment_account, payment_reference";

#[derive(sqlx::FromRow)]
pub(crate) struct ClaimRow {
    id: uuid::Uuid,
    person_id: uuid::Uuid,
    benefit: String,
    city: String,
    state: String,
    version: i64,
    documents: String,
    leaving_china_on: Option<NaiveDate>,
    submitted_at: DateTime<Utc>,
    decided_at: Option<DateTime<Utc>>,
    decided_by: Option<uuid::Uuid>,
    refusal: String,
    payment_amount_fen: Option<i64>,
    payment_account: Option<String>,
    payment_reference: Option<String>,
}

impl ClaimRow {
    pub(crate) fn open(self, key: &crate::DataKey) -> Result<StoredClaim> {
        let r = self;
        let account = key.open_opt(
            crate::sealing::column::CLAIMS_PAYMENT_ACCOUNT,
            r.id,
            r.payment_account,
        )?;
        let codes: Vec<String> =
            serde_json::from_str(&r.documents).map_err(|e| corrupt("claim documents", e))?;
        let documents = codes
            .iter()
            .map(|c| ClaimDocument::from_code(c).ok_or_else(|| corrupt("claim document", c)))
            .collect::<Result<Vec<_>>>()?;
        let refusal: Vec<String> =
            serde_json::from_str(&r.refusal).map_err(|e| corrupt("claim refusal", e))?;
        let payment = match (r.payment_amount_fen, account, r.payment_reference) {
            (Some(fen), Some(account), Some(reference)) => Some(PaymentInstruction {
                amount: Money::from_fen(fen),
                account: Text::from_trusted(account),
                reference: Text::from_trusted(reference),
            }),
            (None, None, None) => None,
            _ => return Err(corrupt("claim payment", "incomplete")),
        };
        Ok(StoredClaim {
            claim: Claim {
                id: ClaimId(r.id),
                person_id: PersonId(r.person_id),
                benefit: r.benefit,
                state: ClaimState::from_code(&r.state)
                    .ok_or_else(|| corrupt("claim state", &r.state))?,
                version: r.version,
                documents,
                submitted_at: r.submitted_at,
                decided_at: r.decided_at,
                payment,
                refusal: refusal.into_iter().map(Text::from_trusted).collect(),
            },
            city: City::parse("city", &r.city).map_err(|_| corrupt("claim city", &r.city))?,
            leaving_china_on: r.leaving_china_on,
            decided_by: r.decided_by.map(AccountId),
        })
    }
}

pub(crate) fn documents_json(c: &Claim) -> String {
    let codes: Vec<&str> = c.documents.iter().map(|d| d.as_str()).collect();
    serde_json::to_string(&codes).expect("serialisable")
}

pub(crate) fn refusal_json(c: &Claim) -> String {
    let r: Vec<&str> = c.refusal.iter().map(|t| t.as_str()).collect();
    serde_json::to_string(&r).expect("serialisable")
}

#[derive(sqlx::FromRow)]
pub(crate) struct ClosureRow {
    insurance_id: uuid::Uuid,
    claim_id: uuid::Uuid,
    closed_at: DateTime<Utc>,
}

impl From<ClosureRow> for InsuranceClosure {
    fn from(r: ClosureRow) -> Self {
        InsuranceClosure {
            insurance_id: InsuranceId(r.insurance_id),
            claim_id: ClaimId(r.claim_id),
            closed_at: r.closed_at,
        }
    }
}

macro_rules! impl_contributions {
    ($ty:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl crate::contributions::Contributions for $ty {
            async fn insert_declaration(&mut self, d: &crate::contributions::StoredDeclaration) -> crate::Result<()> {
                let c = &d.declaration.contribution;
                let mut q = sqlx::query(
                    "INSERT INTO contribution_declarations (id, person_id, employer_id, city, month, sequence, base_fen, \
                     pension_employer, pension_personal, medical_employer, medical_personal, unemployment_employer, \
                     unemployment_personal, work_injury_employer, work_injury_personal, maternity_employer, \
                     maternity_personal, declared_by, declared_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
                )
                .bind(d.id)
                .bind(d.person_id.0)
                .bind(d.employer_id.0)
                .bind(c.city.code())
                .bind(c.month.to_string())
                .bind(d.declaration.sequence)
                .bind(c.base.money().fen());
                for line in &c.lines {
                    q = q.bind(line.employer.fen()).bind(line.personal.fen());
                }
                q.bind(d.declared_by.0)
                    .bind(d.declaration.declared_at)
                    .execute(&mut *self.tx)
                    .await
                    .map_err(|e| crate::common::unique(e, "declaration_sequence"))?;
                Ok(())
            }

            async fn declarations_of(&mut self, person: domain::ids::PersonId) -> crate::Result<Vec<crate::contributions::StoredDeclaration>> {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM contribution_declarations WHERE person_id = $1 ORDER BY month, sequence",
                    crate::contributions::DECLARATION_COLUMNS
                ));
                let rows: Vec<crate::contributions::DeclarationRow> =
                    sqlx::query_as(sql).bind(person.0).fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn last_declaration_sequence(&mut self, person: domain::ids::PersonId) -> crate::Result<i64> {
                let (n,): (Option<i64>,) = sqlx::query_as(
                    "SELECT MAX(sequence) FROM contribution_declarations WHERE person_id = $1",
                )
                .bind(person.0)
                .fetch_one(&mut *self.tx)
                .await?;
                Ok(n.unwrap_or(0))
            }

            async fn declared_by_employer(&mut self, employer: domain::ids::EmployerId) -> crate::Result<Vec<crate::contributions::DeclaredSummary>> {
                let rows: Vec<crate::contributions::SummaryRow> = sqlx::query_as(
                    "SELECT person_id, COUNT(DISTINCT month) AS months, MAX(month) AS last_month \
                     FROM contribution_declarations WHERE employer_id = $1 GROUP BY person_id",
                )
                .bind(employer.0)
                .fetch_all(&mut *self.tx)
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn insert_claim(&mut self, c: &crate::contributions::StoredClaim) -> crate::Result<()> {
                let k = &c.claim;
                sqlx::query(
                    "INSERT INTO benefit_claims (id, person_id, benefit, city, state, version, documents, leaving_china_on, \
                     submitted_at, decided_at, decided_by, refusal, payment_amount_fen, payment_account, payment_reference) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
                )
                .bind(k.id.0)
                .bind(k.person_id.0)
                .bind(&k.benefit)
                .bind(c.city.code())
                .bind(k.state.as_str())
                .bind(k.version)
                .bind(crate::contributions::documents_json(k))
                .bind(c.leaving_china_on)
                .bind(k.submitted_at)
                .bind(k.decided_at)
                .bind(c.decided_by.map(|a| a.0))
                .bind(crate::contributions::refusal_json(k))
                .bind(k.payment.as_ref().map(|p| p.amount.fen()))
                .bind(self.key.seal_opt(crate::sealing::column::CLAIMS_PAYMENT_ACCOUNT, k.id.0, k.payment.as_ref().map(|p| p.account.as_str())))
                .bind(k.payment.as_ref().map(|p| p.reference.as_str().to_string()))
                .execute(&mut *self.tx)
                .await
                .map_err(|e| crate::common::unique(e, "claim_open"))?;
                Ok(())
            }

            async fn update_claim(&mut self, c: &crate::contributions::StoredClaim, seen: i64) -> crate::Result<bool> {
                let k = &c.claim;
                let done = sqlx::query(
                    "UPDATE benefit_claims SET state = $3, version = $4, decided_at = $5, decided_by = $6, refusal = $7, \
                     payment_amount_fen = $8, payment_account = $9, payment_reference = $10 WHERE id = $1 AND version = $2",
                )
                .bind(k.id.0)
                .bind(seen)
                .bind(k.state.as_str())
                .bind(k.version)
                .bind(k.decided_at)
                .bind(c.decided_by.map(|a| a.0))
                .bind(crate::contributions::refusal_json(k))
                .bind(k.payment.as_ref().map(|p| p.amount.fen()))
                .bind(self.key.seal_opt(crate::sealing::column::CLAIMS_PAYMENT_ACCOUNT, k.id.0, k.payment.as_ref().map(|p| p.account.as_str())))
                .bind(k.payment.as_ref().map(|p| p.reference.as_str().to_string()))
                .execute(&mut *self.tx)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn claim(&mut self, id: domain::ids::ClaimId) -> crate::Result<Option<crate::contributions::StoredClaim>> {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM benefit_claims WHERE id = $1",
                    crate::contributions::CLAIM_COLUMNS
                ));
                let row: Option<crate::contributions::ClaimRow> =
                    sqlx::query_as(sql).bind(id.0).fetch_optional(&mut *self.tx).await?;
                row.map(|r| r.open(&self.key)).transpose()
            }

            async fn claims(&mut self, f: &crate::contributions::ClaimFilter) -> crate::Result<Vec<crate::contributions::StoredClaim>> {
                let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {} FROM benefit_claims WHERE 1 = 1",
                    crate::contributions::CLAIM_COLUMNS
                ));
                if let Some(p) = f.person_id {
                    q.push(" AND person_id = ").push_bind(p.0);
                }
                if let Some(c) = f.city {
                    q.push(" AND city = ").push_bind(c.code().to_string());
                }
                if !f.states.is_empty() {
                    q.push(" AND state IN (");
                    let mut sep = q.separated(", ");
                    for s in &f.states {
                        sep.push_bind(s.as_str().to_string());
                    }
                    q.push(")");
                }
                if f.city.is_some() {
                    q.push(" ORDER BY submitted_at, id");
                } else {
                    q.push(" ORDER BY submitted_at DESC, id DESC");
                }
                q.push(" LIMIT ").push_bind(if f.limit > 0 { f.limit } else { 500 });
                let rows: Vec<crate::contributions::ClaimRow> = q.build_query_as().fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(|r| r.open(&self.key)).collect()
            }

            async fn close_insurance(&mut self, c: &crate::contributions::InsuranceClosure) -> crate::Result<()> {
                sqlx::query("INSERT INTO insurance_closures (insurance_id, claim_id, closed_at) VALUES ($1, $2, $3)")
                    .bind(c.insurance_id.0)
                    .bind(c.claim_id.0)
                    .bind(c.closed_at)
                    .execute(&mut *self.tx)
                    .await
                    .map_err(|e| crate::common::unique(e, "insurance_closed"))?;
                Ok(())
            }

            async fn insurance_closure(&mut self, id: domain::ids::InsuranceId) -> crate::Result<Option<crate::contributions::InsuranceClosure>> {
                let row: Option<crate::contributions::ClosureRow> = sqlx::query_as(
                    "SELECT insurance_id, claim_id, closed_at FROM insurance_closures WHERE insurance_id = $1",
                )
                .bind(id.0)
                .fetch_optional(&mut *self.tx)
                .await?;
                Ok(row.map(Into::into))
            }

            async fn residence_permits_of_employer(&mut self, employer: domain::ids::EmployerId) -> crate::Result<Vec<domain::residence::ResidencePermit>> {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM residence_permits WHERE employer_id = $1 ORDER BY valid_from, id",
                    crate::one_stop::RESIDENCE_PERMIT_COLUMNS
                ));
                let rows: Vec<crate::one_stop::ResidencePermitRow> =
                    sqlx::query_as(sql).bind(employer.0).fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn insurances_of_employer(&mut self, employer: domain::ids::EmployerId) -> crate::Result<Vec<domain::insurance::Insurance>> {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM insurances WHERE employer_id = $1 AND state <> 'refused'",
                    crate::one_stop::INSURANCE_COLUMNS
                ));
                let rows: Vec<crate::one_stop::InsuranceRow> =
                    sqlx::query_as(sql).bind(employer.0).fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(|r| r.open(&self.key)).collect()
            }
        }
    };
}

pub(crate) use impl_contributions;
