//! The administrator: accounts, and forms to register an employer and create an account.

use super::view::{
    ErrorItem, Field, Page, Stop, apply_errors, city_name, city_options, form_outcome, require,
    time, with_choose, with_status,
};
use super::{CsrfToken, PageCtx, check_csrf, page_ctx, render};
use crate::http::{AppState, HttpError, MaybeAuth};
use crate::input::{AccountInput, EmployerInput, PolicyInput};
use crate::services;
use askama::Template;
use axum::Router;
use axum::extract::{Extension, Form, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use domain::party::{Employer, EmployerKind};
use domain::role::{Principal, Role, Scope};
use serde::Deserialize;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(admin))
        .route("/admin/employers", post(create_employer))
        .route("/admin/accounts", post(create_account))
        .route("/admin/policies", post(load_policy))
}

const ADMIN: &[Role] = &[Role::Administrator];

#[derive(Deserialize, Default)]
struct EmployerForm {
    csrf: Option<String>,
    name: Option<String>,
    uscc: Option<String>,
    city: Option<String>,
    kind: Option<String>,
}

#[derive(Deserialize, Default)]
struct AccountForm {
    csrf: Option<String>,
    username: Option<String>,
    display_name: Option<String>,
    password: Option<String>,
    role: Option<String>,
    employer_id: Option<String>,
    person_id: Option<String>,
    city: Option<String>,
}

#[derive(Deserialize, Default)]
struct PolicyForm {
    csrf: Option<String>,
    file_name: Option<String>,
    source: Option<String>,
}

struct PolicyRow {
    version: String,
    effective_from: String,
    in_force: bool,
}

struct AccountRow {
    username: String,
    display_name: String,
    role: String,
    scope: String,
    created: String,
    disabled: bool,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage<'a> {
    page: PageCtx<'a>,
    notice: String,
    errors: Vec<ErrorItem>,
    accounts: Vec<AccountRow>,
    employer_fields: Vec<Field>,
    account_fields: Vec<Field>,
    policies: Vec<PolicyRow>,
    policy_fields: Vec<Field>,
}

/// Which form failed, with what it sent.
enum Failed<'a> {
    None,
    Employer(&'a EmployerForm, &'a HttpError),
    Account(&'a AccountForm, &'a HttpError),
    Policy(&'a PolicyForm, &'a HttpError),
}

async fn admin_page(
    app: &AppState,
    headers: &HeaderMap,
    csrf: &CsrfToken,
    who: Principal,
    notice: String,
    failed: Failed<'_>,
) -> Result<Response, Stop> {
    let accounts = services::accounts::list(&app.ctx, &who).await?;
    let policies = services::policies::list(&app.ctx).await?;
    let employers: Vec<Employer> = services::employers::list(&app.ctx, &who).await?;
    let page = page_ctx(app, headers, Some(who), csrf, "/admin");
    let p = &page;
    let names: HashMap<_, _> = employers
        .iter()
        .map(|e| (e.id, e.name.to_string()))
        .collect();
    let accounts = accounts
        .iter()
        .map(|a| AccountRow {
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            role: p.word("role", a.scope.role().as_str()),
            scope: match a.scope {
                Scope::EmployerHr { employer_id } => names
                    .get(&employer_id)
                    .cloned()
                    .unwrap_or_else(|| employer_id.to_string()),
                Scope::Applicant { person_id } => person_id.to_string(),
                Scope::LabourOfficer { city }
                | Scope::ImmigrationOfficer { city }
                | Scope::SocialSecurityOfficer { city } => city_name(p.lang, city),
                Scope::Administrator => String::new(),
            },
            created: time(a.created_at),
            disabled: a.disabled,
        })
        .collect();

    let blank_e = EmployerForm::default();
    let blank_a = AccountForm::default();
    let blank_p = PolicyForm::default();
    let (ef, af, pf) = match &failed {
        Failed::Employer(f, _) => (*f, &blank_a, &blank_p),
        Failed::Account(f, _) => (&blank_e, *f, &blank_p),
        Failed::Policy(f, _) => (&blank_e, &blank_a, *f),
        Failed::None => (&blank_e, &blank_a, &blank_p),
    };
    let policies = policies
        .into_iter()
        .map(|v| PolicyRow {
            version: v.version,
            effective_from: super::view::date(v.effective_from),
            in_force: v.in_force,
        })
        .collect();
    let mut policy_fields = vec![
        Field::new(p, "policy-", "file_name", "text")
            .value(&pf.file_name)
            .hint(p.t("hint-policy-file-name")),
        Field::new(p, "policy-", "source", "textarea")
            .value(&pf.source)
            .hint(p.t("hint-policy-source")),
    ];
    let kinds = EmployerKind::ALL
        .into_iter()
        .map(|k| (k.as_str().to_string(), p.word("employer-kind", k.as_str())))
        .collect();
    let mut employer_fields = vec![
        Field::new(p, "employer-", "name", "text").value(&ef.name),
        Field::new(p, "employer-", "uscc", "text")
            .value(&ef.uscc)
            .hint(p.t("hint-uscc")),
        Field::new(p, "employer-", "city", "select")
            .value(&ef.city)
            .options(with_choose(p, city_options(p))),
        Field::new(p, "employer-", "kind", "select")
            .label(p.t("field-employer-kind"))
            .value(&ef.kind)
            .options(with_choose(p, kinds)),
    ];
    let roles = Role::ALL
        .into_iter()
        .map(|r| (r.as_str().to_string(), p.word("role", r.as_str())))
        .collect();
    let employer_opts = employers
        .iter()
        .map(|e| {
            (
                e.id.to_string(),
                format!("{} ({})", e.name, city_name(p.lang, e.city)),
            )
        })
        .collect();
    let mut account_fields = vec![
        Field::new(p, "account-", "username", "text")
            .value(&af.username)
            .hint(p.t("hint-username"))
            .autocomplete("off"),
        Field::new(p, "account-", "display_name", "text").value(&af.display_name),
        // The password is never sent back.
        Field::new(p, "account-", "password", "password")
            .hint(p.t("hint-password"))
            .autocomplete("new-password"),
        Field::new(p, "account-", "role", "select")
            .value(&af.role)
            .options(with_choose(p, roles)),
        Field::new(p, "account-", "employer_id", "select")
            .value(&af.employer_id)
            .options(with_choose(p, employer_opts))
            .hint(p.t("hint-account-employer")),
        Field::new(p, "account-", "city", "select")
            .value(&af.city)
            .options(with_choose(p, city_options(p)))
            .hint(p.t("hint-account-city")),
        Field::new(p, "account-", "person_id", "text")
            .value(&af.person_id)
            .hint(p.t("hint-account-person"))
            .autocomplete("off"),
    ];
    let (errors, status) = match failed {
        Failed::Employer(_, e) => (
            apply_errors(p, e, employer_fields.iter_mut(), "#employer-form"),
            Some(e.status),
        ),
        Failed::Account(_, e) => (
            apply_errors(p, e, account_fields.iter_mut(), "#account-form"),
            Some(e.status),
        ),
        Failed::Policy(_, e) => (
            apply_errors(p, e, policy_fields.iter_mut(), "#policy-form"),
            Some(e.status),
        ),
        Failed::None => (Vec::new(), None),
    };
    let res = render(&AdminPage {
        page,
        notice,
        errors,
        accounts,
        employer_fields,
        account_fields,
        policies,
        policy_fields,
    });
    Ok(match status {
        Some(s) => with_status(res, s),
        None => res,
    })
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn admin(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Query(q): Query<DoneQuery>,
) -> Page {
    let who = require(user, ADMIN)?;
    let catalog = &app.catalog;
    let lang = crate::http::locale_of(&headers);
    let notice = match q.done.as_deref() {
        Some("employer") => catalog.t(lang, "notice-employer-created"),
        Some("account") => catalog.t(lang, "notice-account-created"),
        Some("policy") => catalog.t(lang, "notice-policy-loaded"),
        _ => String::new(),
    };
    admin_page(&app, &headers, &csrf, who, notice, Failed::None).await
}

async fn create_employer(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Form(f): Form<EmployerForm>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, ADMIN)?;
    let input = EmployerInput {
        name: f.name.clone(),
        uscc: f.uscc.clone(),
        city: f.city.clone(),
        kind: f.kind.clone(),
    };
    let result = match input.parse() {
        Ok(new) => services::employers::create(&app.ctx, &who, new, None)
            .await
            .map_err(HttpError::from),
        Err(inv) => Err(HttpError::invalid(inv)),
    };
    let err = form_outcome(result, |_| "/admin?done=employer".into())?;
    admin_page(
        &app,
        &headers,
        &csrf,
        who,
        String::new(),
        Failed::Employer(&f, &err),
    )
    .await
}

async fn create_account(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Form(f): Form<AccountForm>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, ADMIN)?;
    let input = AccountInput {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        password: f.password.clone(),
        role: f.role.clone(),
        employer_id: f.employer_id.clone(),
        person_id: f.person_id.clone(),
        city: f.city.clone(),
    };
    let result = match input.parse() {
        Ok(new) => services::accounts::create(&app.ctx, &who, new, None)
            .await
            .map_err(HttpError::from),
        Err(inv) => Err(HttpError::invalid(inv)),
    };
    let err = form_outcome(result, |_| "/admin?done=account".into())?;
    admin_page(
        &app,
        &headers,
        &csrf,
        who,
        String::new(),
        Failed::Account(&f, &err),
    )
    .await
}

async fn load_policy(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Form(f): Form<PolicyForm>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, ADMIN)?;
    let input = PolicyInput {
        file_name: f.file_name.clone(),
        source: f.source.clone(),
    };
    let result = match input.parse() {
        Ok(upload) => services::policies::load(&app.ctx, &who, &upload.file_name, &upload.source)
            .await
            .map_err(HttpError::from),
        Err(inv) => Err(HttpError::invalid(inv)),
    };
    let err = form_outcome(result, |_| "/admin?done=policy".into())?;
    admin_page(
        &app,
        &headers,
        &csrf,
        who,
        String::new(),
        Failed::Policy(&f, &err),
    )
    .await
}
