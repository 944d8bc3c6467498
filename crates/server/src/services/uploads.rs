//! Files uploaded for an application's checklist: checked from their bytes before anything is
//! stored (`documents::check_upload`), kept on disk content-addressed by SHA-256 under the files
//! directory, served back only to those who may see the application, and checked by the officer.

use super::{Ctx, Result, ServiceError};
use chrono::NaiveDate;
use domain::FieldError;
use domain::application::Application;
use domain::audit::AuditRecord;
use domain::ids::{AccountId, ApplicationId};
use domain::permit::Category;
use domain::policy::{CheckedDocument, ChecklistItem, DocumentKind, Policy, ReuseTarget};
use domain::role::{Principal, Scope};
use domain::values::Text;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use store::{AssessmentRecord, ReusedFrom, StoredUpload, UploadStatus};

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
            .filter(|u| u.status != UploadStatus::Rejected && u.reused_from.is_none())
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
        reused_from: None,
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

/// An application's files, for those who may see the application: its own, and those verified
/// in another city of its cluster that count as provided for it.
pub async fn list(
    ctx: &Ctx,
    who: &Principal,
    application: ApplicationId,
) -> Result<Vec<StoredUpload>> {
    Ok(current(ctx, who, application).await?.uploads)
}

/// One line of an application's checklist and the files for it.
#[derive(Debug, Clone)]
pub struct ChecklistLine {
    pub kind: DocumentKind,
    /// What the assessment at submission said of the item; none without an assessment, or for
    /// a file of a kind the checklist does not list.
    pub item: Option<ChecklistItem>,
    /// Oldest first.
    pub uploads: Vec<StoredUpload>,
}

impl ChecklistLine {
    /// Whether the item is settled: a file verified here or reused, or not asked for.
    pub fn settled(&self) -> bool {
        self.item.as_ref().is_some_and(|i| !i.to_submit())
            || self
                .uploads
                .iter()
                .any(|u| u.status == UploadStatus::Verified)
    }
}

/// An application's checklist, each item with its files.
#[derive(Debug, Clone)]
pub struct Checklist {
    pub application: Application,
    pub lines: Vec<ChecklistLine>,
    /// The names of the officers who checked the files, by account.
    pub checked_by: BTreeMap<AccountId, String>,
}

/// The checklist of an application with each item's files beside it, for those who may see it.
pub async fn checklist(
    ctx: &Ctx,
    who: &Principal,
    application: ApplicationId,
) -> Result<Checklist> {
    let Current {
        application,
        record,
        uploads,
        policy,
    } = current(ctx, who, application).await?;
    let mut lines: Vec<ChecklistLine> = match record.as_ref().and_then(|r| r.result.as_ref()) {
        Some(a) => a
            .documents
            .iter()
            .map(|i| ChecklistLine {
                kind: i.document,
                item: Some(i.clone()),
                uploads: Vec::new(),
            })
            .collect(),
        None => checklist_kinds(&policy, &application, None)
            .into_iter()
            .map(|kind| ChecklistLine {
                kind,
                item: None,
                uploads: Vec::new(),
            })
            .collect(),
    };
    for u in uploads {
        match lines.iter_mut().find(|l| l.kind == u.document) {
            Some(line) => line.uploads.push(u),
            None => lines.push(ChecklistLine {
                kind: u.document,
                item: None,
                uploads: vec![u],
            }),
        }
    }
    let mut checked_by = BTreeMap::new();
    let ids: HashSet<AccountId> = lines
        .iter()
        .flat_map(|l| &l.uploads)
        .filter_map(|u| u.decided_by)
        .collect();
    if !ids.is_empty() {
        let mut tx = ctx.store.begin_read().await?;
        for id in ids {
            if let Some(a) = tx.account(id).await? {
                checked_by.insert(id, a.display_name.to_string());
            }
        }
    }
    Ok(Checklist {
        application,
        lines,
        checked_by,
    })
}

/// The kinds an application's checklist lists: the assessment's at submission; without one
/// (no profile was given, so no category), every kind any category asks for this kind of
/// application, in the policy's order.
fn checklist_kinds(
    policy: &Policy,
    application: &Application,
    record: Option<&AssessmentRecord>,
) -> Vec<DocumentKind> {
    if let Some(a) = record.and_then(|r| r.result.as_ref()) {
        return a.documents.iter().map(|i| i.document).collect();
    }
    let mut kinds = Vec::new();
    for c in [Category::A, Category::B, Category::C] {
        for k in policy.documents().required(c, application.kind()) {
            if !kinds.contains(k) {
                kinds.push(*k);
            }
        }
    }
    kinds
}

struct Current {
    application: Application,
    record: Option<AssessmentRecord>,
    uploads: Vec<StoredUpload>,
    policy: std::sync::Arc<Policy>,
}

/// An application as those who see it find it now, with its files, after recording the reuse
/// of documents verified in another city of its cluster (see `reusable`).
///
/// Reuse is recorded lazily, here, when the files are read, rather than at submission: the
/// other city's officer may verify the document after this application was submitted (or it
/// may still be a draft), and everyone who looks at the application (its employer, its officer,
/// the holder) reads it through here, so the reuse is on record before anyone relies on it. The
/// recording is idempotent: a unique index allows one reuse of an original per application, and
/// only the rows actually written get an audit record, in the same transaction.
async fn current(ctx: &Ctx, who: &Principal, id: ApplicationId) -> Result<Current> {
    let today = ctx.clock.today();
    let policy = ctx.policies.in_force(&*ctx.store, today).await?;
    let (application, record, mut uploads, reused) = {
        let mut tx = ctx.store.begin_read().await?;
        let app = super::applications::visible(&mut *tx, who, id).await?;
        let record = tx.assessments(&[id]).await?.pop();
        let uploads = tx.uploads(id).await?;
        let reused = if app.state.is_final() {
            Vec::new()
        } else {
            let kinds = checklist_kinds(&policy, &app, record.as_ref());
            let elsewhere = tx.verified_uploads_of_person(app.person_id, id).await?;
            reusable(
                &policy,
                &app,
                &kinds,
                &uploads,
                elsewhere,
                ctx.clock.now(),
                today,
            )
        };
        (app, record, uploads, reused)
    };
    if !reused.is_empty() {
        let now = ctx.clock.now();
        let mut tx = ctx.store.begin().await?;
        let mut written = 0;
        for (row, cluster) in &reused {
            if !tx.insert_reused_upload(row).await? {
                continue;
            }
            written += 1;
            let from = row.reused_from.as_ref().expect("a reuse row");
            tx.audit(AuditRecord::new(
                now,
                None,
                "upload.reused",
                "application",
                id,
                serde_json::json!({ "upload": row.id, "document": row.document,
                    "reused_from": from.upload, "verified_in": from.city.code(),
                    "cluster": cluster, "sha256": row.sha256 }),
            ));
        }
        if written > 0 {
            tx.commit().await?;
            uploads = ctx.store.begin_read().await?.uploads(id).await?;
        }
    }
    Ok(Current {
        application,
        record,
        uploads,
        policy,
    })
}

/// The reuse rows to record for `app`: each verified upload of the same person's other
/// applications that the policy's cluster rule lets count here (`Policy::cluster_reuse`), of a
/// kind on the checklist, not already reused here, and not the same file as one already
/// verified here. Each with the name of the cluster.
fn reusable(
    policy: &Policy,
    app: &Application,
    kinds: &[DocumentKind],
    own: &[StoredUpload],
    elsewhere: Vec<store::VerifiedElsewhere>,
    now: chrono::DateTime<chrono::Utc>,
    today: chrono::NaiveDate,
) -> Vec<(StoredUpload, String)> {
    let mut have: HashSet<String> = own
        .iter()
        .filter(|u| u.status == UploadStatus::Verified)
        .map(|u| u.sha256.clone())
        .collect();
    let reused_already: HashSet<uuid::Uuid> = own
        .iter()
        .filter_map(|u| u.reused_from.map(|r| r.upload))
        .collect();
    let target = ReuseTarget {
        person: app.person_id,
        city: app.city,
        on: today,
    };
    let mut out = Vec::new();
    for e in elsewhere {
        let u = e.upload;
        if !kinds.contains(&u.document)
            || reused_already.contains(&u.id)
            || have.contains(&u.sha256)
        {
            continue;
        }
        let checked = CheckedDocument {
            person: app.person_id,
            kind: u.document,
            city: e.city,
            verified_on: (u.status == UploadStatus::Verified)
                .then_some(u.decided_at)
                .flatten()
                .map(crate::clock::china_date),
            issued_on: u.declared_date,
        };
        let Ok(ok) = policy.cluster_reuse(&checked, &target) else {
            continue;
        };
        have.insert(u.sha256.clone());
        out.push((
            StoredUpload {
                id: super::new_id(),
                application_id: app.id,
                uploaded_at: now,
                reused_from: Some(ReusedFrom {
                    upload: u.id,
                    city: e.city,
                }),
                ..u
            },
            ok.cluster,
        ));
    }
    out
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
