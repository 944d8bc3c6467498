//! The data key from the operator's side: a server without one does not start (except the
//! demo), nor with a malformed one, nor with another key than the database's rows are sealed
//! under; identity numbers sent to a server logging at debug level appear nowhere in its log.

mod common;
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::process::Command;
use store::testing::TestDb;

fn random_key() -> String {
    // Version 7 ids: 74 random bits each, enough to tell test keys apart.
    uuid::Uuid::now_v7().simple().to_string() + &uuid::Uuid::now_v7().simple().to_string()
}

/// `onecard ARGS` with `ONECARD_DATA_KEY` set to `key` (or unset): exit code and stderr.
fn onecard(key: Option<&str>, args: &[&str]) -> (Option<i32>, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_onecard"));
    c.env_remove("ONECARD_DATA_KEY").env("ONECARD_LOG", "warn");
    if let Some(k) = key {
        c.env("ONECARD_DATA_KEY", k);
    }
    let out = c.args(args).output().expect("run onecard");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_server_needs_its_data_key() {
    let db = TestDb::sqlite();
    let url = db.url.as_str();
    let listen = format!("127.0.0.1:{}", free_port());
    let serve = ["--database-url", url, "serve", "--listen", &listen];

    // None given, no demo: refused before anything is opened.
    let (code, err) = onecard(None, &serve);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("ONECARD_DATA_KEY"), "{err}");
    let (code, err) = onecard(None, &["--database-url", url, "migrate"]);
    assert_ne!(code, Some(0), "{err}");
    assert!(err.contains("ONECARD_DATA_KEY"), "{err}");
    // Malformed: named, and not echoed.
    let (code, err) = onecard(Some("not-a-key-d3adb33f"), &serve);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("64 hexadecimal digits"), "{err}");
    assert!(!err.contains("d3adb33f"), "the key is not printed: {err}");

    // The first key records itself; another is refused, by every command that opens the
    // database, and the key itself never printed.
    let first = random_key();
    let (code, err) = onecard(Some(&first), &["--database-url", url, "migrate"]);
    assert_eq!(code, Some(0), "{err}");
    let second = random_key();
    for args in [
        &serve[..],
        &["--database-url", url, "migrate"],
        &["--database-url", url, "audit", "verify"],
    ] {
        let (code, err) = onecard(Some(&second), args);
        assert_ne!(code, Some(0), "{args:?}: {err}");
        assert!(err.contains("another data key"), "{args:?}: {err}");
        assert!(!err.contains(&second) && !err.contains(&first), "{err}");
    }
    // The demo key is another key too: `serve --demo` on this database is refused.
    let (code, err) = onecard(None, &["--database-url", url, "serve", "--demo"]);
    assert_ne!(code, Some(0), "{err}");
    assert!(err.contains("another data key"), "{err}");
    let (code, err) = onecard(Some(&first), &["--database-url", url, "audit", "verify"]);
    assert_eq!(code, Some(0), "{err}");
}

#[tokio::test]
async fn identity_numbers_stay_out_of_the_log() {
    let db = TestDb::sqlite();
    let mut server = Server::new(&db.url);
    let log = std::env::temp_dir().join(format!("onecard-log-{}.txt", uuid::Uuid::now_v7()));
    server.data_key = Some(random_key());
    server.log = Some(log.clone());
    server.start().await;
    let hr = Api::sign_in(&server.base(), "hr").await;
    let passport = format!("Q{}", &uuid::Uuid::now_v7().simple().to_string()[24..]).to_uppercase();
    let person = json!({ "surname": "LOGTEST", "given_names": "Lena", "nationality": "SWE",
                         "passport_number": passport, "date_of_birth": "1990-02-03", "sex": "F",
                         "email": "lena@example.org" });
    let (s, created) = hr
        .send(Method::POST, "/api/v1/people", Some(&person), None)
        .await
        .expect("an answer");
    assert_eq!(s, StatusCode::CREATED, "{created}");
    assert_eq!(created["passport_number"], passport.as_str(), "{created}");
    // The same passport again: the unique keyed hash refuses it, and the database's own error
    // (which names the conflicting value) is not what is logged.
    let (s, again) = hr
        .send(Method::POST, "/api/v1/people", Some(&person), None)
        .await
        .expect("an answer");
    assert_eq!(s, StatusCode::CONFLICT, "{again}");
    let id = created["id"].as_str().unwrap();
    let (s, read) = hr
        .send(Method::GET, &format!("/api/v1/people/{id}"), None, None)
        .await
        .expect("an answer");
    assert_eq!(s, StatusCode::OK, "{read}");
    assert_eq!(read["passport_number"], passport.as_str());
    // An application for the person, submitted: the snapshot and the events.
    let (s, app) = hr
        .send(
            Method::POST,
            "/api/v1/applications",
            Some(&json!({
                "kind": "new", "person_id": id, "position": "Engineer", "annual_salary": "400000",
                "contract_start": "2027-01-01", "contract_end": "2028-12-31", "submit": true,
            })),
            Some("log-test-1"),
        )
        .await
        .expect("an answer");
    assert!(s.is_success(), "{s} {app}");
    assert_eq!(server.terminate().code(), Some(0));

    let text = std::fs::read_to_string(&log).expect("the log");
    assert!(text.contains("DEBUG"), "logged at debug level: {text}");
    assert!(
        !text.contains(&passport),
        "the passport number is in the log:\n{text}"
    );
    std::fs::remove_file(&log).ok();
}
