//! The employer's HR: its people and applications, and the forms that add a person and start an
//! application.

use super::view::{
    Badge, ErrorItem, Field, Page, Section, apply_errors, category_options, date, form_outcome,
    form_status, require, state_badge, time, with_choose,
};
use super::{CsrfToken, PageCtx, check_csrf, page_ctx, render};
use crate::http::{AppState, HttpError, MaybeAuth};
use crate::input::{ApplicationInput, PersonInput};
use crate::services::{self, applications::ListQuery};
use askama::Template;
use axum::Router;
use axum::extract::{Extension, Form, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use domain::application::ApplicationKind;
use domain::party::Person;
use domain::role::{Principal, Role};
use serde::Deserialize;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/employer", get(home))
        .route("/employer/people/new", get(new_person).post(create_person))
        .route(
            "/employer/applications/new",
            get(new_application).post(create_application),
        )
}

const HR: &[Role] = &[Role::EmployerHr];

struct PersonRow {
    name: String,
    nationality: String,
    passport: String,
    date_of_birth: String,
    sex: String,
    email: String,
}

struct ApplicationRow {
    id: String,
    receipt: String,
    kind: String,
    person: String,
    state: Badge,
    created: String,
}

#[derive(Template)]
#[template(path = "employer.html")]
struct HomePage<'a> {
    page: PageCtx<'a>,
    employer: String,
    notice: String,
    people: Vec<PersonRow>,
    applications: Vec<ApplicationRow>,
    one_stop: super::employer_one_stop::OneStop,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn home(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Query(q): Query<DoneQuery>,
) -> Page {
    let who = require(user, HR)?;
    let ctx = &app.ctx;
    let employer = services::employers::list(ctx, &who)
        .await?
        .into_iter()
        .next()
        .map(|e| e.name.to_string())
        .unwrap_or_default();
    let people = services::people::list(ctx, &who).await?;
    let apps = services::applications::list(ctx, &who, &ListQuery::default()).await?;
    let page = page_ctx(&app, &headers, Some(who.clone()), &csrf, "/employer");
    let one_stop = super::employer_one_stop::one_stop_lists(&app, &who, &page).await?;
    let names: HashMap<_, _> = people.iter().map(|p| (p.id, p.name.full())).collect();
    let notice = match q.done.as_deref() {
        Some("person") => page.t("notice-person-created"),
        _ => String::new(),
    };
    let people = people
        .iter()
        .map(|p| PersonRow {
            name: p.name.full(),
            nationality: p.nationality.to_string(),
            passport: p.passport_number.to_string(),
            date_of_birth: date(p.date_of_birth),
            sex: p.sex.as_str().to_string(),
            email: p.email.to_string(),
        })
        .collect();
    let applications = apps
        .iter()
        .map(|a| ApplicationRow {
            id: a.id.to_string(),
            receipt: a.receipt_number.to_string(),
            kind: page.word("kind", a.kind().as_str()),
            person: names.get(&a.person_id).cloned().unwrap_or_default(),
            state: state_badge(&page, a.state),
            created: time(a.created_at),
        })
        .collect();
    Ok(render(&HomePage {
        page,
        employer,
        notice,
        people,
        applications,
        one_stop,
    }))
}

// A foreign employee.

#[derive(Deserialize, Default)]
struct PersonForm {
    csrf: Option<String>,
    surname: Option<String>,
    given_names: Option<String>,
    nationality: Option<String>,
    passport_number: Option<String>,
    date_of_birth: Option<String>,
    sex: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

impl PersonForm {
    fn input(&self) -> PersonInput {
        PersonInput {
            surname: self.surname.clone(),
            given_names: self.given_names.clone(),
            nationality: self.nationality.clone(),
            passport_number: self.passport_number.clone(),
            date_of_birth: self.date_of_birth.clone(),
            sex: self.sex.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "person_new.html")]
struct PersonPage<'a> {
    page: PageCtx<'a>,
    errors: Vec<ErrorItem>,
    fields: Vec<Field>,
}

fn person_page(page: PageCtx<'_>, f: &PersonForm, err: Option<&HttpError>) -> Response {
    let sexes = ["F", "M", "X"]
        .into_iter()
        .map(|s| (s.to_string(), page.t(&format!("sex-{}", s.to_lowercase()))))
        .collect();
    let mut fields = vec![
        Field::new(&page, "", "surname", "text")
            .value(&f.surname)
            .hint(page.t("hint-passport-name"))
            .autocomplete("off"),
        Field::new(&page, "", "given_names", "text")
            .value(&f.given_names)
            .hint(page.t("hint-given-names"))
            .optional()
            .autocomplete("off"),
        Field::new(&page, "", "nationality", "text")
            .value(&f.nationality)
            .hint(page.t("hint-nationality"))
            .autocomplete("off"),
        Field::new(&page, "", "passport_number", "text")
            .value(&f.passport_number)
            .hint(page.t("hint-passport-number"))
            .autocomplete("off"),
        Field::new(&page, "", "date_of_birth", "date")
            .value(&f.date_of_birth)
            .hint(page.t("hint-date")),
        Field::new(&page, "", "sex", "select")
            .value(&f.sex)
            .options(with_choose(&page, sexes))
            .hint(page.t("hint-sex")),
        Field::new(&page, "", "email", "email")
            .value(&f.email)
            .autocomplete("off"),
        Field::new(&page, "", "phone", "tel")
            .value(&f.phone)
            .hint(page.t("hint-phone"))
            .optional()
            .autocomplete("off"),
    ];
    let errors = match err {
        Some(e) => apply_errors(&page, e, fields.iter_mut(), "#person-form"),
        None => Vec::new(),
    };
    let res = render(&PersonPage {
        page,
        errors,
        fields,
    });
    form_status(res, err)
}

async fn new_person(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
) -> Page {
    let who = require(user, HR)?;
    let page = page_ctx(&app, &headers, Some(who), &csrf, "/employer/people/new");
    Ok(person_page(page, &PersonForm::default(), None))
}

async fn create_person(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Form(f): Form<PersonForm>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, HR)?;
    let result = match f.input().parse(app.ctx.clock.today()) {
        Ok(input) => services::people::create(&app.ctx, &who, input, None)
            .await
            .map_err(HttpError::from),
        Err(inv) => Err(HttpError::invalid(inv)),
    };
    let err = form_outcome(result, |_| "/employer?done=person".into())?;
    let page = page_ctx(&app, &headers, Some(who), &csrf, "/employer/people/new");
    Ok(person_page(page, &f, Some(&err)))
}

// An application of any kind.

#[derive(Deserialize, Default)]
struct ApplicationForm {
    csrf: Option<String>,
    submit: Option<String>,
    kind: Option<String>,
    person_id: Option<String>,
    position: Option<String>,
    annual_salary: Option<String>,
    contract_start: Option<String>,
    contract_end: Option<String>,
    requested_category: Option<String>,
    permit_number: Option<String>,
    change_what: Option<String>,
    change_date: Option<String>,
    new_position: Option<String>,
    new_surname: Option<String>,
    new_given_names: Option<String>,
    new_passport_number: Option<String>,
    passport_number: Option<String>,
    employment_end: Option<String>,
    reason: Option<String>,
    /// One-stop: also apply for the residence permit.
    one_stop: Option<String>,
    residence_role: Option<String>,
    residence_months: Option<String>,
    #[serde(flatten)]
    profile: super::profile::ProfileForm,
}

impl ApplicationForm {
    fn input(&self) -> ApplicationInput {
        ApplicationInput {
            kind: self.kind.clone(),
            submit: Some(self.submit.as_deref() == Some("true")),
            person_id: self.person_id.clone(),
            position: self.position.clone(),
            annual_salary: self.annual_salary.clone(),
            contract_start: self.contract_start.clone(),
            contract_end: self.contract_end.clone(),
            requested_category: self.requested_category.clone(),
            permit_number: self.permit_number.clone(),
            change_what: self.change_what.clone(),
            change_date: self.change_date.clone(),
            new_position: self.new_position.clone(),
            new_surname: self.new_surname.clone(),
            new_given_names: self.new_given_names.clone(),
            new_passport_number: self.new_passport_number.clone(),
            passport_number: self.passport_number.clone(),
            employment_end: self.employment_end.clone(),
            reason: self.reason.clone(),
            // Only a new permit is classified; a profile left blank is none.
            profile: (self.kind.as_deref() == Some("new") && !self.profile.is_blank())
                .then(|| self.profile.input()),
            residence: (self.one_stop.as_deref() == Some("on")).then(|| {
                crate::input::ResidenceRequestInput {
                    role_at_employer: self.residence_role.clone(),
                    requested_months: self.residence_months.clone().map(crate::input::Whole::Text),
                }
            }),
        }
    }
}

#[derive(Template)]
#[template(path = "application_new.html")]
struct ApplicationPage<'a> {
    page: PageCtx<'a>,
    errors: Vec<ErrorItem>,
    kind: Field,
    sections: Vec<Section>,
    no_people: bool,
}

fn person_label(p: &Person) -> String {
    format!(
        "{} ({}, {})",
        p.name.full(),
        p.nationality,
        p.passport_number
    )
}

fn application_page(
    page: PageCtx<'_>,
    people: &[Person],
    f: &ApplicationForm,
    err: Option<&HttpError>,
) -> Response {
    let p = &page;
    let kinds = ApplicationKind::ALL
        .into_iter()
        .map(|k| (k.as_str().to_string(), p.word("kind", k.as_str())))
        .collect();
    let mut kind = Field::new(p, "", "kind", "radio")
        .label(p.t("app-kind-label"))
        .value(&f.kind)
        .options(kinds);
    let people_opts = people
        .iter()
        .map(|x| (x.id.to_string(), person_label(x)))
        .collect();
    let changes = ["employer", "position", "name", "passport"]
        .into_iter()
        .map(|c| (c.to_string(), p.word("change", c)))
        .collect();
    let mut sections = vec![
        Section {
            legend: p.word("kind", "new"),
            hint: p.t("section-new-hint"),
            fields: vec![
                Field::new(p, "", "person_id", "select")
                    .value(&f.person_id)
                    .options(with_choose(p, people_opts))
                    .hint(p.t("hint-person-id")),
                Field::new(p, "", "position", "text").value(&f.position),
                Field::new(p, "", "annual_salary", "text")
                    .value(&f.annual_salary)
                    .hint(p.t("hint-annual-salary")),
                Field::new(p, "", "contract_start", "date")
                    .value(&f.contract_start)
                    .hint(p.t("hint-date")),
                Field::new(p, "", "requested_category", "select")
                    .value(&f.requested_category)
                    .options(with_choose(p, category_options(p)))
                    .hint(p.t("hint-requested-category"))
                    .optional(),
            ],
        },
        Section {
            legend: p.t("os-section-one-stop"),
            hint: p.t("os-section-one-stop-hint"),
            fields: vec![
                Field::new(p, "", "one_stop", "checkbox")
                    .label(p.t("os-one-stop-checkbox"))
                    .value(&f.one_stop),
                Field::new(p, "", "residence_role", "select")
                    .value(&f.residence_role)
                    .options(super::immigration::role_options(p))
                    .hint(p.t("os-hint-residence-role")),
                Field::new(p, "", "residence_months", "number")
                    .value(&f.residence_months)
                    .hint(p.t("os-hint-residence-months")),
            ],
        },
        Section {
            legend: p.t("field-profile"),
            hint: p.t("section-profile-hint"),
            fields: f.profile.fields(p, ""),
        },
        Section {
            legend: p.t("section-contract-end"),
            hint: p.t("section-contract-end-hint"),
            fields: vec![
                Field::new(p, "", "contract_end", "date")
                    .value(&f.contract_end)
                    .hint(p.t("hint-date")),
            ],
        },
        Section {
            legend: p.t("section-permit"),
            hint: p.t("section-permit-hint"),
            fields: vec![
                Field::new(p, "", "permit_number", "text")
                    .value(&f.permit_number)
                    .hint(p.t("hint-permit-number")),
            ],
        },
        Section {
            legend: p.word("kind", "change"),
            hint: p.t("section-change-hint"),
            fields: vec![
                Field::new(p, "", "change_what", "select")
                    .value(&f.change_what)
                    .options(with_choose(p, changes)),
                Field::new(p, "", "change_date", "date")
                    .value(&f.change_date)
                    .hint(p.t("hint-date")),
                Field::new(p, "", "new_position", "text")
                    .value(&f.new_position)
                    .hint(p.t("hint-new-position")),
                Field::new(p, "", "new_surname", "text")
                    .value(&f.new_surname)
                    .hint(p.t("hint-new-name")),
                Field::new(p, "", "new_given_names", "text")
                    .value(&f.new_given_names)
                    .hint(p.t("hint-new-name")),
                Field::new(p, "", "new_passport_number", "text")
                    .value(&f.new_passport_number)
                    .hint(p.t("hint-new-passport-number")),
                Field::new(p, "", "passport_number", "text")
                    .label(p.t("field-holder-passport-number"))
                    .value(&f.passport_number)
                    .hint(p.t("hint-holder-passport-number")),
            ],
        },
        Section {
            legend: p.word("kind", "cancellation"),
            hint: p.t("section-cancellation-hint"),
            fields: vec![
                Field::new(p, "", "employment_end", "date")
                    .value(&f.employment_end)
                    .hint(p.t("hint-date")),
                Field::new(p, "", "reason", "text").value(&f.reason),
            ],
        },
    ];
    let errors = match err {
        Some(e) => apply_errors(
            p,
            e,
            std::iter::once(&mut kind).chain(sections.iter_mut().flat_map(|s| s.fields.iter_mut())),
            "#application-form",
        ),
        None => Vec::new(),
    };
    let res = render(&ApplicationPage {
        page,
        errors,
        kind,
        sections,
        no_people: people.is_empty(),
    });
    form_status(res, err)
}

async fn people_of(app: &AppState, who: &Principal) -> Result<Vec<Person>, super::view::Stop> {
    Ok(services::people::list(&app.ctx, who).await?)
}

async fn new_application(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
) -> Page {
    let who = require(user, HR)?;
    let people = people_of(&app, &who).await?;
    let page = page_ctx(
        &app,
        &headers,
        Some(who),
        &csrf,
        "/employer/applications/new",
    );
    Ok(application_page(
        page,
        &people,
        &ApplicationForm::default(),
        None,
    ))
}

async fn create_application(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Form(f): Form<ApplicationForm>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, HR)?;
    let result = match f.input().parse() {
        Ok(input) => services::applications::create(&app.ctx, &who, input, None)
            .await
            .map_err(HttpError::from),
        Err(inv) => Err(HttpError::invalid(inv)),
    };
    let err = form_outcome(result, |c| format!("/applications/{}", c.into_inner().id))?;
    let people = people_of(&app, &who).await?;
    let page = page_ctx(
        &app,
        &headers,
        Some(who),
        &csrf,
        "/employer/applications/new",
    );
    Ok(application_page(page, &people, &f, Some(&err)))
}
