//! The inbox of the holder and of the employer's HR, and the employer's notification settings.

use super::view::{ErrorItem, Field, Page, apply_errors, form_outcome, form_status, require, time};
use super::{CsrfToken, PageCtx, check_csrf, page_ctx, render};
use crate::http::{AppState, HttpError, MaybeAuth};
use crate::services::notifications::{self, WebhookUrl};
use askama::Template;
use axum::Router;
use axum::extract::{Extension, Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use domain::ids::NoticeId;
use domain::role::Role;
use domain::values::Email;
use domain::{FieldError, Invalid};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(inbox))
        .route("/inbox/{id}/read", post(mark_read))
        .route(
            "/employer/notifications",
            get(settings_page).post(save_settings),
        )
}

const READERS: &[Role] = &[Role::Applicant, Role::EmployerHr];

struct NoticeRow {
    id: String,
    title: String,
    body: String,
    link: String,
    received: String,
    unread: bool,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage<'a> {
    page: PageCtx<'a>,
    notices: Vec<NoticeRow>,
    unread: i64,
}

async fn inbox(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
) -> Page {
    let who = require(user, READERS)?;
    let inbox = notifications::inbox(&app.ctx, &who).await?;
    let page = page_ctx(&app, &headers, Some(who), &csrf, "/inbox");
    let notices = inbox
        .notices
        .iter()
        .map(|n| {
            let r = notifications::render(&app.catalog, page.lang, n);
            NoticeRow {
                id: n.id.to_string(),
                title: r.title,
                body: r.body,
                link: n
                    .link
                    .as_ref()
                    .map(|l| l.as_str().to_string())
                    .unwrap_or_default(),
                received: page.t1("inbox-received", "time", &time(n.created_at)),
                unread: n.read_at.is_none(),
            }
        })
        .collect();
    Ok(render(&InboxPage {
        page,
        notices,
        unread: inbox.unread,
    }))
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: Option<String>,
}

async fn mark_read(
    State(app): State<AppState>,
    headers: HeaderMap,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, READERS)?;
    let id = uuid::Uuid::parse_str(&id)
        .map_err(|_| HttpError::new(StatusCode::NOT_FOUND, "notice_not_found"))?;
    notifications::mark_read(&app.ctx, &who, NoticeId(id)).await?;
    Ok(Redirect::to("/inbox").into_response())
}

#[derive(Deserialize, Default)]
struct SettingsForm {
    csrf: Option<String>,
    contact_email: Option<String>,
    webhook_url: Option<String>,
    regenerate: Option<String>,
}

#[derive(Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct SettingsPage<'a> {
    page: PageCtx<'a>,
    errors: Vec<ErrorItem>,
    fields: Vec<Field>,
    notice: String,
    secret: String,
    has_secret: bool,
}

fn settings_form(
    page: PageCtx<'_>,
    f: &SettingsForm,
    has_secret: bool,
    notice: String,
    secret: String,
    err: Option<&HttpError>,
) -> axum::response::Response {
    let mut fields = vec![
        Field::new(&page, "", "contact_email", "email")
            .value(&f.contact_email)
            .optional(),
        Field::new(&page, "", "webhook_url", "text")
            .value(&f.webhook_url)
            .optional()
            .autocomplete("off"),
    ];
    if has_secret {
        fields.push(
            Field::new(&page, "", "regenerate", "checkbox")
                .label(page.t("notifications-regenerate")),
        );
    }
    let errors = match err {
        Some(e) => apply_errors(&page, e, fields.iter_mut(), "#notifications-form"),
        None => Vec::new(),
    };
    let res = render(&SettingsPage {
        page,
        errors,
        fields,
        notice,
        secret,
        has_secret,
    });
    form_status(res, err)
}

async fn settings_page(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Query(q): Query<SavedQuery>,
) -> Page {
    let who = require(user, &[Role::EmployerHr])?;
    let s = notifications::settings(&app.ctx, &who).await?;
    let page = page_ctx(&app, &headers, Some(who), &csrf, "/employer/notifications");
    let notice = if q.saved.is_some() {
        page.t("notifications-saved")
    } else {
        String::new()
    };
    let form = SettingsForm {
        csrf: None,
        contact_email: s.contact_email.map(|e| e.to_string()),
        webhook_url: s.webhook_url,
        regenerate: None,
    };
    Ok(settings_form(
        page,
        &form,
        s.has_secret,
        notice,
        String::new(),
        None,
    ))
}

/// The form's values, parsed: blank fields clear the setting.
pub fn parse_settings(
    contact_email: Option<&str>,
    webhook_url: Option<&str>,
) -> Result<(Option<Email>, Option<WebhookUrl>), Invalid> {
    let mut invalid = Invalid::default();
    fn blank(s: Option<&str>) -> Option<&str> {
        s.map(str::trim).filter(|s| !s.is_empty())
    }
    let email = blank(contact_email)
        .map(|s| Email::parse("contact_email", s))
        .transpose()
        .unwrap_or_else(|e: FieldError| {
            invalid.push(e);
            None
        });
    let url = blank(webhook_url)
        .map(|s| WebhookUrl::parse("webhook_url", s))
        .transpose()
        .unwrap_or_else(|e| {
            invalid.push(e);
            None
        });
    if invalid.0.is_empty() {
        Ok((email, url))
    } else {
        Err(invalid)
    }
}

async fn save_settings(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Form(f): Form<SettingsForm>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, &[Role::EmployerHr])?;
    let result = match parse_settings(f.contact_email.as_deref(), f.webhook_url.as_deref()) {
        Ok((email, url)) => {
            notifications::update_settings(&app.ctx, &who, email, url, f.regenerate.is_some())
                .await
                .map_err(HttpError::from)
        }
        Err(inv) => Err(HttpError::invalid(inv)),
    };
    let page = page_ctx(
        &app,
        &headers,
        Some(who.clone()),
        &csrf,
        "/employer/notifications",
    );
    match result {
        // The new secret is shown on this answer, never again: no redirect.
        Ok((view, Some(secret))) => {
            let form = SettingsForm {
                csrf: None,
                contact_email: view.contact_email.map(|e| e.to_string()),
                webhook_url: view.webhook_url,
                regenerate: None,
            };
            let notice = page.t("notifications-saved");
            Ok(settings_form(page, &form, true, notice, secret, None))
        }
        other => {
            let err = form_outcome(other, |_| "/employer/notifications?saved=1".into())?;
            let has_secret = notifications::settings(&app.ctx, &who).await?.has_secret;
            Ok(settings_form(
                page,
                &f,
                has_secret,
                String::new(),
                String::new(),
                Some(&err),
            ))
        }
    }
}
