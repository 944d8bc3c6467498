//! The repositories of the agencies beside the labour authority: residence applications and
//! permits, the steps of their cases, offices and appointments, social insurance and its cards.
//! `impl_one_stop!` writes them for each backend, as `impl_tx!` does the rest.

use crate::{Result, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::application::Grant;
use domain::appointment::{Appointment, Office};
use domain::city::City;
use domain::ids::*;
use domain::insurance::{Insurance, SocialSecurityCard};
use domain::numbers::{PermitNumber, SocialSecurityNumber};
use domain::residence::{
    FilingKind, RState, ResidenceApplication, ResidencePermit, ResidenceStatus,
};
use domain::role::Role;

/// A step in a residence application or an insurance registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseEvent {
    pub id: uuid::Uuid,
    pub case_id: uuid::Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<AccountId>,
    pub actor_name: String,
    pub actor_role: Option<Role>,
    pub action: String,
    /// The case's state after the step.
    pub state: String,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ResidenceFilter {
    pub city: Option<City>,
    pub person_id: Option<PersonId>,
    pub employer_id: Option<EmployerId>,
    pub states: Vec<RState>,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filing {
    pub id: uuid::Uuid,
    pub residence_permit_id: ResidencePermitId,
    pub kind: FilingKind,
    pub filed_on: NaiveDate,
    pub details: String,
    pub filed_by: Option<AccountId>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct InsuranceFilter {
    pub city: Option<City>,
    pub person_id: Option<PersonId>,
    pub employer_id: Option<EmployerId>,
    pub states: Vec<domain::insurance::InsuranceState>,
    pub limit: i64,
}

#[async_trait]
pub trait OneStop: Send {
    /// `Conflict("residence_application")` if the work application already has one.
    async fn insert_residence_application(&mut self, app: &ResidenceApplication) -> Result<()>;
    /// Writes `app`'s state and stamps if the stored version is still `seen`; false otherwise.
    async fn update_residence_application(
        &mut self,
        app: &ResidenceApplication,
        seen: i64,
    ) -> Result<bool>;
    async fn residence_application(
        &mut self,
        id: ResidenceApplicationId,
    ) -> Result<Option<ResidenceApplication>>;
    /// The residence application submitted with a work application (one-stop).
    async fn residence_application_for_work(
        &mut self,
        work: ApplicationId,
    ) -> Result<Option<ResidenceApplication>>;
    /// Oldest first: the queue's order, as deadlines run from submission.
    async fn list_residence_applications(
        &mut self,
        f: &ResidenceFilter,
    ) -> Result<Vec<ResidenceApplication>>;
    /// The labour authority's grant of a one-stop work permit, kept until both agencies agree.
    async fn set_joint_work_grant(
        &mut self,
        id: ResidenceApplicationId,
        grant: Option<&Grant>,
    ) -> Result<()>;
    async fn joint_work_grant(&mut self, id: ResidenceApplicationId) -> Result<Option<Grant>>;

    async fn insert_residence_permit(
        &mut self,
        p: &ResidencePermit,
        at: DateTime<Utc>,
    ) -> Result<()>;
    async fn residence_permit(&mut self, id: ResidencePermitId) -> Result<Option<ResidencePermit>>;
    /// A holder's residence permits, oldest first.
    async fn residence_permits_of(&mut self, holder: PersonId) -> Result<Vec<ResidencePermit>>;
    async fn residence_permits_on(&mut self, work: &PermitNumber) -> Result<Vec<ResidencePermit>>;
    /// Permits of a city in a status, oldest change first (the review queue).
    async fn residence_permits_in(
        &mut self,
        city: Option<City>,
        status: ResidenceStatus,
        limit: i64,
    ) -> Result<Vec<ResidencePermit>>;
    async fn set_residence_status(
        &mut self,
        id: ResidencePermitId,
        status: ResidenceStatus,
        on: NaiveDate,
    ) -> Result<()>;
    /// Marks it collected; false if it already was.
    async fn set_residence_collected(
        &mut self,
        id: ResidencePermitId,
        at: DateTime<Utc>,
    ) -> Result<bool>;
    async fn insert_filing(&mut self, f: &Filing) -> Result<()>;
    async fn filings(&mut self, permit: ResidencePermitId) -> Result<Vec<Filing>>;

    async fn insert_case_event(&mut self, e: &CaseEvent) -> Result<()>;
    async fn case_events(&mut self, case_id: uuid::Uuid) -> Result<Vec<CaseEvent>>;

    async fn insert_office(&mut self, o: &Office, at: DateTime<Utc>) -> Result<()>;
    async fn office(&mut self, id: OfficeId) -> Result<Option<Office>>;
    async fn list_offices(&mut self, city: Option<City>) -> Result<Vec<Office>>;
    /// Takes a place in a slot if fewer than `capacity` are taken; false when it is full.
    async fn take_place(&mut self, office: OfficeId, slot: &str, capacity: u32) -> Result<bool>;
    async fn release_place(&mut self, office: OfficeId, slot: &str) -> Result<()>;
    /// Places taken per slot in `[from, to)`, by slot text.
    async fn places_taken(
        &mut self,
        office: OfficeId,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, u32)>>;
    /// `Conflict("appointment_exists")` if one is already booked for the same purpose and record.
    async fn insert_appointment(&mut self, a: &Appointment) -> Result<()>;
    async fn appointment(&mut self, id: AppointmentId) -> Result<Option<Appointment>>;
    async fn update_appointment(&mut self, a: &Appointment, at: DateTime<Utc>) -> Result<()>;
    /// A person's appointments, by slot.
    async fn appointments_of(&mut self, person: PersonId) -> Result<Vec<Appointment>>;
    /// An office's booked appointments in `[from, to)`, by slot.
    async fn appointments_at(
        &mut self,
        office: OfficeId,
        from: &str,
        to: &str,
    ) -> Result<Vec<Appointment>>;

    /// `Conflict("insurance_exists")` if the person is insured or a request is open.
    async fn insert_insurance(&mut self, i: &Insurance) -> Result<()>;
    async fn update_insurance(&mut self, i: &Insurance, seen: i64) -> Result<bool>;
    async fn insurance(&mut self, id: InsuranceId) -> Result<Option<Insurance>>;
    /// The person's insurance that is not refused, if any.
    async fn insurance_of(&mut self, person: PersonId) -> Result<Option<Insurance>>;
    async fn insurance_by_ssn(&mut self, ssn: &SocialSecurityNumber) -> Result<Option<Insurance>>;
    async fn list_insurances(&mut self, f: &InsuranceFilter) -> Result<Vec<Insurance>>;
    async fn insert_card(&mut self, c: &SocialSecurityCard) -> Result<()>;
    async fn update_card(&mut self, c: &SocialSecurityCard) -> Result<()>;
    /// The cards made under an insurance, first first.
    async fn cards(&mut self, insurance: InsuranceId) -> Result<Vec<SocialSecurityCard>>;
}

fn corrupt(what: &str, value: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {value}"))
}

fn json<T: serde::de::DeserializeOwned>(what: &str, s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| corrupt(what, e))
}

pub(crate) const RESIDENCE_APPLICATION_COLUMNS: &str = "id, receipt_number, person_id, employer_id, city, permit_number, evidence, \
     role_at_employer, requested_months, state, version, passport_inspected_at, grant_json, residence_permit_id, created_at, decided_at";

#[derive(sqlx::FromRow)]
pub(crate) struct ResidenceApplicationRow {
    id: uuid::Uuid,
    receipt_number: String,
    person_id: uuid::Uuid,
    employer_id: uuid::Uuid,
    city: String,
    permit_number: Option<String>,
    evidence: String,
    role_at_employer: String,
    requested_months: i32,
    state: String,
    version: i64,
    passport_inspected_at: Option<DateTime<Utc>>,
    grant_json: Option<String>,
    residence_permit_id: Option<uuid::Uuid>,
    created_at: DateTime<Utc>,
    decided_at: Option<DateTime<Utc>>,
}

impl TryFrom<ResidenceApplicationRow> for ResidenceApplication {
    type Error = StoreError;
    fn try_from(r: ResidenceApplicationRow) -> Result<Self> {
        Ok(ResidenceApplication {
            id: ResidenceApplicationId(r.id),
            receipt_number: domain::numbers::ReceiptNumber::from_trusted(r.receipt_number),
            person_id: PersonId(r.person_id),
            employer_id: EmployerId(r.employer_id),
            city: City::parse("city", &r.city).map_err(|_| corrupt("city", &r.city))?,
            permit_number: r.permit_number.map(PermitNumber::from_trusted),
            evidence: json("evidence", &r.evidence)?,
            role_at_employer: domain::residence::RoleAtEmployer::parse("role", &r.role_at_employer)
                .map_err(|_| corrupt("role_at_employer", &r.role_at_employer))?,
            requested_months: u32::try_from(r.requested_months)
                .map_err(|_| corrupt("requested_months", r.requested_months))?,
            state: RState::from_code(&r.state).ok_or_else(|| corrupt("state", &r.state))?,
            version: r.version,
            passport_inspected_at: r.passport_inspected_at,
            grant: r
                .grant_json
                .as_deref()
                .map(|g| json("grant", g))
                .transpose()?,
            residence_permit_id: r.residence_permit_id.map(ResidencePermitId),
            created_at: r.created_at,
            decided_at: r.decided_at,
        })
    }
}

pub(crate) const RESIDENCE_PERMIT_COLUMNS: &str = "id, number, holder_id, employer_id, work_permit_number, city, valid_from, valid_to, \
     status, status_changed_on, long_reason, application_id, collected_at";

#[derive(sqlx::FromRow)]
pub(crate) struct ResidencePermitRow {
    id: uuid::Uuid,
    number: String,
    holder_id: uuid::Uuid,
    employer_id: uuid::Uuid,
    work_permit_number: String,
    city: String,
    valid_from: NaiveDate,
    valid_to: NaiveDate,
    status: String,
    status_changed_on: Option<NaiveDate>,
    long_reason: Option<String>,
    application_id: uuid::Uuid,
    collected_at: Option<DateTime<Utc>>,
}

impl TryFrom<ResidencePermitRow> for ResidencePermit {
    type Error = StoreError;
    fn try_from(r: ResidencePermitRow) -> Result<Self> {
        Ok(ResidencePermit {
            id: ResidencePermitId(r.id),
            number: domain::numbers::ResidencePermitNumber::from_trusted(r.number),
            holder_id: PersonId(r.holder_id),
            employer_id: EmployerId(r.employer_id),
            work_permit_number: PermitNumber::from_trusted(r.work_permit_number),
            city: City::parse("city", &r.city).map_err(|_| corrupt("city", &r.city))?,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            status: ResidenceStatus::from_code(&r.status)
                .ok_or_else(|| corrupt("status", &r.status))?,
            status_changed_on: r.status_changed_on,
            long_reason: r
                .long_reason
                .map(|l| {
                    domain::residence::LongReason::from_code(&l)
                        .ok_or_else(|| corrupt("long_reason", &l))
                })
                .transpose()?,
            application_id: ResidenceApplicationId(r.application_id),
            collected_at: r.collected_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct CaseEventRow {
    id: uuid::Uuid,
    case_id: uuid::Uuid,
    at: DateTime<Utc>,
    actor_id: Option<uuid::Uuid>,
    actor_name: String,
    actor_role: Option<String>,
    action: String,
    state: String,
    notes: String,
}

impl TryFrom<CaseEventRow> for CaseEvent {
    type Error = StoreError;
    fn try_from(r: CaseEventRow) -> Result<Self> {
        Ok(CaseEvent {
            id: r.id,
            case_id: r.case_id,
            at: r.at,
            actor_id: r.actor_id.map(AccountId),
            actor_name: r.actor_name,
            actor_role: r
                .actor_role
                .map(|s| Role::parse("role", &s).map_err(|_| corrupt("actor_role", &s)))
                .transpose()?,
            action: r.action,
            state: r.state,
            notes: json("notes", &r.notes)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct OfficeRow {
    id: uuid::Uuid,
    city: String,
    name: String,
    address: String,
    opens: String,
    closes: String,
    slot_minutes: i32,
    capacity: i32,
    weekdays: i32,
    closed_on: String,
}

pub(crate) const OFFICE_COLUMNS: &str =
    "id, city, name, address, opens, closes, slot_minutes, capacity, weekdays, closed_on";

impl TryFrom<OfficeRow> for Office {
    type Error = StoreError;
    fn try_from(r: OfficeRow) -> Result<Self> {
        let time = |s: &str| {
            chrono::NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| corrupt("office time", s))
        };
        Ok(Office {
            id: OfficeId(r.id),
            city: City::parse("city", &r.city).map_err(|_| corrupt("city", &r.city))?,
            name: domain::values::Text::from_trusted(r.name),
            address: domain::values::Text::from_trusted(r.address),
            opens: time(&r.opens)?,
            closes: time(&r.closes)?,
            slot_minutes: r.slot_minutes as u32,
            capacity: r.capacity as u32,
            weekdays: r.weekdays as u8,
            closed_on: json("closed_on", &r.closed_on)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AppointmentRow {
    id: uuid::Uuid,
    office_id: uuid::Uuid,
    slot: String,
    person_id: uuid::Uuid,
    purpose: String,
    state: String,
    created_at: DateTime<Utc>,
}

pub(crate) const APPOINTMENT_COLUMNS: &str =
    "id, office_id, slot, person_id, purpose, state, created_at";

impl TryFrom<AppointmentRow> for Appointment {
    type Error = StoreError;
    fn try_from(r: AppointmentRow) -> Result<Self> {
        Ok(Appointment {
            id: AppointmentId(r.id),
            office_id: OfficeId(r.office_id),
            slot: domain::appointment::parse_slot("slot", &r.slot)
                .map_err(|_| corrupt("slot", &r.slot))?,
            person_id: PersonId(r.person_id),
            purpose: json("purpose", &r.purpose)?,
            state: domain::appointment::AppointmentState::from_code(&r.state)
                .ok_or_else(|| corrupt("state", &r.state))?,
            created_at: r.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct InsuranceRow {
    id: uuid::Uuid,
    person_id: uuid::Uuid,
    employer_id: uuid::Uuid,
    city: String,
    permit_number: String,
    permit_check: String,
    state: String,
    version: i64,
    ssn: Option<String>,
    requested_at: DateTime<Utc>,
    decided_at: Option<DateTime<Utc>>,
    refusal: String,
}

/// The keyed hash that finds an insurance by its social security number.
pub(crate) fn ssn_hash(key: &crate::DataKey, ssn: &SocialSecurityNumber) -> Vec<u8> {
    key.index(crate::sealing::column::INSURANCES_SSN_HASH, &[ssn.as_str()])
}

pub(crate) const INSURANCE_COLUMNS: &str = "id, person_id, employer_id, city, permit_number, permit_check, state, version, ssn, \
     requested_at, decided_at, refusal";

impl InsuranceRow {
    pub(crate) fn open(self, key: &crate::DataKey) -> Result<Insurance> {
        let r = self;
        let ssn = key.open_opt(crate::sealing::column::INSURANCES_SSN, r.id, r.ssn)?;
        Ok(Insurance {
            id: InsuranceId(r.id),
            person_id: PersonId(r.person_id),
            employer_id: EmployerId(r.employer_id),
            city: City::parse("city", &r.city).map_err(|_| corrupt("city", &r.city))?,
            permit_number: PermitNumber::from_trusted(r.permit_number),
            permit_check: domain::insurance::PermitCheck::from_code(&r.permit_check)
                .ok_or_else(|| corrupt("permit_check", &r.permit_check))?,
            state: domain::insurance::InsuranceState::from_code(&r.state)
                .ok_or_else(|| corrupt("state", &r.state))?,
            version: r.version,
            ssn: ssn.map(SocialSecurityNumber::from_trusted),
            requested_at: r.requested_at,
            decided_at: r.decided_at,
            refusal: json("refusal", &r.refusal)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct CardRow {
    insurance_id: uuid::Uuid,
    serial: i32,
    state: String,
    changed_at: DateTime<Utc>,
}

impl TryFrom<CardRow> for SocialSecurityCard {
    type Error = StoreError;
    fn try_from(r: CardRow) -> Result<Self> {
        Ok(SocialSecurityCard {
            insurance_id: InsuranceId(r.insurance_id),
            serial: r.serial,
            state: domain::insurance::CardState::from_code(&r.state)
                .ok_or_else(|| corrupt("card state", &r.state))?,
            changed_at: r.changed_at,
        })
    }
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serialisable")
}

macro_rules! impl_one_stop {
    ($ty:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl crate::one_stop::OneStop for $ty {
            async fn insert_residence_application(&mut self, a: &domain::residence::ResidenceApplication) -> crate::Result<()> {
                sqlx::query(
                    "INSERT INTO residence_applications (id, receipt_number, person_id, employer_id, city, permit_number, work_application_id, \
                     evidence, role_at_employer, requested_months, state, version, passport_inspected_at, grant_json, residence_permit_id, created_at, decided_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
                )
                .bind(a.id.0)
                .bind(a.receipt_number.as_str())
                .bind(a.person_id.0)
                .bind(a.employer_id.0)
                .bind(a.city.code())
                .bind(a.permit_number.as_ref().map(|n| n.as_str().to_string()))
                .bind(a.joint_with().map(|w| w.0))
                .bind(crate::one_stop::to_json(&a.evidence))
                .bind(a.role_at_employer.as_str())
                .bind(a.requested_months as i32)
                .bind(a.state.as_str())
                .bind(a.version)
                .bind(a.passport_inspected_at)
                .bind(a.grant.as_ref().map(crate::one_stop::to_json))
                .bind(a.residence_permit_id.map(|i| i.0))
                .bind(a.created_at)
                .bind(a.decided_at)
                .execute(&mut *self.tx)
                .await
                .map_err(|e| crate::common::unique(e, "residence_application"))?;
                Ok(())
            }

            async fn update_residence_application(&mut self, a: &domain::residence::ResidenceApplication, seen: i64) -> crate::Result<bool> {
                let done = sqlx::query(
                    "UPDATE residence_applications SET permit_number = $3, state = $4, version = $5, passport_inspected_at = $6, \
                     grant_json = $7, residence_permit_id = $8, decided_at = $9 WHERE id = $1 AND version = $2",
                )
                .bind(a.id.0)
                .bind(seen)
                .bind(a.permit_number.as_ref().map(|n| n.as_str().to_string()))
                .bind(a.state.as_str())
                .bind(a.version)
                .bind(a.passport_inspected_at)
                .bind(a.grant.as_ref().map(crate::one_stop::to_json))
                .bind(a.residence_permit_id.map(|i| i.0))
                .bind(a.decided_at)
                .execute(&mut *self.tx)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn residence_application(&mut self, id: domain::ids::ResidenceApplicationId) -> crate::Result<Option<domain::residence::ResidenceApplication>> {
                let sql = sqlx::AssertSqlSafe(format!("SELECT {} FROM residence_applications WHERE id = $1", crate::one_stop::RESIDENCE_APPLICATION_COLUMNS));
                let row: Option<crate::one_stop::ResidenceApplicationRow> = sqlx::query_as(sql).bind(id.0).fetch_optional(&mut *self.tx).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn residence_application_for_work(&mut self, work: domain::ids::ApplicationId) -> crate::Result<Option<domain::residence::ResidenceApplication>> {
                let sql = sqlx::AssertSqlSafe(format!("SELECT {} FROM residence_applications WHERE work_application_id = $1", crate::one_stop::RESIDENCE_APPLICATION_COLUMNS));
                let row: Option<crate::one_stop::ResidenceApplicationRow> = sqlx::query_as(sql).bind(work.0).fetch_optional(&mut *self.tx).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn list_residence_applications(&mut self, f: &crate::one_stop::ResidenceFilter) -> crate::Result<Vec<domain::residence::ResidenceApplication>> {
                let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {} FROM residence_applications WHERE 1 = 1",
                    crate::one_stop::RESIDENCE_APPLICATION_COLUMNS
                ));
                if let Some(c) = f.city {
                    q.push(" AND city = ").push_bind(c.code());
                }
                if let Some(p) = f.person_id {
                    q.push(" AND person_id = ").push_bind(p.0);
                }
                if let Some(e) = f.employer_id {
                    q.push(" AND employer_id = ").push_bind(e.0);
                }
                if !f.states.is_empty() {
                    q.push(" AND state IN (");
                    let mut sep = q.separated(", ");
                    for s in &f.states {
                        sep.push_bind(s.as_str());
                    }
                    q.push(")");
                }
                q.push(" ORDER BY created_at ASC, id ASC LIMIT ").push_bind(if f.limit > 0 { f.limit } else { 500 });
                let rows: Vec<crate::one_stop::ResidenceApplicationRow> = q.build_query_as().fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn set_joint_work_grant(&mut self, id: domain::ids::ResidenceApplicationId, grant: Option<&domain::application::Grant>) -> crate::Result<()> {
                sqlx::query("UPDATE residence_applications SET work_grant = $2 WHERE id = $1")
                    .bind(id.0)
                    .bind(grant.map(crate::one_stop::to_json))
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn joint_work_grant(&mut self, id: domain::ids::ResidenceApplicationId) -> crate::Result<Option<domain::application::Grant>> {
                let row: Option<(Option<String>,)> = sqlx::query_as("SELECT work_grant FROM residence_applications WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&mut *self.tx)
                    .await?;
                match row.and_then(|(g,)| g) {
                    Some(g) => Ok(Some(serde_json::from_str(&g).map_err(|e| crate::StoreError::Corrupt(format!("work_grant: {e}")))?)),
                    None => Ok(None),
                }
            }

            async fn insert_residence_permit(&mut self, p: &domain::residence::ResidencePermit, at: chrono::DateTime<chrono::Utc>) -> crate::Result<()> {
                sqlx::query(
                    "INSERT INTO residence_permits (id, number, holder_id, employer_id, work_permit_number, city, valid_from, valid_to, status, \
                     status_changed_on, long_reason, application_id, collected_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                )
                .bind(p.id.0)
                .bind(p.number.as_str())
                .bind(p.holder_id.0)
                .bind(p.employer_id.0)
                .bind(p.work_permit_number.as_str())
                .bind(p.city.code())
                .bind(p.valid_from)
                .bind(p.valid_to)
                .bind(p.status.as_str())
                .bind(p.status_changed_on)
                .bind(p.long_reason.map(|l| l.as_str()))
                .bind(p.application_id.0)
                .bind(p.collected_at)
                .bind(at)
                .execute(&mut *self.tx)
                .await
                .map_err(|e| crate::common::unique(e, "residence_permit"))?;
                Ok(())
            }

            async fn residence_permit(&mut self, id: domain::ids::ResidencePermitId) -> crate::Result<Option<domain::residence::ResidencePermit>> {
                let sql = sqlx::AssertSqlSafe(format!("SELECT {} FROM residence_permits WHERE id = $1", crate::one_stop::RESIDENCE_PERMIT_COLUMNS));
                let row: Option<crate::one_stop::ResidencePermitRow> = sqlx::query_as(sql).bind(id.0).fetch_optional(&mut *self.tx).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn residence_permits_of(&mut self, holder: domain::ids::PersonId) -> crate::Result<Vec<domain::residence::ResidencePermit>> {
                let sql = sqlx::AssertSqlSafe(format!("SELECT {} FROM residence_permits WHERE holder_id = $1 ORDER BY valid_from, id", crate::one_stop::RESIDENCE_PERMIT_COLUMNS));
                let rows: Vec<crate::one_stop::ResidencePermitRow> = sqlx::query_as(sql).bind(holder.0).fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn residence_permits_on(&mut self, work: &domain::numbers::PermitNumber) -> crate::Result<Vec<domain::residence::ResidencePermit>> {
                let sql = sqlx::AssertSqlSafe(format!("SELECT {} FROM residence_permits WHERE work_permit_number = $1 ORDER BY valid_from, id", crate::one_stop::RESIDENCE_PERMIT_COLUMNS));
                let rows: Vec<crate::one_stop::ResidencePermitRow> = sqlx::query_as(sql).bind(work.as_str()).fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn residence_permits_in(&mut self, city: Option<domain::city::City>, status: domain::residence::ResidenceStatus, limit: i64) -> crate::Result<Vec<domain::residence::ResidencePermit>> {
                let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {} FROM residence_permits WHERE status = ",
                    crate::one_stop::RESIDENCE_PERMIT_COLUMNS
                ));
                q.push_bind(status.as_str());
                if let Some(c) = city {
                    q.push(" AND city = ").push_bind(c.code());
                }
                q.push(" ORDER BY status_changed_on ASC, id ASC LIMIT ").push_bind(if limit > 0 { limit } else { 500 });
                let rows: Vec<crate::one_stop::ResidencePermitRow> = q.build_query_as().fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn set_residence_status(&mut self, id: domain::ids::ResidencePermitId, status: domain::residence::ResidenceStatus, on: chrono::NaiveDate) -> crate::Result<()> {
                sqlx::query("UPDATE residence_permits SET status = $2, status_changed_on = $3 WHERE id = $1")
                    .bind(id.0)
                    .bind(status.as_str())
                    .bind(on)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn set_residence_collected(&mut self, id: domain::ids::ResidencePermitId, at: chrono::DateTime<chrono::Utc>) -> crate::Result<bool> {
                let done = sqlx::query("UPDATE residence_permits SET collected_at = $2 WHERE id = $1 AND collected_at IS NULL")
                    .bind(id.0)
                    .bind(at)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn insert_filing(&mut self, f: &crate::one_stop::Filing) -> crate::Result<()> {
                sqlx::query(
                    "INSERT INTO residence_filings (id, residence_permit_id, kind, filed_on, details, filed_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(f.id)
                .bind(f.residence_permit_id.0)
                .bind(f.kind.as_str())
                .bind(f.filed_on)
                .bind(&f.details)
                .bind(f.filed_by.map(|a| a.0))
                .bind(f.created_at)
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            async fn filings(&mut self, permit: domain::ids::ResidencePermitId) -> crate::Result<Vec<crate::one_stop::Filing>> {
                #[allow(clippy::type_complexity)]
                let rows: Vec<(uuid::Uuid, uuid::Uuid, String, chrono::NaiveDate, String, Option<uuid::Uuid>, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
                    "SELECT id, residence_permit_id, kind, filed_on, details, filed_by, created_at FROM residence_filings \
                     WHERE residence_permit_id = $1 ORDER BY created_at, id",
                )
                .bind(permit.0)
                .fetch_all(&mut *self.tx)
                .await?;
                rows.into_iter()
                    .map(|(id, p, kind, filed_on, details, filed_by, created_at)| {
                        Ok(crate::one_stop::Filing {
                            id,
                            residence_permit_id: domain::ids::ResidencePermitId(p),
                            kind: domain::residence::FilingKind::parse("kind", &kind)
                                .map_err(|_| crate::StoreError::Corrupt(format!("filing kind: {kind}")))?,
                            filed_on,
                            details,
                            filed_by: filed_by.map(domain::ids::AccountId),
                            created_at,
                        })
                    })
                    .collect()
            }

            async fn insert_case_event(&mut self, e: &crate::one_stop::CaseEvent) -> crate::Result<()> {
                sqlx::query(
                    "INSERT INTO case_events (id, case_id, at, actor_id, actor_name, actor_role, action, state, notes) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(e.id)
                .bind(e.case_id)
                .bind(e.at)
                .bind(e.actor_id.map(|a| a.0))
                .bind(&e.actor_name)
                .bind(e.actor_role.map(|r| r.as_str()))
                .bind(&e.action)
                .bind(&e.state)
                .bind(crate::one_stop::to_json(&e.notes))
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            async fn case_events(&mut self, case_id: uuid::Uuid) -> crate::Result<Vec<crate::one_stop::CaseEvent>> {
                let rows: Vec<crate::one_stop::CaseEventRow> = sqlx::query_as(
                    "SELECT id, case_id, at, actor_id, actor_name, actor_role, action, state, notes FROM case_events WHERE case_id = $1 ORDER BY at, id",
                )
                .bind(case_id)
                .fetch_all(&mut *self.tx)
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn insert_office(&mut self, o: &domain::appointment::Office, at: chrono::DateTime<chrono::Utc>) -> crate::Result<()> {
                sqlx::query(
                    "INSERT INTO offices (id, city, name, address, opens, closes, slot_minutes, capacity, weekdays, closed_on, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(o.id.0)
                .bind(o.city.code())
                .bind(o.name.as_str())
                .bind(o.address.as_str())
                .bind(o.opens.format("%H:%M").to_string())
                .bind(o.closes.format("%H:%M").to_string())
                .bind(o.slot_minutes as i32)
                .bind(o.capacity as i32)
                .bind(i32::from(o.weekdays))
                .bind(crate::one_stop::to_json(&o.closed_on))
                .bind(at)
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            async fn office(&mut self, id: domain::ids::OfficeId) -> crate::Result<Option<domain::appointment::Office>> {
                let sql = sqlx::AssertSqlSafe(format!("SELECT {} FROM offices WHERE id = $1", crate::one_stop::OFFICE_COLUMNS));
                let row: Option<crate::one_stop::OfficeRow> = sqlx::query_as(sql).bind(id.0).fetch_optional(&mut *self.tx).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn list_offices(&mut self, city: Option<domain::city::City>) -> crate::Result<Vec<domain::appointment::Office>> {
                let mut q = sqlx::QueryBuilder::<$db>::new(format!("SELECT {} FROM offices", crate::one_stop::OFFICE_COLUMNS));
                if let Some(c) = city {
                    q.push(" WHERE city = ").push_bind(c.code());
                }
                q.push(" ORDER BY city, name, id");
                let rows: Vec<crate::one_stop::OfficeRow> = q.build_query_as().fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn take_place(&mut self, office: domain::ids::OfficeId, slot: &str, capacity: u32) -> crate::Result<bool> {
                sqlx::query("INSERT INTO slot_places (office_id, slot, booked) VALUES ($1, $2, 0) ON CONFLICT (office_id, slot) DO NOTHING")
                    .bind(office.0)
                    .bind(slot)
                    .execute(&mut *self.tx)
                    .await?;
                let done = sqlx::query("UPDATE slot_places SET booked = booked + 1 WHERE office_id = $1 AND slot = $2 AND booked < $3")
                    .bind(office.0)
                    .bind(slot)
                    .bind(capacity as i32)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn release_place(&mut self, office: domain::ids::OfficeId, slot: &str) -> crate::Result<()> {
                sqlx::query("UPDATE slot_places SET booked = booked - 1 WHERE office_id = $1 AND slot = $2 AND booked > 0")
                    .bind(office.0)
                    .bind(slot)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn places_taken(&mut self, office: domain::ids::OfficeId, from: &str, to: &str) -> crate::Result<Vec<(String, u32)>> {
                let rows: Vec<(String, i32)> = sqlx::query_as(
                    "SELECT slot, booked FROM slot_places WHERE office_id = $1 AND slot >= $2 AND slot < $3 ORDER BY slot",
                )
                .bind(office.0)
                .bind(from)
                .bind(to)
                .fetch_all(&mut *self.tx)
                .await?;
                Ok(rows.into_iter().map(|(s, n)| (s, n.max(0) as u32)).collect())
            }

            async fn insert_appointment(&mut self, a: &domain::appointment::Appointment) -> crate::Result<()> {
                sqlx::query(
                    "INSERT INTO appointments (id, office_id, slot, person_id, purpose, subject, state, created_at, changed_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
                )
                .bind(a.id.0)
                .bind(a.office_id.0)
                .bind(domain::appointment::format_slot(a.slot))
                .bind(a.person_id.0)
                .bind(crate::one_stop::to_json(&a.purpose))
                .bind(a.purpose.subject())
                .bind(a.state.as_str())
                .bind(a.created_at)
                .execute(&mut *self.tx)
                .await
                .map_err(|e| crate::common::unique(e, "appointment_exists"))?;
                Ok(())
            }

            async fn appointment(&mut self, id: domain::ids::AppointmentId) -> crate::Result<Option<domain::appointment::Appointment>> {
                let sql = sqlx::AssertSqlSafe(format!("SELECT {} FROM appointments WHERE id = $1", crate::one_stop::APPOINTMENT_COLUMNS));
                let row: Option<crate::one_stop::AppointmentRow> = sqlx::query_as(sql).bind(id.0).fetch_optional(&mut *self.tx).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn update_appointment(&mut self, a: &domain::appointment::Appointment, at: chrono::DateTime<chrono::Utc>) -> crate::Result<()> {
                sqlx::query("UPDATE appointments SET office_id = $2, slot = $3, state = $4, changed_at = $5 WHERE id = $1")
                    .bind(a.id.0)
                    .bind(a.office_id.0)
                    .bind(domain::appointment::format_slot(a.slot))
                    .bind(a.state.as_str())
                    .bind(at)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn appointments_of(&mut self, person: domain::ids::PersonId) -> crate::Result<Vec<domain::appointment::Appointment>> {
                let sql = sqlx::AssertSqlSafe(format!("SELECT {} FROM appointments WHERE person_id = $1 ORDER BY slot, id", crate::one_stop::APPOINTMENT_COLUMNS));
                let rows: Vec<crate::one_stop::AppointmentRow> = sqlx::query_as(sql).bind(person.0).fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn appointments_at(&mut self, office: domain::ids::OfficeId, from: &str, to: &str) -> crate::Result<Vec<domain::appointment::Appointment>> {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM appointments WHERE office_id = $1 AND slot >= $2 AND slot < $3 AND state <> 'cancelled' ORDER BY slot, id",
                    crate::one_stop::APPOINTMENT_COLUMNS
                ));
                let rows: Vec<crate::one_stop::AppointmentRow> = sqlx::query_as(sql).bind(office.0).bind(from).bind(to).fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn insert_insurance(&mut self, i: &domain::insurance::Insurance) -> crate::Result<()> {
                sqlx::query(
                    "INSERT INTO insurances (id, person_id, employer_id, city, permit_number, permit_check, state, version, ssn, requested_at, decided_at, refusal, ssn_hash) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                )
                .bind(i.id.0)
                .bind(i.person_id.0)
                .bind(i.employer_id.0)
                .bind(i.city.code())
                .bind(i.permit_number.as_str())
                .bind(i.permit_check.as_str())
                .bind(i.state.as_str())
                .bind(i.version)
                .bind(self.key.seal_opt(crate::sealing::column::INSURANCES_SSN, i.id.0, i.ssn.as_ref().map(|s| s.as_str())))
                .bind(i.requested_at)
                .bind(i.decided_at)
                .bind(crate::one_stop::to_json(&i.refusal))
                .bind(i.ssn.as_ref().map(|s| crate::one_stop::ssn_hash(&self.key, s)))
                .execute(&mut *self.tx)
                .await
                .map_err(|e| crate::common::unique(e, "insurance_exists"))?;
                Ok(())
            }

            async fn update_insurance(&mut self, i: &domain::insurance::Insurance, seen: i64) -> crate::Result<bool> {
                let done = sqlx::query(
                    "UPDATE insurances SET state = $3, version = $4, ssn = $5, decided_at = $6, refusal = $7, ssn_hash = $8 WHERE id = $1 AND version = $2",
                )
                .bind(i.id.0)
                .bind(seen)
                .bind(i.state.as_str())
                .bind(i.version)
                .bind(self.key.seal_opt(crate::sealing::column::INSURANCES_SSN, i.id.0, i.ssn.as_ref().map(|s| s.as_str())))
                .bind(i.decided_at)
                .bind(crate::one_stop::to_json(&i.refusal))
                .bind(i.ssn.as_ref().map(|s| crate::one_stop::ssn_hash(&self.key, s)))
                .execute(&mut *self.tx)
                .await
                .map_err(|e| crate::common::unique(e, "social_security_number"))?;
                Ok(done.rows_affected() == 1)
            }

            async fn insurance(&mut self, id: domain::ids::InsuranceId) -> crate::Result<Option<domain::insurance::Insurance>> {
                let sql = sqlx::AssertSqlSafe(format!("SELECT {} FROM insurances WHERE id = $1", crate::one_stop::INSURANCE_COLUMNS));
                let row: Option<crate::one_stop::InsuranceRow> = sqlx::query_as(sql).bind(id.0).fetch_optional(&mut *self.tx).await?;
                row.map(|r| r.open(&self.key)).transpose()
            }

            async fn insurance_of(&mut self, person: domain::ids::PersonId) -> crate::Result<Option<domain::insurance::Insurance>> {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM insurances WHERE person_id = $1 AND state <> 'refused'",
                    crate::one_stop::INSURANCE_COLUMNS
                ));
                let row: Option<crate::one_stop::InsuranceRow> = sqlx::query_as(sql).bind(person.0).fetch_optional(&mut *self.tx).await?;
                row.map(|r| r.open(&self.key)).transpose()
            }

            async fn insurance_by_ssn(&mut self, ssn: &domain::numbers::SocialSecurityNumber) -> crate::Result<Option<domain::insurance::Insurance>> {
                let sql = sqlx::AssertSqlSafe(format!("SELECT {} FROM insurances WHERE ssn_hash = $1", crate::one_stop::INSURANCE_COLUMNS));
                let row: Option<crate::one_stop::InsuranceRow> =
                    sqlx::query_as(sql).bind(crate::one_stop::ssn_hash(&self.key, ssn)).fetch_optional(&mut *self.tx).await?;
                row.map(|r| r.open(&self.key)).transpose()
            }

            async fn list_insurances(&mut self, f: &crate::one_stop::InsuranceFilter) -> crate::Result<Vec<domain::insurance::Insurance>> {
                let mut q = sqlx::QueryBuilder::<$db>::new(format!("SELECT {} FROM insurances WHERE 1 = 1", crate::one_stop::INSURANCE_COLUMNS));
                if let Some(c) = f.city {
                    q.push(" AND city = ").push_bind(c.code());
                }
                if let Some(p) = f.person_id {
                    q.push(" AND person_id = ").push_bind(p.0);
                }
                if let Some(e) = f.employer_id {
                    q.push(" AND employer_id = ").push_bind(e.0);
                }
                if !f.states.is_empty() {
                    q.push(" AND state IN (");
                    let mut sep = q.separated(", ");
                    for s in &f.states {
                        sep.push_bind(s.as_str());
                    }
                    q.push(")");
                }
                q.push(" ORDER BY requested_at ASC, id ASC LIMIT ").push_bind(if f.limit > 0 { f.limit } else { 500 });
                let rows: Vec<crate::one_stop::InsuranceRow> = q.build_query_as().fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(|r| r.open(&self.key)).collect()
            }

            async fn insert_card(&mut self, c: &domain::insurance::SocialSecurityCard) -> crate::Result<()> {
                sqlx::query("INSERT INTO social_security_cards (insurance_id, serial, state, changed_at) VALUES ($1, $2, $3, $4)")
                    .bind(c.insurance_id.0)
                    .bind(c.serial)
                    .bind(c.state.as_str())
                    .bind(c.changed_at)
                    .execute(&mut *self.tx)
                    .await
                    .map_err(|e| crate::common::unique(e, "card_exists"))?;
                Ok(())
            }

            async fn update_card(&mut self, c: &domain::insurance::SocialSecurityCard) -> crate::Result<()> {
                sqlx::query("UPDATE social_security_cards SET state = $3, changed_at = $4 WHERE insurance_id = $1 AND serial = $2")
                    .bind(c.insurance_id.0)
                    .bind(c.serial)
                    .bind(c.state.as_str())
                    .bind(c.changed_at)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn cards(&mut self, insurance: domain::ids::InsuranceId) -> crate::Result<Vec<domain::insurance::SocialSecurityCard>> {
                let rows: Vec<crate::one_stop::CardRow> = sqlx::query_as(
                    "SELECT insurance_id, serial, state, changed_at FROM social_security_cards WHERE insurance_id = $1 ORDER BY serial",
                )
                .bind(insurance.0)
                .fetch_all(&mut *self.tx)
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }
        }
    };
}

pub(crate) use impl_one_stop;
