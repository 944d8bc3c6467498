//! The start-up step of sealing (`sealing`): a server that opens the database checks that its
//! data key is the one the rows are sealed under (recording it on first use), and seals what rows
//! written before sealing hold in clear. It goes through each table once by primary key, a page
//! per transaction, so that a large database is not locked for long and an interrupted pass
//! resumes (sealed rows are passed over). Once a pass ends, the database records it, and later
//! starts skip the step. Servers starting together may seal the same page twice: each result
//! opens, the last write stays.

/// Rows per transaction.
pub(crate) const PAGE: i64 = 1000;

/// The tables with identity numbers, in the order they are sealed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Table {
    People,
    Permits,
    Insurances,
    Visas,
    Claims,
    Applications,
    Notices,
    RegisterChecks,
    /// Card accounts named by the social security number they were registered with, renamed
    /// to their permit number (the holder signs in with either).
    AccountNames,
}

pub(crate) const TABLES: [Table; 9] = [
    Table::People,
    Table::Permits,
    Table::Insurances,
    Table::Visas,
    Table::Claims,
    Table::Applications,
    Table::Notices,
    Table::RegisterChecks,
    Table::AccountNames,
];

/// Where the pass through a table stands: after this key.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cursor {
    Id(uuid::Uuid),
    Seq(i64),
}

pub(crate) fn sealed(s: &str) -> bool {
    s.starts_with(crate::sealing::PREFIX)
}

macro_rules! impl_unsealed {
    ($store:ty, $tx:ty) => {
        impl $store {
            /// Checks the data key, then seals what rows written before sealing hold in clear.
            pub(crate) async fn seal_unsealed(&self) -> crate::Result<()> {
                let mut tx = self.begin_write().await?;
                let done = tx.check_data_key().await?;
                tx.tx.commit().await?;
                if done {
                    return Ok(());
                }
                let mut n = 0;
                for table in crate::unsealed::TABLES {
                    let mut cursor = match table {
                        crate::unsealed::Table::RegisterChecks => crate::unsealed::Cursor::Seq(i64::MIN),
                        _ => crate::unsealed::Cursor::Id(uuid::Uuid::nil()),
                    };
                    loop {
                        let mut tx = self.begin_write().await?;
                        let (next, sealed) = tx.seal_page(table, cursor).await?;
                        tx.tx.commit().await?;
                        n += sealed;
                        match next {
                            Some(c) => cursor = c,
                            None => break,
                        }
                    }
                }
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE data_key SET sealed_at = $1 WHERE id = 1")
                    .bind(chrono::Utc::now())
                    .execute(&mut *tx.tx)
                    .await?;
                tx.tx.commit().await?;
                if n > 0 {
                    tracing::info!(rows = n, "identity numbers written before sealing are sealed");
                }
                Ok(())
            }
        }

        impl $tx {
            /// Records the key's fingerprint if none is, or refuses another key; whether the
            /// pass over rows written before sealing is done.
            async fn check_data_key(&mut self) -> crate::Result<bool> {
                sqlx::query(
                    "INSERT INTO data_key (id, fingerprint, recorded_at) VALUES (1, $1, $2) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(self.key.fingerprint().to_vec())
                .bind(chrono::Utc::now())
                .execute(&mut *self.tx)
                .await?;
                let (fingerprint, sealed_at): (Vec<u8>, Option<chrono::DateTime<chrono::Utc>>) =
                    sqlx::query_as("SELECT fingerprint, sealed_at FROM data_key WHERE id = 1")
                        .fetch_one(&mut *self.tx)
                        .await?;
                if fingerprint != self.key.fingerprint() {
                    return Err(crate::StoreError::WrongDataKey);
                }
                Ok(sealed_at.is_some())
            }

            /// Seals the unsealed rows of a page of `table` after `cursor`; the cursor of the
            /// next page (none at the end) and how many rows were sealed.
            async fn seal_page(
                &mut self,
                table: crate::unsealed::Table,
                cursor: crate::unsealed::Cursor,
            ) -> crate::Result<(Option<crate::unsealed::Cursor>, u64)> {
                use crate::unsealed::{Cursor, PAGE, Table, sealed};
                let key = self.key.clone();
                let mut n = 0;
                let after = match cursor {
                    Cursor::Id(id) => id,
                    Cursor::Seq(_) => uuid::Uuid::nil(),
                };
                let last = match table {
                    Table::People => {
                        let rows: Vec<(uuid::Uuid, String, String)> = sqlx::query_as(
                            "SELECT id, nationality, passport_number FROM people WHERE id > $1 ORDER BY id LIMIT $2",
                        )
                        .bind(after).bind(PAGE).fetch_all(&mut *self.tx).await?;
                        for (id, nationality, passport) in &rows {
                            if sealed(passport) {
                                continue;
                            }
                            sqlx::query("UPDATE people SET passport_number = $2, passport_hash = $3 WHERE id = $1")
                                .bind(id)
                                .bind(key.seal(crate::sealing::column::PEOPLE_PASSPORT, *id, passport))
                                .bind(key.index(crate::sealing::column::PEOPLE_PASSPORT_HASH, &[nationality, passport]))
                                .execute(&mut *self.tx).await?;
                            n += 1;
                        }
                        rows.last().map(|r| Cursor::Id(r.0))
                    }
                    Table::Permits => {
                        let rows: Vec<(uuid::Uuid, String)> = sqlx::query_as(
                            "SELECT id, passport_number FROM permits WHERE id > $1 ORDER BY id LIMIT $2",
                        )
                        .bind(after).bind(PAGE).fetch_all(&mut *self.tx).await?;
                        for (id, passport) in &rows {
                            if sealed(passport) {
                                continue;
                            }
                            sqlx::query("UPDATE permits SET passport_number = $2 WHERE id = $1")
                                .bind(id)
                                .bind(key.seal(crate::sealing::column::PERMITS_PASSPORT, *id, passport))
                                .execute(&mut *self.tx).await?;
                            n += 1;
                        }
                        rows.last().map(|r| Cursor::Id(r.0))
                    }
                    Table::Insurances => {
                        let rows: Vec<(uuid::Uuid, Option<String>)> = sqlx::query_as(
                            "SELECT id, ssn FROM insurances WHERE id > $1 ORDER BY id LIMIT $2",
                        )
                        .bind(after).bind(PAGE).fetch_all(&mut *self.tx).await?;
                        for (id, ssn) in &rows {
                            let Some(ssn) = ssn.as_deref().filter(|s| !sealed(s)) else {
                                continue;
                            };
                            sqlx::query("UPDATE insurances SET ssn = $2, ssn_hash = $3 WHERE id = $1")
                                .bind(id)
                                .bind(key.seal(crate::sealing::column::INSURANCES_SSN, *id, ssn))
                                .bind(key.index(crate::sealing::column::INSURANCES_SSN_HASH, &[ssn]))
                                .execute(&mut *self.tx).await?;
                            n += 1;
                        }
                        rows.last().map(|r| Cursor::Id(r.0))
                    }
                    Table::Visas => {
                        let rows: Vec<(uuid::Uuid, String)> = sqlx::query_as(
                            "SELECT id, number FROM visas WHERE id > $1 ORDER BY id LIMIT $2",
                        )
                        .bind(after).bind(PAGE).fetch_all(&mut *self.tx).await?;
                        for (id, number) in &rows {
                            if sealed(number) {
                                continue;
                            }
                            sqlx::query("UPDATE visas SET number = $2, number_hash = $3 WHERE id = $1")
                                .bind(id)
                                .bind(key.seal(crate::sealing::column::VISAS_NUMBER, *id, number))
                                .bind(key.index(crate::sealing::column::VISAS_NUMBER_HASH, &[number]))
                                .execute(&mut *self.tx).await?;
                            n += 1;
                        }
                        rows.last().map(|r| Cursor::Id(r.0))
                    }
                    Table::Claims => {
                        let rows: Vec<(uuid::Uuid, Option<String>)> = sqlx::query_as(
                            "SELECT id, payment_account FROM benefit_claims WHERE id > $1 ORDER BY id LIMIT $2",
                        )
                        .bind(after).bind(PAGE).fetch_all(&mut *self.tx).await?;
                        for (id, account) in &rows {
                            let Some(account) = account.as_deref().filter(|s| !sealed(s)) else {
                                continue;
                            };
                            sqlx::query("UPDATE benefit_claims SET payment_account = $2 WHERE id = $1")
                                .bind(id)
                                .bind(key.seal(crate::sealing::column::CLAIMS_PAYMENT_ACCOUNT, *id, account))
                                .execute(&mut *self.tx).await?;
                            n += 1;
                        }
                        rows.last().map(|r| Cursor::Id(r.0))
                    }
                    Table::Applications => {
                        let rows: Vec<(uuid::Uuid, String)> = sqlx::query_as(
                            "SELECT id, details FROM applications WHERE id > $1 ORDER BY id LIMIT $2",
                        )
                        .bind(after).bind(PAGE).fetch_all(&mut *self.tx).await?;
                        for (id, details) in &rows {
                            let mut v: serde_json::Value = serde_json::from_str(details)
                                .map_err(|_| crate::StoreError::Corrupt(crate::sealing::column::APPLICATIONS_DETAILS.into()))?;
                            let before = v.clone();
                            key.seal_json(crate::sealing::column::APPLICATIONS_DETAILS, *id, &mut v);
                            if v == before {
                                continue;
                            }
                            sqlx::query("UPDATE applications SET details = $2 WHERE id = $1")
                                .bind(id)
                                .bind(v.to_string())
                                .execute(&mut *self.tx).await?;
                            n += 1;
                        }
                        rows.last().map(|r| Cursor::Id(r.0))
                    }
                    Table::Notices => {
                        let rows: Vec<(uuid::Uuid, String)> = sqlx::query_as(
                            "SELECT id, params FROM notices WHERE id > $1 ORDER BY id LIMIT $2",
                        )
                        .bind(after).bind(PAGE).fetch_all(&mut *self.tx).await?;
                        for (id, params) in &rows {
                            let pairs: Vec<(String, String)> = serde_json::from_str(params)
                                .map_err(|_| crate::StoreError::Corrupt(crate::sealing::column::NOTICES_PARAMS.into()))?;
                            let sealed_pairs = key.seal_pairs(crate::sealing::column::NOTICES_PARAMS, *id, &pairs);
                            if sealed_pairs == pairs {
                                continue;
                            }
                            sqlx::query("UPDATE notices SET params = $2 WHERE id = $1")
                                .bind(id)
                                .bind(serde_json::to_string(&sealed_pairs).expect("serialisable"))
                                .execute(&mut *self.tx).await?;
                            n += 1;
                        }
                        rows.last().map(|r| Cursor::Id(r.0))
                    }
                    Table::RegisterChecks => {
                        let after = match cursor {
                            Cursor::Seq(s) => s,
                            Cursor::Id(_) => i64::MIN,
                        };
                        let rows: Vec<(i64, uuid::Uuid, String)> = sqlx::query_as(
                            "SELECT seq, application_id, answer FROM register_checks WHERE seq > $1 ORDER BY seq LIMIT $2",
                        )
                        .bind(after).bind(PAGE).fetch_all(&mut *self.tx).await?;
                        for (seq, application, answer) in &rows {
                            if answer.is_empty() || sealed(answer) {
                                continue;
                            }
                            sqlx::query("UPDATE register_checks SET answer = $2 WHERE seq = $1")
                                .bind(seq)
                                .bind(key.seal(crate::sealing::column::REGISTER_CHECKS_ANSWER, *application, answer))
                                .execute(&mut *self.tx).await?;
                            n += 1;
                        }
                        rows.last().map(|r| Cursor::Seq(r.0))
                    }
                    Table::AccountNames => {
                        // One statement: a person has one card account, so the permit number
                        // names no other.
                        n += sqlx::query(
                            "UPDATE accounts SET username = (SELECT lower(p.number) FROM card_registrations c \
                             JOIN permits p ON p.holder_id = c.person_id WHERE c.account_id = accounts.id \
                             ORDER BY p.valid_from DESC, p.revision DESC LIMIT 1) \
                             WHERE username LIKE 's%' AND id IN (SELECT c.account_id FROM card_registrations c \
                             JOIN permits p ON p.holder_id = c.person_id)",
                        )
                        .execute(&mut *self.tx)
                        .await?
                        .rows_affected();
                        None
                    }
                };
                Ok((last, n))
            }
        }
    };
}

pub(crate) use impl_unsealed;
