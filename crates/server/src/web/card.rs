//! The holder's electronic social security card (e-SSC) as pages for a phone's screen:
//! registration, the real-name check, and the wallet with the card, its refreshing QR code,
//! the permit's details (numbers masked until shown), messages, and the upgrade of a physical
//! card. Works without JavaScript (the page reloads before the code expires); `card.js` swaps in
//! a new code instead and counts down.

use super::view::{
    Badge, ErrorItem, Field, Page, apply_errors, date, form_outcome, form_status, permit_badge,
    require, time,
};
use super::{CsrfToken, PageCtx, check_csrf, page_ctx, render};
use crate::api::credentials::parse_profile;
use crate::http::{AppState, HttpError, MaybeAuth, SESSION_COOKIE, set_cookie};
use crate::services::{self, card::Registration};
use askama::Template;
use axum::Router;
use axum::extract::{Extension, Form, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use credential::Profile;
use domain::permit::Medium;
use domain::role::Role;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/card", get(wallet))
        .route("/card/register", get(register_form).post(register))
        .route("/card/real-name", post(real_name))
        .route("/card/upgrade", post(upgrade))
        .route("/static/card.js", get(script))
}

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/card.js"),
    )
}

#[derive(Debug, Deserialize, Default, Clone)]
struct RegisterForm {
    csrf: Option<String>,
    surname: Option<String>,
    given_names: Option<String>,
    permit_number: Option<String>,
    password: Option<String>,
}

#[derive(Template)]
#[template(path = "card_register.html")]
struct RegisterPage<'a> {
    page: PageCtx<'a>,
    errors: Vec<ErrorItem>,
    fields: Vec<Field>,
}

fn register_page(
    page: PageCtx,
    f: &RegisterForm,
    err: Option<&HttpError>,
) -> axum::response::Response {
    let mut fields = vec![
        Field::new(&page, "", "surname", "text")
            .value(&f.surname)
            .hint(page.t("hint-name-as-in-passport"))
            .autocomplete("family-name"),
        Field::new(&page, "", "given_names", "text")
            .value(&f.given_names)
            .optional()
            .autocomplete("given-name"),
        Field::new(&page, "", "permit_number", "text")
            .value(&f.permit_number)
            .hint(page.t("hint-card-permit-number"))
            .autocomplete("off"),
        Field::new(&page, "", "password", "password")
            .hint(page.t("hint-card-password"))
            .autocomplete("new-password"),
    ];
    let errors = match err {
        Some(e) => apply_errors(&page, e, fields.iter_mut(), "#register-form"),
        None => Vec::new(),
    };
    let res = render(&RegisterPage {
        page,
        errors,
        fields,
    });
    form_status(res, err)
}

async fn register_form(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
) -> Page {
    let page = page_ctx(&app, &headers, user, &csrf, "/card/register");
    Ok(register_page(page, &RegisterForm::default(), None))
}

async fn register(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    crate::http::ClientAddr(address): crate::http::ClientAddr,
    Form(f): Form<RegisterForm>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let input = Registration {
        surname: f.surname.clone().unwrap_or_default(),
        given_names: f.given_names.clone().unwrap_or_default(),
        permit_number: f.permit_number.clone().unwrap_or_default(),
        password: f.password.clone().unwrap_or_default(),
        address,
    };
    let result = services::card::register(&app.ctx, input).await;
    let err = match result {
        Ok(signed_in) => {
            // Signed in anew: the session the browser held before ends.
            if let Some(previous) = crate::http::cookie(&headers, SESSION_COOKIE) {
                services::accounts::sign_out(&app.ctx, &previous).await?;
            }
            let mut res = Redirect::to("/card").into_response();
            let c = set_cookie(
                &app.config,
                SESSION_COOKIE,
                &signed_in.token,
                app.config.session_ttl.as_secs() as i64,
                true,
            );
            res.headers_mut()
                .append(header::SET_COOKIE, c.parse().expect("cookie header"));
            return Ok(res);
        }
        Err(e) => form_outcome(Err::<(), _>(HttpError::from(e)), |_| String::new())?,
    };
    let page = page_ctx(&app, &headers, None, &csrf, "/card/register");
    Ok(register_page(page, &f, Some(&err)))
}

/// A number shown masked, and in full on request (a `<details>`, so no script is needed).
struct Masked {
    masked: String,
    full: String,
}

struct CardView {
    holder: String,
    permit_number: String,
    category: String,
    employer: String,
    position: String,
    validity: String,
    status: Badge,
    medium: String,
    physical: bool,
    physical_valid_to: String,
    passport: Masked,
}

struct QrView {
    svg: String,
    expires_at: String,
    seconds: i64,
    profile: &'static str,
}

#[derive(Template)]
#[template(path = "card.html")]
struct WalletPage<'a> {
    page: PageCtx<'a>,
    checked: bool,
    locked: bool,
    errors: Vec<ErrorItem>,
    fields: Vec<Field>,
    card: Option<CardView>,
    qr: Option<QrView>,
    qr_error: String,
    messages: Vec<MessageRow>,
    done: String,
}

struct MessageRow {
    title: String,
    body: String,
    at: String,
    link: String,
    unread: bool,
}

#[derive(Debug, Deserialize, Default)]
struct WalletQuery {
    profile: Option<String>,
    done: Option<String>,
}

#[derive(Debug, Deserialize, Default, Clone)]
struct RealNameForm {
    csrf: Option<String>,
    passport_number: Option<String>,
    date_of_birth: Option<String>,
}

async fn wallet_page(
    app: &AppState,
    page: PageCtx<'_>,
    who: &domain::role::Principal,
    profile: Profile,
    done: Option<&str>,
    form: &RealNameForm,
    err: Option<&HttpError>,
) -> Page {
    let ctx = &app.ctx;
    let w = services::card::wallet(ctx, who).await?;
    let today = ctx.clock.today();
    let mut fields = vec![
        Field::new(&page, "", "passport_number", "text")
            .value(&form.passport_number)
            .hint(page.t("hint-passport-number"))
            .autocomplete("off"),
        Field::new(&page, "", "date_of_birth", "date")
            .value(&form.date_of_birth)
            .hint(page.t("hint-date")),
    ];
    let errors = match err {
        Some(e) => apply_errors(&page, e, fields.iter_mut(), "#real-name-form"),
        None => Vec::new(),
    };
    let card = w.permit.as_ref().map(|(p, employer)| CardView {
        holder: p.holder_name.full(),
        permit_number: p.number.to_string(),
        category: p.category.as_str().to_string(),
        employer: employer.clone(),
        position: p.position.to_string(),
        validity: page.tn(
            "validity-range",
            &[("from", date(p.valid_from)), ("to", date(p.valid_to))],
        ),
        status: permit_badge(&page, p.status_on(today)),
        medium: page.word("medium", p.medium.as_str()),
        physical: p.medium == Medium::PhysicalCard,
        physical_valid_to: date(p.valid_to),
        passport: Masked {
            masked: w.passport_masked(),
            full: w.person.passport_number.to_string(),
        },
    });
    let (qr, qr_error) = if w.shows_qr(today) {
        match services::card::qr(ctx, who, profile).await {
            Ok(q) => (
                Some(QrView {
                    svg: q.svg,
                    seconds: (q.expires_at - ctx.clock.now()).num_seconds().max(0),
                    expires_at: q.expires_at.to_rfc3339(),
                    profile: q.profile.code(),
                }),
                String::new(),
            ),
            Err(e) => (None, HttpError::from(e).message(page.catalog, page.lang)),
        }
    } else {
        (None, String::new())
    };
    let messages = w
        .messages
        .iter()
        .map(|n| {
            let r = crate::services::notifications::render(page.catalog, page.lang, n);
            MessageRow {
                title: r.title,
                body: r.body,
                at: time(n.created_at),
                link: n
                    .link
                    .as_ref()
                    .map(|l| l.as_str().to_string())
                    .unwrap_or_default(),
                unread: n.read_at.is_none(),
            }
        })
        .collect();
    let done = match done {
        Some("upgraded") => page.t("card-upgraded"),
        Some("checked") => page.t("card-real-name-passed"),
        _ => String::new(),
    };
    let res = render(&WalletPage {
        page,
        checked: w.checked,
        locked: w.locked,
        errors,
        fields,
        card,
        qr,
        qr_error,
        messages,
        done,
    });
    Ok(form_status(res, err))
}

async fn wallet(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Query(q): Query<WalletQuery>,
) -> Page {
    let who = require(user, &[Role::Applicant])?;
    let profile = parse_profile(q.profile.as_deref()).map_err(HttpError::from)?;
    let page = page_ctx(&app, &headers, Some(who.clone()), &csrf, "/card");
    wallet_page(
        &app,
        page,
        &who,
        profile,
        q.done.as_deref(),
        &RealNameForm::default(),
        None,
    )
    .await
}

async fn real_name(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Form(f): Form<RealNameForm>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, &[Role::Applicant])?;
    let result = services::card::check_real_name(
        &app.ctx,
        &who,
        f.passport_number.as_deref().unwrap_or(""),
        f.date_of_birth.as_deref().unwrap_or(""),
    )
    .await
    .map_err(HttpError::from);
    let err = form_outcome(result, |_| "/card?done=checked".into())?;
    let page = page_ctx(&app, &headers, Some(who.clone()), &csrf, "/card");
    wallet_page(
        &app,
        page,
        &who,
        Profile::EmploymentCheck,
        None,
        &f,
        Some(&err),
    )
    .await
}

#[derive(Debug, Deserialize)]
struct CsrfOnly {
    csrf: Option<String>,
}

async fn upgrade(
    State(app): State<AppState>,
    headers: HeaderMap,
    MaybeAuth(user): MaybeAuth,
    Form(f): Form<CsrfOnly>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, &[Role::Applicant])?;
    services::card::upgrade(&app.ctx, &who).await?;
    Ok(Redirect::to("/card?done=upgraded").into_response())
}
