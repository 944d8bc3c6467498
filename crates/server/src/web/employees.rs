//! The employer's employees: per person the permit and residence validity, the deadlines coming
//! up, the contributions declared, the list as CSV; and per person the statement with the form
//! that declares (or corrects) a month.

use super::cases::parse_uuid;
use super::records::{StatementTable, statement_table};
use super::view::{
    Badge, ErrorItem, Field, Page, apply_errors, date, form_status, permit_badge, require,
    shown_on_form,
};
use super::{CsrfToken, PageCtx, check_csrf, page_ctx, render};
use crate::http::{AppState, HttpError, MaybeAuth};
use crate::input::DeclarationInput;
use crate::services;
use askama::Template;
use axum::Router;
use axum::extract::{Extension, Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use domain::contributions::ContributionMonth;
use domain::ids::PersonId;
use domain::role::{Principal, Role};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/employer/employees", get(list))
        .route("/employer/employees/{id}", get(show).post(declare))
}

const HR: &[Role] = &[Role::EmployerHr];

struct Row {
    href: String,
    name: String,
    permit: String,
    permit_status: Option<Badge>,
    permit_valid_to: String,
    extension_opens: String,
    residence: String,
    residence_valid_to: String,
    insured: bool,
    months: i64,
    last_month: String,
    /// This month's contribution is declared.
    this_month: bool,
    /// Something expires within 90 days: the row is marked.
    soon: Vec<String>,
}

#[derive(Template)]
#[template(path = "employees.html")]
struct ListPage<'a> {
    page: PageCtx<'a>,
    rows: Vec<Row>,
    soon: usize,
}

async fn list(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
) -> Page {
    let who = require(user, HR)?;
    let list = services::contributions::deadlines(&app.ctx, &who).await?;
    let page = page_ctx(&app, &headers, Some(who), &csrf, "/employer/employees");
    let p = &page;
    let rows: Vec<Row> = list
        .iter()
        .map(|d| {
            let mut soon = Vec::new();
            if d.permit_expiring_soon
                && let Some(x) = &d.permit
            {
                soon.push(p.t1("employees-permit-expiring", "date", &date(x.valid_to)));
            }
            if d.residence_expiring_soon
                && let Some(x) = &d.residence
            {
                soon.push(p.t1("employees-residence-expiring", "date", &date(x.valid_to)));
            }
            Row {
                href: format!("/employer/employees/{}", d.person.id),
                name: d.person.name.full(),
                permit: d
                    .permit
                    .as_ref()
                    .map(|x| x.number.to_string())
                    .unwrap_or_default(),
                permit_status: d.permit_status.map(|s| permit_badge(p, s)),
                permit_valid_to: d
                    .permit
                    .as_ref()
                    .map(|x| date(x.valid_to))
                    .unwrap_or_default(),
                extension_opens: d.extension_opens.map(date).unwrap_or_default(),
                residence: d
                    .residence
                    .as_ref()
                    .map(|x| x.number.to_string())
                    .unwrap_or_default(),
                residence_valid_to: d
                    .residence
                    .as_ref()
                    .map(|x| date(x.valid_to))
                    .unwrap_or_default(),
                insured: d.insured,
                months: d.months_declared,
                last_month: d.last_month.map(|m| m.to_string()).unwrap_or_default(),
                this_month: d.declared_this_month,
                soon,
            }
        })
        .collect();
    let soon = rows.iter().filter(|r| !r.soon.is_empty()).count();
    Ok(render(&ListPage { page, rows, soon }))
}

#[derive(Template)]
#[template(path = "employee.html")]
struct PersonPage<'a> {
    page: PageCtx<'a>,
    id: String,
    name: String,
    notice: String,
    errors: Vec<ErrorItem>,
    insured: bool,
    closed: bool,
    statement: StatementTable,
    statement_pdf: String,
    month: Field,
    base: Field,
}

#[derive(Deserialize, Default)]
struct DeclareData {
    csrf: Option<String>,
    month: Option<String>,
    base: Option<String>,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
    month: Option<String>,
}

async fn person_page(
    app: &AppState,
    headers: &HeaderMap,
    csrf: &CsrfToken,
    who: Principal,
    id: PersonId,
    notice: String,
    failed: Option<(&HttpError, &DeclareData)>,
) -> Page {
    let v = services::contributions::statement(&app.ctx, &who, id).await?;
    let today = app.ctx.clock.today();
    let page = page_ctx(
        app,
        headers,
        Some(who),
        csrf,
        &format!("/employer/employees/{id}"),
    );
    let p = &page;
    let sent = failed.map(|(_, s)| s);
    // The month to declare now, unless the form came back with another.
    let this_month = Some(ContributionMonth::of(today).to_string());
    let mut month = Field::new(p, "", "month", "text")
        .value(&sent.map_or(this_month, |s| s.month.clone()))
        .hint(p.t("hint-month"));
    let mut base = Field::new(p, "", "base", "text")
        .value(&sent.and_then(|s| s.base.clone()))
        .hint(p.t("hint-base"));
    let errors = match failed {
        Some((e, _)) => apply_errors(p, e, [&mut month, &mut base], "#declare"),
        None => Vec::new(),
    };
    let res = render(&PersonPage {
        id: id.to_string(),
        name: v.person.name.full(),
        notice,
        errors,
        insured: v.insurance.is_some(),
        closed: v.closed_at.is_some(),
        statement_pdf: if v.statement.months.is_empty() {
            String::new()
        } else {
            format!("/api/v1/people/{id}/statement/pdf")
        },
        statement: statement_table(p, &v.statement),
        month,
        base,
        page,
    });
    Ok(form_status(res, failed.map(|(e, _)| e)))
}

async fn show(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Page {
    let who = require(user, HR)?;
    let id = PersonId(parse_uuid(&id, "person_not_found")?);
    let catalog = &app.catalog;
    let lang = crate::http::locale_of(&headers);
    // The month comes back from the redirect; only a well-formed one is shown.
    let month = q
        .month
        .as_deref()
        .and_then(|m| ContributionMonth::parse("month", m).ok())
        .map(|m| m.to_string())
        .unwrap_or_default();
    let notice = match q.done.as_deref() {
        Some(d @ ("declared" | "corrected")) => {
            catalog.get(lang, &format!("employees-notice-{d}"), &[("month", month)])
        }
        _ => String::new(),
    };
    person_page(&app, &headers, &csrf, who, id, notice, None).await
}

async fn declare(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    Form(f): Form<DeclareData>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, HR)?;
    let pid = PersonId(parse_uuid(&id, "person_not_found")?);
    let input = DeclarationInput {
        person_id: Some(pid.to_string()),
        month: f.month.clone(),
        base: f.base.clone(),
    };
    let err = match input.parse() {
        Ok(input) => match services::contributions::declare_month(&app.ctx, &who, input).await {
            Ok(d) => {
                let done = if d.correction {
                    "corrected"
                } else {
                    "declared"
                };
                let month = d.stored.declaration.contribution.month;
                return Ok(Redirect::to(&format!(
                    "/employer/employees/{pid}?done={done}&month={month}"
                ))
                .into_response());
            }
            Err(e) => HttpError::from(e),
        },
        Err(inv) => HttpError::invalid(inv),
    };
    if !shown_on_form(&err) {
        return Err(err.into());
    }
    person_page(
        &app,
        &headers,
        &csrf,
        who,
        pid,
        String::new(),
        Some((&err, &f)),
    )
    .await
}
