//! Social insurance: the social security officer's queue and decision page, the card through
//! its states; the same page shows the employer and the holder where their insurance stands.

use super::cases::{Fact, card_badge, case_badge, case_timeline, fact, parse_uuid};
use super::view::{
    Badge, ErrorItem, EventRow, Field, Page, apply_errors, city_name, date, form_status, lines,
    permit_badge, require, shown_on_form, time,
};
use super::{CsrfToken, PageCtx, check_csrf, page_ctx, render};
use crate::http::{AppState, HttpError, MaybeAuth};
use crate::input::{CardStepInput, InsuranceDecisionInput};
use crate::services::{self, insurance::InsuranceView};
use askama::Template;
use axum::Router;
use axum::extract::{Extension, Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::ids::InsuranceId;
use domain::insurance::{CardActor, CardState, InsuranceState, card_step, may_replace};
use domain::role::Role;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/insurance", get(queue))
        .route("/insurance/{id}", get(show))
        .route("/insurance/{id}/decision", post(decide))
        .route("/insurance/{id}/card", post(card))
        .route("/insurance/{id}/replacement", post(replace))
}

const OFFICER: &[Role] = &[Role::SocialSecurityOfficer];
const CASE_ROLES: &[Role] = &[
    Role::SocialSecurityOfficer,
    Role::EmployerHr,
    Role::Applicant,
];

struct Row {
    href: String,
    person: String,
    employer: String,
    permit: String,
    check: String,
    requested: String,
    state: Badge,
    ssn: String,
}

#[derive(Template)]
#[template(path = "insurance_queue.html")]
struct QueuePage<'a> {
    page: PageCtx<'a>,
    city: String,
    waiting: Vec<Row>,
    decided: Vec<Row>,
}

async fn queue(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
) -> Page {
    let who = require(user, OFFICER)?;
    let ctx = &app.ctx;
    // Oldest first, as the service lists them.
    let list = services::insurance::list(ctx, &who, Vec::new()).await?;
    let names = services::insurance::names_of(ctx, &who, &list).await?;
    let city = who.scope.city();
    let page = page_ctx(&app, &headers, Some(who), &csrf, "/insurance");
    let p = &page;
    let row = |i: &domain::insurance::Insurance| Row {
        href: format!("/insurance/{}", i.id),
        person: names.person(i.person_id),
        employer: names.employer(i.employer_id),
        permit: i.permit_number.to_string(),
        check: p.word("os-check", i.permit_check.as_str()),
        requested: time(i.requested_at),
        state: case_badge(p, i.state.as_str()),
        ssn: i.ssn.as_ref().map(|s| s.to_string()).unwrap_or_default(),
    };
    let waiting = list
        .iter()
        .filter(|i| i.state == InsuranceState::Requested)
        .map(row)
        .collect();
    let decided = list
        .iter()
        .filter(|i| i.state != InsuranceState::Requested)
        .map(row)
        .collect();
    let city = city.map(|c| city_name(p.lang, c)).unwrap_or_default();
    Ok(render(&QueuePage {
        page,
        city,
        waiting,
        decided,
    }))
}

/// A button that moves the card to a state.
struct CardButton {
    to: &'static str,
    label: String,
    class: &'static str,
}

struct CardLine {
    serial: i32,
    state: Badge,
    changed: String,
}

#[derive(Template)]
#[template(path = "insurance_case.html")]
struct CasePage<'a> {
    page: PageCtx<'a>,
    id: String,
    title: String,
    back: &'static str,
    state: Badge,
    version: i64,
    notice: String,
    errors: Vec<ErrorItem>,
    facts: Vec<Fact>,
    permit: Vec<Fact>,
    permit_status: Option<Badge>,
    refusal: Vec<String>,
    decide: bool,
    reasons: Field,
    cards: Vec<CardLine>,
    buttons: Vec<CardButton>,
    replace: bool,
    timeline: Vec<EventRow>,
}

#[derive(Deserialize, Default)]
struct DecisionData {
    csrf: Option<String>,
    decision: Option<String>,
    version: Option<String>,
    items: Option<String>,
}

#[derive(Deserialize, Default)]
struct CardData {
    csrf: Option<String>,
    state: Option<String>,
}

fn case_page(
    page: PageCtx<'_>,
    v: &InsuranceView,
    notice: String,
    failed: Option<(&HttpError, Option<&DecisionData>)>,
    today: chrono::NaiveDate,
) -> Response {
    let p = &page;
    let role = p.user.as_ref().map(|u| u.role()).unwrap_or(Role::Applicant);
    let officer = role == Role::SocialSecurityOfficer;
    let i = &v.insurance;
    let mut facts = vec![
        fact(p.t("os-col-person"), v.person.name.full()),
        fact(p.t("field-nationality"), v.person.nationality),
        fact(p.t("field-passport-number"), &v.person.passport_number),
        fact(
            p.t("os-col-employer"),
            format!("{} ({})", v.employer.name, v.employer.uscc),
        ),
        fact(
            p.t("os-col-check"),
            p.word("os-check", i.permit_check.as_str()),
        ),
        fact(p.t("os-col-requested"), time(i.requested_at)),
    ];
    if let Some(ssn) = &i.ssn {
        facts.push(fact(p.t("os-col-ssn"), ssn));
    }
    if let Some(t) = i.decided_at {
        facts.push(fact(p.t("col-decided"), time(t)));
    }
    let mut permit = vec![fact(p.t("field-permit-number"), &i.permit_number)];
    let mut permit_status = None;
    if let Some(w) = &v.permit {
        permit.push(fact(p.t("os-col-holder"), w.holder_name.full()));
        permit.push(fact(p.t("field-category"), w.category.as_str()));
        permit.push(fact(
            p.t("col-validity"),
            p.tn(
                "validity-range",
                &[("from", date(w.valid_from)), ("to", date(w.valid_to))],
            ),
        ));
        permit_status = Some(permit_badge(p, w.status_on(today)));
    }
    let last = v.cards.last().map(|c| c.state);
    let by = if officer {
        CardActor::Agency
    } else {
        CardActor::Holder
    };
    let registered = i.state == InsuranceState::Registered;
    let buttons = match (last, registered, role) {
        (Some(from), true, Role::SocialSecurityOfficer | Role::Applicant) => CardState::ALL
            .into_iter()
            .filter(|to| card_step(from, *to, by))
            .map(|to| CardButton {
                to: to.as_str(),
                label: p.word("os-card-to", to.as_str()),
                class: match to {
                    CardState::Cancelled | CardState::ReportedLost => "danger",
                    _ => "",
                },
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut reasons = Field::new(p, "", "items", "textarea")
        .label(p.t("field-reasons"))
        .value(&failed.and_then(|(_, f)| f).and_then(|f| f.items.clone()))
        .hint(p.t("os-hint-insurance-reasons"));
    let errors = match failed {
        Some((e, _)) => apply_errors(p, e, std::iter::once(&mut reasons), "#actions"),
        None => Vec::new(),
    };
    let res = render(&CasePage {
        id: i.id.to_string(),
        title: p.t1("os-insurance-title", "name", &v.person.name.full()),
        back: match role {
            Role::SocialSecurityOfficer => "/insurance",
            Role::EmployerHr => "/employer",
            _ => "/residence",
        },
        state: case_badge(p, i.state.as_str()),
        version: i.version,
        notice,
        errors,
        facts,
        permit,
        permit_status,
        refusal: i.refusal.clone(),
        decide: officer && i.state == InsuranceState::Requested,
        reasons,
        cards: v
            .cards
            .iter()
            .rev()
            .map(|c| CardLine {
                serial: c.serial,
                state: card_badge(p, c.state.as_str()),
                changed: time(c.changed_at),
            })
            .collect(),
        buttons,
        replace: officer && registered && last.is_some_and(may_replace),
        timeline: case_timeline(p, &v.events),
        page,
    });
    form_status(res, failed.map(|(e, _)| e))
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

fn notice(page: &PageCtx, done: Option<&str>) -> String {
    match done {
        Some("register" | "refuse" | "replaced") => {
            page.t(&format!("os-notice-insurance-{}", done.unwrap_or_default()))
        }
        Some(s) => match CardState::from_code(s) {
            Some(c) => page.t1("os-notice-card", "state", &page.word("os-card", c.as_str())),
            None => String::new(),
        },
        None => String::new(),
    }
}

async fn show(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Page {
    let who = require(user, CASE_ROLES)?;
    let id = InsuranceId(parse_uuid(&id, "insurance_not_found")?);
    let v = services::insurance::get(&app.ctx, &who, id).await?;
    let page = page_ctx(
        &app,
        &headers,
        Some(who),
        &csrf,
        &format!("/insurance/{id}"),
    );
    let n = notice(&page, q.done.as_deref());
    Ok(case_page(page, &v, n, None, app.ctx.clock.today()))
}

/// The page again with what went wrong, or the error page when it is not the form's to show.
async fn again(
    app: &AppState,
    headers: &HeaderMap,
    csrf: &CsrfToken,
    who: domain::role::Principal,
    id: InsuranceId,
    err: HttpError,
    sent: Option<&DecisionData>,
) -> Page {
    if !shown_on_form(&err) {
        return Err(err.into());
    }
    let v = services::insurance::get(&app.ctx, &who, id).await?;
    let page = page_ctx(app, headers, Some(who), csrf, &format!("/insurance/{id}"));
    Ok(case_page(
        page,
        &v,
        String::new(),
        Some((&err, sent)),
        app.ctx.clock.today(),
    ))
}

async fn decide(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    Form(f): Form<DecisionData>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, OFFICER)?;
    let id = InsuranceId(parse_uuid(&id, "insurance_not_found")?);
    let input = InsuranceDecisionInput {
        decision: f.decision.clone(),
        version: f
            .version
            .as_deref()
            .and_then(|v| v.trim().parse::<i64>().ok()),
        items: f.items.as_deref().map(lines),
    };
    let err = match input.parse() {
        Ok((decision, version)) => {
            let code = match decision {
                services::insurance::Decision::Register => "register",
                services::insurance::Decision::Refuse { .. } => "refuse",
            };
            match services::insurance::decide(&app.ctx, &who, id, decision, version).await {
                Ok(_) => {
                    return Ok(
                        Redirect::to(&format!("/insurance/{id}?done={code}")).into_response()
                    );
                }
                Err(e) => HttpError::from(e),
            }
        }
        Err(inv) => HttpError::invalid(inv),
    };
    again(&app, &headers, &csrf, who, id, err, Some(&f)).await
}

async fn card(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    Form(f): Form<CardData>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, &[Role::SocialSecurityOfficer, Role::Applicant])?;
    let id = InsuranceId(parse_uuid(&id, "insurance_not_found")?);
    let input = CardStepInput {
        state: f.state.clone(),
    };
    let err = match input.parse() {
        Ok(to) => match services::insurance::card(&app.ctx, &who, id, to).await {
            Ok(_) => {
                // The holder reports a loss from their own page and goes back there.
                let back = match who.role() {
                    Role::Applicant => format!("/residence?done=card_{}", to.as_str()),
                    _ => format!("/insurance/{id}?done={}", to.as_str()),
                };
                return Ok(Redirect::to(&back).into_response());
            }
            Err(e) => HttpError::from(e),
        },
        Err(inv) => HttpError::invalid(inv),
    };
    again(&app, &headers, &csrf, who, id, err, None).await
}

#[derive(Deserialize, Default)]
struct CsrfOnly {
    csrf: Option<String>,
}

async fn replace(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, OFFICER)?;
    let id = InsuranceId(parse_uuid(&id, "insurance_not_found")?);
    match services::insurance::replace_card(&app.ctx, &who, id).await {
        Ok(_) => Ok(Redirect::to(&format!("/insurance/{id}?done=replaced")).into_response()),
        Err(e) => again(&app, &headers, &csrf, who, id, HttpError::from(e), None).await,
    }
}
