//! Shared data instead of paper, over HTTP: a register served by the test on 127.0.0.1:0 is
//! asked about the employer's business licence when a new permit is submitted. A confirmation
//! exempts the document with the evidence; anything else (not confirmed, garbage, no answer in
//! time, no register) leaves it to paper with the reason, and is recorded all the same.

#[macro_use]
mod common;
use axum::Json;
use axum::Router;
use axum::http::StatusCode as AxStatus;
use axum::routing::post;
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::clock::{Clock, SystemClock};
use server::config::{Config, RegisterSource};
use std::sync::Arc;
use std::time::Duration;
use store::testing::TestDb;

const APPS: &str = "/api/v1/applications";

fn licence(q: &Value, status: &str) -> Value {
    json!({
        "found": true, "reference": "BL-7", "as_of": "2025-01-02",
        "record": { "uscc": q["uscc"], "name": q["name"], "status": status },
    })
}

/// A register that answers by path: well, badly, slowly or not at all.
async fn fake_register() -> String {
    let app = Router::new()
        .route(
            "/confirm",
            post(|Json(q): Json<Value>| async move { Json(licence(&q, "in_force")) }),
        )
        .route(
            "/revoked",
            post(|Json(q): Json<Value>| async move { Json(licence(&q, "revoked")) }),
        )
        .route("/not-json", post(|| async { "<html>maintenance</html>" }))
        .route(
            "/wrong-shape",
            post(|| async { Json(json!({ "found": true, "reference": "BL-7" })) }),
        )
        .route(
            "/huge",
            post(|| async { Json(json!({ "found": false, "pad": "x".repeat(200_000) })) }),
        )
        .route("/down", post(|| async { AxStatus::SERVICE_UNAVAILABLE }))
        .route(
            "/slow",
            post(|Json(q): Json<Value>| async move {
                tokio::time::sleep(Duration::from_secs(30)).await;
                Json(licence(&q, "in_force"))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

fn with_register(location: String, timeout: Duration) -> Tweak {
    Arc::new(move |c: &mut Config| {
        c.registers = vec![RegisterSource::parse(&format!("business_licence={location}")).unwrap()];
        c.register_timeout = timeout;
    })
}

/// A new permit for Anna with her profile (so that there is a checklist), submitted at once or
/// kept as a draft. Returns its id.
async fn new_permit(hr: &Client, submit: bool) -> String {
    let pid = person_id(hr, "MÜLLER").await;
    let (s, app) = hr
        .post(
            APPS,
            json!({
                "kind": "new", "person_id": pid, "position": "Data Scientist",
                "annual_salary": "480000", "contract_start": "2027-01-01",
                "contract_end": "2029-12-31", "submit": submit,
                "profile": { "education": "master", "experience_years": 6, "months_in_china": 12 }
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{app}");
    app["id"].as_str().unwrap().to_string()
}

async fn detail(hr: &Client, id: &str) -> Value {
    let (s, d) = hr.get(&format!("{APPS}/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    d
}

fn licence_line(d: &Value) -> &Value {
    d["assessment"]["result"]["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["kind"] == "business_licence")
        .expect("the business licence is on the checklist")
}

/// Submits through a server asking the register at `location`; returns the application's view.
async fn submitted_through(location: String, timeout: Duration) -> Value {
    let srv = TestServer::start_with(
        TestDb::sqlite(),
        Arc::new(SystemClock),
        with_register(location, timeout),
    )
    .await;
    let hr = srv.sign_in("hr").await;
    let id = new_permit(&hr, true).await;
    let d = detail(&hr, &id).await;
    srv.stop().await;
    d
}

async fn confirmed_licence_is_exempt_with_evidence(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let id = new_permit(&hr, true).await;
    let d = detail(&hr, &id).await;
    let line = licence_line(&d);
    assert_eq!(line["status"], "confirmed", "{line}");
    assert_eq!(line["to_submit"], false);
    assert!(line["text"].as_str().unwrap().contains("BL-7"), "{line}");
    let checks = d["register_checks"].as_array().unwrap();
    assert_eq!(checks.len(), 1, "{d}");
    let c = &checks[0];
    assert_eq!(c["document"], "business_licence");
    assert_eq!(c["fact"], "business_licence");
    assert_eq!(c["outcome"], "confirmed");
    assert_eq!(c["reference"], "BL-7");
    assert_eq!(c["as_of"], "2025-01-02");
    assert!(c["register"].as_str().unwrap().ends_with("/confirm"), "{c}");
    assert!(!c["answered_at"].is_null());
    assert!(c["answer"].as_str().unwrap().contains("in_force"), "{c}");

    // Submitting a draft asks too, and the page shows the evidence in both languages.
    let draft = new_permit(&hr, false).await;
    assert!(
        detail(&hr, &draft).await["register_checks"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let (s, sent) = step(&hr, &draft, "submit", 1, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{sent}");
    let d = detail(&hr, &draft).await;
    assert_eq!(licence_line(&d)["status"], "confirmed");
    assert_eq!(d["register_checks"][0]["outcome"], "confirmed");
    let (mut browser, _) = Browser::sign_in(&srv, "hr").await;
    let page = browser.get(&format!("/applications/{draft}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Shared data from other departments"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Confirmed by a register"));
    assert!(page.body.contains("BL-7"));
    browser.lang = Some("zh-CN");
    let page = browser.get(&format!("/applications/{draft}")).await;
    assert!(
        page.body.contains("其他部门登记系统的共享数据"),
        "{}",
        page.body
    );
    assert!(page.body.contains("已由部门数据确认"));
    srv.stop().await;
}

async fn start_confirming(db: TestDb) -> TestServer {
    let base = fake_register().await;
    TestServer::start_with(
        db,
        Arc::new(SystemClock),
        with_register(format!("{base}/confirm"), Duration::from_secs(2)),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_confirmed_licence() {
    confirmed_licence_is_exempt_with_evidence(start_confirming(TestDb::sqlite()).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_confirmed_licence() {
    if let Some(db) = TestDb::postgres("confirmed_licence").await {
        confirmed_licence_is_exempt_with_evidence(start_confirming(db).await).await;
    }
}

/// Every answer but a confirmation leaves the licence to paper, with the reason, and is kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anything_but_a_confirmation_falls_back_to_paper() {
    let base = fake_register().await;
    for (path, outcome, reason, says) in [
        (
            "revoked",
            "not_confirmed",
            "licence_not_in_force",
            "the licence is not in force",
        ),
        ("not-json", "garbage", "not_json", "the answer was not JSON"),
        (
            "wrong-shape",
            "garbage",
            "wrong_shape",
            "did not have the agreed form",
        ),
        ("huge", "garbage", "too_large", "the answer was too large"),
        ("down", "no_answer", "status", "it refused to answer"),
        ("slow", "no_answer", "timeout", "it did not answer in time"),
    ] {
        let d = submitted_through(format!("{base}/{path}"), Duration::from_millis(500)).await;
        let line = licence_line(&d);
        assert_eq!(line["status"], "paper", "{path}: {line}");
        assert_eq!(line["to_submit"], true, "{path}");
        assert!(
            line["text"].as_str().unwrap().contains(says),
            "{path}: {line}"
        );
        let c = &d["register_checks"][0];
        assert_eq!(c["outcome"], outcome, "{path}: {c}");
        assert_eq!(c["reason"], reason, "{path}");
        assert!(c["reference"].is_null(), "{path}");
        assert!(c["answer"].as_str().unwrap().len() <= 4096 + 3, "{path}");
        assert_eq!(c["answered_at"].is_null(), outcome == "no_answer", "{path}");
    }
    // Nothing listening: no answer either.
    let d = submitted_through(
        "http://127.0.0.1:9/register".into(),
        Duration::from_millis(500),
    )
    .await;
    assert_eq!(d["register_checks"][0]["reason"], "unreachable");
    assert_eq!(licence_line(&d)["status"], "paper");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_register_the_licence_is_on_paper() {
    let srv = TestServer::sqlite().await;
    let hr = srv.sign_in("hr").await;
    let id = new_permit(&hr, true).await;
    let d = detail(&hr, &id).await;
    let line = licence_line(&d);
    assert_eq!(line["status"], "paper");
    assert!(
        line["text"]
            .as_str()
            .unwrap()
            .contains("No register is configured"),
        "{line}"
    );
    assert!(d["register_checks"].as_array().unwrap().is_empty());
    srv.stop().await;
}

/// The file register: loaded from a file, or the built-in demo file, which knows the demo
/// employer and the demo people.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_register() {
    use domain::registers::{Fact, Outcome};
    use server::services::registers::{Registers, confirm};
    let dir = std::env::temp_dir().join(format!("onecard-registers-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("registers.toml");
    std::fs::write(
        &path,
        r#"
[[business_licence]]
uscc = "91110108MA01ABCD1E"
name = "Beijing Zhongguancun Example Technology Co., Ltd. 北京中关村示例科技有限公司"
status = "in_force"
reference = "FILE-1"
as_of = "2025-06-01"

[[accommodation]]
nationality = "DEU"
passport_number = "C01X00T47"
city = "110000"
address = "12 Zhongguancun Street"
registered_on = "2025-05-01"
reference = "ACC-9"
as_of = "2025-06-01"
"#,
    )
    .unwrap();
    let d = submitted_through(format!("file:{}", path.display()), Duration::from_secs(2)).await;
    assert_eq!(licence_line(&d)["status"], "confirmed", "{d}");
    assert_eq!(d["register_checks"][0]["reference"], "FILE-1");

    // Another service asks for the accommodation fact the same way.
    let sources =
        [RegisterSource::parse(&format!("accommodation=file:{}", path.display())).unwrap()];
    let registers = Registers::open(&sources, Duration::from_secs(2)).unwrap();
    let anna = |city: &str| Fact::Accommodation {
        nationality: domain::values::Nationality::parse("n", "DEU").unwrap(),
        passport_number: domain::values::PassportNumber::parse("p", "C01X00T47").unwrap(),
        city: domain::city::City::parse("c", city).unwrap(),
    };
    let clock = SystemClock;
    let evidence = confirm(&registers, &[anna("110000"), anna("310000")], &clock).await;
    assert_eq!(
        evidence[0].outcome,
        Outcome::Confirmed {
            reference: "ACC-9".into(),
            as_of: chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
        }
    );
    assert_eq!(
        evidence[0].document,
        domain::policy::DocumentKind::AccommodationRegistration
    );
    assert_eq!(evidence[1].outcome.reason(), Some("not_in_city"));
    assert!(evidence[0].asked_at <= clock.now());

    // A file that does not follow the format stops the start.
    std::fs::write(&path, "[[business_licence]]\nuscc = 1\n").unwrap();
    assert!(Registers::open(&sources, Duration::from_secs(2)).is_err());
    std::fs::remove_dir_all(&dir).ok();

    // The demo file confirms the demo employer.
    let d = submitted_through("demo".into(), Duration::from_secs(2)).await;
    assert_eq!(licence_line(&d)["status"], "confirmed", "{d}");
    assert_eq!(d["register_checks"][0]["register"], "file:demo");
}
