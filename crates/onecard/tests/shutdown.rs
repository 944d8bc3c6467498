//! `onecard serve` stopping on SIGTERM: it stops accepting connections at once, finishes a
//! request that was in flight (its body still arriving when the signal came) and answers it,
//! cuts off a client that never finishes its request once the grace has passed, and exits 0;
//! the submission it answered is stored once.

mod common;
use common::*;
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};
use store::testing::TestDb;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const GRACE: Duration = Duration::from_secs(3);

/// A POST of `body` to `path` with `api`'s session, as raw HTTP/1.1: its head and the first
/// `sent` bytes of the body written now.
async fn post_partly(addr: &str, api: &Api, path: &str, body: &[u8], sent: usize) -> TcpStream {
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\ncookie: {}\r\nx-csrf-token: {}\r\n\
         idempotency-key: shutdown-{}\r\nconnection: close\r\n\r\n",
        body.len(),
        api.cookies,
        api.csrf,
        uuid::Uuid::now_v7()
    );
    let mut s = TcpStream::connect(addr).await.expect("connect");
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(&body[..sent]).await.unwrap();
    s.flush().await.unwrap();
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_requests_in_flight_within_the_grace() {
    let db = TestDb::sqlite();
    let mut srv = Server::new(&db.url);
    srv.args = vec!["--shutdown-grace-secs".into(), GRACE.as_secs().to_string()];
    srv.start().await;
    let addr = format!("127.0.0.1:{}", srv.port);
    let hr = Api::sign_in(&srv.base(), "hr").await;
    let anna = hr.person_id("MÜLLER").await;
    let body = json!({
        "kind": "new", "person_id": anna, "position": "Shutdown engineer",
        "annual_salary": "480000", "contract_start": "2027-01-01",
        "contract_end": "2029-12-31", "submit": true
    })
    .to_string()
    .into_bytes();
    let half = body.len() / 2;
    let mut in_flight = post_partly(&addr, &hr, "/api/v1/applications", &body, half).await;
    let _stalled = post_partly(&addr, &hr, "/api/v1/applications", &body, 10).await;
    // Both requests' heads are read before the signal.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let signalled = Instant::now();
    srv.signal_term();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        TcpStream::connect(&addr).await.is_err(),
        "new connections are refused once stopping"
    );

    // The rest of the body arrives after the signal: the request is answered in full.
    in_flight.write_all(&body[half..]).await.unwrap();
    let mut answer = Vec::new();
    in_flight.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    let json_start = answer.find("\r\n\r\n").expect("a head") + 4;
    let created: serde_json::Value = serde_json::from_str(&answer[json_start..]).expect("JSON");
    let id = created["id"].as_str().expect("an id").to_string();

    // The stalled request holds the server until the grace runs out, no longer; exit 0.
    let mut child = srv.child.take().expect("running");
    let status = tokio::task::spawn_blocking(move || child.wait().expect("reaped"))
        .await
        .unwrap();
    let took = signalled.elapsed();
    assert_eq!(status.code(), Some(0), "{status:?}");
    assert!(took >= GRACE, "stopped before the grace: {took:?}");
    assert!(
        took < GRACE + Duration::from_secs(3),
        "not bounded by the grace: {took:?}"
    );

    // Back up: the answered submission is there, once.
    srv.start().await;
    let hr = Api::sign_in(&srv.base(), "hr").await;
    let (s, app) = hr
        .send(
            reqwest::Method::GET,
            &format!("/api/v1/applications/{id}"),
            None,
            None,
        )
        .await
        .expect("an answer");
    assert_eq!(s, StatusCode::OK, "{app}");
    let (s, list) = hr
        .send(reqwest::Method::GET, "/api/v1/applications", None, None)
        .await
        .expect("an answer");
    assert_eq!(s, StatusCode::OK, "{list}");
    let named = list.to_string().matches("Shutdown engineer").count();
    assert_eq!(named, 1, "{list}");
    assert_eq!(srv.terminate().code(), Some(0));
}
