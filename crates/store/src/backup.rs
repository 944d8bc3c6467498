//! Consistent online backups and their restore.
//!
//! SQLite: `VACUUM INTO` writes what one read transaction sees into a new file while the service
//! goes on writing (WAL readers do not block the writer), so the copy is a consistent snapshot.
//! Restoring checks the file (integrity, a schema this binary knows), copies it beside the
//! database and renames it over, so that a crash half-way leaves the old database whole. The
//! service must be stopped for a restore: a running server keeps the replaced file open.
//!
//! PostgreSQL: `pg_dump --format=custom` (one repeatable-read snapshot) and `pg_restore`, which
//! must be on the PATH and of the server's major version or newer.

use crate::{Result, StoreError};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{Connection, Row};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// What a backup holds, or what a database holds after a restore: rows by table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contents {
    pub tables: Vec<(String, i64)>,
    pub schema_version: i64,
}

impl Contents {
    pub fn rows(&self) -> i64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

fn is_postgres(url: &str) -> bool {
    crate::backend_of(url) == Some(crate::Backend::Postgres)
}

fn refused(why: impl Into<String>) -> StoreError {
    StoreError::Backup(why.into())
}

/// The newest migration this binary knows for the database at `url`.
fn known_version(url: &str) -> i64 {
    if is_postgres(url) {
        crate::postgres::latest_migration()
    } else {
        crate::sqlite::latest_migration()
    }
}

/// Writes a consistent copy of the database at `url` to `dest`, which must not exist yet.
pub async fn backup(url: &str, dest: &Path) -> Result<Contents> {
    if dest.exists() {
        return Err(refused(format!(
            "{} exists: a backup is never written over another file",
            dest.display()
        )));
    }
    if is_postgres(url) {
        run(
            "pg_dump",
            &[
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                &dest.display().to_string(),
                "--dbname",
                url,
            ],
        )
        .await?;
        return contents(url).await;
    }
    let mut conn = sqlite_connect(url, false).await?;
    sqlx::query("VACUUM INTO ?")
        .bind(dest.display().to_string())
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    sqlite_file_contents(dest).await
}

/// Brings the backup `src` back into the database at `url`. A database that already holds
/// tables is replaced only when `replace` says so.
pub async fn restore(url: &str, src: &Path, replace: bool) -> Result<Contents> {
    if !src.is_file() {
        return Err(refused(format!("{} is not a file", src.display())));
    }
    if is_postgres(url) {
        let existing = contents(url).await.ok().filter(|c| !c.tables.is_empty());
        if existing.is_some() && !replace {
            return Err(refused(
                "the database holds tables: restore with --replace to replace them",
            ));
        }
        run(
            "pg_restore",
            &[
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                url,
                &src.display().to_string(),
            ],
        )
        .await?;
        let c = contents(url).await?;
        check_version(url, c.schema_version)?;
        return Ok(c);
    }
    // The backup is checked before anything is touched.
    let backed_up = sqlite_file_contents(src).await?;
    check_version(url, backed_up.schema_version)?;
    let target = sqlite_path(url)?;
    if target.exists() && !replace {
        return Err(refused(format!(
            "{} exists: restore with --replace to replace it (stop the service first)",
            target.display()
        )));
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let staging = with_suffix(&target, ".restoring");
    let _ = std::fs::remove_file(&staging);
    // VACUUM INTO from the backup writes a fresh, compact file; it is synced before the rename.
    let mut conn = sqlite_file_connect(src, true).await?;
    sqlx::query("VACUUM INTO ?")
        .bind(staging.display().to_string())
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    std::fs::File::open(&staging)
        .and_then(|f| f.sync_all())
        .map_err(io)?;
    for side in ["-wal", "-shm"] {
        let f = with_suffix(&target, side);
        if f.exists() {
            std::fs::remove_file(&f).map_err(io)?;
        }
    }
    std::fs::rename(&staging, &target).map_err(io)?;
    sqlite_file_contents(&target).await
}

/// Rows by table of the database at `url`, and its schema version.
pub async fn contents(url: &str) -> Result<Contents> {
    if !is_postgres(url) {
        return sqlite_file_contents(&sqlite_path(url)?).await;
    }
    let mut conn = sqlx::PgConnection::connect(url).await?;
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    )
    .fetch_all(&mut conn)
    .await?;
    let mut tables = Vec::new();
    let mut version = 0;
    for name in names {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM \"{name}\""
        )))
        .fetch_one(&mut conn)
        .await?;
        if name == "_sqlx_migrations" {
            version = sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations")
                .fetch_one(&mut conn)
                .await?;
        }
        tables.push((name, n));
    }
    conn.close().await?;
    Ok(Contents {
        tables,
        schema_version: version,
    })
}

fn check_version(url: &str, version: i64) -> Result<()> {
    let known = known_version(url);
    if version == 0 {
        return Err(refused("the backup holds no OneCard schema"));
    }
    if version > known {
        return Err(refused(format!(
            "the backup's schema is version {version}, newer than this binary's {known}: restore it with a newer onecard"
        )));
    }
    Ok(())
}

async fn sqlite_file_contents(path: &Path) -> Result<Contents> {
    let mut conn = sqlite_file_connect(path, true).await?;
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await?;
    if check != "ok" {
        return Err(refused(format!(
            "{} fails its integrity check: {check}",
            path.display()
        )));
    }
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await?;
    let mut tables = Vec::new();
    let mut version = 0;
    for name in names {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM \"{name}\""
        )))
        .fetch_one(&mut conn)
        .await?;
        if name == "_sqlx_migrations" {
            version = sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations")
                .fetch_one(&mut conn)
                .await?;
        }
        tables.push((name, row.get::<i64, _>(0)));
    }
    conn.close().await?;
    Ok(Contents {
        tables,
        schema_version: version,
    })
}

fn sqlite_path(url: &str) -> Result<PathBuf> {
    let o = SqliteConnectOptions::from_str(url)?;
    Ok(o.get_filename().to_path_buf())
}

async fn sqlite_connect(url: &str, read_only: bool) -> Result<SqliteConnection> {
    sqlite_file_connect(&sqlite_path(url)?, read_only).await
}

async fn sqlite_file_connect(path: &Path, read_only: bool) -> Result<SqliteConnection> {
    if !path.is_file() {
        return Err(refused(format!("{} does not exist", path.display())));
    }
    let o = SqliteConnectOptions::new()
        .filename(path)
        .read_only(read_only)
        .busy_timeout(std::time::Duration::from_secs(30));
    Ok(SqliteConnection::connect_with(&o).await?)
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Database(sqlx::Error::Io(e))
}

/// Runs a PostgreSQL client tool; its error output becomes the error.
async fn run(tool: &str, args: &[&str]) -> Result<()> {
    let out = tokio::process::Command::new(tool)
        .args(args)
        .output()
        .await
        .map_err(|e| {
            refused(format!(
                "{tool} could not be started ({e}): install the PostgreSQL client tools"
            ))
        })?;
    if !out.status.success() {
        return Err(refused(format!(
            "{tool} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}
