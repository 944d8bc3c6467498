//! The official notices of an application's decision, as sealed bilingual PDFs: which ones an
//! application has, and each one's file, generated the first time it is asked for and then
//! served as stored.
//!
//! Generated on demand rather than inside the decision's transaction: rendering and signing take
//! milliseconds of CPU that a transaction should not hold, and a decision that commits never
//! fails for want of a notice. The first generation is recorded (one per application and kind,
//! `ON CONFLICT DO NOTHING`); a racing second one finds the row and serves the stored bytes.

use super::applications::{self, ApplicationView};
use super::{Ctx, Result, ServiceError};
use crate::clock::china_date;
use chrono::{DateTime, Utc};
use documents::notice::{
    self, ApplicationFacts, Bilingual, EmployerFacts, Holder, Notice, NoticeKind, PermitFacts,
};
use domain::application::{Application, ApplicationKind, State};
use domain::ids::ApplicationId;
use domain::permit::{Permit, PermitStatus};
use domain::role::Principal;
use sha2::{Digest, Sha256};
use store::IssuedDocument;

/// The notices an application in its current state has.
pub fn due(state: State, kind: ApplicationKind) -> &'static [NoticeKind] {
    use NoticeKind::*;
    match (state, kind) {
        (State::Approved, ApplicationKind::New) => {
            &[NotificationLetter, DecisionNotice, InformationPage]
        }
        (State::Approved, ApplicationKind::Extension | ApplicationKind::Change) => {
            &[ApprovalLetter, InformationPage]
        }
        (State::Approved, ApplicationKind::Cancellation) => &[CancellationCertificate],
        (State::Refused, _) => &[RefusalDecision],
        _ => &[],
    }
}

/// A notice's number: its kind's prefix and the application's receipt number.
pub fn number_of(kind: NoticeKind, application: &Application) -> String {
    format!("{}-{}", kind.prefix(), application.receipt_number)
}

/// An application's notices, for those who may see it: each with its record once generated.
pub async fn list(
    ctx: &Ctx,
    who: &Principal,
    id: ApplicationId,
) -> Result<Vec<(NoticeKind, String, Option<IssuedDocument>)>> {
    let mut tx = ctx.store.begin_read().await?;
    let application = applications::visible(&mut *tx, who, id).await?;
    let issued = tx.issued_documents(id).await?;
    Ok(due(application.state, application.kind())
        .iter()
        .map(|k| {
            let record = issued.iter().find(|d| d.kind == k.code()).cloned();
            (*k, number_of(*k, &application), record)
        })
        .collect())
}

/// A notice's record and file: the stored one, or generated, stored and recorded now.
pub async fn file(
    ctx: &Ctx,
    who: &Principal,
    id: ApplicationId,
    kind: NoticeKind,
) -> Result<(IssuedDocument, Vec<u8>)> {
    let application = {
        let mut tx = ctx.store.begin_read().await?;
        applications::visible(&mut *tx, who, id).await?
    };
    if !due(application.state, application.kind()).contains(&kind) {
        return Err(ServiceError::NotFound("official_notice"));
    }
    let number = number_of(kind, &application);
    if let Some(stored) = stored(ctx, &number).await? {
        return Ok(stored);
    }
    // Only a first generation needs the whole record: events, permit revisions, parties.
    let view = applications::get(ctx, who, id).await?;
    let now = ctx.clock.now();
    let content = notice_of(ctx, kind, &number, &view, now);
    let bytes = seal(ctx, &content, now).await?;
    let record = IssuedDocument {
        number: number.clone(),
        application_id: id,
        kind: kind.code().to_string(),
        sha256: hex::encode(Sha256::digest(&bytes)),
        size: bytes.len() as i64,
        issued_at: now,
        created_at: now,
    };
    // The file first: a record never names a file that is not there.
    super::uploads::keep(ctx, &record.sha256, &bytes).await?;
    let mut tx = ctx.store.begin().await?;
    let inserted = tx.insert_issued_document(&record).await?;
    if inserted {
        tx.audit(domain::audit::AuditRecord::new(
            now,
            Some(who.account_id),
            "notice.issued",
            "application",
            id,
            serde_json::json!({ "number": record.number, "kind": record.kind,
                "sha256": record.sha256, "size": record.size }),
        ));
    }
    tx.commit().await?;
    if inserted {
        return Ok((record, bytes));
    }
    stored(ctx, &number)
        .await?
        .ok_or(ServiceError::Internal("issued notice vanished"))
}

/// The record and bytes of a notice already issued.
async fn stored(ctx: &Ctx, number: &str) -> Result<Option<(IssuedDocument, Vec<u8>)>> {
    let record = {
        let mut tx = ctx.store.begin_read().await?;
        tx.issued_document(number).await?
    };
    let Some(record) = record else {
        return Ok(None);
    };
    let bytes = tokio::fs::read(super::uploads::path_of(ctx, &record.sha256)?)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, notice = %record.number, "an issued notice's file is missing");
            ServiceError::Unavailable("file_store_unavailable")
        })?;
    Ok(Some((record, bytes)))
}

/// The notice rendered and sealed with the current signing key, as of `now`. The same notice,
/// key and time give the same bytes.
pub async fn seal(ctx: &Ctx, content: &Notice, now: DateTime<Utc>) -> Result<Vec<u8>> {
    let keys = ctx.issuer.keys(&*ctx.store, now).await?;
    let key = super::issuer::signing_key(&keys)?;
    let body = notice::render(content);
    let issuer = credential::Issuer::parse(ctx.issuer.name())
        .ok_or(ServiceError::Internal("issuer name"))?;
    let permit = content
        .permit
        .as_ref()
        .and_then(|p| domain::numbers::PermitNumber::parse("permit", &p.number).ok());
    let seal = credential::DocumentSeal::new(
        issuer,
        now.timestamp(),
        &content.number,
        content.kind.code(),
        &body,
        permit,
    )
    .ok_or(ServiceError::Internal("notice number is not plain"))?;
    notice::attach_seal(&body, &seal.sign(key)).map_err(|e| {
        tracing::error!(error = %e, notice = %content.number, "sealing a notice failed");
        ServiceError::Internal("notice not sealed")
    })
}

fn status_text(status: PermitStatus) -> Bilingual {
    match status {
        PermitStatus::Valid => Bilingual::new("有效", "Valid"),
        PermitStatus::Expired => Bilingual::new("已过期", "Expired"),
        PermitStatus::Cancelled => Bilingual::new("已注销", "Cancelled"),
        PermitStatus::Superseded => Bilingual::new("已被取代", "Superseded"),
    }
}

fn kind_text(kind: ApplicationKind) -> Bilingual {
    match kind {
        ApplicationKind::New => Bilingual::new("新办", "New permit"),
        ApplicationKind::Extension => Bilingual::new("延期", "Extension"),
        ApplicationKind::Change => Bilingual::new("变更", "Change"),
        ApplicationKind::Cancellation => Bilingual::new("注销", "Cancellation"),
    }
}

/// What the notice of `kind` says about the application in `view`.
fn notice_of(
    ctx: &Ctx,
    kind: NoticeKind,
    number: &str,
    view: &ApplicationView,
    now: DateTime<Utc>,
) -> Notice {
    let app = &view.application;
    let today = china_date(now);
    // The revision the decision issued or, for a cancellation, the one it ended.
    let revision: Option<&Permit> = match app.kind() {
        ApplicationKind::Cancellation => view.permit.last(),
        _ => view
            .permit
            .iter()
            .rev()
            .find(|p| p.application_id == Some(app.id)),
    };
    let decided_on = app.decided_at.map(china_date).unwrap_or(today);
    let issued_on = if kind == NoticeKind::InformationPage {
        today
    } else {
        decided_on
    };
    // The decision's own notes: a refusal's or a cancellation's reasons.
    let reasons = view
        .events
        .iter()
        .rev()
        .find(|e| e.to_state == app.state)
        .map(|e| e.notes.clone())
        .unwrap_or_default();
    let city = app.city.info();
    let holder = match revision {
        Some(p) => Holder {
            name: p.holder_name.full(),
            nationality: p.nationality.to_string(),
            passport_number: p.passport_number.to_string(),
            date_of_birth: Some(view.person.date_of_birth),
        },
        None => Holder {
            name: view.person.name.full(),
            nationality: view.person.nationality.to_string(),
            passport_number: view.person.passport_number.to_string(),
            date_of_birth: Some(view.person.date_of_birth),
        },
    };
    Notice {
        kind,
        number: number.to_string(),
        issued_on,
        authority: Bilingual::new(
            format!("{}外国人工作管理部门", city.name_zh),
            format!("{} Foreigners' Work Authority", city.name_en),
        ),
        holder,
        employer: EmployerFacts {
            name: view.employer.name.to_string(),
            uscc: view.employer.uscc.to_string(),
        },
        permit: revision.map(|p| {
            let info = p.city.info();
            PermitFacts {
                number: p.number.to_string(),
                revision: p.revision,
                category: p.category.as_str().to_string(),
                position: p.position.to_string(),
                city: Bilingual::new(info.name_zh, info.name_en),
                valid_from: p.valid_from,
                valid_to: p.valid_to,
                status: status_text(p.status_on(today)),
            }
        }),
        application: Some(ApplicationFacts {
            receipt_number: app.receipt_number.to_string(),
            kind: kind_text(app.kind()),
            submitted_on: app.submitted_at.map(china_date),
        }),
        reasons,
        verify_url: format!("{}/verify", ctx.config.public_url.trim_end_matches('/')),
    }
}
