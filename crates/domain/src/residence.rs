//! Work-type residence permits: the application immigration reviews (alone, or beside a new work
//! permit under one-stop acceptance), its state machine, the validity rule, the joint decision
//! of the two agencies, and the filings that keep a permit.

use crate::FieldError;
use crate::city::City;
use crate::ids::{ApplicationId, EmployerId, PersonId, ResidenceApplicationId, ResidencePermitId};
use crate::numbers::{PermitNumber, ReceiptNumber, ResidencePermitNumber};
use crate::party::Uscc;
use crate::values::Text;
use chrono::{DateTime, Days, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What the holder does at the employer, as the employer declares it and immigration checks:
/// managers and professionals at qualifying employers may get a five-year permit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleAtEmployer {
    Manager,
    Professional,
    Other,
}

impl RoleAtEmployer {
    pub const ALL: [RoleAtEmployer; 3] = [
        RoleAtEmployer::Manager,
        RoleAtEmployer::Professional,
        RoleAtEmployer::Other,
    ];
    pub fn as_str(&self) -> &'static str {
        match self {
            RoleAtEmployer::Manager => "manager",
            RoleAtEmployer::Professional => "professional",
            RoleAtEmployer::Other => "other",
        }
    }
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| FieldError::new(field, "role_at_employer_value"))
    }
}

/// How immigration knows the work permit a standalone application rests on: read from the shared
/// record by its number (the Notification Letter), or from the card's QR code, verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "via", rename_all = "snake_case")]
pub enum PermitEvidence {
    /// Submitted together with the work permit under one-stop acceptance.
    OneStop { application_id: ApplicationId },
    /// The number on the Notification Letter, looked up in the shared record.
    SharedRecord,
    /// The e-SSC's QR code, verified online when the application was made.
    CardQr { verified_at: DateTime<Utc> },
}

/// What immigration grants: the permit's period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidenceGrant {
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RState {
    Submitted,
    UnderReview,
    CorrectionsRequested,
    /// Immigration approved; the labour authority has not yet approved the work permit it was
    /// submitted with. Nothing is issued until both have.
    JointPending,
    Approved,
    Refused,
    Withdrawn,
}

impl RState {
    pub const ALL: [RState; 7] = [
        RState::Submitted,
        RState::UnderReview,
        RState::CorrectionsRequested,
        RState::JointPending,
        RState::Approved,
        RState::Refused,
        RState::Withdrawn,
    ];
    pub fn as_str(&self) -> &'static str {
        match self {
            RState::Submitted => "submitted",
            RState::UnderReview => "under_review",
            RState::CorrectionsRequested => "corrections_requested",
            RState::JointPending => "joint_pending",
            RState::Approved => "approved",
            RState::Refused => "refused",
            RState::Withdrawn => "withdrawn",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn is_final(&self) -> bool {
        matches!(self, RState::Approved | RState::Refused | RState::Withdrawn)
    }
    /// States in which immigration has the next move.
    pub fn awaits_officer(&self) -> bool {
        matches!(self, RState::Submitted | RState::UnderReview)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RActionKind {
    StartReview,
    /// The passport seen on site and handed back.
    InspectPassport,
    RequestCorrections,
    Resubmit,
    Approve,
    Refuse,
    Withdraw,
}

impl RActionKind {
    pub const ALL: [RActionKind; 7] = [
        RActionKind::StartReview,
        RActionKind::InspectPassport,
        RActionKind::RequestCorrections,
        RActionKind::Resubmit,
        RActionKind::Approve,
        RActionKind::Refuse,
        RActionKind::Withdraw,
    ];
    pub fn as_str(&self) -> &'static str {
        match self {
            RActionKind::StartReview => "start_review",
            RActionKind::InspectPassport => "inspect_passport",
            RActionKind::RequestCorrections => "request_corrections",
            RActionKind::Resubmit => "resubmit",
            RActionKind::Approve => "approve",
            RActionKind::Refuse => "refuse",
            RActionKind::Withdraw => "withdraw",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// Whether immigration takes it (else the applicant side: employer or holder).
    pub fn by_officer(&self) -> bool {
        !matches!(self, RActionKind::Resubmit | RActionKind::Withdraw)
    }
}

/// The transitions of a residence application. `Approve` leads to `Approved` for a standalone
/// application; the service turns it into `JointPending` while the work permit awaits labour.
pub fn next_rstate(from: RState, action: RActionKind) -> Option<RState> {
    use RActionKind as A;
    use RState as S;
    Some(match (from, action) {
        (S::Submitted, A::StartReview) => S::UnderReview,
        (S::Submitted | S::UnderReview, A::InspectPassport) => from,
        (S::UnderReview, A::RequestCorrections) => S::CorrectionsRequested,
        (S::CorrectionsRequested, A::Resubmit) => S::UnderReview,
        (S::UnderReview, A::Approve) => S::Approved,
        (S::UnderReview, A::Refuse) => S::Refused,
        (s, A::Withdraw) if !s.is_final() => S::Withdrawn,
        _ => return None,
    })
}

pub fn ractions_from(state: RState) -> Vec<RActionKind> {
    RActionKind::ALL
        .into_iter()
        .filter(|a| next_rstate(state, *a).is_some())
        .collect()
}

/// A residence application as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidenceApplication {
    pub id: ResidenceApplicationId,
    pub receipt_number: ReceiptNumber,
    pub person_id: PersonId,
    pub employer_id: EmployerId,
    pub city: City,
    /// The work permit it rests on; none while a one-stop work permit is still being decided.
    pub permit_number: Option<PermitNumber>,
    pub evidence: PermitEvidence,
    pub role_at_employer: RoleAtEmployer,
    /// The period asked for, in months.
    pub requested_months: u32,
    pub state: RState,
    pub version: i64,
    /// When the passport was inspected on site; it is handed back at once and never kept.
    pub passport_inspected_at: Option<DateTime<Utc>>,
    /// What immigration granted, kept while the joint decision waits and after issue.
    pub grant: Option<ResidenceGrant>,
    pub residence_permit_id: Option<ResidencePermitId>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl ResidenceApplication {
    /// The work application it was submitted with, under one-stop acceptance.
    pub fn joint_with(&self) -> Option<ApplicationId> {
        match self.evidence {
            PermitEvidence::OneStop { application_id } => Some(application_id),
            _ => None,
        }
    }
}

/// An action with what it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RAction {
    StartReview,
    InspectPassport,
    RequestCorrections { items: Vec<Text> },
    Resubmit,
    Approve { grant: ResidenceGrant },
    Refuse { reasons: Vec<Text> },
    Withdraw,
}

impl RAction {
    pub fn kind(&self) -> RActionKind {
        match self {
            RAction::StartReview => RActionKind::StartReview,
            RAction::InspectPassport => RActionKind::InspectPassport,
            RAction::RequestCorrections { .. } => RActionKind::RequestCorrections,
            RAction::Resubmit => RActionKind::Resubmit,
            RAction::Approve { .. } => RActionKind::Approve,
            RAction::Refuse { .. } => RActionKind::Refuse,
            RAction::Withdraw => RActionKind::Withdraw,
        }
    }
    pub fn notes(&self) -> Vec<String> {
        match self {
            RAction::RequestCorrections { items: v } | RAction::Refuse { reasons: v } => {
                v.iter().map(|t| t.to_string()).collect()
            }
            _ => Vec::new(),
        }
    }
}

/// Why a residence transition is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RTransitionError {
    #[error("{action:?} is not allowed from {from:?}")]
    Illegal { from: RState, action: RActionKind },
    #[error("the application was changed: version {current}, not {seen}")]
    Stale { current: i64, seen: i64 },
    #[error(transparent)]
    Invalid(#[from] FieldError),
}

/// Applies an action to `app` as seen at version `seen`: checks the table, the version, that the
/// passport was inspected before approval, and the period against `max_to` (the rule's limit).
pub fn apply(
    app: &ResidenceApplication,
    action: &RAction,
    seen: i64,
    today: NaiveDate,
    max_to: NaiveDate,
) -> Result<RState, RTransitionError> {
    if app.version != seen {
        return Err(RTransitionError::Stale {
            current: app.version,
            seen,
        });
    }
    let kind = action.kind();
    let to = next_rstate(app.state, kind).ok_or(RTransitionError::Illegal {
        from: app.state,
        action: kind,
    })?;
    if let RAction::Approve { grant } = action {
        if app.passport_inspected_at.is_none() {
            return Err(FieldError::new("passport", "passport_not_inspected").into());
        }
        check_grant(grant, today, max_to)?;
    }
    Ok(to)
}

/// Shortest period a work-type residence permit is given for.
pub const MIN_DAYS: u64 = 90;

/// Checks a granted period: from today on, at least 90 days, and not past `max_to`.
pub fn check_grant(
    g: &ResidenceGrant,
    today: NaiveDate,
    max_to: NaiveDate,
) -> Result<(), FieldError> {
    if g.valid_from < today {
        return Err(FieldError::new("grant.valid_from", "date_in_past"));
    }
    if g.valid_to < g.valid_from + Days::new(MIN_DAYS) {
        return Err(FieldError::new("grant.valid_to", "residence_too_short").with("days", MIN_DAYS));
    }
    if g.valid_to > max_to {
        return Err(
            FieldError::new("grant.valid_to", "residence_too_long").with("max_valid_to", max_to)
        );
    }
    Ok(())
}

/// The residence rules of a policy: how long a permit may run, and who gets the long one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResidenceRules {
    /// The usual limit, which also never runs past the work permit's end.
    pub standard_max_months: u32,
    /// The limit for those who qualify (five years), not bound by the work permit's end: a
    /// cancelled work permit flags the residence permit for review instead.
    pub long_max_months: u32,
    /// Consecutive earlier work-type residence permits, each longer than `long_each_min_months`.
    pub long_after_consecutive: u32,
    pub long_each_min_months: u32,
    /// Immigration's time limit for a decision, in working days after submission.
    pub decision_working_days: u32,
    /// Well-known enterprises and research institutions whose managers and professionals
    /// qualify, by unified social credit code.
    pub qualifying_employers: Vec<Uscc>,
}

impl Default for ResidenceRules {
    fn default() -> Self {
        ResidenceRules {
            standard_max_months: 24,
            long_max_months: 60,
            long_after_consecutive: 2,
            long_each_min_months: 12,
            decision_working_days: 15,
            qualifying_employers: Vec::new(),
        }
    }
}

/// An earlier residence permit of the holder, as the rule reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PastPermit {
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub work_type: bool,
}

/// Why a holder may have a long permit, if they may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LongReason {
    ConsecutivePermits,
    QualifyingEmployer,
}

impl LongReason {
    pub fn as_str(&self) -> &'static str {
        match self {
            LongReason::ConsecutivePermits => "consecutive_permits",
            LongReason::QualifyingEmployer => "qualifying_employer",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        [
            LongReason::ConsecutivePermits,
            LongReason::QualifyingEmployer,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// The longest a new permit starting on `from` may run, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limit {
    pub max_valid_to: NaiveDate,
    pub long: Option<LongReason>,
}

/// Two permits are consecutive when the later starts no more than this many days after the
/// earlier ends (a renewal is filed before expiry; a short gap is tolerated).
const CONSECUTIVE_GAP_DAYS: u64 = 30;

impl ResidenceRules {
    /// Whether the holder qualifies for a long permit: the last `long_after_consecutive` permits
    /// were work-type, each over `long_each_min_months`, without gaps; or a manager or
    /// professional at a qualifying employer.
    pub fn long_reason(
        &self,
        history: &[PastPermit],
        employer: &Uscc,
        role: RoleAtEmployer,
    ) -> Option<LongReason> {
        if role != RoleAtEmployer::Other && self.qualifying_employers.contains(employer) {
            return Some(LongReason::QualifyingEmployer);
        }
        let n = self.long_after_consecutive as usize;
        if n == 0 || history.len() < n {
            return None;
        }
        let mut sorted = history.to_vec();
        sorted.sort_by_key(|p| p.valid_from);
        let last = &sorted[sorted.len() - n..];
        let long_enough = |p: &PastPermit| {
            p.work_type
                && p.valid_from
                    .checked_add_months(Months::new(self.long_each_min_months))
                    .is_some_and(|m| p.valid_to > m)
        };
        let consecutive = last
            .windows(2)
            .all(|w| w[1].valid_from <= w[0].valid_to + Days::new(CONSECUTIVE_GAP_DAYS));
        (last.iter().all(long_enough) && consecutive).then_some(LongReason::ConsecutivePermits)
    }

    /// The limit for a permit starting on `from` for someone whose work permit ends on
    /// `work_permit_to`.
    pub fn limit(
        &self,
        from: NaiveDate,
        work_permit_to: NaiveDate,
        long: Option<LongReason>,
    ) -> Limit {
        let months = |m: u32| from.checked_add_months(Months::new(m)).unwrap_or(from);
        match long {
            Some(reason) => Limit {
                max_valid_to: months(self.long_max_months),
                long: Some(reason),
            },
            None => Limit {
                max_valid_to: months(self.standard_max_months).min(work_permit_to),
                long: None,
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResidenceStatus {
    Valid,
    /// The work permit it rested on was cancelled: immigration decides whether it stands.
    UnderReview,
    Cancelled,
}

impl ResidenceStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            ResidenceStatus::Valid => "valid",
            ResidenceStatus::UnderReview => "under_review",
            ResidenceStatus::Cancelled => "cancelled",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        [
            ResidenceStatus::Valid,
            ResidenceStatus::UnderReview,
            ResidenceStatus::Cancelled,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// A work-type residence permit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidencePermit {
    pub id: ResidencePermitId,
    pub number: ResidencePermitNumber,
    pub holder_id: PersonId,
    pub employer_id: EmployerId,
    pub work_permit_number: PermitNumber,
    pub city: City,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub status: ResidenceStatus,
    pub status_changed_on: Option<NaiveDate>,
    pub long_reason: Option<LongReason>,
    pub application_id: ResidenceApplicationId,
    /// When the holder collected it at the issuing office; until then it awaits collection.
    pub collected_at: Option<DateTime<Utc>>,
}

impl ResidencePermit {
    pub fn is_valid_on(&self, today: NaiveDate) -> bool {
        self.status == ResidenceStatus::Valid && today >= self.valid_from && today <= self.valid_to
    }
}

/// A filing that keeps the permit as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilingKind {
    /// The holder moved to another region of the same enterprise.
    RegionMove,
    /// The holder takes up degree study.
    DegreeStudy,
}

impl FilingKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            FilingKind::RegionMove => "region_move",
            FilingKind::DegreeStudy => "degree_study",
        }
    }
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        [FilingKind::RegionMove, FilingKind::DegreeStudy]
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| FieldError::new(field, "filing_kind_value"))
    }
}

/// Where each agency stands on one half of a one-stop submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stance {
    /// Still deciding (or waiting for corrections).
    Open,
    Approved,
    Refused,
    Withdrawn,
}

/// What the two stances together call for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joint {
    /// Keep waiting for the other agency.
    Wait,
    /// Both approved: issue both, in one transaction.
    IssueBoth,
    /// One refused (or the application was withdrawn): end the other too.
    EndBoth,
    /// Both already ended.
    Ended,
}

/// The rule of parallel approval and simultaneous issuance, as one table.
pub fn joint(labour: Stance, immigration: Stance) -> Joint {
    use Stance::*;
    match (labour, immigration) {
        (Approved, Approved) => Joint::IssueBoth,
        (Refused | Withdrawn, Refused | Withdrawn) => Joint::Ended,
        (Refused | Withdrawn, _) | (_, Refused | Withdrawn) => Joint::EndBoth,
        _ => Joint::Wait,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn past(from: &str, to: &str) -> PastPermit {
        PastPermit {
            valid_from: d(from),
            valid_to: d(to),
            work_type: true,
        }
    }

    fn uscc() -> Uscc {
        Uscc::from_trusted("91110000100000000A".into())
    }

    #[test]
    fn only_review_decides_and_final_states_stay() {
        for s in RState::ALL {
            for a in [
                RActionKind::Approve,
                RActionKind::Refuse,
                RActionKind::RequestCorrections,
            ] {
                assert_eq!(
                    next_rstate(s, a).is_some(),
                    s == RState::UnderReview,
                    "{s:?} {a:?}"
                );
            }
            if s.is_final() {
                assert!(ractions_from(s).is_empty(), "{s:?}");
            } else {
                assert!(ractions_from(s).contains(&RActionKind::Withdraw), "{s:?}");
            }
        }
        // A joint-pending application waits: only withdrawal moves it by hand.
        assert_eq!(
            ractions_from(RState::JointPending),
            vec![RActionKind::Withdraw]
        );
    }

    #[test]
    fn joint_issues_only_when_both_approve() {
        use Stance::*;
        let all = [Open, Approved, Refused, Withdrawn];
        for l in all {
            for i in all {
                let j = joint(l, i);
                assert_eq!(
                    j == Joint::IssueBoth,
                    l == Approved && i == Approved,
                    "{l:?} {i:?}"
                );
                let ended = |s| matches!(s, Refused | Withdrawn);
                assert_eq!(j == Joint::EndBoth, ended(l) != ended(i), "{l:?} {i:?}");
                assert_eq!(
                    j == Joint::Wait,
                    !(ended(l) || ended(i) || l == Approved && i == Approved)
                );
            }
        }
    }

    #[test]
    fn long_permits_for_two_consecutive_long_permits() {
        let r = ResidenceRules::default();
        let other = RoleAtEmployer::Other;
        let two = [
            past("2022-01-01", "2023-06-30"),
            past("2023-07-10", "2025-06-30"),
        ];
        assert_eq!(
            r.long_reason(&two, &uscc(), other),
            Some(LongReason::ConsecutivePermits)
        );
        // One of them a year exactly: not over a year.
        let short = [
            past("2022-01-01", "2023-01-01"),
            past("2023-01-02", "2025-06-30"),
        ];
        assert_eq!(r.long_reason(&short, &uscc(), other), None);
        // A gap of more than 30 days breaks the run.
        let gap = [
            past("2022-01-01", "2023-06-30"),
            past("2023-08-15", "2025-06-30"),
        ];
        assert_eq!(r.long_reason(&gap, &uscc(), other), None);
        // Only one.
        assert_eq!(r.long_reason(&two[..1], &uscc(), other), None);
        // Not work-type.
        let mut study = two;
        study[0].work_type = false;
        assert_eq!(r.long_reason(&study, &uscc(), other), None);
    }

    #[test]
    fn long_permits_for_managers_at_qualifying_employers() {
        let mut r = ResidenceRules::default();
        assert_eq!(r.long_reason(&[], &uscc(), RoleAtEmployer::Manager), None);
        r.qualifying_employers.push(uscc());
        assert_eq!(
            r.long_reason(&[], &uscc(), RoleAtEmployer::Professional),
            Some(LongReason::QualifyingEmployer)
        );
        assert_eq!(r.long_reason(&[], &uscc(), RoleAtEmployer::Other), None);
    }

    #[test]
    fn limits() {
        let r = ResidenceRules::default();
        let from = d("2026-12-01");
        // Standard: two years, but never past the work permit.
        assert_eq!(
            r.limit(from, d("2030-01-01"), None).max_valid_to,
            d("2028-12-01")
        );
        assert_eq!(
            r.limit(from, d("2027-06-30"), None).max_valid_to,
            d("2027-06-30")
        );
        // Long: five years.
        let long = r.limit(from, d("2027-06-30"), Some(LongReason::ConsecutivePermits));
        assert_eq!(long.max_valid_to, d("2031-12-01"));
        let today = d("2026-11-24");
        let g = |a: &str, b: &str| ResidenceGrant {
            valid_from: d(a),
            valid_to: d(b),
        };
        assert!(check_grant(&g("2026-12-01", "2027-06-30"), today, d("2027-06-30")).is_ok());
        assert_eq!(
            check_grant(&g("2026-12-01", "2027-07-01"), today, d("2027-06-30"))
                .unwrap_err()
                .code,
            "residence_too_long"
        );
        assert_eq!(
            check_grant(&g("2026-12-01", "2027-01-01"), today, d("2027-06-30"))
                .unwrap_err()
                .code,
            "residence_too_short"
        );
        assert_eq!(
            check_grant(&g("2026-11-01", "2027-06-30"), today, d("2027-06-30"))
                .unwrap_err()
                .code,
            "date_in_past"
        );
    }
}
