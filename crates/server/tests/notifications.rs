//! Notifications: decisions reach the holder's and the employer's inboxes (and no one else's);
//! e-mails and webhook calls reach receivers that were down for a while, each e-mail at least
//! once and each webhook once after deduplication on `OneCard-Id`; a server that stops with
//! undelivered rows leaves them to the next.

#[macro_use]
mod common;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxStatus};
use chrono::{Duration, Utc};
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::clock::{Clock, FixedClock};
use server::config::{Config, Smtp};
use server::i18n::Catalog;
use server::services::Ctx;
use server::services::notifications::{Worker, sweep_expiring, webhook_signature};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use store::testing::TestDb;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

// ------------------------------------------------------------------------------------------------
// An SMTP receiver that speaks just enough of the protocol, and keeps what it got.

#[derive(Default)]
struct Mailbox {
    /// Each message as received, by `Message-ID`: a redelivery adds to its list.
    messages: Mutex<HashMap<String, Vec<String>>>,
}

impl Mailbox {
    fn ids(&self) -> HashSet<String> {
        self.messages.lock().unwrap().keys().cloned().collect()
    }
}

async fn smtp_session(stream: tokio::net::TcpStream, mailbox: Arc<Mailbox>) {
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    let _ = w.write_all(b"220 test ESMTP\r\n").await;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        let answer: &[u8] = match verb.as_str() {
            "EHLO" => b"250-test\r\n250 8BITMIME\r\n",
            "MAIL" | "RCPT" => b"250 OK\r\n",
            "QUIT" => {
                let _ = w.write_all(b"221 bye\r\n").await;
                return;
            }
            "DATA" => {
                let _ = w.write_all(b"354 go on\r\n").await;
                let mut message = String::new();
                loop {
                    let mut l = String::new();
                    if r.read_line(&mut l).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if l == ".\r\n" {
                        break;
                    }
                    message.push_str(l.strip_prefix('.').unwrap_or(&l));
                }
                let id = message
                    .lines()
                    .find_map(|l| l.strip_prefix("Message-ID: "))
                    .unwrap_or("")
                    .to_string();
                mailbox
                    .messages
                    .lock()
                    .unwrap()
                    .entry(id)
                    .or_default()
                    .push(message);
                b"250 queued\r\n"
            }
            _ => b"502 not here\r\n",
        };
        let _ = w.write_all(answer).await;
    }
}

/// Serves SMTP on `listener` until the task is aborted.
fn smtp_up(listener: TcpListener, mailbox: Arc<Mailbox>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            tokio::spawn(smtp_session(s, mailbox.clone()));
        }
    })
}

/// A port where nothing listens now (connections are refused), to listen on later.
async fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
}

async fn listen_on(port: u16) -> TcpListener {
    for _ in 0..50 {
        if let Ok(l) = TcpListener::bind(("127.0.0.1", port)).await {
            return l;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("port {port} did not come free");
}

// ------------------------------------------------------------------------------------------------
// A webhook endpoint: answers 503 while down; checks every signature; keeps receipts by id.

#[derive(Default)]
struct Hook {
    up: AtomicBool,
    /// Hold the next accepted call past the sender's timeout (after recording it).
    hang_once: AtomicBool,
    /// Hold every accepted call this many seconds (after recording it).
    hang_secs: AtomicU64,
    secret: Mutex<String>,
    receipts: Mutex<Vec<(String, Value)>>,
    bad_signatures: AtomicUsize,
    refused: AtomicUsize,
}

async fn hook_call(State(h): State<Arc<Hook>>, headers: HeaderMap, body: Bytes) -> AxStatus {
    if !h.up.load(Ordering::SeqCst) {
        h.refused.fetch_add(1, Ordering::SeqCst);
        return AxStatus::SERVICE_UNAVAILABLE;
    }
    let header = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let ts: i64 = header("onecard-timestamp").parse().unwrap_or(0);
    let expected = webhook_signature(&h.secret.lock().unwrap(), ts, &body);
    if header("onecard-signature") != expected {
        h.bad_signatures.fetch_add(1, Ordering::SeqCst);
        return AxStatus::UNAUTHORIZED;
    }
    let value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    h.receipts
        .lock()
        .unwrap()
        .push((header("onecard-id"), value));
    if h.hang_once.swap(false, Ordering::SeqCst) {
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    }
    let hang = h.hang_secs.load(Ordering::SeqCst);
    if hang > 0 {
        tokio::time::sleep(std::time::Duration::from_secs(hang)).await;
    }
    AxStatus::OK
}

async fn hook_endpoint(hook: Arc<Hook>) -> String {
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(hook_call))
        .with_state(hook);
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", l.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(l, app).await });
    url
}

// ------------------------------------------------------------------------------------------------

fn smtp_at(port: u16) -> Smtp {
    Smtp::parse(&format!("smtp://127.0.0.1:{port}"), "onecard@example.org").unwrap()
}

async fn inbox(c: &Client) -> Value {
    let (s, b) = c.get("/api/v1/inbox").await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

/// Every outbox row of the notices in these inboxes, by channel.
async fn outbox_rows(srv: &TestServer, clients: &[&Client]) -> (HashSet<String>, HashSet<String>) {
    let (mut emails, mut hooks) = (HashSet::new(), HashSet::new());
    let mut tx = srv.store.begin_read().await.unwrap();
    for c in clients {
        for n in inbox(c).await["notices"].as_array().unwrap() {
            let id = domain::ids::NoticeId(n["id"].as_str().unwrap().parse().unwrap());
            for d in tx.deliveries_of(id).await.unwrap() {
                let set = match d.channel {
                    domain::notice::Channel::Email => &mut emails,
                    domain::notice::Channel::Webhook => &mut hooks,
                };
                set.insert(d.id.to_string());
            }
        }
    }
    (emails, hooks)
}

/// The decisions that notify: one application returned, one with corrections requested, one
/// approved, one refused.
async fn decide_four(hr: &Client, officer: &Client) {
    let app = submit_new(hr).await;
    let (s, out) = step(
        officer,
        app["id"].as_str().unwrap(),
        "return",
        app["version"].as_i64().unwrap(),
        json!({ "items": ["Medical report", "体检报告"] }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{out}");
    for (action, extra) in [
        (
            "request_corrections",
            json!({ "items": ["Contract signature"] }),
        ),
        ("approve", grant_b()),
        ("refuse", json!({ "items": ["Salary below the threshold"] })),
    ] {
        let app = submit_new(hr).await;
        let v = to_review(officer, &app).await;
        let (s, out) = step(officer, app["id"].as_str().unwrap(), action, v, extra).await;
        assert_eq!(s, StatusCode::OK, "{action}: {out}");
    }
}

async fn decisions_reach_both_inboxes(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let anna = srv.sign_in("anna").await;
    let jean = srv.sign_in("jean").await;
    let officer = srv.sign_in("officer.beijing").await;
    let app = submit_new(&hr).await;
    let v = to_review(&officer, &app).await;
    let (s, out) = step(
        &officer,
        app["id"].as_str().unwrap(),
        "request_corrections",
        v,
        json!({ "items": ["Employment contract signed by both parties"] }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{out}");
    let receipt = app["receipt_number"].as_str().unwrap();

    for who in [&anna, &hr] {
        let b = inbox(who).await;
        let n = b["notices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["topic"] == "corrections_requested")
            .unwrap_or_else(|| panic!("a notice: {b}"));
        assert!(n["title"].as_str().unwrap().contains(receipt), "{n}");
        assert!(
            n["body"].as_str().unwrap().contains("Employment contract"),
            "{n}"
        );
        assert_eq!(
            n["link"],
            format!("/applications/{}", app["id"].as_str().unwrap())
        );
        assert_eq!(n["read_at"], Value::Null);
        assert!(b["unread"].as_i64().unwrap() >= 1);
    }
    // Jean, another holder of the same employer, and another employer see nothing of it.
    let about = |b: &Value| {
        b["notices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["params"]["receipt"] == receipt)
    };
    assert!(!about(&inbox(&jean).await));
    let admin = srv.sign_in("admin").await;
    let (s, e) = admin
        .post(
            "/api/v1/employers",
            json!({ "name": "Other Ltd", "uscc": format!("91310000MA1FL8TQ3{}", domain::check::uscc_check("91310000MA1FL8TQ3").unwrap()),
                    "city": "310000", "kind": "enterprise" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let (s, a) = admin
        .post(
            "/api/v1/accounts",
            json!({ "username": "hr.other", "display_name": "HR", "password": DEMO_PASSWORD,
                    "role": "employer_hr", "employer_id": e["id"] }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let other = srv.sign_in("hr.other").await;
    assert!(!about(&inbox(&other).await));
    let (s, _) = officer.get("/api/v1/inbox").await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // In Chinese, on the page too; marking read moves it after the unread ones.
    let mut zh = anna.clone();
    zh.lang = Some("zh-CN".into());
    let b = inbox(&zh).await;
    let n = &b["notices"][0];
    assert!(n["title"].as_str().unwrap().contains("补正"), "{n}");
    let id = n["id"].as_str().unwrap().to_string();
    let (mut browser, _) = Browser::sign_in(&srv, "anna").await;
    let page = browser.get("/inbox").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(receipt), "{}", page.body);
    let page = browser.post(&format!("/inbox/{id}/read"), &[]).await;
    assert_eq!(page.location.as_deref(), Some("/inbox"), "{}", page.body);
    let b = inbox(&anna).await;
    let n = b["notices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == id.as_str())
        .unwrap();
    assert_ne!(n["read_at"], Value::Null);
    // Someone else's notice is not found, whoever asks.
    let (s, _) = jean
        .post(&format!("/api/v1/inbox/{id}/read"), json!({}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Links from the holder's pages.
    assert!(browser.get("/me").await.body.contains("href=\"/inbox\""));
}

on_both!(
    decisions_reach_both_inboxes,
    sqlite_decisions_reach_both_inboxes,
    postgres_decisions_reach_both_inboxes
);

/// Receivers down, then up: every e-mail arrives, every webhook arrives once by `OneCard-Id`
/// though one attempt timed out after the receiver had it; the clock skips the back-off waits.
async fn delivery(db: TestDb) {
    let smtp_port = free_port().await;
    let hook = Arc::new(Hook::default());
    let hook_url = hook_endpoint(hook.clone()).await;
    let clock = Arc::new(FixedClock::new(Utc::now()));
    let tweak: Tweak = Arc::new(move |c: &mut Config| {
        c.smtp = Some(smtp_at(smtp_port));
        c.delivery_poll = None;
        c.delivery_timeout = std::time::Duration::from_millis(700);
        c.delivery_lease = std::time::Duration::from_secs(30);
    });
    let srv = TestServer::start_with(db, clock.clone(), tweak).await;
    let hr = srv.sign_in("hr").await;
    let officer = srv.sign_in("officer.beijing").await;
    let anna = srv.sign_in("anna").await;
    let jean = srv.sign_in("jean").await;

    let (s, out) = Client::send(
        hr.request(reqwest::Method::PUT, "/api/v1/employer/notifications")
            .json(&json!({ "contact_email": "hr@example.com", "webhook_url": hook_url })),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{out}");
    assert!(
        out["webhook_secret"].is_string(),
        "made with the first URL: {out}"
    );
    // Set again with a new secret, read from the answer this time.
    let (s, out) = Client::send(
        hr.request(reqwest::Method::PUT, "/api/v1/employer/notifications")
            .json(&json!({ "contact_email": "hr@example.com", "webhook_url": hook_url, "regenerate_secret": true })),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{out}");
    let secret = out["webhook_secret"]
        .as_str()
        .expect("a new secret")
        .to_string();
    assert!(out["has_webhook_secret"].as_bool().unwrap());
    *hook.secret.lock().unwrap() = secret;

    decide_four(&hr, &officer).await;
    let (emails, hooks) = outbox_rows(&srv, &[&hr, &anna, &jean]).await;
    // Four decisions: the holder's e-mail, the employer's e-mail and webhook, each.
    assert!(emails.len() >= 8, "{emails:?}");
    assert!(hooks.len() >= 4, "{hooks:?}");

    let ctx = Ctx::new(srv.store.clone(), clock.clone(), Arc::new(srv.config()));
    let worker = Worker::new(ctx, Arc::new(Catalog::default()));

    // Both receivers down: every attempt fails, and is scheduled again. The pass also sweeps for
    // expiring permits, whose reminders join the rows to deliver.
    let pass = worker.run_once().await.unwrap();
    let (emails, hooks) = outbox_rows(&srv, &[&hr, &anna, &jean]).await;
    assert_eq!(pass.delivered, 0, "{pass:?}");
    assert_eq!(pass.failed, emails.len() + hooks.len(), "{pass:?}");
    assert!(hook.refused.load(Ordering::SeqCst) >= hooks.len());
    // Not due again until the back-off has passed.
    let pass = worker.run_once().await.unwrap();
    assert_eq!(pass.delivered + pass.failed, 0, "{pass:?}");
    clock.set(clock.now() + Duration::seconds(10));
    let pass = worker.run_once().await.unwrap();
    assert_eq!(pass.failed, emails.len() + hooks.len(), "{pass:?}");

    // They come back; the first webhook call is held past the sender's timeout.
    let mailbox = Arc::new(Mailbox::default());
    let smtp = smtp_up(listen_on(smtp_port).await, mailbox.clone());
    hook.up.store(true, Ordering::SeqCst);
    hook.hang_once.store(true, Ordering::SeqCst);
    let mut passes = 0;
    loop {
        clock.set(clock.now() + Duration::minutes(10));
        let pass = worker.run_once().await.unwrap();
        passes += 1;
        let mut tx = srv.store.begin().await.unwrap();
        let left = tx
            .claim_deliveries(
                "probe",
                clock.now() + Duration::days(365),
                clock.now(),
                1000,
            )
            .await
            .unwrap();
        drop(tx);
        if left.is_empty() && pass.failed == 0 {
            break;
        }
        assert!(
            passes < 10,
            "still undelivered after {passes} passes: {left:?}"
        );
    }

    assert_eq!(hook.bad_signatures.load(Ordering::SeqCst), 0);
    let receipts = hook.receipts.lock().unwrap().clone();
    let ids: HashSet<String> = receipts.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(ids, hooks, "each webhook arrived");
    assert!(
        receipts.len() > ids.len(),
        "the call that timed out was made again with the same id"
    );
    for (id, body) in &receipts {
        assert_eq!(body["id"], id.as_str());
        assert!(body["messages"]["en"]["title"].is_string());
        assert!(body["messages"]["zh-CN"]["title"].is_string());
    }
    let got: HashSet<String> = mailbox
        .ids()
        .into_iter()
        .map(|m| {
            m.trim_start_matches('<')
                .trim_end_matches("@onecard>")
                .to_string()
        })
        .collect();
    assert_eq!(got, emails, "each e-mail arrived");
    let messages = mailbox.messages.lock().unwrap();
    let m = &messages.values().next().unwrap()[0];
    assert!(m.contains("Subject: =?UTF-8?B?"), "{m}");
    smtp.abort();
}

on_both_db!(delivery, sqlite_delivery, postgres_delivery);

/// A server stops with notices undelivered; the next server on the database delivers them.
async fn restart(db: TestDb) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mailbox = Arc::new(Mailbox::default());
    let smtp = smtp_up(listener, mailbox.clone());
    let clock: Arc<dyn Clock> = Arc::new(server::clock::SystemClock);
    let no_worker: Tweak = Arc::new(move |c: &mut Config| {
        c.smtp = Some(smtp_at(port));
        c.delivery_poll = None;
    });
    let mut srv = TestServer::start_with(db, clock, no_worker).await;
    let hr = srv.sign_in("hr").await;
    let officer = srv.sign_in("officer.beijing").await;
    let anna = srv.sign_in("anna").await;
    decide_four(&hr, &officer).await;
    let (emails, _) = outbox_rows(&srv, &[&hr, &anna]).await;
    assert!(emails.len() >= 4);
    srv.stop_serving().await;
    assert!(
        mailbox.ids().is_empty(),
        "nothing sent by a server without a worker"
    );

    let next = srv
        .peer_with(Arc::new(move |c: &mut Config| {
            c.smtp = Some(smtp_at(port));
            c.delivery_poll = Some(std::time::Duration::from_millis(50));
        }))
        .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let sent = |m: &Mailbox| -> HashSet<String> {
        m.ids()
            .into_iter()
            .map(|m| {
                m.trim_start_matches('<')
                    .trim_end_matches("@onecard>")
                    .to_string()
            })
            .collect()
    };
    while !emails.is_subset(&sent(&mailbox)) {
        assert!(
            std::time::Instant::now() < deadline,
            "the next server did not deliver"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    next.stop().await;
    smtp.abort();
}

on_both_db!(restart, sqlite_restart, postgres_restart);

/// The employer's settings page: both languages, the secret shown once.
async fn settings_page(srv: TestServer) {
    let (mut b, _) = Browser::sign_in(&srv, "hr").await;
    let page = b.get("/employer/notifications").await;
    assert_eq!(page.status, StatusCode::OK);
    let page = b
        .post(
            "/employer/notifications",
            &[
                ("contact_email", "not an address"),
                ("webhook_url", "https://x.example/h"),
            ],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    let page = b
        .post(
            "/employer/notifications",
            &[
                ("contact_email", "hr@example.com"),
                ("webhook_url", "http://127.0.0.1:9/h"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("id=\"webhook-secret\">whsec_"),
        "{}",
        page.body
    );
    let page = b.get("/employer/notifications").await;
    assert!(!page.body.contains("whsec_"), "never shown again");
    assert!(page.body.contains("hr@example.com"));
    b.lang = Some("zh-CN");
    let page = b.get("/employer/notifications").await;
    assert!(page.body.contains("通知设置"), "{}", page.body);
    assert!(b.get("/inbox").await.body.contains("消息"));
}

on_both!(settings_page, sqlite_settings_page, postgres_settings_page);

/// Two servers' workers sweeping for expiring permits at the same moment, each through its own
/// connections to the one database: every holder and employer is reminded once, and the sweeps
/// that follow remind no one again. The test server runs no worker of its own.
async fn sweeps_at_once(db: TestDb) {
    let no_worker: Tweak = Arc::new(|c: &mut Config| c.delivery_poll = None);
    let srv = TestServer::start_with(db, Arc::new(server::clock::SystemClock), no_worker).await;
    let config = Arc::new(srv.config());
    let other = store::open(
        &srv.db.url,
        &store::OpenOptions::new(store::DataKey::demo()),
    )
    .await
    .expect("open the database again");
    let a = Ctx::new(srv.store.clone(), srv.clock.clone(), config.clone());
    let b = Ctx::new(other.clone(), srv.clock.clone(), config);
    let today = srv.clock.today();
    let mut tx = srv.store.begin_read().await.unwrap();
    let expiring = tx
        .permits_expiring(today, today + Duration::days(90), 1000)
        .await
        .unwrap()
        .len();
    drop(tx);
    assert!(expiring > 0, "the demo data has a permit near its end");

    let (x, y) = tokio::join!(sweep_expiring(&a, today), sweep_expiring(&b, today));
    let (x, y) = (x.unwrap(), y.unwrap());
    assert_eq!(x + y, 2 * expiring, "holder and employer, once: {x} + {y}");
    for _ in 0..3 {
        let (x, y) = tokio::join!(sweep_expiring(&a, today), sweep_expiring(&b, today));
        assert_eq!((x.unwrap(), y.unwrap()), (0, 0), "nothing new");
    }
    let dump = store::testing::dump(&srv.db.url).await;
    let reminders = dump["notices"]
        .iter()
        .filter(|row| row.contains("permit_expiring:"))
        .count();
    assert_eq!(reminders, 2 * expiring);
    other.close().await;
}

on_both_db!(
    sweeps_at_once,
    sqlite_sweeps_at_once,
    postgres_sweeps_at_once
);

/// A server stopping while its worker waits on a webhook receiver that does not answer: it
/// stops within its grace, and gives up its claims, so that another worker takes the rows at
/// once instead of after the lease.
async fn stopping_gives_up_claims(db: TestDb) {
    let hook = Arc::new(Hook::default());
    hook.up.store(true, Ordering::SeqCst);
    hook.hang_secs.store(60, Ordering::SeqCst);
    let hook_url = hook_endpoint(hook.clone()).await;
    let grace = std::time::Duration::from_secs(1);
    let tweak: Tweak = Arc::new(move |c: &mut Config| {
        c.delivery_poll = Some(std::time::Duration::from_millis(100));
        c.delivery_timeout = std::time::Duration::from_secs(30);
        c.delivery_lease = std::time::Duration::from_secs(120);
        c.shutdown_grace = grace;
    });
    let mut srv = TestServer::start_with(db, Arc::new(server::clock::SystemClock), tweak).await;
    let hr = srv.sign_in("hr").await;
    let officer = srv.sign_in("officer.beijing").await;
    let (s, out) = Client::send(
        hr.request(reqwest::Method::PUT, "/api/v1/employer/notifications")
            .json(&json!({ "webhook_url": hook_url })),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{out}");
    *hook.secret.lock().unwrap() = out["webhook_secret"].as_str().unwrap().to_string();
    decide_four(&hr, &officer).await;
    let (_, hooks) = outbox_rows(&srv, &[&hr]).await;
    assert_eq!(hooks.len(), 4, "{hooks:?}");

    // A webhook call is in the receiver's hands, unanswered (the worker's pass waits on it and
    // holds its claim; the rows after it wait for the next pass).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while hook.receipts.lock().unwrap().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the calls were not made"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let started = std::time::Instant::now();
    srv.stop_serving().await;
    let took = started.elapsed();
    assert!(took < grace + std::time::Duration::from_secs(1), "{took:?}");

    let now = Utc::now();
    let mut tx = srv.store.begin().await.unwrap();
    let taken = tx
        .claim_deliveries("another", now, now + Duration::seconds(60), 100)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let taken: HashSet<String> = taken.iter().map(|d| d.id.to_string()).collect();
    assert_eq!(taken, hooks, "every undelivered row free to take at once");
    let called = hook.receipts.lock().unwrap().clone();
    assert!(
        called.iter().all(|(id, _)| hooks.contains(id)),
        "the call cut off is among them: {called:?}"
    );
}

on_both_db!(
    stopping_gives_up_claims,
    sqlite_stopping_gives_up_claims,
    postgres_stopping_gives_up_claims
);
