//! The one-stop service end to end over HTTP: a work permit and a residence permit asked for in
//! one submission, decided in parallel by the labour authority and immigration, issued together
//! or not at all; residence permits alone; appointments; social insurance.

#[macro_use]
mod common;
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::clock::{Clock, SystemClock};

fn today() -> chrono::NaiveDate {
    SystemClock.today()
}

/// Anna's new-permit application with the residence permit asked for beside it.
async fn submit_one_stop(hr: &Client, role: &str) -> Value {
    let pid = person_id(hr, "MÜLLER").await;
    let (s, app) = hr
        .post(
            "/api/v1/applications",
            json!({
                "kind": "new", "person_id": pid, "position": "Data Scientist", "annual_salary": "480000",
                "contract_start": "2027-01-01", "contract_end": "2029-12-31", "submit": true,
                "residence": { "role_at_employer": role, "requested_months": 24 }
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{app}");
    app
}

/// The residence half of a one-stop work application, as immigration sees it.
async fn half_of(immigration: &Client, work: &Value) -> Value {
    let (s, list) = immigration.get("/api/v1/residence-applications").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    list.as_array()
        .unwrap()
        .iter()
        .find(|r| r["work_application_id"] == work["id"])
        .cloned()
        .expect("the residence half is in immigration's queue")
}

async fn rstep(c: &Client, r: &Value, action: &str, extra: Value) -> (StatusCode, Value) {
    let id = r["id"].as_str().unwrap();
    let mut body = json!({ "action": action, "version": r["version"] });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    c.post(&format!("/api/v1/residence-applications/{id}/steps"), body)
        .await
}

async fn rstep_ok(c: &Client, r: &Value, action: &str, extra: Value) -> Value {
    let (s, out) = rstep(c, r, action, extra).await;
    assert_eq!(s, StatusCode::OK, "{action}: {out}");
    out
}

fn residence_grant(days: u64) -> Value {
    json!({ "valid_from": today().to_string(), "valid_to": (today() + chrono::Days::new(days)).to_string() })
}

/// Immigration takes a submitted residence application through review and the passport check.
async fn immigration_reviews(immigration: &Client, r: &Value) -> Value {
    let r = rstep_ok(immigration, r, "start_review", json!({})).await;
    rstep_ok(immigration, &r, "inspect_passport", json!({})).await
}

async fn get(c: &Client, path: &str) -> Value {
    let (s, v) = c.get(path).await;
    assert_eq!(s, StatusCode::OK, "{path}: {v}");
    v
}

/// The topics in the caller's inbox, newest first.
async fn topics(c: &Client) -> Vec<String> {
    get(c, "/api/v1/inbox").await["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["topic"].as_str().unwrap().to_string())
        .collect()
}

async fn residence_permits(c: &Client) -> Vec<Value> {
    get(c, "/api/v1/residence-permits")
        .await
        .as_array()
        .unwrap()
        .clone()
}

async fn work_permits(c: &Client) -> Vec<Value> {
    get(c, "/api/v1/permits").await.as_array().unwrap().clone()
}

async fn immigration_first_then_labour(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let labour = srv.sign_in("officer.beijing").await;
    let immigration = srv.sign_in("immigration.beijing").await;
    let anna = srv.sign_in("anna").await;
    let work = submit_one_stop(&hr, "other").await;
    let half = half_of(&immigration, &work).await;
    assert_eq!(half["state"], "submitted");
    assert_eq!(half["evidence"], "one_stop");
    assert!(half["due"].is_string(), "immigration's deadline: {half}");

    // Immigration approves first: nothing is issued while labour has not.
    let half = immigration_reviews(&immigration, &half).await;
    assert!(half["passport_inspected_at"].is_string());
    let half = rstep_ok(&immigration, &half, "approve", residence_grant(300)).await;
    assert_eq!(half["state"], "joint_pending");
    assert!(residence_permits(&anna).await.is_empty());
    assert!(work_permits(&anna).await.is_empty());

    // Labour approves second: both permits are issued, in one transaction.
    let work = approve(&labour, &work, grant_b()).await;
    assert_eq!(work["state"], "approved");
    let number = work["permit_number"]
        .as_str()
        .expect("a work permit")
        .to_string();
    let rps = residence_permits(&anna).await;
    assert_eq!(rps.len(), 1, "{rps:?}");
    assert_eq!(rps[0]["work_permit_number"], number.as_str());
    assert_eq!(rps[0]["status"], "valid");
    assert!(rps[0]["collected_at"].is_null(), "waits to be collected");
    // A standard permit never outlasts the work permit.
    let work_to = (today() + chrono::Days::new(365)).to_string();
    let rp_to = rps[0]["valid_to"].as_str().unwrap().to_string();
    assert!(rp_to <= work_to, "{rp_to} after {work_to}");
    let id = half["id"].as_str().unwrap();
    let detail = get(&hr, &format!("/api/v1/residence-applications/{id}")).await;
    assert_eq!(detail["application"]["state"], "approved");
    assert_eq!(detail["work_application_state"], "approved");
    let actions: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"approve_joint_pending"), "{actions:?}");
    assert!(actions.contains(&"issued_with_work_permit"), "{actions:?}");
    // The work application's page shows its residence half, linked for the employer.
    let (mut b, _) = Browser::sign_in(&srv, "hr").await;
    let wid = work["id"].as_str().unwrap();
    let page = b.get(&format!("/applications/{wid}")).await;
    assert!(
        page.body.contains(&format!("/residence/applications/{id}")),
        "{}",
        page.body
    );
    assert!(page.body.contains(half["receipt_number"].as_str().unwrap()));
    // The holder and the employer were told at each step, in their language.
    for c in [&anna, &hr] {
        let t = topics(c).await;
        for want in ["joint_pending", "application_approved", "residence_issued"] {
            assert!(t.iter().any(|x| x == want), "{want} missing from {t:?}");
        }
    }
    let mut zh = anna.clone();
    zh.lang = Some("zh-CN".into());
    let inbox = get(&zh, "/api/v1/inbox").await;
    let issued = inbox["notices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["topic"] == "residence_issued")
        .unwrap()
        .clone();
    assert!(
        issued["title"].as_str().unwrap().contains("居留许可"),
        "{issued}"
    );
    audit_records(&srv).await;
    srv.stop().await;
}
on_both!(
    immigration_first_then_labour,
    sqlite_immigration_first_then_labour,
    postgres_immigration_first_then_labour
);

async fn labour_first_then_immigration(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let labour = srv.sign_in("officer.beijing").await;
    let immigration = srv.sign_in("immigration.beijing").await;
    let anna = srv.sign_in("anna").await;
    // A manager of a qualifying employer (the demo employer is listed in the policy).
    let work = submit_one_stop(&hr, "manager").await;
    let half = half_of(&immigration, &work).await;

    let work = approve(&labour, &work, grant_b()).await;
    assert_eq!(work["state"], "joint_pending");
    assert!(work["permit_number"].is_null());
    assert!(work_permits(&anna).await.is_empty());

    let half = immigration_reviews(&immigration, &half).await;
    let id = half["id"].as_str().unwrap().to_string();
    let detail = get(
        &immigration,
        &format!("/api/v1/residence-applications/{id}"),
    )
    .await;
    assert_eq!(detail["limit"]["long_reason"], "qualifying_employer");
    // Five years, not bound by the one-year work permit.
    let half = rstep_ok(&immigration, &half, "approve", residence_grant(4 * 365)).await;
    assert_eq!(half["state"], "approved");
    let wid = work["id"].as_str().unwrap();
    let work = get(&hr, &format!("/api/v1/applications/{wid}")).await;
    assert_eq!(work["application"]["state"], "approved");
    let permits = work_permits(&anna).await;
    assert_eq!(permits.len(), 1);
    let rps = residence_permits(&anna).await;
    assert_eq!(rps.len(), 1);
    assert_eq!(rps[0]["long_reason"], "qualifying_employer");
    assert_eq!(rps[0]["work_permit_number"], permits[0]["number"]);
    srv.stop().await;
}
on_both!(
    labour_first_then_immigration,
    sqlite_labour_first_then_immigration,
    postgres_labour_first_then_immigration
);

async fn a_refusal_by_either_ends_both(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let labour = srv.sign_in("officer.beijing").await;
    let immigration = srv.sign_in("immigration.beijing").await;

    // Immigration refuses: the work application ends too, with the reasons.
    let work = submit_one_stop(&hr, "other").await;
    let half = half_of(&immigration, &work).await;
    let half = rstep_ok(&immigration, &half, "start_review", json!({})).await;
    let half = rstep_ok(
        &immigration,
        &half,
        "refuse",
        json!({ "items": ["Accommodation registration does not match the address given"] }),
    )
    .await;
    assert_eq!(half["state"], "refused");
    let wid = work["id"].as_str().unwrap();
    let w = get(&hr, &format!("/api/v1/applications/{wid}")).await;
    assert_eq!(w["application"]["state"], "refused");
    let last = w["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "refused_with_residence_permit");
    assert_eq!(
        last["notes"][0],
        "Accommodation registration does not match the address given"
    );
    // Labour can decide it no more.
    let (s, e) = step(
        &labour,
        wid,
        "pass_pre_review",
        w["application"]["version"].as_i64().unwrap(),
        json!({}),
    )
    .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("illegal_transition"))
    );

    // Labour refuses: the residence half ends too.
    let work = submit_one_stop(&hr, "other").await;
    let v = to_review(&labour, &work).await;
    let (s, w) = step(
        &labour,
        work["id"].as_str().unwrap(),
        "refuse",
        v,
        json!({ "items": ["Degree not authenticated"] }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{w}");
    let half = half_of(&immigration, &work).await;
    assert_eq!(half["state"], "refused");
    let id = half["id"].as_str().unwrap();
    let d = get(&hr, &format!("/api/v1/residence-applications/{id}")).await;
    let last = d["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "refused_with_work_permit");
    assert_eq!(last["notes"][0], "Degree not authenticated");
    let (s, e) = rstep(&immigration, &half, "start_review", json!({})).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("case_step_not_open"))
    );
    srv.stop().await;
}
on_both!(
    a_refusal_by_either_ends_both,
    sqlite_a_refusal_by_either_ends_both,
    postgres_a_refusal_by_either_ends_both
);

async fn both_ask_for_corrections(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let labour = srv.sign_in("officer.beijing").await;
    let immigration = srv.sign_in("immigration.beijing").await;
    let anna = srv.sign_in("anna").await;
    let work = submit_one_stop(&hr, "other").await;
    let wid = work["id"].as_str().unwrap().to_string();
    let half = half_of(&immigration, &work).await;

    let v = to_review(&labour, &work).await;
    let (s, w) = step(
        &labour,
        &wid,
        "request_corrections",
        v,
        json!({ "items": ["Contract unsigned"] }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{w}");
    let half = immigration_reviews(&immigration, &half).await;
    let half = rstep_ok(
        &immigration,
        &half,
        "request_corrections",
        json!({ "items": ["Photo too old"] }),
    )
    .await;
    assert_eq!(half["state"], "corrections_requested");

    // The employer answers both; both then approve; both permits are issued.
    let (s, w) = step(
        &hr,
        &wid,
        "resubmit",
        w["version"].as_i64().unwrap(),
        json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{w}");
    let half = rstep_ok(&hr, &half, "resubmit", json!({})).await;
    assert_eq!(half["state"], "under_review");
    let (s, w) = step(
        &labour,
        &wid,
        "approve",
        w["version"].as_i64().unwrap(),
        grant_b(),
    )
    .await;
    assert_eq!(
        (s, w["state"].as_str()),
        (StatusCode::OK, Some("joint_pending")),
        "{w}"
    );
    let half = rstep_ok(&immigration, &half, "approve", residence_grant(200)).await;
    assert_eq!(half["state"], "approved");
    assert_eq!(work_permits(&anna).await.len(), 1);
    assert_eq!(residence_permits(&anna).await.len(), 1);
    srv.stop().await;
}
on_both!(
    both_ask_for_corrections,
    sqlite_both_ask_for_corrections,
    postgres_both_ask_for_corrections
);

/// Makes every insert of a residence permit fail, as a crash in the middle of the transaction
/// that issues both permits would; or lifts that.
async fn crash_on_residence_insert(srv: &TestServer, on: bool) {
    if srv.db.url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&srv.db.url).await.unwrap();
        let sql = if on {
            "CREATE TRIGGER crash BEFORE INSERT ON residence_permits BEGIN SELECT RAISE(ABORT, 'simulated crash'); END"
        } else {
            "DROP TRIGGER crash"
        };
        sqlx::query(sql).execute(&pool).await.unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(&srv.db.url).await.unwrap();
        if on {
            sqlx::query("CREATE FUNCTION crash() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'simulated crash'; END $$ LANGUAGE plpgsql")
                .execute(&pool)
                .await
                .unwrap();
            sqlx::query("CREATE TRIGGER crash BEFORE INSERT ON residence_permits FOR EACH ROW EXECUTE FUNCTION crash()")
                .execute(&pool)
                .await
                .unwrap();
        } else {
            sqlx::query("DROP TRIGGER crash ON residence_permits")
                .execute(&pool)
                .await
                .unwrap();
        }
        pool.close().await;
    }
}

async fn a_crash_between_the_approvals_issues_nothing(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let labour = srv.sign_in("officer.beijing").await;
    let immigration = srv.sign_in("immigration.beijing").await;
    let anna = srv.sign_in("anna").await;
    let work = submit_one_stop(&hr, "other").await;
    let wid = work["id"].as_str().unwrap().to_string();
    let half = half_of(&immigration, &work).await;
    let work = approve(&labour, &work, grant_b()).await;
    assert_eq!(work["state"], "joint_pending");
    let half = immigration_reviews(&immigration, &half).await;

    // The second approval fails after the work permit's row is written: all of it rolls back.
    crash_on_residence_insert(&srv, true).await;
    let (s, e) = rstep(&immigration, &half, "approve", residence_grant(300)).await;
    assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR, "{e}");
    assert!(
        work_permits(&anna).await.is_empty(),
        "no work permit without its residence permit"
    );
    assert!(residence_permits(&anna).await.is_empty());
    let w = get(&hr, &format!("/api/v1/applications/{wid}")).await;
    assert_eq!(w["application"]["state"], "joint_pending");
    let id = half["id"].as_str().unwrap();
    let d = get(&hr, &format!("/api/v1/residence-applications/{id}")).await;
    assert_eq!(d["application"]["state"], "under_review");
    assert_eq!(d["application"]["version"], half["version"]);

    // The retry, on the same version, completes both.
    crash_on_residence_insert(&srv, false).await;
    let done = rstep_ok(&immigration, &half, "approve", residence_grant(300)).await;
    assert_eq!(done["state"], "approved");
    assert_eq!(work_permits(&anna).await.len(), 1);
    assert_eq!(residence_permits(&anna).await.len(), 1);
    let w = get(&hr, &format!("/api/v1/applications/{wid}")).await;
    assert_eq!(w["application"]["state"], "approved");
    audit_records(&srv).await;
    srv.stop().await;
}
on_both!(
    a_crash_between_the_approvals_issues_nothing,
    sqlite_a_crash_between_the_approvals_issues_nothing,
    postgres_a_crash_between_the_approvals_issues_nothing
);

/// Anna with a work permit of her own (approved alone); returns its number.
async fn anna_with_a_permit(hr: &Client, labour: &Client) -> String {
    let app = submit_new(hr).await;
    let a = approve(labour, &app, grant_b()).await;
    a["permit_number"].as_str().unwrap().to_string()
}

async fn residence_alone_and_after_cancellation(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let labour = srv.sign_in("officer.beijing").await;
    let immigration = srv.sign_in("immigration.beijing").await;
    let anna = srv.sign_in("anna").await;
    let number = anna_with_a_permit(&hr, &labour).await;

    // Never by a typed-in claim: a number that is not a permit of the caller's is refused.
    let (s, e) = hr
        .post("/api/v1/residence-applications", json!({ "permit_number": "P11000020269999990", "role_at_employer": "other", "requested_months": 12 }))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, e) = anna
        .post(
            "/api/v1/residence-applications",
            json!({ "permit_number": number, "role_at_employer": "chief", "requested_months": 99 }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["errors"].as_array().map(|a| a.len()), Some(2), "{e}");

    // The holder applies with the number on her Notification Letter.
    let (s, r) = anna
        .post(
            "/api/v1/residence-applications",
            json!({ "permit_number": number, "role_at_employer": "other", "requested_months": 12 }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(r["evidence"], "shared_record");
    let (s, e) = anna
        .post(
            "/api/v1/residence-applications",
            json!({ "permit_number": number, "role_at_employer": "other", "requested_months": 12 }),
        )
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("residence_application_open"))
    );
    let r = immigration_reviews(&immigration, &r).await;
    // The permit may not outlast the work permit (a year) for a standard holder.
    let (s, e) = rstep(&immigration, &r, "approve", residence_grant(500)).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("residence_too_long")),
        "{e}"
    );
    let (s, e) = rstep(&immigration, &r, "approve", residence_grant(30)).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("residence_too_short")
        ),
        "{e}"
    );
    let r = rstep_ok(&immigration, &r, "approve", residence_grant(365)).await;
    assert_eq!(r["state"], "approved");
    let rp = residence_permits(&anna).await[0].clone();
    let rp_id = rp["id"].as_str().unwrap().to_string();

    // A filing keeps the permit.
    let (s, f) = anna
        .post(&format!("/api/v1/residence-permits/{rp_id}/filings"), json!({ "kind": "degree_study", "filed_on": today().to_string(), "details": "Part-time MBA, Tsinghua University" }))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{f}");

    // The employer cancels the work permit: the residence permit goes under review.
    let (s, c) = hr
        .post(
            "/api/v1/applications",
            json!({ "kind": "cancellation", "permit_number": number,
            "employment_end": today().to_string(), "reason": "Contract ended", "submit": true }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let v = to_review(&labour, &c).await;
    let (s, out) = step(&labour, c["id"].as_str().unwrap(), "approve", v, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{out}");
    assert!(
        topics(&anna)
            .await
            .iter()
            .any(|t| t == "residence_under_review")
    );
    let flagged = residence_permits(&immigration).await;
    assert_eq!(flagged.len(), 1, "immigration's review queue: {flagged:?}");
    assert_eq!(flagged[0]["status"], "under_review");

    // A residence permit asked for on a cancelled work permit is refused, nothing made.
    let (s, e) = anna
        .post(
            "/api/v1/residence-applications",
            json!({ "permit_number": number, "role_at_employer": "other", "requested_months": 12 }),
        )
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("permit_not_valid")),
        "{e}"
    );
    assert_eq!(e["field"], "permit_number");

    let (s, p) = immigration
        .post(
            &format!("/api/v1/residence-permits/{rp_id}/review"),
            json!({ "keep": false, "note": "Employment ended" }),
        )
        .await;
    assert_eq!(
        (s, p["status"].as_str()),
        (StatusCode::OK, Some("cancelled")),
        "{p}"
    );
    let (s, e) = anna
        .post(&format!("/api/v1/residence-permits/{rp_id}/filings"), json!({ "kind": "region_move", "filed_on": today().to_string(), "details": "Shanghai branch" }))
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("residence_permit_not_valid")
        ),
        "{e}"
    );
    audit_records(&srv).await;
    srv.stop().await;
}
on_both!(
    residence_alone_and_after_cancellation,
    sqlite_residence_alone_and_after_cancellation,
    postgres_residence_alone_and_after_cancellation
);

/// The first day from tomorrow on which the office has free slots; its slots.
async fn next_open_day(c: &Client, office: &str) -> Vec<Value> {
    for d in 1..15 {
        let date = today() + chrono::Days::new(d);
        let day = get(c, &format!("/api/v1/offices/{office}/slots?date={date}")).await;
        if day["open"] == true && !day["slots"].as_array().unwrap().is_empty() {
            return day["slots"].as_array().unwrap().clone();
        }
    }
    panic!("no open day in two weeks");
}

async fn appointments_to_collect(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let labour = srv.sign_in("officer.beijing").await;
    let immigration = srv.sign_in("immigration.beijing").await;
    let anna = srv.sign_in("anna").await;
    let work = submit_one_stop(&hr, "other").await;
    let half = half_of(&immigration, &work).await;
    let half = immigration_reviews(&immigration, &half).await;
    rstep_ok(&immigration, &half, "approve", residence_grant(300)).await;
    approve(&labour, &work, grant_b()).await;
    let rp = residence_permits(&anna).await[0].clone();
    let rp_id = rp["id"].as_str().unwrap();

    let offices = get(&anna, "/api/v1/offices").await;
    let office = offices[0]["id"].as_str().unwrap().to_string();
    let slots = next_open_day(&anna, &office).await;
    let first = slots[0]["slot"].as_str().unwrap().to_string();
    let second = slots[1]["slot"].as_str().unwrap().to_string();
    let booking = |slot: &str| json!({ "office_id": office, "slot": slot, "purpose": "collect_residence_permit", "subject_id": rp_id });

    // Bad bookings: none changes anything.
    for (body, code) in [
        (
            json!({ "office_id": office, "slot": "2020-01-01T09:00", "purpose": "collect_residence_permit", "subject_id": rp_id }),
            "slot_in_past",
        ),
        (
            json!({ "office_id": office, "slot": first.replace(":00", ":07"), "purpose": "collect_residence_permit", "subject_id": rp_id }),
            "not_a_slot",
        ),
        (
            json!({ "office_id": office, "slot": "soon", "purpose": "collect_residence_permit", "subject_id": rp_id }),
            "slot_format",
        ),
        (
            json!({ "office_id": office, "slot": first, "purpose": "lunch", "subject_id": rp_id }),
            "purpose_value",
        ),
    ] {
        let (s, e) = anna.post("/api/v1/appointments", body).await;
        assert_eq!(
            (s, e["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(code)),
            "{e}"
        );
    }
    // A Sunday far from any make-up working day is closed.
    let mut sunday = today() + chrono::Days::new(1);
    while chrono::Datelike::weekday(&sunday) != chrono::Weekday::Sun {
        sunday = sunday + chrono::Days::new(1);
    }
    let (s, e) = anna
        .post("/api/v1/appointments", booking(&format!("{sunday}T09:00")))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(matches!(e["code"].as_str(), Some("office_closed")), "{e}");
    // Someone else's permit is not found.
    let jean = srv.sign_in("jean").await;
    let (s, _) = jean.post("/api/v1/appointments", booking(&first)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(
        get(&anna, "/api/v1/appointments")
            .await
            .as_array()
            .unwrap()
            .is_empty()
    );

    let (s, a) = anna.post("/api/v1/appointments", booking(&first)).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!(topics(&anna).await[0], "appointment_booked");
    let aid = a["id"].as_str().unwrap().to_string();
    let (s, e) = anna.post("/api/v1/appointments", booking(&second)).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("appointment_exists"))
    );
    let free = |slots: &[Value], slot: &str| {
        slots
            .iter()
            .find(|s| s["slot"] == slot)
            .map(|s| s["free"].as_i64().unwrap())
    };
    let date = &first[..10];
    let day = get(
        &anna,
        &format!("/api/v1/offices/{office}/slots?date={date}"),
    )
    .await;
    assert_eq!(free(day["slots"].as_array().unwrap(), &first), Some(9));

    // Moved: the first place comes free, the second is taken.
    let (s, m) = anna
        .post(
            &format!("/api/v1/appointments/{aid}/slot"),
            json!({ "slot": second }),
        )
        .await;
    assert_eq!(
        (s, m["slot"].as_str()),
        (StatusCode::OK, Some(second.as_str())),
        "{m}"
    );
    let day = get(
        &anna,
        &format!("/api/v1/offices/{office}/slots?date={date}"),
    )
    .await;
    assert_eq!(free(day["slots"].as_array().unwrap(), &first), Some(10));
    assert_eq!(free(day["slots"].as_array().unwrap(), &second), Some(9));
    let booked = get(
        &immigration,
        &format!("/api/v1/offices/{office}/appointments?date={date}"),
    )
    .await;
    assert_eq!(booked.as_array().unwrap().len(), 1);

    // Collected at the office: the appointment is attended.
    let (s, p) = immigration
        .post(
            &format!("/api/v1/residence-permits/{rp_id}/collection"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert!(p["collected_at"].is_string());
    let (s, e) = immigration
        .post(
            &format!("/api/v1/residence-permits/{rp_id}/collection"),
            json!({}),
        )
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_collected"))
    );
    let mine = get(&anna, "/api/v1/appointments").await;
    assert_eq!(mine[0]["state"], "attended");
    let (s, e) = anna.delete(&format!("/api/v1/appointments/{aid}")).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("appointment_not_booked"))
    );
    srv.stop().await;
}
on_both!(
    appointments_to_collect,
    sqlite_appointments_to_collect,
    postgres_appointments_to_collect
);

async fn social_insurance(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let labour = srv.sign_in("officer.beijing").await;
    let social = srv.sign_in("social.beijing").await;
    let anna = srv.sign_in("anna").await;

    // Nobody is insured without a valid permit.
    let (s, e) = hr
        .post(
            "/api/v1/insurances",
            json!({ "permit_number": "P11000020269999990" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, e) = hr.post("/api/v1/insurances", json!({})).await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("permit_number")),
        "{e}"
    );
    assert!(
        get(&social, "/api/v1/insurances")
            .await
            .as_array()
            .unwrap()
            .is_empty()
    );

    let number = anna_with_a_permit(&hr, &labour).await;
    let (s, i) = hr
        .post("/api/v1/insurances", json!({ "permit_number": number }))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{i}");
    assert_eq!(i["state"], "requested");
    let (s, e) = anna
        .post("/api/v1/insurances", json!({ "permit_number": number }))
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("insurance_exists"))
    );
    let id = i["id"].as_str().unwrap().to_string();

    let (s, e) = social
        .post(
            &format!("/api/v1/insurances/{id}/decision"),
            json!({ "decision": "register", "version": 7 }),
        )
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("case_changed")),
        "{e}"
    );
    let (s, r) = social
        .post(
            &format!("/api/v1/insurances/{id}/decision"),
            json!({ "decision": "register", "version": 1 }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let ssn = r["social_security_number"]
        .as_str()
        .expect("a number")
        .to_string();
    domain::numbers::SocialSecurityNumber::parse("ssn", &ssn).expect("a well-formed number");
    assert!(ssn.starts_with("S110000"), "{ssn}");

    // Insured, the holder may register the electronic card with the social security number
    // instead of the permit number, and signs in with it.
    let mut b = Browser::new(&srv);
    b.get("/card/register").await;
    let register = async |b: &mut Browser, surname: &str, number: &str| {
        b.post(
            "/card/register",
            &[
                ("surname", surname),
                ("given_names", "Anna"),
                ("permit_number", number),
                ("password", "Card-pass1"),
            ],
        )
        .await
    };
    let p = register(&mut b, "MUELLER", &ssn).await;
    assert_eq!(
        p.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the name must match"
    );
    let p = register(&mut b, "MÜLLER", "S110000202699999990").await;
    assert_eq!(
        p.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a number of no one"
    );
    let p = register(&mut b, "MÜLLER", &ssn).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(p.location.as_deref(), Some("/card"));
    let mut by_ssn = srv.client();
    let (s, me) = by_ssn.sign_in(&ssn.to_lowercase(), "Card-pass1").await;
    assert_eq!(s, StatusCode::OK, "{me}");

    // The card through its states, the holder reporting it lost, a replacement.
    let card = |c: &Client, to: &str| {
        let c = c.clone();
        let path = format!("/api/v1/insurances/{id}/card");
        let body = json!({ "state": to });
        async move { c.post(&path, body).await }
    };
    let (s, e) = card(&anna, "ready").await;
    assert_eq!(
        (s, e["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("card_step_not_allowed")
        )
    );
    for to in ["ready", "issued"] {
        let (s, c) = card(&social, to).await;
        assert_eq!((s, c["state"].as_str()), (StatusCode::OK, Some(to)), "{c}");
    }
    let (s, c) = card(&anna, "reported_lost").await;
    assert_eq!(
        (s, c["state"].as_str()),
        (StatusCode::OK, Some("reported_lost")),
        "{c}"
    );
    let t = topics(&anna).await;
    assert!(
        t.iter().filter(|x| *x == "card_state").count() >= 3,
        "{t:?}"
    );
    assert!(t.iter().any(|x| x == "insurance_registered"), "{t:?}");
    let (s, c) = social
        .post(
            &format!("/api/v1/insurances/{id}/card/replacement"),
            json!({}),
        )
        .await;
    assert_eq!(
        (s, c["serial"].as_i64()),
        (StatusCode::CREATED, Some(2)),
        "{c}"
    );
    let d = get(&anna, &format!("/api/v1/insurances/{id}")).await;
    let states: Vec<&str> = d["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["cancelled", "being_made"]);
    assert_eq!(d["insurance"]["social_security_number"], ssn.as_str());
    audit_records(&srv).await;
    // The number was found by its keyed hash above (the card registered with it); it is
    // sealed at rest, and neither the notices that name it nor the audit log hold it in clear.
    assert_sealed_at_rest(&srv, &[&ssn]).await;
    srv.stop().await;
}
on_both!(
    social_insurance,
    sqlite_social_insurance,
    postgres_social_insurance
);

/// 200 holders, each with a residence permit to collect, book the same slot of an office with 50
/// places at the same moment: exactly 50 get one, the others are told the slot is full.
async fn two_hundred_race_for_fifty_places(srv: TestServer) {
    use domain::ids::*;
    use domain::residence::*;
    let now = chrono::Utc::now();
    let day = today();
    let beijing = domain::city::City::parse("city", "110000").unwrap();
    let mut tx = srv.store.begin().await.unwrap();
    let template = tx.account_by_username("anna").await.unwrap().unwrap();
    let employer = tx.list_employers(Some(beijing)).await.unwrap()[0].clone();
    let office = domain::appointment::Office {
        id: OfficeId(uuid::Uuid::now_v7()),
        city: beijing,
        name: domain::values::Text::parse("n", "Race Hall", 100).unwrap(),
        address: domain::values::Text::parse("a", "1 Test Road", 100).unwrap(),
        opens: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        closes: chrono::NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        slot_minutes: 30,
        capacity: 50,
        // Every day, so that the test does not depend on today's weekday or holidays.
        weekdays: 0b111_1111,
        closed_on: Vec::new(),
    };
    tx.insert_office(&office, now).await.unwrap();
    let mut holders = Vec::new();
    for i in 0..200u64 {
        let letters: String = [i / 26 % 26, i % 26]
            .iter()
            .map(|n| char::from(b'A' + *n as u8))
            .collect();
        let person = domain::party::Person {
            id: PersonId(uuid::Uuid::now_v7()),
            employer_id: employer.id,
            name: domain::values::PersonName::parse("n", &format!("RACER{letters}"), "Pat")
                .unwrap(),
            nationality: domain::values::Nationality::parse("n", "NZL").unwrap(),
            passport_number: domain::values::PassportNumber::parse("p", &format!("RC{i:07}"))
                .unwrap(),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap(),
            sex: domain::values::Sex::M,
            email: domain::values::Email::parse("e", "racer@example.org").unwrap(),
            phone: None,
        };
        tx.insert_person(&person, now).await.unwrap();
        let username = format!("racer{i}");
        tx.insert_account(&store::Account {
            id: AccountId(uuid::Uuid::now_v7()),
            username: username.clone(),
            display_name: username.clone(),
            scope: domain::role::Scope::Applicant {
                person_id: person.id,
            },
            ..template.clone()
        })
        .await
        .unwrap();
        let work = domain::numbers::PermitNumber::new("110000", day, 900_000 + i).unwrap();
        let app = ResidenceApplication {
            id: ResidenceApplicationId(uuid::Uuid::now_v7()),
            receipt_number: domain::numbers::ReceiptNumber::new(day, 90_000_000 + i),
            person_id: person.id,
            employer_id: employer.id,
            city: beijing,
            permit_number: Some(work.clone()),
            evidence: PermitEvidence::SharedRecord,
            role_at_employer: RoleAtEmployer::Other,
            requested_months: 12,
            state: RState::Approved,
            version: 5,
            passport_inspected_at: Some(now),
            grant: None,
            residence_permit_id: None,
            created_at: now,
            decided_at: Some(now),
        };
        let permit = ResidencePermit {
            id: ResidencePermitId(uuid::Uuid::now_v7()),
            number: domain::numbers::ResidencePermitNumber::new("110000", day, 900_000 + i)
                .unwrap(),
            holder_id: person.id,
            employer_id: employer.id,
            work_permit_number: work,
            city: beijing,
            valid_from: day,
            valid_to: day + chrono::Days::new(300),
            status: ResidenceStatus::Valid,
            status_changed_on: None,
            long_reason: None,
            application_id: app.id,
            collected_at: None,
        };
        tx.insert_residence_application(&app).await.unwrap();
        tx.insert_residence_permit(&permit, now).await.unwrap();
        holders.push((username, permit.id));
    }
    tx.commit().await.unwrap();

    let slot = format!("{}T10:00", day + chrono::Days::new(1));
    let mut clients = Vec::new();
    for (username, permit) in &holders {
        clients.push((srv.sign_in(username).await, *permit));
    }
    // All at once: each task waits at the barrier, then books.
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(clients.len()));
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|(c, permit)| {
            let barrier = barrier.clone();
            let body = json!({ "office_id": office.id.to_string(), "slot": slot,
                "purpose": "collect_residence_permit", "subject_id": permit.to_string() });
            tokio::spawn(async move {
                barrier.wait().await;
                c.post("/api/v1/appointments", body).await
            })
        })
        .collect();
    let (mut won, mut full) = (0, 0);
    for t in tasks {
        let (s, body) = t.await.unwrap();
        match (s, body["code"].as_str()) {
            (StatusCode::CREATED, _) => won += 1,
            (StatusCode::UNPROCESSABLE_ENTITY, Some("slot_full")) => full += 1,
            other => panic!("unexpected answer {other:?}: {body}"),
        }
    }
    assert_eq!((won, full), (50, 150));
    let day_view = get(
        &srv.sign_in("racer0").await,
        &format!("/api/v1/offices/{}/slots?date={}", office.id, &slot[..10]),
    )
    .await;
    let at_ten = day_view["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slot"] == slot.as_str())
        .unwrap()
        .clone();
    assert_eq!(at_ten["free"], 0);
    let mut tx = srv.store.begin_read().await.unwrap();
    let booked = tx
        .appointments_at(office.id, &slot[..10], "9999-12-31")
        .await
        .unwrap();
    assert_eq!(booked.len(), 50, "one appointment per place taken");
    drop(tx);
    srv.stop().await;
}
on_both!(
    two_hundred_race_for_fifty_places,
    sqlite_two_hundred_race_for_fifty_places,
    postgres_two_hundred_race_for_fifty_places
);

/// The accommodation register replaces the paper registration form where it confirms the stay;
/// where it is not asked (none configured) the form is brought on paper.
async fn accommodation_confirmed_by_the_register(db: store::testing::TestDb) {
    let tweak: Tweak = std::sync::Arc::new(|c: &mut server::config::Config| {
        c.registers = server::config::RegisterSource::demo();
    });
    let srv = TestServer::start_with(db, std::sync::Arc::new(SystemClock), tweak).await;
    let hr = srv.sign_in("hr").await;
    let labour = srv.sign_in("officer.beijing").await;
    let immigration = srv.sign_in("immigration.beijing").await;
    // Alone: asked at once. Anna's stay in Beijing is on the demo register.
    let number = anna_with_a_permit(&hr, &labour).await;
    let (s, r) = hr
        .post(
            "/api/v1/residence-applications",
            json!({ "permit_number": number, "role_at_employer": "other", "requested_months": 12 }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let id = r["id"].as_str().unwrap();
    let d = get(&hr, &format!("/api/v1/residence-applications/{id}")).await;
    let checks = d["register_checks"].as_array().unwrap();
    assert_eq!(checks.len(), 1, "{d}");
    assert_eq!(checks[0]["fact"], "accommodation");
    assert_eq!(checks[0]["outcome"], "confirmed");
    assert_eq!(checks[0]["reference"], "BJPSB-ACC-2025-110108-000412");
    // Started once, the review asks no more.
    rstep_ok(&immigration, &r, "start_review", json!({})).await;
    let d = get(&hr, &format!("/api/v1/residence-applications/{id}")).await;
    assert_eq!(d["register_checks"].as_array().unwrap().len(), 1);
    srv.stop().await;

    // No register configured: nothing confirmed, the form comes on paper.
    let srv = TestServer::sqlite().await;
    let hr = srv.sign_in("hr").await;
    let labour = srv.sign_in("officer.beijing").await;
    let number = anna_with_a_permit(&hr, &labour).await;
    let (s, r) = hr
        .post(
            "/api/v1/residence-applications",
            json!({ "permit_number": number, "role_at_employer": "other", "requested_months": 12 }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let id = r["id"].as_str().unwrap();
    let d = get(&hr, &format!("/api/v1/residence-applications/{id}")).await;
    assert!(d["register_checks"].as_array().unwrap().is_empty());
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_accommodation_confirmed_by_the_register() {
    accommodation_confirmed_by_the_register(store::testing::TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_accommodation_confirmed_by_the_register() {
    if let Some(db) = store::testing::TestDb::postgres("accommodation_confirmed").await {
        accommodation_confirmed_by_the_register(db).await;
    }
}

async fn administrators_open_offices(srv: TestServer) {
    let admin = srv.sign_in("admin").await;
    let anna = srv.sign_in("anna").await;
    let (s, e) = admin
        .post(
            "/api/v1/offices",
            json!({ "city": "310000", "name": "Shanghai Hall", "address": "1 Minsheng Road",
                "opens": "13:00", "closes": "12:00", "slot_minutes": 30, "capacity": 0,
                "weekdays": ["mon", "funday"] }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["field"], "weekdays[1]", "{e}");
    let (s, e) = admin
        .post(
            "/api/v1/offices",
            json!({ "city": "310000", "name": "Shanghai Hall", "address": "1 Minsheng Road",
                "opens": "13:00", "closes": "12:00", "slot_minutes": 30, "capacity": 4 }),
        )
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("closes_before_opens")
        ),
        "{e}"
    );
    let before = get(&anna, "/api/v1/offices")
        .await
        .as_array()
        .unwrap()
        .len();
    // A hall that opens every day but on a given closing day.
    let closed = (today() + chrono::Days::new(3)).to_string();
    let (s, o) = admin
        .post(
            "/api/v1/offices",
            json!({ "city": "310000", "name": "Shanghai Hall 上海接待大厅", "address": "1 Minsheng Road",
                "opens": "09:00", "closes": "11:00", "slot_minutes": 60, "capacity": 4,
                "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "closed_on": [closed] }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{o}");
    assert_eq!(
        get(&anna, "/api/v1/offices")
            .await
            .as_array()
            .unwrap()
            .len(),
        before + 1
    );
    let id = o["id"].as_str().unwrap();
    let day = get(&anna, &format!("/api/v1/offices/{id}/slots?date={closed}")).await;
    assert_eq!(day["open"], false);
    let next = (today() + chrono::Days::new(4)).to_string();
    let day = get(&anna, &format!("/api/v1/offices/{id}/slots?date={next}")).await;
    let slots: Vec<&str> = day["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["slot"].as_str().unwrap())
        .collect();
    // Open on any day the calendar does not close (a public holiday would).
    if day["open"] == true {
        assert_eq!(slots, [format!("{next}T09:00"), format!("{next}T10:00")]);
        assert_eq!(day["slots"][0]["free"], 4);
    }
    srv.stop().await;
}
on_both!(
    administrators_open_offices,
    sqlite_administrators_open_offices,
    postgres_administrators_open_offices
);

/// Jean on the electronic card: through the real-name check, moved off the physical card.
async fn jean_with_a_card(srv: &TestServer) -> Client {
    let (mut b, _) = Browser::sign_in(srv, "jean").await;
    b.get("/card").await;
    let p = b
        .post(
            "/card/real-name",
            &[
                ("passport_number", "19AB12345"),
                ("date_of_birth", "1984-09-30"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let p = b.post("/card/upgrade", &[]).await;
    assert_eq!(p.location.as_deref(), Some("/card?done=upgraded"));
    srv.sign_in("jean").await
}

async fn card_code(jean: &Client) -> String {
    get(jean, "/api/v1/card/qr").await["text"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The card's QR code stands for the work permit: verified online (and so used up), never a
/// typed-in claim.
async fn the_cards_code_stands_for_the_permit(srv: TestServer) {
    let jean = jean_with_a_card(&srv).await;
    let code = card_code(&jean).await;
    let (s, r) = jean
        .post(
            "/api/v1/residence-applications",
            json!({ "card_qr": code, "role_at_employer": "other", "requested_months": 6 }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(r["evidence"], "card_qr");
    assert!(r["permit_number"].as_str().unwrap().starts_with('P'));
    // The same code again is used up.
    let (s, e) = jean
        .post("/api/v1/insurances", json!({ "card_qr": code }))
        .await;
    assert_eq!(
        (s, e["code"].as_str(), e["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("card_code_not_valid"),
            Some("card_qr")
        ),
        "{e}"
    );
    // Not a code at all; both a number and a code.
    let (s, e) = jean
        .post("/api/v1/insurances", json!({ "card_qr": "HC1:not a code" }))
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("card_code_not_valid")
        ),
        "{e}"
    );
    let number = r["permit_number"].as_str().unwrap();
    let (s, e) = jean
        .post(
            "/api/v1/insurances",
            json!({ "card_qr": card_code(&jean).await, "permit_number": number }),
        )
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("one_of_permit_or_code")
        ),
        "{e}"
    );
    // A fresh code registers insurance.
    let (s, i) = jean
        .post(
            "/api/v1/insurances",
            json!({ "card_qr": card_code(&jean).await }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{i}");
    assert_eq!(i["permit_check"], "card_qr");
    assert_eq!(i["permit_number"], number);
    srv.stop().await;
}
on_both!(
    the_cards_code_stands_for_the_permit,
    sqlite_the_cards_code_stands_for_the_permit,
    postgres_the_cards_code_stands_for_the_permit
);

/// The holder files a move or degree study from the permit's page; bad input is shown at its
/// field and files nothing; others cannot see the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filings_from_the_permit_page() {
    let srv = TestServer::sqlite().await;
    let hr = srv.sign_in("hr").await;
    let labour = srv.sign_in("officer.beijing").await;
    let immigration = srv.sign_in("immigration.beijing").await;
    let anna = srv.sign_in("anna").await;
    let number = anna_with_a_permit(&hr, &labour).await;
    let (s, r) = anna
        .post(
            "/api/v1/residence-applications",
            json!({ "permit_number": number, "role_at_employer": "other", "requested_months": 12 }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let r = immigration_reviews(&immigration, &r).await;
    rstep_ok(&immigration, &r, "approve", residence_grant(300)).await;
    let rp = residence_permits(&anna).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let (mut b, _) = Browser::sign_in(&srv, "anna").await;
    let home = b.get("/residence").await;
    assert!(home.body.contains(&format!("/residence/permits/{rp}")));
    let page = b.get(&format!("/residence/permits/{rp}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"filing\""), "{}", page.body);
    let path = format!("/residence/permits/{rp}/filings");
    let bad = b
        .post(
            &path,
            &[
                ("kind", "holiday"),
                ("filed_on", "someday"),
                ("details", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("region_move or degree_study"),
        "{}",
        bad.body
    );
    let (_, detail) = anna.get(&format!("/api/v1/residence-permits/{rp}")).await;
    assert!(
        detail["filings"].as_array().unwrap().is_empty(),
        "nothing filed"
    );
    let today = today().to_string();
    let ok = b
        .post(
            &path,
            &[
                ("kind", "region_move"),
                ("filed_on", &today),
                ("details", "Shanghai branch, 上海分公司"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let (_, detail) = anna.get(&format!("/api/v1/residence-permits/{rp}")).await;
    assert_eq!(detail["filings"][0]["kind"], "region_move");
    assert_eq!(
        detail["filings"][0]["details"],
        "Shanghai branch, 上海分公司"
    );
    // The card shows her messages, from every agency.
    let checked = b
        .post(
            "/card/real-name",
            &[
                ("passport_number", "C01X00T47"),
                ("date_of_birth", "1990-04-12"),
            ],
        )
        .await;
    assert_eq!(checked.status, StatusCode::SEE_OTHER, "{}", checked.body);
    let card = b.get("/card").await;
    let rp_number = residence_permits(&anna).await[0]["number"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        card.body
            .contains(&format!("Residence permit {rp_number} issued")),
        "{}",
        card.body
    );
    // Another holder sees no such permit.
    let (mut jean, _) = Browser::sign_in(&srv, "jean").await;
    assert_eq!(
        jean.get(&format!("/residence/permits/{rp}")).await.status,
        StatusCode::NOT_FOUND
    );
    srv.stop().await;
}
