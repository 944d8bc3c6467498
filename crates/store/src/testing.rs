//! Fresh databases for tests: each test gets its own SQLite file or its own PostgreSQL
//! database, dropped when the test ends, so no test depends on what another left behind.
//!
//! PostgreSQL tests run when `ONECARD_TEST_POSTGRES_URL` names a server where the user may
//! create databases (CI sets it); otherwise they print that they were skipped.

use crate::{OpenOptions, Store};
use sqlx::Connection;
use std::path::PathBuf;
use std::sync::Arc;

pub const POSTGRES_ENV: &str = "ONECARD_TEST_POSTGRES_URL";

/// A database made for one test. Drop it to remove it.
pub struct TestDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Database { admin_url: String, name: String },
}

impl TestDb {
    /// A new SQLite database in a file of its own.
    pub fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(format!("onecard-test-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}", dir.join("onecard.db").display());
        TestDb {
            url,
            cleanup: Cleanup::File(dir),
        }
    }

    /// A new PostgreSQL database, or `None` (with a note on stderr) where none is configured.
    pub async fn postgres(test: &str) -> Option<TestDb> {
        let Ok(admin_url) = std::env::var(POSTGRES_ENV) else {
            eprintln!("skipped on PostgreSQL: {test} (set {POSTGRES_ENV} to run it)");
            return None;
        };
        let name = format!("onecard_test_{}", uuid::Uuid::now_v7().simple());
        let mut conn = sqlx::PgConnection::connect(&admin_url)
            .await
            .expect("connect to the PostgreSQL test server");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .expect("create test database");
        conn.close().await.ok();
        let url = with_database(&admin_url, &name);
        Some(TestDb {
            url,
            cleanup: Cleanup::Database { admin_url, name },
        })
    }

    pub async fn open(&self) -> Arc<dyn Store> {
        crate::open(
            &self.url,
            &OpenOptions::new(crate::DataKey::demo()).connections(8),
        )
        .await
        .expect("open test store")
    }
}

/// Every row of every table, as text (SQLite: `quote()`d columns; PostgreSQL: `row_to_json`),
/// sorted: two databases are equal when these are; what a database holds at rest.
pub async fn dump(url: &str) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut out = std::collections::BTreeMap::new();
    if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
        )
        .fetch_all(&mut c)
        .await
        .unwrap();
        for t in tables {
            let mut rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT row_to_json(x)::text FROM \"{t}\" x"
            )))
            .fetch_all(&mut c)
            .await
            .unwrap();
            rows.sort();
            out.insert(t, rows);
        }
    } else {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        .fetch_all(&mut c)
        .await
        .unwrap();
        for t in tables {
            let cols: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT name FROM pragma_table_info('{t}')"
            )))
            .fetch_all(&mut c)
            .await
            .unwrap();
            let row = cols
                .iter()
                .map(|c| format!("quote(\"{c}\")"))
                .collect::<Vec<_>>()
                .join(" || ',' || ");
            let mut rows: Vec<String> =
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT {row} FROM \"{t}\"")))
                    .fetch_all(&mut c)
                    .await
                    .unwrap();
            rows.sort();
            out.insert(t, rows);
        }
    }
    out
}

/// The URL of database `name` on the server `url` points at.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[authority_end..].find('/') {
        Some(i) => &base[..authority_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Database { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime; dropping a database is async, so it gets a
                // runtime of its own on another thread.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("runtime");
                    rt.block_on(async {
                        if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url).await {
                            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                            let _ = sqlx::query(sqlx::AssertSqlSafe(sql))
                                .execute(&mut conn)
                                .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_urls() {
        assert_eq!(
            super::with_database("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            super::with_database("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(
            super::with_database("postgres://u@h", "x"),
            "postgres://u@h/x"
        );
    }
}
