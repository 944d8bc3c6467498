//! The holder's one-stop page: residence applications and permits, social insurance, and
//! appointments at immigration's offices, booked, moved and cancelled without JavaScript.

use super::cases::{card_badge, case_badge, parse_uuid, purpose_word, residence_status_badge};
use super::immigration::case_path;
use super::view::{
    Badge, ErrorItem, Field, Page, apply_errors, date, form_status, require, shown_on_form, time,
};
use super::{CsrfToken, PageCtx, check_csrf, page_ctx, render, urlencode};
use crate::http::{AppState, HttpError, MaybeAuth};
use crate::input::{BookingInput, RescheduleInput};
use crate::services;
use askama::Template;
use axum::Router;
use axum::extract::{Extension, Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use chrono::{Days, NaiveDate};
use domain::appointment::{AppointmentState, Office, format_slot};
use domain::city::City;
use domain::ids::{AppointmentId, OfficeId};
use domain::insurance::CardState;
use domain::residence::ResidenceStatus;
use domain::role::{Principal, Role};
use serde::Deserialize;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/residence", get(home))
        .route("/appointments/new", get(new_appointment).post(book))
        .route("/appointments/{id}/move", post(move_appointment))
        .route("/appointments/{id}/cancel", post(cancel))
}

const HOLDER: &[Role] = &[Role::Applicant];

struct ApplicationRow {
    href: String,
    receipt: String,
    state: Badge,
    submitted: String,
    passport: String,
    book: String,
}

struct PermitRow {
    href: String,
    number: String,
    validity: String,
    status: Badge,
    collected: String,
    book: String,
}

struct InsuranceRow {
    id: String,
    ssn: String,
    state: Badge,
    card: Option<Badge>,
    may_report_lost: bool,
}

struct AppointmentRow {
    id: String,
    office: String,
    when: String,
    purpose: String,
    state: String,
    booked: bool,
    slot: Field,
    choose: String,
}

#[derive(Template)]
#[template(path = "residence.html")]
struct HomePage<'a> {
    page: PageCtx<'a>,
    notice: String,
    errors: Vec<ErrorItem>,
    applications: Vec<ApplicationRow>,
    permits: Vec<PermitRow>,
    insurances: Vec<InsuranceRow>,
    appointments: Vec<AppointmentRow>,
}

/// The booking page's address for `purpose` and its record, at the first office of `city`.
fn booking_link(offices: &[Office], city: City, purpose: &str, subject: &str) -> String {
    let office = offices
        .iter()
        .find(|o| o.city == city)
        .map(|o| format!("&office={}", o.id))
        .unwrap_or_default();
    format!("/appointments/new?purpose={purpose}&subject={subject}{office}")
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn home_page(
    app: &AppState,
    headers: &HeaderMap,
    csrf: &CsrfToken,
    who: Principal,
    done: Option<&str>,
    failed: Option<(&HttpError, AppointmentId, &MoveData)>,
) -> Page {
    let ctx = &app.ctx;
    let apps = services::residence::list(ctx, &who, Vec::new()).await?;
    let permits = services::residence::permits(ctx, &who).await?;
    let insurances = services::insurance::list(ctx, &who, Vec::new()).await?;
    let mut cards = HashMap::new();
    for i in &insurances {
        let v = services::insurance::get(ctx, &who, i.id).await?;
        if let Some(c) = v.cards.last() {
            cards.insert(i.id, c.state);
        }
    }
    let appointments = services::appointments::mine(ctx, &who).await?;
    let offices = services::appointments::offices(ctx).await?;
    let page = page_ctx(app, headers, Some(who), csrf, "/residence");
    let p = &page;
    let notice = match done {
        Some(code @ ("booked" | "moved" | "cancelled" | "card_reported_lost")) => {
            p.t(&format!("os-notice-{}", code.replace('_', "-")))
        }
        _ => String::new(),
    };
    let applications = apps
        .iter()
        .map(|(a, _)| ApplicationRow {
            href: case_path(Role::Applicant, a.id),
            receipt: a.receipt_number.to_string(),
            state: case_badge(p, a.state.as_str()),
            submitted: time(a.created_at),
            passport: match a.passport_inspected_at {
                Some(t) => p.t1("os-passport-returned-at", "at", &time(t)),
                None => p.t("os-passport-not-inspected"),
            },
            book: if !a.state.is_final() && a.passport_inspected_at.is_none() {
                booking_link(&offices, a.city, "passport_inspection", &a.id.to_string())
            } else {
                String::new()
            },
        })
        .collect();
    let permit_rows = permits
        .iter()
        .map(|r| PermitRow {
            href: format!("/residence/permits/{}", r.id),
            number: r.number.to_string(),
            validity: p.tn(
                "validity-range",
                &[("from", date(r.valid_from)), ("to", date(r.valid_to))],
            ),
            status: residence_status_badge(p, r.status.as_str()),
            collected: match r.collected_at {
                Some(t) => p.t1("os-collected-at", "at", &time(t)),
                None => p.t("os-not-collected"),
            },
            book: if r.collected_at.is_none() && r.status == ResidenceStatus::Valid {
                booking_link(
                    &offices,
                    r.city,
                    "collect_residence_permit",
                    &r.id.to_string(),
                )
            } else {
                String::new()
            },
        })
        .collect();
    let insurance_rows = insurances
        .iter()
        .map(|i| InsuranceRow {
            id: i.id.to_string(),
            ssn: i
                .ssn
                .as_ref()
                .map(|s| s.to_string())
                .unwrap_or_else(|| p.t("os-ssn-pending")),
            state: case_badge(p, i.state.as_str()),
            card: cards.get(&i.id).map(|c| card_badge(p, c.as_str())),
            may_report_lost: cards.get(&i.id) == Some(&CardState::Issued),
        })
        .collect();
    let office_name: HashMap<OfficeId, &Office> = offices.iter().map(|o| (o.id, o)).collect();
    let mut errors = Vec::new();
    let appointment_rows = appointments
        .iter()
        .map(|a| {
            let sent = failed.filter(|(_, id, _)| *id == a.id);
            let mut slot = Field::new(p, &format!("move-{}-", a.id), "slot", "datetime-local")
                .label(p.t("os-move-to"))
                .value(&Some(
                    sent.and_then(|(_, _, f)| f.slot.clone())
                        .unwrap_or_else(|| format_slot(a.slot)),
                ))
                .hint(p.t("os-hint-slot"));
            if let Some((e, _, _)) = sent {
                errors = apply_errors(p, e, std::iter::once(&mut slot), &format!("#appt-{}", a.id));
            }
            AppointmentRow {
                id: a.id.to_string(),
                office: office_name
                    .get(&a.office_id)
                    .map(|o| format!("{}, {}", o.name, o.address))
                    .unwrap_or_default(),
                when: a.slot.format("%Y-%m-%d %H:%M").to_string(),
                purpose: purpose_word(p, &a.purpose),
                state: p.word("os-appt", a.state.as_str()),
                booked: a.state == AppointmentState::Booked,
                slot,
                choose: format!(
                    "/appointments/new?office={}&date={}&move={}",
                    a.office_id,
                    a.slot.date(),
                    a.id
                ),
            }
        })
        .collect();
    let res = render(&HomePage {
        page,
        notice,
        errors,
        applications,
        permits: permit_rows,
        insurances: insurance_rows,
        appointments: appointment_rows,
    });
    Ok(form_status(res, failed.map(|(e, _, _)| e)))
}

async fn home(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Query(q): Query<DoneQuery>,
) -> Page {
    let who = require(user, HOLDER)?;
    home_page(&app, &headers, &csrf, who, q.done.as_deref(), None).await
}

// ------------------------------------------------------------------------------------------------
// Booking.

#[derive(Deserialize, Default, Clone)]
struct BookingQuery {
    office: Option<String>,
    date: Option<String>,
    purpose: Option<String>,
    subject: Option<String>,
    /// Moving this appointment rather than booking a new one.
    #[serde(rename = "move")]
    moving: Option<String>,
}

struct SlotRow {
    value: String,
    time: String,
    free: u32,
}

#[derive(Template)]
#[template(path = "appointment_new.html")]
struct BookingPage<'a> {
    page: PageCtx<'a>,
    errors: Vec<ErrorItem>,
    purpose: String,
    purpose_code: String,
    subject: String,
    moving: String,
    office_field: Field,
    date_field: Field,
    office_id: String,
    address: String,
    /// Whether a day was asked about; then whether the office opens on it.
    asked: bool,
    open: bool,
    slots: Vec<SlotRow>,
}

async fn booking_page(
    app: &AppState,
    headers: &HeaderMap,
    csrf: &CsrfToken,
    who: Principal,
    q: &BookingQuery,
    failed: Option<&HttpError>,
) -> Page {
    let ctx = &app.ctx;
    let offices = services::appointments::offices(ctx).await?;
    let default_day = ctx.clock.today() + Days::new(1);
    let office = q
        .office
        .as_deref()
        .and_then(|o| uuid::Uuid::parse_str(o.trim()).ok())
        .map(OfficeId)
        .and_then(|id| offices.iter().find(|o| o.id == id))
        .or(offices.first());
    let day_text = q
        .date
        .clone()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| date(default_day));
    let day: Result<NaiveDate, HttpError> = domain::values::parse_date("date", &day_text)
        .map_err(|e| HttpError::field(axum::http::StatusCode::UNPROCESSABLE_ENTITY, e));
    let view = match (office, &day) {
        (Some(o), Ok(d)) => Some(services::appointments::day(ctx, o.id, *d).await?),
        _ => None,
    };
    let path = format!(
        "/appointments/new?office={}&date={}&purpose={}&subject={}&move={}",
        office.map(|o| o.id.to_string()).unwrap_or_default(),
        urlencode(&day_text),
        urlencode(q.purpose.as_deref().unwrap_or("")),
        urlencode(q.subject.as_deref().unwrap_or("")),
        urlencode(q.moving.as_deref().unwrap_or("")),
    );
    let page = page_ctx(app, headers, Some(who), csrf, &path);
    let p = &page;
    let purpose_code = q.purpose.clone().unwrap_or_default();
    let purpose = match purpose_code.as_str() {
        c @ ("passport_inspection" | "collect_residence_permit") => p.word("os-purpose", c),
        _ => String::new(),
    };
    let mut office_field = Field::new(p, "", "office", "select")
        .label(p.t("field-office-id"))
        .value(&office.map(|o| o.id.to_string()))
        .options(
            offices
                .iter()
                .map(|o| (o.id.to_string(), o.name.to_string()))
                .collect(),
        );
    let mut date_field = Field::new(p, "", "date", "date")
        .value(&Some(day_text.clone()))
        .hint(p.t("os-hint-booking-date"));
    let mut errors = Vec::new();
    if let Err(e) = &day {
        errors.extend(apply_errors(p, e, std::iter::once(&mut date_field), "#day"));
    }
    if let Some(e) = failed {
        errors.extend(apply_errors(
            p,
            e,
            [&mut office_field, &mut date_field],
            "#slots",
        ));
    }
    let (open, slots) = match &view {
        Some(v) => (
            v.open,
            v.slots
                .iter()
                .map(|s| SlotRow {
                    value: format_slot(s.slot),
                    time: s.slot.format("%H:%M").to_string(),
                    free: s.free,
                })
                .collect(),
        ),
        None => (false, Vec::new()),
    };
    let res = render(&BookingPage {
        errors,
        purpose,
        purpose_code,
        subject: q.subject.clone().unwrap_or_default(),
        moving: q.moving.clone().unwrap_or_default(),
        office_field,
        date_field,
        office_id: office.map(|o| o.id.to_string()).unwrap_or_default(),
        address: office.map(|o| o.address.to_string()).unwrap_or_default(),
        asked: view.is_some(),
        open,
        slots,
        page,
    });
    Ok(form_status(res, failed))
}

async fn new_appointment(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Query(q): Query<BookingQuery>,
) -> Page {
    let who = require(user, HOLDER)?;
    booking_page(&app, &headers, &csrf, who, &q, None).await
}

#[derive(Deserialize, Default)]
struct BookData {
    csrf: Option<String>,
    office_id: Option<String>,
    slot: Option<String>,
    purpose: Option<String>,
    subject_id: Option<String>,
    date: Option<String>,
}

async fn book(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Form(f): Form<BookData>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, HOLDER)?;
    let input = BookingInput {
        office_id: f.office_id.clone(),
        slot: f.slot.clone(),
        purpose: f.purpose.clone(),
        subject_id: f.subject_id.clone(),
    };
    let err = match input.parse() {
        Ok((office, slot, purpose)) => {
            match services::appointments::book(&app.ctx, &who, office, slot, purpose).await {
                Ok(_) => return Ok(Redirect::to("/residence?done=booked").into_response()),
                Err(e) => HttpError::from(e),
            }
        }
        Err(inv) => HttpError::invalid(inv),
    };
    if !shown_on_form(&err) {
        return Err(err.into());
    }
    let q = BookingQuery {
        office: f.office_id.clone(),
        date: f.date.clone(),
        purpose: f.purpose.clone(),
        subject: f.subject_id.clone(),
        moving: None,
    };
    booking_page(&app, &headers, &csrf, who, &q, Some(&err)).await
}

#[derive(Deserialize, Default)]
struct MoveData {
    csrf: Option<String>,
    slot: Option<String>,
}

fn appointment_id(s: &str) -> Result<AppointmentId, HttpError> {
    parse_uuid(s, "appointment_not_found").map(AppointmentId)
}

async fn move_appointment(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    Form(f): Form<MoveData>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, HOLDER)?;
    let id = appointment_id(&id)?;
    let input = RescheduleInput {
        slot: f.slot.clone(),
    };
    let err = match input.parse() {
        Ok(slot) => match services::appointments::reschedule(&app.ctx, &who, id, slot).await {
            Ok(_) => return Ok(Redirect::to("/residence?done=moved").into_response()),
            Err(e) => HttpError::from(e),
        },
        Err(inv) => HttpError::invalid(inv),
    };
    if !shown_on_form(&err) {
        return Err(err.into());
    }
    home_page(&app, &headers, &csrf, who, None, Some((&err, id, &f))).await
}

async fn cancel(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    Form(f): Form<MoveData>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, HOLDER)?;
    let id = appointment_id(&id)?;
    match services::appointments::cancel(&app.ctx, &who, id).await {
        Ok(_) => Ok(Redirect::to("/residence?done=cancelled").into_response()),
        Err(e) => {
            let err = HttpError::from(e);
            if !shown_on_form(&err) {
                return Err(err.into());
            }
            home_page(&app, &headers, &csrf, who, None, Some((&err, id, &f))).await
        }
    }
}
