//! The API of contributions, benefit claims, the holder's records and the employer's deadlines.

use super::notices::pdf_response;
use super::path_id;
use crate::http::{AppState, Auth, HttpError, HttpResult, JsonBody, Lang};
use crate::input::*;
use crate::services;
use crate::services::contributions::{Declared, EmployeeDeadlines, StatementView};
use crate::services::records::Records;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use domain::FieldError;
use domain::benefits::ClaimState;
use domain::contributions::{Amounts, InsuranceType};
use domain::ids::*;
use serde::{Deserialize, Serialize};
use store::StoredClaim;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub use super::dto::ErrorOut;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/contributions", post(declare))
        .route("/api/v1/people/{id}/statement", get(statement))
        .route("/api/v1/people/{id}/statement/pdf", get(statement_pdf))
        .route("/api/v1/benefits", get(benefits))
        .route("/api/v1/claims", get(list_claims).post(create_claim))
        .route("/api/v1/claims/{id}", get(get_claim))
        .route("/api/v1/claims/{id}/steps", post(claim_step))
        .route("/api/v1/records", get(records))
        .route("/api/v1/employer/deadlines", get(deadlines))
        .route("/api/v1/employer/deadlines/csv", get(deadlines_csv))
}

// ------------------------------------------------------------------------------------------------
// What the API answers. Money is integer fen.

#[derive(Debug, Serialize, ToSchema)]
pub struct SharesOut {
    pub employer_fen: i64,
    pub personal_fen: i64,
    pub total_fen: i64,
}

impl From<&Amounts> for SharesOut {
    fn from(a: &Amounts) -> Self {
        SharesOut {
            employer_fen: a.employer.fen(),
            personal_fen: a.personal.fen(),
            total_fen: a.total().fen(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InsuranceLineOut {
    /// pension, medical, unemployment, work_injury or maternity.
    pub insurance: String,
    pub employer_fen: i64,
    pub personal_fen: i64,
    pub total_fen: i64,
}

fn lines(l: &[Amounts; 5]) -> Vec<InsuranceLineOut> {
    InsuranceType::ALL
        .iter()
        .zip(l)
        .map(|(t, a)| InsuranceLineOut {
            insurance: t.as_str().to_string(),
            employer_fen: a.employer.fen(),
            personal_fen: a.personal.fen(),
            total_fen: a.total().fen(),
        })
        .collect()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeclarationOut {
    pub id: Uuid,
    pub person_id: Uuid,
    pub employer_id: Uuid,
    pub month: String,
    pub city: String,
    pub base_fen: i64,
    /// The person's own counter: a later declaration of the same month corrects an earlier one.
    pub sequence: i64,
    /// Whether the month had been declared before.
    pub correction: bool,
    pub declared_at: DateTime<Utc>,
    pub lines: Vec<InsuranceLineOut>,
    pub total: SharesOut,
}

impl From<&Declared> for DeclarationOut {
    fn from(d: &Declared) -> Self {
        let c = &d.stored.declaration.contribution;
        DeclarationOut {
            id: d.stored.id,
            person_id: d.stored.person_id.0,
            employer_id: d.stored.employer_id.0,
            month: c.month.to_string(),
            city: c.city.code().to_string(),
            base_fen: c.base.money().fen(),
            sequence: d.stored.declaration.sequence,
            correction: d.correction,
            declared_at: d.stored.declaration.declared_at,
            lines: lines(&c.lines),
            total: (&c.totals()).into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatementMonthOut {
    pub month: String,
    pub city: String,
    pub base_fen: i64,
    /// The declaration that counts: the latest of the month.
    pub sequence: i64,
    /// How many earlier declarations of the month it corrects.
    pub corrections: u32,
    pub lines: Vec<InsuranceLineOut>,
    pub total: SharesOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatementYearOut {
    pub year: i32,
    pub months: u32,
    pub by_type: Vec<InsuranceLineOut>,
    pub total: SharesOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatementOut {
    pub person_id: Uuid,
    pub name: String,
    pub social_security_number: Option<String>,
    pub insured_city: Option<String>,
    pub insured_from: Option<NaiveDate>,
    pub insurance_closed_at: Option<DateTime<Utc>>,
    pub months: Vec<StatementMonthOut>,
    pub years: Vec<StatementYearOut>,
    pub by_type: Vec<InsuranceLineOut>,
    pub total: SharesOut,
    /// Every declaration recorded, corrections included.
    pub declarations: usize,
}

impl From<&StatementView> for StatementOut {
    fn from(v: &StatementView) -> Self {
        let s = &v.statement;
        StatementOut {
            person_id: v.person.id.0,
            name: v.person.name.full(),
            social_security_number: v
                .insurance
                .as_ref()
                .and_then(|i| i.ssn.as_ref())
                .map(|s| s.to_string()),
            insured_city: v.insurance.as_ref().map(|i| i.city.code().to_string()),
            insured_from: v
                .insurance
                .as_ref()
                .and_then(services::contributions::insured_from),
            insurance_closed_at: v.closed_at,
            months: s
                .months
                .iter()
                .map(|m| StatementMonthOut {
                    month: m.month.to_string(),
                    city: m.city.code().to_string(),
                    base_fen: m.base.money().fen(),
                    sequence: m.sequence,
                    corrections: m.corrections,
                    lines: lines(&m.lines),
                    total: (&m.total).into(),
                })
                .collect(),
            years: s
                .years
                .iter()
                .map(|y| StatementYearOut {
                    year: y.year,
                    months: y.months,
                    by_type: lines(&y.by_type),
                    total: (&y.total).into(),
                })
                .collect(),
            by_type: lines(&s.by_type),
            total: (&s.total).into(),
            declarations: v.declarations.len(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BenefitOut {
    pub id: String,
    /// The conditions, by rule code; all must hold.
    pub conditions: Vec<String>,
    pub documents: Vec<String>,
    pub closes_insurance: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentOut {
    pub amount_fen: i64,
    pub account: String,
    pub reference: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimOut {
    pub id: Uuid,
    pub person_id: Uuid,
    pub benefit: String,
    /// The city whose social security agency decides.
    pub city: String,
    /// submitted, approved, refused or withdrawn.
    pub state: String,
    pub version: i64,
    pub documents: Vec<String>,
    pub leaving_china_on: Option<NaiveDate>,
    pub submitted_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub payment: Option<PaymentOut>,
    pub refusal: Vec<String>,
}

impl From<&StoredClaim> for ClaimOut {
    fn from(c: &StoredClaim) -> Self {
        let k = &c.claim;
        ClaimOut {
            id: k.id.0,
            person_id: k.person_id.0,
            benefit: k.benefit.clone(),
            city: c.city.code().to_string(),
            state: k.state.as_str().to_string(),
            version: k.version,
            documents: k.documents.iter().map(|d| d.as_str().to_string()).collect(),
            leaving_china_on: c.leaving_china_on,
            submitted_at: k.submitted_at,
            decided_at: k.decided_at,
            payment: k.payment.as_ref().map(|p| PaymentOut {
                amount_fen: p.amount.fen(),
                account: p.account.to_string(),
                reference: p.reference.to_string(),
            }),
            refusal: k.refusal.iter().map(|r| r.to_string()).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordPermitOut {
    pub number: String,
    pub category: String,
    pub city: String,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// valid, expired, cancelled or superseded, today.
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordResidenceOut {
    pub number: String,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub status: String,
    pub collected_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordInsuranceOut {
    /// requested, registered or refused.
    pub state: String,
    pub city: String,
    pub social_security_number: Option<String>,
    pub insured_from: Option<NaiveDate>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The current card's state, once registered.
    pub card: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordContributionsOut {
    pub months: usize,
    pub first_month: Option<String>,
    pub last_month: Option<String>,
    pub total: SharesOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordApplicationOut {
    pub id: Uuid,
    pub receipt_number: String,
    /// The kind of application: work permit (new, extension, change, cancellation) or residence.
    pub kind: String,
    pub state: String,
    pub since: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordMessageOut {
    pub id: Uuid,
    pub topic: String,
    pub title: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
    pub link: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NextStepOut {
    pub code: String,
    pub message: String,
    pub link: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordsOut {
    pub person_id: Uuid,
    pub name: String,
    pub today: NaiveDate,
    pub permit: Option<RecordPermitOut>,
    /// The first day an extension may be filed: 90 days before the permit's last day.
    pub extension_opens: Option<NaiveDate>,
    pub residence_permits: Vec<RecordResidenceOut>,
    /// Visas immigration entered, the newest first.
    pub visas: Vec<super::visas::VisaOut>,
    pub insurance: Option<RecordInsuranceOut>,
    pub contributions: RecordContributionsOut,
    pub claims: Vec<ClaimOut>,
    pub applications: Vec<RecordApplicationOut>,
    pub messages: Vec<RecordMessageOut>,
    pub unread_messages: i64,
    pub next_steps: Vec<NextStepOut>,
}

impl RecordsOut {
    pub fn new(r: &Records, catalog: &crate::i18n::Catalog, lang: crate::i18n::Locale) -> Self {
        let today = r.today;
        RecordsOut {
            person_id: r.person.id.0,
            name: r.person.name.full(),
            today,
            permit: r.permit.as_ref().map(|p| RecordPermitOut {
                number: p.number.to_string(),
                category: p.category.as_str().to_string(),
                city: p.city.code().to_string(),
                valid_from: p.valid_from,
                valid_to: p.valid_to,
                status: p.status_on(today).as_str().to_string(),
            }),
            extension_opens: r.extension_opens,
            residence_permits: r
                .residence_permits
                .iter()
                .map(|p| RecordResidenceOut {
                    number: p.number.to_string(),
                    valid_from: p.valid_from,
                    valid_to: p.valid_to,
                    status: if p.is_valid_on(today) {
                        "valid".to_string()
                    } else if p.valid_to < today {
                        "expired".to_string()
                    } else {
                        p.status.as_str().to_string()
                    },
                    collected_at: p.collected_at,
                })
                .collect(),
            visas: r
                .visas
                .iter()
                .map(|v| super::visas::VisaOut::new(v, today))
                .collect(),
            insurance: r.insurance.as_ref().map(|i| RecordInsuranceOut {
                state: i.state.as_str().to_string(),
                city: i.city.code().to_string(),
                social_security_number: i.ssn.as_ref().map(|s| s.to_string()),
                insured_from: r.insured_from,
                closed_at: r.insurance_closed_at,
                card: r.cards.last().map(|c| c.state.as_str().to_string()),
            }),
            contributions: RecordContributionsOut {
                months: r.statement.months.len(),
                first_month: r.statement.months.first().map(|m| m.month.to_string()),
                last_month: r.statement.months.last().map(|m| m.month.to_string()),
                total: (&r.statement.total).into(),
            },
            claims: r.claims.iter().map(Into::into).collect(),
            applications: r
                .applications
                .iter()
                .map(|a| RecordApplicationOut {
                    id: a.id.0,
                    receipt_number: a.receipt_number.to_string(),
                    kind: a.kind().as_str().to_string(),
                    state: a.state.as_str().to_string(),
                    since: a.submitted_at,
                })
                .chain(
                    r.residence_applications
                        .iter()
                        .map(|a| RecordApplicationOut {
                            id: a.id.0,
                            receipt_number: a.receipt_number.to_string(),
                            kind: "residence".to_string(),
                            state: a.state.as_str().to_string(),
                            since: Some(a.created_at),
                        }),
                )
                .collect(),
            messages: r
                .notices
                .iter()
                .map(|n| RecordMessageOut {
                    id: n.id.0,
                    topic: n.topic.as_str().to_string(),
                    title: notice_title(catalog, lang, n),
                    created_at: n.created_at,
                    read: n.read_at.is_some(),
                    link: n.link.as_ref().map(|l| l.as_str().to_string()),
                })
                .collect(),
            unread_messages: r.unread,
            next_steps: r
                .next
                .iter()
                .map(|s| NextStepOut {
                    code: s.code.to_string(),
                    message: catalog.get(
                        lang,
                        &format!("next-{}", s.code.replace('_', "-")),
                        &s.params,
                    ),
                    link: s.link.to_string(),
                })
                .collect(),
        }
    }
}

fn notice_title(
    catalog: &crate::i18n::Catalog,
    lang: crate::i18n::Locale,
    n: &store::StoredNotice,
) -> String {
    let params: Vec<(&str, String)> = n
        .params
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    catalog.get(lang, &n.topic.message_key(), &params)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineOut {
    pub person_id: Uuid,
    pub name: String,
    pub nationality: String,
    pub permit_number: Option<String>,
    pub permit_status: Option<String>,
    pub permit_valid_to: Option<NaiveDate>,
    /// 90 days before the permit's last day: when the extension may first be filed.
    pub extension_opens: Option<NaiveDate>,
    pub permit_expiring_within_90_days: bool,
    pub residence_permit_number: Option<String>,
    pub residence_valid_to: Option<NaiveDate>,
    pub residence_expiring_within_90_days: bool,
    pub insured: bool,
    pub months_declared: i64,
    pub last_month_declared: Option<String>,
    pub declared_this_month: bool,
}

impl From<&EmployeeDeadlines> for DeadlineOut {
    fn from(d: &EmployeeDeadlines) -> Self {
        DeadlineOut {
            person_id: d.person.id.0,
            name: d.person.name.full(),
            nationality: d.person.nationality.to_string(),
            permit_number: d.permit.as_ref().map(|p| p.number.to_string()),
            permit_status: d.permit_status.map(|s| s.as_str().to_string()),
            permit_valid_to: d.permit.as_ref().map(|p| p.valid_to),
            extension_opens: d.extension_opens,
            permit_expiring_within_90_days: d.permit_expiring_soon,
            residence_permit_number: d.residence.as_ref().map(|p| p.number.to_string()),
            residence_valid_to: d.residence.as_ref().map(|p| p.valid_to),
            residence_expiring_within_90_days: d.residence_expiring_soon,
            insured: d.insured,
            months_declared: d.months_declared,
            last_month_declared: d.last_month.map(|m| m.to_string()),
            declared_this_month: d.declared_this_month,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClaimStateQuery {
    /// Only those in this state (submitted, approved, refused, withdrawn).
    pub state: Option<String>,
}

// ------------------------------------------------------------------------------------------------
// Handlers.

#[utoipa::path(post, path = "/api/v1/contributions", tag = "contributions", request_body = DeclarationInput,
    responses((status = 201, body = DeclarationOut, description = "Declared; a month declared before is corrected by this later declaration"),
              (status = 403, body = ErrorOut),
              (status = 422, body = ErrorOut, description = "Refused with the rule named, nothing recorded: person_not_employee, person_not_insured, month_before_insurance_start, month_in_future, base_below_floor, base_above_ceiling")))]
async fn declare(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    body: JsonBody<DeclarationInput>,
) -> HttpResult<Response> {
    if !matches!(who.scope, domain::role::Scope::EmployerHr { .. }) {
        return Err(HttpError::new(StatusCode::FORBIDDEN, "employer_only"));
    }
    let input = body.value.parse()?;
    let d = services::contributions::declare_month(&app.ctx, &who, input).await?;
    Ok((StatusCode::CREATED, Json(DeclarationOut::from(&d))).into_response())
}

fn statement_reader(who: &domain::role::Principal) -> HttpResult<()> {
    use domain::role::Scope;
    match who.scope {
        Scope::Applicant { .. }
        | Scope::EmployerHr { .. }
        | Scope::SocialSecurityOfficer { .. } => Ok(()),
        _ => Err(HttpError::new(StatusCode::FORBIDDEN, "role_not_allowed")),
    }
}

#[utoipa::path(get, path = "/api/v1/people/{id}/statement", tag = "contributions", params(("id" = Uuid, Path)),
    responses((status = 200, body = StatementOut, description = "By month (the latest declaration of each), by year and by insurance; integer fen"),
              (status = 403, body = ErrorOut), (status = 404, body = ErrorOut)))]
async fn statement(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Json<StatementOut>> {
    statement_reader(&who)?;
    let v = services::contributions::statement(&app.ctx, &who, PersonId(path_id(&id)?)).await?;
    Ok(Json((&v).into()))
}

#[utoipa::path(get, path = "/api/v1/people/{id}/statement/pdf", tag = "contributions", params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "application/pdf", description = "The statement as a PDF sealed with the issuer's QR seal"),
              (status = 403, body = ErrorOut), (status = 404, body = ErrorOut),
              (status = 503, body = ErrorOut, description = "No signing key is configured")))]
async fn statement_pdf(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Response> {
    statement_reader(&who)?;
    let (number, bytes) =
        services::contributions::statement_pdf(&app.ctx, &who, PersonId(path_id(&id)?)).await?;
    Ok(pdf_response(&number, bytes))
}

#[utoipa::path(get, path = "/api/v1/benefits", tag = "claims",
    responses((status = 200, body = [BenefitOut], description = "The catalogue of the policy in force")))]
async fn benefits(State(app): State<AppState>) -> HttpResult<Json<Vec<BenefitOut>>> {
    let policy = app
        .ctx
        .policies
        .in_force(&*app.ctx.store, app.ctx.clock.today())
        .await?;
    Ok(Json(
        policy
            .benefits()
            .map(|b| BenefitOut {
                id: b.id.clone(),
                conditions: b.conditions.iter().map(|c| c.code().to_string()).collect(),
                documents: b.documents.iter().map(|d| d.as_str().to_string()).collect(),
                closes_insurance: b.closes_insurance,
            })
            .collect(),
    ))
}

fn claim_role(who: &domain::role::Principal) -> HttpResult<()> {
    use domain::role::Scope;
    match who.scope {
        Scope::Applicant { .. } | Scope::SocialSecurityOfficer { .. } => Ok(()),
        _ => Err(HttpError::new(StatusCode::FORBIDDEN, "role_not_allowed")),
    }
}

#[utoipa::path(get, path = "/api/v1/claims", tag = "claims", params(ClaimStateQuery),
    responses((status = 200, body = [ClaimOut], description = "The holder's own, newest first; the social security officer's queue (waiting, oldest first)"),
              (status = 403, body = ErrorOut)))]
async fn list_claims(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Query(q): Query<ClaimStateQuery>,
) -> HttpResult<Json<Vec<ClaimOut>>> {
    claim_role(&who)?;
    let states = match q.state.as_deref().filter(|s| !s.is_empty()) {
        None => Vec::new(),
        Some(s) => vec![ClaimState::from_code(s).ok_or_else(|| {
            HttpError::field(
                StatusCode::BAD_REQUEST,
                FieldError::new("state", "invalid_type").with("detail", s),
            )
        })?],
    };
    let list = services::claims::list(&app.ctx, &who, states).await?;
    Ok(Json(list.iter().map(Into::into).collect()))
}

#[utoipa::path(post, path = "/api/v1/claims", tag = "claims", request_body = ClaimCreateInput,
    responses((status = 201, body = ClaimOut),
              (status = 403, body = ErrorOut, description = "Only the holder claims"),
              (status = 409, body = ErrorOut, description = "A claim of the benefit is open"),
              (status = 422, body = ErrorOut, description = "The claim fails its rule, each unmet condition named (valid_permit_remains, document_missing…); nothing recorded")))]
async fn create_claim(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    body: JsonBody<ClaimCreateInput>,
) -> HttpResult<Response> {
    if !matches!(who.scope, domain::role::Scope::Applicant { .. }) {
        return Err(HttpError::new(StatusCode::FORBIDDEN, "holder_only"));
    }
    let input = body.value.parse()?;
    let c = services::claims::create(&app.ctx, &who, input).await?;
    Ok((StatusCode::CREATED, Json(ClaimOut::from(&c))).into_response())
}

#[utoipa::path(get, path = "/api/v1/claims/{id}", tag = "claims", params(("id" = Uuid, Path)),
    responses((status = 200, body = ClaimOut), (status = 403, body = ErrorOut), (status = 404, body = ErrorOut)))]
async fn get_claim(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Json<ClaimOut>> {
    claim_role(&who)?;
    let c = services::claims::get(&app.ctx, &who, ClaimId(path_id(&id)?)).await?;
    Ok(Json((&c).into()))
}

#[utoipa::path(post, path = "/api/v1/claims/{id}/steps", tag = "claims", params(("id" = Uuid, Path)),
    request_body = ClaimStepInput,
    responses((status = 200, body = ClaimOut, description = "Approved with the payment instruction (a pension refund closes the insurance record), refused with reasons, or withdrawn by the holder"),
              (status = 403, body = ErrorOut), (status = 404, body = ErrorOut),
              (status = 409, body = ErrorOut, description = "claim_step_not_open or case_changed, with the current version"),
              (status = 422, body = ErrorOut, description = "Bad input, or the claim no longer meets its rule")))]
async fn claim_step(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
    body: JsonBody<ClaimStepInput>,
) -> HttpResult<Json<ClaimOut>> {
    claim_role(&who)?;
    let (action, version) = body.value.parse()?;
    let c = services::claims::act(&app.ctx, &who, ClaimId(path_id(&id)?), action, version).await?;
    Ok(Json((&c).into()))
}

#[utoipa::path(get, path = "/api/v1/records", tag = "records",
    responses((status = 200, body = RecordsOut, description = "The holder's own records in one place, with the dates that matter and what to do next"),
              (status = 403, body = ErrorOut)))]
async fn records(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Lang(lang): Lang,
) -> HttpResult<Json<RecordsOut>> {
    if !matches!(who.scope, domain::role::Scope::Applicant { .. }) {
        return Err(HttpError::new(StatusCode::FORBIDDEN, "holder_only"));
    }
    let r = services::records::mine(&app.ctx, &who).await?;
    Ok(Json(RecordsOut::new(&r, &app.catalog, lang)))
}

fn employer(who: &domain::role::Principal) -> HttpResult<()> {
    if matches!(who.scope, domain::role::Scope::EmployerHr { .. }) {
        Ok(())
    } else {
        Err(HttpError::new(StatusCode::FORBIDDEN, "employer_only"))
    }
}

#[utoipa::path(get, path = "/api/v1/employer/deadlines", tag = "contributions",
    responses((status = 200, body = [DeadlineOut], description = "Each employee: permit and residence validity, extension window, what expires within 90 days, contributions declared"),
              (status = 403, body = ErrorOut)))]
async fn deadlines(
    State(app): State<AppState>,
    Auth(who, _): Auth,
) -> HttpResult<Json<Vec<DeadlineOut>>> {
    employer(&who)?;
    let rows = services::contributions::deadlines(&app.ctx, &who).await?;
    Ok(Json(rows.iter().map(Into::into).collect()))
}

#[utoipa::path(get, path = "/api/v1/employer/deadlines/csv", tag = "contributions",
    responses((status = 200, content_type = "text/csv", description = "The same list as CSV (UTF-8, a header row)"),
              (status = 403, body = ErrorOut)))]
async fn deadlines_csv(State(app): State<AppState>, Auth(who, _): Auth) -> HttpResult<Response> {
    employer(&who)?;
    let rows = services::contributions::deadlines(&app.ctx, &who).await?;
    let csv = services::contributions::deadlines_csv(&rows);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"employee-deadlines.csv\"",
            ),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        csv,
    )
        .into_response())
}
