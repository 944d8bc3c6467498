//! Nothing lost: `onecard serve` killed with SIGKILL at random moments under a bounded
//! submission load, on SQLite and on PostgreSQL. After the last restart every submission that
//! was answered 201 is there, none is there twice (the clients retry with the same
//! Idempotency-Key after a failure), the audit chain verifies, and the outbox delivers every
//! webhook it owed. The short form runs in CI (`ONECARD_CRASH_KILLS`, default 4); the long form
//! is documented in bench/README.md.

mod common;
use common::*;
use reqwest::StatusCode;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use store::testing::TestDb;

async fn crash_under_load(db: TestDb) {
    let kills: usize = std::env::var("ONECARD_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    let mut srv = Server::new(&db.url);
    let files = srv.files.clone();
    srv.start().await;
    let base = srv.base();
    let hr = Api::sign_in(&base, "hr").await;
    let officer = Api::sign_in(&base, "officer.beijing").await;
    let (hook, delivered) = receiver().await;
    hr.set_webhook(&hook).await;
    let anna = hr.person_id("MÜLLER").await;

    // The load: four employers' clients submitting, each retrying a failed submission with its
    // key until it is answered; the officer refusing what was submitted, which owes a webhook.
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged: Arc<Mutex<BTreeMap<String, String>>> = Arc::default();
    let (to_decide, mut decide) = tokio::sync::mpsc::unbounded_channel::<(String, i64)>();
    let mut load = Vec::new();
    for client in 0..4 {
        let (hr, stop, acked, anna, to_decide) = (
            hr.clone(),
            stop.clone(),
            acknowledged.clone(),
            anna.clone(),
            to_decide.clone(),
        );
        load.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let key = format!("crash-{client}-{n}");
                let body = json!({
                    "kind": "new", "person_id": anna, "position": key,
                    "annual_salary": "480000", "contract_start": "2027-01-01",
                    "contract_end": "2029-12-31", "submit": true
                });
                loop {
                    match hr
                        .send(
                            reqwest::Method::POST,
                            "/api/v1/applications",
                            Some(&body),
                            Some(&key),
                        )
                        .await
                    {
                        Some((StatusCode::CREATED, a)) => {
                            let id = a["id"].as_str().unwrap().to_string();
                            acked.lock().unwrap().insert(key.clone(), id.clone());
                            let _ = to_decide.send((id, a["version"].as_i64().unwrap()));
                            break;
                        }
                        Some((s, a)) if s.is_client_error() => panic!("{key}: {s} {a}"),
                        // Unreachable, or a 5xx while the database comes back: the same key again.
                        _ => tokio::time::sleep(Duration::from_millis(50)).await,
                    }
                }
                n += 1;
            }
        }));
    }
    drop(to_decide);
    let decider = {
        let officer = officer.clone();
        tokio::spawn(async move {
            let mut refused = 0;
            while let Some((id, version)) = decide.recv().await {
                if officer.refuse(&id, version, "Crash test").await.is_ok() {
                    refused += 1;
                }
            }
            refused
        })
    };

    for _ in 0..kills {
        tokio::time::sleep(Duration::from_millis(300 + below(700))).await;
        srv.kill();
        tokio::time::sleep(Duration::from_millis(below(200))).await;
        srv.start().await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    for l in load {
        l.await.unwrap();
    }
    let refused = decider.await.unwrap();

    // Every acknowledged submission is there, once; nothing else of the load is.
    let acked = acknowledged.lock().unwrap().clone();
    assert!(acked.len() >= 4, "the load ran: {}", acked.len());
    let store = db.open().await;
    let mut tx = store.begin_read().await.unwrap();
    let apps = tx
        .list_applications(&store::ApplicationFilter {
            limit: 100_000,
            ..Default::default()
        })
        .await
        .unwrap();
    drop(tx);
    let mut by_key: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for a in &apps {
        if let domain::application::Details::New { position, .. } = &a.details
            && position.as_str().starts_with("crash-")
        {
            by_key
                .entry(position.as_str().to_string())
                .or_default()
                .push(a.id.to_string());
        }
    }
    let twice: Vec<_> = by_key.iter().filter(|(_, ids)| ids.len() > 1).collect();
    assert!(twice.is_empty(), "submitted twice: {twice:?}");
    for (key, id) in &acked {
        assert_eq!(
            by_key.get(key),
            Some(&vec![id.clone()]),
            "{key} acknowledged as {id}"
        );
    }
    assert_eq!(by_key.len(), acked.len(), "only what was acknowledged");
    let chain = store::verify_audit(&*store).await.unwrap();
    assert!(chain.is_ok(), "{chain:?}");

    // The outbox owes a webhook for every refusal that committed; the server delivers them all.
    let deadline = Instant::now() + Duration::from_secs(90);
    let owed = loop {
        let rows = outbox(&db.url).await;
        if rows.iter().all(|(_, done)| *done)
            && rows
                .iter()
                .all(|(id, _)| delivered.lock().unwrap().contains_key(id))
        {
            break rows.len();
        }
        assert!(
            Instant::now() < deadline,
            "the outbox did not drain: {rows:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(owed >= refused, "{owed} webhooks for {refused} refusals");
    store.close().await;

    // SIGTERM: a clean stop, exit status 0.
    let status = srv.terminate();
    assert!(status.success(), "{status:?}");
    eprintln!(
        "crash test on {}: {kills} kills, {} acknowledged, {} found, 0 twice, {refused} refused, {owed} webhooks delivered",
        if db.url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        acked.len(),
        by_key.len(),
    );
    std::fs::remove_dir_all(files).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_crash_under_load() {
    crash_under_load(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_crash_under_load() {
    if let Some(db) = TestDb::postgres("crash_under_load").await {
        crash_under_load(db).await;
    }
}
