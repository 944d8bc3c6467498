//! What the API answers: plain representations of domain values.

use chrono::{DateTime, NaiveDate, Utc};
use domain::application::Application;
use domain::party::{Employer, Person};
use domain::permit::Permit;
use serde::Serialize;
use store::{Account, Event};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountOut {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub employer_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
    pub city: Option<String>,
}

impl From<&domain::role::Principal> for AccountOut {
    fn from(p: &domain::role::Principal) -> Self {
        AccountOut {
            id: p.account_id.0,
            username: p.username.clone(),
            display_name: p.display_name.clone(),
            role: p.role().as_str().into(),
            employer_id: p.scope.employer_id().map(|e| e.0),
            person_id: p.scope.person_id().map(|e| e.0),
            city: p.scope.city().map(|c| c.code().into()),
        }
    }
}

impl From<&Account> for AccountOut {
    fn from(a: &Account) -> Self {
        (&a.principal()).into()
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    pub account: AccountOut,
    /// Send it back in `X-CSRF-Token` with every change made through this session.
    pub csrf_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTokenOut {
    pub name: String,
    /// Shown once: send it as `Authorization: Bearer <token>`.
    pub token: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmployerOut {
    pub id: Uuid,
    pub name: String,
    pub uscc: String,
    pub city: String,
    pub kind: String,
}

impl From<&Employer> for EmployerOut {
    fn from(e: &Employer) -> Self {
        EmployerOut {
            id: e.id.0,
            name: e.name.to_string(),
            uscc: e.uscc.to_string(),
            city: e.city.code().into(),
            kind: e.kind.as_str().into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonOut {
    pub id: Uuid,
    pub employer_id: Uuid,
    pub surname: String,
    pub given_names: Option<String>,
    pub nationality: String,
    pub passport_number: String,
    pub date_of_birth: NaiveDate,
    pub sex: String,
    pub email: String,
    pub phone: Option<String>,
}

impl From<&Person> for PersonOut {
    fn from(p: &Person) -> Self {
        PersonOut {
            id: p.id.0,
            employer_id: p.employer_id.0,
            surname: p.name.surname.to_string(),
            given_names: p.name.given_names.as_ref().map(|g| g.to_string()),
            nationality: p.nationality.to_string(),
            passport_number: p.passport_number.to_string(),
            date_of_birth: p.date_of_birth,
            sex: p.sex.as_str().into(),
            email: p.email.to_string(),
            phone: p.phone.as_ref().map(|p| p.to_string()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationOut {
    pub id: Uuid,
    pub receipt_number: String,
    pub kind: String,
    pub state: String,
    /// Send it with a decision: a decision on an older version is refused.
    pub version: i64,
    pub employer_id: Uuid,
    pub person_id: Uuid,
    pub city: String,
    pub permit_number: Option<String>,
    /// What the application asks for; its fields depend on `kind`.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    /// In lists: the deadline that holds in the current state (the pre-review's, then the
    /// decision's), in working days under the policy in force at submission.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<chrono::NaiveDate>,
    /// In lists: the deadline has passed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue: Option<bool>,
}

impl ApplicationOut {
    /// With the deadline that holds, as of `today`.
    pub fn with_due(mut self, due: Option<chrono::NaiveDate>, today: chrono::NaiveDate) -> Self {
        self.due = due;
        self.overdue = due.map(|d| d < today);
        self
    }
}

impl From<&Application> for ApplicationOut {
    fn from(a: &Application) -> Self {
        ApplicationOut {
            id: a.id.0,
            receipt_number: a.receipt_number.to_string(),
            kind: a.kind().as_str().into(),
            state: a.state.as_str().into(),
            version: a.version,
            employer_id: a.employer_id.0,
            person_id: a.person_id.0,
            city: a.city.code().into(),
            permit_number: a.permit_number.as_ref().map(|p| p.to_string()),
            details: serde_json::to_value(&a.details).expect("serialisable"),
            created_at: a.created_at,
            submitted_at: a.submitted_at,
            decided_at: a.decided_at,
            due: None,
            overdue: None,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventOut {
    pub at: DateTime<Utc>,
    pub actor_name: String,
    pub actor_role: Option<String>,
    /// `created` or the step taken.
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    /// Missing items, reasons or corrections given with the step.
    pub notes: Vec<String>,
}

impl From<&Event> for EventOut {
    fn from(e: &Event) -> Self {
        EventOut {
            at: e.at,
            actor_name: e.actor_name.clone(),
            actor_role: e.actor_role.map(|r| r.as_str().into()),
            action: e.action.clone(),
            from_state: e.from_state.map(|s| s.as_str().into()),
            to_state: e.to_state.as_str().into(),
            notes: e.notes.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PermitOut {
    pub id: Uuid,
    pub number: String,
    pub revision: i32,
    pub holder_id: Uuid,
    pub employer_id: Uuid,
    pub surname: String,
    pub given_names: Option<String>,
    pub nationality: String,
    pub passport_number: String,
    pub category: String,
    pub position: String,
    pub city: String,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// valid, expired, cancelled or superseded, as of today.
    pub status: String,
    pub status_changed_on: Option<NaiveDate>,
    pub medium: String,
    pub application_id: Option<Uuid>,
}

impl PermitOut {
    pub fn new(p: &Permit, today: NaiveDate) -> Self {
        PermitOut {
            id: p.id.0,
            number: p.number.to_string(),
            revision: p.revision,
            holder_id: p.holder_id.0,
            employer_id: p.employer_id.0,
            surname: p.holder_name.surname.to_string(),
            given_names: p.holder_name.given_names.as_ref().map(|g| g.to_string()),
            nationality: p.nationality.to_string(),
            passport_number: p.passport_number.to_string(),
            category: p.category.as_str().into(),
            position: p.position.to_string(),
            city: p.city.code().into(),
            valid_from: p.valid_from,
            valid_to: p.valid_to,
            status: p.status_on(today).as_str().into(),
            status_changed_on: p.status_changed_on,
            medium: p.medium.as_str().into(),
            application_id: p.application_id.map(|a| a.0),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationDetailOut {
    pub application: ApplicationOut,
    pub person: PersonOut,
    pub employer: EmployerOut,
    /// Every step, oldest first.
    pub timeline: Vec<EventOut>,
    /// Revisions of the permit concerned, oldest first.
    pub permit: Vec<PermitOut>,
    /// The steps the caller may take now.
    pub actions: Vec<String>,
    /// What the policy in force said at submission; none for a draft.
    pub assessment: Option<ApplicationAssessmentOut>,
    /// What other departments' registers answered at each submission, oldest first: the
    /// evidence behind documents confirmed from shared data, or the reason they are on paper.
    pub register_checks: Vec<crate::explain::ExplainedCheck>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationAssessmentOut {
    pub policy_version: Option<String>,
    pub pre_review_due: Option<chrono::NaiveDate>,
    pub decision_due: Option<chrono::NaiveDate>,
    /// The deadline that holds in the current state: the pre-review's, then the decision's.
    pub due: Option<chrono::NaiveDate>,
    pub overdue: bool,
    /// The assessment, where the employer gave the applicant's profile.
    pub result: Option<crate::explain::Explained>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyOut {
    pub version: String,
    pub effective_from: chrono::NaiveDate,
    /// In force today.
    pub in_force: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CityOut {
    pub code: String,
    pub name_en: String,
    pub name_zh: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorOut {
    /// Stable snake_case code.
    pub code: String,
    /// In the caller's language (`Accept-Language` or the `lang` cookie), naming the field.
    pub message: String,
    pub field: Option<String>,
    pub state: Option<String>,
    pub version: Option<i64>,
    /// Seconds to wait before trying again, as in the `Retry-After` header (`too_many_attempts`,
    /// `sign_in_locked`).
    pub retry_after: Option<u32>,
}
