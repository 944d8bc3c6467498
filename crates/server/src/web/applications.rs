//! One application: its details, its timeline, and a form for each step the viewer may take.

use super::view::{
    ActionForm, Badge, ErrorItem, EventRow, Field, Page, PermitRow, action_errors,
    category_options, date, lines, permit_row, require, shown_on_form, state_badge, time, timeline,
    with_choose, with_status,
};
use super::{CsrfToken, PageCtx, check_csrf, page_ctx, render};
use crate::http::{AppState, HttpError, MaybeAuth};
use crate::input::TransitionInput;
use crate::services::{self, applications::ApplicationView};
use askama::Template;
use axum::Router;
use axum::extract::{Extension, Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Months, NaiveDate};
use domain::application::{ActionKind, Change, Details};
use domain::ids::ApplicationId;
use domain::permit::Category;
use domain::role::Role;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/applications/{id}", get(show))
        .route("/applications/{id}/transition", post(transition))
}

fn parse_id(s: &str) -> Result<ApplicationId, HttpError> {
    uuid::Uuid::parse_str(s)
        .map(ApplicationId)
        .map_err(|_| HttpError::new(StatusCode::NOT_FOUND, "application_not_found"))
}

/// A label and its value, for the list of facts.
struct Fact {
    label: String,
    value: String,
}

#[derive(Template)]
#[template(path = "application.html")]
struct ApplicationPage<'a> {
    page: PageCtx<'a>,
    id: String,
    title: String,
    state: Badge,
    version: i64,
    notice: String,
    errors: Vec<ErrorItem>,
    facts: Vec<Fact>,
    details: Vec<Fact>,
    permits: Vec<PermitRow>,
    timeline: Vec<EventRow>,
    actions: Vec<ActionForm>,
    back: &'static str,
    /// The assessment made at submission, explained.
    x: Option<crate::explain::Explained>,
    /// What other departments' registers answered.
    checks: Vec<crate::explain::ExplainedCheck>,
    /// The residence half of a one-stop submission: its receipt, state, and page where the
    /// viewer may open it.
    half: Option<(String, Badge, String)>,
    /// The decision's official notices: title, download link, number.
    notices: Vec<(String, String, String)>,
    /// Each checklist item with its files.
    lines: Vec<super::documents::Line>,
}

/// What a step form sends.
#[derive(Deserialize, Default, Clone)]
struct TransitionForm {
    csrf: Option<String>,
    action: Option<String>,
    version: Option<String>,
    items: Option<String>,
    category: Option<String>,
    valid_from: Option<String>,
    valid_to: Option<String>,
    override_reason: Option<String>,
}

impl TransitionForm {
    fn input(&self) -> TransitionInput {
        TransitionInput {
            action: self.action.clone(),
            version: self
                .version
                .as_deref()
                .and_then(|v| v.trim().parse::<i64>().ok()),
            items: self.items.as_deref().map(lines),
            category: self.category.clone(),
            valid_from: self.valid_from.clone(),
            valid_to: self.valid_to.clone(),
            override_reason: self.override_reason.clone(),
        }
    }
}

fn fact(label: String, value: impl ToString) -> Fact {
    Fact {
        label,
        value: value.to_string(),
    }
}

fn details_facts(p: &PageCtx, d: &Details, hr: bool) -> Vec<Fact> {
    let f = |k: &str| p.t(&format!("field-{k}"));
    let mut out = Vec::new();
    match d {
        Details::New {
            position,
            annual_salary,
            contract_start,
            contract_end,
            requested_category,
        } => {
            out.push(fact(f("position"), position));
            out.push(fact(f("annual-salary"), annual_salary));
            out.push(fact(f("contract-start"), date(*contract_start)));
            out.push(fact(f("contract-end"), date(*contract_end)));
            if let Some(c) = requested_category {
                out.push(fact(f("requested-category"), c.as_str()));
            }
        }
        Details::Extension {
            permit_number,
            contract_end,
        } => {
            out.push(fact(f("permit-number"), permit_number));
            out.push(fact(f("contract-end"), date(*contract_end)));
        }
        Details::Change {
            permit_number,
            change,
            change_date,
        } => {
            out.push(fact(f("permit-number"), permit_number));
            out.push(fact(f("change-what"), p.word("change", change.as_str())));
            match change {
                Change::Employer => {}
                Change::Position { new_position } => {
                    out.push(fact(f("new-position"), new_position));
                }
                Change::Name { new_name } => {
                    out.push(fact(p.t("field-new-name"), new_name.full()));
                }
                Change::Passport {
                    new_passport_number,
                } => {
                    let n = if hr {
                        new_passport_number.to_string()
                    } else {
                        new_passport_number.masked()
                    };
                    out.push(fact(f("new-passport-number"), n));
                }
            }
            out.push(fact(f("change-date"), date(*change_date)));
        }
        Details::Cancellation {
            permit_number,
            employment_end,
            reason,
        } => {
            out.push(fact(f("permit-number"), permit_number));
            out.push(fact(f("employment-end"), date(*employment_end)));
            out.push(fact(f("reason"), reason));
        }
    }
    out
}

/// The grant an approval form offers: for a new permit from today for a year, within the
/// contract; for an extension or change, the current permit's, moved no earlier than today.
fn grant_prefill(v: &ApplicationView, today: NaiveDate) -> (String, String, String) {
    let clamp = |cat: Category, from: NaiveDate, to: NaiveDate| {
        let limit = from
            .checked_add_months(Months::new(cat.max_validity_months()))
            .unwrap_or(to);
        to.min(limit)
    };
    let current = v.permit.last();
    match (&v.application.details, current) {
        (
            Details::New {
                contract_end,
                requested_category,
                ..
            },
            _,
        ) => {
            let to = today
                .checked_add_months(Months::new(12))
                .map_or(*contract_end, |y| y.min(*contract_end));
            // The policy's category where it assessed one, else the employer's own.
            let assessed = v
                .assessment
                .as_ref()
                .and_then(|r| r.result.as_ref())
                .map(|a| a.category);
            (
                assessed
                    .or(*requested_category)
                    .map(|c| c.as_str().to_string())
                    .unwrap_or_default(),
                date(today),
                date(to),
            )
        }
        (Details::Extension { contract_end, .. }, Some(p)) => {
            let from = today.max(p.valid_from);
            let wanted = p
                .valid_to
                .checked_add_months(Months::new(12))
                .unwrap_or(p.valid_to)
                .min(*contract_end);
            (
                p.category.as_str().to_string(),
                date(from),
                date(clamp(p.category, from, wanted)),
            )
        }
        (Details::Change { .. }, Some(p)) => {
            let from = today.max(p.valid_from);
            (
                p.category.as_str().to_string(),
                date(from),
                date(clamp(p.category, from, p.valid_to)),
            )
        }
        _ => (String::new(), date(today), String::new()),
    }
}

fn action_forms(
    p: &PageCtx,
    v: &ApplicationView,
    today: NaiveDate,
    posted: Option<&TransitionForm>,
) -> Vec<ActionForm> {
    v.actions
        .iter()
        .map(|a| {
            let code = a.as_str();
            let prefix = format!("{}-", code.replace('_', "-"));
            // The values sent, when this is the form that was sent.
            let sent = posted.filter(|f| f.action.as_deref() == Some(code));
            let mut fields = Vec::new();
            match a {
                ActionKind::Return | ActionKind::Refuse | ActionKind::RequestCorrections => {
                    let label = match a {
                        ActionKind::Return => p.t("field-missing-items"),
                        ActionKind::Refuse => p.t("field-reasons"),
                        _ => p.t("field-items"),
                    };
                    fields.push(
                        Field::new(p, &prefix, "items", "textarea")
                            .label(label)
                            .value(&sent.and_then(|f| f.items.clone()))
                            .hint(p.t("hint-one-per-line")),
                    );
                }
                ActionKind::Approve
                    if v.application.kind()
                        != domain::application::ApplicationKind::Cancellation =>
                {
                    let (cat, from, to) = match sent {
                        Some(f) => (
                            f.category.clone().unwrap_or_default(),
                            f.valid_from.clone().unwrap_or_default(),
                            f.valid_to.clone().unwrap_or_default(),
                        ),
                        None => grant_prefill(v, today),
                    };
                    fields.push(
                        Field::new(p, &prefix, "category", "select")
                            .value(&Some(cat))
                            .options(with_choose(p, category_options(p))),
                    );
                    fields.push(
                        Field::new(p, &prefix, "valid_from", "date")
                            .value(&Some(from))
                            .hint(p.t("hint-valid-from")),
                    );
                    fields.push(
                        Field::new(p, &prefix, "valid_to", "date")
                            .value(&Some(to))
                            .hint(p.t("hint-valid-to")),
                    );
                    let assessed = v
                        .assessment
                        .as_ref()
                        .and_then(|r| r.result.as_ref())
                        .map(|a| a.category.as_str());
                    if let Some(assessed) = assessed {
                        fields.push(
                            Field::new(p, &prefix, "override_reason", "textarea")
                                .value(&sent.and_then(|f| f.override_reason.clone()))
                                .hint(p.t1("hint-override-reason", "assessed", assessed)),
                        );
                    }
                }
                _ => {}
            }
            let hint_key = format!("action-hint-{}", code.replace('_', "-"));
            ActionForm {
                action: code,
                id: format!("act-{}", code.replace('_', "-")),
                title: p.word("action", code),
                hint: p.t(&hint_key),
                button_class: match a {
                    ActionKind::Refuse | ActionKind::Withdraw => "danger",
                    _ => "",
                },
                fields,
            }
        })
        .collect()
}

fn application_page(
    page: PageCtx<'_>,
    v: &ApplicationView,
    checklist: &services::uploads::Checklist,
    today: NaiveDate,
    notice: String,
    failed: Option<(&HttpError, &TransitionForm)>,
) -> Response {
    let p = &page;
    let role = p.user.as_ref().map(|u| u.role());
    let hr = role == Some(Role::EmployerHr);
    let a = &v.application;
    let person = &v.person;
    let passport = if hr {
        person.passport_number.to_string()
    } else {
        person.passport_number.masked()
    };
    let mut facts = vec![
        fact(p.t("col-kind"), p.word("kind", a.kind().as_str())),
        fact(p.t("col-receipt"), &a.receipt_number),
        fact(p.t("field-version"), a.version),
        fact(p.t("field-employer-id"), &v.employer.name),
        fact(p.t("field-person-id"), person.name.full()),
        fact(p.t("field-nationality"), person.nationality),
        fact(p.t("field-passport-number"), passport),
        fact(p.t("col-created"), time(a.created_at)),
    ];
    if let Some(t) = a.submitted_at {
        facts.push(fact(p.t("col-submitted"), time(t)));
    }
    if let Some(t) = a.decided_at {
        facts.push(fact(p.t("col-decided"), time(t)));
    }
    if let (Some(n), Details::New { .. }) = (&a.permit_number, &a.details) {
        facts.push(fact(p.t("field-permit-number"), n));
    }
    // An officer who granted another category than the assessed one is flagged, with the reason.
    let assessed = v
        .assessment
        .as_ref()
        .and_then(|r| r.result.as_ref())
        .map(|r| r.category);
    let granted = v
        .permit
        .iter()
        .find(|x| x.application_id == Some(a.id))
        .map(|x| x.category);
    if let (Some(assessed), Some(granted)) = (assessed, granted)
        && assessed != granted
    {
        let reason = v
            .events
            .iter()
            .rev()
            .find(|e| e.action == "approve")
            .and_then(|e| e.notes.first().cloned())
            .unwrap_or_default();
        facts.push(fact(
            p.t("category-override"),
            p.tn(
                "category-override-text",
                &[
                    ("assessed", assessed.as_str().to_string()),
                    ("granted", granted.as_str().to_string()),
                    ("reason", reason),
                ],
            ),
        ));
    }
    if let Some(due) = crate::services::applications::due(a, v.assessment.as_ref()) {
        let mut text = date(due);
        if due < today {
            text = format!("{text} — {}", p.t("overdue"));
        }
        facts.push(fact(p.t("col-due"), text));
    }
    let mut actions = action_forms(p, v, today, failed.map(|(_, f)| f));
    let errors = match failed {
        Some((e, f)) => action_errors(p, e, f.action.as_deref().unwrap_or(""), &mut actions),
        None => Vec::new(),
    };
    let back = match role {
        Some(Role::EmployerHr) => "/employer",
        Some(Role::LabourOfficer) => "/officer",
        Some(Role::Applicant) => "/me",
        _ => "/",
    };
    let half = v.residence.as_ref().map(|r| {
        // Immigration decides it; the employer and the holder follow it on its page.
        let href = match role {
            Some(Role::EmployerHr | Role::Applicant) => {
                super::immigration::case_path(Role::Applicant, r.id)
            }
            _ => String::new(),
        };
        (
            r.receipt_number.to_string(),
            super::cases::case_badge(p, r.state.as_str()),
            href,
        )
    });
    let notices = crate::services::official_notices::due(a.state, a.kind())
        .iter()
        .map(|k| {
            let (zh, en) = k.title();
            let title = if p.lang_tag().starts_with("zh") {
                zh
            } else {
                en
            };
            (
                title.to_string(),
                format!("/api/v1/applications/{}/notices/{}", a.id, k.code()),
                crate::services::official_notices::number_of(*k, a),
            )
        })
        .collect();
    let res = render(&ApplicationPage {
        notices,
        half,
        id: a.id.to_string(),
        title: p.t1("application-title", "receipt", a.receipt_number.as_str()),
        state: state_badge(p, a.state),
        version: a.version,
        notice,
        errors,
        facts,
        details: details_facts(p, &a.details, hr),
        permits: v
            .permit
            .iter()
            .rev()
            .map(|x| permit_row(p, x, today, hr))
            .collect(),
        timeline: timeline(p, &v.events),
        actions,
        back,
        x: v.assessment
            .as_ref()
            .and_then(|r| r.result.as_ref())
            .map(|r| crate::explain::explain(p.catalog, p.lang, r)),
        checks: crate::explain::checks(p.catalog, p.lang, &v.register_checks),
        lines: super::documents::lines(p, checklist, false),
        page,
    });
    match failed {
        Some((e, _)) => with_status(res, e.status),
        None => res,
    }
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn show(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Page {
    let who = require(user, &Role::ALL)?;
    let id = parse_id(&id)?;
    let v = services::applications::get(&app.ctx, &who, id).await?;
    let checklist = services::uploads::checklist(&app.ctx, &who, id).await?;
    let page = page_ctx(
        &app,
        &headers,
        Some(who),
        &csrf,
        &format!("/applications/{id}"),
    );
    let notice = match q.done.as_deref().and_then(ActionKind::from_code) {
        Some(a) => page.t1("notice-done", "action", &page.word("action", a.as_str())),
        None => String::new(),
    };
    Ok(application_page(
        page,
        &v,
        &checklist,
        app.ctx.clock.today(),
        notice,
        None,
    ))
}

async fn transition(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    Form(f): Form<TransitionForm>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, &Role::ALL)?;
    let id = parse_id(&id)?;
    let err = match f.input().parse() {
        Ok((action, version)) => {
            let code = action.kind().as_str();
            match services::applications::transition(&app.ctx, &who, id, action, version).await {
                Ok(_) => {
                    return Ok(
                        Redirect::to(&format!("/applications/{id}?done={code}")).into_response()
                    );
                }
                Err(e) => HttpError::from(e),
            }
        }
        Err(inv) => HttpError::invalid(inv),
    };
    if !shown_on_form(&err) {
        return Err(err.into());
    }
    // The page as it stands now, with what went wrong.
    let v = services::applications::get(&app.ctx, &who, id).await?;
    let checklist = services::uploads::checklist(&app.ctx, &who, id).await?;
    let page = page_ctx(
        &app,
        &headers,
        Some(who),
        &csrf,
        &format!("/applications/{id}"),
    );
    Ok(application_page(
        page,
        &v,
        &checklist,
        app.ctx.clock.today(),
        String::new(),
        Some((&err, &f)),
    ))
}
