//! Sign-in protection that every server process on the database shares: consecutive failures
//! and locks per username, and attempts per client address in one-minute windows.

use crate::Result;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// A name's failures after one more was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    /// Consecutive failures, this one included.
    pub count: u32,
    /// When the lock ends, if the name is locked (by this failure or before).
    pub locked_until: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait SignInGuard: Send {
    /// When the lock on a name ends, if one runs at `now`.
    async fn sign_in_locked_until(
        &mut self,
        name_hash: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>>;
    /// Records a failed sign-in at `now`, atomically (concurrent failures of one name each
    /// count). The count starts again at one when a lock has ended, or when no lock runs and the
    /// last failure was at or before `forget_before`. The failure that brings the count to
    /// `threshold` locks the name until `lock_until`; a lock that runs is kept as it is.
    async fn record_sign_in_failure(
        &mut self,
        name_hash: &[u8],
        now: DateTime<Utc>,
        forget_before: DateTime<Utc>,
        threshold: u32,
        lock_until: DateTime<Utc>,
    ) -> Result<Failures>;
    /// Forgets a name's failures (it signed in).
    async fn clear_sign_in_failures(&mut self, name_hash: &[u8]) -> Result<()>;
    /// Deletes the names whose last failure was at or before `forget_before` and that no lock
    /// holds at `now`; how many.
    async fn purge_sign_in_failures(
        &mut self,
        forget_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<u64>;
    /// Counts an attempt from `address` in the window that starts at `window`; returns the
    /// attempts of that window so far, this one included. A row of an earlier window starts
    /// again at one.
    async fn count_sign_in_attempt(&mut self, address: &str, window: DateTime<Utc>) -> Result<u32>;
    /// Deletes the counts of windows that started before `window`; how many.
    async fn purge_sign_in_attempts(&mut self, window: DateTime<Utc>) -> Result<u64>;
}

macro_rules! impl_sign_in {
    ($ty:ty) => {
        #[async_trait::async_trait]
        impl crate::sign_in::SignInGuard for $ty {
            async fn sign_in_locked_until(
                &mut self,
                name_hash: &[u8],
                now: chrono::DateTime<chrono::Utc>,
            ) -> crate::Result<Option<chrono::DateTime<chrono::Utc>>> {
                let row: Option<(chrono::DateTime<chrono::Utc>,)> = sqlx::query_as(
                    "SELECT locked_until FROM sign_in_failures \
                     WHERE name_hash = $1 AND locked_until > $2",
                )
                .bind(name_hash)
                .bind(now)
                .fetch_optional(&mut *self.tx)
                .await?;
                Ok(row.map(|(t,)| t))
            }

            async fn record_sign_in_failure(
                &mut self,
                name_hash: &[u8],
                now: chrono::DateTime<chrono::Utc>,
                forget_before: chrono::DateTime<chrono::Utc>,
                threshold: u32,
                lock_until: chrono::DateTime<chrono::Utc>,
            ) -> crate::Result<crate::sign_in::Failures> {
                // One statement, so that on PostgreSQL the row is locked from the read of the
                // old count to the write of the new one; SQLite has one writer.
                let threshold = i32::try_from(threshold.max(1)).unwrap_or(i32::MAX);
                let (count, locked_until): (i32, Option<chrono::DateTime<chrono::Utc>>) =
                    sqlx::query_as(
                        "INSERT INTO sign_in_failures (name_hash, failures, last_failed_at, locked_until) \
                         VALUES ($1, 1, $2, CASE WHEN $4 <= 1 THEN $5 ELSE NULL END) \
                         ON CONFLICT (name_hash) DO UPDATE SET \
                           failures = CASE \
                             WHEN (sign_in_failures.locked_until IS NOT NULL AND sign_in_failures.locked_until <= $2) \
                               OR (sign_in_failures.locked_until IS NULL AND sign_in_failures.last_failed_at <= $3) \
                             THEN 1 ELSE sign_in_failures.failures + 1 END, \
                           locked_until = CASE \
                             WHEN (sign_in_failures.locked_until IS NOT NULL AND sign_in_failures.locked_until <= $2) \
                               OR (sign_in_failures.locked_until IS NULL AND sign_in_failures.last_failed_at <= $3) \
                             THEN excluded.locked_until \
                             WHEN sign_in_failures.locked_until IS NULL AND sign_in_failures.failures + 1 >= $4 THEN $5 \
                             ELSE sign_in_failures.locked_until END, \
                           last_failed_at = excluded.last_failed_at \
                         RETURNING failures, locked_until",
                    )
                    .bind(name_hash)
                    .bind(now)
                    .bind(forget_before)
                    .bind(threshold)
                    .bind(lock_until)
                    .fetch_one(&mut *self.tx)
                    .await?;
                Ok(crate::sign_in::Failures {
                    count: u32::try_from(count).unwrap_or(0),
                    locked_until,
                })
            }

            async fn clear_sign_in_failures(&mut self, name_hash: &[u8]) -> crate::Result<()> {
                sqlx::query("DELETE FROM sign_in_failures WHERE name_hash = $1")
                    .bind(name_hash)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn purge_sign_in_failures(
                &mut self,
                forget_before: chrono::DateTime<chrono::Utc>,
                now: chrono::DateTime<chrono::Utc>,
            ) -> crate::Result<u64> {
                let r = sqlx::query(
                    "DELETE FROM sign_in_failures WHERE last_failed_at <= $1 \
                     AND (locked_until IS NULL OR locked_until <= $2)",
                )
                .bind(forget_before)
                .bind(now)
                .execute(&mut *self.tx)
                .await?;
                Ok(r.rows_affected())
            }

            async fn count_sign_in_attempt(
                &mut self,
                address: &str,
                window: chrono::DateTime<chrono::Utc>,
            ) -> crate::Result<u32> {
                // A process whose clock lags keeps counting in the later window it finds.
                let (n,): (i32,) = sqlx::query_as(
                    "INSERT INTO sign_in_addresses (address, window_start, attempts) VALUES ($1, $2, 1) \
                     ON CONFLICT (address) DO UPDATE SET \
                       attempts = CASE WHEN sign_in_addresses.window_start >= excluded.window_start \
                         THEN sign_in_addresses.attempts + 1 ELSE 1 END, \
                       window_start = CASE WHEN sign_in_addresses.window_start >= excluded.window_start \
                         THEN sign_in_addresses.window_start ELSE excluded.window_start END \
                     RETURNING attempts",
                )
                .bind(address)
                .bind(window)
                .fetch_one(&mut *self.tx)
                .await?;
                Ok(u32::try_from(n).unwrap_or(0))
            }

            async fn purge_sign_in_attempts(
                &mut self,
                window: chrono::DateTime<chrono::Utc>,
            ) -> crate::Result<u64> {
                let r = sqlx::query("DELETE FROM sign_in_addresses WHERE window_start < $1")
                    .bind(window)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(r.rows_affected())
            }
        }
    };
}

pub(crate) use impl_sign_in;
