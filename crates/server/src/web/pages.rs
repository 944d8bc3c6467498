//! The pages: sign-in, and each role's home.

use super::{CsrfToken, PageCtx, check_csrf, page_ctx, render};
use crate::http::{
    AppState, ClientAddr, HttpError, HttpResult, MaybeAuth, SESSION_COOKIE, cookie, set_cookie,
};
use crate::services::{self, ServiceError};
use askama::Template;
use axum::Router;
use axum::extract::{Extension, Form, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::role::{Principal, Role};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .merge(super::employer::router())
        .merge(super::officer::router())
        .merge(super::applications::router())
        .merge(super::me::router())
        .merge(super::admin::router())
        .merge(super::assessment::router())
        .merge(super::card::router())
        .merge(super::inbox::router())
        .merge(super::immigration::router())
        .merge(super::insurance::router())
        .merge(super::holder::router())
        .merge(super::employer_one_stop::router())
        .merge(super::documents::router())
        .merge(super::records::router())
        .merge(super::claims::router())
        .merge(super::employees::router())
        .merge(super::visas::router())
}

/// Where each role starts.
pub fn home_of(p: &Principal) -> &'static str {
    match p.role() {
        Role::EmployerHr => "/employer",
        Role::LabourOfficer => "/officer",
        Role::Applicant => "/me",
        Role::Administrator => "/admin",
        Role::ImmigrationOfficer => "/immigration",
        Role::SocialSecurityOfficer => "/insurance",
    }
}

async fn home(MaybeAuth(user): MaybeAuth) -> Redirect {
    match user {
        Some(p) => Redirect::to(home_of(&p)),
        None => Redirect::to("/login"),
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    page: PageCtx<'a>,
    username: String,
    error: Option<String>,
}

async fn login_page(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
) -> Response {
    if let Some(p) = user {
        return Redirect::to(home_of(&p)).into_response();
    }
    render(&LoginPage {
        page: page_ctx(&app, &headers, None, &csrf, "/login"),
        username: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
struct LoginForm {
    csrf: Option<String>,
    username: Option<String>,
    password: Option<String>,
}

async fn login(
    State(app): State<AppState>,
    headers: HeaderMap,
    ClientAddr(address): ClientAddr,
    Extension(csrf): Extension<CsrfToken>,
    Form(f): Form<LoginForm>,
) -> HttpResult<Response> {
    check_csrf(&headers, f.csrf.as_deref())?;
    let username = f.username.unwrap_or_default();
    let previous = cookie(&headers, SESSION_COOKIE);
    let attempt = services::accounts::SignInAttempt {
        username: &username,
        password: f.password.as_deref().unwrap_or(""),
        address,
        previous_session: previous.as_deref(),
    };
    match services::accounts::sign_in(&app.ctx, attempt).await {
        Ok(s) => {
            let mut res = Redirect::to(home_of(&s.principal)).into_response();
            let c = set_cookie(
                &app.config,
                SESSION_COOKIE,
                &s.token,
                app.config.session_ttl.as_secs() as i64,
                true,
            );
            res.headers_mut()
                .append(header::SET_COOKIE, c.parse().expect("cookie header"));
            Ok(res)
        }
        // Refusals are told on the form, in the viewer's language.
        Err(
            e @ (ServiceError::Unauthenticated
            | ServiceError::SignInLocked { .. }
            | ServiceError::TooManyAttempts { .. }),
        ) => {
            let err = HttpError::from(e);
            let page = page_ctx(&app, &headers, None, &csrf, "/login");
            let error = Some(err.message(&app.catalog, page.lang));
            let mut res = render(&LoginPage {
                page,
                username,
                error,
            });
            *res.status_mut() = err.status;
            if let Some(s) = err.retry_after {
                res.headers_mut().insert(header::RETRY_AFTER, s.into());
            }
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: Option<String>,
}

async fn logout(
    State(app): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> HttpResult<Response> {
    check_csrf(&headers, f.csrf.as_deref())?;
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        services::accounts::sign_out(&app.ctx, &token).await?;
    }
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&app.config, SESSION_COOKIE, "", 0, true)
            .parse()
            .expect("cookie header"),
    );
    Ok(res)
}
