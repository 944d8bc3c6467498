//! Bulk writes for `onecard import`, which moves the holders of pre-reform physical cards into
//! the database by the hundred thousand: multi-row statements instead of one per row, look-ups
//! by the keys a legacy file carries (USCC, passport, permit number), and the checkpoint that
//! lets an interrupted import resume.

use crate::Result;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::numbers::PermitNumber;
use domain::party::{Employer, Person, Uscc};
use domain::permit::Permit;
use domain::values::{Nationality, PassportNumber};

/// How far the import of one file (known by the SHA-256 of its bytes) got: every line up to
/// `last_line` was dealt with in a committed batch. Counts are of rows, over all runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportCheckpoint {
    /// Lower-case hex.
    pub sha256: String,
    pub file_name: String,
    pub last_line: u64,
    pub imported: u64,
    /// Rows whose permit number was in the database already.
    pub present: u64,
    pub refused: u64,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait Imports: Send {
    /// Readies the connection for a bulk load; commit the transaction for it to hold. The
    /// setting stays with the connection, so call it from a process that only imports, on a
    /// store of one connection.
    ///
    /// SQLite: a page cache large enough for the indexes that rows land all over (by employer,
    /// by permit number), and statement journals in memory; with the default 2 MB cache and
    /// journals in files, a million rows took minutes. PostgreSQL: a plan for each execution,
    /// since a statement's generic plan, made while the tables were empty, scans them whole.
    async fn prepare_bulk_load(&mut self) -> Result<()>;
    /// Brings the planner's statistics of the tables a bulk load fills up to date, as they
    /// grow. PostgreSQL: without them it takes the default selectivity of an equality (0.5 %)
    /// and answers a 64-value `IN` by scanning the whole table. SQLite plans without them.
    async fn refresh_statistics(&mut self) -> Result<()>;
    /// The employers among these codes that exist, in no particular order.
    async fn employers_by_uscc(&mut self, usccs: &[Uscc]) -> Result<Vec<Employer>>;
    /// The people among these passports that exist, in no particular order.
    async fn people_by_passport(
        &mut self,
        passports: &[(Nationality, PassportNumber)],
    ) -> Result<Vec<Person>>;
    /// The numbers among `numbers` that some permit revision carries already, each with the
    /// passports its revisions name.
    async fn permit_passports(
        &mut self,
        numbers: &[PermitNumber],
    ) -> Result<Vec<(PermitNumber, Nationality, PassportNumber)>>;
    /// `Conflict("uscc")` if a code is taken.
    async fn insert_employers(&mut self, employers: &[Employer], at: DateTime<Utc>) -> Result<()>;
    /// `Conflict("passport_number")` if a passport is taken.
    async fn insert_people(&mut self, people: &[Person], at: DateTime<Utc>) -> Result<()>;
    /// Inserts permit revisions, each with the next entry of the status list (taken together);
    /// `Conflict("permit_revision")` if a number and revision are taken.
    async fn insert_permits(&mut self, permits: &[Permit], at: DateTime<Utc>) -> Result<()>;
    /// Raises a named counter to `at_least` if it is lower, so that serials given out later
    /// do not repeat numbers that came from elsewhere.
    async fn raise_counter(&mut self, name: &str, at_least: u64) -> Result<()>;
    async fn import_checkpoint(&mut self, sha256: &str) -> Result<Option<ImportCheckpoint>>;
    /// Writes the checkpoint of its file, replacing the one before.
    async fn save_import_checkpoint(&mut self, c: &ImportCheckpoint) -> Result<()>;
}

/// Writes the `Imports` methods for a backend; `$greatest` is its two-argument maximum, `$bulk`
/// the statements that ready a connection for a bulk load and `$analyze` those that refresh
/// the statistics (none if empty).
macro_rules! impl_imports {
    ($ty:ty, $db:ty, $greatest:literal, $bulk:literal, $analyze:literal) => {
        #[async_trait::async_trait]
        impl crate::imports::Imports for $ty {
            async fn refresh_statistics(&mut self) -> crate::Result<()> {
                const ANALYZE: &str = $analyze;
                if !ANALYZE.is_empty() {
                    sqlx::raw_sql(ANALYZE).execute(&mut *self.tx).await?;
                }
                Ok(())
            }

            async fn prepare_bulk_load(&mut self) -> crate::Result<()> {
                sqlx::raw_sql($bulk).execute(&mut *self.tx).await?;
                Ok(())
            }

            async fn employers_by_uscc(&mut self, usccs: &[domain::party::Uscc]) -> crate::Result<Vec<domain::party::Employer>> {
                let mut out = Vec::new();
                for list in crate::common::in_lists(usccs) {
                    let mut q = sqlx::QueryBuilder::<$db>::new("SELECT id, name, uscc, city, kind FROM employers WHERE uscc IN (");
                    let mut sep = q.separated(", ");
                    for u in &list {
                        sep.push_bind(u.as_str().to_string());
                    }
                    q.push(")");
                    let rows: Vec<crate::rows::EmployerRow> = q.build_query_as().fetch_all(&mut *self.tx).await?;
                    for row in rows {
                        out.push(row.try_into()?);
                    }
                }
                Ok(out)
            }

            async fn people_by_passport(
                &mut self,
                passports: &[(domain::values::Nationality, domain::values::PassportNumber)],
            ) -> crate::Result<Vec<domain::party::Person>> {
                let mut out = Vec::new();
                for list in crate::common::in_lists(passports) {
                    // By the keyed hash of both, which the unique index serves.
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "SELECT id, employer_id, surname, given_names, nationality, passport_number, date_of_birth, sex, email, phone \
                         FROM people WHERE passport_hash IN (",
                    );
                    let mut sep = q.separated(", ");
                    for (n, p) in &list {
                        sep.push_bind(self.key.index(crate::sealing::column::PEOPLE_PASSPORT_HASH, &[n.as_str(), p.as_str()]));
                    }
                    q.push(")");
                    let rows: Vec<crate::rows::PersonRow> = q.build_query_as().fetch_all(&mut *self.tx).await?;
                    for row in rows {
                        out.push(row.open(&self.key)?);
                    }
                }
                Ok(out)
            }

            async fn permit_passports(
                &mut self,
                numbers: &[domain::numbers::PermitNumber],
            ) -> crate::Result<Vec<(domain::numbers::PermitNumber, domain::values::Nationality, domain::values::PassportNumber)>> {
                let mut out = Vec::new();
                let mut seen = std::collections::HashSet::new();
                for list in crate::common::in_lists(numbers) {
                    // Every revision: sealed, equal numbers differ.
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "SELECT id, number, nationality, passport_number FROM permits WHERE number IN (",
                    );
                    let mut sep = q.separated(", ");
                    for n in &list {
                        sep.push_bind(n.as_str().to_string());
                    }
                    q.push(")");
                    let rows: Vec<(uuid::Uuid, String, String, String)> = q.build_query_as().fetch_all(&mut *self.tx).await?;
                    for (id, n, nat, pass) in rows {
                        let pass = self.key.open(crate::sealing::column::PERMITS_PASSPORT, id, &pass)?;
                        if !seen.insert((n.clone(), nat.clone(), pass.clone())) {
                            continue;
                        }
                        let nat = domain::values::Nationality::parse("nationality", &nat)
                            .map_err(|_| crate::StoreError::Corrupt(format!("nationality: {nat}")))?;
                        out.push((
                            domain::numbers::PermitNumber::from_trusted(n),
                            nat,
                            domain::values::PassportNumber::from_trusted(pass),
                        ));
                    }
                }
                Ok(out)
            }

            async fn insert_employers(&mut self, employers: &[domain::party::Employer], at: chrono::DateTime<chrono::Utc>) -> crate::Result<()> {
                for run in crate::common::runs(employers) {
                    let mut q = sqlx::QueryBuilder::<$db>::new("INSERT INTO employers (id, name, uscc, city, kind, created_at) ");
                    q.push_values(run, |mut b, e| {
                        b.push_bind(e.id.0)
                            .push_bind(e.name.as_str().to_string())
                            .push_bind(e.uscc.as_str().to_string())
                            .push_bind(e.city.code())
                            .push_bind(e.kind.as_str())
                            .push_bind(at);
                    });
                    q.build().execute(&mut *self.tx).await.map_err(|e| crate::common::unique(e, "uscc"))?;
                }
                Ok(())
            }

            async fn insert_people(&mut self, people: &[domain::party::Person], at: chrono::DateTime<chrono::Utc>) -> crate::Result<()> {
                for run in crate::common::runs(people) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO people (id, employer_id, surname, given_names, nationality, passport_number, date_of_birth, sex, email, phone, created_at, passport_hash) ",
                    );
                    let key = self.key.clone();
                    q.push_values(run, |mut b, p| {
                        b.push_bind(p.id.0)
                            .push_bind(p.employer_id.0)
                            .push_bind(p.name.surname.as_str().to_string())
                            .push_bind(p.name.given_names.as_ref().map(|g| g.as_str().to_string()))
                            .push_bind(p.nationality.as_str().to_string())
                            .push_bind(key.seal(crate::sealing::column::PEOPLE_PASSPORT, p.id.0, p.passport_number.as_str()))
                            .push_bind(p.date_of_birth)
                            .push_bind(p.sex.as_str())
                            .push_bind(p.email.as_str().to_string())
                            .push_bind(p.phone.as_ref().map(|p| p.as_str().to_string()))
                            .push_bind(at)
                            .push_bind(crate::common::passport_hash(&key, p));
                    });
                    q.build().execute(&mut *self.tx).await.map_err(|e| crate::common::unique(e, "passport_number"))?;
                }
                Ok(())
            }

            async fn insert_permits(&mut self, permits: &[domain::permit::Permit], at: chrono::DateTime<chrono::Utc>) -> crate::Result<()> {
                if permits.is_empty() {
                    return Ok(());
                }
                // The status list entries of the whole batch in one step; the counter starts at 1.
                let n = permits.len() as i64;
                let (last,): (i64,) = sqlx::query_as(
                    "INSERT INTO counters (name, value) VALUES ('status_index', $1) \
                     ON CONFLICT (name) DO UPDATE SET value = counters.value + $1 RETURNING value",
                )
                .bind(n)
                .fetch_one(&mut *self.tx)
                .await?;
                let mut idx = last - n;
                for run in crate::common::runs(permits) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO permits (id, number, revision, holder_id, employer_id, surname, given_names, nationality, passport_number, \
                         category, position, city, valid_from, valid_to, status, status_changed_on, medium, application_id, created_at, status_idx) ",
                    );
                    let key = self.key.clone();
                    q.push_values(run, |mut b, p| {
                        b.push_bind(p.id.0)
                            .push_bind(p.number.as_str().to_string())
                            .push_bind(p.revision)
                            .push_bind(p.holder_id.0)
                            .push_bind(p.employer_id.0)
                            .push_bind(p.holder_name.surname.as_str().to_string())
                            .push_bind(p.holder_name.given_names.as_ref().map(|g| g.as_str().to_string()))
                            .push_bind(p.nationality.as_str().to_string())
                            .push_bind(key.seal(crate::sealing::column::PERMITS_PASSPORT, p.id.0, p.passport_number.as_str()))
                            .push_bind(p.category.as_str())
                            .push_bind(p.position.as_str().to_string())
                            .push_bind(p.city.code())
                            .push_bind(p.valid_from)
                            .push_bind(p.valid_to)
                            .push_bind(p.status.as_str())
                            .push_bind(p.status_changed_on)
                            .push_bind(p.medium.as_str())
                            .push_bind(p.application_id.map(|a| a.0))
                            .push_bind(at)
                            .push_bind(idx);
                        idx += 1;
                    });
                    q.build().execute(&mut *self.tx).await.map_err(|e| crate::common::unique(e, "permit_revision"))?;
                }
                Ok(())
            }

            async fn raise_counter(&mut self, name: &str, at_least: u64) -> crate::Result<()> {
                sqlx::query(concat!(
                    "INSERT INTO counters (name, value) VALUES ($1, $2) \
                     ON CONFLICT (name) DO UPDATE SET value = ", $greatest, "(counters.value, excluded.value)"
                ))
                .bind(name)
                .bind(i64::try_from(at_least).unwrap_or(i64::MAX))
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            async fn import_checkpoint(&mut self, sha256: &str) -> crate::Result<Option<crate::imports::ImportCheckpoint>> {
                #[allow(clippy::type_complexity)]
                let row: Option<(String, String, i64, i64, i64, i64, chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>, Option<chrono::DateTime<chrono::Utc>>)> =
                    sqlx::query_as(
                        "SELECT sha256, file_name, last_line, imported, present, refused, started_at, updated_at, finished_at \
                         FROM imports WHERE sha256 = $1",
                    )
                    .bind(sha256)
                    .fetch_optional(&mut *self.tx)
                    .await?;
                Ok(row.map(|(sha256, file_name, last_line, imported, present, refused, started_at, updated_at, finished_at)| {
                    crate::imports::ImportCheckpoint {
                        sha256,
                        file_name,
                        last_line: last_line as u64,
                        imported: imported as u64,
                        present: present as u64,
                        refused: refused as u64,
                        started_at,
                        updated_at,
                        finished_at,
                    }
                }))
            }

            async fn save_import_checkpoint(&mut self, c: &crate::imports::ImportCheckpoint) -> crate::Result<()> {
                sqlx::query(
                    "INSERT INTO imports (sha256, file_name, last_line, imported, present, refused, started_at, updated_at, finished_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     ON CONFLICT (sha256) DO UPDATE SET file_name = excluded.file_name, last_line = excluded.last_line, \
                     imported = excluded.imported, present = excluded.present, refused = excluded.refused, \
                     updated_at = excluded.updated_at, finished_at = excluded.finished_at",
                )
                .bind(&c.sha256)
                .bind(&c.file_name)
                .bind(c.last_line as i64)
                .bind(c.imported as i64)
                .bind(c.present as i64)
                .bind(c.refused as i64)
                .bind(c.started_at)
                .bind(c.updated_at)
                .bind(c.finished_at)
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }
        }
    };
}

pub(crate) use impl_imports;
