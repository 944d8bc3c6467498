//! Applications: the four kinds, what each asks for, the state machine they move through, and
//! the time limits for filing them.

use crate::FieldError;
use crate::city::City;
use crate::ids::{ApplicationId, EmployerId, PersonId};
use crate::numbers::{PermitNumber, ReceiptNumber};
use crate::permit::{Category, Permit, PermitStatus};
use crate::values::{Money, PassportNumber, PersonName, Text};
use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationKind {
    /// A first permit, applied for from abroad in one step.
    New,
    Extension,
    Change,
    Cancellation,
}

impl ApplicationKind {
    pub const ALL: [ApplicationKind; 4] = [
        ApplicationKind::New,
        ApplicationKind::Extension,
        ApplicationKind::Change,
        ApplicationKind::Cancellation,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            ApplicationKind::New => "new",
            ApplicationKind::Extension => "extension",
            ApplicationKind::Change => "change",
            ApplicationKind::Cancellation => "cancellation",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// What changed, for a change application, with the new value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Change {
    /// The holder moved to the employer that files the change.
    Employer,
    Position {
        new_position: Text,
    },
    Name {
        new_name: PersonName,
    },
    Passport {
        new_passport_number: PassportNumber,
    },
}

impl Change {
    pub fn as_str(&self) -> &'static str {
        match self {
            Change::Employer => "employer",
            Change::Position { .. } => "position",
            Change::Name { .. } => "name",
            Change::Passport { .. } => "passport",
        }
    }
}

/// What an application asks for, by kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Details {
    New {
        position: Text,
        annual_salary: Money,
        contract_start: NaiveDate,
        contract_end: NaiveDate,
        /// The employer's own view of the category; the officer decides.
        requested_category: Option<Category>,
    },
    Extension {
        permit_number: PermitNumber,
        /// The new end of the employment contract, which bounds the extension.
        contract_end: NaiveDate,
    },
    Change {
        permit_number: PermitNumber,
        change: Change,
        /// The day the change took effect; the filing is due within 10 days of it.
        change_date: NaiveDate,
    },
    Cancellation {
        permit_number: PermitNumber,
        employment_end: NaiveDate,
        reason: Text,
    },
}

impl Details {
    pub fn kind(&self) -> ApplicationKind {
        match self {
            Details::New { .. } => ApplicationKind::New,
            Details::Extension { .. } => ApplicationKind::Extension,
            Details::Change { .. } => ApplicationKind::Change,
            Details::Cancellation { .. } => ApplicationKind::Cancellation,
        }
    }

    /// The permit an extension, change or cancellation is about.
    pub fn permit_number(&self) -> Option<&PermitNumber> {
        match self {
            Details::New { .. } => None,
            Details::Extension { permit_number, .. }
            | Details::Change { permit_number, .. }
            | Details::Cancellation { permit_number, .. } => Some(permit_number),
        }
    }

    /// Checks that hold whatever the date: a contract ends after it starts.
    pub fn check(&self) -> Result<(), FieldError> {
        if let Details::New {
            contract_start,
            contract_end,
            ..
        } = self
            && contract_end <= contract_start
        {
            return Err(FieldError::new(
                "details.contract_end",
                "contract_end_before_start",
            ));
        }
        Ok(())
    }
}

/// Days before expiry within which an extension is filed: no earlier than 90, no later than 30.
pub const EXTENSION_WINDOW_DAYS: (u64, u64) = (90, 30);
/// Days after the event within which a change or a cancellation is filed.
pub const REPORTING_DAYS: u64 = 10;

/// Checks the statutory time limits of filing on `today`, for an application about `permit`
/// (the current revision of the permit it names, if any).
pub fn check_filing(
    details: &Details,
    permit: Option<&Permit>,
    today: NaiveDate,
) -> Result<(), FieldError> {
    details.check()?;
    let Some(number) = details.permit_number() else {
        return Ok(());
    };
    let permit = match permit {
        Some(p) if &p.number == number => p,
        _ => return Err(FieldError::new("details.permit_number", "permit_not_found")),
    };
    if permit.status_on(today) != PermitStatus::Valid {
        return Err(FieldError::new("details.permit_number", "permit_not_valid")
            .with("status", permit.status_on(today).as_str()));
    }
    match details {
        Details::New { .. } => Ok(()),
        Details::Extension { contract_end, .. } => {
            let opens = permit.valid_to - Days::new(EXTENSION_WINDOW_DAYS.0);
            let closes = permit.valid_to - Days::new(EXTENSION_WINDOW_DAYS.1);
            if today < opens || today > closes {
                return Err(FieldError::new("details.permit_number", "extension_window")
                    .with("opens", opens)
                    .with("closes", closes));
            }
            if *contract_end <= permit.valid_to {
                return Err(FieldError::new(
                    "details.contract_end",
                    "contract_end_not_after_permit",
                )
                .with("valid_to", permit.valid_to));
            }
            Ok(())
        }
        Details::Change { change_date, .. } => {
            within_reporting("details.change_date", *change_date, today)
        }
        Details::Cancellation { employment_end, .. } => {
            within_reporting("details.employment_end", *employment_end, today)
        }
    }
}

fn within_reporting(field: &str, event: NaiveDate, today: NaiveDate) -> Result<(), FieldError> {
    if event > today {
        return Err(FieldError::new(field, "date_in_future"));
    }
    let due = event + Days::new(REPORTING_DAYS);
    if today > due {
        return Err(FieldError::new(field, "reporting_deadline_passed").with("due", due));
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Draft,
    Submitted,
    /// Returned at pre-review with every missing item listed.
    Returned,
    PreReviewed,
    Accepted,
    UnderReview,
    CorrectionsRequested,
    /// Approved by the labour authority under one-stop acceptance; waiting for immigration's
    /// approval of the residence permit, so that both are issued together.
    JointPending,
    Approved,
    Refused,
    Withdrawn,
}

impl State {
    pub const ALL: [State; 11] = [
        State::Draft,
        State::Submitted,
        State::Returned,
        State::PreReviewed,
        State::Accepted,
        State::UnderReview,
        State::CorrectionsRequested,
        State::JointPending,
        State::Approved,
        State::Refused,
        State::Withdrawn,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Returned => "returned",
            State::PreReviewed => "pre_reviewed",
            State::Accepted => "accepted",
            State::UnderReview => "under_review",
            State::CorrectionsRequested => "corrections_requested",
            State::JointPending => "joint_pending",
            State::Approved => "approved",
            State::Refused => "refused",
            State::Withdrawn => "withdrawn",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn is_final(&self) -> bool {
        matches!(self, State::Approved | State::Refused | State::Withdrawn)
    }
    /// States in which the labour authority has the next move.
    pub fn awaits_officer(&self) -> bool {
        matches!(
            self,
            State::Submitted | State::PreReviewed | State::Accepted | State::UnderReview
        )
    }
}

/// Who may take an action: the applicant side (the employer, and for withdrawal the holder too)
/// or the labour authority of the application's city.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Applicant,
    Authority,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Submit,
    Resubmit,
    Withdraw,
    PassPreReview,
    Return,
    Accept,
    StartReview,
    Approve,
    Refuse,
    RequestCorrections,
}

impl ActionKind {
    pub const ALL: [ActionKind; 10] = [
        ActionKind::Submit,
        ActionKind::Resubmit,
        ActionKind::Withdraw,
        ActionKind::PassPreReview,
        ActionKind::Return,
        ActionKind::Accept,
        ActionKind::StartReview,
        ActionKind::Approve,
        ActionKind::Refuse,
        ActionKind::RequestCorrections,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            ActionKind::Submit => "submit",
            ActionKind::Resubmit => "resubmit",
            ActionKind::Withdraw => "withdraw",
            ActionKind::PassPreReview => "pass_pre_review",
            ActionKind::Return => "return",
            ActionKind::Accept => "accept",
            ActionKind::StartReview => "start_review",
            ActionKind::Approve => "approve",
            ActionKind::Refuse => "refuse",
            ActionKind::RequestCorrections => "request_corrections",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn side(&self) -> Side {
        match self {
            ActionKind::Submit | ActionKind::Resubmit | ActionKind::Withdraw => Side::Applicant,
            _ => Side::Authority,
        }
    }

    /// Whether the action decides the application, so that it must come after review.
    pub fn is_decision(&self) -> bool {
        matches!(
            self,
            ActionKind::Approve | ActionKind::Refuse | ActionKind::RequestCorrections
        )
    }
}

/// The transitions of an application, as one table: from which state an action leads where.
pub fn next_state(from: State, action: ActionKind) -> Option<State> {
    use ActionKind as A;
    use State as S;
    Some(match (from, action) {
        (S::Draft, A::Submit) => S::Submitted,
        (S::Returned, A::Resubmit) => S::Submitted,
        (S::CorrectionsRequested, A::Resubmit) => S::UnderReview,
        (S::Submitted, A::PassPreReview) => S::PreReviewed,
        (S::Submitted, A::Return) => S::Returned,
        (S::PreReviewed, A::Accept) => S::Accepted,
        (S::Accepted, A::StartReview) => S::UnderReview,
        (S::UnderReview, A::Approve) => S::Approved,
        (S::UnderReview, A::Refuse) => S::Refused,
        (S::UnderReview, A::RequestCorrections) => S::CorrectionsRequested,
        (s, A::Withdraw) if !s.is_final() => S::Withdrawn,
        _ => return None,
    })
}

/// The actions open from `state`, in the order a form offers them.
pub fn actions_from(state: State) -> Vec<ActionKind> {
    ActionKind::ALL
        .into_iter()
        .filter(|a| next_state(state, *a).is_some())
        .collect()
}

/// What an officer grants on approval of a new permit, an extension or a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub category: Category,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
}

/// An action with what it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Submit,
    Resubmit,
    Withdraw,
    PassPreReview,
    /// Every missing item, listed at once.
    Return {
        missing_items: Vec<Text>,
    },
    Accept,
    StartReview,
    /// `grant` is none for a cancellation, which grants nothing. A category other than the
    /// one the policy assessed needs the officer's written reason.
    Approve {
        grant: Option<Grant>,
        override_reason: Option<Text>,
    },
    Refuse {
        reasons: Vec<Text>,
    },
    RequestCorrections {
        items: Vec<Text>,
    },
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Submit => ActionKind::Submit,
            Action::Resubmit => ActionKind::Resubmit,
            Action::Withdraw => ActionKind::Withdraw,
            Action::PassPreReview => ActionKind::PassPreReview,
            Action::Return { .. } => ActionKind::Return,
            Action::Accept => ActionKind::Accept,
            Action::StartReview => ActionKind::StartReview,
            Action::Approve { .. } => ActionKind::Approve,
            Action::Refuse { .. } => ActionKind::Refuse,
            Action::RequestCorrections { .. } => ActionKind::RequestCorrections,
        }
    }

    /// The items or reasons the action gives, shown on the timeline.
    pub fn notes(&self) -> Vec<String> {
        match self {
            Action::Return { missing_items: v }
            | Action::Refuse { reasons: v }
            | Action::RequestCorrections { items: v } => v.iter().map(|t| t.to_string()).collect(),
            Action::Approve {
                override_reason: Some(r),
                ..
            } => vec![r.to_string()],
            _ => Vec::new(),
        }
    }
}

/// Parses a list of items or reasons: at least one, at most 50, each up to 500 characters.
pub fn parse_items(field: &str, raw: &[String]) -> Result<Vec<Text>, FieldError> {
    let items: Vec<&String> = raw.iter().filter(|s| !s.trim().is_empty()).collect();
    if items.is_empty() {
        return Err(FieldError::new(field, "items_required"));
    }
    if items.len() > 50 {
        return Err(FieldError::new(field, "too_many_items").with("max", 50));
    }
    items
        .into_iter()
        .enumerate()
        .map(|(i, s)| Text::parse(&format!("{field}[{i}]"), s, 500))
        .collect()
}

/// An application as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub id: ApplicationId,
    pub receipt_number: ReceiptNumber,
    pub details: Details,
    pub state: State,
    /// Rises by one with every change; a decision names the version it saw.
    pub version: i64,
    pub employer_id: EmployerId,
    pub person_id: PersonId,
    pub city: City,
    /// For a new permit, set on approval; otherwise the permit the application is about.
    pub permit_number: Option<PermitNumber>,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl Application {
    pub fn kind(&self) -> ApplicationKind {
        self.details.kind()
    }
}

/// Why a transition is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("{action:?} is not allowed from {from:?}")]
    Illegal { from: State, action: ActionKind },
    #[error("the application was changed: version {current}, not {seen}")]
    Stale {
        current: i64,
        seen: i64,
        state: State,
    },
    #[error(transparent)]
    Invalid(#[from] FieldError),
}

/// Applies `action` to `app` as seen at version `seen`, on `today`. Returns the new state; checks
/// the state machine, the version, and what the action carries against the application.
pub fn apply(
    app: &Application,
    action: &Action,
    seen: i64,
    today: NaiveDate,
) -> Result<State, TransitionError> {
    if app.version != seen {
        return Err(TransitionError::Stale {
            current: app.version,
            seen,
            state: app.state,
        });
    }
    let kind = action.kind();
    let to = next_state(app.state, kind).ok_or(TransitionError::Illegal {
        from: app.state,
        action: kind,
    })?;
    if let Action::Approve { grant, .. } = action {
        match (app.kind(), grant) {
            (ApplicationKind::Cancellation, None) => {}
            (ApplicationKind::Cancellation, Some(_)) => {
                return Err(FieldError::new("grant", "grant_not_allowed").into());
            }
            (_, None) => return Err(FieldError::new("grant", "required").into()),
            (_, Some(g)) => {
                crate::permit::check_validity(g.category, g.valid_from, g.valid_to, today)?
            }
        }
    }
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::PermitId;
    use crate::permit::Medium;
    use crate::values::{NamePart, Nationality};
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn permit(valid_to: &str) -> Permit {
        Permit {
            id: PermitId(uuid::Uuid::nil()),
            number: PermitNumber::new("110000", d("2025-01-01"), 1).unwrap(),
            revision: 1,
            holder_id: PersonId(uuid::Uuid::nil()),
            employer_id: EmployerId(uuid::Uuid::nil()),
            holder_name: PersonName {
                surname: NamePart::from_trusted("DOE".into()),
                given_names: None,
            },
            nationality: Nationality::parse("n", "GBR").unwrap(),
            passport_number: PassportNumber::parse("p", "123456789").unwrap(),
            category: Category::B,
            position: Text::parse("p", "Engineer", 100).unwrap(),
            city: City::parse("c", "110000").unwrap(),
            valid_from: d("2025-01-01"),
            valid_to: d(valid_to),
            status: PermitStatus::Valid,
            status_changed_on: None,
            medium: Medium::Electronic,
            application_id: None,
        }
    }

    #[test]
    fn extension_window_is_90_to_30_days_before_expiry() {
        let p = permit("2027-03-31");
        let ext = Details::Extension {
            permit_number: p.number.clone(),
            contract_end: d("2029-03-31"),
        };
        assert!(check_filing(&ext, Some(&p), d("2026-12-31")).is_ok()); // 90 days before
        assert!(check_filing(&ext, Some(&p), d("2027-03-01")).is_ok()); // 30 days before
        let early = check_filing(&ext, Some(&p), d("2026-12-30")).unwrap_err();
        assert_eq!(early.code, "extension_window");
        assert_eq!(early.params[0], ("opens", "2026-12-31".to_string()));
        assert_eq!(
            check_filing(&ext, Some(&p), d("2027-03-02"))
                .unwrap_err()
                .code,
            "extension_window"
        );
    }

    #[test]
    fn change_and_cancellation_within_ten_days() {
        let p = permit("2028-01-01");
        let cancel = |end: &str| Details::Cancellation {
            permit_number: p.number.clone(),
            employment_end: d(end),
            reason: Text::parse("r", "Contract ended", 100).unwrap(),
        };
        assert!(check_filing(&cancel("2026-11-13"), Some(&p), d("2026-11-23")).is_ok());
        assert_eq!(
            check_filing(&cancel("2026-11-12"), Some(&p), d("2026-11-23"))
                .unwrap_err()
                .code,
            "reporting_deadline_passed"
        );
        assert_eq!(
            check_filing(&cancel("2026-11-24"), Some(&p), d("2026-11-23"))
                .unwrap_err()
                .code,
            "date_in_future"
        );
        let change = Details::Change {
            permit_number: p.number.clone(),
            change: Change::Employer,
            change_date: d("2026-11-20"),
        };
        assert!(check_filing(&change, Some(&p), d("2026-11-23")).is_ok());
    }

    #[test]
    fn filing_needs_a_valid_permit() {
        let mut p = permit("2027-03-31");
        p.status = PermitStatus::Cancelled;
        let change = Details::Change {
            permit_number: p.number.clone(),
            change: Change::Employer,
            change_date: d("2026-11-20"),
        };
        assert_eq!(
            check_filing(&change, Some(&p), d("2026-11-23"))
                .unwrap_err()
                .code,
            "permit_not_valid"
        );
        assert_eq!(
            check_filing(&change, None, d("2026-11-23"))
                .unwrap_err()
                .code,
            "permit_not_found"
        );
        let lapsed = permit("2026-11-01");
        let change = Details::Change {
            permit_number: lapsed.number.clone(),
            change: Change::Employer,
            change_date: d("2026-11-20"),
        };
        let e = check_filing(&change, Some(&lapsed), d("2026-11-23")).unwrap_err();
        assert_eq!(
            (e.code, e.params[0].1.as_str()),
            ("permit_not_valid", "expired")
        );
    }

    #[test]
    fn decisions_only_come_from_review() {
        for s in State::ALL {
            for a in ActionKind::ALL.into_iter().filter(ActionKind::is_decision) {
                assert_eq!(
                    next_state(s, a).is_some(),
                    s == State::UnderReview,
                    "{s:?} {a:?}"
                );
            }
        }
    }

    #[test]
    fn final_states_have_no_way_out() {
        for s in State::ALL.into_iter().filter(State::is_final) {
            assert!(actions_from(s).is_empty(), "{s:?}");
        }
        for s in State::ALL.into_iter().filter(|s| !s.is_final()) {
            assert!(actions_from(s).contains(&ActionKind::Withdraw), "{s:?}");
        }
    }

    proptest! {
        /// Along any sequence of actions, an application reaches approval only through review,
        /// and once final it stays where it is.
        #[test]
        fn random_walks_keep_the_invariants(actions in proptest::collection::vec(0..ActionKind::ALL.len(), 0..60)) {
            let mut state = State::Draft;
            let mut reviewed = false;
            for i in actions {
                let a = ActionKind::ALL[i];
                match next_state(state, a) {
                    Some(next) => {
                        prop_assert!(!state.is_final());
                        if next == State::Approved || next == State::Refused {
                            prop_assert!(reviewed);
                            prop_assert_eq!(state, State::UnderReview);
                        }
                        if next == State::UnderReview {
                            reviewed = true;
                        }
                        state = next;
                    }
                    None => prop_assert!(state.is_final() || a != ActionKind::Withdraw),
                }
            }
        }
    }
}
