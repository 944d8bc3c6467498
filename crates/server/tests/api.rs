//! The JSON API over HTTP, on SQLite and on PostgreSQL: the four kinds of application end to
//! end, filing deadlines, bad input that writes nothing, idempotent creation, concurrent
//! decisions, API tokens, sessions, health, and the OpenAPI document kept current.

#[macro_use]
mod common;
use chrono::{Days, NaiveDate};
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use server::clock::{Clock, FixedClock};
use std::collections::BTreeSet;
use std::sync::Arc;
use store::testing::TestDb;
use tokio::task::JoinSet;
use utoipa::OpenApi;

const APPS: &str = "/api/v1/applications";

fn day(d: NaiveDate, offset: i64) -> NaiveDate {
    if offset >= 0 {
        d + Days::new(offset as u64)
    } else {
        d - Days::new(offset.unsigned_abs())
    }
}

fn date(d: NaiveDate, offset: i64) -> String {
    day(d, offset).to_string()
}

fn id(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id: {v}"))
        .to_string()
}

fn version(v: &Value) -> i64 {
    v["version"]
        .as_i64()
        .unwrap_or_else(|| panic!("no version: {v}"))
}

/// Asserts an error answer: its status, its code, the field it names (or that it names none),
/// and a message.
#[track_caller]
fn assert_error(got: &(StatusCode, Value), status: StatusCode, code: &str, field: Option<&str>) {
    let (s, body) = got;
    assert_eq!(*s, status, "{body}");
    assert_eq!(body["code"], code, "{body}");
    match field {
        Some(f) => assert_eq!(body["field"], f, "{body}"),
        None => assert!(body.get("field").is_none(), "{body}"),
    }
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

#[track_caller]
fn message(got: &(StatusCode, Value)) -> String {
    got.1["message"]
        .as_str()
        .unwrap_or_else(|| panic!("no message: {}", got.1))
        .to_string()
}

async fn list(c: &Client, path: &str) -> Vec<Value> {
    let (s, v) = c.get(path).await;
    assert_eq!(s, StatusCode::OK, "{path}: {v}");
    v.as_array().expect("a list").clone()
}

async fn file(hr: &Client, body: Value) -> Value {
    let (s, app) = hr.post(APPS, body).await;
    assert_eq!(s, StatusCode::CREATED, "{app}");
    app
}

/// A new-permit application for the person, with a contract that starts in a month.
fn new_permit(person_id: &str, today: NaiveDate, submit: bool) -> Value {
    json!({
        "kind": "new", "person_id": person_id, "position": "Data Scientist",
        "annual_salary": "480000", "contract_start": date(today, 30),
        "contract_end": date(today, 1000), "requested_category": "B", "submit": submit
    })
}

/// Jean's permit as `c` lists it.
async fn jean_permit(c: &Client) -> Value {
    list(c, "/api/v1/permits")
        .await
        .into_iter()
        .find(|p| p["surname"] == "DUPONT")
        .expect("Jean's permit")
}

/// Every revision of a permit.
async fn revisions(c: &Client, number: &str) -> Vec<Value> {
    list(c, &format!("/api/v1/permits/{number}")).await
}

async fn detail(c: &Client, app_id: &str) -> Value {
    let (s, d) = c.get(&format!("{APPS}/{app_id}")).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    d
}

fn steps(detail: &Value) -> Vec<String> {
    detail["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| e["action"].as_str().expect("action").to_string())
        .collect()
}

/// A grant of category B from today for `days`.
fn grant(today: NaiveDate, days: i64) -> Value {
    json!({ "category": "B", "valid_from": date(today, 0), "valid_to": date(today, days) })
}

// ---------------------------------------------------------------------------------------------
// New permits: draft, return, corrections, refusal, withdrawal.

async fn new_application_through_every_step(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let officer = srv.sign_in("officer.beijing").await;
    let anna = srv.sign_in("anna").await;
    let today = srv.clock.today();
    let pid = person_id(&hr, "MÜLLER").await;

    // A draft is kept, and is not before the authority yet.
    let draft = file(&hr, new_permit(&pid, today, false)).await;
    assert_eq!(draft["state"], "draft");
    assert_eq!(draft["version"], 1);
    assert!(draft["submitted_at"].is_null(), "{draft}");
    let app_id = id(&draft);
    let queued = |q: &[Value]| q.iter().any(|a| a["id"] == app_id.as_str());
    assert!(!queued(
        &list(&officer, "/api/v1/applications?queue=true").await
    ));
    assert_eq!(
        detail(&hr, &app_id).await["actions"],
        json!(["submit", "withdraw"])
    );

    let (s, a) = step(&hr, &app_id, "submit", 1, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["state"], "submitted");
    assert!(a["submitted_at"].is_string(), "{a}");
    assert!(queued(
        &list(&officer, "/api/v1/applications?queue=true").await
    ));

    // Pre-review returns it with every missing item, listed at once.
    let missing = [
        "Degree certificate, apostilled",
        "Medical examination report",
        "Certificate of no criminal record",
    ];
    let (s, a) = step(
        &officer,
        &app_id,
        "return",
        version(&a),
        json!({ "items": missing }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["state"], "returned");
    let d = detail(&hr, &app_id).await;
    let returns: Vec<_> = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "return")
        .collect();
    assert_eq!(returns.len(), 1, "{d}");
    assert_eq!(returns[0]["notes"], json!(missing));
    assert_eq!(returns[0]["to_state"], "returned");
    assert_eq!(d["actions"], json!(["resubmit", "withdraw"]));
    // While it is returned, the authority has no move.
    let r = step(&officer, &app_id, "pass_pre_review", version(&a), json!({})).await;
    assert_error(&r, StatusCode::CONFLICT, "illegal_transition", None);
    assert_eq!(r.1["state"], "returned");
    assert_eq!(r.1["version"], version(&a));

    // Resubmitted, it is pre-reviewed again and passes, is accepted and reviewed.
    let (s, a) = step(&hr, &app_id, "resubmit", version(&a), json!({})).await;
    assert_eq!(
        (s, a["state"].as_str()),
        (StatusCode::OK, Some("submitted")),
        "{a}"
    );
    let v = to_review(&officer, &a).await;

    // The officer asks for corrections; the employer corrects and it is back under review.
    let corrections = ["State the salary in yuan in the contract"];
    let (s, a) = step(
        &officer,
        &app_id,
        "request_corrections",
        v,
        json!({ "items": corrections }),
    )
    .await;
    assert_eq!(
        (s, a["state"].as_str()),
        (StatusCode::OK, Some("corrections_requested")),
        "{a}"
    );
    assert_eq!(
        detail(&hr, &app_id).await["actions"],
        json!(["resubmit", "withdraw"])
    );
    let (s, a) = step(&hr, &app_id, "resubmit", version(&a), json!({})).await;
    assert_eq!(
        (s, a["state"].as_str()),
        (StatusCode::OK, Some("under_review")),
        "{a}"
    );

    // Refused with reasons, which the holder reads on the timeline.
    let reasons = [
        "The position does not match the degree",
        "Relevant experience under two years",
    ];
    let (s, a) = step(
        &officer,
        &app_id,
        "refuse",
        version(&a),
        json!({ "items": reasons }),
    )
    .await;
    assert_eq!(
        (s, a["state"].as_str()),
        (StatusCode::OK, Some("refused")),
        "{a}"
    );
    assert!(a["decided_at"].is_string(), "{a}");
    assert!(a["permit_number"].is_null(), "{a}");
    let d = detail(&anna, &app_id).await;
    assert_eq!(
        steps(&d),
        [
            "created",
            "submit",
            "return",
            "resubmit",
            "pass_pre_review",
            "accept",
            "start_review",
            "request_corrections",
            "resubmit",
            "refuse"
        ]
    );
    let timeline = d["timeline"].as_array().unwrap();
    let last = timeline.last().unwrap();
    assert_eq!(last["notes"], json!(reasons));
    assert_eq!(last["from_state"], "under_review");
    assert_eq!(last["to_state"], "refused");
    assert_eq!(last["actor_role"], "labour_officer");
    assert_eq!(timeline[7]["notes"], json!(corrections));
    assert_eq!(d["actions"], json!([]));
    assert_eq!(d["permit"], json!([]));

    // After the decision, neither the employer nor the holder can withdraw; the answer says
    // where the application stands.
    for who in [&hr, &anna] {
        let r = step(who, &app_id, "withdraw", version(&a), json!({})).await;
        assert_error(&r, StatusCode::CONFLICT, "illegal_transition", None);
        assert_eq!(r.1["state"], "refused");
        assert_eq!(r.1["version"], version(&a));
        assert!(message(&r).contains("refused"), "{}", r.1);
    }
    assert_eq!(
        detail(&hr, &app_id).await["application"]["state"],
        "refused"
    );
    assert!(
        list(&hr, "/api/v1/permits")
            .await
            .iter()
            .all(|p| p["surname"] != "MÜLLER")
    );
    srv.stop().await;
}

on_both!(
    new_application_through_every_step,
    sqlite_new_application_through_every_step,
    postgres_new_application_through_every_step
);

async fn withdrawal_before_decision(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let officer = srv.sign_in("officer.beijing").await;
    let anna = srv.sign_in("anna").await;
    let jean = srv.sign_in("jean").await;

    // The employer withdraws a submitted application.
    let a = submit_new(&hr).await;
    let (s, w) = step(&hr, &id(&a), "withdraw", version(&a), json!({})).await;
    assert_eq!(
        (s, w["state"].as_str()),
        (StatusCode::OK, Some("withdrawn")),
        "{w}"
    );
    assert!(w["decided_at"].is_string(), "{w}");
    let r = step(&hr, &id(&a), "withdraw", version(&w), json!({})).await;
    assert_error(&r, StatusCode::CONFLICT, "illegal_transition", None);
    assert_eq!(r.1["state"], "withdrawn");

    // The holder withdraws one under review. Another holder may not see it, an officer may not
    // withdraw it.
    let b = submit_new(&hr).await;
    let v = to_review(&officer, &b).await;
    let r = step(&jean, &id(&b), "withdraw", v, json!({})).await;
    assert_error(&r, StatusCode::NOT_FOUND, "application_not_found", None);
    let r = step(&officer, &id(&b), "withdraw", v, json!({})).await;
    assert_error(
        &r,
        StatusCode::FORBIDDEN,
        "action_not_allowed_for_role",
        None,
    );
    // The holder may withdraw, and nothing else.
    let r = step(&anna, &id(&b), "approve", v, grant_b()).await;
    assert_error(
        &r,
        StatusCode::FORBIDDEN,
        "action_not_allowed_for_role",
        None,
    );
    assert_eq!(detail(&anna, &id(&b)).await["actions"], json!(["withdraw"]));
    let (s, w) = step(&anna, &id(&b), "withdraw", v, json!({})).await;
    assert_eq!(
        (s, w["state"].as_str()),
        (StatusCode::OK, Some("withdrawn")),
        "{w}"
    );
    let d = detail(&hr, &id(&b)).await;
    let last = d["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "withdraw");
    assert_eq!(last["actor_role"], "applicant");
    assert_eq!(last["actor_name"], "Anna MÜLLER");
    assert_eq!(last["from_state"], "under_review");

    // A decision on it now is refused.
    let r = step(&officer, &id(&b), "approve", version(&w), grant_b()).await;
    assert_error(&r, StatusCode::CONFLICT, "illegal_transition", None);
    assert_eq!(r.1["state"], "withdrawn");
    let states: BTreeSet<String> = list(&hr, APPS)
        .await
        .iter()
        .map(|a| a["state"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(states, BTreeSet::from(["withdrawn".to_string()]));
    srv.stop().await;
}

on_both!(
    withdrawal_before_decision,
    sqlite_withdrawal_before_decision,
    postgres_withdrawal_before_decision
);

// ---------------------------------------------------------------------------------------------
// Extension, change, cancellation.

async fn extension_moves_a_physical_card_to_the_electronic_record(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let officer = srv.sign_in("officer.beijing").await;
    let jean = srv.sign_in("jean").await;
    let today = srv.clock.today();

    let old = jean_permit(&hr).await;
    let number = old["number"].as_str().unwrap().to_string();
    assert_eq!(old["medium"], "physical_card");
    assert_eq!(old["status"], "valid");
    assert_eq!(old["valid_to"], date(today, 60));
    assert_eq!(old["revision"], 1);

    let app = file(
        &hr,
        json!({ "kind": "extension", "permit_number": number, "contract_end": date(today, 700), "submit": true }),
    )
    .await;
    assert_eq!(app["state"], "submitted");
    assert_eq!(app["kind"], "extension");
    assert_eq!(app["permit_number"], number.as_str());
    assert_eq!(app["person_id"], old["holder_id"]);
    // Jean sees the extension filed for him.
    assert!(list(&jean, APPS).await.iter().any(|a| a["id"] == app["id"]));

    // The grant may not run beyond the new contract.
    let v = to_review(&officer, &app).await;
    let r = step(&officer, &id(&app), "approve", v, grant(today, 701)).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "beyond_contract",
        Some("grant.valid_to"),
    );
    assert_eq!(revisions(&hr, &number).await.len(), 1);

    let (s, approved) = step(&officer, &id(&app), "approve", v, grant(today, 700)).await;
    assert_eq!(s, StatusCode::OK, "{approved}");
    assert_eq!(approved["state"], "approved");
    assert_eq!(approved["permit_number"], number.as_str());

    // Both revisions under the one number: the old superseded today, the new one valid and
    // electronic ("no change, no replacement" ends at the extension).
    for who in [&hr, &jean, &officer] {
        let revs = revisions(who, &number).await;
        assert_eq!(revs.len(), 2, "{revs:?}");
        assert_eq!(revs[0]["revision"], 1);
        assert_eq!(revs[0]["status"], "superseded");
        assert_eq!(revs[0]["status_changed_on"], date(today, 0));
        assert_eq!(revs[0]["medium"], "physical_card");
        assert_eq!(revs[0]["valid_to"], date(today, 60));
        assert_eq!(revs[1]["revision"], 2);
        assert_eq!(revs[1]["number"], number.as_str());
        assert_eq!(revs[1]["status"], "valid");
        assert!(revs[1]["status_changed_on"].is_null());
        assert_eq!(revs[1]["medium"], "electronic");
        assert_eq!(revs[1]["category"], "B");
        assert_eq!(revs[1]["valid_from"], date(today, 0));
        assert_eq!(revs[1]["valid_to"], date(today, 700));
        assert_eq!(revs[1]["application_id"], app["id"]);
        assert_eq!(revs[1]["holder_id"], revs[0]["holder_id"]);
        assert_eq!(revs[1]["position"], revs[0]["position"]);
    }
    // Lists show the latest revision only.
    let mine = list(&jean, "/api/v1/permits").await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["revision"], 2);
    assert_eq!(mine[0]["medium"], "electronic");
    assert_eq!(
        detail(&hr, &id(&app)).await["permit"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // The new expiry is far away: another extension now is out of its window.
    let r = hr
        .post(
            APPS,
            json!({ "kind": "extension", "permit_number": number, "contract_end": date(today, 1500), "submit": true }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "extension_window",
        Some("details.permit_number"),
    );
    srv.stop().await;
}

on_both!(
    extension_moves_a_physical_card_to_the_electronic_record,
    sqlite_extension,
    postgres_extension
);

async fn change_of_position_and_of_passport(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let officer = srv.sign_in("officer.beijing").await;
    let jean = srv.sign_in("jean").await;
    let today = srv.clock.today();
    let number = jean_permit(&hr).await["number"]
        .as_str()
        .unwrap()
        .to_string();
    let jean_id = person_id(&hr, "DUPONT").await;

    let app = file(
        &hr,
        json!({ "kind": "change", "permit_number": number, "change_what": "position",
                "new_position": "Principal Engineer", "change_date": date(today, -2), "submit": true }),
    )
    .await;
    assert_eq!(app["details"]["change"]["what"], "position", "{app}");
    let v = to_review(&officer, &app).await;
    let (s, a) = step(&officer, &id(&app), "approve", v, grant(today, 365)).await;
    assert_eq!(
        (s, a["state"].as_str()),
        (StatusCode::OK, Some("approved")),
        "{a}"
    );
    let revs = revisions(&jean, &number).await;
    assert_eq!(revs.len(), 2);
    assert_eq!(revs[0]["status"], "superseded");
    assert_eq!(revs[0]["position"], "Senior Software Engineer");
    assert_eq!(revs[1]["position"], "Principal Engineer");
    assert_eq!(revs[1]["status"], "valid");
    assert_eq!(revs[1]["medium"], "electronic");
    assert_eq!(revs[1]["passport_number"], "19AB12345");

    // A new passport: the permit and the person record both carry the new number.
    let app = file(
        &hr,
        json!({ "kind": "change", "permit_number": number, "change_what": "passport",
                "new_passport_number": "21cd 67890", "change_date": date(today, -1), "submit": true }),
    )
    .await;
    let v = to_review(&officer, &app).await;
    let (s, a) = step(&officer, &id(&app), "approve", v, grant(today, 365)).await;
    assert_eq!(
        (s, a["state"].as_str()),
        (StatusCode::OK, Some("approved")),
        "{a}"
    );
    let revs = revisions(&hr, &number).await;
    assert_eq!(revs.len(), 3);
    assert_eq!(
        revs.iter()
            .map(|r| r["status"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["superseded", "superseded", "valid"]
    );
    assert_eq!(revs[2]["passport_number"], "21CD67890");
    assert_eq!(revs[2]["position"], "Principal Engineer");
    assert_eq!(revs[1]["passport_number"], "19AB12345");
    let (s, person) = hr.get(&format!("/api/v1/people/{jean_id}")).await;
    assert_eq!(s, StatusCode::OK, "{person}");
    assert_eq!(person["passport_number"], "21CD67890");
    let (s, person) = jean.get(&format!("/api/v1/people/{jean_id}")).await;
    assert_eq!(
        (s, person["passport_number"].as_str()),
        (StatusCode::OK, Some("21CD67890"))
    );
    // Both passports, the person's, the permits' and the change's, are sealed at rest.
    assert_sealed_at_rest(&srv, &["19AB12345", "21CD67890"]).await;
    srv.stop().await;
}

on_both!(
    change_of_position_and_of_passport,
    sqlite_change_of_position_and_of_passport,
    postgres_change_of_position_and_of_passport
);

/// A valid USCC with the given first 17 characters.
fn uscc(first17: &str) -> String {
    format!(
        "{first17}{}",
        domain::check::uscc_check(first17).expect("a USCC body")
    )
}

async fn change_of_employer_filed_by_the_new_employer(srv: TestServer) {
    let admin = srv.sign_in("admin").await;
    let hr = srv.sign_in("hr").await;
    let jean = srv.sign_in("jean").await;
    let shanghai = srv.sign_in("officer.shanghai").await;
    let today = srv.clock.today();
    let old = jean_permit(&hr).await;
    let number = old["number"].as_str().unwrap().to_string();

    // A second employer in Shanghai, and its HR account.
    let (s, employer) = admin
        .post(
            "/api/v1/employers",
            json!({ "name": "Shanghai Pudong Example Research Co., Ltd.", "uscc": uscc("91310115MA1KXYW01"),
                    "city": "310000", "kind": "research_institute" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{employer}");
    assert_eq!(employer["city"], "310000");
    let (s, account) = admin
        .post(
            "/api/v1/accounts",
            json!({ "username": "hr.pudong", "display_name": "Wang Fang (HR)", "password": "Pudong-2026",
                    "role": "employer_hr", "employer_id": employer["id"] }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{account}");
    assert_eq!(account["role"], "employer_hr");
    let mut hr2 = srv.client();
    let (s, b) = hr2.sign_in("hr.pudong", "Pudong-2026").await;
    assert_eq!(s, StatusCode::OK, "{b}");

    // The new employer does not see the permit, and must prove it knows the holder.
    let (s, _) = hr2.get(&format!("/api/v1/permits/{number}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let body = |passport: Option<&str>| {
        let mut b = json!({ "kind": "change", "permit_number": number, "change_what": "employer",
                            "change_date": date(today, -1), "submit": true });
        if let Some(p) = passport {
            b["passport_number"] = p.into();
        }
        b
    };
    let r = hr2.post(APPS, body(None)).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "required",
        Some("passport_number"),
    );
    let r = hr2.post(APPS, body(Some("99ZZ99999"))).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "permit_not_found",
        Some("details.permit_number"),
    );
    // The current employer cannot file a move to itself.
    let r = hr.post(APPS, body(Some("19AB12345"))).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "change_employer_same",
        Some("details.change"),
    );
    assert!(list(&hr2, APPS).await.is_empty());

    let app = file(&hr2, body(Some("19AB12345"))).await;
    assert_eq!(app["city"], "310000");
    assert_eq!(app["employer_id"], employer["id"]);
    assert_eq!(app["person_id"], old["holder_id"]);
    // The Shanghai labour authority decides it.
    let v = to_review(&shanghai, &app).await;
    let (s, a) = step(&shanghai, &id(&app), "approve", v, grant(today, 365)).await;
    assert_eq!(
        (s, a["state"].as_str()),
        (StatusCode::OK, Some("approved")),
        "{a}"
    );

    let revs = revisions(&hr2, &number).await;
    assert_eq!(revs.len(), 2);
    assert_eq!(revs[0]["employer_id"], old["employer_id"]);
    assert_eq!(revs[0]["status"], "superseded");
    assert_eq!(revs[1]["employer_id"], employer["id"]);
    assert_eq!(revs[1]["city"], "310000");
    assert_eq!(revs[1]["status"], "valid");
    assert_eq!(revs[1]["medium"], "electronic");
    assert_eq!(jean_permit(&jean).await["employer_id"], employer["id"]);
    // The person moved to the new roster; the old employer sees neither them nor the permit.
    let roster2 = list(&hr2, "/api/v1/people").await;
    assert_eq!(roster2.len(), 1);
    assert_eq!(roster2[0]["surname"], "DUPONT");
    assert_eq!(roster2[0]["employer_id"], employer["id"]);
    assert!(
        list(&hr, "/api/v1/people")
            .await
            .iter()
            .all(|p| p["surname"] != "DUPONT")
    );
    let (s, _) = hr.get(&format!("/api/v1/permits/{number}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    srv.stop().await;
}

on_both!(
    change_of_employer_filed_by_the_new_employer,
    sqlite_change_of_employer,
    postgres_change_of_employer
);

async fn cancellation_ends_the_permit(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let officer = srv.sign_in("officer.beijing").await;
    let jean = srv.sign_in("jean").await;
    let today = srv.clock.today();
    let number = jean_permit(&hr).await["number"]
        .as_str()
        .unwrap()
        .to_string();

    let app = file(
        &hr,
        json!({ "kind": "cancellation", "permit_number": number, "employment_end": date(today, -3),
                "reason": "Employment contract ended", "submit": true }),
    )
    .await;
    let v = to_review(&officer, &app).await;
    // A cancellation grants no validity.
    let r = step(&officer, &id(&app), "approve", v, grant(today, 30)).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "grant_not_allowed",
        Some("grant"),
    );
    let (s, a) = step(&officer, &id(&app), "approve", v, json!({})).await;
    assert_eq!(
        (s, a["state"].as_str()),
        (StatusCode::OK, Some("approved")),
        "{a}"
    );

    let revs = revisions(&jean, &number).await;
    assert_eq!(
        revs.len(),
        1,
        "a cancellation makes no new revision: {revs:?}"
    );
    assert_eq!(revs[0]["status"], "cancelled");
    assert_eq!(revs[0]["status_changed_on"], date(today, 0));
    assert_eq!(jean_permit(&jean).await["status"], "cancelled");

    // A cancelled permit cannot be extended.
    let before = list(&hr, APPS).await.len();
    let r = hr
        .post(
            APPS,
            json!({ "kind": "extension", "permit_number": number, "contract_end": date(today, 800), "submit": true }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "permit_not_valid",
        Some("details.permit_number"),
    );
    assert!(message(&r).contains("cancelled"), "{}", r.1);
    assert_eq!(list(&hr, APPS).await.len(), before);
    srv.stop().await;
}

on_both!(
    cancellation_ends_the_permit,
    sqlite_cancellation,
    postgres_cancellation
);

// ---------------------------------------------------------------------------------------------
// Deadlines, on a clock the test moves.

async fn filing_deadlines(srv: TestServer, clock: Arc<FixedClock>) {
    let start = clock.now();
    let t0 = srv.clock.today();
    let hr = srv.sign_in("hr").await;
    let number = jean_permit(&hr).await["number"]
        .as_str()
        .unwrap()
        .to_string();
    let extension = json!({ "kind": "extension", "permit_number": number,
                            "contract_end": date(t0, 800), "submit": true });

    // Jean's permit ends on t0 + 60: extensions are filed from t0 - 30 to t0 + 30.
    for (offset, in_window) in [(-31, false), (-30, true), (30, true), (31, false)] {
        clock.set(start + chrono::Duration::days(offset));
        let hr = srv.sign_in("hr").await;
        let before = list(&hr, APPS).await.len();
        let r = hr.post(APPS, extension.clone()).await;
        if in_window {
            assert_eq!(r.0, StatusCode::CREATED, "day {offset}: {}", r.1);
            assert_eq!(r.1["state"], "submitted");
            assert_eq!(list(&hr, APPS).await.len(), before + 1);
        } else {
            assert_error(
                &r,
                StatusCode::UNPROCESSABLE_ENTITY,
                "extension_window",
                Some("details.permit_number"),
            );
            let m = message(&r);
            assert!(
                m.contains(&date(t0, -30)) && m.contains(&date(t0, 30)),
                "{m}"
            );
            assert_eq!(list(&hr, APPS).await.len(), before, "day {offset}");
        }
    }
    clock.set(start);
    let hr = srv.sign_in("hr").await;

    // A cancellation is filed within 10 days of the end of employment.
    let cancel = |end: i64| {
        json!({ "kind": "cancellation", "permit_number": number,
                                     "employment_end": date(t0, end), "reason": "Resigned", "submit": true })
    };
    let r = hr.post(APPS, cancel(-11)).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "reporting_deadline_passed",
        Some("details.employment_end"),
    );
    assert!(message(&r).contains(&date(t0, -1)), "{}", r.1);
    let r = hr.post(APPS, cancel(1)).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "date_in_future",
        Some("details.employment_end"),
    );
    assert_eq!(hr.post(APPS, cancel(-10)).await.0, StatusCode::CREATED);

    // A change is reported after it took effect, within 10 days.
    let change = |on: i64| {
        json!({ "kind": "change", "permit_number": number, "change_what": "position",
                                    "new_position": "Architect", "change_date": date(t0, on), "submit": true })
    };
    let r = hr.post(APPS, change(1)).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "date_in_future",
        Some("details.change_date"),
    );
    let r = hr.post(APPS, change(-11)).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "reporting_deadline_passed",
        Some("details.change_date"),
    );
    assert_eq!(hr.post(APPS, change(0)).await.0, StatusCode::CREATED);

    // A draft out of time may be kept, but not submitted.
    let mut late = cancel(-11);
    late["submit"] = false.into();
    let draft = file(&hr, late).await;
    let r = step(&hr, &id(&draft), "submit", 1, json!({})).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "reporting_deadline_passed",
        Some("details.employment_end"),
    );
    assert_eq!(
        detail(&hr, &id(&draft)).await["application"]["state"],
        "draft"
    );
    srv.stop().await;
}

fn fixed_clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(chrono::Utc::now()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_filing_deadlines() {
    let clock = fixed_clock();
    let srv = TestServer::start(TestDb::sqlite(), clock.clone()).await;
    filing_deadlines(srv, clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_filing_deadlines() {
    if let Some(db) = TestDb::postgres("filing_deadlines").await {
        let clock = fixed_clock();
        let srv = TestServer::start(db, clock.clone()).await;
        filing_deadlines(srv, clock).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Bad input: named, and nothing written.

/// What a rejected request must leave as it was: the applications, people, employers and
/// accounts, and the audit chain.
async fn snapshot(srv: &TestServer, hr: &Client, admin: &Client) -> [usize; 5] {
    [
        list(hr, APPS).await.len(),
        list(hr, "/api/v1/people").await.len(),
        list(admin, "/api/v1/employers").await.len(),
        list(admin, "/api/v1/accounts").await.len(),
        audit_records(srv).await as usize,
    ]
}

async fn bad_input_is_named_and_writes_nothing(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let admin = srv.sign_in("admin").await;
    let today = srv.clock.today();
    let pid = person_id(&hr, "MÜLLER").await;
    let good = new_permit(&pid, today, true);
    let with = |k: &str, v: Value| {
        let mut b = good.clone();
        b[k] = v;
        b
    };
    let before = snapshot(&srv, &hr, &admin).await;
    let mut checks = 0;
    let mut unchanged = async |what: &str| {
        assert_eq!(
            snapshot(&srv, &hr, &admin).await,
            before,
            "{what} wrote something"
        );
        checks += 1;
    };

    let r = hr
        .post_raw(APPS, "application/json", r#"{"kind": "new", "#)
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "malformed_json", None);
    unchanged("truncated JSON").await;
    let r = hr
        .post_raw(APPS, "application/json", r#"{"kind": "new"} {}"#)
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "malformed_json", None);
    unchanged("trailing JSON").await;

    let r = hr.post(APPS, with("salary", "480000".into())).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "unknown_field", Some("salary"));
    assert!(message(&r).starts_with("salary: "), "{}", r.1);
    unchanged("unknown field").await;

    let r = hr.post(APPS, with("submit", "yes".into())).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "invalid_type", Some("submit"));
    unchanged("wrong type").await;
    let r = hr.post(APPS, with("annual_salary", 480000.into())).await;
    assert_error(
        &r,
        StatusCode::BAD_REQUEST,
        "invalid_type",
        Some("annual_salary"),
    );
    unchanged("number for a string").await;

    let r = hr
        .post(APPS, with("position", "x".repeat(101).into()))
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "too_long",
        Some("details.position"),
    );
    let m = message(&r);
    assert!(m.starts_with("Position: ") && m.contains("100"), "{m}");
    unchanged("over-long position").await;
    let person = json!({ "surname": "Ä".repeat(65), "given_names": "Eva", "nationality": "AUT",
                         "passport_number": "P1234567", "date_of_birth": "1991-05-06", "sex": "F",
                         "email": "eva@example.org" });
    let r = hr.post("/api/v1/people", person.clone()).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "too_long",
        Some("surname"),
    );
    unchanged("over-long surname").await;

    let r = hr
        .post(APPS, with("contract_start", "2026-02-30".into()))
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "date_invalid",
        Some("details.contract_start"),
    );
    assert!(message(&r).contains("2026-02-30"), "{}", r.1);
    unchanged("impossible date").await;

    // Every error at once, the first one on top.
    let r = hr
        .post(
            APPS,
            json!({ "kind": "new", "person_id": "nope", "annual_salary": "-5", "contract_start": "2026-02-30" }),
        )
        .await;
    assert_eq!(r.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.1);
    let fields: BTreeSet<String> = r.1["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", r.1))
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    for f in [
        "person_id",
        "details.position",
        "details.annual_salary",
        "details.contract_start",
        "details.contract_end",
    ] {
        assert!(fields.contains(f), "{f} missing from {}", r.1);
    }
    unchanged("several errors").await;

    let employer = |uscc: String| json!({ "name": "Example Ltd.", "uscc": uscc, "city": "110000", "kind": "enterprise" });
    let good_uscc = uscc("91110105MA0XYW123");
    let last = good_uscc.chars().last().unwrap();
    let wrong = domain::check::USCC_CHARSET
        .chars()
        .find(|c| *c != last)
        .unwrap();
    let bad_uscc = format!("{}{wrong}", &good_uscc[..17]);
    let r = admin.post("/api/v1/employers", employer(bad_uscc)).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "check_character",
        Some("uscc"),
    );
    unchanged("USCC check character").await;

    let r = hr
        .post("/api/v1/people", {
            let mut p = person.clone();
            p["surname"] = "GRUBER".into();
            p["passport_number"] = "AB-12".into();
            p
        })
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "passport_number_format",
        Some("passport_number"),
    );
    assert!(message(&r).starts_with("Passport number: "), "{}", r.1);
    unchanged("passport number").await;

    let r = hr.post_raw(APPS, "text/plain", good.to_string()).await;
    assert_error(
        &r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        None,
    );
    unchanged("text/plain").await;
    let r = hr
        .post_raw(APPS, "application/x-www-form-urlencoded", "kind=new")
        .await;
    assert_error(
        &r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        None,
    );
    unchanged("form").await;
    let r = Client::send(hr.request(Method::POST, APPS).body(good.to_string())).await;
    assert_error(
        &r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        None,
    );
    unchanged("no content type").await;

    // The limit is 64 KiB: just over it is refused, with the limit in the message.
    let big = with("position", "x".repeat(64 * 1024).into());
    assert!(big.to_string().len() > 64 * 1024);
    // The server answers from the Content-Length without reading the body, and closes the
    // connection; a client still sending may see the close before the answer. Such a transport
    // error says nothing about the server's answer, so the request is sent again.
    let mut r = None;
    for _ in 0..5 {
        let sent = hr.request(Method::POST, APPS).json(&big).send().await;
        if let Ok(res) = sent {
            let status = res.status();
            let body: Value = res.json().await.expect("JSON error body");
            r = Some((status, body));
            break;
        }
    }
    let r = r.expect("an answer to the oversized request");
    assert_error(&r, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", None);
    assert!(message(&r).contains("65536"), "{}", r.1);
    unchanged("body over the limit").await;

    // A good request still works, and is the first thing written.
    let created = file(&hr, good).await;
    assert_eq!(created["state"], "submitted");
    assert_eq!(list(&hr, APPS).await.len(), before[0] + 1);
    assert!(audit_records(&srv).await as usize > before[4]);
    assert_eq!(checks, 15);
    srv.stop().await;
}

on_both!(
    bad_input_is_named_and_writes_nothing,
    sqlite_bad_input,
    postgres_bad_input
);

async fn who_may_do_what(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let admin = srv.sign_in("admin").await;
    let officer = srv.sign_in("officer.beijing").await;
    let anna = srv.sign_in("anna").await;
    let today = srv.clock.today();
    let pid = person_id(&hr, "MÜLLER").await;
    let good = new_permit(&pid, today, true);
    let before = snapshot(&srv, &hr, &admin).await;

    // Wrong role: 403 with the rule.
    let r = officer.post(APPS, good.clone()).await;
    assert_error(&r, StatusCode::FORBIDDEN, "employer_only", None);
    let r = anna.post(APPS, good.clone()).await;
    assert_error(&r, StatusCode::FORBIDDEN, "employer_only", None);
    let r = hr
        .post(
            "/api/v1/employers",
            json!({ "name": "X", "uscc": uscc("91110105MA0XYW123"), "city": "110000", "kind": "other" }),
        )
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "administrator_only", None);
    let r = hr.get("/api/v1/accounts").await;
    assert_error(&r, StatusCode::FORBIDDEN, "administrator_only", None);
    let r = anna.get("/api/v1/employers").await;
    assert_error(&r, StatusCode::FORBIDDEN, "role_not_allowed", None);
    let r = admin.get("/api/v1/permits").await;
    assert_error(&r, StatusCode::FORBIDDEN, "role_not_allowed", None);
    let r = admin.post(APPS, good.clone()).await;
    assert_error(&r, StatusCode::FORBIDDEN, "employer_only", None);

    // No credentials, forged ones, and an expired session: 401.
    let nobody = srv.client();
    assert_error(
        &nobody.get("/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        None,
    );
    assert_error(
        &nobody.post(APPS, good.clone()).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        None,
    );
    let mut forged = hr.clone();
    forged.session = Some(server::secrets::new_token());
    assert_error(
        &forged.get("/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        None,
    );
    assert_error(
        &forged.post(APPS, good.clone()).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        None,
    );

    let (s, me) = hr.get("/api/v1/me").await;
    assert_eq!(s, StatusCode::OK, "{me}");
    assert_eq!(me["username"], "hr");
    let account = domain::ids::AccountId(me["id"].as_str().unwrap().parse().unwrap());
    let token = server::secrets::new_token();
    let now = srv.clock.now();
    let mut tx = srv.store.begin().await.unwrap();
    tx.insert_session(&store::Session {
        token_hash: server::secrets::token_hash(&token),
        account_id: account,
        created_at: now - chrono::Duration::hours(9),
        expires_at: now - chrono::Duration::hours(1),
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let mut expired = hr.clone();
    expired.session = Some(token);
    assert_error(
        &expired.get("/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        None,
    );
    assert_error(
        &expired.post(APPS, good.clone()).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        None,
    );
    // The inserted session is in the audit-free session table; the chain did not grow.
    assert_eq!(snapshot(&srv, &hr, &admin).await, before);

    // A change through a cookie session needs the CSRF token echoed in the header.
    let cookies = format!(
        "onecard_session={}; onecard_csrf={}",
        hr.session.as_deref().unwrap(),
        hr.csrf.as_deref().unwrap()
    );
    let bare = || {
        hr.http
            .post(format!("{}{APPS}", hr.base))
            .header(reqwest::header::COOKIE, cookies.clone())
    };
    let r = Client::send(bare().json(&good)).await;
    assert_error(&r, StatusCode::FORBIDDEN, "csrf_invalid", None);
    let r = Client::send(bare().header("x-csrf-token", "not-the-token").json(&good)).await;
    assert_error(&r, StatusCode::FORBIDDEN, "csrf_invalid", None);
    let mut no_cookie = hr.clone();
    no_cookie.csrf = None;
    let r = Client::send(
        no_cookie
            .request(Method::POST, APPS)
            .header("x-csrf-token", hr.csrf.as_deref().unwrap())
            .json(&good),
    )
    .await;
    assert_error(&r, StatusCode::FORBIDDEN, "csrf_invalid", None);
    let r = Client::send(
        hr.http
            .delete(format!("{}/api/v1/session", hr.base))
            .header(reqwest::header::COOKIE, cookies.clone()),
    )
    .await;
    assert_error(&r, StatusCode::FORBIDDEN, "csrf_invalid", None);
    // Reading needs no token.
    let (s, _) = Client::send(
        hr.http
            .get(format!("{}{APPS}", hr.base))
            .header(reqwest::header::COOKIE, cookies.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    // Ids that are not ids, and routes that do not exist: 404.
    for path in [
        "/api/v1/applications/not-a-uuid",
        "/api/v1/people/123",
        "/api/v1/employers/0193c0de",
    ] {
        assert_error(
            &hr.get(path).await,
            StatusCode::NOT_FOUND,
            "invalid_path",
            None,
        );
    }
    let r = step(&officer, "not-a-uuid", "accept", 1, json!({})).await;
    assert_error(&r, StatusCode::NOT_FOUND, "invalid_path", None);
    let r = hr.get("/api/v1/permits/P123").await;
    assert_eq!(r.0, StatusCode::NOT_FOUND, "{}", r.1);
    let r = hr.get(&format!("{APPS}/{}", uuid::Uuid::now_v7())).await;
    assert_error(&r, StatusCode::NOT_FOUND, "application_not_found", None);
    let r = hr.get("/api/v1/nothing-here").await;
    assert_error(&r, StatusCode::NOT_FOUND, "route_not_found", None);

    assert_eq!(snapshot(&srv, &hr, &admin).await, before);
    srv.stop().await;
}

on_both!(
    who_may_do_what,
    sqlite_who_may_do_what,
    postgres_who_may_do_what
);

async fn messages_follow_accept_language(srv: TestServer) {
    let mut hr = srv.sign_in("hr").await;
    let person = json!({ "surname": "GRUBER", "nationality": "AUT", "passport_number": "AB-12",
                         "date_of_birth": "1991-05-06", "sex": "F", "email": "eva@example.org" });

    let en = hr.post("/api/v1/people", person.clone()).await;
    assert_error(
        &en,
        StatusCode::UNPROCESSABLE_ENTITY,
        "passport_number_format",
        Some("passport_number"),
    );
    assert!(message(&en).starts_with("Passport number: "), "{}", en.1);

    hr.lang = Some("zh-CN".into());
    let zh = hr.post("/api/v1/people", person).await;
    assert_error(
        &zh,
        StatusCode::UNPROCESSABLE_ENTITY,
        "passport_number_format",
        Some("passport_number"),
    );
    let m = message(&zh);
    assert!(m.contains("护照号码"), "{m}");
    assert!(!m.contains("Passport"), "{m}");

    // Errors without a field, too.
    let mut nobody = srv.client();
    let en = nobody.get("/api/v1/me").await;
    nobody.lang = Some("zh-CN,zh;q=0.9,en;q=0.5".into());
    let zh = nobody.get("/api/v1/me").await;
    assert_error(&zh, StatusCode::UNAUTHORIZED, "unauthenticated", None);
    assert_ne!(message(&en), message(&zh));
    assert!(!message(&zh).is_ascii(), "{}", zh.1);
    srv.stop().await;
}

on_both!(
    messages_follow_accept_language,
    sqlite_messages_follow_accept_language,
    postgres_messages_follow_accept_language
);

// ---------------------------------------------------------------------------------------------
// Idempotency and concurrency.

async fn post_with_key(c: &Client, key: &str, body: &Value) -> (StatusCode, Value) {
    Client::send(
        c.request(Method::POST, APPS)
            .header("idempotency-key", key)
            .json(body),
    )
    .await
}

async fn idempotency_key_makes_retries_safe(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let today = srv.clock.today();
    let pid = person_id(&hr, "MÜLLER").await;
    let body = new_permit(&pid, today, true);

    let (s1, first) = post_with_key(&hr, "order-2026-0001", &body).await;
    assert_eq!(s1, StatusCode::CREATED, "{first}");
    let audit = audit_records(&srv).await;
    let (s2, second) = post_with_key(&hr, "order-2026-0001", &body).await;
    assert_eq!(s2, StatusCode::CREATED, "{second}");
    assert_eq!(second["id"], first["id"]);
    assert_eq!(second["receipt_number"], first["receipt_number"]);
    assert_eq!(list(&hr, APPS).await.len(), 1);
    assert_eq!(audit_records(&srv).await, audit, "a replay writes nothing");

    // The same key with another body is refused.
    let mut other = body.clone();
    other["position"] = "Statistician".into();
    let r = post_with_key(&hr, "order-2026-0001", &other).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
        None,
    );
    assert_eq!(list(&hr, APPS).await.len(), 1);
    assert_eq!(audit_records(&srv).await, audit);

    // A key that is not one.
    let r = post_with_key(&hr, "two words", &body).await;
    assert_error(
        &r,
        StatusCode::BAD_REQUEST,
        "idempotency_key_format",
        Some("idempotency_key"),
    );
    assert_eq!(list(&hr, APPS).await.len(), 1);

    // Another key makes another application.
    let (s, third) = post_with_key(&hr, "order-2026-0002", &body).await;
    assert_eq!(s, StatusCode::CREATED, "{third}");
    assert_ne!(third["id"], first["id"]);
    assert_eq!(list(&hr, APPS).await.len(), 2);
    srv.stop().await;
}

on_both!(
    idempotency_key_makes_retries_safe,
    sqlite_idempotency_key,
    postgres_idempotency_key
);

async fn concurrent_requests_with_one_key_create_one(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let today = srv.clock.today();
    let pid = person_id(&hr, "MÜLLER").await;
    let body = new_permit(&pid, today, true);

    let mut set = JoinSet::new();
    for _ in 0..20 {
        let (hr, body) = (hr.clone(), body.clone());
        set.spawn(async move { post_with_key(&hr, "burst-1", &body).await });
    }
    let mut ids = BTreeSet::new();
    while let Some(r) = set.join_next().await {
        let (s, a) = r.expect("request task");
        assert_eq!(s, StatusCode::CREATED, "{a}");
        ids.insert(id(&a));
    }
    assert_eq!(ids.len(), 1, "{ids:?}");
    let apps = list(&hr, APPS).await;
    assert_eq!(apps.len(), 1);
    assert_eq!(id(&apps[0]), *ids.first().unwrap());
    srv.stop().await;
}

on_both!(
    concurrent_requests_with_one_key_create_one,
    sqlite_concurrent_idempotency,
    postgres_concurrent_idempotency
);

/// Many submissions at once are written in batches (group commit): each still gets its own
/// answer, valid ones beside refused ones, retries beside first calls, and the audit chain holds
/// exactly one record per application.
async fn concurrent_submissions_each_get_their_own_answer(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let today = srv.clock.today();
    let pid = person_id(&hr, "MÜLLER").await;
    let body = new_permit(&pid, today, true);
    let audit = audit_records(&srv).await;
    let before = list(&hr, APPS).await.len();

    let mut set = JoinSet::new();
    for i in 0..120 {
        let hr = hr.clone();
        let mut body = body.clone();
        set.spawn(async move {
            let kind = match i % 6 {
                // Someone else's person (or nobody's): refused on its own.
                0 => {
                    body["person_id"] = json!(uuid_like(i));
                    "refused"
                }
                // A third of them repeat one key with the same body: one application.
                1 | 2 => return ("shared", post_with_key(&hr, "burst-shared", &body).await),
                _ => "fresh",
            };
            (kind, post_with_key(&hr, &format!("burst-{i}"), &body).await)
        });
    }
    let (mut fresh, mut shared) = (BTreeSet::new(), BTreeSet::new());
    let mut receipts = BTreeSet::new();
    while let Some(r) = set.join_next().await {
        let (kind, got) = r.expect("request task");
        match kind {
            "refused" => assert_error(
                &got,
                StatusCode::UNPROCESSABLE_ENTITY,
                "person_unknown",
                Some("person_id"),
            ),
            _ => {
                assert_eq!(got.0, StatusCode::CREATED, "{kind}: {}", got.1);
                receipts.insert(got.1["receipt_number"].as_str().unwrap().to_string());
                if kind == "shared" {
                    shared.insert(id(&got.1));
                } else {
                    fresh.insert(id(&got.1));
                }
            }
        }
    }
    assert_eq!(
        shared.len(),
        1,
        "one application under the shared key: {shared:?}"
    );
    assert_eq!(fresh.len(), 60);
    assert_eq!(
        receipts.len(),
        fresh.len() + 1,
        "every application its own receipt number"
    );
    let created = fresh.len() + 1;
    // The shared key with another body is refused as a reused key.
    let mut other = body.clone();
    other["position"] = json!("Statistician");
    let got = post_with_key(&hr, "burst-shared", &other).await;
    assert_error(
        &got,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
        None,
    );
    assert_eq!(list(&hr, APPS).await.len(), before + created);
    assert_eq!(audit_records(&srv).await, audit + created as i64);
    srv.stop().await;
}

fn uuid_like(i: usize) -> String {
    format!("01900000-0000-7000-8000-{i:012}")
}

on_both!(
    concurrent_submissions_each_get_their_own_answer,
    sqlite_concurrent_submissions,
    postgres_concurrent_submissions
);

/// Two server processes on one database, each batching its own submissions, given the same
/// key at the same moment: one application, and every caller gets it.
async fn one_key_on_two_servers_creates_one(srv: TestServer) {
    let peer = srv.peer().await;
    let hr = srv.sign_in("hr").await;
    let hr_there = peer.client(&hr);
    let today = srv.clock.today();
    let pid = person_id(&hr, "MÜLLER").await;
    let body = new_permit(&pid, today, true);
    let audit = audit_records(&srv).await;

    for round in 0..5 {
        let key = format!("two-servers-{round}");
        let mut set = JoinSet::new();
        for i in 0..16 {
            let c = if i % 2 == 0 {
                hr.clone()
            } else {
                hr_there.clone()
            };
            let (key, body) = (key.clone(), body.clone());
            set.spawn(async move { post_with_key(&c, &key, &body).await });
        }
        let mut ids = BTreeSet::new();
        while let Some(r) = set.join_next().await {
            let (s, a) = r.expect("request task");
            assert_eq!(s, StatusCode::CREATED, "round {round}: {a}");
            ids.insert(id(&a));
        }
        assert_eq!(ids.len(), 1, "round {round}: {ids:?}");
    }
    assert_eq!(list(&hr, APPS).await.len(), 5);
    assert_eq!(audit_records(&srv).await, audit + 5);
    peer.stop().await;
    srv.stop().await;
}

on_both!(
    one_key_on_two_servers_creates_one,
    sqlite_one_key_on_two_servers,
    postgres_one_key_on_two_servers
);

/// A submission whose idempotency key another process takes while its batch is being written
/// (on PostgreSQL the batch's insert waits for that process and then fails as a whole): it is
/// written again on its own and answers with the other process's application.
async fn a_key_taken_meanwhile_by_another_process(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let today = srv.clock.today();
    let pid = person_id(&hr, "MÜLLER").await;
    let body = new_permit(&pid, today, true);
    let theirs = file(&hr, body.clone()).await;
    let audit = audit_records(&srv).await;
    let hr_id = {
        let mut tx = srv.store.begin_read().await.unwrap();
        tx.account_by_username("hr").await.unwrap().unwrap().id
    };
    let request_hash = {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(format!("POST {APPS}\n"));
        h.update(serde_json::to_vec(&body).unwrap());
        h.finalize().to_vec()
    };

    // The other process: holds the key, uncommitted, while the request comes in.
    let mut other = srv.store.begin().await.unwrap();
    other
        .store_idempotent_response(
            hr_id,
            "taken-meanwhile",
            &store::StoredResponse {
                request_hash,
                status: 201,
                body: id(&theirs),
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let request = {
        let (hr, body) = (hr.clone(), body.clone());
        tokio::spawn(async move { post_with_key(&hr, "taken-meanwhile", &body).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    other.commit().await.unwrap();

    let (s, got) = request.await.unwrap();
    assert_eq!(s, StatusCode::CREATED, "{got}");
    assert_eq!(id(&got), id(&theirs), "the other process's application");
    assert_eq!(list(&hr, APPS).await.len(), 1);
    assert_eq!(
        audit_records(&srv).await,
        audit,
        "the failed batch left nothing behind"
    );
    srv.stop().await;
}

on_both!(
    a_key_taken_meanwhile_by_another_process,
    sqlite_key_taken_meanwhile,
    postgres_key_taken_meanwhile
);

async fn concurrent_decisions_one_wins(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let admin = srv.sign_in("admin").await;
    let first = srv.sign_in("officer.beijing").await;
    let (s, a) = admin
        .post(
            "/api/v1/accounts",
            json!({ "username": "officer2.beijing", "display_name": "Second labour officer, Beijing",
                    "password": "Officer-2026", "role": "labour_officer", "city": "110000" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let mut second = srv.client();
    let (s, b) = second.sign_in("officer2.beijing", "Officer-2026").await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let permits = list(&first, "/api/v1/permits").await.len();

    for round in 1..=5 {
        let app = submit_new(&hr).await;
        let v = to_review(&first, &app).await;
        let mut set = JoinSet::new();
        for officer in [first.clone(), second.clone()] {
            let app_id = id(&app);
            set.spawn(async move { step(&officer, &app_id, "approve", v, grant_b()).await });
        }
        let mut answers = Vec::new();
        while let Some(r) = set.join_next().await {
            answers.push(r.expect("request task"));
        }
        answers.sort_by_key(|(s, _)| *s);
        assert_eq!(answers[0].0, StatusCode::OK, "round {round}: {answers:?}");
        assert_eq!(
            answers[1].0,
            StatusCode::CONFLICT,
            "round {round}: {answers:?}"
        );
        let code = answers[1].1["code"].as_str().unwrap();
        assert!(
            code == "version_conflict" || code == "illegal_transition",
            "{answers:?}"
        );
        assert_eq!(answers[1].1["state"], "approved");

        let d = detail(&hr, &id(&app)).await;
        assert_eq!(steps(&d).iter().filter(|s| *s == "approve").count(), 1);
        assert_eq!(d["permit"].as_array().unwrap().len(), 1);
        assert_eq!(
            d["application"]["permit_number"],
            answers[0].1["permit_number"]
        );
        assert_eq!(list(&first, "/api/v1/permits").await.len(), permits + round);
    }
    let numbers: BTreeSet<String> = list(&first, "/api/v1/permits")
        .await
        .iter()
        .map(|p| p["number"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(numbers.len(), permits + 5);
    srv.stop().await;
}

on_both!(
    concurrent_decisions_one_wins,
    sqlite_concurrent_decisions,
    postgres_concurrent_decisions
);

// ---------------------------------------------------------------------------------------------
// API tokens, sessions, health.

async fn api_tokens(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let today = srv.clock.today();
    let pid = person_id(&hr, "MÜLLER").await;

    let (s, t) = hr
        .post("/api/v1/api-tokens", json!({ "name": "Payroll system" }))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    assert_eq!(t["name"], "Payroll system");
    let token = t["token"].as_str().unwrap().to_string();
    assert!(token.len() >= 32, "{token}");

    // The token acts as the HR account, without cookies or CSRF.
    let mut system = srv.client();
    system.bearer = Some(token.clone());
    let (s, me) = system.get("/api/v1/me").await;
    assert_eq!(
        (s, me["username"].as_str()),
        (StatusCode::OK, Some("hr")),
        "{me}"
    );
    let app = file(&system, new_permit(&pid, today, true)).await;
    assert!(list(&hr, APPS).await.iter().any(|a| a["id"] == app["id"]));
    assert_eq!(list(&system, APPS).await.len(), 1);
    let (s, a) = step(&system, &id(&app), "withdraw", version(&app), json!({})).await;
    assert_eq!(
        (s, a["state"].as_str()),
        (StatusCode::OK, Some("withdrawn")),
        "{a}"
    );

    // A token makes no tokens.
    let r = system
        .post("/api/v1/api-tokens", json!({ "name": "Another" }))
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "role_not_allowed", None);

    // A bogus token, or a token in the wrong scheme, is nobody; even with a good session
    // cookie beside it, the bearer decides.
    let mut bogus = srv.client();
    bogus.bearer = Some("not-a-token".into());
    assert_error(
        &bogus.get("/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        None,
    );
    assert_error(
        &bogus.post(APPS, new_permit(&pid, today, true)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        None,
    );
    let r = Client::send(
        srv.client()
            .request(Method::GET, "/api/v1/me")
            .header(reqwest::header::AUTHORIZATION, format!("Basic {token}")),
    )
    .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthenticated", None);
    let mut both = hr.clone();
    both.bearer = Some("not-a-token".into());
    assert_error(
        &both.get("/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        None,
    );

    // Only employer HR makes tokens.
    let officer = srv.sign_in("officer.beijing").await;
    let r = officer
        .post("/api/v1/api-tokens", json!({ "name": "Mine" }))
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "employer_only", None);
    assert_eq!(list(&hr, APPS).await.len(), 1);
    srv.stop().await;
}

on_both!(api_tokens, sqlite_api_tokens, postgres_api_tokens);

async fn sign_out_ends_the_session(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let other = srv.sign_in("hr").await;
    assert_eq!(hr.get("/api/v1/me").await.0, StatusCode::OK);

    let (s, body) = hr.delete("/api/v1/session").await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{body}");
    assert_error(
        &hr.get("/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        None,
    );
    assert_error(
        &hr.delete("/api/v1/session").await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        None,
    );
    // Only that session ended.
    assert_eq!(other.get("/api/v1/me").await.0, StatusCode::OK);

    // Wrong passwords are one answer for every case.
    let mut c = srv.client();
    let (s, e) = c.sign_in("hr", "wrong-2026").await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_credentials"))
    );
    let (s, e) = c.sign_in("nobody.here", DEMO_PASSWORD).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_credentials"))
    );
    assert!(c.session.is_none());
    srv.stop().await;
}

on_both!(
    sign_out_ends_the_session,
    sqlite_sign_out,
    postgres_sign_out
);

async fn health(srv: TestServer) {
    let http = reqwest::Client::new();
    let res = http
        .get(format!("{}/healthz", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "ok");
    let (s, body) = srv.client().get("/readyz").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "ready");
    srv.stop().await;
}

on_both!(health, sqlite_health, postgres_health);

// ---------------------------------------------------------------------------------------------
// The OpenAPI document.

const OPENAPI_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");

fn openapi_text() -> String {
    let mut s = server::api::ApiDoc::openapi()
        .to_pretty_json()
        .expect("serialise the OpenAPI document");
    s.push('\n');
    s
}

#[test]
fn openapi_document_is_current() {
    let current = openapi_text();
    if std::env::var("UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(OPENAPI_FILE, &current).expect("write openapi.json");
        return;
    }
    let committed = std::fs::read_to_string(OPENAPI_FILE).unwrap_or_default();
    assert!(
        committed == current,
        "crates/server/openapi.json is not the document the API describes; \
         run `UPDATE_OPENAPI=1 cargo test -p server --test api openapi` and commit the file"
    );
}

/// The routes of a router, as (method, path), read from its source's `.route(` calls.
fn routes_in(src: &str) -> BTreeSet<(String, String)> {
    const METHODS: [&str; 7] = ["get", "post", "put", "patch", "delete", "head", "options"];
    let mut routes = BTreeSet::new();
    let mut rest = src;
    while let Some(at) = rest.find(".route(") {
        rest = &rest[at + ".route(".len()..];
        // The call's arguments, up to its closing parenthesis.
        let mut depth = 1;
        let mut in_str = false;
        let mut end = rest.len();
        for (i, c) in rest.char_indices() {
            match (in_str, c) {
                (true, '"') => in_str = false,
                (true, _) => {}
                (false, '"') => in_str = true,
                (false, '(') => depth += 1,
                (false, ')') => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let args = &rest[..end];
        let path = args
            .split('"')
            .nth(1)
            .unwrap_or_else(|| panic!("no path literal in .route({args})"));
        let after_path = &args[args.find(',').expect("a method router")..];
        let mut found = 0;
        for m in METHODS {
            let mut from = 0;
            while let Some(i) = after_path[from..].find(&format!("{m}(")) {
                let i = from + i;
                let before = after_path[..i].chars().next_back();
                if !before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    routes.insert((m.to_string(), path.to_string()));
                    found += 1;
                }
                from = i + m.len();
            }
        }
        assert!(found > 0, "no method in .route({args})");
        rest = &rest[end..];
    }
    routes
}

#[test]
fn openapi_route_parser_reads_every_method() {
    let src = r#"
        Router::new()
            .route("/a", get(get_a))
            .route(
                "/b/{id}",
                get(list_b).post(post_b).delete(delete_b),
            )
            .route("/c", patch(f(x)).put(g))
    "#;
    let found: Vec<_> = routes_in(src)
        .into_iter()
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert_eq!(
        found,
        [
            "delete /b/{id}",
            "get /a",
            "get /b/{id}",
            "patch /c",
            "post /b/{id}",
            "put /c"
        ]
    );
}

#[test]
fn openapi_documents_every_route() {
    let mut routes = routes_in(include_str!("../src/api/mod.rs"));
    routes.extend(routes_in(include_str!("../src/api/credentials.rs")));
    routes.extend(routes_in(include_str!("../src/api/inbox.rs")));
    routes.extend(routes_in(include_str!("../src/api/one_stop.rs")));
    routes.extend(routes_in(include_str!("../src/api/uploads.rs")));
    routes.extend(routes_in(include_str!("../src/api/notices.rs")));
    routes.extend(routes_in(include_str!("../src/api/contributions.rs")));
    routes.extend(routes_in(include_str!("../src/api/visas.rs")));
    assert!(routes.len() >= 20, "the parser found only {routes:?}");
    assert!(routes.contains(&("delete".into(), "/api/v1/session".into())));
    assert!(routes.contains(&(
        "post".into(),
        "/api/v1/applications/{id}/transitions".into()
    )));

    let doc = serde_json::to_value(server::api::ApiDoc::openapi()).unwrap();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, _) in item.as_object().expect("path item") {
            documented.insert((method.clone(), path.clone()));
        }
    }
    let undocumented: Vec<_> = routes.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the OpenAPI document: {undocumented:?}"
    );
    let unrouted: Vec<_> = documented.difference(&routes).collect();
    assert!(
        unrouted.is_empty(),
        "documented but not routed: {unrouted:?}"
    );
}

async fn openapi_is_served(srv: TestServer) {
    let (s, served) = srv.client().get("/api/openapi.json").await;
    assert_eq!(s, StatusCode::OK, "{served}");
    assert_eq!(
        served,
        serde_json::to_value(server::api::ApiDoc::openapi()).unwrap()
    );
    assert_eq!(served["info"]["title"], "OneCard API");
    srv.stop().await;
}

on_both!(
    openapi_is_served,
    sqlite_openapi_is_served,
    postgres_openapi_is_served
);
