//! The employer's one-stop forms: a residence application on a work permit already issued, and
//! a request for social insurance; and the one-stop part of the employer's home page.

use super::cases::{card_badge, case_badge, residence_status_badge};
use super::immigration::{case_path, role_options};
use super::view::{
    Badge, ErrorItem, Field, Stop, apply_errors, date, form_outcome, form_status, require, time,
};
use super::{CsrfToken, PageCtx, check_csrf, page_ctx, render};
use crate::http::{AppState, HttpError, MaybeAuth};
use crate::input::{InsuranceRequestInput, ResidenceApplyInput, Whole};
use crate::services;
use askama::Template;
use axum::Router;
use axum::extract::{Extension, Form, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use domain::role::{Principal, Role};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/employer/residence/new",
            get(new_residence).post(create_residence),
        )
        .route(
            "/employer/insurance/new",
            get(new_insurance).post(create_insurance),
        )
}

const HR: &[Role] = &[Role::EmployerHr];

// ------------------------------------------------------------------------------------------------
// What the employer's home page lists.

pub struct ResidenceRow {
    pub href: String,
    pub receipt: String,
    pub person: String,
    pub evidence_one_stop: bool,
    pub state: Badge,
    pub created: String,
}

pub struct ResidencePermitRow {
    pub href: String,
    pub number: String,
    pub holder: String,
    pub validity: String,
    pub status: Badge,
    pub collected: String,
}

pub struct InsuranceRow {
    pub href: String,
    pub person: String,
    pub ssn: String,
    pub state: Badge,
    pub card: Option<Badge>,
}

/// The one-stop part of the employer's home page.
#[derive(Default)]
pub struct OneStop {
    pub residence: Vec<ResidenceRow>,
    pub permits: Vec<ResidencePermitRow>,
    pub insurances: Vec<InsuranceRow>,
}

pub async fn one_stop_lists(
    app: &AppState,
    who: &Principal,
    page: &PageCtx<'_>,
) -> Result<OneStop, Stop> {
    let ctx = &app.ctx;
    let apps: Vec<_> = services::residence::list(ctx, who, Vec::new())
        .await?
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    let permits = services::residence::permits(ctx, who).await?;
    let insurances = services::insurance::list(ctx, who, Vec::new()).await?;
    let names = services::residence::names_of(ctx, who, &apps, &permits).await?;
    let ins_names = services::insurance::names_of(ctx, who, &insurances).await?;
    let mut ins_rows = Vec::new();
    for i in &insurances {
        let v = services::insurance::get(ctx, who, i.id).await?;
        ins_rows.push(InsuranceRow {
            href: format!("/insurance/{}", i.id),
            person: ins_names.person(i.person_id),
            ssn: i.ssn.as_ref().map(|s| s.to_string()).unwrap_or_default(),
            state: case_badge(page, i.state.as_str()),
            card: v.cards.last().map(|c| card_badge(page, c.state.as_str())),
        });
    }
    Ok(OneStop {
        residence: apps
            .iter()
            .map(|a| ResidenceRow {
                href: case_path(Role::EmployerHr, a.id),
                receipt: a.receipt_number.to_string(),
                person: names.person(a.person_id),
                evidence_one_stop: a.joint_with().is_some(),
                state: case_badge(page, a.state.as_str()),
                created: time(a.created_at),
            })
            .collect(),
        permits: permits
            .iter()
            .map(|r| ResidencePermitRow {
                href: format!("/residence/permits/{}", r.id),
                number: r.number.to_string(),
                holder: names.person(r.holder_id),
                validity: page.tn(
                    "validity-range",
                    &[("from", date(r.valid_from)), ("to", date(r.valid_to))],
                ),
                status: residence_status_badge(page, r.status.as_str()),
                collected: match r.collected_at {
                    Some(t) => page.t1("os-collected-at", "at", &time(t)),
                    None => page.t("os-not-collected"),
                },
            })
            .collect(),
        insurances: ins_rows,
    })
}

// ------------------------------------------------------------------------------------------------
// A residence application on an existing permit.

#[derive(Deserialize, Default)]
struct ResidenceForm {
    csrf: Option<String>,
    permit_number: Option<String>,
    card_qr: Option<String>,
    residence_role: Option<String>,
    residence_months: Option<String>,
}

#[derive(Template)]
#[template(path = "one_stop_form.html")]
struct FormPage<'a> {
    page: PageCtx<'a>,
    title: String,
    intro: String,
    action: &'static str,
    button: String,
    errors: Vec<ErrorItem>,
    fields: Vec<Field>,
}

fn permit_fields(p: &PageCtx, number: &Option<String>, qr: &Option<String>) -> Vec<Field> {
    vec![
        Field::new(p, "", "permit_number", "text")
            .value(number)
            .hint(p.t("os-hint-permit-number"))
            .optional()
            .autocomplete("off"),
        Field::new(p, "", "card_qr", "textarea")
            .value(qr)
            .hint(p.t("os-hint-card-qr"))
            .optional(),
    ]
}

fn residence_page(page: PageCtx<'_>, f: &ResidenceForm, err: Option<&HttpError>) -> Response {
    let p = &page;
    let mut fields = permit_fields(p, &f.permit_number, &f.card_qr);
    fields.push(
        Field::new(p, "", "residence_role", "select")
            .value(&f.residence_role)
            .options(role_options(p))
            .hint(p.t("os-hint-residence-role")),
    );
    fields.push(
        Field::new(p, "", "residence_months", "number")
            .value(&f.residence_months)
            .hint(p.t("os-hint-residence-months")),
    );
    let errors = match err {
        Some(e) => apply_errors(p, e, fields.iter_mut(), "#one-stop-form"),
        None => Vec::new(),
    };
    let res = render(&FormPage {
        title: p.t("os-residence-new-title"),
        intro: p.t("os-residence-new-intro"),
        action: "/employer/residence/new",
        button: p.t("os-residence-new-button"),
        errors,
        fields,
        page,
    });
    form_status(res, err)
}

async fn new_residence(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
) -> Result<Response, Stop> {
    let who = require(user, HR)?;
    let page = page_ctx(&app, &headers, Some(who), &csrf, "/employer/residence/new");
    Ok(residence_page(page, &ResidenceForm::default(), None))
}

async fn create_residence(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Form(f): Form<ResidenceForm>,
) -> Result<Response, Stop> {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, HR)?;
    let input = ResidenceApplyInput {
        permit_number: f.permit_number.clone(),
        card_qr: f.card_qr.clone(),
        role_at_employer: f.residence_role.clone(),
        requested_months: f.residence_months.clone().map(Whole::Text),
    };
    let result = match input.parse() {
        Ok(i) => services::residence::apply(&app.ctx, &who, i)
            .await
            .map_err(HttpError::from),
        Err(inv) => Err(HttpError::invalid(inv)),
    };
    let err = form_outcome(result, |a| case_path(Role::EmployerHr, a.id))?;
    let page = page_ctx(&app, &headers, Some(who), &csrf, "/employer/residence/new");
    Ok(residence_page(page, &f, Some(&err)))
}

// ------------------------------------------------------------------------------------------------
// A request for social insurance.

#[derive(Deserialize, Default)]
struct InsuranceForm {
    csrf: Option<String>,
    permit_number: Option<String>,
    card_qr: Option<String>,
}

fn insurance_page(page: PageCtx<'_>, f: &InsuranceForm, err: Option<&HttpError>) -> Response {
    let p = &page;
    let mut fields = permit_fields(p, &f.permit_number, &f.card_qr);
    let errors = match err {
        Some(e) => apply_errors(p, e, fields.iter_mut(), "#one-stop-form"),
        None => Vec::new(),
    };
    let res = render(&FormPage {
        title: p.t("os-insurance-new-title"),
        intro: p.t("os-insurance-new-intro"),
        action: "/employer/insurance/new",
        button: p.t("os-insurance-new-button"),
        errors,
        fields,
        page,
    });
    form_status(res, err)
}

async fn new_insurance(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
) -> Result<Response, Stop> {
    let who = require(user, HR)?;
    let page = page_ctx(&app, &headers, Some(who), &csrf, "/employer/insurance/new");
    Ok(insurance_page(page, &InsuranceForm::default(), None))
}

async fn create_insurance(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Form(f): Form<InsuranceForm>,
) -> Result<Response, Stop> {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, HR)?;
    let input = InsuranceRequestInput {
        permit_number: f.permit_number.clone(),
        card_qr: f.card_qr.clone(),
    };
    let result = match input.parse() {
        Ok((number, code)) => services::insurance::request(&app.ctx, &who, number, code)
            .await
            .map_err(HttpError::from),
        Err(inv) => Err(HttpError::invalid(inv)),
    };
    let err = form_outcome(result, |i| format!("/insurance/{}", i.id))?;
    let page = page_ctx(&app, &headers, Some(who), &csrf, "/employer/insurance/new");
    Ok(insurance_page(page, &f, Some(&err)))
}
