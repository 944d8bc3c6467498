//! The JSON API under `/api/v1`. Handlers parse, call a service and map the result.

pub mod contributions;
pub mod credentials;
pub mod dto;
pub mod inbox;
pub mod notices;
pub mod one_stop;
pub mod uploads;
pub mod visas;

use crate::explain::{Explained, explain};
use crate::http::{
    AppState, Auth, ClientAddr, HttpError, HttpResult, JsonBody, Lang, Via, idempotency,
};
use crate::i18n::{Catalog, Locale};
use crate::input::*;
use crate::services::{self, Created};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::FieldError;
use domain::application::{ApplicationKind, State as AppStateKind};
use domain::ids::*;
use domain::numbers::PermitNumber;
use dto::*;
use serde::Deserialize;
use utoipa::OpenApi;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi_json))
        .route("/api/v1/session", post(sign_in).delete(sign_out))
        .route("/api/v1/me", get(me))
        .route("/api/v1/api-tokens", post(create_api_token))
        .route("/api/v1/accounts", get(list_accounts).post(create_account))
        .route("/api/v1/cities", get(list_cities))
        .route(
            "/api/v1/employers",
            get(list_employers).post(create_employer),
        )
        .route("/api/v1/employers/{id}", get(get_employer))
        .route("/api/v1/people", get(list_people).post(create_person))
        .route("/api/v1/people/{id}", get(get_person))
        .route(
            "/api/v1/applications",
            get(list_applications).post(create_application),
        )
        .route("/api/v1/applications/{id}", get(get_application))
        .route("/api/v1/applications/{id}/transitions", post(transition))
        .route("/api/v1/assessments", post(assess))
        .route("/api/v1/policies", get(list_policies).post(load_policy))
        .route("/api/v1/permits", get(list_permits))
        .route("/api/v1/permits/{number}", get(get_permit))
        .merge(credentials::router())
        .merge(one_stop::router())
        .merge(uploads::router())
        .merge(notices::router())
        .merge(inbox::router())
        .merge(contributions::router())
        .merge(visas::router())
}

fn path_id(s: &str) -> HttpResult<Uuid> {
    Uuid::parse_str(s).map_err(|_| HttpError::new(StatusCode::NOT_FOUND, "invalid_path"))
}

fn created<T: serde::Serialize>(c: Created<T>) -> Response {
    // A replay answers as the first call did.
    (StatusCode::CREATED, Json(c.into_inner())).into_response()
}

#[utoipa::path(get, path = "/api/openapi.json", tag = "meta", responses((status = 200, description = "This document")))]
async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = SignInInput,
    responses((status = 200, body = SessionOut, description = "Signed in; sets the session and CSRF cookies, and ends the session the request carried"),
              (status = 401, body = ErrorOut, description = "invalid_credentials"),
              (status = 429, body = ErrorOut, description = "sign_in_locked (after repeated failures) or too_many_attempts (from this address); Retry-After says when to try again")))]
async fn sign_in(
    State(app): State<AppState>,
    headers: HeaderMap,
    ClientAddr(address): ClientAddr,
    body: JsonBody<SignInInput>,
) -> HttpResult<Response> {
    let i = body.value;
    let previous = crate::http::cookie(&headers, crate::http::SESSION_COOKIE);
    let s = services::accounts::sign_in(
        &app.ctx,
        services::accounts::SignInAttempt {
            username: i.username.as_deref().unwrap_or(""),
            password: i.password.as_deref().unwrap_or(""),
            address,
            previous_session: previous.as_deref(),
        },
    )
    .await?;
    let csrf = crate::secrets::new_token();
    let ttl = app.config.session_ttl.as_secs() as i64;
    let mut res = Json(SessionOut {
        account: (&s.principal).into(),
        csrf_token: csrf.clone(),
    })
    .into_response();
    let h = res.headers_mut();
    h.append(
        header::SET_COOKIE,
        crate::http::set_cookie(
            &app.config,
            crate::http::SESSION_COOKIE,
            &s.token,
            ttl,
            true,
        )
        .parse()
        .expect("header"),
    );
    h.append(
        header::SET_COOKIE,
        crate::http::set_cookie(&app.config, crate::http::CSRF_COOKIE, &csrf, ttl, true)
            .parse()
            .expect("header"),
    );
    Ok(res)
}

#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses((status = 204, description = "Signed out")))]
async fn sign_out(
    State(app): State<AppState>,
    headers: HeaderMap,
    _auth: Auth,
) -> HttpResult<Response> {
    if let Some(token) = crate::http::cookie(&headers, crate::http::SESSION_COOKIE) {
        services::accounts::sign_out(&app.ctx, &token).await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        crate::http::set_cookie(&app.config, crate::http::SESSION_COOKIE, "", 0, true)
            .parse()
            .expect("header"),
    );
    Ok(res)
}

#[utoipa::path(get, path = "/api/v1/me", tag = "session", responses((status = 200, body = AccountOut), (status = 401, body = ErrorOut)))]
async fn me(Auth(who, _): Auth) -> Json<AccountOut> {
    Json((&who).into())
}

#[utoipa::path(post, path = "/api/v1/api-tokens", tag = "session", request_body = ApiTokenInput,
    responses((status = 201, body = ApiTokenOut), (status = 403, body = ErrorOut)))]
async fn create_api_token(
    State(app): State<AppState>,
    Auth(who, via): Auth,
    body: JsonBody<ApiTokenInput>,
) -> HttpResult<Response> {
    // A token makes tokens no more: only a person signed in may.
    if via != Via::Session {
        return Err(HttpError::new(StatusCode::FORBIDDEN, "role_not_allowed"));
    }
    let (record, token) = services::accounts::create_api_token(
        &app.ctx,
        &who,
        body.value.name.as_deref().unwrap_or(""),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(ApiTokenOut {
            name: record.name,
            token,
            created_at: record.created_at,
        }),
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts", responses((status = 200, body = [AccountOut]), (status = 403, body = ErrorOut)))]
async fn list_accounts(
    State(app): State<AppState>,
    Auth(who, _): Auth,
) -> HttpResult<Json<Vec<AccountOut>>> {
    Ok(Json(
        services::accounts::list(&app.ctx, &who)
            .await?
            .iter()
            .map(Into::into)
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = AccountInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry safely: a second call with the same key returns the first result")),
    responses((status = 201, body = AccountOut), (status = 403, body = ErrorOut), (status = 409, body = ErrorOut), (status = 422, body = ErrorOut)))]
async fn create_account(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    headers: HeaderMap,
    body: JsonBody<AccountInput>,
) -> HttpResult<Response> {
    if who.scope != domain::role::Scope::Administrator {
        return Err(HttpError::new(StatusCode::FORBIDDEN, "administrator_only"));
    }
    let idem = idempotency(&headers, &body.hash)?;
    let input = body.value.parse()?;
    let c = services::accounts::create(&app.ctx, &who, input, idem).await?;
    Ok(created(match c {
        Created::New(a) => Created::New(AccountOut::from(&a)),
        Created::Replayed(a) => Created::Replayed(AccountOut::from(&a)),
    }))
}

#[utoipa::path(get, path = "/api/v1/cities", tag = "reference", responses((status = 200, body = [CityOut])))]
async fn list_cities() -> Json<Vec<CityOut>> {
    Json(
        domain::city::City::all()
            .map(|c| CityOut {
                code: c.code().into(),
                name_en: c.info().name_en.into(),
                name_zh: c.info().name_zh.into(),
            })
            .collect(),
    )
}

#[utoipa::path(get, path = "/api/v1/employers", tag = "employers", responses((status = 200, body = [EmployerOut]), (status = 403, body = ErrorOut)))]
async fn list_employers(
    State(app): State<AppState>,
    Auth(who, _): Auth,
) -> HttpResult<Json<Vec<EmployerOut>>> {
    Ok(Json(
        services::employers::list(&app.ctx, &who)
            .await?
            .iter()
            .map(Into::into)
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/employers", tag = "employers", request_body = EmployerInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry safely")),
    responses((status = 201, body = EmployerOut), (status = 403, body = ErrorOut), (status = 409, body = ErrorOut), (status = 422, body = ErrorOut)))]
async fn create_employer(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    headers: HeaderMap,
    body: JsonBody<EmployerInput>,
) -> HttpResult<Response> {
    if who.scope != domain::role::Scope::Administrator {
        return Err(HttpError::new(StatusCode::FORBIDDEN, "administrator_only"));
    }
    let idem = idempotency(&headers, &body.hash)?;
    let c = services::employers::create(&app.ctx, &who, body.value.parse()?, idem).await?;
    Ok(created(match c {
        Created::New(e) => Created::New(EmployerOut::from(&e)),
        Created::Replayed(e) => Created::Replayed(EmployerOut::from(&e)),
    }))
}

#[utoipa::path(get, path = "/api/v1/employers/{id}", tag = "employers", params(("id" = Uuid, Path)),
    responses((status = 200, body = EmployerOut), (status = 404, body = ErrorOut)))]
async fn get_employer(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Json<EmployerOut>> {
    let e = services::employers::get(&app.ctx, &who, EmployerId(path_id(&id)?)).await?;
    Ok(Json((&e).into()))
}

#[utoipa::path(get, path = "/api/v1/people", tag = "people", responses((status = 200, body = [PersonOut]), (status = 403, body = ErrorOut)))]
async fn list_people(
    State(app): State<AppState>,
    Auth(who, _): Auth,
) -> HttpResult<Json<Vec<PersonOut>>> {
    Ok(Json(
        services::people::list(&app.ctx, &who)
            .await?
            .iter()
            .map(Into::into)
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/people", tag = "people", request_body = PersonInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry safely")),
    responses((status = 201, body = PersonOut), (status = 403, body = ErrorOut), (status = 409, body = ErrorOut), (status = 422, body = ErrorOut)))]
async fn create_person(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    headers: HeaderMap,
    body: JsonBody<PersonInput>,
) -> HttpResult<Response> {
    if who.scope.employer_id().is_none() {
        return Err(HttpError::new(StatusCode::FORBIDDEN, "employer_only"));
    }
    let idem = idempotency(&headers, &body.hash)?;
    let input = body.value.parse(app.ctx.clock.today())?;
    let c = services::people::create(&app.ctx, &who, input, idem).await?;
    Ok(created(match c {
        Created::New(p) => Created::New(PersonOut::from(&p)),
        Created::Replayed(p) => Created::Replayed(PersonOut::from(&p)),
    }))
}

#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "people", params(("id" = Uuid, Path)),
    responses((status = 200, body = PersonOut), (status = 404, body = ErrorOut)))]
async fn get_person(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Json<PersonOut>> {
    let p = services::people::get(&app.ctx, &who, PersonId(path_id(&id)?)).await?;
    Ok(Json((&p).into()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationsQuery {
    /// Officers: only what awaits the authority, oldest submission first.
    pub queue: Option<bool>,
    /// Only applications in this state.
    pub state: Option<String>,
    /// Only applications of this kind.
    pub kind: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/applications", tag = "applications", params(ApplicationsQuery),
    responses((status = 200, body = [ApplicationOut]), (status = 403, body = ErrorOut)))]
async fn list_applications(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Query(q): Query<ApplicationsQuery>,
) -> HttpResult<Json<Vec<ApplicationOut>>> {
    let mut query = services::applications::ListQuery {
        queue: q.queue.unwrap_or(false),
        ..Default::default()
    };
    if let Some(s) = q.state.as_deref().filter(|s| !s.is_empty()) {
        let state = AppStateKind::from_code(s).ok_or_else(|| {
            HttpError::field(
                StatusCode::BAD_REQUEST,
                FieldError::new("state", "invalid_type").with("detail", s),
            )
        })?;
        query.states = vec![state];
    }
    if let Some(k) = q.kind.as_deref().filter(|s| !s.is_empty()) {
        query.kind = Some(ApplicationKind::from_code(k).ok_or_else(|| {
            HttpError::field(
                StatusCode::BAD_REQUEST,
                FieldError::new("kind", "invalid_type").with("detail", k),
            )
        })?);
    }
    let apps = services::applications::list(&app.ctx, &who, &query).await?;
    let due = services::applications::due_dates(&app.ctx, &apps).await?;
    let today = app.ctx.clock.today();
    Ok(Json(
        apps.iter()
            .map(|a| ApplicationOut::from(a).with_due(due.get(&a.id).copied(), today))
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/applications", tag = "applications", request_body = ApplicationInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry safely: a second call with the same key returns the first result and creates nothing")),
    responses((status = 201, body = ApplicationOut), (status = 403, body = ErrorOut), (status = 422, body = ErrorOut)))]
async fn create_application(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    headers: HeaderMap,
    body: JsonBody<ApplicationInput>,
) -> HttpResult<Response> {
    if who.scope.employer_id().is_none() {
        return Err(HttpError::new(StatusCode::FORBIDDEN, "employer_only"));
    }
    let idem = idempotency(&headers, &body.hash)?;
    let c = services::applications::create(&app.ctx, &who, body.value.parse()?, idem).await?;
    Ok(created(match c {
        Created::New(a) => Created::New(ApplicationOut::from(&a)),
        Created::Replayed(a) => Created::Replayed(ApplicationOut::from(&a)),
    }))
}

pub fn detail_out(
    v: &services::applications::ApplicationView,
    today: chrono::NaiveDate,
    catalog: &Catalog,
    locale: Locale,
) -> ApplicationDetailOut {
    let due = services::applications::due(&v.application, v.assessment.as_ref());
    ApplicationDetailOut {
        assessment: v.assessment.as_ref().map(|r| ApplicationAssessmentOut {
            policy_version: r.policy_version.clone(),
            pre_review_due: r.pre_review_due,
            decision_due: r.decision_due,
            due,
            overdue: due.is_some_and(|d| d < today),
            result: r.result.as_ref().map(|a| explain(catalog, locale, a)),
        }),
        application: (&v.application).into(),
        person: (&v.person).into(),
        employer: (&v.employer).into(),
        timeline: v.events.iter().map(Into::into).collect(),
        permit: v.permit.iter().map(|p| PermitOut::new(p, today)).collect(),
        actions: v.actions.iter().map(|a| a.as_str().to_string()).collect(),
        register_checks: crate::explain::checks(catalog, locale, &v.register_checks),
    }
}

#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "applications", params(("id" = Uuid, Path)),
    responses((status = 200, body = ApplicationDetailOut), (status = 404, body = ErrorOut)))]
async fn get_application(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Lang(lang): Lang,
    Path(id): Path<String>,
) -> HttpResult<Json<ApplicationDetailOut>> {
    let v = services::applications::get(&app.ctx, &who, ApplicationId(path_id(&id)?)).await?;
    Ok(Json(detail_out(
        &v,
        app.ctx.clock.today(),
        &app.catalog,
        lang,
    )))
}

#[utoipa::path(post, path = "/api/v1/applications/{id}/transitions", tag = "applications", params(("id" = Uuid, Path)),
    request_body = TransitionInput,
    responses((status = 200, body = ApplicationOut), (status = 403, body = ErrorOut), (status = 404, body = ErrorOut),
              (status = 409, body = ErrorOut, description = "Not possible in the current state, or the application changed since `version`"),
              (status = 422, body = ErrorOut)))]
async fn transition(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
    body: JsonBody<TransitionInput>,
) -> HttpResult<Json<ApplicationOut>> {
    let id = ApplicationId(path_id(&id)?);
    let (action, version) = body.value.parse()?;
    let a = services::applications::transition(&app.ctx, &who, id, action, version).await?;
    Ok(Json((&a).into()))
}

#[utoipa::path(post, path = "/api/v1/assessments", tag = "classification", request_body = AssessmentInput,
    responses((status = 200, body = Explained, description = "The category, the points per factor, eligibility, the documents to submit and the deadlines, under the policy in force today; explained in the caller's language. No sign-in needed."),
              (status = 422, body = ErrorOut)))]
async fn assess(
    State(app): State<AppState>,
    Lang(lang): Lang,
    body: JsonBody<AssessmentInput>,
) -> HttpResult<Json<Explained>> {
    let facts = body.value.parse(app.ctx.clock.today())?;
    let a = services::policies::assess(&app.ctx, &facts).await?;
    Ok(Json(explain(&app.catalog, lang, &a)))
}

#[utoipa::path(get, path = "/api/v1/policies", tag = "classification",
    responses((status = 200, body = [PolicyOut], description = "Every policy version, oldest effective date first")))]
async fn list_policies(State(app): State<AppState>) -> HttpResult<Json<Vec<PolicyOut>>> {
    Ok(Json(
        services::policies::list(&app.ctx)
            .await?
            .into_iter()
            .map(|v| PolicyOut {
                version: v.version,
                effective_from: v.effective_from,
                in_force: v.in_force,
            })
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/policies", tag = "classification", request_body = PolicyInput,
    responses((status = 201, body = PolicyOut, description = "Loaded; in force from its effective date"),
              (status = 403, body = ErrorOut), (status = 409, body = ErrorOut),
              (status = 422, body = ErrorOut, description = "The file is not a valid policy: the message names the line and the reason")))]
async fn load_policy(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    body: JsonBody<PolicyInput>,
) -> HttpResult<Response> {
    let input = body.value.parse()?;
    let p = services::policies::load(&app.ctx, &who, &input.file_name, &input.source).await?;
    let today = app.ctx.clock.today();
    let in_force = app.ctx.policies.in_force(&*app.ctx.store, today).await?;
    Ok((
        StatusCode::CREATED,
        Json(PolicyOut {
            version: p.version().to_string(),
            effective_from: p.effective_from(),
            in_force: in_force.version() == p.version(),
        }),
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/permits", tag = "permits", responses((status = 200, body = [PermitOut]), (status = 403, body = ErrorOut)))]
async fn list_permits(
    State(app): State<AppState>,
    Auth(who, _): Auth,
) -> HttpResult<Json<Vec<PermitOut>>> {
    let today = app.ctx.clock.today();
    Ok(Json(
        services::permits::list(&app.ctx, &who)
            .await?
            .iter()
            .map(|p| PermitOut::new(p, today))
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/permits/{number}", tag = "permits", params(("number" = String, Path)),
    responses((status = 200, body = [PermitOut], description = "Every revision, oldest first"), (status = 404, body = ErrorOut)))]
async fn get_permit(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(number): Path<String>,
) -> HttpResult<Json<Vec<PermitOut>>> {
    let number = PermitNumber::parse("number", &number)
        .map_err(|e| HttpError::field(StatusCode::NOT_FOUND, e))?;
    let today = app.ctx.clock.today();
    Ok(Json(
        services::permits::get(&app.ctx, &who, &number)
            .await?
            .iter()
            .map(|p| PermitOut::new(p, today))
            .collect(),
    ))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "OneCard API", description = "Digital work permits: applications, decisions and permits. Errors have the shape {code, message, field?}; messages follow Accept-Language (en, zh-CN)."),
    paths(openapi_json, sign_in, sign_out, me, create_api_token, list_accounts, create_account, list_cities,
          list_employers, create_employer, get_employer, list_people, create_person, get_person,
          list_applications, create_application, get_application, transition, assess, list_policies,
          load_policy, list_permits, get_permit, credentials::verify, credentials::card_qr, credentials::card_unlock,
          credentials::key_set, credentials::status_index, credentials::status_list,
          one_stop::list_residence, one_stop::apply_residence, one_stop::get_residence,
          one_stop::residence_step, one_stop::list_residence_permits, one_stop::get_residence_permit,
          one_stop::review_residence_permit, one_stop::file_residence_permit,
          one_stop::collect_residence_permit, one_stop::list_offices, one_stop::create_office, one_stop::office_slots,
          one_stop::office_appointments, one_stop::my_appointments, one_stop::book,
          one_stop::reschedule, one_stop::cancel_appointment, one_stop::list_insurances,
          one_stop::request_insurance, one_stop::get_insurance, one_stop::decide_insurance,
          one_stop::card_step, one_stop::replace_card,
          uploads::upload, uploads::list, uploads::content, uploads::decide,
          notices::list, notices::download, notices::verify_notice,
          inbox::list_inbox, inbox::read_notice, inbox::put_settings,
          contributions::declare, contributions::statement, contributions::statement_pdf,
          contributions::benefits, contributions::list_claims, contributions::create_claim,
          contributions::get_claim, contributions::claim_step, contributions::records,
          contributions::deadlines, contributions::deadlines_csv,
          visas::record, visas::list),

    components(schemas(ErrorOut)),
    modifiers(&Security),
)]
pub struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "api_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        c.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::http::SESSION_COOKIE,
            ))),
        );
    }
}
