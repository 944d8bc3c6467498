//! The embedded SQLite store: WAL, `synchronous=FULL` so that a committed write survives a power
//! cut, foreign keys on. All writes go through one connection (SQLite has one writer at a time
//! anyway; queueing in the pool is cheaper than retrying on `SQLITE_BUSY`); reads use a pool of
//! read-only connections that WAL lets run beside the writer.

use crate::common::impl_tx;
use crate::contributions::impl_contributions;
use crate::imports::impl_imports;
use crate::issued_documents::impl_issued_documents;
use crate::one_stop::impl_one_stop;
use crate::read_only::impl_read_only;
use crate::sign_in::impl_sign_in;
use crate::unsealed::impl_unsealed;
use crate::uploads::impl_uploads;
use crate::visas::impl_visas;
use crate::{Backend, DataKey, OpenOptions, Result, Store, StoreError, Tx};
use async_trait::async_trait;
use domain::audit::AuditRecord;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};
use std::str::FromStr;
use std::time::Duration;

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "init",
        include_str!("../migrations/sqlite/0001_init.sql"),
    ),
    (
        2,
        "assessments",
        include_str!("../migrations/sqlite/0002_assessments.sql"),
    ),
    (
        3,
        "issuer_keys",
        include_str!("../migrations/sqlite/0003_issuer_keys.sql"),
    ),
    (
        4,
        "card",
        include_str!("../migrations/sqlite/0004_card.sql"),
    ),
    (
        5,
        "one_stop",
        include_str!("../migrations/sqlite/0005_one_stop.sql"),
    ),
    (
        6,
        "notifications",
        include_str!("../migrations/sqlite/0006_notifications.sql"),
    ),
    (
        7,
        "register_checks",
        include_str!("../migrations/sqlite/0007_register_checks.sql"),
    ),
    (
        8,
        "uploads",
        include_str!("../migrations/sqlite/0008_uploads.sql"),
    ),
    (
        9,
        "upload_reuse",
        include_str!("../migrations/sqlite/0009_upload_reuse.sql"),
    ),
    (
        10,
        "issued_documents",
        include_str!("../migrations/sqlite/0010_issued_documents.sql"),
    ),
    (
        11,
        "contributions",
        include_str!("../migrations/sqlite/0011_contributions.sql"),
    ),
    (
        12,
        "visas",
        include_str!("../migrations/sqlite/0012_visas.sql"),
    ),
    (
        13,
        "sign_in_failures",
        include_str!("../migrations/sqlite/0013_sign_in_failures.sql"),
    ),
    (
        14,
        "imports",
        include_str!("../migrations/sqlite/0014_imports.sql"),
    ),
    (
        15,
        "sealed_identity_numbers",
        include_str!("../migrations/sqlite/0015_sealed_identity_numbers.sql"),
    ),
];

/// Brings a database's schema to `version` only, as an older binary left it (upgrade tests).
pub async fn migrate_to(url: &str, version: i64) -> Result<()> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    let upto: Vec<_> = MIGRATIONS
        .iter()
        .copied()
        .filter(|m| m.0 <= version)
        .collect();
    crate::migrate::migrator(&upto).run(&pool).await?;
    pool.close().await;
    Ok(())
}

/// The newest schema version this binary knows.
pub fn latest_migration() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    key: DataKey,
}

impl SqliteStore {
    pub async fn open(url: &str, options: &OpenOptions) -> Result<SqliteStore> {
        let base = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            // Sorts and temporary tables in memory; set when the connection opens, since it
            // cannot change once a transaction has used temporary storage.
            .pragma("temp_store", "memory")
            .busy_timeout(Duration::from_secs(10));
        let filename = base.get_filename().to_path_buf();
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if options.read_only {
            return SqliteStore::open_read_only(url, &filename, options).await;
        }
        if !in_memory && let Some(dir) = filename.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
        }
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(base.clone())
            .await?;
        crate::migrate::migrator(MIGRATIONS).run(&writer).await?;
        let reader = if in_memory {
            writer.clone()
        } else {
            SqlitePoolOptions::new()
                .max_connections(options.max_connections.clamp(1, 8))
                .connect_with(base.read_only(true))
                .await?
        };
        let store = SqliteStore {
            writer,
            reader,
            key: options.data_key.clone(),
        };
        store.seal_unsealed().await?;
        Ok(store)
    }

    /// A database file as it is, through read-only connections (`read_only`).
    async fn open_read_only(
        url: &str,
        filename: &std::path::Path,
        options: &OpenOptions,
    ) -> Result<SqliteStore> {
        if !filename.exists() {
            return Err(StoreError::NotReady(format!(
                "no database at {}",
                filename.display()
            )));
        }
        // No journal mode set: changing it would be a write. A database in WAL stays so.
        let connect = SqliteConnectOptions::from_str(url)?
            .read_only(true)
            .foreign_keys(true)
            .pragma("temp_store", "memory")
            .busy_timeout(Duration::from_secs(10));
        let reader = SqlitePoolOptions::new()
            .max_connections(options.max_connections.clamp(1, 8))
            .connect_with(connect)
            .await?;
        let store = SqliteStore {
            writer: reader.clone(),
            reader,
            key: options.data_key.clone(),
        };
        store.check_read_only(latest_migration()).await?;
        Ok(store)
    }

    async fn begin_write(&self) -> Result<SqliteTx> {
        // IMMEDIATE takes the write lock at once, so a transaction that reads before it writes
        // cannot fail half-way on a lock upgrade.
        let tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        Ok(SqliteTx {
            tx,
            pending_audit: Vec::new(),
            key: self.key.clone(),
        })
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn begin(&self) -> Result<Box<dyn Tx>> {
        Ok(Box::new(self.begin_write().await?))
    }

    async fn begin_read(&self) -> Result<Box<dyn Tx>> {
        let tx = self.reader.begin().await?;
        Ok(Box::new(SqliteTx {
            tx,
            pending_audit: Vec::new(),
            key: self.key.clone(),
        }))
    }

    async fn session_account(
        &self,
        token_hash: &[u8],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<crate::Account>> {
        session_account_on(&self.reader, token_hash, now).await
    }

    async fn api_token_account(&self, token_hash: &[u8]) -> Result<Option<crate::Account>> {
        api_token_account_on(&self.reader, token_hash).await
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

pub struct SqliteTx {
    tx: Transaction<'static, Sqlite>,
    pending_audit: Vec<AuditRecord>,
    key: DataKey,
}

impl SqliteTx {
    /// The writer connection holds SQLite's write lock for the whole transaction.
    const LOCK_AUDIT_HEAD: &str = "SELECT seq, hash FROM audit_head WHERE id = 1";
    /// One writer: no other transaction claims at the same time.
    const CLAIM_LOCK: &str = "";
}

impl_tx!(SqliteTx, Sqlite, {
    async fn next_serial(&mut self, counter: &str) -> Result<u64> {
        Ok(self.take_serials(counter, 1).await?.0)
    }

    async fn next_receipt_serials(&mut self, n: usize) -> Result<Vec<u64>> {
        if n == 0 {
            return Ok(Vec::new());
        }
        let (first, last) = self.take_serials("receipt", n as i64).await?;
        Ok((first..=last).collect())
    }
});

impl SqliteTx {
    /// Advances a counter by `n` and returns the first and last values taken.
    async fn take_serials(&mut self, counter: &str, n: i64) -> Result<(u64, u64)> {
        let (last,): (i64,) = sqlx::query_as(
            "INSERT INTO counters (name, value) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET value = counters.value + $2 RETURNING value",
        )
        .bind(counter)
        .bind(n)
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(((last - n + 1) as u64, last as u64))
    }
}

impl_one_stop!(SqliteTx, Sqlite);

impl_uploads!(SqliteTx, Sqlite);
impl_issued_documents!(SqliteTx);
impl_contributions!(SqliteTx, Sqlite);
impl_visas!(SqliteTx);
impl_unsealed!(SqliteStore, SqliteTx);
impl_read_only!(
    SqliteStore,
    reader,
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
);
impl_sign_in!(SqliteTx);
impl_imports!(SqliteTx, Sqlite, "MAX", "PRAGMA cache_size = -524288", "");
