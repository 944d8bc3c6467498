//! Rows as the databases return them, and their conversion into domain values. Values were
//! parsed when written, so a row that does not convert back is reported as corrupt.

use crate::{Account, DataKey, Event, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use domain::application::{Application, Details, State};
use domain::city::City;
use domain::ids::*;
use domain::numbers::{PermitNumber, ReceiptNumber};
use domain::party::{Employer, EmployerKind, Person, Uscc};
use domain::permit::{Category, Medium, Permit, PermitStatus};
use domain::role::{Role, Scope};
use domain::values::*;
use uuid::Uuid;

fn corrupt(what: &str, value: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {value}"))
}

fn city(s: &str) -> Result<City, StoreError> {
    City::parse("city", s).map_err(|_| corrupt("city", s))
}

#[derive(sqlx::FromRow)]
pub struct AccountRow {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub employer_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
    pub city: Option<String>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<AccountRow> for Account {
    type Error = StoreError;
    fn try_from(r: AccountRow) -> Result<Self, StoreError> {
        let role = Role::parse("role", &r.role).map_err(|_| corrupt("role", &r.role))?;
        let need_city = || {
            r.city
                .as_deref()
                .ok_or_else(|| corrupt("officer without city", r.id))
                .and_then(city)
        };
        let scope = match role {
            Role::Applicant => Scope::Applicant {
                person_id: PersonId(
                    r.person_id
                        .ok_or_else(|| corrupt("applicant without person", r.id))?,
                ),
            },
            Role::EmployerHr => Scope::EmployerHr {
                employer_id: EmployerId(
                    r.employer_id
                        .ok_or_else(|| corrupt("HR without employer", r.id))?,
                ),
            },
            Role::LabourOfficer => Scope::LabourOfficer { city: need_city()? },
            Role::ImmigrationOfficer => Scope::ImmigrationOfficer { city: need_city()? },
            Role::SocialSecurityOfficer => Scope::SocialSecurityOfficer { city: need_city()? },
            Role::Administrator => Scope::Administrator,
        };
        Ok(Account {
            id: AccountId(r.id),
            username: r.username,
            display_name: r.display_name,
            password_hash: r.password_hash,
            scope,
            disabled: r.disabled,
            created_at: r.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct EmployerRow {
    pub id: Uuid,
    pub name: String,
    pub uscc: String,
    pub city: String,
    pub kind: String,
}

impl TryFrom<EmployerRow> for Employer {
    type Error = StoreError;
    fn try_from(r: EmployerRow) -> Result<Self, StoreError> {
        Ok(Employer {
            id: EmployerId(r.id),
            name: Text::from_trusted(r.name),
            uscc: Uscc::from_trusted(r.uscc),
            city: city(&r.city)?,
            kind: EmployerKind::parse("kind", &r.kind)
                .map_err(|_| corrupt("employer kind", &r.kind))?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct PersonRow {
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

fn name(surname: String, given_names: Option<String>) -> PersonName {
    PersonName {
        surname: NamePart::from_trusted(surname),
        given_names: given_names.map(NamePart::from_trusted),
    }
}

impl PersonRow {
    pub fn open(self, key: &DataKey) -> Result<Person, StoreError> {
        let r = self;
        let passport = key.open(
            crate::sealing::column::PEOPLE_PASSPORT,
            r.id,
            &r.passport_number,
        )?;
        Ok(Person {
            id: PersonId(r.id),
            employer_id: EmployerId(r.employer_id),
            name: name(r.surname, r.given_names),
            nationality: Nationality::parse("n", &r.nationality)
                .map_err(|_| corrupt("nationality", &r.nationality))?,
            passport_number: PassportNumber::from_trusted(passport),
            date_of_birth: r.date_of_birth,
            sex: Sex::parse("sex", &r.sex).map_err(|_| corrupt("sex", &r.sex))?,
            email: Email::from_trusted(r.email),
            phone: r.phone.map(Phone::from_trusted),
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct ApplicationRow {
    pub id: Uuid,
    pub receipt_number: String,
    pub details: String,
    pub state: String,
    pub version: i64,
    pub employer_id: Uuid,
    pub person_id: Uuid,
    pub city: String,
    pub permit_number: Option<String>,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl ApplicationRow {
    pub fn open(self, key: &DataKey) -> Result<Application, StoreError> {
        let r = self;
        let details: Details = key.open_json_text(
            crate::sealing::column::APPLICATIONS_DETAILS,
            r.id,
            &r.details,
        )?;
        Ok(Application {
            id: ApplicationId(r.id),
            receipt_number: ReceiptNumber::from_trusted(r.receipt_number),
            details,
            state: State::from_code(&r.state).ok_or_else(|| corrupt("state", &r.state))?,
            version: r.version,
            employer_id: EmployerId(r.employer_id),
            person_id: PersonId(r.person_id),
            city: city(&r.city)?,
            permit_number: r.permit_number.map(PermitNumber::from_trusted),
            created_at: r.created_at,
            submitted_at: r.submitted_at,
            decided_at: r.decided_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct EventRow {
    pub id: Uuid,
    pub application_id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub actor_role: Option<String>,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub notes: String,
}

impl TryFrom<EventRow> for Event {
    type Error = StoreError;
    fn try_from(r: EventRow) -> Result<Self, StoreError> {
        let state = |s: &str| State::from_code(s).ok_or_else(|| corrupt("state", s));
        Ok(Event {
            id: EventId(r.id),
            application_id: ApplicationId(r.application_id),
            at: r.at,
            actor_id: r.actor_id.map(AccountId),
            actor_name: r.actor_name,
            actor_role: match r.actor_role {
                Some(s) => Some(Role::parse("role", &s).map_err(|_| corrupt("role", &s))?),
                None => None,
            },
            action: r.action,
            from_state: r.from_state.as_deref().map(state).transpose()?,
            to_state: state(&r.to_state)?,
            notes: serde_json::from_str(&r.notes).map_err(|e| corrupt("event notes", e))?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct PermitRow {
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
    pub status: String,
    pub status_changed_on: Option<NaiveDate>,
    pub medium: String,
    pub application_id: Option<Uuid>,
}

/// A permit revision with its index in the status list.
#[derive(sqlx::FromRow)]
pub struct IndexedPermitRow {
    pub status_idx: i64,
    #[sqlx(flatten)]
    pub permit: PermitRow,
}

impl PermitRow {
    pub fn open(self, key: &DataKey) -> Result<Permit, StoreError> {
        let r = self;
        let passport = key.open(
            crate::sealing::column::PERMITS_PASSPORT,
            r.id,
            &r.passport_number,
        )?;
        Ok(Permit {
            id: PermitId(r.id),
            number: PermitNumber::from_trusted(r.number),
            revision: r.revision,
            holder_id: PersonId(r.holder_id),
            employer_id: EmployerId(r.employer_id),
            holder_name: name(r.surname, r.given_names),
            nationality: Nationality::parse("n", &r.nationality)
                .map_err(|_| corrupt("nationality", &r.nationality))?,
            passport_number: PassportNumber::from_trusted(passport),
            category: Category::parse("c", &r.category)
                .map_err(|_| corrupt("category", &r.category))?,
            position: Text::from_trusted(r.position),
            city: city(&r.city)?,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            status: PermitStatus::from_code(&r.status)
                .ok_or_else(|| corrupt("permit status", &r.status))?,
            status_changed_on: r.status_changed_on,
            medium: Medium::from_code(&r.medium).ok_or_else(|| corrupt("medium", &r.medium))?,
            application_id: r.application_id.map(ApplicationId),
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct LinkRow {
    pub seq: i64,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
    pub payload: String,
}

#[derive(sqlx::FromRow)]
pub struct AssessmentRow {
    pub application_id: Uuid,
    pub policy_version: Option<String>,
    pub pre_review_due: Option<NaiveDate>,
    pub decision_due: Option<NaiveDate>,
    pub profile: Option<String>,
    pub facts: Option<String>,
    pub result: Option<String>,
}

fn from_json<T: serde::de::DeserializeOwned>(
    what: &str,
    s: Option<String>,
) -> Result<Option<T>, StoreError> {
    s.map(|s| serde_json::from_str(&s).map_err(|e| corrupt(what, e)))
        .transpose()
}

impl TryFrom<AssessmentRow> for crate::AssessmentRecord {
    type Error = StoreError;
    fn try_from(r: AssessmentRow) -> Result<Self, StoreError> {
        Ok(crate::AssessmentRecord {
            application_id: ApplicationId(r.application_id),
            policy_version: r.policy_version,
            pre_review_due: r.pre_review_due,
            decision_due: r.decision_due,
            profile: from_json("assessment profile", r.profile)?,
            facts: from_json("assessment facts", r.facts)?,
            result: from_json("assessment result", r.result)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct AssessedRow {
    pub application_id: Uuid,
    pub receipt_number: String,
    pub policy_version: Option<String>,
    pub facts: Option<String>,
    pub category: Option<String>,
    pub eligible: Option<bool>,
}

impl TryFrom<AssessedRow> for crate::Assessed {
    type Error = StoreError;
    fn try_from(r: AssessedRow) -> Result<Self, StoreError> {
        let missing = |what: &str| corrupt(what, r.application_id);
        let category = r
            .category
            .as_deref()
            .ok_or_else(|| missing("assessed without category"))?;
        Ok(crate::Assessed {
            application_id: ApplicationId(r.application_id),
            receipt_number: ReceiptNumber::parse("receipt_number", &r.receipt_number)
                .map_err(|_| corrupt("receipt number", &r.receipt_number))?,
            policy_version: r
                .policy_version
                .clone()
                .ok_or_else(|| missing("assessed without policy version"))?,
            facts: from_json("assessment facts", r.facts.clone())?
                .ok_or_else(|| missing("assessed without facts"))?,
            category: Category::parse("category", category)
                .map_err(|_| corrupt("category", category))?,
            eligible: r
                .eligible
                .ok_or_else(|| missing("assessed without eligibility"))?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct NoticeRow {
    pub id: Uuid,
    pub recipient_kind: String,
    pub recipient_id: Uuid,
    pub topic: String,
    pub params: String,
    pub link: Option<String>,
    pub dedupe_key: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl NoticeRow {
    pub fn open(self, key: &DataKey) -> Result<crate::StoredNotice, StoreError> {
        let r = self;
        let corrupt = |what: &str| StoreError::Corrupt(format!("notice {}: {what}", r.id));
        let recipient = domain::notice::Recipient::from_parts(&r.recipient_kind, r.recipient_id)
            .ok_or_else(|| corrupt("recipient"))?;
        let topic =
            domain::notice::Topic::parse("topic", &r.topic).map_err(|_| corrupt("topic"))?;
        let mut params: Vec<(String, String)> =
            serde_json::from_str(&r.params).map_err(|_| corrupt("params"))?;
        key.open_pairs(crate::sealing::column::NOTICES_PARAMS, r.id, &mut params)?;
        let link = r
            .link
            .as_deref()
            .map(|l| domain::notice::SitePath::parse("link", l))
            .transpose()
            .map_err(|_| corrupt("link"))?;
        Ok(crate::StoredNotice {
            id: domain::ids::NoticeId(r.id),
            recipient,
            topic,
            params,
            link,
            dedupe_key: r.dedupe_key,
            created_at: r.created_at,
            read_at: r.read_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct DeliveryRow {
    pub delivery_id: Uuid,
    pub channel: String,
    pub target: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub claimed_by: Option<String>,
    pub claimed_until: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub failing: bool,
    #[sqlx(flatten)]
    pub notice: NoticeRow,
}

impl DeliveryRow {
    pub fn open(self, key: &DataKey) -> Result<crate::Delivery, StoreError> {
        let r = self;
        let channel = domain::notice::Channel::parse(&r.channel)
            .ok_or_else(|| StoreError::Corrupt(format!("outbox {}: channel", r.delivery_id)))?;
        Ok(crate::Delivery {
            id: domain::ids::DeliveryId(r.delivery_id),
            channel,
            target: r.target,
            attempts: r.attempts.max(0) as u32,
            next_attempt_at: r.next_attempt_at,
            claimed_by: r.claimed_by,
            claimed_until: r.claimed_until,
            delivered_at: r.delivered_at,
            last_error: r.last_error,
            failing: r.failing,
            notice: r.notice.open(key)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct RegisterCheckRow {
    pub document: String,
    pub fact: String,
    pub register: String,
    pub asked_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub outcome: String,
    pub reason: Option<String>,
    pub reference: Option<String>,
    pub as_of: Option<NaiveDate>,
    pub answer: String,
}

impl RegisterCheckRow {
    /// The row of a check about `application`.
    pub fn open(
        self,
        key: &DataKey,
        application: Uuid,
    ) -> Result<domain::registers::Evidence, StoreError> {
        let r = self;
        let answer = if r.answer.is_empty() {
            r.answer
        } else {
            key.open(
                crate::sealing::column::REGISTER_CHECKS_ANSWER,
                application,
                &r.answer,
            )?
        };
        let corrupt = |what: &str| StoreError::Corrupt(format!("register check {what}"));
        Ok(domain::registers::Evidence {
            document: domain::policy::DocumentKind::from_code(&r.document)
                .ok_or_else(|| corrupt("document"))?,
            fact: domain::registers::RegisterKind::from_code(&r.fact)
                .ok_or_else(|| corrupt("fact"))?,
            outcome: domain::registers::Outcome::from_parts(
                &r.outcome,
                r.reason,
                r.reference,
                r.as_of,
            )
            .ok_or_else(|| corrupt("outcome"))?,
            register: r.register,
            asked_at: r.asked_at,
            answered_at: r.answered_at,
            answer,
        })
    }
}
