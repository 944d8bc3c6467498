//! The PostgreSQL store, for deployments with several server processes.

use crate::common::impl_tx;
use crate::{Backend, OpenOptions, Result, Store, Tx};
use async_trait::async_trait;
use domain::audit::AuditRecord;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};
use std::time::Duration;

const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "init",
    include_str!("../migrations/postgres/0001_init.sql"),
)];

pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub async fn open(url: &str, options: &OpenOptions) -> Result<PgStore> {
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        crate::migrate::migrator(MIGRATIONS).run(&pool).await?;
        Ok(PgStore { pool })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    async fn begin(&self) -> Result<Box<dyn Tx>> {
        Ok(Box::new(PgTx {
            tx: self.pool.begin().await?,
            pending_audit: Vec::new(),
        }))
    }

    async fn begin_read(&self) -> Result<Box<dyn Tx>> {
        // One snapshot for the whole transaction, as a SQLite read transaction has: under the
        // default READ COMMITTED each statement would see other commits, and `verify_audit`
        // would find a head beyond the links it had read and call the chain truncated.
        Ok(Box::new(PgTx {
            tx: self
                .pool
                .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .await?,
            pending_audit: Vec::new(),
        }))
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}

pub struct PgTx {
    tx: Transaction<'static, Postgres>,
    pending_audit: Vec<AuditRecord>,
}

/// Appends one record: advances the head (locking it until commit) and inserts the link, in one
/// statement, computing the same hash as `domain::audit::chain_hash`. The subquery that reads the
/// previous hash sees the statement's snapshot, not the row the UPDATE waited for: run it only
/// while holding the head's lock (`LOCK_HEAD`), or a concurrent commit is linked to a stale hash.
const APPEND_AUDIT: &str = "WITH h AS ( \
        UPDATE audit_head SET seq = seq + 1, \
            hash = sha256(hash || convert_to((seq + 1)::text || chr(10) || $1, 'UTF8')) \
        WHERE id = 1 \
        RETURNING seq, hash, (SELECT hash FROM audit_head WHERE id = 1) AS prev_hash) \
    INSERT INTO audit_log (seq, prev_hash, hash, payload, entity_id) \
    SELECT seq, prev_hash, hash, $1, $2 FROM h";

/// Takes the head's row lock; once it is granted, every earlier append has committed, and the
/// snapshots of the statements that follow see it.
const LOCK_HEAD: &str = "SELECT 1 FROM audit_head WHERE id = 1 FOR UPDATE";

impl_tx!(PgTx, Postgres, {
    async fn commit(mut self: Box<Self>) -> Result<()> {
        // The head is locked last, just before commit, to keep the time it is held short.
        if !self.pending_audit.is_empty() {
            sqlx::query(LOCK_HEAD).execute(&mut *self.tx).await?;
        }
        for record in std::mem::take(&mut self.pending_audit) {
            sqlx::query(APPEND_AUDIT)
                .bind(record.payload())
                .bind(&record.entity_id)
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
        let (value,): (i64,) = sqlx::query_as("SELECT nextval('receipt_serial')")
            .fetch_one(&mut *self.tx)
            .await?;
        Ok(value as u64)
    }
});
