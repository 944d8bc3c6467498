//! Server-rendered pages in English and Chinese that work without JavaScript. Every form
//! carries the CSRF token that the `onecard_csrf` cookie also holds (double submit).

mod admin;
mod applications;
mod assessment;
mod card;
mod cases;
mod claims;
mod documents;
mod employees;
mod employer;
mod employer_one_stop;
mod holder;
mod immigration;
mod inbox;
mod insurance;
pub use inbox::parse_settings;
mod me;
mod officer;
mod pages;
mod profile;
mod records;
mod verifier;
mod view;
pub(crate) mod visas;

use crate::http::{
    AppState, CSRF_COOKIE, HttpError, HttpResult, LANG_COOKIE, MaybeAuth, cookie, set_cookie,
};
use crate::i18n::{Catalog, Locale};
use askama::Template;
use axum::Router;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use domain::role::Principal;
use serde::Deserialize;

/// The pages whose forms take a file, under the larger upload limit.
pub fn upload_router() -> Router<AppState> {
    verifier::router().merge(documents::upload_router())
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/style.css", get(style))
        .route("/lang", get(switch_language))
        .merge(pages::router())
}

async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/style.css"),
    )
}

/// The CSRF token of this visitor, set by [`ensure_csrf_cookie`].
#[derive(Clone)]
pub struct CsrfToken(pub String);

/// Gives every visitor of a page a CSRF cookie, so that forms, the sign-in form included, can
/// carry its value.
pub async fn ensure_csrf_cookie(
    State(app): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    // The API, and what verifiers and caches download, carry no cookie.
    let path = req.uri().path();
    if path.starts_with("/api/")
        || path.starts_with("/status/")
        || path.starts_with("/.well-known/")
    {
        return next.run(req).await;
    }
    let existing = cookie(req.headers(), CSRF_COOKIE).filter(|c| c.len() >= 32);
    let token = existing.clone().unwrap_or_else(crate::secrets::new_token);
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let mut res = next.run(req).await;
    if existing.is_none() {
        let value = set_cookie(&app.config, CSRF_COOKIE, &token, 7 * 24 * 3600, true);
        res.headers_mut()
            .append(header::SET_COOKIE, value.parse().expect("cookie header"));
    }
    res
}

/// Checks the token a form sent against the cookie.
pub fn check_csrf(headers: &HeaderMap, sent: Option<&str>) -> HttpResult<()> {
    let expected = cookie(headers, CSRF_COOKIE).unwrap_or_default();
    let sent = sent.unwrap_or("");
    if expected.is_empty()
        || !crate::secrets::constant_time_eq(sent.as_bytes(), expected.as_bytes())
    {
        return Err(HttpError::new(StatusCode::FORBIDDEN, "csrf_invalid"));
    }
    Ok(())
}

/// What every page's layout needs: language, the signed-in user, the CSRF token, where it is.
pub struct PageCtx<'a> {
    pub lang: Locale,
    pub catalog: &'a Catalog,
    pub user: Option<Principal>,
    pub csrf: String,
    /// The path of this page, for the language switch to come back to.
    pub path: String,
}

impl PageCtx<'_> {
    pub fn t(&self, key: &str) -> String {
        self.catalog.t(self.lang, key)
    }
    /// A message with one argument.
    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        self.catalog
            .get(self.lang, key, &[(name, value.to_string())])
    }
    /// A message with several arguments.
    pub fn tn(&self, key: &str, args: &[(&str, String)]) -> String {
        self.catalog.get(self.lang, key, args)
    }
    pub fn lang_tag(&self) -> &'static str {
        self.lang.tag()
    }
    pub fn other_lang(&self) -> &'static str {
        self.lang.other().code()
    }
    pub fn other_lang_name(&self) -> String {
        self.t(&format!("lang-name-{}", self.lang.other().code()))
    }
    pub fn switch_href(&self) -> String {
        format!(
            "/lang?to={}&back={}",
            self.lang.other().code(),
            urlencode(&self.path)
        )
    }
    pub fn user_name(&self) -> String {
        self.user
            .as_ref()
            .map(|u| u.display_name.clone())
            .unwrap_or_default()
    }
    pub fn user_role(&self) -> String {
        self.user
            .as_ref()
            .map(|u| self.t(&format!("role-{}", u.role().as_str().replace('_', "-"))))
            .unwrap_or_default()
    }
    pub fn signed_in(&self) -> bool {
        self.user.is_some()
    }
    /// A state, kind, role or status code as words, under `prefix` (`state`, `kind`…).
    pub fn word(&self, prefix: &str, code: &str) -> String {
        self.t(&format!("{prefix}-{}", code.replace('_', "-")))
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn page_ctx<'a>(
    app: &'a AppState,
    headers: &HeaderMap,
    user: Option<Principal>,
    csrf: &CsrfToken,
    path: &str,
) -> PageCtx<'a> {
    PageCtx {
        lang: crate::http::locale_of(headers),
        catalog: &app.catalog,
        user,
        csrf: csrf.0.clone(),
        path: path.to_string(),
    }
}

pub fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    page: PageCtx<'a>,
    status: u16,
    message: String,
}

/// An error as a page, for routes outside the API.
pub fn error_page(app: &AppState, lang: Locale, err: &HttpError) -> Response {
    if err.status == StatusCode::UNAUTHORIZED {
        return Redirect::to("/login").into_response();
    }
    let page = PageCtx {
        lang,
        catalog: &app.catalog,
        user: None,
        csrf: String::new(),
        path: "/".into(),
    };
    let message = err.message(&app.catalog, lang);
    let mut res = render(&ErrorPage {
        page,
        status: err.status.as_u16(),
        message,
    });
    *res.status_mut() = err.status;
    res
}

#[derive(Deserialize)]
struct LangQuery {
    to: Option<String>,
    back: Option<String>,
}

/// Switches the language and goes back to the page the switch was on.
async fn switch_language(
    State(app): State<AppState>,
    Query(q): Query<LangQuery>,
    _auth: MaybeAuth,
) -> Response {
    let lang =
        q.to.as_deref()
            .and_then(Locale::from_code)
            .unwrap_or(Locale::En);
    // Only paths of this site, never another origin.
    let back = q
        .back
        .filter(|b| b.starts_with('/') && !b.starts_with("//"))
        .unwrap_or_else(|| "/".into());
    let mut res = Redirect::to(&back).into_response();
    let c = set_cookie(
        &app.config,
        LANG_COOKIE,
        lang.code(),
        365 * 24 * 3600,
        false,
    );
    res.headers_mut()
        .append(header::SET_COOKIE, c.parse().expect("cookie header"));
    res
}
