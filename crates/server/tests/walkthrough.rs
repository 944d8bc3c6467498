//! One application from submission to approval, over HTTP, on both databases.

mod common;
use common::*;
use reqwest::StatusCode;
use serde_json::json;

async fn submission_to_permit(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let officer = srv.sign_in("officer.beijing").await;
    let anna = srv.sign_in("anna").await;

    let app = submit_new(&hr).await;
    assert_eq!(app["state"], "submitted");
    let id = app["id"].as_str().unwrap();
    let approved = approve(&officer, &app, grant_b()).await;
    assert_eq!(approved["state"], "approved");
    let number = approved["permit_number"]
        .as_str()
        .expect("permit number")
        .to_string();
    assert!(number.starts_with("P110000"), "{number}");

    // The holder sees the permit and the application's whole timeline.
    let (s, permits) = anna.get("/api/v1/permits").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(permits[0]["number"], number.as_str());
    assert_eq!(permits[0]["status"], "valid");
    assert_eq!(permits[0]["medium"], "electronic");
    let (s, detail) = anna.get(&format!("/api/v1/applications/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{detail}");
    let steps: Vec<_> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "submit",
            "pass_pre_review",
            "accept",
            "start_review",
            "approve"
        ]
    );
    assert_eq!(detail["actions"], json!([]));

    // A second decision on the same version is refused and changes nothing.
    let (s, e) = step(
        &officer,
        id,
        "refuse",
        approved["version"].as_i64().unwrap() - 1,
        json!({ "items": ["late"] }),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["state"], "approved");

    // Seed, sign-ins, creation and four steps: every one of them is on the chain, which holds.
    let records = store::verify_audit(&*srv.store)
        .await
        .unwrap()
        .expect("audit chain intact");
    assert!(records >= 9, "{records} audit records");
    srv.stop().await;
}

#[tokio::test]
async fn sqlite_submission_to_permit() {
    submission_to_permit(TestServer::sqlite().await).await;
}

#[tokio::test]
async fn postgres_submission_to_permit() {
    if let Some(srv) = TestServer::postgres("submission_to_permit").await {
        submission_to_permit(srv).await;
    }
}
