//! The records of files uploaded for an application's checklist (the bytes are on disk,
//! content-addressed), and the officer's check of each.

use crate::{Result, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::city::City;
use domain::ids::{AccountId, ApplicationId, PersonId};
use domain::policy::DocumentKind;

/// Where the officer's check of a file stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UploadStatus {
    Submitted,
    Verified,
    /// A new file is asked for, with the reason.
    Rejected,
}

impl UploadStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            UploadStatus::Submitted => "submitted",
            UploadStatus::Verified => "verified",
            UploadStatus::Rejected => "rejected",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        [
            UploadStatus::Submitted,
            UploadStatus::Verified,
            UploadStatus::Rejected,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUpload {
    pub id: uuid::Uuid,
    pub application_id: ApplicationId,
    pub document: DocumentKind,
    /// Lower-case hex; the file's name on disk.
    pub sha256: String,
    pub media_type: String,
    pub size: i64,
    pub file_name: String,
    pub declared_date: Option<NaiveDate>,
    pub uploaded_by: AccountId,
    pub uploaded_at: DateTime<Utc>,
    pub status: UploadStatus,
    pub reason: Option<String>,
    pub decided_by: Option<AccountId>,
    pub decided_at: Option<DateTime<Utc>>,
    /// Set on a document verified on another application and counted as provided for this one:
    /// the original, and the city whose officer verified it (`decided_by`, `decided_at`).
    pub reused_from: Option<ReusedFrom>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReusedFrom {
    pub upload: uuid::Uuid,
    pub city: City,
}

/// A verified upload of one of a person's applications, with that application's city.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedElsewhere {
    pub upload: StoredUpload,
    pub city: City,
}

#[async_trait]
pub trait Uploads: Send {
    async fn insert_upload(&mut self, u: &StoredUpload) -> Result<()>;
    async fn upload(&mut self, id: uuid::Uuid) -> Result<Option<StoredUpload>>;
    /// An application's files, oldest first.
    async fn uploads(&mut self, application: ApplicationId) -> Result<Vec<StoredUpload>>;
    /// Writes the officer's check; false if the file was checked already.
    async fn decide_upload(&mut self, u: &StoredUpload) -> Result<bool>;
    /// Writes a reuse row (`reused_from` set); false if the application already reuses that
    /// original.
    async fn insert_reused_upload(&mut self, u: &StoredUpload) -> Result<bool>;
    /// The verified uploads of the person's other applications, that are not themselves reuses,
    /// oldest first.
    async fn verified_uploads_of_person(
        &mut self,
        person: PersonId,
        except: ApplicationId,
    ) -> Result<Vec<VerifiedElsewhere>>;
}

pub(crate) const UPLOAD_COLUMNS: &str = "id, application_id, document, sha256, media_type, size, file_name, declared_date, \
     uploaded_by, uploaded_at, status, reason, decided_by, decided_at, reused_from, reused_city";

#[derive(sqlx::FromRow)]
pub(crate) struct UploadRow {
    id: uuid::Uuid,
    application_id: uuid::Uuid,
    document: String,
    sha256: String,
    media_type: String,
    size: i64,
    file_name: String,
    declared_date: Option<NaiveDate>,
    uploaded_by: uuid::Uuid,
    uploaded_at: DateTime<Utc>,
    status: String,
    reason: Option<String>,
    decided_by: Option<uuid::Uuid>,
    decided_at: Option<DateTime<Utc>>,
    reused_from: Option<uuid::Uuid>,
    reused_city: Option<String>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct ElsewhereRow {
    #[sqlx(flatten)]
    upload: UploadRow,
    app_city: String,
}

impl TryFrom<ElsewhereRow> for VerifiedElsewhere {
    type Error = StoreError;
    fn try_from(r: ElsewhereRow) -> Result<Self> {
        Ok(VerifiedElsewhere {
            upload: r.upload.try_into()?,
            city: City::parse("city", &r.app_city)
                .map_err(|_| StoreError::Corrupt(format!("application city: {}", r.app_city)))?,
        })
    }
}

impl TryFrom<UploadRow> for StoredUpload {
    type Error = StoreError;
    fn try_from(r: UploadRow) -> Result<Self> {
        let corrupt = |what: &str, v: &str| StoreError::Corrupt(format!("upload {what}: {v}"));
        Ok(StoredUpload {
            id: r.id,
            application_id: ApplicationId(r.application_id),
            document: DocumentKind::from_code(&r.document)
                .ok_or_else(|| corrupt("document", &r.document))?,
            sha256: r.sha256,
            media_type: r.media_type,
            size: r.size,
            file_name: r.file_name,
            declared_date: r.declared_date,
            uploaded_by: AccountId(r.uploaded_by),
            uploaded_at: r.uploaded_at,
            status: UploadStatus::from_code(&r.status)
                .ok_or_else(|| corrupt("status", &r.status))?,
            reason: r.reason,
            decided_by: r.decided_by.map(AccountId),
            decided_at: r.decided_at,
            reused_from: match (r.reused_from, r.reused_city) {
                (None, None) => None,
                (Some(upload), Some(city)) => Some(ReusedFrom {
                    upload,
                    city: City::parse("city", &city).map_err(|_| corrupt("reused_city", &city))?,
                }),
                _ => return Err(corrupt("reused_from", "without its city, or the reverse")),
            },
        })
    }
}

/// An upload row's insert; a reuse is recorded once per original.
pub(crate) const INSERT_UPLOAD: &str = "INSERT INTO uploads (id, application_id, document, sha256, media_type, size, file_name, declared_date, \
     uploaded_by, uploaded_at, status, reason, decided_by, decided_at, reused_from, reused_city) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";
pub(crate) const INSERT_REUSED_UPLOAD: &str = "INSERT INTO uploads (id, application_id, document, sha256, media_type, size, file_name, declared_date, \
     uploaded_by, uploaded_at, status, reason, decided_by, decided_at, reused_from, reused_city) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
     ON CONFLICT (application_id, reused_from) WHERE reused_from IS NOT NULL DO NOTHING";

macro_rules! impl_uploads {
    ($ty:ty, $db:ty) => {
        /// The values of [`INSERT_UPLOAD`](crate::uploads::INSERT_UPLOAD), in its order.
        fn bind_upload<'q>(
            q: sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments>,
            u: &'q crate::uploads::StoredUpload,
        ) -> sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments> {
            q.bind(u.id)
                .bind(u.application_id.0)
                .bind(u.document.as_str())
                .bind(&u.sha256)
                .bind(&u.media_type)
                .bind(u.size)
                .bind(&u.file_name)
                .bind(u.declared_date)
                .bind(u.uploaded_by.0)
                .bind(u.uploaded_at)
                .bind(u.status.as_str())
                .bind(&u.reason)
                .bind(u.decided_by.map(|a| a.0))
                .bind(u.decided_at)
                .bind(u.reused_from.map(|r| r.upload))
                .bind(u.reused_from.map(|r| r.city.code()))
        }

        #[async_trait::async_trait]
        impl crate::uploads::Uploads for $ty {
            async fn insert_upload(&mut self, u: &crate::uploads::StoredUpload) -> crate::Result<()> {
                bind_upload(sqlx::query(crate::uploads::INSERT_UPLOAD), u)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn insert_reused_upload(&mut self, u: &crate::uploads::StoredUpload) -> crate::Result<bool> {
                if u.reused_from.is_none() {
                    return Err(crate::StoreError::Corrupt("a reuse row without its original".into()));
                }
                let done = bind_upload(sqlx::query(crate::uploads::INSERT_REUSED_UPLOAD), u)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn verified_uploads_of_person(
                &mut self,
                person: domain::ids::PersonId,
                except: domain::ids::ApplicationId,
            ) -> crate::Result<Vec<crate::uploads::VerifiedElsewhere>> {
                let columns = crate::uploads::UPLOAD_COLUMNS
                    .split(", ")
                    .map(|c| format!("u.{}", c.trim()))
                    .collect::<Vec<_>>()
                    .join(", ");
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {columns}, a.city AS app_city FROM uploads u JOIN applications a ON a.id = u.application_id \
                     WHERE a.person_id = $1 AND u.application_id <> $2 AND u.status = 'verified' \
                     AND u.reused_from IS NULL ORDER BY u.decided_at, u.id"
                ));
                let rows: Vec<crate::uploads::ElsewhereRow> = sqlx::query_as(sql)
                    .bind(person.0)
                    .bind(except.0)
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn upload(&mut self, id: uuid::Uuid) -> crate::Result<Option<crate::uploads::StoredUpload>> {
                let sql = sqlx::AssertSqlSafe(format!("SELECT {} FROM uploads WHERE id = $1", crate::uploads::UPLOAD_COLUMNS));
                let row: Option<crate::uploads::UploadRow> = sqlx::query_as(sql).bind(id).fetch_optional(&mut *self.tx).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn uploads(&mut self, application: domain::ids::ApplicationId) -> crate::Result<Vec<crate::uploads::StoredUpload>> {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM uploads WHERE application_id = $1 ORDER BY uploaded_at, id",
                    crate::uploads::UPLOAD_COLUMNS
                ));
                let rows: Vec<crate::uploads::UploadRow> = sqlx::query_as(sql).bind(application.0).fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn decide_upload(&mut self, u: &crate::uploads::StoredUpload) -> crate::Result<bool> {
                let done = sqlx::query(
                    "UPDATE uploads SET status = $2, reason = $3, decided_by = $4, decided_at = $5 \
                     WHERE id = $1 AND status = 'submitted'",
                )
                .bind(u.id)
                .bind(u.status.as_str())
                .bind(&u.reason)
                .bind(u.decided_by.map(|a| a.0))
                .bind(u.decided_at)
                .execute(&mut *self.tx)
                .await?;
                Ok(done.rows_affected() == 1)
            }
        }
    };
}

pub(crate) use impl_uploads;
