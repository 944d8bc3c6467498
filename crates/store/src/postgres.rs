//! The PostgreSQL store, for deployments with several server processes.

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
use crate::{Backend, DataKey, OpenOptions, Result, Store, Tx};
use async_trait::async_trait;
use domain::audit::AuditRecord;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};
use std::str::FromStr;
use std::time::Duration;

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "init",
        include_str!("../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        "assessments",
        include_str!("../migrations/postgres/0002_assessments.sql"),
    ),
    (
        3,
        "issuer_keys",
        include_str!("../migrations/postgres/0003_issuer_keys.sql"),
    ),
    (
        4,
        "card",
        include_str!("../migrations/postgres/0004_card.sql"),
    ),
    (
        5,
        "one_stop",
        include_str!("../migrations/postgres/0005_one_stop.sql"),
    ),
    (
        6,
        "notifications",
        include_str!("../migrations/postgres/0006_notifications.sql"),
    ),
    (
        7,
        "register_checks",
        include_str!("../migrations/postgres/0007_register_checks.sql"),
    ),
    (
        8,
        "uploads",
        include_str!("../migrations/postgres/0008_uploads.sql"),
    ),
    (
        9,
        "upload_reuse",
        include_str!("../migrations/postgres/0009_upload_reuse.sql"),
    ),
    (
        10,
        "issued_documents",
        include_str!("../migrations/postgres/0010_issued_documents.sql"),
    ),
    (
        11,
        "contributions",
        include_str!("../migrations/postgres/0011_contributions.sql"),
    ),
    (
        12,
        "visas",
        include_str!("../migrations/postgres/0012_visas.sql"),
    ),
    (
        13,
        "sign_in_failures",
        include_str!("../migrations/postgres/0013_sign_in_failures.sql"),
    ),
    (
        14,
        "imports",
        include_str!("../migrations/postgres/0014_imports.sql"),
    ),
    (
        15,
        "sealed_identity_numbers",
        include_str!("../migrations/postgres/0015_sealed_identity_numbers.sql"),
    ),
];

/// Brings a database's schema to `version` only, as an older binary left it (upgrade tests).
pub async fn migrate_to(url: &str, version: i64) -> Result<()> {
    let pool = PgPoolOptions::new().max_connections(1).connect(url).await?;
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

pub struct PgStore {
    pool: PgPool,
    key: DataKey,
}

impl PgStore {
    pub async fn open(url: &str, options: &OpenOptions) -> Result<PgStore> {
        let mut connect = PgConnectOptions::from_str(url)?;
        if options.read_only {
            // What a hot standby would refuse anyway, refused on a primary too.
            connect = connect.options([("default_transaction_read_only", "on")]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(connect)
            .await?;
        let store = PgStore {
            pool,
            key: options.data_key.clone(),
        };
        if options.read_only {
            store.check_read_only(latest_migration()).await?;
        } else {
            crate::migrate::migrator(MIGRATIONS)
                .run(&store.pool)
                .await?;
            store.seal_unsealed().await?;
        }
        Ok(store)
    }

    async fn begin_write(&self) -> Result<PgTx> {
        Ok(PgTx {
            tx: self.pool.begin().await?,
            pending_audit: Vec::new(),
            key: self.key.clone(),
        })
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
        Ok(Box::new(self.begin_write().await?))
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
            key: self.key.clone(),
        }))
    }

    async fn session_account(
        &self,
        token_hash: &[u8],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<crate::Account>> {
        session_account_on(&self.pool, token_hash, now).await
    }

    async fn api_token_account(&self, token_hash: &[u8]) -> Result<Option<crate::Account>> {
        api_token_account_on(&self.pool, token_hash).await
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
    key: DataKey,
}

impl PgTx {
    /// The head's row lock, held until commit, orders the appends of concurrent transactions;
    /// once it is granted, the row read is the one the previous holder committed.
    const LOCK_AUDIT_HEAD: &str = "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE";
    /// Concurrent claimers pass over the rows another is claiming, rather than wait for them
    /// and then find them taken.
    const CLAIM_LOCK: &str = " FOR UPDATE SKIP LOCKED";
}

impl_tx!(PgTx, Postgres, {
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

    async fn next_receipt_serials(&mut self, n: usize) -> Result<Vec<u64>> {
        if n == 0 {
            return Ok(Vec::new());
        }
        let values: Vec<(i64,)> =
            sqlx::query_as("SELECT nextval('receipt_serial') FROM generate_series(1, $1)")
                .bind(n as i64)
                .fetch_all(&mut *self.tx)
                .await?;
        let mut serials: Vec<u64> = values.into_iter().map(|(v,)| v as u64).collect();
        serials.sort_unstable();
        Ok(serials)
    }
});

impl_one_stop!(PgTx, Postgres);

impl_uploads!(PgTx, Postgres);
impl_issued_documents!(PgTx);
impl_contributions!(PgTx, Postgres);
impl_visas!(PgTx);
impl_unsealed!(PgStore, PgTx);
impl_read_only!(
    PgStore,
    pool,
    "SELECT COUNT(*) FROM pg_catalog.pg_tables \
     WHERE schemaname = current_schema() AND tablename = '_sqlx_migrations'"
);
impl_sign_in!(PgTx);
impl_imports!(
    PgTx,
    Postgres,
    "GREATEST",
    "SET plan_cache_mode = force_custom_plan",
    "ANALYZE employers, people, permits"
);
