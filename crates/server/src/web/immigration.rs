//! Immigration: the queue of residence applications of its city, the decision page of one (also
//! the employer's and the holder's page of it, with their own steps), the residence permits it
//! reviews or hands over, and the day's appointments at an office.

use super::cases::{
    Fact, case_badge, case_timeline, fact, parse_uuid, purpose_word, residence_status_badge,
};
use super::view::{
    ActionForm, Badge, ErrorItem, EventRow, Field, Page, action_errors, apply_errors, city_name,
    date, form_status, lines, permit_badge, require, shown_on_form, state_badge, time, with_choose,
};
use super::{CsrfToken, PageCtx, check_csrf, page_ctx, render};
use crate::http::{AppState, HttpError, MaybeAuth};
use crate::input::{FilingInput, Flag, PermitReviewInput, ResidenceStepInput};
use crate::services::{self, residence::ResidenceView};
use askama::Template;
use axum::Router;
use axum::extract::{Extension, Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Days, NaiveDate};
use domain::appointment::Purpose;
use domain::ids::{OfficeId, ResidenceApplicationId, ResidencePermitId};
use domain::residence::{PermitEvidence, RActionKind, RState, ResidenceStatus};
use domain::role::{Principal, Role};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/immigration", get(queue))
        .route("/immigration/residence/{id}", get(show))
        .route("/immigration/residence/{id}/step", post(step))
        .route("/residence/applications/{id}", get(show))
        .route("/residence/applications/{id}/step", post(step))
        .route("/immigration/permits/{id}", get(permit))
        .route("/residence/permits/{id}", get(own_permit))
        .route("/residence/permits/{id}/filings", post(file_filing))
        .route("/immigration/permits/{id}/review", post(review))
        .route("/immigration/permits/{id}/collect", post(collect))
        .route("/immigration/offices/{id}", get(office_day))
}

const OFFICER: &[Role] = &[Role::ImmigrationOfficer];
/// Who sees a residence application: immigration, and the applicant side.
const CASE_ROLES: &[Role] = &[Role::ImmigrationOfficer, Role::EmployerHr, Role::Applicant];

/// Where a residence application's page is for this viewer.
pub fn case_path(role: Role, id: ResidenceApplicationId) -> String {
    match role {
        Role::ImmigrationOfficer => format!("/immigration/residence/{id}"),
        _ => format!("/residence/applications/{id}"),
    }
}

fn evidence_word(page: &PageCtx, e: &PermitEvidence) -> String {
    let code = match e {
        PermitEvidence::OneStop { .. } => "one_stop",
        PermitEvidence::SharedRecord => "shared_record",
        PermitEvidence::CardQr { .. } => "card_qr",
    };
    page.word("os-evidence", code)
}

// ------------------------------------------------------------------------------------------------
// The queue.

struct QueueRow {
    href: String,
    receipt: String,
    person: String,
    employer: String,
    evidence: String,
    state: Badge,
    created: String,
    due: String,
    overdue: bool,
}

struct PermitLine {
    href: String,
    number: String,
    holder: String,
    employer: String,
    work_permit: String,
    validity: String,
    status: Badge,
}

struct OfficeLink {
    href: String,
    name: String,
}

#[derive(Template)]
#[template(path = "immigration.html")]
struct QueuePage<'a> {
    page: PageCtx<'a>,
    city: String,
    filter: Field,
    rows: Vec<QueueRow>,
    permits: Vec<PermitLine>,
    offices: Vec<OfficeLink>,
}

#[derive(Deserialize)]
struct StateFilter {
    state: Option<String>,
}

async fn queue(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Query(q): Query<StateFilter>,
) -> Page {
    let who = require(user, OFFICER)?;
    let ctx = &app.ctx;
    let chosen = q.state.as_deref().and_then(RState::from_code);
    let mut list = services::residence::list(ctx, &who, chosen.into_iter().collect()).await?;
    // Nearest deadline first; what waits on nobody's deadline after, oldest first.
    list.sort_by_key(|(a, due)| (due.is_none(), *due, a.created_at));
    let permits = services::residence::permits(ctx, &who).await?;
    let apps: Vec<_> = list.iter().map(|(a, _)| a.clone()).collect();
    let names = services::residence::names_of(ctx, &who, &apps, &permits).await?;
    let city = who.scope.city();
    let offices = match city {
        Some(c) => services::appointments::offices_in(ctx, c).await?,
        None => Vec::new(),
    };
    let today = ctx.clock.today();
    let page = page_ctx(&app, &headers, Some(who), &csrf, "/immigration");
    let p = &page;
    let states = RState::ALL
        .into_iter()
        .map(|s| (s.as_str().to_string(), p.word("case-state", s.as_str())))
        .collect();
    let mut opts = vec![(String::new(), p.t("os-filter-all"))];
    opts.extend::<Vec<_>>(states);
    let filter = Field::new(p, "", "state", "select")
        .label(p.t("os-filter-state"))
        .value(&chosen.map(|s| s.as_str().to_string()))
        .options(opts);
    let rows = list
        .iter()
        .map(|(a, due)| QueueRow {
            href: case_path(Role::ImmigrationOfficer, a.id),
            receipt: a.receipt_number.to_string(),
            person: names.person(a.person_id),
            employer: names.employer(a.employer_id),
            evidence: evidence_word(p, &a.evidence),
            state: case_badge(p, a.state.as_str()),
            created: time(a.created_at),
            due: due.map(date).unwrap_or_default(),
            overdue: due.is_some_and(|d| d < today),
        })
        .collect();
    let permits = permits
        .iter()
        .map(|r| PermitLine {
            href: format!("/immigration/permits/{}", r.id),
            number: r.number.to_string(),
            holder: names.person(r.holder_id),
            employer: names.employer(r.employer_id),
            work_permit: r.work_permit_number.to_string(),
            validity: p.tn(
                "validity-range",
                &[("from", date(r.valid_from)), ("to", date(r.valid_to))],
            ),
            status: residence_status_badge(p, r.status.as_str()),
        })
        .collect();
    let offices = offices
        .iter()
        .map(|o| OfficeLink {
            href: format!("/immigration/offices/{}?date={}", o.id, date(today)),
            name: o.name.to_string(),
        })
        .collect();
    let city = city.map(|c| city_name(p.lang, c)).unwrap_or_default();
    Ok(render(&QueuePage {
        page,
        city,
        filter,
        rows,
        permits,
        offices,
    }))
}

// ------------------------------------------------------------------------------------------------
// One residence application.

#[derive(Template)]
#[template(path = "residence_case.html")]
struct CasePage<'a> {
    page: PageCtx<'a>,
    title: String,
    base: String,
    back: &'static str,
    officer: bool,
    state: Badge,
    version: i64,
    notice: String,
    errors: Vec<ErrorItem>,
    facts: Vec<Fact>,
    work: Vec<Fact>,
    work_status: Option<Badge>,
    partner: Option<(String, Badge)>,
    permit_href: String,
    /// The person's visas, where immigration records one.
    visas_href: String,
    timeline: Vec<EventRow>,
    actions: Vec<ActionForm>,
}

/// What a step form sends.
#[derive(Deserialize, Default, Clone)]
struct StepData {
    csrf: Option<String>,
    action: Option<String>,
    version: Option<String>,
    items: Option<String>,
    valid_from: Option<String>,
    valid_to: Option<String>,
}

impl StepData {
    fn input(&self) -> ResidenceStepInput {
        ResidenceStepInput {
            action: self.action.clone(),
            version: self
                .version
                .as_deref()
                .and_then(|v| v.trim().parse::<i64>().ok()),
            items: self.items.as_deref().map(lines),
            valid_from: self.valid_from.clone(),
            valid_to: self.valid_to.clone(),
        }
    }
}

fn step_forms(
    p: &PageCtx,
    v: &ResidenceView,
    today: NaiveDate,
    sent: Option<&StepData>,
) -> Vec<ActionForm> {
    v.actions
        .iter()
        .map(|a| {
            let code = a.as_str();
            let prefix = format!("{}-", code.replace('_', "-"));
            let sent = sent.filter(|f| f.action.as_deref() == Some(code));
            let mut fields = Vec::new();
            let mut hint = p.t(&format!("os-step-hint-{}", code.replace('_', "-")));
            match a {
                RActionKind::Refuse | RActionKind::RequestCorrections => {
                    let label = match a {
                        RActionKind::Refuse => p.t("field-reasons"),
                        _ => p.t("field-items"),
                    };
                    fields.push(
                        Field::new(p, &prefix, "items", "textarea")
                            .label(label)
                            .value(&sent.and_then(|f| f.items.clone()))
                            .hint(p.t("hint-one-per-line")),
                    );
                }
                RActionKind::Approve => {
                    let suggested = v
                        .limit
                        .map(|l| services::residence::suggested_grant(&v.application, &l, today));
                    let (from, to) = match sent {
                        Some(f) => (f.valid_from.clone(), f.valid_to.clone()),
                        None => (
                            suggested.map(|g| date(g.valid_from)),
                            suggested.map(|g| date(g.valid_to)),
                        ),
                    };
                    if let Some(l) = v.limit {
                        let reason = match l.long {
                            Some(r) => p.word("os-long", r.as_str()),
                            None => p.t("os-long-none"),
                        };
                        hint = p.tn(
                            "os-step-hint-approve-limit",
                            &[("max", date(l.max_valid_to)), ("reason", reason)],
                        );
                    }
                    fields.push(
                        Field::new(p, &prefix, "valid_from", "date")
                            .value(&from)
                            .hint(p.t("hint-date")),
                    );
                    fields.push(
                        Field::new(p, &prefix, "valid_to", "date")
                            .value(&to)
                            .hint(p.t("hint-date")),
                    );
                }
                _ => {}
            }
            ActionForm {
                action: code,
                id: format!("step-{}", code.replace('_', "-")),
                title: p.word("os-raction", code),
                hint,
                button_class: match a {
                    RActionKind::Refuse | RActionKind::Withdraw => "danger",
                    _ => "",
                },
                fields,
            }
        })
        .collect()
}

fn case_page(
    page: PageCtx<'_>,
    v: &ResidenceView,
    today: NaiveDate,
    notice: String,
    failed: Option<(&HttpError, &StepData)>,
) -> Response {
    let p = &page;
    let role = p.user.as_ref().map(|u| u.role()).unwrap_or(Role::Applicant);
    let officer = role == Role::ImmigrationOfficer;
    let a = &v.application;
    let mut facts = vec![
        fact(p.t("col-receipt"), &a.receipt_number),
        fact(p.t("os-col-applicant"), v.person.name.full()),
        fact(p.t("field-nationality"), v.person.nationality),
        fact(p.t("field-passport-number"), &v.person.passport_number),
        fact(
            p.t("os-col-employer"),
            format!("{} ({})", v.employer.name, v.employer.uscc),
        ),
        fact(
            p.t("field-residence-role"),
            p.word("os-role", a.role_at_employer.as_str()),
        ),
        fact(p.t("field-residence-months"), a.requested_months),
        fact(p.t("os-col-evidence"), evidence_word(p, &a.evidence)),
        fact(p.t("col-submitted"), time(a.created_at)),
    ];
    if let Some(due) = v.due {
        let mut text = date(due);
        if due < today {
            text = format!("{text} — {}", p.t("overdue"));
        }
        facts.push(fact(p.t("col-due"), text));
    }
    facts.push(fact(
        p.t("os-col-passport"),
        match a.passport_inspected_at {
            Some(t) => p.t1("os-passport-returned-at", "at", &time(t)),
            None => p.t("os-passport-not-inspected"),
        },
    ));
    if let Some(g) = a.grant {
        facts.push(fact(
            p.t("os-col-grant"),
            p.tn(
                "validity-range",
                &[("from", date(g.valid_from)), ("to", date(g.valid_to))],
            ),
        ));
    }
    if let Some(rp) = &v.permit {
        facts.push(fact(p.t("os-col-residence-permit"), &rp.number));
    }
    if let Some(t) = a.decided_at {
        facts.push(fact(p.t("col-decided"), time(t)));
    }
    let mut work = Vec::new();
    let mut work_status = None;
    if let Some(w) = &v.work_permit {
        work.push(fact(p.t("field-permit-number"), &w.number));
        work.push(fact(p.t("field-category"), w.category.as_str()));
        work.push(fact(p.t("field-position"), &w.position));
        work.push(fact(
            p.t("col-validity"),
            p.tn(
                "validity-range",
                &[("from", date(w.valid_from)), ("to", date(w.valid_to))],
            ),
        ));
        work_status = Some(permit_badge(p, w.status_on(today)));
    }
    let partner = v
        .work_application
        .as_ref()
        .map(|w| (w.receipt_number.to_string(), state_badge(p, w.state)));
    let permit_href = match (&v.permit, officer) {
        (Some(rp), true) => format!("/immigration/permits/{}", rp.id),
        _ => String::new(),
    };
    let mut actions = step_forms(p, v, today, failed.map(|(_, f)| f));
    let errors = match failed {
        Some((e, f)) => action_errors(p, e, f.action.as_deref().unwrap_or(""), &mut actions),
        None => Vec::new(),
    };
    let back = match role {
        Role::ImmigrationOfficer => "/immigration",
        Role::EmployerHr => "/employer",
        _ => "/residence",
    };
    let res = render(&CasePage {
        title: p.t1("os-case-title", "receipt", a.receipt_number.as_str()),
        base: case_path(role, a.id),
        back,
        officer,
        state: case_badge(p, a.state.as_str()),
        version: a.version,
        notice,
        errors,
        facts,
        work,
        work_status,
        partner,
        permit_href,
        visas_href: if officer {
            super::visas::visas_path(v.person.id)
        } else {
            String::new()
        },
        timeline: case_timeline(p, &v.events),
        actions,
        page,
    });
    form_status(res, failed.map(|(e, _)| e))
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

fn done_notice(page: &PageCtx, done: Option<&str>) -> String {
    match done.and_then(RActionKind::from_code) {
        Some(a) => page.t1(
            "notice-done",
            "action",
            &page.word("os-raction", a.as_str()),
        ),
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
    let id = ResidenceApplicationId(parse_uuid(&id, "residence_application_not_found")?);
    let v = services::residence::get(&app.ctx, &who, id).await?;
    let path = case_path(who.role(), id);
    let page = page_ctx(&app, &headers, Some(who), &csrf, &path);
    let notice = done_notice(&page, q.done.as_deref());
    Ok(case_page(page, &v, app.ctx.clock.today(), notice, None))
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
    let who = require(user, CASE_ROLES)?;
    let id = ResidenceApplicationId(parse_uuid(&id, "residence_application_not_found")?);
    let path = case_path(who.role(), id);
    let err = match f.input().parse() {
        Ok((action, version)) => {
            let code = action.kind().as_str();
            match services::residence::act(&app.ctx, &who, id, action, version).await {
                Ok(_) => {
                    return Ok(Redirect::to(&format!("{path}?done={code}")).into_response());
                }
                Err(e) => HttpError::from(e),
            }
        }
        Err(inv) => HttpError::invalid(inv),
    };
    if !shown_on_form(&err) {
        return Err(err.into());
    }
    let v = services::residence::get(&app.ctx, &who, id).await?;
    let page = page_ctx(&app, &headers, Some(who), &csrf, &path);
    Ok(case_page(
        page,
        &v,
        app.ctx.clock.today(),
        String::new(),
        Some((&err, &f)),
    ))
}

// ------------------------------------------------------------------------------------------------
// A residence permit.

struct FilingRow {
    kind: String,
    filed_on: String,
    details: String,
}

#[derive(Template)]
#[template(path = "residence_permit.html")]
struct PermitPage<'a> {
    page: PageCtx<'a>,
    back: &'static str,
    /// The filing form, for the holder and the employer while the permit is valid.
    filing: Vec<Field>,
    id: String,
    title: String,
    status: Badge,
    notice: String,
    errors: Vec<ErrorItem>,
    facts: Vec<Fact>,
    filings: Vec<FilingRow>,
    under_review: bool,
    note: Field,
    collectable: bool,
    /// The holder's visas, where immigration records one.
    visas_href: String,
}

#[derive(Deserialize, Default)]
struct ReviewData {
    csrf: Option<String>,
    keep: Option<String>,
    note: Option<String>,
}

/// A filing, as the form sends it.
#[derive(Deserialize, Default)]
struct FilingData {
    csrf: Option<String>,
    kind: Option<String>,
    filed_on: Option<String>,
    details: Option<String>,
}

/// Why a permit page is shown again: the form that failed, with what it sent.
#[derive(Clone, Copy)]
enum PermitFailure<'a> {
    Review(&'a HttpError, &'a ReviewData),
    Filing(&'a HttpError, &'a FilingData),
}

impl PermitFailure<'_> {
    fn error(&self) -> &HttpError {
        match self {
            PermitFailure::Review(e, _) | PermitFailure::Filing(e, _) => e,
        }
    }
}

#[derive(Deserialize, Default)]
struct CsrfOnly {
    csrf: Option<String>,
}

async fn permit_page(
    app: &AppState,
    headers: &HeaderMap,
    csrf: &CsrfToken,
    who: Principal,
    id: ResidencePermitId,
    notice_code: Option<&str>,
    failed: Option<PermitFailure<'_>>,
) -> Page {
    let ctx = &app.ctx;
    let officer = who.role() == Role::ImmigrationOfficer;
    let today = ctx.clock.today();
    let (rp, filings) = services::residence::permit(ctx, &who, id).await?;
    let names = services::residence::names_of(ctx, &who, &[], std::slice::from_ref(&rp)).await?;
    let page = page_ctx(
        app,
        headers,
        Some(who),
        csrf,
        &if officer {
            format!("/immigration/permits/{id}")
        } else {
            format!("/residence/permits/{id}")
        },
    );
    let p = &page;
    let mut facts = vec![
        fact(p.t("os-col-holder"), names.person(rp.holder_id)),
        fact(p.t("os-col-employer"), names.employer(rp.employer_id)),
        fact(p.t("os-col-work-permit"), &rp.work_permit_number),
        fact(
            p.t("col-validity"),
            p.tn(
                "validity-range",
                &[("from", date(rp.valid_from)), ("to", date(rp.valid_to))],
            ),
        ),
        fact(
            p.t("os-col-long"),
            match rp.long_reason {
                Some(r) => p.word("os-long", r.as_str()),
                None => p.t("os-long-none"),
            },
        ),
        fact(
            p.t("os-col-collected"),
            match rp.collected_at {
                Some(t) => time(t),
                None => p.t("os-not-collected"),
            },
        ),
    ];
    if let Some(d) = rp.status_changed_on {
        facts.push(fact(p.t("os-col-status-changed"), date(d)));
    }
    let notice = match notice_code {
        Some(code @ ("kept" | "cancelled" | "collected" | "filed")) => {
            p.t(&format!("os-notice-permit-{code}"))
        }
        _ => String::new(),
    };
    let review_sent = match failed {
        Some(PermitFailure::Review(_, f)) => Some(f),
        _ => None,
    };
    let mut note = Field::new(p, "", "note", "textarea")
        .value(&review_sent.and_then(|f| f.note.clone()))
        .hint(p.t("os-hint-review-note"));
    let filing_sent = match failed {
        Some(PermitFailure::Filing(_, f)) => Some(f),
        _ => None,
    };
    let mut filing = if !officer && rp.is_valid_on(today) {
        vec![
            Field::new(p, "", "kind", "select")
                .value(&filing_sent.and_then(|f| f.kind.clone()))
                .options(with_choose(
                    p,
                    ["region_move", "degree_study"]
                        .iter()
                        .map(|k| (k.to_string(), p.word("os-filing", k)))
                        .collect(),
                )),
            Field::new(p, "", "filed_on", "date")
                .value(&filing_sent.and_then(|f| f.filed_on.clone()))
                .hint(p.t("hint-date")),
            Field::new(p, "", "details", "textarea")
                .value(&filing_sent.and_then(|f| f.details.clone()))
                .hint(p.t("os-hint-filing-details")),
        ]
    } else {
        Vec::new()
    };
    let errors = match failed {
        Some(PermitFailure::Review(e, _)) => {
            apply_errors(p, e, std::iter::once(&mut note), "#review")
        }
        Some(PermitFailure::Filing(e, _)) => apply_errors(p, e, filing.iter_mut(), "#filing"),
        None => Vec::new(),
    };
    let res = render(&PermitPage {
        back: if officer {
            "/immigration"
        } else {
            "/residence"
        },
        filing,
        id: rp.id.to_string(),
        title: p.t1("os-permit-title", "number", rp.number.as_str()),
        status: residence_status_badge(p, rp.status.as_str()),
        notice,
        errors,
        facts,
        filings: filings
            .iter()
            .map(|f| FilingRow {
                kind: p.word("os-filing", f.kind.as_str()),
                filed_on: date(f.filed_on),
                details: f.details.clone(),
            })
            .collect(),
        under_review: officer && rp.status == ResidenceStatus::UnderReview,
        note,
        collectable: officer && rp.collected_at.is_none() && rp.status == ResidenceStatus::Valid,
        visas_href: if officer {
            super::visas::visas_path(rp.holder_id)
        } else {
            String::new()
        },
        page,
    });
    Ok(form_status(res, failed.as_ref().map(|f| f.error())))
}

async fn permit(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Page {
    let who = require(user, OFFICER)?;
    permit_page(
        &app,
        &headers,
        &csrf,
        who,
        permit_id(&id)?,
        q.done.as_deref(),
        None,
    )
    .await
}

/// The holder's or the employer's view of a residence permit, with the filing form.
async fn own_permit(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Page {
    let who = require(user, &[Role::EmployerHr, Role::Applicant])?;
    permit_page(
        &app,
        &headers,
        &csrf,
        who,
        permit_id(&id)?,
        q.done.as_deref(),
        None,
    )
    .await
}

fn permit_id(s: &str) -> Result<ResidencePermitId, HttpError> {
    parse_uuid(s, "residence_permit_not_found").map(ResidencePermitId)
}

/// A filing that keeps the permit, from the holder or the employer.
async fn file_filing(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    Form(f): Form<FilingData>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, &[Role::EmployerHr, Role::Applicant])?;
    let id = permit_id(&id)?;
    let input = FilingInput {
        kind: f.kind.clone(),
        filed_on: f.filed_on.clone(),
        details: f.details.clone(),
    };
    let err = match input.parse() {
        Ok((kind, on, details)) => {
            match services::residence::file(&app.ctx, &who, id, kind, on, details).await {
                Ok(_) => {
                    return Ok(Redirect::to(&format!("/residence/permits/{id}?done=filed"))
                        .into_response());
                }
                Err(e) => HttpError::from(e),
            }
        }
        Err(inv) => HttpError::invalid(inv),
    };
    if !shown_on_form(&err) {
        return Err(err.into());
    }
    permit_page(
        &app,
        &headers,
        &csrf,
        who,
        id,
        None,
        Some(PermitFailure::Filing(&err, &f)),
    )
    .await
}

async fn review(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    Form(f): Form<ReviewData>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, OFFICER)?;
    let id = permit_id(&id)?;
    let input = PermitReviewInput {
        keep: f.keep.clone().map(Flag::Text),
        note: f.note.clone(),
    };
    let err = match input.parse() {
        Ok((keep, note)) => match services::residence::review(&app.ctx, &who, id, keep, note).await
        {
            Ok(_) => {
                let done = if keep { "kept" } else { "cancelled" };
                return Ok(
                    Redirect::to(&format!("/immigration/permits/{id}?done={done}")).into_response(),
                );
            }
            Err(e) => HttpError::from(e),
        },
        Err(inv) => HttpError::invalid(inv),
    };
    if !shown_on_form(&err) {
        return Err(err.into());
    }
    permit_page(
        &app,
        &headers,
        &csrf,
        who,
        id,
        None,
        Some(PermitFailure::Review(&err, &f)),
    )
    .await
}

async fn collect(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, OFFICER)?;
    let id = permit_id(&id)?;
    match services::residence::collect(&app.ctx, &who, id).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/immigration/permits/{id}?done=collected")).into_response())
        }
        Err(e) => {
            let err = HttpError::from(e);
            if !shown_on_form(&err) {
                return Err(err.into());
            }
            permit_page(
                &app,
                &headers,
                &csrf,
                who,
                id,
                None,
                Some(PermitFailure::Review(&err, &ReviewData::default())),
            )
            .await
        }
    }
}

// ------------------------------------------------------------------------------------------------
// The day at an office.

struct BookedRow {
    time: String,
    holder: String,
    purpose: String,
    href: String,
    state: String,
}

#[derive(Template)]
#[template(path = "office_day.html")]
struct OfficePage<'a> {
    page: PageCtx<'a>,
    title: String,
    address: String,
    date: String,
    prev: String,
    next: String,
    rows: Vec<BookedRow>,
}

#[derive(Deserialize)]
struct DateQuery {
    date: Option<String>,
}

async fn office_day(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    Query(q): Query<DateQuery>,
) -> Page {
    let who = require(user, OFFICER)?;
    let id = OfficeId(parse_uuid(&id, "office_not_found")?);
    let day = match q.date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => app.ctx.clock.today(),
        Some(d) => domain::values::parse_date("date", d)
            .map_err(|e| HttpError::field(axum::http::StatusCode::BAD_REQUEST, e))?,
    };
    let (office, list) = services::appointments::at_office_named(&app.ctx, &who, id, day).await?;
    let path = format!("/immigration/offices/{id}?date={}", date(day));
    let page = page_ctx(&app, &headers, Some(who), &csrf, &path);
    let p = &page;
    let rows = list
        .iter()
        .map(|(a, name)| BookedRow {
            time: a.slot.format("%H:%M").to_string(),
            holder: name.clone(),
            purpose: purpose_word(p, &a.purpose),
            href: match a.purpose {
                Purpose::PassportInspection {
                    residence_application_id,
                } => case_path(Role::ImmigrationOfficer, residence_application_id),
                Purpose::CollectResidencePermit {
                    residence_permit_id,
                } => format!("/immigration/permits/{residence_permit_id}"),
            },
            state: p.word("os-appt", a.state.as_str()),
        })
        .collect();
    let link = |d: Option<NaiveDate>| {
        d.map(|d| format!("/immigration/offices/{id}?date={}", date(d)))
            .unwrap_or_default()
    };
    Ok(render(&OfficePage {
        title: p.tn(
            "os-office-day-title",
            &[("office", office.name.to_string()), ("date", date(day))],
        ),
        address: office.address.to_string(),
        date: date(day),
        prev: link(day.checked_sub_days(Days::new(1))),
        next: link(day.checked_add_days(Days::new(1))),
        rows,
        page,
    }))
}

/// The role-at-employer choices.
pub fn role_options(page: &PageCtx) -> Vec<(String, String)> {
    with_choose(
        page,
        domain::residence::RoleAtEmployer::ALL
            .into_iter()
            .map(|r| (r.as_str().to_string(), page.word("os-role", r.as_str())))
            .collect(),
    )
}
