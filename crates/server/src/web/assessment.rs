//! The self-assessment page: anyone, signed in or not, describes an applicant and a job and sees
//! the category, the points per factor, what is missing, the documents and the deadlines under
//! the policy in force. Works without JavaScript: the form posts and the page answers.

use super::profile::ProfileForm;
use super::view::{ErrorItem, Field, Page, Section, apply_errors, city_options, with_choose};
use super::{CsrfToken, PageCtx, check_csrf, page_ctx, render};
use crate::explain::{Explained, explain};
use crate::http::{AppState, HttpError, MaybeAuth};
use crate::input::AssessmentInput;
use crate::services;
use askama::Template;
use axum::Router;
use axum::extract::{Extension, Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use domain::party::EmployerKind;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/assessment", get(form).post(assess))
}

#[derive(Debug, Deserialize, Default, Clone)]
struct AssessmentForm {
    csrf: Option<String>,
    city: Option<String>,
    employer_kind: Option<String>,
    position: Option<String>,
    annual_salary: Option<String>,
    contract_start: Option<String>,
    contract_end: Option<String>,
    date_of_birth: Option<String>,
    nationality: Option<String>,
    #[serde(flatten)]
    profile: ProfileForm,
}

impl AssessmentForm {
    fn input(&self) -> AssessmentInput {
        AssessmentInput {
            city: self.city.clone(),
            employer_kind: self.employer_kind.clone(),
            position: self.position.clone(),
            annual_salary: self.annual_salary.clone(),
            contract_start: self.contract_start.clone(),
            contract_end: self.contract_end.clone(),
            date_of_birth: self.date_of_birth.clone(),
            nationality: self.nationality.clone(),
            profile: Some(self.profile.input()),
        }
    }
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct AssessmentPage<'a> {
    page: PageCtx<'a>,
    errors: Vec<ErrorItem>,
    sections: Vec<Section>,
    x: Option<Explained>,
}

fn sections(p: &PageCtx, f: &AssessmentForm) -> Vec<Section> {
    let kinds = EmployerKind::ALL
        .into_iter()
        .map(|k| (k.as_str().to_string(), p.word("employer-kind", k.as_str())))
        .collect();
    let job = vec![
        Field::new(p, "", "city", "select")
            .value(&f.city)
            .options(with_choose(p, city_options(p))),
        Field::new(p, "", "employer_kind", "select")
            .value(&f.employer_kind)
            .options(with_choose(p, kinds)),
        Field::new(p, "", "position", "text").value(&f.position),
        Field::new(p, "", "annual_salary", "text").value(&f.annual_salary),
        Field::new(p, "", "contract_start", "date").value(&f.contract_start),
        Field::new(p, "", "contract_end", "date").value(&f.contract_end),
    ];
    let person = vec![
        Field::new(p, "", "date_of_birth", "date").value(&f.date_of_birth),
        Field::new(p, "", "nationality", "text")
            .value(&f.nationality)
            .hint(p.t("hint-nationality")),
    ];
    vec![
        Section {
            legend: p.t("assessment-job"),
            hint: String::new(),
            fields: job,
        },
        Section {
            legend: p.t("assessment-person"),
            hint: String::new(),
            fields: person,
        },
        Section {
            legend: p.t("field-profile"),
            hint: p.t("assessment-profile-hint"),
            fields: f.profile.fields(p, ""),
        },
    ]
}

async fn form(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
) -> Page {
    let page = page_ctx(&app, &headers, user, &csrf, "/assessment");
    let sections = sections(&page, &AssessmentForm::default());
    Ok(render(&AssessmentPage {
        page,
        errors: Vec::new(),
        sections,
        x: None,
    }))
}

async fn assess(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Form(f): Form<AssessmentForm>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let page = page_ctx(&app, &headers, user, &csrf, "/assessment");
    let mut sections = sections(&page, &f);
    let result = match f.input().parse(app.ctx.clock.today()) {
        Ok(facts) => services::policies::assess(&app.ctx, &facts)
            .await
            .map_err(HttpError::from),
        Err(inv) => Err(HttpError::invalid(inv)),
    };
    match result {
        Ok(a) => {
            let x = Some(explain(page.catalog, page.lang, &a));
            Ok(render(&AssessmentPage {
                page,
                errors: Vec::new(),
                sections,
                x,
            }))
        }
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let fields = sections.iter_mut().flat_map(|s| s.fields.iter_mut());
            let errors = apply_errors(&page, &e, fields, "#assessment-form");
            let mut res = render(&AssessmentPage {
                page,
                errors,
                sections,
                x: None,
            });
            *res.status_mut() = e.status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}
