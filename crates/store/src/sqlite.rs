//! The embedded SQLite store: WAL, `synchronous=FULL` so that a committed write survives a power
//! cut, foreign keys on. All writes go through one connection (SQLite has one writer at a time
//! anyway; queueing in the pool is cheaper than retrying on `SQLITE_BUSY`); reads use a pool of
//! read-only connections that WAL lets run beside the writer.

use crate::common::impl_tx;
use crate::{Backend, OpenOptions, Result, Store, StoreError, Tx};
use async_trait::async_trait;
use domain::audit::{AuditRecord, chain_hash};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};
use std::str::FromStr;
use std::time::Duration;

const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "init",
    include_str!("../migrations/sqlite/0001_init.sql"),
)];

pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    pub async fn open(url: &str, options: &OpenOptions) -> Result<SqliteStore> {
        let base = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let filename = base.get_filename().to_path_buf();
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
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
        Ok(SqliteStore { writer, reader })
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn begin(&self) -> Result<Box<dyn Tx>> {
        // IMMEDIATE takes the write lock at once, so a transaction that reads before it writes
        // cannot fail half-way on a lock upgrade.
        let tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        Ok(Box::new(SqliteTx {
            tx,
            pending_audit: Vec::new(),
        }))
    }

    async fn begin_read(&self) -> Result<Box<dyn Tx>> {
        let tx = self.reader.begin().await?;
        Ok(Box::new(SqliteTx {
            tx,
            pending_audit: Vec::new(),
        }))
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
}

impl_tx!(SqliteTx, Sqlite, {
    async fn commit(mut self: Box<Self>) -> Result<()> {
        if !self.pending_audit.is_empty() {
            let (mut seq, mut hash): (i64, Vec<u8>) =
                sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                    .fetch_one(&mut *self.tx)
                    .await?;
            for record in std::mem::take(&mut self.pending_audit) {
                seq += 1;
                let payload = record.payload();
                let next = chain_hash(&hash, seq, &payload).to_vec();
                sqlx::query("INSERT INTO audit_log (seq, prev_hash, hash, payload, entity_id) VALUES ($1, $2, $3, $4, $5)")
                    .bind(seq)
                    .bind(&hash)
                    .bind(&next)
                    .bind(&payload)
                    .bind(&record.entity_id)
                    .execute(&mut *self.tx)
                    .await?;
                hash = next;
            }
            sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
                .bind(seq)
                .bind(&hash)
                .execute(&mut *self.tx)
                .await?;
        }
        self.tx.commit().await?;
        Ok(())
    }

    async fn next_serial(&mut self, counter: &str) -> Result<u64> {
        let (value,): (i64,) = sqlx::query_as(
            "INSERT INTO counters (name, value) VALUES ($1, 1) \
             ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
        )
        .bind(counter)
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(value as u64)
    }

    async fn next_receipt_serial(&mut self) -> Result<u64> {
        self.next_serial("receipt").await
    }
});
