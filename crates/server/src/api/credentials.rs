//! The credential's public side: verifying a scanned code, the card's dynamic QR for its holder,
//! and what offline verifiers download (the signed key set and the status lists).

use crate::http::{AppState, Auth, HttpError, HttpResult, JsonBody, Lang};
use crate::i18n::{Catalog, Locale};
use crate::services::{self, issuer::etag_of};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use credential::{Outcome, Profile};
use domain::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const KEYS_PATH: &str = "/.well-known/onecard/keys";
pub const STATUS_INDEX_PATH: &str = "/.well-known/onecard/status-lists";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/verify", post(verify))
        .route("/api/v1/card/qr", get(card_qr))
        .route("/api/v1/people/{id}/card-unlock", post(card_unlock))
        .route("/.well-known/onecard/keys", get(key_set))
        .route("/.well-known/onecard/status-lists", get(status_index))
        .route("/status/{n}", get(status_list))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct VerifyInput {
    /// The text of the scanned QR code.
    pub text: Option<String>,
}

/// What the code discloses, under its profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisclosedOut {
    /// employment_check or full.
    pub profile: String,
    pub permit_number: String,
    pub category: String,
    pub holder_name: String,
    pub employer: String,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// Full profile only.
    pub nationality: Option<String>,
    pub position: Option<String>,
    pub city: Option<String>,
    pub medium: Option<String>,
    /// When the code was made and until when it may be scanned.
    pub issued_at: DateTime<Utc>,
    pub code_expires_at: DateTime<Utc>,
}

/// A notice's seal: which document, and the SHA-256 of the file it was made for.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentOut {
    pub number: String,
    pub kind: String,
    /// Hexadecimal; a copy of the file is the original if its SHA-256 is this.
    pub content_hash: String,
    pub permit_number: Option<String>,
    pub issued_at: DateTime<Utc>,
    /// For a notice's file: whether the service holds this very file under the number.
    pub recorded: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationOut {
    /// valid, cancelled, permit_expired, superseded, already_used, qr_expired, bad_signature,
    /// unknown_key, not_onecard, malformed, too_large, unsupported_algorithm, not_yet_valid or
    /// status_unavailable.
    pub outcome: String,
    pub valid: bool,
    /// Which part was malformed, or why no status could be had.
    pub detail: Option<String>,
    /// The verdict in the caller's language.
    pub message: String,
    pub cancelled_on: Option<NaiveDate>,
    pub expired_on: Option<NaiveDate>,
    /// Only where the signature held, and not for a code used before.
    pub permit: Option<DisclosedOut>,
    /// For a notice's seal.
    pub document: Option<DocumentOut>,
}

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
}

impl VerificationOut {
    /// The check of a notice's file: its seal, and whether the file is the one sealed.
    pub fn of_notice(
        check: &services::verification::NoticeCheck,
        catalog: &Catalog,
        locale: Locale,
    ) -> VerificationOut {
        use documents::notice::NoticeVerdict;
        let (outcome, key, detail) = match &check.verdict {
            Ok(_) => ("valid", "verdict-notice-valid".to_string(), None),
            Err(NoticeVerdict::NotSealed) => ("not_sealed", "verdict-not-sealed".to_string(), None),
            Err(NoticeVerdict::Altered) => ("altered", "verdict-altered".to_string(), None),
            Err(NoticeVerdict::Refused(v)) => {
                let detail = match v {
                    credential::Verdict::Malformed { what } => Some(what.to_string()),
                    _ => None,
                };
                (
                    v.code(),
                    format!("verdict-{}", v.code().replace('_', "-")),
                    detail,
                )
            }
        };
        VerificationOut {
            outcome: outcome.to_string(),
            valid: check.verdict.is_ok(),
            detail,
            message: catalog.get(locale, &key, &[]),
            cancelled_on: None,
            expired_on: None,
            permit: None,
            document: check.verdict.as_ref().ok().map(|seal| DocumentOut {
                number: seal.number().to_string(),
                kind: seal.kind().to_string(),
                content_hash: hex::encode(seal.content_hash),
                permit_number: seal.permit_number.as_ref().map(|p| p.to_string()),
                issued_at: at(seal.issued_at),
                recorded: Some(check.recorded),
            }),
        }
    }

    pub fn new(outcome: &Outcome, catalog: &Catalog, locale: Locale) -> VerificationOut {
        let (cancelled_on, expired_on) = match outcome {
            Outcome::Cancelled { on, .. } => (*on, None),
            Outcome::PermitExpired { on, .. } => (None, Some(*on)),
            _ => (None, None),
        };
        let mut args = Vec::new();
        if let Some(d) = cancelled_on.or(expired_on) {
            args.push(("on", d.to_string()));
        }
        let key = match (outcome, cancelled_on) {
            (Outcome::Cancelled { .. }, None) => "verdict-cancelled-undated".to_string(),
            _ => format!("verdict-{}", outcome.code().replace('_', "-")),
        };
        // A code scanned before is a replay (a screenshot, say): it shows nothing it carries.
        let shown = !matches!(outcome, Outcome::AlreadyUsed { .. });
        let permit = outcome.claims().filter(|_| shown).map(|c| {
            let p = &c.permit;
            let d = p.details.as_ref();
            DisclosedOut {
                profile: p.profile().code().to_string(),
                permit_number: p.number.to_string(),
                category: p.category.as_str().to_string(),
                holder_name: p.holder_name.full(),
                employer: p.employer.to_string(),
                valid_from: p.valid_from,
                valid_to: p.valid_to,
                nationality: d.map(|d| d.nationality.as_str().to_string()),
                position: d.map(|d| d.position.to_string()),
                city: d.map(|d| d.city.code().to_string()),
                medium: d.map(|d| d.medium.as_str().to_string()),
                issued_at: at(c.issued_at),
                code_expires_at: at(c.expires_at),
            }
        });
        let document = match outcome {
            Outcome::Sealed { seal } => Some(DocumentOut {
                number: seal.number().to_string(),
                kind: seal.kind().to_string(),
                content_hash: hex::encode(seal.content_hash),
                permit_number: seal.permit_number.as_ref().map(|p| p.to_string()),
                issued_at: at(seal.issued_at),
                recorded: None,
            }),
            _ => None,
        };
        let key = match outcome {
            Outcome::Sealed { .. } => "verdict-sealed".to_string(),
            _ => key,
        };
        VerificationOut {
            outcome: outcome.code().to_string(),
            valid: outcome.is_valid(),
            detail: outcome.detail().map(str::to_string),
            message: catalog.get(locale, &key, &args),
            cancelled_on,
            expired_on,
            permit,
            document,
        }
    }
}

#[utoipa::path(post, path = "/api/v1/verify", tag = "credential", request_body = VerifyInput,
    responses((status = 200, body = VerificationOut, description = "A definite verdict for any text: valid, or the reason it is not. No sign-in needed. A dynamic code that passes is used up: a second scan answers already_used."),
              (status = 422, body = crate::api::dto::ErrorOut, description = "No text given")))]
async fn verify(
    State(app): State<AppState>,
    Lang(lang): Lang,
    body: JsonBody<VerifyInput>,
) -> HttpResult<Json<VerificationOut>> {
    let text = body.value.text.unwrap_or_default();
    if text.trim().is_empty() {
        return Err(FieldError::new("text", "required").into());
    }
    let outcome = services::verification::verify(&app.ctx, &text).await?;
    Ok(Json(VerificationOut::new(&outcome, &app.catalog, lang)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct QrQuery {
    /// employment_check (the default) or full.
    pub profile: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CardQrOut {
    /// The text in the code, for a reader that takes text.
    pub text: String,
    /// The code as SVG, one path.
    pub svg: String,
    /// The QR version (size) of the code.
    pub version: usize,
    pub profile: String,
    pub expires_at: DateTime<Utc>,
}

pub fn parse_profile(s: Option<&str>) -> Result<Profile, FieldError> {
    match s.unwrap_or("employment_check") {
        "employment_check" | "" => Ok(Profile::EmploymentCheck),
        "full" => Ok(Profile::Full),
        _ => Err(FieldError::new("profile", "profile_value")),
    }
}

#[utoipa::path(get, path = "/api/v1/card/qr", tag = "credential", params(QrQuery),
    responses((status = 200, body = CardQrOut, description = "A new dynamic QR code for the signed-in holder's permit, valid for a minute"),
              (status = 403, body = crate::api::dto::ErrorOut, description = "Not a holder, or the real-name check is not passed"),
              (status = 404, body = crate::api::dto::ErrorOut), (status = 409, body = crate::api::dto::ErrorOut, description = "The permit is not valid, or is on a physical card")))]
async fn card_qr(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Query(q): Query<QrQuery>,
) -> HttpResult<Response> {
    let profile = parse_profile(q.profile.as_deref())?;
    let qr = services::card::qr(&app.ctx, &who, profile).await?;
    let mut res = Json(CardQrOut {
        text: qr.text,
        svg: qr.svg,
        version: qr.version,
        profile: qr.profile.code().to_string(),
        expires_at: qr.expires_at,
    })
    .into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// Bytes with their media type, a strong ETag, and how long caches may keep them; a request
/// whose If-None-Match names the ETag gets 304.
fn cacheable(
    headers: &HeaderMap,
    bytes: Vec<u8>,
    etag: &str,
    media_type: &'static str,
    max_age: u64,
) -> Response {
    let cache = HeaderValue::from_str(&format!("public, max-age={max_age}")).expect("header");
    let etag_value = HeaderValue::from_str(etag).expect("header");
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut res = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = bytes.into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
        r
    };
    let h = res.headers_mut();
    h.insert(header::ETAG, etag_value);
    h.insert(header::CACHE_CONTROL, cache);
    res
}

#[utoipa::path(get, path = "/.well-known/onecard/keys", tag = "credential",
    responses((status = 200, content_type = "application/cose", description = "The issuer's public keys as a COSE_Sign1 signed by the root key, which verifiers pin out of band (`onecard keys root`). Honours If-None-Match."),
              (status = 304, description = "Not modified"),
              (status = 503, body = crate::api::dto::ErrorOut, description = "No root key yet")))]
async fn key_set(State(app): State<AppState>, headers: HeaderMap) -> HttpResult<Response> {
    let keys = app
        .ctx
        .issuer
        .keys(&*app.ctx.store, app.ctx.clock.now())
        .await?;
    let Some((bytes, etag)) = keys.published.clone() else {
        return Err(HttpError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "issuer_not_configured",
        ));
    };
    Ok(cacheable(&headers, bytes, &etag, "application/cose", 3600))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusListRef {
    /// The URI credentials name.
    pub uri: String,
    /// Where this service serves it.
    pub href: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusIndexOut {
    pub lists: Vec<StatusListRef>,
}

#[utoipa::path(get, path = "/.well-known/onecard/status-lists", tag = "credential",
    responses((status = 200, body = StatusIndexOut, description = "Every status list, for verifiers that fetch them all ahead of going offline")))]
async fn status_index(State(app): State<AppState>, headers: HeaderMap) -> HttpResult<Response> {
    let n = services::status_lists::count(&app.ctx).await?;
    let body = StatusIndexOut {
        lists: (0..n)
            .map(|i| StatusListRef {
                uri: services::status_lists::uri(&app.config.public_url, i),
                href: format!("/status/{i}"),
            })
            .collect(),
    };
    let bytes = serde_json::to_vec(&body)
        .map_err(|_| HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal"))?;
    let etag = etag_of(&bytes);
    Ok(cacheable(&headers, bytes, &etag, "application/json", 60))
}

#[utoipa::path(get, path = "/status/{n}", tag = "credential", params(("n" = u64, Path, description = "The list's number")),
    responses((status = 200, content_type = "application/statuslist+cwt", description = "Token status list n, signed (draft-ietf-oauth-status-list, CWT form). A permit's entry flips when it is cancelled, superseded or lapses. Honours If-None-Match."),
              (status = 304, description = "Not modified"),
              (status = 404, body = crate::api::dto::ErrorOut)))]
async fn status_list(
    State(app): State<AppState>,
    Path(n): Path<String>,
    headers: HeaderMap,
) -> HttpResult<Response> {
    let not_found = || HttpError::new(StatusCode::NOT_FOUND, "status_list_not_found");
    if n.is_empty() || n.len() > 10 || !n.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not_found());
    }
    let n: u64 = n.parse().map_err(|_| not_found())?;
    let published = match services::status_lists::get(&app.ctx, n).await {
        Err(services::ServiceError::NotFound(_)) => return Err(not_found()),
        r => r?,
    };
    // Caches keep it a minute: a cancellation reaches them within that, while the list's own
    // time to live bounds how long an offline verifier relies on it.
    Ok(cacheable(
        &headers,
        published.bytes.clone(),
        &published.etag,
        credential::status::STATUS_LIST_TYP,
        60,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CardUnlockInput {
    /// The passport the holder showed in person; it must be the one on record.
    pub passport_number: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CardUnlockOut {
    pub person_id: uuid::Uuid,
    /// Failed real-name checks counted now: none, the holder may check again.
    pub failed_checks: i32,
}

#[utoipa::path(post, path = "/api/v1/people/{id}/card-unlock", tag = "card", params(("id" = uuid::Uuid, Path)),
    request_body = CardUnlockInput,
    responses((status = 200, body = CardUnlockOut, description = "The card locked by five failed real-name checks may be checked again"),
              (status = 403, body = crate::api::dto::ErrorOut), (status = 404, body = crate::api::dto::ErrorOut),
              (status = 409, body = crate::api::dto::ErrorOut, description = "The card is not locked"),
              (status = 422, body = crate::api::dto::ErrorOut, description = "Not the passport on record")))]
async fn card_unlock(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
    body: JsonBody<CardUnlockInput>,
) -> HttpResult<Json<CardUnlockOut>> {
    if !matches!(
        who.scope,
        domain::role::Scope::SocialSecurityOfficer { .. } | domain::role::Scope::Administrator
    ) {
        return Err(HttpError::new(
            StatusCode::FORBIDDEN,
            "social_security_officer_only",
        ));
    }
    let person = uuid::Uuid::parse_str(&id)
        .map_err(|_| HttpError::new(StatusCode::NOT_FOUND, "invalid_path"))?;
    let passport = domain::values::PassportNumber::parse(
        "passport_number",
        body.value.passport_number.as_deref().unwrap_or(""),
    )
    .map_err(|e| HttpError::invalid(e.into()))?;
    let reg =
        services::card::unlock(&app.ctx, &who, domain::ids::PersonId(person), &passport).await?;
    Ok(Json(CardUnlockOut {
        person_id: reg.person_id.0,
        failed_checks: reg.failed_checks,
    }))
}
