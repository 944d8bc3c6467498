//! Files uploaded for an application's checklist: checked from their bytes before anything is
//! stored (`documents::check_upload`), kept on disk content-addressed by SHA-256 under the files
//! directory, served back only to those who may see the application, and checked by the officer.

use super::{Ctx, Result, ServiceError};
use chrono::NaiveDate;
use domain::FieldError;
use domain::audit::AuditRecord;
use domain::ids::ApplicationId;
use domain::policy::DocumentKind;
use domain::role::{Principal, Scope};
use domain::values::Text;
use std::path::PathBuf;
use store::{StoredUpload, UploadStatus};

/// A file as the client sent it.
#[derive(Debug, Clone)]
pub struct NewUpload {
    pub kind: DocumentKind,
    pub file_name: String,
    pub declared_type: Option<String>,
    pub declared_date: Option<NaiveDate>,
    pub bytes: Vec<u8>,
}

/// Where a file with this hash lives: two levels, so no directory grows too large.
pub(super) fn path_of(ctx: &Ctx, sha256: &str) -> Result<PathBuf> {
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ServiceError::Internal("stored hash is not hex"));
    }
    Ok(ctx.config.files_dir.join(&sha256[..2]).join(sha256))
}

/// Writes the bytes under their hash, once: a temporary file renamed into place, so a crash
/// never leaves half a file under a valid name.
pub(super) async fn keep(ctx: &Ctx, sha256: &str, bytes: &[u8]) -> Result<()> {
    let path = path_of(ctx, sha256)?;
    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Ok(());
    }
    let dir = path.parent().ok_or(ServiceError::Internal("file path"))?;
    let io = |e: std::io::Error| {
        tracing::error!(error = %e, "writing an uploaded file failed");
        ServiceError::Unavailable("file_store_unavailable")
    };
    tokio::fs::create_dir_all(dir).await.map_err(io)?;
    let tmp = dir.join(format!(".{sha256}.{}", super::new_id()));
    tokio::fs::write(&tmp, bytes).await.map_err(io)?;
    tokio::fs::rename(&tmp, &path).await.map_err(io)?;
    Ok(())
}

/// Uploads a file for one checklist item of an application the employer filed. Every check is
/// made before anything is written; a refused file leaves no trace.
pub async fn upload(
    ctx: &Ctx,
    who: &Principal,
    application: ApplicationId,
    input: NewUpload,
) -> Result<StoredUpload> {
    let Scope::EmployerHr { .. } = who.scope else {
        return Err(ServiceError::Forbidden("employer_only"));
    };
    let today = ctx.clock.today();
    let policy = ctx.policies.in_force(&*ctx.store, today).await?;
    let already: u64 = {
        let mut tx = ctx.store.begin_read().await?;
        let app = super::applications::visible(&mut *tx, who, application).await?;
        if app.state.is_final() {
            return Err(ServiceError::Conflict("application_decided"));
        }
        tx.uploads(application)
            .await?
            .iter()
            .filter(|u| u.status != UploadStatus::Rejected)
            .map(|u| u.size.max(0) as u64)
            .sum()
    };
    let limits = documents::Limits {
        max_file_bytes: ctx.config.max_upload_bytes as u64,
        ..documents::Limits::for_rules(policy.documents())
    };
    // Parsing a PDF is CPU work: off the async threads.
    let checked = {
        let input = input.clone();
        tokio::task::spawn_blocking(move || {
            documents::check_upload(
                &documents::Upload {
                    kind: input.kind,
                    file_name: &input.file_name,
                    declared_type: input.declared_type.as_deref(),
                    bytes: &input.bytes,
                    declared_date: input.declared_date,
                    already_stored: already,
                },
                &limits,
                today,
            )
        })
        .await
        .map_err(|_| ServiceError::Internal("upload check panicked"))?
    }
    .map_err(|errors| ServiceError::Invalid(domain::Invalid(errors)))?;
    let sha256 = checked.sha256_hex();
    keep(ctx, &sha256, &input.bytes).await?;
    let now = ctx.clock.now();
    let row = StoredUpload {
        id: super::new_id(),
        application_id: application,
        document: input.kind,
        sha256,
        media_type: checked.media_type.mime().to_string(),
        size: checked.size as i64,
        file_name: checked.safe_name,
        declared_date: input.declared_date,
        uploaded_by: who.account_id,
        uploaded_at: now,
        status: UploadStatus::Submitted,
        reason: None,
        decided_by: None,
        decided_at: None,
    };
    let mut tx = ctx.store.begin().await?;
    tx.insert_upload(&row).await?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        "upload.stored",
        "application",
        application,
        serde_json::json!({ "upload": row.id, "document": row.document, "sha256": row.sha256,
            "size": row.size, "media_type": row.media_type }),
    ));
    tx.commit().await?;
    Ok(row)
}

/// An application's files, for those who may see the application.
pub async fn list(
    ctx: &Ctx,
    who: &Principal,
    application: ApplicationId,
) -> Result<Vec<StoredUpload>> {
    let mut tx = ctx.store.begin_read().await?;
    super::applications::visible(&mut *tx, who, application).await?;
    Ok(tx.uploads(application).await?)
}

/// A file's record, for those who may see its application; to anyone else there is no such
/// file.
async fn visible_upload(ctx: &Ctx, who: &Principal, id: uuid::Uuid) -> Result<StoredUpload> {
    let mut tx = ctx.store.begin_read().await?;
    let row = tx
        .upload(id)
        .await?
        .ok_or(ServiceError::NotFound("upload"))?;
    match super::applications::visible(&mut *tx, who, row.application_id).await {
        Ok(_) => Ok(row),
        Err(ServiceError::NotFound(_) | ServiceError::Forbidden(_)) => {
            Err(ServiceError::NotFound("upload"))
        }
        Err(e) => Err(e),
    }
}

/// A file's record and bytes, for those who may see its application; anyone else is told there
/// is no such file, as if its id were guessed wrong.
pub async fn content(
    ctx: &Ctx,
    who: &Principal,
    id: uuid::Uuid,
) -> Result<(StoredUpload, Vec<u8>)> {
    let row = visible_upload(ctx, who, id).await?;
    let bytes = tokio::fs::read(path_of(ctx, &row.sha256)?)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, upload = %row.id, "an uploaded file is missing");
            ServiceError::Unavailable("file_store_unavailable")
        })?;
    Ok((row, bytes))
}

/// The labour officer marks a file verified, or asks for a new one with the reason.
pub async fn decide(
    ctx: &Ctx,
    who: &Principal,
    id: uuid::Uuid,
    verified: bool,
    reason: Option<Text>,
) -> Result<StoredUpload> {
    let Scope::LabourOfficer { .. } = who.scope else {
        return Err(ServiceError::Forbidden("action_not_allowed_for_role"));
    };
    if !verified && reason.is_none() {
        return Err(FieldError::new("reason", "required").into());
    }
    let mut row = visible_upload(ctx, who, id).await?;
    let now = ctx.clock.now();
    row.status = if verified {
        UploadStatus::Verified
    } else {
        UploadStatus::Rejected
    };
    row.reason = reason.map(|r| r.to_string());
    row.decided_by = Some(who.account_id);
    row.decided_at = Some(now);
    let mut tx = ctx.store.begin().await?;
    if !tx.decide_upload(&row).await? {
        return Err(ServiceError::Conflict("upload_decided"));
    }
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        "upload.checked",
        "application",
        row.application_id,
        serde_json::json!({ "upload": row.id, "status": row.status.as_str(), "reason": row.reason }),
    ));
    tx.commit().await?;
    Ok(row)
}
