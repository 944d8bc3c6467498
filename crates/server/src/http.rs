//! What every route shares: the application state, the error a handler returns and how it is
//! rendered in the caller's language, the JSON body extractor, and who is asking.

use crate::config::Config;
use crate::i18n::{Catalog, Locale};
use crate::services::{self, Ctx, Idempotency, ServiceError};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::application::State as AppState_;
use domain::role::Principal;
use domain::{FieldError, Invalid};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub ctx: Ctx,
    pub config: Arc<Config>,
    pub catalog: Arc<Catalog>,
    /// Reading a QR code from a photo takes up to a core for a second: one at a time, so that
    /// the public verifier page cannot crowd out everything else.
    pub scans: Arc<tokio::sync::Semaphore>,
}

pub const SESSION_COOKIE: &str = "onecard_session";
pub const CSRF_COOKIE: &str = "onecard_csrf";
pub const LANG_COOKIE: &str = "lang";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Every code a client may see, for the test that each has a message in both languages.
pub const ERROR_CODES: &[&str] = &[
    "official_notice_not_found",
    "month_in_future",
    "person_not_employee",
    "person_not_insured",
    "no_contribution_rule",
    "declaration_raced",
    "benefit_unknown",
    "claim_open",
    "claim_step_not_open",
    "claim_condition_unmet",
    "claim_document_value",
    "claim_action_value",
    "claim_not_found",
    "benefit_withdrawn",
    "insurance_closed",
    "base_below_floor",
    "base_above_ceiling",
    "month_before_insurance_start",
    "month_format",
    "month_invalid",
    "base_zero",
    "valid_permit_remains",
    "permit_category_not_listed",
    "permit_city_not_listed",
    "insured_city_not_listed",
    "contribution_months_short",
    "leaving_china_not_declared",
    "not_insured",
    "document_missing",
    "amount_zero",
    "upload_not_found",
    "upload_decided",
    "application_decided",
    "document_kind_value",
    "file_store_unavailable",
    "file_empty",
    "file_too_large",
    "upload_total_too_large",
    "file_type_unsupported",
    "file_type_mismatch",
    "file_polyglot",
    "file_name_invalid",
    "pdf_invalid",
    "pdf_encrypted",
    "pdf_bomb",
    "image_invalid",
    "photo_too_small",
    "photo_aspect",
    "photo_too_old",
    "document_too_old",
    "document_date_required",
    "passport_not_on_record",
    "card_not_locked",
    "time_format",
    "weekday_value",
    "residence_too_short",
    "residence_too_long",
    "passport_not_inspected",
    "role_at_employer_value",
    "filing_kind_value",
    "residence_permit_number_format",
    "one_stop_new_only",
    "one_stop_needs_submit",
    "out_of_range",
    "card_code_not_valid",
    "one_of_permit_or_code",
    "slot_in_past",
    "slot_too_far",
    "office_closed",
    "not_a_slot",
    "slot_format",
    "slot_full",
    "closes_before_opens",
    "nothing_to_inspect",
    "nothing_to_collect",
    "office_other_city",
    "purpose_value",
    "card_state_value",
    "card_step_not_allowed",
    "card_not_replaceable",
    "decision_value",
    "residence_permit_not_valid",
    "residence_application_open",
    "appointment_exists",
    "appointment_not_booked",
    "insurance_exists",
    "already_collected",
    "residence_permit_not_under_review",
    "immigration_officer_only",
    "social_security_officer_only",
    "case_step_not_open",
    "case_changed",
    "insurance_not_registered",
    "scanner_busy",
    "holder_not_matched",
    "already_registered",
    "real_name_mismatch",
    "real_name_locked",
    "real_name_check_required",
    "holder_only",
    "physical_card",
    "already_electronic",
    "issuer_not_configured",
    "profile_value",
    "status_list_not_found",
    "verify_nothing",
    "unsupported_image",
    "image_unreadable",
    "image_too_large",
    "no_qr_found",
    "form_unreadable",
    "required",
    "too_short",
    "too_long",
    "control_characters",
    "passport_number_format",
    "name_characters",
    "nationality_format",
    "nationality_unknown",
    "sex_value",
    "email_format",
    "phone_format",
    "money_format",
    "money_too_large",
    "date_format",
    "date_invalid",
    "birth_date_range",
    "city_code_format",
    "city_unknown",
    "receipt_number_format",
    "permit_number_format",
    "social_security_number_format",
    "check_character",
    "uscc_format",
    "employer_kind_value",
    "role_value",
    "category_value",
    "date_in_past",
    "valid_to_before_from",
    "validity_too_long",
    "contract_end_before_start",
    "permit_not_found",
    "permit_not_valid",
    "extension_window",
    "contract_end_not_after_permit",
    "date_in_future",
    "reporting_deadline_passed",
    "items_required",
    "too_many_items",
    "grant_not_allowed",
    "grant_mismatch",
    "employer_unknown",
    "person_unknown",
    "username_format",
    "password_length",
    "password_classes",
    "change_employer_same",
    "beyond_contract",
    "permit_serials_exhausted",
    "unauthenticated",
    "invalid_credentials",
    "sign_in_locked",
    "too_many_attempts",
    "administrator_only",
    "employer_only",
    "role_not_allowed",
    "action_not_allowed_for_role",
    "application_not_found",
    "person_not_found",
    "employer_not_found",
    "account_not_found",
    "route_not_found",
    "illegal_transition",
    "version_conflict",
    "uscc_taken",
    "username_taken",
    "person_exists",
    "idempotency_key_reused",
    "idempotency_key_format",
    "malformed_json",
    "unknown_field",
    "invalid_type",
    "unsupported_media_type",
    "payload_too_large",
    "csrf_invalid",
    "internal",
    "id_format",
    "validation_failed",
    "method_not_allowed",
    "invalid_path",
    "unknown_action",
    "service_unavailable",
    "override_reason_required",
    "profile_new_only",
    "flag_format",
    "number_format",
    "education_value",
    "years_range",
    "months_per_year_range",
    "hsk_level_range",
    "percent_range",
    "count_range",
    "usd_amount_range",
    "age_below_minimum",
    "period_end_before_start",
    "policy_invalid",
    "policy_version_taken",
    "c_quota_exhausted",
    "notice_not_found",
    "webhook_url_format",
    "webhook_https_unsupported",
    "webhook_secret_unavailable",
    "topic_format",
    "site_path_format",
    // The one-stop service: residence permits, appointments, social insurance.
    "residence_application_not_found",
    "residence_permit_not_found",
    "office_not_found",
    "appointment_not_found",
    "insurance_not_found",
    // Visas.
    "visa_number_format",
    "visa_category_value",
    "visa_entries_value",
    "visa_stay_days_range",
    "visa_issued_in_future",
    "visa_valid_until_before_issue",
    "visa_validity_too_long",
    "visa_duplicate",
];

/// An error on its way to the client. It is put on the response as an extension and rendered
/// by [`render_errors`], which knows the caller's language.
#[derive(Debug, Clone)]
pub struct HttpError {
    pub status: StatusCode,
    pub code: &'static str,
    pub field: Option<String>,
    pub params: Vec<(&'static str, String)>,
    /// Every field error, when there are several.
    pub errors: Vec<FieldError>,
    /// For refused transitions: where the application stands now.
    pub state: Option<AppState_>,
    pub version: Option<i64>,
    /// Seconds to wait before trying again: sent as `Retry-After`, and in the JSON body.
    pub retry_after: Option<u32>,
}

impl HttpError {
    pub fn new(status: StatusCode, code: &'static str) -> Self {
        HttpError {
            status,
            code,
            field: None,
            params: Vec::new(),
            errors: Vec::new(),
            state: None,
            version: None,
            retry_after: None,
        }
    }

    pub fn field(status: StatusCode, e: FieldError) -> Self {
        HttpError {
            code: e.code,
            field: Some(e.field.clone()),
            params: e.params.clone(),
            errors: vec![e],
            ..HttpError::new(status, "")
        }
    }

    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.params.push((name, value.to_string()));
        self
    }

    pub fn invalid(i: Invalid) -> Self {
        match i.0.first().cloned() {
            Some(first) => HttpError {
                errors: i.0,
                ..HttpError::field(StatusCode::UNPROCESSABLE_ENTITY, first)
            },
            None => HttpError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        }
    }

    /// The message in `locale`, naming the field where there is one.
    pub fn message(&self, catalog: &Catalog, locale: Locale) -> String {
        let mut params = self.params.clone();
        for (name, value) in params.iter_mut() {
            if *name == "case_state" {
                *value = catalog.t(locale, &format!("case-state-{}", value.replace('_', "-")));
            }
        }
        if let Some(s) = self.state {
            params.push((
                "state",
                catalog.t(locale, &format!("state-{}", s.as_str().replace('_', "-"))),
            ));
        }
        if let Some(v) = self.version {
            params.push(("version", v.to_string()));
        }
        match &self.field {
            Some(f) => catalog.field_error(
                locale,
                &FieldError {
                    field: f.clone(),
                    code: self.code,
                    params,
                },
            ),
            None => catalog.get(
                locale,
                &format!("error-{}", self.code.replace('_', "-")),
                &params,
            ),
        }
    }

    pub fn body(&self, catalog: &Catalog, locale: Locale) -> serde_json::Value {
        let mut body =
            serde_json::json!({ "code": self.code, "message": self.message(catalog, locale) });
        if let Some(f) = &self.field {
            body["field"] = f.clone().into();
        }
        if self.errors.len() > 1 {
            body["errors"] = self
                .errors
                .iter()
                .map(|e| serde_json::json!({ "code": e.code, "field": e.field, "message": catalog.field_error(locale, e) }))
                .collect();
        }
        if let Some(s) = self.state {
            body["state"] = s.as_str().into();
        }
        if let Some(v) = self.version {
            body["version"] = v.into();
        }
        if let Some(s) = self.retry_after {
            body["retry_after"] = s.into();
        }
        body
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let mut res = self.status.into_response();
        res.extensions_mut().insert(self);
        res
    }
}

impl From<ServiceError> for HttpError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid(i) => HttpError::invalid(i),
            ServiceError::Unauthenticated => {
                HttpError::new(StatusCode::UNAUTHORIZED, "invalid_credentials")
            }
            ServiceError::SignInLocked { until, retry_after } => HttpError {
                retry_after: Some(retry_after),
                ..HttpError::new(StatusCode::TOO_MANY_REQUESTS, "sign_in_locked")
                    .with("until", crate::clock::china_time(until))
            },
            ServiceError::TooManyAttempts { retry_after } => HttpError {
                retry_after: Some(retry_after),
                ..HttpError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
                    .with("seconds", retry_after)
            },
            ServiceError::Forbidden(code) => HttpError::new(StatusCode::FORBIDDEN, code),
            ServiceError::NotFound(what) => HttpError::new(
                StatusCode::NOT_FOUND,
                match what {
                    "application" => "application_not_found",
                    "person" => "person_not_found",
                    "employer" => "employer_not_found",
                    "permit" => "permit_not_found",
                    "account" => "account_not_found",
                    "residence_application" => "residence_application_not_found",
                    "residence_permit" => "residence_permit_not_found",
                    "office" => "office_not_found",
                    "appointment" => "appointment_not_found",
                    "insurance" => "insurance_not_found",
                    "upload" => "upload_not_found",
                    "notice" => "notice_not_found",
                    "official_notice" => "official_notice_not_found",
                    "claim" => "claim_not_found",
                    _ => "route_not_found",
                },
            ),
            ServiceError::IllegalTransition { state, version, .. } => HttpError {
                state: Some(state),
                version: Some(version),
                ..HttpError::new(StatusCode::CONFLICT, "illegal_transition")
            },
            ServiceError::VersionConflict { state, version } => HttpError {
                state: Some(state),
                version: Some(version),
                ..HttpError::new(StatusCode::CONFLICT, "version_conflict")
            },
            ServiceError::CaseConflict {
                code,
                state,
                version,
            } => HttpError {
                version: Some(version),
                ..HttpError::new(StatusCode::CONFLICT, code).with("case_state", state)
            },
            ServiceError::Conflict(code) => HttpError::new(StatusCode::CONFLICT, code),
            ServiceError::Unavailable(code) => {
                HttpError::new(StatusCode::SERVICE_UNAVAILABLE, code)
            }
            ServiceError::IdempotencyKeyReused => {
                HttpError::new(StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused")
            }
            ServiceError::Store(e) => {
                tracing::error!(error = %e, "store error");
                HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
            ServiceError::Internal(what) => {
                tracing::error!(what, "internal error");
                HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        }
    }
}

impl From<Invalid> for HttpError {
    fn from(i: Invalid) -> Self {
        HttpError::invalid(i)
    }
}

impl From<FieldError> for HttpError {
    fn from(e: FieldError) -> Self {
        HttpError::field(StatusCode::UNPROCESSABLE_ENTITY, e)
    }
}

pub type HttpResult<T> = Result<T, HttpError>;

/// The value of cookie `name`, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn locale_of(headers: &HeaderMap) -> Locale {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Locale::negotiate(cookie(headers, LANG_COOKIE).as_deref(), accept)
}

/// The caller's language.
pub struct Lang(pub Locale);

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang(locale_of(&parts.headers)))
    }
}

/// Renders the errors handlers returned: JSON under `/api`, a page elsewhere.
pub async fn render_errors(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let locale = locale_of(req.headers());
    let is_api = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    let mut err = match res.extensions_mut().remove::<HttpError>() {
        Some(err) => err,
        // The body limit answers by itself, before any handler runs.
        None if res.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            HttpError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
        }
        None => return res,
    };
    if err.code == "payload_too_large" {
        err.params = vec![("max", app.config.max_body_bytes.to_string())];
    }
    let mut out = if is_api {
        let mut out = (err.status, axum::Json(err.body(&app.catalog, locale))).into_response();
        // Keep what the handler set (cookies), not a body description of its own.
        out.headers_mut().extend(
            res.headers()
                .clone()
                .into_iter()
                .filter_map(|(k, v)| k.map(|k| (k, v)))
                .filter(|(k, _)| k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH),
        );
        out
    } else {
        crate::web::error_page(&app, locale, &err)
    };
    if let Some(s) = err.retry_after {
        out.headers_mut().insert(header::RETRY_AFTER, s.into());
    }
    out
}

/// A JSON request body: `application/json`, within the size limit, no unknown fields; errors
/// name the field. Keeps the hash of the raw body for idempotency.
pub struct JsonBody<T> {
    pub value: T,
    pub hash: Vec<u8>,
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, HttpError> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| {
                ct.split(';')
                    .next()
                    .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        if !json {
            return Err(HttpError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            ));
        }
        let (method, path) = (req.method().clone(), req.uri().path().to_string());
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                // The limit itself is filled in by `render_errors`, which knows it.
                HttpError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
            } else {
                HttpError::new(StatusCode::BAD_REQUEST, "malformed_json")
                    .with("detail", r.body_text())
            }
        })?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut de).map_err(json_error)?;
        de.end().map_err(|e| {
            HttpError::new(StatusCode::BAD_REQUEST, "malformed_json").with("detail", e)
        })?;
        let mut h = Sha256::new();
        h.update(method.as_str());
        h.update(b" ");
        h.update(path.as_bytes());
        h.update(b"\n");
        h.update(&bytes);
        Ok(JsonBody {
            value,
            hash: h.finalize().to_vec(),
        })
    }
}

fn json_error(e: serde_path_to_error::Error<serde_json::Error>) -> HttpError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    let detail = inner.to_string();
    match inner.classify() {
        serde_json::error::Category::Data => {
            if let Some(rest) = detail.strip_prefix("unknown field `") {
                let name = rest.split('`').next().unwrap_or("");
                // The path already ends in the unknown field's name.
                let field = if path == "." || path.is_empty() {
                    name.to_string()
                } else {
                    path
                };
                HttpError::field(
                    StatusCode::BAD_REQUEST,
                    FieldError::new(field, "unknown_field"),
                )
            } else {
                let field = if path == "." { String::new() } else { path };
                let detail = detail
                    .split(" at line")
                    .next()
                    .unwrap_or(&detail)
                    .to_string();
                HttpError::field(
                    StatusCode::BAD_REQUEST,
                    FieldError::new(field, "invalid_type").with("detail", detail),
                )
            }
        }
        _ => HttpError::new(StatusCode::BAD_REQUEST, "malformed_json").with("detail", detail),
    }
}

/// The `Idempotency-Key` header with the request's hash, if the header was sent.
pub fn idempotency(headers: &HeaderMap, request_hash: &[u8]) -> HttpResult<Option<Idempotency>> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = v.to_str().ok().filter(|k| {
        !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| (0x21..0x7f).contains(&b))
    });
    match key {
        Some(k) => Ok(Some(Idempotency {
            key: k.to_string(),
            request_hash: request_hash.to_vec(),
        })),
        None => Err(HttpError::field(
            StatusCode::BAD_REQUEST,
            FieldError::new("idempotency_key", "idempotency_key_format"),
        )),
    }
}

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Session,
    ApiToken,
}

/// The signed-in caller. Rejects with 401 if there is none; a cookie-authenticated change
/// through the API must also echo the CSRF cookie in `X-CSRF-Token`.
pub struct Auth(pub Principal, pub Via);

impl FromRequestParts<AppState> for Auth {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, HttpError> {
        let unauthenticated = || HttpError::new(StatusCode::UNAUTHORIZED, "unauthenticated");
        if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
            let token = auth
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or_else(unauthenticated)?;
            let p = services::accounts::api_token_principal(&app.ctx, token.trim())
                .await?
                .ok_or_else(unauthenticated)?;
            return Ok(Auth(p, Via::ApiToken));
        }
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(unauthenticated)?;
        let p = services::accounts::session_principal(&app.ctx, &token)
            .await?
            .ok_or_else(unauthenticated)?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe && parts.uri.path().starts_with("/api/") {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let expected = cookie(&parts.headers, CSRF_COOKIE).unwrap_or_default();
            if expected.is_empty()
                || !crate::secrets::constant_time_eq(sent.as_bytes(), expected.as_bytes())
            {
                return Err(HttpError::new(StatusCode::FORBIDDEN, "csrf_invalid"));
            }
        }
        Ok(Auth(p, Via::Session))
    }
}

/// The signed-in caller of a page, if any.
pub struct MaybeAuth(pub Option<Principal>);

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, HttpError> {
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Ok(MaybeAuth(None));
        };
        Ok(MaybeAuth(
            services::accounts::session_principal(&app.ctx, &token).await?,
        ))
    }
}

/// The client's address: the peer's, or, with `trusted_proxies` set, the entry of
/// `X-Forwarded-For` that the outermost trusted proxy wrote (see [`client_address`]). `None`
/// where the server was not given peer addresses (a router served without connection info).
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientAddr(client_address(
            peer,
            &parts.headers,
            app.config.trusted_proxies,
        )))
    }
}

/// The client's address behind `trusted_proxies` reverse proxies. Each proxy appends the
/// address it was reached from to `X-Forwarded-For`, so the entry that many from the end is
/// the one the outermost proxy saw; entries before it are whatever the client sent, and are
/// never used. Without proxies, or without such an entry, the peer.
pub fn client_address(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted_proxies: usize,
) -> Option<IpAddr> {
    if trusted_proxies == 0 {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    hops.len()
        .checked_sub(trusted_proxies)
        .and_then(|i| hops.get(i))
        .and_then(|h| h.parse::<IpAddr>().ok())
        .or(peer)
}

/// A `Set-Cookie` value with the attributes every cookie of ours carries.
pub fn set_cookie(
    config: &Config,
    name: &str,
    value: &str,
    max_age_secs: i64,
    http_only: bool,
) -> String {
    let mut c = format!("{name}={value}; Path=/; SameSite=Lax; Max-Age={max_age_secs}");
    if http_only {
        c.push_str("; HttpOnly");
    }
    if config.cookies_secure() {
        c.push_str("; Secure");
    }
    c
}

#[cfg(test)]
mod tests {
    use super::client_address;
    use axum::http::HeaderMap;
    use std::net::IpAddr;

    #[test]
    fn client_addresses() {
        let peer: IpAddr = "10.0.0.2".parse().unwrap();
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        let mut h = HeaderMap::new();
        h.append(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.7".parse().unwrap(),
        );
        h.append("x-forwarded-for", "192.0.2.44".parse().unwrap());
        // No proxy trusted: the header is the client's to write, and ignored.
        assert_eq!(client_address(Some(peer), &h, 0), Some(peer));
        // One proxy: the entry it appended, the last.
        assert_eq!(client_address(Some(peer), &h, 1), ip("192.0.2.44"));
        assert_eq!(client_address(Some(peer), &h, 2), ip("198.51.100.7"));
        // More proxies than entries, or an entry that is no address: the peer.
        assert_eq!(client_address(Some(peer), &h, 4), Some(peer));
        let mut bad = HeaderMap::new();
        bad.append("x-forwarded-for", "unknown".parse().unwrap());
        assert_eq!(client_address(Some(peer), &bad, 1), Some(peer));
        assert_eq!(client_address(None, &HeaderMap::new(), 1), None);
    }
}
