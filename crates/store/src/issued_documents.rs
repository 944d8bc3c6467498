//! The records of the official notices issued for applications (the bytes are on disk,
//! content-addressed, like uploads).

use crate::Result;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::ids::ApplicationId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedDocument {
    /// The notice's own number, as printed and sealed.
    pub number: String,
    pub application_id: ApplicationId,
    /// The notice's kind code (`documents::notice::NoticeKind::code`).
    pub kind: String,
    /// Lower-case hex; the file's name on disk.
    pub sha256: String,
    pub size: i64,
    /// When the decision it records was made: the seal's time of issue.
    pub issued_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    number: String,
    application_id: uuid::Uuid,
    kind: String,
    sha256: String,
    size: i64,
    issued_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
}

impl From<Row> for IssuedDocument {
    fn from(r: Row) -> Self {
        IssuedDocument {
            number: r.number,
            application_id: ApplicationId(r.application_id),
            kind: r.kind,
            sha256: r.sha256,
            size: r.size,
            issued_at: r.issued_at,
            created_at: r.created_at,
        }
    }
}

#[async_trait]
pub trait IssuedDocuments: Send {
    /// Records a notice once: false if the application has one of this kind already, which is
    /// then the one that stands.
    async fn insert_issued_document(&mut self, d: &IssuedDocument) -> Result<bool>;
    /// An application's notices, in the order they were recorded.
    async fn issued_documents(&mut self, application: ApplicationId)
    -> Result<Vec<IssuedDocument>>;
    async fn issued_document(&mut self, number: &str) -> Result<Option<IssuedDocument>>;
}

macro_rules! impl_issued_documents {
    ($ty:ty) => {
        #[async_trait::async_trait]
        impl crate::issued_documents::IssuedDocuments for $ty {
            async fn insert_issued_document(
                &mut self,
                d: &crate::issued_documents::IssuedDocument,
            ) -> crate::Result<bool> {
                let done = sqlx::query(
                    "INSERT INTO issued_documents (number, application_id, kind, sha256, size, issued_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                )
                .bind(&d.number)
                .bind(d.application_id.0)
                .bind(&d.kind)
                .bind(&d.sha256)
                .bind(d.size)
                .bind(d.issued_at)
                .bind(d.created_at)
                .execute(&mut *self.tx)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn issued_documents(
                &mut self,
                application: domain::ids::ApplicationId,
            ) -> crate::Result<Vec<crate::issued_documents::IssuedDocument>> {
                let rows: Vec<crate::issued_documents::Row> = sqlx::query_as(
                    "SELECT number, application_id, kind, sha256, size, issued_at, created_at \
                     FROM issued_documents WHERE application_id = $1 ORDER BY created_at, number",
                )
                .bind(application.0)
                .fetch_all(&mut *self.tx)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn issued_document(
                &mut self,
                number: &str,
            ) -> crate::Result<Option<crate::issued_documents::IssuedDocument>> {
                let row: Option<crate::issued_documents::Row> = sqlx::query_as(
                    "SELECT number, application_id, kind, sha256, size, issued_at, created_at \
                     FROM issued_documents WHERE number = $1",
                )
                .bind(number)
                .fetch_optional(&mut *self.tx)
                .await?;
                Ok(row.map(Into::into))
            }
        }
    };
}

pub(crate) use impl_issued_documents;
