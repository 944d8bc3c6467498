//! Opening a database without writing to it: a PostgreSQL hot-standby replica, or a database
//! another process owns. Every other open migrates the schema and runs the sealing pass
//! (`unsealed`), both writes that a replica refuses; a read-only open does neither. It checks
//! instead that the database is one this binary can read as it is: the same schema version, the
//! same data key, every identity number already sealed. Its connections refuse writes too
//! (PostgreSQL: `default_transaction_read_only`; SQLite: opened read-only), so a command meant
//! to read cannot change a primary by mistake.

use crate::{DataKey, Result, StoreError};

/// What a read-only open found in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// The newest migration applied; none where no OneCard schema is.
    pub schema: Option<i64>,
    /// The recorded data key's fingerprint, and whether the sealing pass has ended.
    pub data_key: Option<(Vec<u8>, bool)>,
}

/// Whether a database in the state `found` can be read by a binary of schema `expected` with
/// `key`; if not, what to do about it.
pub(crate) fn check(found: &Found, expected: i64, key: &DataKey) -> Result<()> {
    let not_ready = |s: String| Err(StoreError::NotReady(s));
    match found.schema {
        None => {
            return not_ready(
                "no OneCard schema in this database: run `onecard migrate` (or start a server) on \
                 the primary first"
                    .into(),
            );
        }
        Some(v) if v < expected => {
            return not_ready(format!(
                "the database's schema is at version {v} and this onecard reads version \
                 {expected}: upgrade the primary (`onecard migrate`) and let the replica catch up"
            ));
        }
        Some(v) if v > expected => {
            return not_ready(format!(
                "the database's schema is at version {v}, newer than this onecard's {expected}: \
                 use the onecard the servers run"
            ));
        }
        Some(_) => {}
    }
    match &found.data_key {
        None => not_ready(
            "no data key recorded in this database yet: start a server on the primary first".into(),
        ),
        Some((fingerprint, _)) if fingerprint[..] != key.fingerprint()[..] => {
            Err(StoreError::WrongDataKey)
        }
        Some((_, false)) => not_ready(
            "rows written before sealing are still being sealed on the primary: wait for its \
             start-up pass to end"
                .into(),
        ),
        Some((_, true)) => Ok(()),
    }
}

/// `check_read_only` for a store: reads what `check` needs in one read transaction.
/// `$pool` is the store's pool to read through; `$has_migrations` counts the migrations table in
/// the backend's catalogue.
macro_rules! impl_read_only {
    ($store:ty, $pool:ident, $has_migrations:literal) => {
        impl $store {
            pub(crate) async fn check_read_only(&self, expected: i64) -> crate::Result<()> {
                let mut tx = self.$pool.begin().await?;
                let (tables,): (i64,) = sqlx::query_as($has_migrations).fetch_one(&mut *tx).await?;
                let schema = if tables == 0 {
                    None
                } else {
                    let (v,): (Option<i64>,) =
                        sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                            .fetch_one(&mut *tx)
                            .await?;
                    v
                };
                let data_key = if schema == Some(expected) {
                    let row: Option<(Vec<u8>, Option<chrono::DateTime<chrono::Utc>>)> =
                        sqlx::query_as("SELECT fingerprint, sealed_at FROM data_key WHERE id = 1")
                            .fetch_optional(&mut *tx)
                            .await?;
                    row.map(|(f, sealed_at)| (f, sealed_at.is_some()))
                } else {
                    None
                };
                crate::read_only::check(
                    &crate::read_only::Found { schema, data_key },
                    expected,
                    &self.key,
                )
            }
        }
    };
}
pub(crate) use impl_read_only;

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DataKey {
        DataKey::demo()
    }

    fn found(schema: Option<i64>, data_key: Option<(Vec<u8>, bool)>) -> Found {
        Found { schema, data_key }
    }

    fn message(r: Result<()>) -> String {
        match r {
            Err(StoreError::NotReady(m)) => m,
            other => panic!("not NotReady: {other:?}"),
        }
    }

    #[test]
    fn a_current_sealed_database_with_the_same_key_is_read() {
        let f = found(Some(15), Some((key().fingerprint().to_vec(), true)));
        assert!(check(&f, 15, &key()).is_ok());
    }

    #[test]
    fn no_schema_an_older_or_a_newer_one_is_refused_with_what_to_do() {
        assert!(message(check(&found(None, None), 15, &key())).contains("onecard migrate"));
        let older = message(check(&found(Some(14), None), 15, &key()));
        assert!(older.contains("version 14") && older.contains("reads version 15"));
        let newer = message(check(&found(Some(16), None), 15, &key()));
        assert!(newer.contains("version 16") && newer.contains("newer"));
    }

    #[test]
    fn another_key_no_key_or_a_pass_not_ended_is_refused() {
        let other = DataKey::parse(&"ab".repeat(32)).unwrap();
        let f = found(Some(15), Some((other.fingerprint().to_vec(), true)));
        assert!(matches!(
            check(&f, 15, &key()),
            Err(StoreError::WrongDataKey)
        ));
        assert!(message(check(&found(Some(15), None), 15, &key())).contains("no data key"));
        let f = found(Some(15), Some((key().fingerprint().to_vec(), false)));
        assert!(message(check(&f, 15, &key())).contains("still being sealed"));
    }
}
