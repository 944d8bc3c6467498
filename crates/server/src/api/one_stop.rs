//! The API of the agencies beside the labour authority: residence applications and permits
//! (immigration), appointments at the issuing offices, and social insurance.

use super::dto::{EmployerOut, PermitOut, PersonOut};
use super::path_id;
use crate::http::{AppState, Auth, HttpError, HttpResult, JsonBody, Lang};
use crate::input::*;
use crate::services;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use domain::FieldError;
use domain::appointment::{Appointment, Office, format_slot};
use domain::ids::*;
use domain::insurance::{Insurance, InsuranceState, SocialSecurityCard};
use domain::residence::{RState, ResidenceApplication, ResidencePermit};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/residence-applications",
            get(list_residence).post(apply_residence),
        )
        .route("/api/v1/residence-applications/{id}", get(get_residence))
        .route(
            "/api/v1/residence-applications/{id}/steps",
            post(residence_step),
        )
        .route("/api/v1/residence-permits", get(list_residence_permits))
        .route("/api/v1/residence-permits/{id}", get(get_residence_permit))
        .route(
            "/api/v1/residence-permits/{id}/review",
            post(review_residence_permit),
        )
        .route(
            "/api/v1/residence-permits/{id}/filings",
            post(file_residence_permit),
        )
        .route(
            "/api/v1/residence-permits/{id}/collection",
            post(collect_residence_permit),
        )
        .route("/api/v1/offices", get(list_offices).post(create_office))
        .route("/api/v1/offices/{id}/slots", get(office_slots))
        .route(
            "/api/v1/offices/{id}/appointments",
            get(office_appointments),
        )
        .route("/api/v1/appointments", get(my_appointments).post(book))
        .route(
            "/api/v1/appointments/{id}",
            axum::routing::delete(cancel_appointment),
        )
        .route("/api/v1/appointments/{id}/slot", post(reschedule))
        .route(
            "/api/v1/insurances",
            get(list_insurances).post(request_insurance),
        )
        .route("/api/v1/insurances/{id}", get(get_insurance))
        .route("/api/v1/insurances/{id}/decision", post(decide_insurance))
        .route("/api/v1/insurances/{id}/card", post(card_step))
        .route(
            "/api/v1/insurances/{id}/card/replacement",
            post(replace_card),
        )
}

// ------------------------------------------------------------------------------------------------
// What the API answers.

#[derive(Debug, Serialize, ToSchema)]
pub struct ResidenceApplicationOut {
    pub id: Uuid,
    pub receipt_number: String,
    pub person_id: Uuid,
    pub employer_id: Uuid,
    pub city: String,
    /// The work permit it rests on; none while a one-stop work permit is being decided.
    pub permit_number: Option<String>,
    /// How the work permit was known: one_stop, shared_record or card_qr.
    pub evidence: String,
    /// Under one-stop acceptance: the work application submitted with it.
    pub work_application_id: Option<Uuid>,
    pub role_at_employer: String,
    pub requested_months: u32,
    /// submitted, under_review, corrections_requested, joint_pending, approved, refused or
    /// withdrawn.
    pub state: String,
    pub version: i64,
    /// When the passport was inspected on site; it was handed back at once.
    pub passport_inspected_at: Option<DateTime<Utc>>,
    pub granted_from: Option<NaiveDate>,
    pub granted_to: Option<NaiveDate>,
    pub residence_permit_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// Immigration's time limit, while it has the next move.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
}

impl ResidenceApplicationOut {
    fn new(a: &ResidenceApplication, due: Option<NaiveDate>) -> Self {
        let evidence = match a.evidence {
            domain::residence::PermitEvidence::OneStop { .. } => "one_stop",
            domain::residence::PermitEvidence::SharedRecord => "shared_record",
            domain::residence::PermitEvidence::CardQr { .. } => "card_qr",
        };
        ResidenceApplicationOut {
            id: a.id.0,
            receipt_number: a.receipt_number.to_string(),
            person_id: a.person_id.0,
            employer_id: a.employer_id.0,
            city: a.city.code().to_string(),
            permit_number: a.permit_number.as_ref().map(|n| n.to_string()),
            evidence: evidence.to_string(),
            work_application_id: a.joint_with().map(|w| w.0),
            role_at_employer: a.role_at_employer.as_str().to_string(),
            requested_months: a.requested_months,
            state: a.state.as_str().to_string(),
            version: a.version,
            passport_inspected_at: a.passport_inspected_at,
            granted_from: a.grant.map(|g| g.valid_from),
            granted_to: a.grant.map(|g| g.valid_to),
            residence_permit_id: a.residence_permit_id.map(|p| p.0),
            created_at: a.created_at,
            decided_at: a.decided_at,
            due,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseEventOut {
    pub at: DateTime<Utc>,
    pub actor_name: String,
    pub actor_role: Option<String>,
    pub action: String,
    pub state: String,
    pub notes: Vec<String>,
}

impl From<&store::CaseEvent> for CaseEventOut {
    fn from(e: &store::CaseEvent) -> Self {
        CaseEventOut {
            at: e.at,
            actor_name: e.actor_name.clone(),
            actor_role: e.actor_role.map(|r| r.as_str().to_string()),
            action: e.action.clone(),
            state: e.state.clone(),
            notes: e.notes.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LimitOut {
    /// The latest end the rule allows for a permit starting today.
    pub max_valid_to: NaiveDate,
    /// Why a long (five-year) permit is allowed: consecutive_permits or qualifying_employer.
    pub long_reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResidenceDetailOut {
    pub application: ResidenceApplicationOut,
    pub person: PersonOut,
    pub employer: EmployerOut,
    /// The work permit as the shared record holds it now.
    pub work_permit: Option<PermitOut>,
    /// The state of the work application submitted with it (one-stop).
    pub work_application_state: Option<String>,
    pub timeline: Vec<CaseEventOut>,
    pub actions: Vec<String>,
    /// For immigration: the rule's limit, and why.
    pub limit: Option<LimitOut>,
    pub residence_permit: Option<ResidencePermitOut>,
    /// What the accommodation register answered, in the caller's language: a confirmed stay
    /// replaces the paper registration form; none, or any other answer, means paper.
    pub register_checks: Vec<crate::explain::ExplainedCheck>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResidencePermitOut {
    pub id: Uuid,
    pub number: String,
    pub holder_id: Uuid,
    pub employer_id: Uuid,
    pub work_permit_number: String,
    pub city: String,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// valid, under_review (the work permit was cancelled) or cancelled.
    pub status: String,
    pub status_changed_on: Option<NaiveDate>,
    pub long_reason: Option<String>,
    pub application_id: Uuid,
    /// When the holder collected it; until then it waits at the issuing office.
    pub collected_at: Option<DateTime<Utc>>,
}

impl From<&ResidencePermit> for ResidencePermitOut {
    fn from(p: &ResidencePermit) -> Self {
        ResidencePermitOut {
            id: p.id.0,
            number: p.number.to_string(),
            holder_id: p.holder_id.0,
            employer_id: p.employer_id.0,
            work_permit_number: p.work_permit_number.to_string(),
            city: p.city.code().to_string(),
            valid_from: p.valid_from,
            valid_to: p.valid_to,
            status: p.status.as_str().to_string(),
            status_changed_on: p.status_changed_on,
            long_reason: p.long_reason.map(|l| l.as_str().to_string()),
            application_id: p.application_id.0,
            collected_at: p.collected_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FilingOut {
    pub id: Uuid,
    pub kind: String,
    pub filed_on: NaiveDate,
    pub details: String,
    pub created_at: DateTime<Utc>,
}

impl From<&store::Filing> for FilingOut {
    fn from(f: &store::Filing) -> Self {
        FilingOut {
            id: f.id,
            kind: f.kind.as_str().to_string(),
            filed_on: f.filed_on,
            details: f.details.clone(),
            created_at: f.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResidencePermitDetailOut {
    pub permit: ResidencePermitOut,
    pub filings: Vec<FilingOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OfficeOut {
    pub id: Uuid,
    pub city: String,
    pub name: String,
    pub address: String,
    /// HH:MM, local time.
    pub opens: String,
    pub closes: String,
    pub slot_minutes: u32,
    /// People served per slot.
    pub capacity: u32,
}

impl From<&Office> for OfficeOut {
    fn from(o: &Office) -> Self {
        OfficeOut {
            id: o.id.0,
            city: o.city.code().to_string(),
            name: o.name.to_string(),
            address: o.address.to_string(),
            opens: o.opens.format("%H:%M").to_string(),
            closes: o.closes.format("%H:%M").to_string(),
            slot_minutes: o.slot_minutes,
            capacity: o.capacity,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SlotOut {
    /// YYYY-MM-DDTHH:MM, local time.
    pub slot: String,
    pub free: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayOut {
    pub office: OfficeOut,
    pub date: NaiveDate,
    /// Closed on weekends, public holidays and the office's own closing days.
    pub open: bool,
    /// The slots not yet begun, with the places left.
    pub slots: Vec<SlotOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppointmentOut {
    pub id: Uuid,
    pub office_id: Uuid,
    /// YYYY-MM-DDTHH:MM, local time.
    pub slot: String,
    pub person_id: Uuid,
    /// passport_inspection or collect_residence_permit.
    pub purpose: String,
    /// The residence application or permit it is for.
    pub subject_id: String,
    /// booked, cancelled or attended.
    pub state: String,
    pub created_at: DateTime<Utc>,
}

impl From<&Appointment> for AppointmentOut {
    fn from(a: &Appointment) -> Self {
        AppointmentOut {
            id: a.id.0,
            office_id: a.office_id.0,
            slot: format_slot(a.slot),
            person_id: a.person_id.0,
            purpose: a.purpose.as_str().to_string(),
            subject_id: a.purpose.subject(),
            state: a.state.as_str().to_string(),
            created_at: a.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InsuranceOut {
    pub id: Uuid,
    pub person_id: Uuid,
    pub employer_id: Uuid,
    pub city: String,
    pub permit_number: String,
    /// How the permit was known: shared_record or card_qr.
    pub permit_check: String,
    /// requested, registered or refused.
    pub state: String,
    pub version: i64,
    /// The social security number, once registered.
    pub social_security_number: Option<String>,
    pub requested_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub refusal: Vec<String>,
}

impl From<&Insurance> for InsuranceOut {
    fn from(i: &Insurance) -> Self {
        InsuranceOut {
            id: i.id.0,
            person_id: i.person_id.0,
            employer_id: i.employer_id.0,
            city: i.city.code().to_string(),
            permit_number: i.permit_number.to_string(),
            permit_check: i.permit_check.as_str().to_string(),
            state: i.state.as_str().to_string(),
            version: i.version,
            social_security_number: i.ssn.as_ref().map(|s| s.to_string()),
            requested_at: i.requested_at,
            decided_at: i.decided_at,
            refusal: i.refusal.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CardOut {
    /// 1 for the first card, one more per replacement.
    pub serial: i32,
    /// being_made, ready, issued, reported_lost or cancelled.
    pub state: String,
    pub changed_at: DateTime<Utc>,
}

impl From<&SocialSecurityCard> for CardOut {
    fn from(c: &SocialSecurityCard) -> Self {
        CardOut {
            serial: c.serial,
            state: c.state.as_str().to_string(),
            changed_at: c.changed_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InsuranceDetailOut {
    pub insurance: InsuranceOut,
    pub person: PersonOut,
    pub employer: EmployerOut,
    /// The permit as the shared record holds it now.
    pub permit: Option<PermitOut>,
    pub cards: Vec<CardOut>,
    pub timeline: Vec<CaseEventOut>,
}

// ------------------------------------------------------------------------------------------------
// Residence.

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StateQuery {
    /// Only those in this state.
    pub state: Option<String>,
}

fn states<T>(q: &StateQuery, parse: fn(&str) -> Option<T>) -> HttpResult<Vec<T>> {
    match q.state.as_deref().filter(|s| !s.is_empty()) {
        None => Ok(Vec::new()),
        Some(s) => parse(s).map(|s| vec![s]).ok_or_else(|| {
            HttpError::field(
                StatusCode::BAD_REQUEST,
                FieldError::new("state", "invalid_type").with("detail", s),
            )
        }),
    }
}

#[utoipa::path(get, path = "/api/v1/residence-applications", tag = "residence", params(StateQuery),
    responses((status = 200, body = [ResidenceApplicationOut], description = "Immigration: its city's, oldest (nearest deadline) first; employers and holders: their own"),
              (status = 403, body = ErrorOut)))]
async fn list_residence(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Query(q): Query<StateQuery>,
) -> HttpResult<Json<Vec<ResidenceApplicationOut>>> {
    let states = states(&q, RState::from_code)?;
    let list = services::residence::list(&app.ctx, &who, states).await?;
    Ok(Json(
        list.iter()
            .map(|(a, due)| ResidenceApplicationOut::new(a, *due))
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/residence-applications", tag = "residence", request_body = ResidenceApplyInput,
    responses((status = 201, body = ResidenceApplicationOut), (status = 403, body = ErrorOut), (status = 409, body = ErrorOut),
              (status = 422, body = ErrorOut, description = "The permit is unknown, not the caller's, cancelled or expired; or the card's code does not verify")))]
async fn apply_residence(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    body: JsonBody<ResidenceApplyInput>,
) -> HttpResult<Response> {
    if !matches!(
        who.scope,
        domain::role::Scope::EmployerHr { .. } | domain::role::Scope::Applicant { .. }
    ) {
        return Err(HttpError::new(StatusCode::FORBIDDEN, "role_not_allowed"));
    }
    let a = services::residence::apply(&app.ctx, &who, body.value.parse()?).await?;
    Ok((
        StatusCode::CREATED,
        Json(ResidenceApplicationOut::new(&a, None)),
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/residence-applications/{id}", tag = "residence", params(("id" = Uuid, Path)),
    responses((status = 200, body = ResidenceDetailOut), (status = 404, body = ErrorOut)))]
async fn get_residence(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Lang(lang): Lang,
    Path(id): Path<String>,
) -> HttpResult<Json<ResidenceDetailOut>> {
    residence_role(&who)?;
    let v = services::residence::get(&app.ctx, &who, ResidenceApplicationId(path_id(&id)?)).await?;
    let today = app.ctx.clock.today();
    Ok(Json(ResidenceDetailOut {
        application: ResidenceApplicationOut::new(&v.application, v.due),
        person: (&v.person).into(),
        employer: (&v.employer).into(),
        work_permit: v.work_permit.as_ref().map(|p| PermitOut::new(p, today)),
        work_application_state: v
            .work_application
            .as_ref()
            .map(|w| w.state.as_str().to_string()),
        timeline: v.events.iter().map(Into::into).collect(),
        actions: v.actions.iter().map(|a| a.as_str().to_string()).collect(),
        limit: v.limit.map(|l| LimitOut {
            max_valid_to: l.max_valid_to,
            long_reason: l.long.map(|r| r.as_str().to_string()),
        }),
        residence_permit: v.permit.as_ref().map(Into::into),
        register_checks: crate::explain::checks(&app.catalog, lang, &v.register_checks),
    }))
}

fn residence_role(who: &domain::role::Principal) -> HttpResult<()> {
    use domain::role::Scope;
    match who.scope {
        Scope::EmployerHr { .. } | Scope::Applicant { .. } | Scope::ImmigrationOfficer { .. } => {
            Ok(())
        }
        _ => Err(HttpError::new(StatusCode::FORBIDDEN, "role_not_allowed")),
    }
}

#[utoipa::path(post, path = "/api/v1/residence-applications/{id}/steps", tag = "residence", params(("id" = Uuid, Path)),
    request_body = ResidenceStepInput,
    responses((status = 200, body = ResidenceApplicationOut, description = "Under one-stop acceptance, the approval that comes second issues both permits"),
              (status = 403, body = ErrorOut), (status = 404, body = ErrorOut),
              (status = 409, body = ErrorOut, description = "Not open in the current state, or the application changed since `version`"),
              (status = 422, body = ErrorOut)))]
async fn residence_step(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
    body: JsonBody<ResidenceStepInput>,
) -> HttpResult<Json<ResidenceApplicationOut>> {
    residence_role(&who)?;
    let id = ResidenceApplicationId(path_id(&id)?);
    let (action, version) = body.value.parse()?;
    let a = services::residence::act(&app.ctx, &who, id, action, version).await?;
    Ok(Json(ResidenceApplicationOut::new(&a, None)))
}

#[utoipa::path(get, path = "/api/v1/residence-permits", tag = "residence",
    responses((status = 200, body = [ResidencePermitOut], description = "Holders and employers: their own; immigration: its city's permits under review"),
              (status = 403, body = ErrorOut)))]
async fn list_residence_permits(
    State(app): State<AppState>,
    Auth(who, _): Auth,
) -> HttpResult<Json<Vec<ResidencePermitOut>>> {
    let list = services::residence::permits(&app.ctx, &who).await?;
    Ok(Json(list.iter().map(Into::into).collect()))
}

#[utoipa::path(get, path = "/api/v1/residence-permits/{id}", tag = "residence", params(("id" = Uuid, Path)),
    responses((status = 200, body = ResidencePermitDetailOut), (status = 404, body = ErrorOut)))]
async fn get_residence_permit(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Json<ResidencePermitDetailOut>> {
    residence_role(&who)?;
    let (p, filings) =
        services::residence::permit(&app.ctx, &who, ResidencePermitId(path_id(&id)?)).await?;
    Ok(Json(ResidencePermitDetailOut {
        permit: (&p).into(),
        filings: filings.iter().map(Into::into).collect(),
    }))
}

#[utoipa::path(post, path = "/api/v1/residence-permits/{id}/review", tag = "residence", params(("id" = Uuid, Path)),
    request_body = PermitReviewInput,
    responses((status = 200, body = ResidencePermitOut), (status = 403, body = ErrorOut), (status = 404, body = ErrorOut),
              (status = 409, body = ErrorOut, description = "The permit is not under review")))]
async fn review_residence_permit(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
    body: JsonBody<PermitReviewInput>,
) -> HttpResult<Json<ResidencePermitOut>> {
    immigration(&who)?;
    let (keep, note) = body.value.parse()?;
    let p =
        services::residence::review(&app.ctx, &who, ResidencePermitId(path_id(&id)?), keep, note)
            .await?;
    Ok(Json((&p).into()))
}

fn immigration(who: &domain::role::Principal) -> HttpResult<()> {
    match who.scope {
        domain::role::Scope::ImmigrationOfficer { .. } => Ok(()),
        _ => Err(HttpError::new(
            StatusCode::FORBIDDEN,
            "immigration_officer_only",
        )),
    }
}

#[utoipa::path(post, path = "/api/v1/residence-permits/{id}/filings", tag = "residence", params(("id" = Uuid, Path)),
    request_body = FilingInput,
    responses((status = 201, body = FilingOut, description = "A move within the enterprise, or degree study: the permit stays as it is"),
              (status = 403, body = ErrorOut), (status = 404, body = ErrorOut), (status = 422, body = ErrorOut)))]
async fn file_residence_permit(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
    body: JsonBody<FilingInput>,
) -> HttpResult<Response> {
    if !matches!(
        who.scope,
        domain::role::Scope::EmployerHr { .. } | domain::role::Scope::Applicant { .. }
    ) {
        return Err(HttpError::new(StatusCode::FORBIDDEN, "role_not_allowed"));
    }
    let (kind, on, details) = body.value.parse()?;
    let f = services::residence::file(
        &app.ctx,
        &who,
        ResidencePermitId(path_id(&id)?),
        kind,
        on,
        details,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(FilingOut::from(&f))).into_response())
}

#[utoipa::path(post, path = "/api/v1/residence-permits/{id}/collection", tag = "residence", params(("id" = Uuid, Path)),
    responses((status = 200, body = ResidencePermitOut, description = "The holder collected the permit at the office"),
              (status = 403, body = ErrorOut), (status = 404, body = ErrorOut), (status = 409, body = ErrorOut)))]
async fn collect_residence_permit(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Json<ResidencePermitOut>> {
    immigration(&who)?;
    let p = services::residence::collect(&app.ctx, &who, ResidencePermitId(path_id(&id)?)).await?;
    Ok(Json((&p).into()))
}

// ------------------------------------------------------------------------------------------------
// Appointments.

#[utoipa::path(get, path = "/api/v1/offices", tag = "appointments",
    responses((status = 200, body = [OfficeOut]), (status = 401, body = ErrorOut)))]
async fn list_offices(
    State(app): State<AppState>,
    Auth(_, _): Auth,
) -> HttpResult<Json<Vec<OfficeOut>>> {
    let list = services::appointments::offices(&app.ctx).await?;
    Ok(Json(list.iter().map(Into::into).collect()))
}

#[utoipa::path(post, path = "/api/v1/offices", tag = "appointments", request_body = OfficeInput,
    responses((status = 201, body = OfficeOut), (status = 403, body = ErrorOut), (status = 422, body = ErrorOut)))]
async fn create_office(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    body: JsonBody<OfficeInput>,
) -> HttpResult<Response> {
    if who.scope != domain::role::Scope::Administrator {
        return Err(HttpError::new(StatusCode::FORBIDDEN, "administrator_only"));
    }
    let office = body.value.parse(OfficeId(Uuid::now_v7()))?;
    let o = services::appointments::create_office(&app.ctx, &who, office).await?;
    Ok((StatusCode::CREATED, Json(OfficeOut::from(&o))).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DateQuery {
    /// YYYY-MM-DD; today if left out.
    pub date: Option<String>,
}

fn date_of(app: &AppState, q: &DateQuery) -> HttpResult<NaiveDate> {
    match q.date.as_deref().filter(|s| !s.is_empty()) {
        None => Ok(app.ctx.clock.today()),
        Some(d) => domain::values::parse_date("date", d)
            .map_err(|e| HttpError::field(StatusCode::BAD_REQUEST, e)),
    }
}

#[utoipa::path(get, path = "/api/v1/offices/{id}/slots", tag = "appointments", params(("id" = Uuid, Path), DateQuery),
    responses((status = 200, body = DayOut), (status = 404, body = ErrorOut)))]
async fn office_slots(
    State(app): State<AppState>,
    Auth(_, _): Auth,
    Path(id): Path<String>,
    Query(q): Query<DateQuery>,
) -> HttpResult<Json<DayOut>> {
    let date = date_of(&app, &q)?;
    let d = services::appointments::day(&app.ctx, OfficeId(path_id(&id)?), date).await?;
    Ok(Json(DayOut {
        office: (&d.office).into(),
        date: d.date,
        open: d.open,
        slots: d
            .slots
            .iter()
            .map(|s| SlotOut {
                slot: format_slot(s.slot),
                free: s.free,
            })
            .collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/offices/{id}/appointments", tag = "appointments", params(("id" = Uuid, Path), DateQuery),
    responses((status = 200, body = [AppointmentOut], description = "Immigration at the office's city: the day's bookings"),
              (status = 403, body = ErrorOut), (status = 404, body = ErrorOut)))]
async fn office_appointments(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
    Query(q): Query<DateQuery>,
) -> HttpResult<Json<Vec<AppointmentOut>>> {
    immigration(&who)?;
    let date = date_of(&app, &q)?;
    let (_, list) =
        services::appointments::at_office(&app.ctx, &who, OfficeId(path_id(&id)?), date).await?;
    Ok(Json(list.iter().map(Into::into).collect()))
}

fn holder(who: &domain::role::Principal) -> HttpResult<()> {
    match who.scope {
        domain::role::Scope::Applicant { .. } => Ok(()),
        _ => Err(HttpError::new(StatusCode::FORBIDDEN, "holder_only")),
    }
}

#[utoipa::path(get, path = "/api/v1/appointments", tag = "appointments",
    responses((status = 200, body = [AppointmentOut]), (status = 403, body = ErrorOut)))]
async fn my_appointments(
    State(app): State<AppState>,
    Auth(who, _): Auth,
) -> HttpResult<Json<Vec<AppointmentOut>>> {
    holder(&who)?;
    let list = services::appointments::mine(&app.ctx, &who).await?;
    Ok(Json(list.iter().map(Into::into).collect()))
}

#[utoipa::path(post, path = "/api/v1/appointments", tag = "appointments", request_body = BookingInput,
    responses((status = 201, body = AppointmentOut), (status = 403, body = ErrorOut), (status = 404, body = ErrorOut),
              (status = 409, body = ErrorOut, description = "Already booked for the same purpose"),
              (status = 422, body = ErrorOut, description = "The slot is full, closed, past, too far ahead or not one of the office's")))]
async fn book(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    body: JsonBody<BookingInput>,
) -> HttpResult<Response> {
    holder(&who)?;
    let (office, slot, purpose) = body.value.parse()?;
    let a = services::appointments::book(&app.ctx, &who, office, slot, purpose).await?;
    Ok((StatusCode::CREATED, Json(AppointmentOut::from(&a))).into_response())
}

#[utoipa::path(post, path = "/api/v1/appointments/{id}/slot", tag = "appointments", params(("id" = Uuid, Path)),
    request_body = RescheduleInput,
    responses((status = 200, body = AppointmentOut, description = "Moved; a full slot leaves the booking as it was"),
              (status = 403, body = ErrorOut), (status = 404, body = ErrorOut), (status = 409, body = ErrorOut), (status = 422, body = ErrorOut)))]
async fn reschedule(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
    body: JsonBody<RescheduleInput>,
) -> HttpResult<Json<AppointmentOut>> {
    holder(&who)?;
    let slot = body.value.parse()?;
    let a = services::appointments::reschedule(&app.ctx, &who, AppointmentId(path_id(&id)?), slot)
        .await?;
    Ok(Json((&a).into()))
}

#[utoipa::path(delete, path = "/api/v1/appointments/{id}", tag = "appointments", params(("id" = Uuid, Path)),
    responses((status = 200, body = AppointmentOut), (status = 403, body = ErrorOut), (status = 404, body = ErrorOut), (status = 409, body = ErrorOut)))]
async fn cancel_appointment(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Json<AppointmentOut>> {
    holder(&who)?;
    let a = services::appointments::cancel(&app.ctx, &who, AppointmentId(path_id(&id)?)).await?;
    Ok(Json((&a).into()))
}

// ------------------------------------------------------------------------------------------------
// Social insurance.

fn insurance_role(who: &domain::role::Principal) -> HttpResult<()> {
    use domain::role::Scope;
    match who.scope {
        Scope::EmployerHr { .. }
        | Scope::Applicant { .. }
        | Scope::SocialSecurityOfficer { .. } => Ok(()),
        _ => Err(HttpError::new(StatusCode::FORBIDDEN, "role_not_allowed")),
    }
}

fn social(who: &domain::role::Principal) -> HttpResult<()> {
    match who.scope {
        domain::role::Scope::SocialSecurityOfficer { .. } => Ok(()),
        _ => Err(HttpError::new(
            StatusCode::FORBIDDEN,
            "social_security_officer_only",
        )),
    }
}

#[utoipa::path(get, path = "/api/v1/insurances", tag = "insurance", params(StateQuery),
    responses((status = 200, body = [InsuranceOut], description = "The social security officer: the city's, oldest first; employers and holders: their own"),
              (status = 403, body = ErrorOut)))]
async fn list_insurances(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Query(q): Query<StateQuery>,
) -> HttpResult<Json<Vec<InsuranceOut>>> {
    let states = states(&q, InsuranceState::from_code)?;
    let list = services::insurance::list(&app.ctx, &who, states).await?;
    Ok(Json(list.iter().map(Into::into).collect()))
}

#[utoipa::path(post, path = "/api/v1/insurances", tag = "insurance", request_body = InsuranceRequestInput,
    responses((status = 201, body = InsuranceOut), (status = 403, body = ErrorOut),
              (status = 409, body = ErrorOut, description = "Already insured, or a request is open"),
              (status = 422, body = ErrorOut, description = "No valid permit: unknown, not the caller's, cancelled or expired")))]
async fn request_insurance(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    body: JsonBody<InsuranceRequestInput>,
) -> HttpResult<Response> {
    if !matches!(
        who.scope,
        domain::role::Scope::EmployerHr { .. } | domain::role::Scope::Applicant { .. }
    ) {
        return Err(HttpError::new(StatusCode::FORBIDDEN, "role_not_allowed"));
    }
    let (number, code) = body.value.parse()?;
    let i = services::insurance::request(&app.ctx, &who, number, code).await?;
    Ok((StatusCode::CREATED, Json(InsuranceOut::from(&i))).into_response())
}

#[utoipa::path(get, path = "/api/v1/insurances/{id}", tag = "insurance", params(("id" = Uuid, Path)),
    responses((status = 200, body = InsuranceDetailOut), (status = 404, body = ErrorOut)))]
async fn get_insurance(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Json<InsuranceDetailOut>> {
    insurance_role(&who)?;
    let v = services::insurance::get(&app.ctx, &who, InsuranceId(path_id(&id)?)).await?;
    let today = app.ctx.clock.today();
    Ok(Json(InsuranceDetailOut {
        insurance: (&v.insurance).into(),
        person: (&v.person).into(),
        employer: (&v.employer).into(),
        permit: v.permit.as_ref().map(|p| PermitOut::new(p, today)),
        cards: v.cards.iter().map(Into::into).collect(),
        timeline: v.events.iter().map(Into::into).collect(),
    }))
}

#[utoipa::path(post, path = "/api/v1/insurances/{id}/decision", tag = "insurance", params(("id" = Uuid, Path)),
    request_body = InsuranceDecisionInput,
    responses((status = 200, body = InsuranceOut, description = "Registered (with the new social security number and a card being made) or refused"),
              (status = 403, body = ErrorOut), (status = 404, body = ErrorOut), (status = 409, body = ErrorOut), (status = 422, body = ErrorOut)))]
async fn decide_insurance(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
    body: JsonBody<InsuranceDecisionInput>,
) -> HttpResult<Json<InsuranceOut>> {
    social(&who)?;
    let (decision, version) = body.value.parse()?;
    let i = services::insurance::decide(
        &app.ctx,
        &who,
        InsuranceId(path_id(&id)?),
        decision,
        version,
    )
    .await?;
    Ok(Json((&i).into()))
}

#[utoipa::path(post, path = "/api/v1/insurances/{id}/card", tag = "insurance", params(("id" = Uuid, Path)),
    request_body = CardStepInput,
    responses((status = 200, body = CardOut, description = "The agency moves the card through its states; the holder may report it lost"),
              (status = 403, body = ErrorOut), (status = 404, body = ErrorOut), (status = 409, body = ErrorOut), (status = 422, body = ErrorOut)))]
async fn card_step(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
    body: JsonBody<CardStepInput>,
) -> HttpResult<Json<CardOut>> {
    if !matches!(
        who.scope,
        domain::role::Scope::SocialSecurityOfficer { .. } | domain::role::Scope::Applicant { .. }
    ) {
        return Err(HttpError::new(StatusCode::FORBIDDEN, "role_not_allowed"));
    }
    let to = body.value.parse()?;
    let c = services::insurance::card(&app.ctx, &who, InsuranceId(path_id(&id)?), to).await?;
    Ok(Json((&c).into()))
}

#[utoipa::path(post, path = "/api/v1/insurances/{id}/card/replacement", tag = "insurance", params(("id" = Uuid, Path)),
    responses((status = 201, body = CardOut, description = "A new card after one reported lost or cancelled"),
              (status = 403, body = ErrorOut), (status = 404, body = ErrorOut), (status = 409, body = ErrorOut), (status = 422, body = ErrorOut)))]
async fn replace_card(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Response> {
    social(&who)?;
    let c = services::insurance::replace_card(&app.ctx, &who, InsuranceId(path_id(&id)?)).await?;
    Ok((StatusCode::CREATED, Json(CardOut::from(&c))).into_response())
}

pub use super::dto::ErrorOut;
