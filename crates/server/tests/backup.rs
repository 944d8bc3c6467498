//! Backups and restores on both databases: a populated database comes back table for table; a
//! backup taken while submissions go on is consistent (its audit chain verifies, every
//! application has its events); what would lose data is refused.

#[macro_use]
mod common;
use common::*;
use reqwest::StatusCode;
use serde_json::json;
use store::backup;
use store::testing::{TestDb, dump};

/// A database of the same kind as `srv`'s, empty.
async fn empty_like(srv: &TestServer) -> TestDb {
    if srv.db.url.starts_with("postgres") {
        TestDb::postgres("backup target").await.unwrap()
    } else {
        TestDb::sqlite()
    }
}

/// Applications submitted and approved (permits, credentials, notices, audit records), a
/// declaration: most tables hold rows.
async fn populate(srv: &TestServer) {
    let hr = srv.sign_in("hr").await;
    let officer = srv.sign_in("officer.beijing").await;
    for _ in 0..3 {
        let app = submit_new(&hr).await;
        approve(&officer, &app, grant_b()).await;
    }
    let anna = srv.sign_in("anna").await;
    let (s, _) = anna.get("/api/v1/credentials").await;
    assert!(s.is_success() || s == StatusCode::NOT_FOUND, "{s}");
    let (_, me) = hr.get("/api/v1/me").await;
    let employer = me["employer_id"].as_str().unwrap().to_string();
    let jean = person_id(&hr, "DUPONT").await;
    insure(srv, &jean, &employer, "2025-01-15").await;
    let (s, d) = hr
        .post(
            "/api/v1/contributions",
            json!({ "person_id": jean, "month": "2025-03", "base": "20000" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
}

async fn round_trip(srv: TestServer) {
    populate(&srv).await;
    let dir = tempdir();
    let file = dir.join("onecard.backup");

    let taken = backup::backup(&srv.db.url, &file).await.expect("backup");
    assert!(taken.rows() > 50, "{taken:?}");
    let count = |c: &backup::Contents, t: &str| {
        c.tables
            .iter()
            .find(|(n, _)| n == t)
            .map(|(_, n)| *n)
            .unwrap_or(-1)
    };
    assert_eq!(count(&taken, "permits"), 4, "{taken:?}");
    // A backup is never written over a file.
    let again = backup::backup(&srv.db.url, &file).await;
    assert!(again.unwrap_err().to_string().contains("exists"));

    let target = empty_like(&srv).await;
    let restored = backup::restore(&target.url, &file, false)
        .await
        .expect("restore");
    assert_eq!(restored.tables, taken.tables);
    let (before, after) = (dump(&srv.db.url).await, dump(&target.url).await);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (table, rows) in &before {
        assert_eq!(rows, &after[table], "table {table} differs");
    }
    // The restored database opens, verifies its audit chain and serves.
    let store = target.open().await;
    assert!(store::verify_audit(&*store).await.unwrap().is_ok());
    store.close().await;

    // Restoring over data needs --replace; without it nothing changes.
    let refused = backup::restore(&target.url, &file, false).await;
    assert!(refused.unwrap_err().to_string().contains("--replace"));
    assert_eq!(dump(&target.url).await, after);
    backup::restore(&target.url, &file, true)
        .await
        .expect("restore with replace");
    assert_eq!(dump(&target.url).await, after);

    // Not a backup: refused, the database untouched.
    let junk = dir.join("junk.backup");
    std::fs::write(&junk, b"not a database at all").unwrap();
    assert!(backup::restore(&target.url, &junk, true).await.is_err());
    assert_eq!(dump(&target.url).await, after);
    srv.stop().await;
    std::fs::remove_dir_all(dir).ok();
}

on_both!(
    round_trip,
    sqlite_backup_round_trips_every_table,
    postgres_backup_round_trips_every_table
);

/// A backup taken while the employer keeps submitting is one consistent moment.
async fn online(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                submit_new(&hr).await;
                n += 1;
            }
            n
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let dir = tempdir();
    let file = dir.join("online.backup");
    backup::backup(&srv.db.url, &file).await.expect("backup");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let submitted = load.await.unwrap();
    assert!(submitted > 0);

    let target = empty_like(&srv).await;
    backup::restore(&target.url, &file, false).await.unwrap();
    let store = target.open().await;
    let chain = store::verify_audit(&*store).await.unwrap();
    assert!(chain.is_ok(), "{chain:?}");
    let mut tx = store.begin_read().await.unwrap();
    let apps = tx
        .list_applications(&store::ApplicationFilter {
            limit: 10_000,
            ..Default::default()
        })
        .await
        .unwrap();
    for a in &apps {
        assert!(!tx.events(a.id).await.unwrap().is_empty(), "{}", a.id);
    }
    drop(tx);
    store.close().await;
    srv.stop().await;
    std::fs::remove_dir_all(dir).ok();
}

on_both!(
    online,
    sqlite_backup_while_writing_is_consistent,
    postgres_backup_while_writing_is_consistent
);

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("onecard-backup-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&d).unwrap();
    d
}
