//! A person's visas: immigration enters one as printed on it, from the residence pages of the
//! person; the holder and the employer see the list.

use super::cases::{Fact, fact, parse_uuid};
use super::view::{
    Badge, ErrorItem, Field, Page, apply_errors, city_name, date, form_status, require,
    shown_on_form, time, with_choose,
};
use super::{CsrfToken, PageCtx, check_csrf, page_ctx, render};
use crate::http::{AppState, HttpError, MaybeAuth};
use crate::input::{VisaInput, Whole};
use crate::services::{self, visas::VisaList};
use askama::Template;
use axum::Router;
use axum::extract::{Extension, Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::NaiveDate;
use domain::ids::PersonId;
use domain::role::{Principal, Role};
use domain::visa::{Entries, VisaCategory};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/people/{id}/visas", get(show).post(record))
}

/// Who sees a person's visas: immigration, the employer and the holder (the service decides
/// whose).
const READERS: &[Role] = &[Role::ImmigrationOfficer, Role::EmployerHr, Role::Applicant];

/// Where a person's visas are.
pub fn visas_path(person: PersonId) -> String {
    format!("/people/{person}/visas")
}

struct VisaRow {
    number: String,
    category: String,
    issuing_post: String,
    issued_on: String,
    valid_until: String,
    entries: String,
    stay_days: String,
    remarks: String,
    status: Badge,
    entered: String,
}

#[derive(Template)]
#[template(path = "visas.html")]
struct VisasPage<'a> {
    page: PageCtx<'a>,
    title: String,
    back: &'static str,
    action: String,
    notice: String,
    errors: Vec<ErrorItem>,
    facts: Vec<Fact>,
    rows: Vec<VisaRow>,
    /// The form that records a visa: immigration's only.
    form: Vec<Field>,
}

/// A visa, as the form sends it.
#[derive(Deserialize, Default)]
struct VisaForm {
    csrf: Option<String>,
    visa_number: Option<String>,
    visa_category: Option<String>,
    issuing_post: Option<String>,
    issued_on: Option<String>,
    valid_until: Option<String>,
    entries: Option<String>,
    stay_days: Option<String>,
    remarks: Option<String>,
}

impl VisaForm {
    fn input(&self) -> VisaInput {
        VisaInput {
            visa_number: self.visa_number.clone(),
            visa_category: self.visa_category.clone(),
            issuing_post: self.issuing_post.clone(),
            issued_on: self.issued_on.clone(),
            valid_until: self.valid_until.clone(),
            entries: self.entries.clone(),
            stay_days: self.stay_days.clone().map(Whole::Text),
            remarks: self.remarks.clone(),
        }
    }
}

pub fn status(p: &PageCtx, d: &domain::visa::VisaDetails, today: NaiveDate) -> Badge {
    let (class, code) = if d.is_valid_on(today) {
        ("state status-valid", "valid")
    } else if d.valid_until < today {
        ("state status-expired", "expired")
    } else {
        ("state", "not_yet_valid")
    };
    Badge {
        class: class.to_string(),
        text: p.word("visa-status", code),
    }
}

fn form_fields(p: &PageCtx, sent: Option<&VisaForm>) -> Vec<Field> {
    let v = |f: fn(&VisaForm) -> &Option<String>| sent.and_then(|s| f(s).clone());
    vec![
        Field::new(p, "", "visa_number", "text")
            .value(&v(|f| &f.visa_number))
            .hint(p.t("visa-hint-number")),
        Field::new(p, "", "visa_category", "select")
            .value(&v(|f| &f.visa_category))
            .options(with_choose(
                p,
                VisaCategory::ALL
                    .iter()
                    .map(|c| {
                        (
                            c.as_str().to_string(),
                            p.word("visa-category", &c.as_str().to_ascii_lowercase()),
                        )
                    })
                    .collect(),
            )),
        Field::new(p, "", "issuing_post", "text")
            .value(&v(|f| &f.issuing_post))
            .hint(p.t("visa-hint-issuing-post")),
        Field::new(p, "", "issued_on", "date")
            .value(&v(|f| &f.issued_on))
            .hint(p.t("hint-date")),
        Field::new(p, "", "valid_until", "date")
            .value(&v(|f| &f.valid_until))
            .hint(p.t("visa-hint-valid-until")),
        Field::new(p, "", "entries", "select")
            .value(&v(|f| &f.entries))
            .options(with_choose(
                p,
                Entries::ALL
                    .iter()
                    .map(|e| (e.as_str().to_string(), p.word("visa-entries", e.as_str())))
                    .collect(),
            )),
        Field::new(p, "", "stay_days", "number")
            .value(&v(|f| &f.stay_days))
            .hint(p.t("visa-hint-stay-days")),
        Field::new(p, "", "remarks", "textarea")
            .value(&v(|f| &f.remarks))
            .optional(),
    ]
}

fn visas_page(
    page: PageCtx<'_>,
    l: &VisaList,
    today: NaiveDate,
    notice: String,
    failed: Option<(&HttpError, &VisaForm)>,
) -> Response {
    let p = &page;
    let role = p.user.as_ref().map(|u| u.role()).unwrap_or(Role::Applicant);
    let officer = role == Role::ImmigrationOfficer;
    let person = &l.person;
    let facts = vec![
        fact(p.t("os-col-holder"), person.name.full()),
        fact(p.t("field-nationality"), person.nationality),
        fact(p.t("field-passport-number"), &person.passport_number),
    ];
    let rows = l
        .visas
        .iter()
        .map(|v| {
            let d = &v.details;
            VisaRow {
                number: d.number.to_string(),
                category: p.word("visa-category", &d.category.as_str().to_ascii_lowercase()),
                issuing_post: d.issuing_post.to_string(),
                issued_on: date(d.issued_on),
                valid_until: date(d.valid_until),
                entries: p.word("visa-entries", d.entries.as_str()),
                stay_days: p.t1("visa-days", "days", &d.stay_days.to_string()),
                remarks: d
                    .remarks
                    .as_ref()
                    .map(|r| r.to_string())
                    .unwrap_or_default(),
                status: status(p, d, today),
                entered: p.tn(
                    "visa-entered",
                    &[
                        ("city", city_name(p.lang, v.city)),
                        ("when", time(v.entered_at)),
                    ],
                ),
            }
        })
        .collect();
    let mut form = if officer {
        form_fields(p, failed.map(|(_, f)| f))
    } else {
        Vec::new()
    };
    let errors = match failed {
        Some((e, _)) => apply_errors(p, e, form.iter_mut(), "#record"),
        None => Vec::new(),
    };
    let back = match role {
        Role::ImmigrationOfficer => "/immigration",
        Role::EmployerHr => "/employer",
        _ => "/me",
    };
    let res = render(&VisasPage {
        title: p.t1("visa-page-title", "name", &person.name.full()),
        back,
        action: visas_path(person.id),
        notice,
        errors,
        facts,
        rows,
        form,
        page,
    });
    form_status(res, failed.map(|(e, _)| e))
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

fn person_id(s: &str) -> Result<PersonId, HttpError> {
    parse_uuid(s, "person_not_found").map(PersonId)
}

async fn show(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Page {
    let who = require(user, READERS)?;
    let id = person_id(&id)?;
    let l = services::visas::list(&app.ctx, &who, id).await?;
    let page = page_ctx(&app, &headers, Some(who), &csrf, &visas_path(id));
    let notice = match q.done.as_deref() {
        Some("recorded") => page.t("visa-notice-recorded"),
        _ => String::new(),
    };
    Ok(visas_page(page, &l, app.ctx.clock.today(), notice, None))
}

async fn record(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    Form(f): Form<VisaForm>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who: Principal = require(user, &[Role::ImmigrationOfficer])?;
    let id = person_id(&id)?;
    let today = app.ctx.clock.today();
    let err = match f.input().parse(today) {
        Ok(details) => match services::visas::record(&app.ctx, &who, id, details).await {
            Ok(_) => {
                return Ok(
                    Redirect::to(&format!("{}?done=recorded", visas_path(id))).into_response()
                );
            }
            Err(e) => HttpError::from(e),
        },
        Err(inv) => HttpError::invalid(inv),
    };
    if !shown_on_form(&err) {
        return Err(err.into());
    }
    let l = services::visas::list(&app.ctx, &who, id).await?;
    let page = page_ctx(&app, &headers, Some(who), &csrf, &visas_path(id));
    Ok(visas_page(page, &l, today, String::new(), Some((&err, &f))))
}
