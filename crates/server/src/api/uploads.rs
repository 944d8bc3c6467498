//! Checklist documents uploaded for an application: the upload (a multipart form, under the
//! larger body limit of file uploads), the list, the download, and the officer's check.

use super::path_id;
use crate::http::{AppState, Auth, HttpError, HttpResult, JsonBody};
use crate::services;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use domain::FieldError;
use domain::ids::ApplicationId;
use domain::policy::DocumentKind;
use serde::{Deserialize, Serialize};
use store::StoredUpload;
use utoipa::ToSchema;
use uuid::Uuid;

/// The routes that take a file: mounted under the upload body limit.
pub fn upload_router() -> Router<AppState> {
    Router::new().route("/api/v1/applications/{id}/uploads", post(upload))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/applications/{id}/uploads", get(list))
        .route("/api/v1/uploads/{id}/content", get(content))
        .route("/api/v1/uploads/{id}/decision", post(decide))
}

/// The multipart form of an upload.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The checklist item: application_form, degree_certificate, experience_proof,
    /// no_criminal_record, medical_report, employment_contract, passport, photo, …
    kind: String,
    /// YYYY-MM-DD: when the photo was taken, or the certificate or report issued.
    declared_date: Option<String>,
    /// The file: PDF, JPEG or PNG, told apart by its bytes.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UploadOut {
    pub id: Uuid,
    pub application_id: Uuid,
    pub document: String,
    /// Lower-case hex SHA-256 of the file.
    pub sha256: String,
    pub media_type: String,
    pub size: i64,
    pub file_name: String,
    pub declared_date: Option<NaiveDate>,
    pub uploaded_at: DateTime<Utc>,
    /// submitted, verified or rejected.
    pub status: String,
    /// Why a new file is asked for.
    pub reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// Set when the file was verified on another application of the same person, in another
    /// city of a regional cluster, and counts as provided for this one without a new check:
    /// status is then `verified`, and `decided_at` is when that city's officer verified it.
    pub reused_from: Option<ReusedFromOut>,
}

/// Where a reused document was verified.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReusedFromOut {
    /// The original upload, on the other application.
    pub upload_id: Uuid,
    /// The city whose labour officer verified it (GB/T 2260 code).
    pub city: String,
    /// The officer's account.
    pub verified_by: Option<Uuid>,
    pub verified_at: Option<DateTime<Utc>>,
}

impl From<&StoredUpload> for UploadOut {
    fn from(u: &StoredUpload) -> Self {
        UploadOut {
            id: u.id,
            application_id: u.application_id.0,
            document: u.document.as_str().to_string(),
            sha256: u.sha256.clone(),
            media_type: u.media_type.clone(),
            size: u.size,
            file_name: u.file_name.clone(),
            declared_date: u.declared_date,
            uploaded_at: u.uploaded_at,
            status: u.status.as_str().to_string(),
            reason: u.reason.clone(),
            decided_at: u.decided_at,
            reused_from: u.reused_from.map(|r| ReusedFromOut {
                upload_id: r.upload,
                city: r.city.code().to_string(),
                verified_by: u.decided_by.map(|a| a.0),
                verified_at: u.decided_at,
            }),
        }
    }
}

#[utoipa::path(post, path = "/api/v1/applications/{id}/uploads", tag = "documents", params(("id" = Uuid, Path)),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = UploadOut), (status = 403, body = super::dto::ErrorOut), (status = 404, body = super::dto::ErrorOut),
              (status = 409, body = super::dto::ErrorOut, description = "The application is decided"),
              (status = 413, body = super::dto::ErrorOut),
              (status = 422, body = super::dto::ErrorOut, description = "Every check the file failed, on the field `file`: its type from its bytes, a polyglot, a PDF that does not open or inflates too far, a photo too small or too old, a certificate too old, the name")))]
async fn upload(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> HttpResult<Response> {
    // The role first: a caller who may never upload is told so whatever the body.
    if who.scope.employer_id().is_none() {
        return Err(HttpError::new(StatusCode::FORBIDDEN, "employer_only"));
    }
    let id = ApplicationId(path_id(&id)?);
    let mut form = form.map_err(|_| HttpError::new(StatusCode::BAD_REQUEST, "form_unreadable"))?;
    let bad = |_| HttpError::new(StatusCode::BAD_REQUEST, "form_unreadable");
    let (mut kind, mut date, mut file) = (String::new(), String::new(), None);
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name() {
            Some("kind") => kind = field.text().await.map_err(bad)?,
            Some("declared_date") => date = field.text().await.map_err(bad)?,
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                let declared = field.content_type().map(str::to_string);
                file = Some((name, declared, field.bytes().await.map_err(bad)?.to_vec()));
            }
            _ => {}
        }
    }
    let mut inv = domain::Invalid::default();
    let kind = match DocumentKind::from_code(kind.trim()) {
        Some(k) => Some(k),
        None => {
            inv.push(FieldError::new("kind", "document_kind_value"));
            None
        }
    };
    let declared_date = match date.trim() {
        "" => Some(None),
        d => inv.take(domain::values::parse_date("declared_date", d).map(Some)),
    };
    if file.is_none() {
        inv.push(FieldError::new("file", "required"));
    }
    let (Some(kind), Some(declared_date), Some((file_name, declared_type, bytes))) =
        (kind, declared_date, file)
    else {
        return Err(HttpError::invalid(inv));
    };
    let row = services::uploads::upload(
        &app.ctx,
        &who,
        id,
        services::uploads::NewUpload {
            kind,
            file_name,
            declared_type,
            declared_date,
            bytes,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(UploadOut::from(&row))).into_response())
}

#[utoipa::path(get, path = "/api/v1/applications/{id}/uploads", tag = "documents", params(("id" = Uuid, Path)),
    responses((status = 200, body = [UploadOut], description = "The application's files, with the documents verified in another city of its cluster that count as provided for it (`reused_from`)"), (status = 404, body = super::dto::ErrorOut)))]
async fn list(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Json<Vec<UploadOut>>> {
    let id = ApplicationId(path_id(&id)?);
    let rows = services::uploads::list(&app.ctx, &who, id).await?;
    Ok(Json(rows.iter().map(Into::into).collect()))
}

#[utoipa::path(get, path = "/api/v1/uploads/{id}/content", tag = "documents", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The file as uploaded, with its media type; served as an attachment"),
              (status = 404, body = super::dto::ErrorOut, description = "No such file, or not the caller's to see")))]
async fn content(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Response> {
    let (row, bytes) = services::uploads::content(&app.ctx, &who, path_id(&id)?).await?;
    // An attachment, never rendered inline: the bytes are the employer's, not ours.
    let disposition = format!(
        "attachment; filename=\"{}\"",
        row.file_name.replace(['"', '\\'], "_")
    );
    Ok((
        [
            (header::CONTENT_TYPE, row.media_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadDecisionInput {
    /// true: verified; false: a new file is asked for, with `reason`.
    pub verified: Option<bool>,
    pub reason: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/uploads/{id}/decision", tag = "documents", params(("id" = Uuid, Path)),
    request_body = UploadDecisionInput,
    responses((status = 200, body = UploadOut), (status = 403, body = super::dto::ErrorOut), (status = 404, body = super::dto::ErrorOut),
              (status = 409, body = super::dto::ErrorOut, description = "Checked already"), (status = 422, body = super::dto::ErrorOut)))]
async fn decide(
    State(app): State<AppState>,
    Auth(who, _): Auth,
    Path(id): Path<String>,
    body: JsonBody<UploadDecisionInput>,
) -> HttpResult<Json<UploadOut>> {
    if !matches!(who.scope, domain::role::Scope::LabourOfficer { .. }) {
        return Err(HttpError::new(
            StatusCode::FORBIDDEN,
            "action_not_allowed_for_role",
        ));
    }
    let id = path_id(&id)?;
    let i = body.value;
    let Some(verified) = i.verified else {
        return Err(HttpError::invalid(
            FieldError::new("verified", "required").into(),
        ));
    };
    let reason = match i.reason.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(r) => Some(
            domain::values::Text::parse("reason", r, 500)
                .map_err(|e| HttpError::invalid(e.into()))?,
        ),
    };
    let row = services::uploads::decide(&app.ctx, &who, id, verified, reason).await?;
    Ok(Json((&row).into()))
}
