//! Two `onecard serve` processes on one PostgreSQL database behave as one service: a session
//! made on one works on the other; submissions through both land once each; the notification
//! workers of both deliver every webhook exactly once between them; and when one is killed
//! mid-work the other finishes what it left. The expiry sweeps of both remind once. The status
//! list and the key set come back with the same ETag from either server, and a conditional
//! request is answered 304.

mod common;
use common::*;
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};
use store::testing::TestDb;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_on_one_postgresql_database() {
    let Some(db) = TestDb::postgres("two_servers_on_one_postgresql_database").await else {
        return;
    };
    // The first seeds the demo data; the second starts on the populated database.
    let mut a = Server::new(&db.url);
    let mut b = Server::new(&db.url);
    let public = Some("http://onecard.test".to_string());
    (a.public_url, b.public_url) = (public.clone(), public);
    b.admin_port = Some(free_port());
    a.start().await;
    b.start().await;

    // A session made on A is good on B.
    let hr_a = Api::sign_in(&a.base(), "hr").await;
    let hr_b = Api {
        base: b.base(),
        ..hr_a.clone()
    };
    let (s, me) = hr_b
        .send(reqwest::Method::GET, "/api/v1/me", None, None)
        .await
        .unwrap();
    assert_eq!(s, StatusCode::OK, "{me}");
    assert_eq!(me["username"], "hr");

    let (hook, delivered) = receiver().await;
    hr_a.set_webhook(&hook).await;
    let anna = hr_a.person_id("MÜLLER").await;

    // Submissions through both, the same key sent to both at once for half of them; the
    // officer of Beijing refuses each on the other server, which owes the employer a webhook.
    let officer_a = Api::sign_in(&a.base(), "officer.beijing").await;
    let officer_b = Api {
        base: b.base(),
        ..officer_a.clone()
    };
    let mut ids = std::collections::BTreeSet::new();
    let rounds = 40;
    let mut a_alive = true;
    for n in 0..rounds {
        // Once A is gone its clients turn to B, as a load balancer would send them.
        let (hr_first, officer_other) = if a_alive {
            (&hr_a, if n % 2 == 0 { &officer_b } else { &officer_a })
        } else {
            (&hr_b, &officer_b)
        };
        let key = format!("two-{n}");
        let body = json!({
            "kind": "new", "person_id": anna, "position": key,
            "annual_salary": "480000", "contract_start": "2027-01-01",
            "contract_end": "2029-12-31", "submit": true
        });
        let path = "/api/v1/applications";
        let (first, second) = tokio::join!(
            hr_first.send(reqwest::Method::POST, path, Some(&body), Some(&key)),
            hr_b.send(reqwest::Method::POST, path, Some(&body), Some(&key)),
        );
        let (s1, x) = first.unwrap();
        let (s2, y) = second.unwrap();
        assert_eq!(
            (s1, s2),
            (StatusCode::CREATED, StatusCode::CREATED),
            "{x} {y}"
        );
        assert_eq!(x["id"], y["id"], "one application per key");
        ids.insert(x["id"].as_str().unwrap().to_string());
        let officer = officer_other;
        officer
            .refuse(
                x["id"].as_str().unwrap(),
                x["version"].as_i64().unwrap(),
                "Two servers",
            )
            .await
            .unwrap();
        // Halfway, A is killed while both workers are delivering; B goes on alone.
        if n == rounds / 2 {
            a.kill();
            a_alive = false;
        }
    }
    assert_eq!(ids.len(), rounds);

    // Every webhook owed is delivered, each once, by whichever worker claimed it. A delivery
    // whose worker died after sending and before recording it may come twice: the contract's
    // OneCard-Id lets the receiver see that. The servers run with 3-second leases, so what the
    // killed one had claimed passes to the other quickly.
    let deadline = Instant::now() + Duration::from_secs(90);
    let rows = loop {
        let rows = outbox(&db.url).await;
        let seen = delivered.lock().unwrap().clone();
        if rows.len() >= rounds && rows.iter().all(|(id, done)| *done && seen.contains_key(id)) {
            break rows;
        }
        assert!(
            Instant::now() < deadline,
            "the outbox did not drain: {rows:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let seen = delivered.lock().unwrap().clone();
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    // Only what A was sending when it was killed can come again, and once at most.
    assert!(
        seen.values().all(|n| *n <= 2),
        "delivered more than twice: {twice:?}"
    );
    assert_eq!(seen.len(), rows.len());

    // A comes back; the status list and the key set carry the same ETag on both, and a
    // verifier that has them gets 304.
    a.start().await;
    let http = reqwest::Client::new();
    for path in [
        "/.well-known/onecard/keys",
        "/.well-known/onecard/status-lists",
        "/status/0",
    ] {
        let ra = http
            .get(format!("{}{path}", a.base()))
            .send()
            .await
            .unwrap();
        let rb = http
            .get(format!("{}{path}", b.base()))
            .send()
            .await
            .unwrap();
        if ra.status() == StatusCode::NOT_FOUND {
            continue;
        }
        assert_eq!(ra.status(), StatusCode::OK, "{path}");
        let (ea, eb) = (
            ra.headers()["etag"].to_str().unwrap().to_string(),
            rb.headers()["etag"].to_str().unwrap().to_string(),
        );
        assert_eq!(ea, eb, "{path}: the same bytes from both");
        assert!(
            ra.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("max-age"),
            "{path}"
        );
        let again = http
            .get(format!("{}{path}", b.base()))
            .header("if-none-match", &ea)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
    }
    // B's admin listener: requests by route, verdicts, what waits; the public one has no /metrics.
    let (s, v) = hr_b
        .send(
            reqwest::Method::POST,
            "/api/v1/verify",
            Some(&json!({ "text": "HC1:not-a-code" })),
            None,
        )
        .await
        .unwrap();
    assert_eq!(s, StatusCode::OK, "{v}");
    let metrics = http
        .get(format!(
            "http://127.0.0.1:{}/metrics",
            b.admin_port.unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(metrics.status(), StatusCode::OK);
    let text = metrics.text().await.unwrap();
    for line in [
        "onecard_http_requests_total{method=\"POST\",route=\"/api/v1/applications\",status=\"201\"}",
        "onecard_http_request_duration_seconds_bucket{method=\"POST\",route=\"/api/v1/applications/{id}/transitions\",le=\"+Inf\"}",
        "onecard_verifications_total{verdict=",
        "onecard_outbox_pending 0",
        "onecard_outbox_lag_seconds 0",
    ] {
        assert!(text.contains(line), "{line} not in\n{text}");
    }
    let public = http
        .get(format!("{}/metrics", b.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), StatusCode::NOT_FOUND);
    assert!(a.terminate().success());
    assert!(b.terminate().success());
    // Each worker swept for expiring permits when it started (A twice): the demo's permit near
    // its end reminded its holder and its employer once each.
    let reminders: (i64,) = {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
        sqlx::query_as("SELECT COUNT(*) FROM notices WHERE dedupe_key LIKE 'permit_expiring:%'")
            .fetch_one(&mut c)
            .await
            .unwrap()
    };
    assert_eq!(
        reminders.0, 2,
        "one reminder each to the holder and the employer"
    );
    eprintln!(
        "two servers: {rounds} submissions each sent to both, {} webhooks delivered, {} twice",
        seen.len(),
        twice.len()
    );
}
