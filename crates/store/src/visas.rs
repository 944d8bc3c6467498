//! Visas immigration entered for people: written once, read newest first.

use crate::{Result, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::city::City;
use domain::ids::{AccountId, PersonId, VisaId};
use domain::values::Text;
use domain::visa::{Entries, StayDays, Visa, VisaCategory, VisaDetails, VisaNumber};

#[async_trait]
pub trait Visas: Send {
    /// `Conflict("visa_duplicate")` if the person has a visa of that number already.
    async fn insert_visa(&mut self, v: &Visa) -> Result<()>;
    /// A person's visas, the newest first (by day of issue, then by when they were entered).
    async fn visas_of(&mut self, person: PersonId) -> Result<Vec<Visa>>;
}

fn corrupt(what: &str, v: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {v}"))
}

pub(crate) const VISA_COLUMNS: &str = "id, person_id, number, category, issuing_post, issued_on, valid_until, \
     entries, stay_days, remarks, city, entered_by, entered_at";

#[derive(sqlx::FromRow)]
pub(crate) struct VisaRow {
    id: uuid::Uuid,
    person_id: uuid::Uuid,
    number: String,
    category: String,
    issuing_post: String,
    issued_on: NaiveDate,
    valid_until: NaiveDate,
    entries: String,
    stay_days: i64,
    remarks: Option<String>,
    city: String,
    entered_by: uuid::Uuid,
    entered_at: DateTime<Utc>,
}

impl VisaRow {
    pub(crate) fn open(self, key: &crate::DataKey) -> Result<Visa> {
        let r = self;
        let number = key.open(crate::sealing::column::VISAS_NUMBER, r.id, &r.number)?;
        Ok(Visa {
            id: VisaId(r.id),
            person_id: PersonId(r.person_id),
            details: VisaDetails {
                number: VisaNumber::from_trusted(number),
                category: VisaCategory::from_code(&r.category)
                    .ok_or_else(|| corrupt("visa category", &r.category))?,
                issuing_post: Text::from_trusted(r.issuing_post),
                issued_on: r.issued_on,
                valid_until: r.valid_until,
                entries: Entries::from_code(&r.entries)
                    .ok_or_else(|| corrupt("visa entries", &r.entries))?,
                stay_days: StayDays::new("stay_days", r.stay_days)
                    .map_err(|_| corrupt("visa stay days", r.stay_days))?,
                remarks: r.remarks.map(Text::from_trusted),
            },
            city: City::parse("city", &r.city).map_err(|_| corrupt("visa city", &r.city))?,
            entered_by: AccountId(r.entered_by),
            entered_at: r.entered_at,
        })
    }
}

macro_rules! impl_visas {
    ($ty:ty) => {
        #[async_trait::async_trait]
        impl crate::visas::Visas for $ty {
            async fn insert_visa(&mut self, v: &domain::visa::Visa) -> crate::Result<()> {
                let d = &v.details;
                sqlx::query(
                    "INSERT INTO visas (id, person_id, number, category, issuing_post, issued_on, valid_until, \
                     entries, stay_days, remarks, city, entered_by, entered_at, number_hash) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                )
                .bind(v.id.0)
                .bind(v.person_id.0)
                .bind(self.key.seal(crate::sealing::column::VISAS_NUMBER, v.id.0, d.number.as_str()))
                .bind(d.category.as_str())
                .bind(d.issuing_post.as_str())
                .bind(d.issued_on)
                .bind(d.valid_until)
                .bind(d.entries.as_str())
                .bind(i64::from(d.stay_days.days()))
                .bind(d.remarks.as_ref().map(|r| r.as_str().to_string()))
                .bind(v.city.code())
                .bind(v.entered_by.0)
                .bind(v.entered_at)
                .bind(self.key.index(crate::sealing::column::VISAS_NUMBER_HASH, &[d.number.as_str()]))
                .execute(&mut *self.tx)
                .await
                .map_err(|e| crate::common::unique(e, "visa_duplicate"))?;
                Ok(())
            }

            async fn visas_of(&mut self, person: domain::ids::PersonId) -> crate::Result<Vec<domain::visa::Visa>> {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM visas WHERE person_id = $1 ORDER BY issued_on DESC, entered_at DESC, id DESC",
                    crate::visas::VISA_COLUMNS
                ));
                let rows: Vec<crate::visas::VisaRow> =
                    sqlx::query_as(sql).bind(person.0).fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(|r| r.open(&self.key)).collect()
            }
        }
    };
}

pub(crate) use impl_visas;
