//! Benefit claims: the social security officer's queue, and a claim's page where the officer
//! approves it with the payment instruction or refuses it with reasons, and the holder follows
//! it or withdraws it while it waits.

use super::cases::{Fact, fact, parse_uuid};
use super::records::{
    StatementTable, benefit_name, claim_badge, condition_text, document_name, statement_table,
};
use super::view::{
    Badge, ErrorItem, Field, Page, apply_errors, city_name, date, form_status, lines, require,
    shown_on_form, time,
};
use super::{CsrfToken, PageCtx, check_csrf, page_ctx, render};
use crate::http::{AppState, HttpError, MaybeAuth};
use crate::input::ClaimStepInput;
use crate::services::{self, ServiceError};
use askama::Template;
use axum::Router;
use axum::extract::{Extension, Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use domain::benefits::ClaimState;
use domain::ids::ClaimId;
use domain::role::{Principal, Role};
use serde::Deserialize;
use store::StoredClaim;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/claims", get(queue))
        .route("/claims/{id}", get(show))
        .route("/claims/{id}/step", post(step))
}

const OFFICER: &[Role] = &[Role::SocialSecurityOfficer];
const CLAIM_ROLES: &[Role] = &[Role::SocialSecurityOfficer, Role::Applicant];

struct Row {
    href: String,
    person: String,
    benefit: String,
    submitted: String,
    decided: String,
    state: Badge,
}

#[derive(Template)]
#[template(path = "claims_queue.html")]
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
    let waiting = services::claims::list(ctx, &who, vec![ClaimState::Submitted]).await?;
    let decided = services::claims::list(
        ctx,
        &who,
        vec![
            ClaimState::Approved,
            ClaimState::Refused,
            ClaimState::Withdrawn,
        ],
    )
    .await?;
    let all: Vec<StoredClaim> = waiting.iter().chain(decided.iter()).cloned().collect();
    let names = services::claims::names_of(ctx, &who, &all).await?;
    let city = who.scope.city();
    let page = page_ctx(&app, &headers, Some(who), &csrf, "/claims");
    let p = &page;
    let row = |c: &StoredClaim| Row {
        href: format!("/claims/{}", c.claim.id),
        person: names.person(c.claim.person_id),
        benefit: benefit_name(p, &c.claim.benefit),
        submitted: time(c.claim.submitted_at),
        decided: c.claim.decided_at.map(time).unwrap_or_default(),
        state: claim_badge(p, c.claim.state.as_str()),
    };
    let waiting = waiting.iter().map(row).collect();
    let decided = decided.iter().map(row).collect();
    let city = city.map(|c| city_name(p.lang, c)).unwrap_or_default();
    Ok(render(&QueuePage {
        page,
        city,
        waiting,
        decided,
    }))
}

#[derive(Template)]
#[template(path = "claim.html")]
struct ClaimPage<'a> {
    page: PageCtx<'a>,
    id: String,
    title: String,
    back: &'static str,
    state: Badge,
    version: i64,
    notice: String,
    errors: Vec<ErrorItem>,
    facts: Vec<Fact>,
    rules: Vec<String>,
    documents: Vec<String>,
    payment: Vec<Fact>,
    refusal: Vec<String>,
    statement: Option<StatementTable>,
    decide: bool,
    withdraw: bool,
    amount: Field,
    account: Field,
    reference: Field,
    reasons: Field,
}

#[derive(Deserialize, Default)]
struct StepData {
    csrf: Option<String>,
    action: Option<String>,
    version: Option<String>,
    amount: Option<String>,
    account: Option<String>,
    reference: Option<String>,
    items: Option<String>,
}

async fn claim_page(
    app: &AppState,
    headers: &HeaderMap,
    csrf: &CsrfToken,
    who: Principal,
    id: ClaimId,
    notice: Option<&str>,
    failed: Option<(&HttpError, &StepData)>,
) -> Page {
    let ctx = &app.ctx;
    let c = services::claims::get(ctx, &who, id).await?;
    let officer = who.role() == Role::SocialSecurityOfficer;
    // The officer decides with the holder's contributions in view; the holder has them on
    // their records page.
    let view = services::contributions::statement(ctx, &who, c.claim.person_id).await;
    let (person, statement) = match view {
        Ok(v) => (Some(v.person), officer.then_some(v.statement)),
        Err(ServiceError::NotFound(_)) => (None, None),
        Err(e) => return Err(HttpError::from(e).into()),
    };
    let policy = ctx
        .policies
        .in_force(&*ctx.store, ctx.clock.today())
        .await?;
    let benefit = policy.benefit(&c.claim.benefit);
    let page = page_ctx(app, headers, Some(who), csrf, &format!("/claims/{id}"));
    let p = &page;
    let name = benefit_name(p, &c.claim.benefit);
    let mut facts = Vec::new();
    if let Some(person) = &person {
        facts.push(fact(p.t("os-col-person"), person.name.full()));
        facts.push(fact(p.t("field-passport-number"), &person.passport_number));
    }
    facts.push(fact(p.t("field-benefit"), &name));
    facts.push(fact(p.t("field-city"), city_name(p.lang, c.city)));
    facts.push(fact(p.t("col-submitted"), time(c.claim.submitted_at)));
    if let Some(d) = c.leaving_china_on {
        facts.push(fact(p.t("field-leaving-china-on"), date(d)));
    }
    if let Some(t) = c.claim.decided_at {
        facts.push(fact(p.t("col-decided"), time(t)));
    }
    let payment = c
        .claim
        .payment
        .as_ref()
        .map(|pay| {
            vec![
                fact(p.t("field-amount"), pay.amount),
                fact(p.t("field-account"), &pay.account),
                fact(p.t("field-reference"), &pay.reference),
            ]
        })
        .unwrap_or_default();
    let waiting = c.claim.state == ClaimState::Submitted;
    let sent = failed.map(|(_, s)| s);
    let mut amount = Field::new(p, "", "amount", "text")
        .value(&sent.and_then(|s| s.amount.clone()))
        .hint(p.t("hint-claim-amount"));
    let mut account = Field::new(p, "", "account", "text")
        .value(&sent.and_then(|s| s.account.clone()))
        .hint(p.t("hint-claim-account"));
    let mut reference =
        Field::new(p, "", "reference", "text").value(&sent.and_then(|s| s.reference.clone()));
    let mut reasons = Field::new(p, "", "items", "textarea")
        .label(p.t("field-reasons"))
        .value(&sent.and_then(|s| s.items.clone()))
        .hint(p.t("os-hint-insurance-reasons"));
    let errors = match failed {
        Some((e, s)) => {
            let fallback = match s.action.as_deref() {
                Some("refuse") => "#refuse",
                Some("withdraw") => "#withdraw",
                _ => "#approve",
            };
            apply_errors(
                p,
                e,
                [&mut amount, &mut account, &mut reference, &mut reasons],
                fallback,
            )
        }
        None => Vec::new(),
    };
    let notice = match notice {
        Some(n @ ("submitted" | "approve" | "refuse" | "withdraw")) => {
            p.t(&format!("claim-notice-{n}"))
        }
        _ => String::new(),
    };
    let res = render(&ClaimPage {
        id: id.to_string(),
        title: p.t1("claim-title", "benefit", &name),
        back: if officer {
            "/claims"
        } else {
            "/records#claims"
        },
        state: claim_badge(p, c.claim.state.as_str()),
        version: c.claim.version,
        notice,
        errors,
        facts,
        rules: benefit
            .map(|b| b.conditions.iter().map(|x| condition_text(p, x)).collect())
            .unwrap_or_default(),
        documents: c
            .claim
            .documents
            .iter()
            .map(|d| document_name(p, *d))
            .collect(),
        payment,
        refusal: c
            .claim
            .refusal
            .iter()
            .map(|t| t.as_str().to_string())
            .collect(),
        statement: statement.map(|s| statement_table(p, &s)),
        decide: officer && waiting,
        withdraw: !officer && waiting,
        amount,
        account,
        reference,
        reasons,
        page,
    });
    Ok(form_status(res, failed.map(|(e, _)| e)))
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
    let who = require(user, CLAIM_ROLES)?;
    let id = ClaimId(parse_uuid(&id, "claim_not_found")?);
    claim_page(&app, &headers, &csrf, who, id, q.done.as_deref(), None).await
}

async fn step(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    Form(f): Form<StepData>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, CLAIM_ROLES)?;
    let id = ClaimId(parse_uuid(&id, "claim_not_found")?);
    let input = ClaimStepInput {
        action: f.action.clone(),
        version: f
            .version
            .as_deref()
            .and_then(|v| v.trim().parse::<i64>().ok()),
        amount: f.amount.clone(),
        account: f.account.clone(),
        reference: f.reference.clone(),
        items: f.items.as_deref().map(lines),
    };
    let err = match input.parse() {
        Ok((action, version)) => {
            let code = action.kind().as_str();
            match services::claims::act(&app.ctx, &who, id, action, version).await {
                Ok(_) => {
                    let to = if who.role() == Role::Applicant {
                        "/records?done=claim_withdrawn#claims".to_string()
                    } else {
                        format!("/claims/{id}?done={code}")
                    };
                    return Ok(Redirect::to(&to).into_response());
                }
                Err(e) => HttpError::from(e),
            }
        }
        Err(inv) => HttpError::invalid(inv),
    };
    if !shown_on_form(&err) {
        return Err(err.into());
    }
    claim_page(&app, &headers, &csrf, who, id, None, Some((&err, &f))).await
}
