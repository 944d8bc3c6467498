//! The holder's own records in one place: what to do next, the permit, residence permits,
//! insurance, the contribution statement, benefit claims with the form to claim, applications in
//! progress and messages.

use super::cases::{Fact, card_badge, case_badge, fact, residence_status_badge};
use super::view::{
    Badge, ErrorItem, Field, Page, PermitRow, apply_errors, city_name, date, form_status,
    permit_row, require, shown_on_form, state_badge, time,
};
use super::{CsrfToken, PageCtx, check_csrf, page_ctx, render};
use crate::http::{AppState, HttpError, MaybeAuth};
use crate::input::ClaimCreateInput;
use crate::services::{self, notifications, records::Records};
use askama::Template;
use axum::Router;
use axum::extract::{Extension, Form, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use domain::benefits::{Benefit, ClaimDocument, Condition};
use domain::contributions::{InsuranceType, Statement};
use domain::insurance::InsuranceState;
use domain::role::Role;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/records", get(show))
        .route("/records/claims", post(claim))
}

/// A statement as tables: by year, by insurance, by month (newest first).
pub struct StatementTable {
    pub types: Vec<String>,
    pub years: Vec<YearRow>,
    pub by_type: Vec<TypeRow>,
    pub months: Vec<MonthRow>,
    pub employer: String,
    pub personal: String,
    pub total: String,
}

pub struct YearRow {
    pub year: i32,
    pub months: u32,
    pub by_type: Vec<String>,
    pub total: String,
}

pub struct TypeRow {
    pub name: String,
    pub employer: String,
    pub personal: String,
    pub total: String,
}

pub struct MonthRow {
    pub month: String,
    pub city: String,
    pub base: String,
    pub employer: String,
    pub personal: String,
    pub total: String,
    pub corrections: u32,
}

pub fn statement_table(page: &PageCtx, s: &Statement) -> StatementTable {
    StatementTable {
        types: InsuranceType::ALL
            .iter()
            .map(|t| page.word("insurance-type", t.as_str()))
            .collect(),
        years: s
            .years
            .iter()
            .rev()
            .map(|y| YearRow {
                year: y.year,
                months: y.months,
                by_type: y.by_type.iter().map(|a| a.total().to_string()).collect(),
                total: y.total.total().to_string(),
            })
            .collect(),
        by_type: InsuranceType::ALL
            .iter()
            .zip(s.by_type.iter())
            .map(|(t, a)| TypeRow {
                name: page.word("insurance-type", t.as_str()),
                employer: a.employer.to_string(),
                personal: a.personal.to_string(),
                total: a.total().to_string(),
            })
            .collect(),
        months: s
            .months
            .iter()
            .rev()
            .map(|m| MonthRow {
                month: m.month.to_string(),
                city: city_name(page.lang, m.city),
                base: m.base.money().to_string(),
                employer: m.total.employer.to_string(),
                personal: m.total.personal.to_string(),
                total: m.total.total().to_string(),
                corrections: m.corrections,
            })
            .collect(),
        employer: s.total.employer.to_string(),
        personal: s.total.personal.to_string(),
        total: s.total.total().to_string(),
    }
}

/// A benefit's name in the catalogue: its message where the locale has one, else its key (a
/// jurisdiction's policy may list benefits the locales do not name yet).
pub fn benefit_name(page: &PageCtx, id: &str) -> String {
    let key = format!("benefit-{}", id.replace('_', "-"));
    if page.catalog.has(page.lang, &key) {
        page.t(&key)
    } else {
        id.to_string()
    }
}

/// One condition of a benefit's rule, in words.
pub fn condition_text(page: &PageCtx, c: &Condition) -> String {
    let cities = |list: &[domain::city::City]| {
        list.iter()
            .map(|c| city_name(page.lang, *c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let key = format!("benefit-rule-{}", c.code().replace('_', "-"));
    match c {
        Condition::PermitCategoryIn { categories } => page.t1(
            &key,
            "categories",
            &categories
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Condition::PermitCityIn { cities: list } | Condition::InsuredCityIn { cities: list } => {
            page.t1(&key, "cities", &cities(list))
        }
        Condition::MinContributionMonthsInCity { city, months } => page.tn(
            &key,
            &[
                ("months", months.to_string()),
                ("city", city_name(page.lang, *city)),
            ],
        ),
        _ => page.t(&key),
    }
}

pub fn document_name(page: &PageCtx, d: ClaimDocument) -> String {
    page.word("claim-doc", d.as_str())
}

pub fn claim_badge(page: &PageCtx, state: &str) -> Badge {
    Badge {
        class: format!("state claim-{state}"),
        text: page.word("claim-state", state),
    }
}

struct NextRow {
    text: String,
    link: String,
}

struct ResidenceRow {
    number: String,
    validity: String,
    status: Badge,
    collected: String,
}

struct VisaRow {
    number: String,
    category: String,
    validity: String,
    entries: String,
    status: Badge,
}

struct ClaimRow {
    href: String,
    benefit: String,
    state: Badge,
    submitted: String,
    outcome: String,
}

struct DocBox {
    code: &'static str,
    label: String,
    checked: bool,
}

/// The form to claim one benefit.
struct ClaimForm {
    id: String,
    benefit: String,
    name: String,
    hint: String,
    rules: Vec<String>,
    documents: Vec<DocBox>,
    documents_error: String,
    leaving: Option<Field>,
}

struct LinkRow {
    href: String,
    text: String,
    state: Badge,
}

struct MessageRow {
    title: String,
    link: String,
    received: String,
    unread: bool,
}

#[derive(Template)]
#[template(path = "records.html")]
struct RecordsPage<'a> {
    page: PageCtx<'a>,
    notice: String,
    errors: Vec<ErrorItem>,
    next: Vec<NextRow>,
    person: Vec<Fact>,
    permit: Option<PermitRow>,
    permit_facts: Vec<Fact>,
    other_permits: Vec<PermitRow>,
    residence: Vec<ResidenceRow>,
    visas: Vec<VisaRow>,
    insurance: Vec<Fact>,
    insurance_state: Option<Badge>,
    cards: Vec<Fact>,
    statement: StatementTable,
    statement_pdf: String,
    claims: Vec<ClaimRow>,
    forms: Vec<ClaimForm>,
    applications: Vec<LinkRow>,
    messages: Vec<MessageRow>,
    unread: i64,
}

/// The claim form as sent: every field by name, the documents as `doc_<code>` checkboxes.
#[derive(Default)]
struct ClaimSent {
    csrf: Option<String>,
    benefit: Option<String>,
    documents: Vec<String>,
    leaving_china_on: Option<String>,
}

impl ClaimSent {
    fn from_pairs(pairs: Vec<(String, String)>) -> ClaimSent {
        let mut s = ClaimSent::default();
        for (k, v) in pairs {
            match k.as_str() {
                "csrf" => s.csrf = Some(v),
                "benefit" => s.benefit = Some(v),
                "leaving_china_on" => s.leaving_china_on = Some(v),
                _ => {
                    if let Some(code) = k.strip_prefix("doc_") {
                        s.documents.push(code.to_string());
                    }
                }
            }
        }
        s
    }
}

fn claim_forms(
    page: &PageCtx,
    benefits: &[Benefit],
    sent: Option<&ClaimSent>,
) -> (Vec<ClaimForm>, Option<usize>) {
    let mut failed_form = None;
    let forms = benefits
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let mine = sent.filter(|s| s.benefit.as_deref() == Some(b.id.as_str()));
            if mine.is_some() {
                failed_form = Some(i);
            }
            let prefix = format!("claim-{}-", b.id.replace('_', "-"));
            let hint_key = format!("benefit-{}-hint", b.id.replace('_', "-"));
            ClaimForm {
                id: format!("claim-{}", b.id.replace('_', "-")),
                benefit: b.id.clone(),
                name: benefit_name(page, &b.id),
                hint: if page.catalog.has(page.lang, &hint_key) {
                    page.t(&hint_key)
                } else {
                    String::new()
                },
                rules: b
                    .conditions
                    .iter()
                    .map(|c| condition_text(page, c))
                    .collect(),
                documents: b
                    .documents
                    .iter()
                    .map(|d| DocBox {
                        code: d.as_str(),
                        label: document_name(page, *d),
                        checked: mine.is_some_and(|s| s.documents.iter().any(|x| x == d.as_str())),
                    })
                    .collect(),
                documents_error: String::new(),
                leaving: b.conditions.contains(&Condition::LeavingChina).then(|| {
                    Field::new(page, &prefix, "leaving_china_on", "date")
                        .value(&mine.and_then(|s| s.leaving_china_on.clone()))
                        .hint(page.t("hint-leaving-china-on"))
                }),
            }
        })
        .collect();
    (forms, failed_form)
}

async fn records_page(
    app: &AppState,
    headers: &HeaderMap,
    csrf: &CsrfToken,
    who: domain::role::Principal,
    notice_code: Option<&str>,
    failed: Option<(&HttpError, &ClaimSent)>,
) -> Page {
    let ctx = &app.ctx;
    let r: Records = services::records::mine(ctx, &who).await?;
    let policy = ctx.policies.in_force(&*ctx.store, r.today).await?;
    let benefits: Vec<Benefit> = policy.benefits().cloned().collect();
    let page = page_ctx(app, headers, Some(who), csrf, "/records");
    let p = &page;
    let today = r.today;

    let next = r
        .next
        .iter()
        .map(|n| NextRow {
            text: p.tn(
                &format!("next-{}", n.code.replace('_', "-")),
                &n.params
                    .iter()
                    .map(|(k, v)| (*k, v.clone()))
                    .collect::<Vec<_>>(),
            ),
            link: n.link.to_string(),
        })
        .collect();
    let person = vec![
        fact(p.t("field-name"), r.person.name.full()),
        fact(p.t("field-nationality"), r.person.nationality),
        fact(p.t("field-passport-number"), &r.person.passport_number),
    ];
    let permit = r.permit.as_ref().map(|x| permit_row(p, x, today, false));
    let mut permit_facts = Vec::new();
    if let Some(opens) = r.extension_opens {
        permit_facts.push(fact(p.t("records-extension-opens"), date(opens)));
    }
    let other_permits = r
        .permits
        .iter()
        .filter(|x| r.permit.as_ref().is_none_or(|c| c.id != x.id))
        .map(|x| permit_row(p, x, today, false))
        .collect();
    let residence = r
        .residence_permits
        .iter()
        .map(|x| ResidenceRow {
            number: x.number.to_string(),
            validity: p.tn(
                "validity-range",
                &[("from", date(x.valid_from)), ("to", date(x.valid_to))],
            ),
            status: residence_status_badge(p, x.status.as_str()),
            collected: match x.collected_at {
                Some(t) => time(t),
                None => p.t("records-not-collected"),
            },
        })
        .collect();
    let visas = r
        .visas
        .iter()
        .map(|v| {
            let d = &v.details;
            VisaRow {
                number: d.number.as_str().to_string(),
                category: p.word("visa-category", &d.category.to_string().to_lowercase()),
                validity: p.tn(
                    "validity-range",
                    &[("from", date(d.issued_on)), ("to", date(d.valid_until))],
                ),
                entries: format!(
                    "{}, {}",
                    p.word("visa-entries", d.entries.as_str()),
                    p.t1("visa-days", "days", &d.stay_days.to_string())
                ),
                status: super::visas::status(p, d, today),
            }
        })
        .collect();
    let mut insurance = Vec::new();
    let mut insurance_state = None;
    if let Some(i) = &r.insurance {
        insurance_state = Some(if r.insurance_closed_at.is_some() {
            case_badge(p, "closed")
        } else {
            case_badge(p, i.state.as_str())
        });
        insurance.push(fact(p.t("field-city"), city_name(p.lang, i.city)));
        insurance.push(fact(p.t("field-permit-number"), &i.permit_number));
        if let Some(ssn) = &i.ssn {
            insurance.push(fact(p.t("os-col-ssn"), ssn));
        }
        if let Some(d) = r.insured_from {
            insurance.push(fact(p.t("records-insured-from"), date(d)));
        }
        if let Some(t) = r.insurance_closed_at {
            insurance.push(fact(p.t("records-insurance-closed"), time(t)));
        }
        if i.state == InsuranceState::Refused && !i.refusal.is_empty() {
            insurance.push(fact(p.t("field-reasons"), i.refusal.join("; ")));
        }
    }
    let cards = r
        .cards
        .iter()
        .rev()
        .map(|c| {
            let b = card_badge(p, c.state.as_str());
            fact(
                p.t1("os-note-card-serial", "serial", &c.serial.to_string()),
                format!("{} ({})", b.text, time(c.changed_at)),
            )
        })
        .collect();
    let claims = r
        .claims
        .iter()
        .map(|c| ClaimRow {
            href: format!("/claims/{}", c.claim.id),
            benefit: benefit_name(p, &c.claim.benefit),
            state: claim_badge(p, c.claim.state.as_str()),
            submitted: time(c.claim.submitted_at),
            outcome: match (&c.claim.payment, c.claim.refusal.is_empty()) {
                (Some(pay), _) => p.tn(
                    "records-claim-paid",
                    &[
                        ("amount", pay.amount.to_string()),
                        ("reference", pay.reference.to_string()),
                    ],
                ),
                (None, false) => c
                    .claim
                    .refusal
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                (None, true) => String::new(),
            },
        })
        .collect();
    let (mut forms, failed_form) = claim_forms(p, &benefits, failed.map(|(_, s)| s));
    let mut errors = Vec::new();
    if let (Some((err, _)), Some(i)) = (failed, failed_form) {
        let form = &mut forms[i];
        let mut benefit =
            Field::new(p, &format!("{}-", form.id), "benefit", "text").label(form.name.clone());
        benefit.id = form.id.clone();
        let mut documents = Field::new(p, &format!("{}-", form.id), "documents", "checkbox");
        let mut fields = vec![&mut benefit, &mut documents];
        if let Some(l) = form.leaving.as_mut() {
            fields.push(l);
        }
        errors = apply_errors(p, err, fields, &format!("#{}", form.id));
        form.documents_error = documents.error;
    } else if let Some((err, _)) = failed {
        errors = apply_errors(p, err, Vec::new(), "#claim");
    }
    let mut applications: Vec<LinkRow> = r
        .applications
        .iter()
        .map(|a| LinkRow {
            href: format!("/applications/{}", a.id),
            text: p.tn(
                "me-application-heading",
                &[
                    ("kind", p.word("kind", a.kind().as_str())),
                    ("receipt", a.receipt_number.to_string()),
                ],
            ),
            state: state_badge(p, a.state),
        })
        .collect();
    applications.extend(r.residence_applications.iter().map(|a| LinkRow {
        href: "/residence".to_string(),
        text: p.t1(
            "records-residence-application",
            "receipt",
            &a.receipt_number.to_string(),
        ),
        state: case_badge(p, a.state.as_str()),
    }));
    let messages = r
        .notices
        .iter()
        .map(|n| {
            let m = notifications::render(p.catalog, p.lang, n);
            MessageRow {
                title: m.title,
                link: n
                    .link
                    .as_ref()
                    .map(|l| l.as_str().to_string())
                    .unwrap_or_default(),
                received: time(n.created_at),
                unread: n.read_at.is_none(),
            }
        })
        .collect();
    let notice = match notice_code {
        Some(c @ ("claim_submitted" | "claim_withdrawn")) => {
            p.t(&format!("records-notice-{}", c.replace('_', "-")))
        }
        _ => String::new(),
    };
    let statement_pdf = if r.statement.months.is_empty() {
        String::new()
    } else {
        format!("/api/v1/people/{}/statement/pdf", r.person.id)
    };
    let res = render(&RecordsPage {
        notice,
        errors,
        next,
        person,
        permit,
        permit_facts,
        other_permits,
        residence,
        visas,
        insurance,
        insurance_state,
        cards,
        statement: statement_table(p, &r.statement),
        statement_pdf,
        claims,
        forms,
        applications,
        messages,
        unread: r.unread,
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
    Query(q): Query<DoneQuery>,
) -> Page {
    let who = require(user, &[Role::Applicant])?;
    records_page(&app, &headers, &csrf, who, q.done.as_deref(), None).await
}

async fn claim(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Page {
    let sent = ClaimSent::from_pairs(pairs);
    check_csrf(&headers, sent.csrf.as_deref())?;
    let who = require(user, &[Role::Applicant])?;
    let input = ClaimCreateInput {
        benefit: sent.benefit.clone(),
        documents: Some(sent.documents.clone()),
        leaving_china_on: sent.leaving_china_on.clone(),
    };
    let err = match input.parse() {
        Ok(input) => match services::claims::create(&app.ctx, &who, input).await {
            Ok(c) => {
                return Ok(
                    Redirect::to(&format!("/claims/{}?done=submitted", c.claim.id)).into_response(),
                );
            }
            Err(e) => HttpError::from(e),
        },
        Err(inv) => HttpError::invalid(inv),
    };
    if !shown_on_form(&err) {
        return Err(err.into());
    }
    records_page(&app, &headers, &csrf, who, None, Some((&err, &sent))).await
}
