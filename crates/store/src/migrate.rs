//! Migrations are embedded in the binary, one list per backend, applied in order by sqlx's
//! migrator (which on PostgreSQL takes an advisory lock, so servers starting together do not race).

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use std::borrow::Cow;

pub(crate) fn migrator(files: &[(i64, &'static str, &'static str)]) -> Migrator {
    let migrations = files
        .iter()
        .map(|(version, name, sql)| {
            Migration::new(
                *version,
                Cow::Borrowed(*name),
                MigrationType::Simple,
                sql.into_sql_str(),
                // sqlx's convention: a file that must manage its own transaction says so on its
                // first line (SQLite switches foreign keys off only outside one).
                sql.starts_with("-- no-transaction"),
            )
        })
        .collect::<Vec<_>>();
    Migrator {
        migrations: Cow::Owned(migrations),
        ..Migrator::DEFAULT
    }
}
