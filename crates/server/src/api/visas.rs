//! The API of visas: immigration enters them; the holder, the employer and immigration read them.

use super::path_id;
use crate::http::{AppState, Auth, HttpError, HttpResult, JsonBody};
use crate::input::VisaInput;
use crate::services;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use domain::ids::PersonId;
use domain::role::Scope;
use domain::visa::Visa;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub use super::dto::ErrorOut;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/people/{id}/visas", get(list).post(record))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VisaOut {
    pub id: Uuid,
    pub person_id: Uuid,
    pub visa_number: String,
    /// C, D, F, G, J1, J2, L, M, Q1, Q2, R, S1, S2, X1, X2 or Z.
    pub visa_category: String,
    pub issuing_post: String,
    pub issued_on: NaiveDate,
    /// The last day to enter with it.
    pub valid_until: NaiveDate,
    /// single, double or multiple.
    pub entries: String,
    /// The longest each stay may last, in days.
    pub stay_days: u16,
    pub remarks: Option<String>,
    /// Whether it may be used today: issued, and not past its last day.
    pub valid_today: bool,
    /// The city of the immigration officer who entered it.
    pub city: String,
    pub entered_at: DateTime<Utc>,
}

impl VisaOut {
    pub fn new(v: &Visa, today: NaiveDate) -> Self {
        let d = &v.details;
        VisaOut {
            id: v.id.0,
            person_id: v.person_id.0,
            visa_number: d.number.to_string(),
            visa_category: d.category.as_str().to_string(),
            issuing_post: d.issuing_post.to_string(),
            issued_on: d.issued_on,
            valid_until: d.valid_until,
            entries: d.entries.as_str().to_string(),
            stay_days: d.stay_days.days(),
            remarks: d.remarks.as_ref().map(|r| r.to_string()),
            valid_today: d.is_valid_on(today),
            city: v.city.code().to_string(),
            entered_at: v.entered_at,
        }
    }
}

#[utoipa::path(post, path = "/api/v1/people/{id}/visas", tag = "visas", params(("id" = Uuid, Path)),
    request_body = VisaInput,
    responses((status = 201, body = VisaOut, description = "Recorded; the holder is told"),
              (status = 403, body = ErrorOut, description = "Only immigration officers enter visas"),
              (status = 404, body = ErrorOut, description = "No such person, or none the officer's city has business with (a permit, a residence permit or a residence application there)"),
              (status = 409, body = ErrorOut, description = "visa_duplicate: the person has a visa of this number already"),
              (status = 422, body = ErrorOut, description = "Refused with each field and rule named, nothing recorded: visa_number_format, visa_category_value, visa_entries_value, visa_stay_days_range, visa_issued_in_future, visa_valid_until_before_issue, visa_validity_too_long…")))]
async fn record(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
    body: JsonBody<VisaInput>,
) -> HttpResult<Response> {
    if !matches!(who.scope, Scope::ImmigrationOfficer { .. }) {
        return Err(HttpError::new(
            StatusCode::FORBIDDEN,
            "immigration_officer_only",
        ));
    }
    let person = PersonId(path_id(&id)?);
    let today = app.ctx.clock.today();
    let details = body.value.parse(today)?;
    let v = services::visas::record(&app.ctx, &who, person, details).await?;
    Ok((StatusCode::CREATED, Json(VisaOut::new(&v, today))).into_response())
}

#[utoipa::path(get, path = "/api/v1/people/{id}/visas", tag = "visas", params(("id" = Uuid, Path)),
    responses((status = 200, body = [VisaOut], description = "The person's visas, the newest first: the holder's own, the employer's people's, and those of people the immigration officer's city has business with"),
              (status = 403, body = ErrorOut), (status = 404, body = ErrorOut)))]
async fn list(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Json<Vec<VisaOut>>> {
    // A role that may never read visas is told so, whether or not the person exists.
    if !matches!(
        who.scope,
        Scope::Applicant { .. } | Scope::EmployerHr { .. } | Scope::ImmigrationOfficer { .. }
    ) {
        return Err(HttpError::new(StatusCode::FORBIDDEN, "role_not_allowed"));
    }
    let person = PersonId(path_id(&id)?);
    let l = services::visas::list(&app.ctx, &who, person).await?;
    let today = app.ctx.clock.today();
    Ok(Json(
        l.visas.iter().map(|v| VisaOut::new(v, today)).collect(),
    ))
}
