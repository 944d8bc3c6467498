//! The official notices of an application (list and download), and the check of a notice's
//! file by anyone (under the larger body limit of file uploads).

use super::path_id;
use crate::http::{AppState, Auth, HttpError, HttpResult, Lang};
use crate::services;
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use documents::notice::NoticeKind;
use domain::FieldError;
use domain::ids::ApplicationId;
use serde::Serialize;
use utoipa::ToSchema;

/// The route that takes a file: mounted under the upload body limit.
pub fn upload_router() -> Router<AppState> {
    Router::new().route("/api/v1/verify/notice", post(verify_notice))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/applications/{id}/notices", get(list))
        .route("/api/v1/applications/{id}/notices/{kind}", get(download))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeOut {
    /// notification_letter, decision_notice, approval_letter, information_page,
    /// refusal_decision or cancellation_certificate.
    pub kind: String,
    pub number: String,
    pub title_zh: String,
    pub title_en: String,
    /// Where the PDF is downloaded; generated on the first download, the same bytes after.
    pub url: String,
    /// Once generated: when, its SHA-256 (hex) and size in bytes.
    pub issued_at: Option<DateTime<Utc>>,
    pub sha256: Option<String>,
    pub size: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/applications/{id}/notices", tag = "documents", params(("id" = Uuid, Path)),
    responses((status = 200, body = [NoticeOut], description = "The notices the application's decision comes with; none before a decision"),
              (status = 404, body = super::dto::ErrorOut)))]
async fn list(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Json<Vec<NoticeOut>>> {
    let id = ApplicationId(path_id(&id)?);
    let rows = services::official_notices::list(&app.ctx, &who, id).await?;
    Ok(Json(
        rows.into_iter()
            .map(|(kind, number, record)| {
                let (zh, en) = kind.title();
                NoticeOut {
                    kind: kind.code().to_string(),
                    number,
                    title_zh: zh.to_string(),
                    title_en: en.to_string(),
                    url: format!("/api/v1/applications/{}/notices/{}", id.0, kind.code()),
                    issued_at: record.as_ref().map(|r| r.issued_at),
                    sha256: record.as_ref().map(|r| r.sha256.clone()),
                    size: record.as_ref().map(|r| r.size),
                }
            })
            .collect(),
    ))
}

/// The PDF of a notice as an attachment named by its number.
pub fn pdf_response(number: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{number}.pdf\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

#[utoipa::path(get, path = "/api/v1/applications/{id}/notices/{kind}", tag = "documents",
    params(("id" = Uuid, Path), ("kind" = String, Path)),
    responses((status = 200, content_type = "application/pdf", description = "The notice, sealed; the same bytes at every download"),
              (status = 404, body = super::dto::ErrorOut, description = "No such application for the caller, or no such notice for its decision"),
              (status = 503, body = super::dto::ErrorOut, description = "No signing key is configured")))]
async fn download(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path((id, kind)): Path<(String, String)>,
) -> HttpResult<Response> {
    let id = ApplicationId(path_id(&id)?);
    let kind = NoticeKind::parse(&kind)
        .ok_or_else(|| HttpError::new(StatusCode::NOT_FOUND, "official_notice_not_found"))?;
    let (record, bytes) = services::official_notices::file(&app.ctx, &who, id, kind).await?;
    Ok(pdf_response(&record.number, bytes))
}

#[utoipa::path(post, path = "/api/v1/verify/notice", tag = "credential",
    request_body(content = Vec<u8>, content_type = "application/pdf", description = "A notice's PDF file as downloaded"),
    responses((status = 200, body = super::credentials::VerificationOut, description = "valid (sealed by the issuer and unaltered), altered, not_sealed, or why the seal is refused. No sign-in needed."),
              (status = 422, body = super::dto::ErrorOut, description = "No file given")))]
async fn verify_notice(
    State(app): State<AppState>,
    Lang(lang): Lang,
    body: Bytes,
) -> HttpResult<Json<super::credentials::VerificationOut>> {
    if body.is_empty() {
        return Err(FieldError::new("file", "required").into());
    }
    let check = services::verification::verify_notice_file(&app.ctx, &body).await?;
    Ok(Json(super::credentials::VerificationOut::of_notice(
        &check,
        &app.catalog,
        lang,
    )))
}
