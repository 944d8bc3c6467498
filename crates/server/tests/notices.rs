//! The official notices of a decision: listed for those who see the application, generated once
//! on the first download and then the same bytes, sealed so that the file verifies online, and
//! refused when altered or asked for by someone else.

#[macro_use]
mod common;
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn download(c: &Client, app: &str, kind: &str) -> (StatusCode, Vec<u8>, String) {
    let res = c
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/applications/{app}/notices/{kind}"),
        )
        .send()
        .await
        .expect("request");
    let status = res.status();
    let disposition = res
        .headers()
        .get(reqwest::header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (
        status,
        res.bytes().await.expect("body").to_vec(),
        disposition,
    )
}

async fn check(c: &Client, file: Vec<u8>) -> Value {
    let (s, v) = c
        .post_raw("/api/v1/verify/notice", "application/pdf", file)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

fn kinds(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|n| n["kind"].as_str().expect("a kind"))
        .collect()
}

async fn approval_comes_with_its_notices(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let officer = srv.sign_in("officer.beijing").await;
    let anna = srv.sign_in("anna").await;
    let app = submit_new(&hr).await;
    let id = app["id"].as_str().unwrap().to_string();

    // Before a decision there is nothing to download.
    let (s, list) = hr.get(&format!("/api/v1/applications/{id}/notices")).await;
    assert_eq!((s, list.clone()), (StatusCode::OK, json!([])));
    let (s, _, _) = download(&hr, &id, "notification_letter").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let approved = approve(&officer, &app, grant_b()).await;
    let receipt = approved["receipt_number"].as_str().unwrap().to_string();
    let permit = approved["permit_number"].as_str().unwrap().to_string();
    let (s, list) = anna
        .get(&format!("/api/v1/applications/{id}/notices"))
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(
        kinds(&list),
        ["notification_letter", "decision_notice", "information_page"]
    );
    assert_eq!(list[0]["number"], format!("NL-{receipt}"));
    assert!(
        list[0]["sha256"].is_null(),
        "not generated before asked for"
    );
    let records_before = audit_records(&srv).await;

    // The holder downloads the letter; the employer gets the very same bytes later.
    let (s, letter, disposition) = download(&anna, &id, "notification_letter").await;
    assert_eq!(s, StatusCode::OK);
    assert!(letter.starts_with(b"%PDF-1."), "a PDF");
    assert!(
        disposition.contains(&format!("NL-{receipt}.pdf")),
        "{disposition}"
    );
    let (s, again, _) = download(&hr, &id, "notification_letter").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(again, letter, "generated once, then served as stored");
    assert_eq!(audit_records(&srv).await, records_before + 1, "one record");
    let (_, list) = hr.get(&format!("/api/v1/applications/{id}/notices")).await;
    let sha = hex::encode(sha2::Sha256::digest(&letter));
    assert_eq!(list[0]["sha256"], sha.as_str());
    assert_eq!(list[0]["size"], letter.len());

    // Anyone can check the file: sealed by the issuer, unaltered, and held by the service.
    let anyone = srv.client();
    let v = check(&anyone, letter.clone()).await;
    assert_eq!(v["outcome"], "valid", "{v}");
    assert_eq!(v["valid"], true);
    assert_eq!(v["document"]["number"], format!("NL-{receipt}"));
    assert_eq!(v["document"]["kind"], "notification_letter");
    assert_eq!(v["document"]["permit_number"], permit.as_str());
    assert_eq!(v["document"]["recorded"], true);
    // One byte changed, in the body or in the seal's part: not valid.
    for at in [letter.len() / 3, letter.len() - 40] {
        let mut altered = letter.clone();
        altered[at] ^= 0x01;
        let v = check(&anyone, altered).await;
        assert_eq!(v["outcome"], "altered", "byte {at}: {v}");
        assert_eq!(v["valid"], false);
        assert!(v["document"].is_null());
    }
    let mut zh = srv.client();
    zh.lang = Some("zh-CN".to_string());
    let v = check(&zh, b"%PDF-1.7 not ours".to_vec()).await;
    assert_eq!(v["outcome"], "not_sealed", "{v}");
    assert!(v["message"].as_str().unwrap().contains("印章"), "{v}");
    let (s, e) = anyone
        .post_raw("/api/v1/verify/notice", "application/pdf", Vec::new())
        .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("file"))
    );

    // Each of the other notices downloads and verifies too.
    for kind in ["decision_notice", "information_page"] {
        let (s, file, _) = download(&hr, &id, kind).await;
        assert_eq!(s, StatusCode::OK, "{kind}");
        let v = check(&anyone, file).await;
        assert_eq!(
            (v["outcome"].as_str(), v["document"]["kind"].as_str()),
            (Some("valid"), Some(kind))
        );
    }
    // Not a notice of this decision, not a notice at all, not the caller's application.
    for kind in ["approval_letter", "refusal_decision", "passport"] {
        let (s, body, _) = download(&hr, &id, kind).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{kind}");
        let e: Value = serde_json::from_slice(&body).expect("an error");
        assert_eq!(e["code"], "official_notice_not_found", "{kind}: {e}");
        assert!(!e["message"].as_str().unwrap().contains("error-"), "{e}");
    }
    let jean = srv.sign_in("jean").await;
    let (s, _, _) = download(&jean, &id, "notification_letter").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another holder");
    let (s, _) = jean
        .get(&format!("/api/v1/applications/{id}/notices"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let shanghai = srv.sign_in("officer.shanghai").await;
    let (s, _, _) = download(&shanghai, &id, "decision_notice").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another city's officer");
    let (s, _, _) = download(&anyone, &id, "decision_notice").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // The application's page links them, in the holder's language.
    let (mut page, _) = Browser::sign_in(&srv, "anna").await;
    page.lang = Some("zh-CN");
    let shown = page.get(&format!("/applications/{id}")).await;
    assert!(shown.body.contains("外国人工作许可通知"), "{}", shown.body);
    assert!(shown.body.contains(&format!(
        "/api/v1/applications/{id}/notices/decision_notice"
    )));
    srv.stop().await;
}

on_both!(
    approval_comes_with_its_notices,
    approval_comes_with_its_notices_sqlite,
    approval_comes_with_its_notices_postgres
);

async fn refusal_and_cancellation_have_theirs(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let officer = srv.sign_in("officer.beijing").await;
    let anyone = srv.client();

    // A refusal: its decision carries the officer's reasons.
    let app = submit_new(&hr).await;
    let id = app["id"].as_str().unwrap().to_string();
    let version = to_review(&officer, &app).await;
    let (s, a) = step(
        &officer,
        &id,
        "refuse",
        version,
        json!({ "items": ["The position does not match the degree"] }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let (_, list) = hr.get(&format!("/api/v1/applications/{id}/notices")).await;
    assert_eq!(kinds(&list), ["refusal_decision"]);
    let (s, refusal, _) = download(&hr, &id, "refusal_decision").await;
    assert_eq!(s, StatusCode::OK);
    let v = check(&anyone, refusal).await;
    assert_eq!(v["document"]["kind"], "refusal_decision", "{v}");
    assert!(v["document"]["permit_number"].is_null());

    // A permit approved, then cancelled: the cancellation certificate.
    let granted = approve(&officer, &submit_new(&hr).await, grant_b()).await;
    let number = granted["permit_number"].as_str().unwrap();
    let (s, cancel) = hr
        .post(
            "/api/v1/applications",
            json!({ "kind": "cancellation", "permit_number": number,
                    "employment_end": SystemClock.today().to_string(),
                    "reason": "Contract ended", "submit": true }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{cancel}");
    let version = to_review(&officer, &cancel).await;
    let cid = cancel["id"].as_str().unwrap().to_string();
    let (s, a) = step(&officer, &cid, "approve", version, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let (_, list) = hr.get(&format!("/api/v1/applications/{cid}/notices")).await;
    assert_eq!(kinds(&list), ["cancellation_certificate"]);
    let (s, certificate, _) = download(&hr, &cid, "cancellation_certificate").await;
    assert_eq!(s, StatusCode::OK);
    let v = check(&anyone, certificate).await;
    assert_eq!(
        (
            v["outcome"].as_str(),
            v["document"]["permit_number"].as_str()
        ),
        (Some("valid"), Some(number))
    );
    srv.stop().await;
}

on_both!(
    refusal_and_cancellation_have_theirs,
    refusal_and_cancellation_have_theirs_sqlite,
    refusal_and_cancellation_have_theirs_postgres
);

/// Two first downloads at once: one notice is recorded, and both callers get its bytes.
async fn racing_first_downloads_get_one_notice(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let officer = srv.sign_in("officer.beijing").await;
    let anna = srv.sign_in("anna").await;
    let app = approve(&officer, &submit_new(&hr).await, grant_b()).await;
    let id = app["id"].as_str().unwrap().to_string();
    let (a, b) = tokio::join!(
        download(&hr, &id, "decision_notice"),
        download(&anna, &id, "decision_notice")
    );
    assert_eq!((a.0, b.0), (StatusCode::OK, StatusCode::OK));
    let (_, list) = hr.get(&format!("/api/v1/applications/{id}/notices")).await;
    let stored = list[1]["sha256"].as_str().unwrap().to_string();
    let (_, third, _) = download(&hr, &id, "decision_notice").await;
    assert_eq!(hex::encode(sha2::Sha256::digest(&third)), stored);
    // Whichever won, a later download is the recorded file; a loser may have had its own
    // sealing of the same notice, which verifies as well but is not the one held.
    for file in [a.1, b.1] {
        let v = check(&srv.client(), file.clone()).await;
        assert_eq!(v["outcome"], "valid", "{v}");
        assert_eq!(v["document"]["recorded"], file == third);
    }
    srv.stop().await;
}

on_both!(
    racing_first_downloads_get_one_notice,
    racing_first_downloads_get_one_notice_sqlite,
    racing_first_downloads_get_one_notice_postgres
);

/// The public verifier page takes a notice's PDF as it takes a photo of a code.
async fn the_verifier_page_checks_a_notice_file(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let officer = srv.sign_in("officer.beijing").await;
    let app = approve(&officer, &submit_new(&hr).await, grant_b()).await;
    let id = app["id"].as_str().unwrap().to_string();
    let (_, letter, _) = download(&hr, &id, "notification_letter").await;
    let mut visitor = Browser::new(&srv);
    let _ = visitor.get("/verify").await;
    for (file, expect) in [
        (letter.clone(), "Valid: a notice the service issued"),
        (
            {
                let mut f = letter.clone();
                f[500] ^= 0x20;
                f
            },
            "changed after it was sealed",
        ),
    ] {
        let form = reqwest::multipart::Form::new()
            .text("csrf", visitor.csrf())
            .part(
                "image",
                reqwest::multipart::Part::bytes(file).file_name("letter.pdf"),
            );
        let r = visitor
            .http
            .post(format!("{}/verify", visitor.base))
            .multipart(form);
        let page = visitor.send(r).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains(expect), "{}", page.body);
    }
    srv.stop().await;
}

on_both!(
    the_verifier_page_checks_a_notice_file,
    the_verifier_page_checks_a_notice_file_sqlite,
    the_verifier_page_checks_a_notice_file_postgres
);

use server::clock::{Clock, SystemClock};
use sha2::Digest;
