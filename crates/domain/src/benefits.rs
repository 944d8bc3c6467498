//! Benefits claimed through the card: the catalogue (from the policy file), each benefit's
//! eligibility rule as a small closed set of conditions, the assessment of a claim against it,
//! and the claim's state machine.

use crate::FieldError;
use crate::city::City;
use crate::contributions::{ContributionMonth, Declaration, effective};
use crate::ids::{ClaimId, PersonId};
use crate::permit::{Category, Permit, PermitStatus};
use crate::policy::{DocumentKind, Reason};
use crate::values::{Money, Text};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What a claim asks the holder to submit. The names shared with [`DocumentKind`] mean the same
/// document; the others exist for claims only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimDocument {
    ApplicationForm,
    Passport,
    EmploymentContract,
    TerminationProof,
    /// Proof of leaving China for good: the exit record, a one-way ticket, the cancelled
    /// residence permit.
    DepartureEvidence,
    /// The bank account the payment goes to, in the holder's name.
    BankAccount,
    /// Individual income tax records for the months claimed on.
    TaxRecord,
}

impl ClaimDocument {
    pub const ALL: [ClaimDocument; 7] = [
        ClaimDocument::ApplicationForm,
        ClaimDocument::Passport,
        ClaimDocument::EmploymentContract,
        ClaimDocument::TerminationProof,
        ClaimDocument::DepartureEvidence,
        ClaimDocument::BankAccount,
        ClaimDocument::TaxRecord,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            ClaimDocument::ApplicationForm => "application_form",
            ClaimDocument::Passport => "passport",
            ClaimDocument::EmploymentContract => "employment_contract",
            ClaimDocument::TerminationProof => "termination_proof",
            ClaimDocument::DepartureEvidence => "departure_evidence",
            ClaimDocument::BankAccount => "bank_account",
            ClaimDocument::TaxRecord => "tax_record",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The permit document of the same name, so that one already on file can be reused.
    pub fn document_kind(&self) -> Option<DocumentKind> {
        DocumentKind::from_code(self.as_str())
    }
}

/// One condition of a benefit's rule. All of a benefit's conditions must hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Condition {
    /// No work permit is still valid on the claim date (one that has not started yet counts
    /// as valid: its holder is coming back).
    NoValidPermit,
    /// A permit in force on the claim date, of one of these categories.
    PermitCategoryIn { categories: Vec<Category> },
    /// A permit in force on the claim date, issued in one of these cities.
    PermitCityIn { cities: Vec<City> },
    /// The insurance record is in one of these cities.
    InsuredCityIn { cities: Vec<City> },
    /// At least `months` months of contributions standing in `city`, up to the claim month.
    MinContributionMonthsInCity { city: City, months: u32 },
    /// The holder has declared leaving China for good.
    LeavingChina,
    /// The holder is insured and the record is not closed (a refund closes it).
    InsuranceOpen,
}

impl Condition {
    pub fn code(&self) -> &'static str {
        match self {
            Condition::NoValidPermit => "no_valid_permit",
            Condition::PermitCategoryIn { .. } => "permit_category_in",
            Condition::PermitCityIn { .. } => "permit_city_in",
            Condition::InsuredCityIn { .. } => "insured_city_in",
            Condition::MinContributionMonthsInCity { .. } => "min_contribution_months_in_city",
            Condition::LeavingChina => "leaving_china",
            Condition::InsuranceOpen => "insurance_open",
        }
    }
}

/// A benefit of the catalogue, built by the policy file's reader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Benefit {
    /// The catalogue key, snake_case: `pension_refund`.
    pub id: String,
    pub conditions: Vec<Condition>,
    pub documents: Vec<ClaimDocument>,
    /// Paying it ends the holder's insurance record (the pension refund does).
    pub closes_insurance: bool,
}

/// The holder's insurance record as a claim sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InsuranceStanding {
    pub city: City,
    pub closed: bool,
}

/// What a claim is assessed on. Gathered by the caller; the assessment reads nothing else.
#[derive(Debug, Clone, Copy)]
pub struct ClaimFacts<'a> {
    pub claim_date: NaiveDate,
    /// Every permit revision the holder has, in any status.
    pub permits: &'a [Permit],
    /// None when the holder was never insured.
    pub insurance: Option<InsuranceStanding>,
    /// Every declaration recorded for the holder, corrections included.
    pub contributions: &'a [Declaration],
    /// The day the holder declared leaving China for good, if they have.
    pub leaving_china_on: Option<NaiveDate>,
    /// The documents the claim comes with.
    pub documents: &'a [ClaimDocument],
}

/// The outcome of [`assess_claim`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", content = "unmet", rename_all = "snake_case")]
pub enum Eligibility {
    Eligible,
    /// Every condition that fails and every document missing, in the order of the rule.
    NotEligible(Vec<Reason>),
}

impl Eligibility {
    pub fn is_eligible(&self) -> bool {
        matches!(self, Eligibility::Eligible)
    }
}

fn list<T>(items: &[T], f: impl Fn(&T) -> &'static str) -> String {
    items.iter().map(f).collect::<Vec<_>>().join(",")
}

/// Assesses a claim for `benefit`. Reasons are stable codes with parameters:
/// `valid_permit_remains` (permit_number, valid_to), `permit_category_not_listed` (categories,
/// category), `permit_city_not_listed` (cities, city), `insured_city_not_listed` (cities,
/// city), `contribution_months_short` (city, min_months, months), `leaving_china_not_declared`,
/// `not_insured`, `insurance_closed`, `document_missing` (document). Where the holder has no
/// permit in force or no insurance, `category` or `city` is `none`.
pub fn assess_claim(benefit: &Benefit, f: &ClaimFacts) -> Eligibility {
    let in_force = f
        .permits
        .iter()
        .filter(|p| p.is_valid_on(f.claim_date))
        .max_by_key(|p| (p.valid_from, p.revision));
    let mut unmet = Vec::new();
    for c in &benefit.conditions {
        match c {
            Condition::NoValidPermit => {
                if let Some(p) = f
                    .permits
                    .iter()
                    .filter(|p| p.status_on(f.claim_date) == PermitStatus::Valid)
                    .max_by_key(|p| p.valid_to)
                {
                    unmet.push(
                        Reason::new("valid_permit_remains")
                            .with("permit_number", &p.number)
                            .with("valid_to", p.valid_to),
                    );
                }
            }
            Condition::PermitCategoryIn { categories } => {
                if !in_force.is_some_and(|p| categories.contains(&p.category)) {
                    unmet.push(
                        Reason::new("permit_category_not_listed")
                            .with("categories", list(categories, Category::as_str))
                            .with("category", in_force.map_or("none", |p| p.category.as_str())),
                    );
                }
            }
            Condition::PermitCityIn { cities } => {
                if !in_force.is_some_and(|p| cities.contains(&p.city)) {
                    unmet.push(
                        Reason::new("permit_city_not_listed")
                            .with("cities", list(cities, City::code))
                            .with("city", in_force.map_or("none", |p| p.city.code())),
                    );
                }
            }
            Condition::InsuredCityIn { cities } => {
                if !f.insurance.is_some_and(|i| cities.contains(&i.city)) {
                    unmet.push(
                        Reason::new("insured_city_not_listed")
                            .with("cities", list(cities, City::code))
                            .with("city", f.insurance.map_or("none", |i| i.city.code())),
                    );
                }
            }
            Condition::MinContributionMonthsInCity { city, months } => {
                let last = ContributionMonth::of(f.claim_date);
                let n = effective(f.contributions)
                    .iter()
                    .filter(|d| d.contribution.city == *city && d.contribution.month <= last)
                    .count();
                let n = u32::try_from(n).expect("few months");
                if n < *months {
                    unmet.push(
                        Reason::new("contribution_months_short")
                            .with("city", city)
                            .with("min_months", months)
                            .with("months", n),
                    );
                }
            }
            Condition::LeavingChina => {
                if f.leaving_china_on.is_none() {
                    unmet.push(Reason::new("leaving_china_not_declared"));
                }
            }
            Condition::InsuranceOpen => match f.insurance {
                None => unmet.push(Reason::new("not_insured")),
                Some(i) if i.closed => unmet.push(Reason::new("insurance_closed")),
                Some(_) => {}
            },
        }
    }
    for d in &benefit.documents {
        if !f.documents.contains(d) {
            unmet.push(Reason::new("document_missing").with("document", d.as_str()));
        }
    }
    if unmet.is_empty() {
        Eligibility::Eligible
    } else {
        Eligibility::NotEligible(unmet)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimState {
    Submitted,
    Approved,
    Refused,
    Withdrawn,
}

impl ClaimState {
    pub const ALL: [ClaimState; 4] = [
        ClaimState::Submitted,
        ClaimState::Approved,
        ClaimState::Refused,
        ClaimState::Withdrawn,
    ];
    pub fn as_str(&self) -> &'static str {
        match self {
            ClaimState::Submitted => "submitted",
            ClaimState::Approved => "approved",
            ClaimState::Refused => "refused",
            ClaimState::Withdrawn => "withdrawn",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn is_final(&self) -> bool {
        !matches!(self, ClaimState::Submitted)
    }
}

/// Who acts on a claim: the holder withdraws it, the social security officer decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimSide {
    Holder,
    Officer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimActionKind {
    Approve,
    Refuse,
    Withdraw,
}

impl ClaimActionKind {
    pub const ALL: [ClaimActionKind; 3] = [
        ClaimActionKind::Approve,
        ClaimActionKind::Refuse,
        ClaimActionKind::Withdraw,
    ];
    pub fn as_str(&self) -> &'static str {
        match self {
            ClaimActionKind::Approve => "approve",
            ClaimActionKind::Refuse => "refuse",
            ClaimActionKind::Withdraw => "withdraw",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn side(&self) -> ClaimSide {
        match self {
            ClaimActionKind::Withdraw => ClaimSide::Holder,
            ClaimActionKind::Approve | ClaimActionKind::Refuse => ClaimSide::Officer,
        }
    }
}

/// The transitions of a claim, as one table.
pub fn claim_next_state(from: ClaimState, action: ClaimActionKind) -> Option<ClaimState> {
    use ClaimActionKind as A;
    use ClaimState as S;
    match (from, action) {
        (S::Submitted, A::Approve) => Some(S::Approved),
        (S::Submitted, A::Refuse) => Some(S::Refused),
        (S::Submitted, A::Withdraw) => Some(S::Withdrawn),
        _ => None,
    }
}

/// The payment an approval orders, recorded against the card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentInstruction {
    pub amount: Money,
    /// The account paid into, as the holder's bank account document gives it.
    pub account: Text,
    /// The agency's payment reference.
    pub reference: Text,
}

impl PaymentInstruction {
    /// Every field's error at once, under `payment.`.
    pub fn parse(
        amount: &str,
        account: &str,
        reference: &str,
    ) -> Result<PaymentInstruction, Vec<FieldError>> {
        let amount = Money::parse("payment.amount", amount).and_then(|m| {
            if m.fen() == 0 {
                Err(FieldError::new("payment.amount", "amount_zero"))
            } else {
                Ok(m)
            }
        });
        let account = Text::parse("payment.account", account, 64);
        let reference = Text::parse("payment.reference", reference, 64);
        match (amount, account, reference) {
            (Ok(amount), Ok(account), Ok(reference)) => Ok(PaymentInstruction {
                amount,
                account,
                reference,
            }),
            (a, b, c) => Err([a.err(), b.err(), c.err()].into_iter().flatten().collect()),
        }
    }
}

/// An action on a claim with what it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimAction {
    Approve {
        payment: PaymentInstruction,
    },
    /// The officer's reasons (see `application::parse_items`).
    Refuse {
        reasons: Vec<Text>,
    },
    Withdraw,
}

impl ClaimAction {
    pub fn kind(&self) -> ClaimActionKind {
        match self {
            ClaimAction::Approve { .. } => ClaimActionKind::Approve,
            ClaimAction::Refuse { .. } => ClaimActionKind::Refuse,
            ClaimAction::Withdraw => ClaimActionKind::Withdraw,
        }
    }
}

/// A claim as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub id: ClaimId,
    pub person_id: PersonId,
    /// The catalogue key of the benefit claimed.
    pub benefit: String,
    pub state: ClaimState,
    /// Rises by one with every change; a decision names the version it saw.
    pub version: i64,
    pub documents: Vec<ClaimDocument>,
    pub submitted_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub payment: Option<PaymentInstruction>,
    pub refusal: Vec<Text>,
}

/// What a transition does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimOutcome {
    pub to: ClaimState,
    /// The holder's insurance record is to be closed with the approval (a refund).
    pub close_insurance: bool,
}

/// Why a claim transition is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimError {
    #[error("{action:?} is not allowed from {from:?}")]
    Illegal {
        from: ClaimState,
        action: ClaimActionKind,
    },
    #[error("the claim was changed: version {current}, not {seen}")]
    Stale { current: i64, seen: i64 },
    #[error("{action:?} is for the {needed:?}")]
    WrongSide {
        action: ClaimActionKind,
        needed: ClaimSide,
    },
    /// An approval whose rule no longer holds on the decision date, e.g. a permit issued since
    /// the claim: the unmet conditions.
    #[error("not eligible: {0:?}")]
    NotEligible(Vec<Reason>),
    #[error(transparent)]
    Invalid(#[from] FieldError),
}

/// Applies `action`, taken by `by`, to `claim` as seen at version `seen`. An approval needs the
/// benefit's rule re-assessed on the decision date (`now`): the facts may have changed since the
/// claim was made.
pub fn apply_claim(
    claim: &Claim,
    benefit: &Benefit,
    action: &ClaimAction,
    by: ClaimSide,
    seen: i64,
    now: &Eligibility,
) -> Result<ClaimOutcome, ClaimError> {
    if claim.version != seen {
        return Err(ClaimError::Stale {
            current: claim.version,
            seen,
        });
    }
    let kind = action.kind();
    if kind.side() != by {
        return Err(ClaimError::WrongSide {
            action: kind,
            needed: kind.side(),
        });
    }
    let to = claim_next_state(claim.state, kind).ok_or(ClaimError::Illegal {
        from: claim.state,
        action: kind,
    })?;
    match action {
        ClaimAction::Approve { .. } => {
            if let Eligibility::NotEligible(reasons) = now {
                return Err(ClaimError::NotEligible(reasons.clone()));
            }
        }
        ClaimAction::Refuse { reasons } if reasons.is_empty() => {
            return Err(FieldError::new("reasons", "items_required").into());
        }
        _ => {}
    }
    Ok(ClaimOutcome {
        to,
        close_insurance: to == ClaimState::Approved && benefit.closes_insurance,
    })
}
