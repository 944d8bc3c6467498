//! The inbox and the employer's notification settings, under `/api/v1`.

use crate::http::{AppState, Auth, HttpError, HttpResult, JsonBody, Lang};
use crate::services::notifications;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use domain::ids::NoticeId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/inbox", get(list_inbox))
        .route("/api/v1/inbox/{id}/read", post(read_notice))
        .route("/api/v1/employer/notifications", put(put_settings))
}

/// A notice, in the caller's language (`Accept-Language`).
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeOut {
    pub id: Uuid,
    /// What it is about: `application_returned`, `corrections_requested`, `application_approved`,
    /// `application_refused`, `permit_expiring`.
    pub topic: String,
    pub title: String,
    pub body: String,
    pub params: BTreeMap<String, String>,
    /// A path on this site.
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InboxOut {
    pub unread: i64,
    /// Unread first, then the newest.
    pub notices: Vec<NoticeOut>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettingsInput {
    /// Where notices are e-mailed besides the inbox; empty or absent clears it.
    pub contact_email: Option<String>,
    /// An `http://` URL that receives signed webhook calls (see docs/webhooks.md); empty or
    /// absent clears it and its secret.
    pub webhook_url: Option<String>,
    /// Make a new webhook secret, replacing the old one.
    pub regenerate_secret: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationSettingsOut {
    pub contact_email: Option<String>,
    pub webhook_url: Option<String>,
    pub has_webhook_secret: bool,
    /// Only in the answer that made it: it is never shown again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_secret: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/inbox", tag = "notifications",
    responses((status = 200, body = InboxOut, description = "The holder's or the employer's messages"),
              (status = 401, body = crate::api::dto::ErrorOut), (status = 403, body = crate::api::dto::ErrorOut)))]
pub async fn list_inbox(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Lang(lang): Lang,
) -> HttpResult<Json<InboxOut>> {
    let inbox = notifications::inbox(&app.ctx, &who).await?;
    let notices = inbox
        .notices
        .iter()
        .map(|n| {
            let r = notifications::render(&app.catalog, lang, n);
            NoticeOut {
                id: n.id.0,
                topic: n.topic.to_string(),
                title: r.title,
                body: r.body,
                params: n.params.iter().cloned().collect(),
                link: n.link.as_ref().map(|l| l.as_str().to_string()),
                created_at: n.created_at,
                read_at: n.read_at,
            }
        })
        .collect();
    Ok(Json(InboxOut {
        unread: inbox.unread,
        notices,
    }))
}

#[utoipa::path(post, path = "/api/v1/inbox/{id}/read", tag = "notifications", params(("id" = Uuid, Path)),
    responses((status = 204, description = "Read (a notice stays read)"),
              (status = 403, body = crate::api::dto::ErrorOut), (status = 404, body = crate::api::dto::ErrorOut)))]
pub async fn read_notice(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Response> {
    let id =
        Uuid::parse_str(&id).map_err(|_| HttpError::new(StatusCode::NOT_FOUND, "invalid_path"))?;
    notifications::mark_read(&app.ctx, &who, NoticeId(id)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(put, path = "/api/v1/employer/notifications", tag = "notifications",
    request_body = NotificationSettingsInput,
    responses((status = 200, body = NotificationSettingsOut),
              (status = 403, body = crate::api::dto::ErrorOut), (status = 422, body = crate::api::dto::ErrorOut)))]
pub async fn put_settings(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    body: JsonBody<NotificationSettingsInput>,
) -> HttpResult<Json<NotificationSettingsOut>> {
    let i = body.value;
    // The role first: a caller who may not set these learns nothing of the input's rules.
    notifications::settings(&app.ctx, &who).await?;
    let (email, url) =
        crate::web::parse_settings(i.contact_email.as_deref(), i.webhook_url.as_deref())?;
    let (view, secret) = notifications::update_settings(
        &app.ctx,
        &who,
        email,
        url,
        i.regenerate_secret.unwrap_or(false),
    )
    .await?;
    Ok(Json(NotificationSettingsOut {
        contact_email: view.contact_email.map(|e| e.to_string()),
        webhook_url: view.webhook_url,
        has_webhook_secret: view.has_secret,
        webhook_secret: secret,
    }))
}
