//! Classification over HTTP, on SQLite and on PostgreSQL: the public self-assessment, the
//! assessment stored at submission with the policy version, deadlines in the officer queue, an
//! officer's override of the category, and policy versions loaded by an administrator.

#[macro_use]
mod common;
use chrono::{Days, NaiveDate};
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::clock::{Clock, FixedClock};
use std::sync::Arc;
use store::testing::TestDb;

const APPS: &str = "/api/v1/applications";
const NATIONAL: &str = include_str!("../../../policies/national-2017.toml");

fn date(d: NaiveDate, days: u64) -> String {
    (d + Days::new(days)).to_string()
}

/// A master's graduate with six years' experience and HSK 4, working all year in China.
fn profile() -> Value {
    json!({ "education": "master", "experience_years": 6, "months_in_china": 12, "hsk_level": 4 })
}

/// The same person as a visitor types them into the self-assessment.
fn self_assessment(today: NaiveDate) -> Value {
    json!({
        "city": "110000", "employer_kind": "enterprise", "position": "Data Scientist",
        "annual_salary": "480000", "contract_start": date(today, 30), "contract_end": date(today, 1000),
        "date_of_birth": "1990-04-12", "nationality": "DEU", "profile": profile()
    })
}

/// What the policy engine itself says of that person, for the API's answer to be checked against.
fn engine_says(today: NaiveDate) -> domain::policy::Assessment {
    let input: server::input::AssessmentInput =
        serde_json::from_value(self_assessment(today)).unwrap();
    let facts = input.parse(today).unwrap();
    domain::policy::Policy::national_default().assess(&facts)
}

fn assert_field_error(got: &(StatusCode, Value), code: &str, field: &str) {
    assert_eq!(got.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", got.1);
    let errors = got.1["errors"].as_array().cloned().unwrap_or_default();
    let found = std::iter::once(&got.1)
        .chain(errors.iter())
        .any(|e| e["code"] == code && e["field"] == field);
    assert!(found, "no {code} on {field}: {}", got.1);
}

async fn self_assessment_is_public_and_explained(srv: TestServer) {
    let today = srv.clock.today();
    let visitor = srv.client();
    let (s, en) = visitor
        .post("/api/v1/assessments", self_assessment(today))
        .await;
    assert_eq!(s, StatusCode::OK, "{en}");
    let want = engine_says(today);
    assert_eq!(en["category"], want.category.as_str());
    assert_eq!(en["total_points"], want.points.total);
    assert_eq!(en["policy_version"], "national-2017.1");
    assert_eq!(
        en["factors"].as_array().unwrap().len(),
        want.points.factors.len()
    );
    assert!(en["deadlines"]["decision"]["date"].as_str().unwrap() > today.to_string().as_str());
    let salary = en["factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["factor"] == "salary")
        .expect("a salary factor");
    assert_eq!(salary["points"], 20, "480,000 yuan a year: the top band");

    // The same in Chinese.
    let mut zh = srv.client();
    zh.lang = Some("zh-CN".into());
    let (s, zh) = zh.post("/api/v1/assessments", self_assessment(today)).await;
    assert_eq!(s, StatusCode::OK, "{zh}");
    assert_eq!(zh["total_points"], en["total_points"]);
    assert_ne!(zh["category_label"], en["category_label"]);
    assert!(
        zh["category_label"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{}",
        zh["category_label"]
    );

    // Outside the domain: each refused with the field named.
    let mut bad = self_assessment(today);
    bad["annual_salary"] = json!("-1");
    let r = visitor.post("/api/v1/assessments", bad).await;
    assert_field_error(&r, "money_format", "annual_salary");
    let mut bad = self_assessment(today);
    bad["date_of_birth"] = json!(date(today, 0));
    let r = visitor.post("/api/v1/assessments", bad).await;
    assert_field_error(&r, "age_below_minimum", "date_of_birth");
    let mut bad = self_assessment(today);
    bad["profile"]["education"] = json!("phd");
    bad["profile"]["hsk_level"] = json!(12);
    let r = visitor.post("/api/v1/assessments", bad).await;
    assert_field_error(&r, "education_value", "profile.education");
    assert_field_error(&r, "hsk_level_range", "profile.hsk_level");
    let mut bad = self_assessment(today);
    bad["profile"]["height"] = json!(180);
    let r = visitor.post("/api/v1/assessments", bad).await;
    assert_eq!(r.0, StatusCode::BAD_REQUEST, "{}", r.1);
    srv.stop().await;
}

on_both!(
    self_assessment_is_public_and_explained,
    sqlite_self_assessment,
    postgres_self_assessment
);

async fn submission_stores_the_assessment(srv: TestServer) {
    let today = srv.clock.today();
    let hr = srv.sign_in("hr").await;
    let pid = person_id(&hr, "MÜLLER").await;
    let new = |submit: bool| {
        json!({
            "kind": "new", "person_id": pid, "position": "Data Scientist",
            "annual_salary": "480000", "contract_start": date(today, 30),
            "contract_end": date(today, 1000), "submit": submit, "profile": profile()
        })
    };
    let detail = |id: String| {
        let hr = hr.clone();
        async move {
            let (s, d) = hr.get(&format!("{APPS}/{id}")).await;
            assert_eq!(s, StatusCode::OK, "{d}");
            d
        }
    };

    let (s, app) = hr.post(APPS, new(true)).await;
    assert_eq!(s, StatusCode::CREATED, "{app}");
    let d = detail(app["id"].as_str().unwrap().to_string()).await;
    let a = &d["assessment"];
    assert_eq!(a["policy_version"], "national-2017.1");
    assert_eq!(
        a["result"]["category"],
        engine_says(today).category.as_str()
    );
    assert_eq!(a["result"]["total_points"], engine_says(today).points.total);
    let pre = a["pre_review_due"].as_str().unwrap();
    let decision = a["decision_due"].as_str().unwrap();
    // Five and twenty working days: at least a week, and four weeks, away.
    assert!(pre >= date(today, 7).as_str(), "{pre}");
    assert!(decision >= date(today, 28).as_str(), "{decision}");
    assert_eq!(
        a["due"], pre,
        "while submitted, the pre-review's deadline holds"
    );
    assert_eq!(a["overdue"], false);

    // A draft keeps the profile; the assessment is made when it is submitted.
    let (s, draft) = hr.post(APPS, new(false)).await;
    assert_eq!(s, StatusCode::CREATED, "{draft}");
    let id = draft["id"].as_str().unwrap().to_string();
    let d = detail(id.clone()).await;
    assert!(d["assessment"]["result"].is_null(), "{d}");
    assert!(d["assessment"]["pre_review_due"].is_null(), "{d}");
    let (s, sent) = step(&hr, &id, "submit", 1, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{sent}");
    let d = detail(id).await;
    assert_eq!(
        d["assessment"]["result"]["total_points"],
        a["result"]["total_points"]
    );
    assert_eq!(d["assessment"]["pre_review_due"], a["pre_review_due"]);

    // Without a profile: deadlines only.
    let mut plain = new(true);
    plain.as_object_mut().unwrap().remove("profile");
    let (s, app) = hr.post(APPS, plain).await;
    assert_eq!(s, StatusCode::CREATED, "{app}");
    let d = detail(app["id"].as_str().unwrap().to_string()).await;
    assert!(d["assessment"]["result"].is_null());
    assert_eq!(d["assessment"]["pre_review_due"], a["pre_review_due"]);

    // A profile that does not parse, or on a kind that is not classified, creates nothing.
    let before = hr.get(APPS).await.1.as_array().unwrap().len();
    let mut bad = new(true);
    bad["profile"]["months_in_china"] = json!(13);
    let r = hr.post(APPS, bad).await;
    assert_field_error(&r, "months_per_year_range", "profile.months_in_china");
    let r = hr
        .post(
            APPS,
            json!({ "kind": "cancellation", "permit_number": "P1100002026000001X",
                    "employment_end": date(today, 0), "reason": "Left", "profile": profile() }),
        )
        .await;
    assert_eq!(r.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.1);
    assert_eq!(hr.get(APPS).await.1.as_array().unwrap().len(), before);
    srv.stop().await;
}

on_both!(
    submission_stores_the_assessment,
    sqlite_submission_stores_the_assessment,
    postgres_submission_stores_the_assessment
);

async fn an_override_of_the_category_needs_a_reason(srv: TestServer) {
    let today = srv.clock.today();
    let hr = srv.sign_in("hr").await;
    let officer = srv.sign_in("officer.beijing").await;
    let pid = person_id(&hr, "MÜLLER").await;
    let (s, app) = hr
        .post(
            APPS,
            json!({ "kind": "new", "person_id": pid, "position": "Data Scientist",
                    "annual_salary": "480000", "contract_start": date(today, 0),
                    "contract_end": date(today, 1000), "submit": true, "profile": profile() }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{app}");
    let id = app["id"].as_str().unwrap().to_string();
    let assessed = engine_says(today).category;
    let other = if assessed == domain::permit::Category::A {
        "B"
    } else {
        "A"
    };
    let v = to_review(&officer, &app).await;
    let grant = |category: &str| json!({ "category": category, "valid_from": date(today, 0), "valid_to": date(today, 300) });
    let r = step(&officer, &id, "approve", v, grant(other)).await;
    assert_field_error(&r, "override_reason_required", "override_reason");
    let (_, d) = hr.get(&format!("{APPS}/{id}")).await;
    assert_eq!(d["application"]["version"], v, "refused, nothing changed");
    assert!(d["permit"].as_array().unwrap().is_empty());

    let mut with_reason = grant(other);
    with_reason["override_reason"] = json!("Leads the national lab's AI programme 国家实验室");
    let (s, a) = step(&officer, &id, "approve", v, with_reason).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let (_, d) = hr.get(&format!("{APPS}/{id}")).await;
    assert_eq!(d["permit"][0]["category"], other);
    let last = d["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "approve");
    assert_eq!(
        last["notes"][0],
        "Leads the national lab's AI programme 国家实验室"
    );
    // The application's page flags the override, with the reason.
    let (s, page) = officer.get(&format!("/applications/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    let page = page.as_str().unwrap();
    assert!(page.contains("Category overridden"), "{page}");
    let flag = format!(
        "Assessed {}, granted {other}: Leads the national lab",
        assessed.as_str()
    );
    assert!(page.contains(&flag), "{page}");
    srv.stop().await;
}

on_both!(
    an_override_of_the_category_needs_a_reason,
    sqlite_override_needs_a_reason,
    postgres_override_needs_a_reason
);

/// The queue puts the nearest deadline first and marks what is overdue; deadlines count working
/// days only.
async fn queue_by_deadline(srv: TestServer, clock: Arc<FixedClock>) {
    // Monday 2 March 2026, a plain working week, then the next Monday.
    let monday = chrono::DateTime::parse_from_rfc3339("2026-03-02T02:00:00Z")
        .unwrap()
        .to_utc();
    let file = |hr: Client, today: NaiveDate| async move {
        let pid = person_id(&hr, "MÜLLER").await;
        let (s, a) = hr
            .post(
                APPS,
                json!({ "kind": "new", "person_id": pid, "position": "Engineer",
                        "annual_salary": "300000", "contract_start": date(today, 30),
                        "contract_end": date(today, 700), "submit": true }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        a["id"].as_str().unwrap().to_string()
    };
    clock.set(monday);
    let first = file(srv.sign_in("hr").await, clock.today()).await;
    clock.set(monday + chrono::Duration::days(2));
    let second = file(srv.sign_in("hr").await, clock.today()).await;

    let officer = srv.sign_in("officer.beijing").await;
    let queue = || async {
        let (s, q) = officer.get(&format!("{APPS}?queue=true")).await;
        assert_eq!(s, StatusCode::OK, "{q}");
        q.as_array().unwrap().clone()
    };
    let q = queue().await;
    let ids: Vec<&str> = q.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [first.as_str(), second.as_str()]);
    // Monday + 5 working days = the next Monday; Wednesday + 5 = the next Wednesday.
    assert_eq!(q[0]["due"], "2026-03-09");
    assert_eq!(q[1]["due"], "2026-03-11");
    assert_eq!(q[0]["overdue"], false);

    // A week and two days on, the first is overdue; once it passes pre-review, its decision's
    // deadline (twenty working days) holds, and the second comes first.
    clock.set(monday + chrono::Duration::days(9));
    let officer = srv.sign_in("officer.beijing").await;
    let queue = || async {
        let (s, q) = officer.get(&format!("{APPS}?queue=true")).await;
        assert_eq!(s, StatusCode::OK, "{q}");
        q.as_array().unwrap().clone()
    };
    let q = queue().await;
    assert_eq!(q[0]["id"], first.as_str());
    assert_eq!(q[0]["overdue"], true);
    assert_eq!(q[1]["overdue"], false);
    let (s, a) = step(&officer, &first, "pass_pre_review", 1, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let q = queue().await;
    assert_eq!(q[0]["id"], second.as_str());
    assert_eq!(q[1]["id"], first.as_str());
    assert_eq!(q[1]["due"], "2026-03-30");
    assert_eq!(q[1]["overdue"], false);
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_queue_by_deadline() {
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    let srv = TestServer::start(TestDb::sqlite(), clock.clone()).await;
    queue_by_deadline(srv, clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_queue_by_deadline() {
    if let Some(db) = TestDb::postgres("queue_by_deadline").await {
        let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
        let srv = TestServer::start(db, clock.clone()).await;
        queue_by_deadline(srv, clock).await;
    }
}

async fn policy_versions(srv: TestServer) {
    let admin = srv.sign_in("admin").await;
    let hr = srv.sign_in("hr").await;
    let visitor = srv.client();
    let today = srv.clock.today();
    let versions = |c: Client| async move {
        let (s, v) = c.get("/api/v1/policies").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v.as_array().unwrap().clone()
    };
    let v = versions(visitor.clone()).await;
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["version"], "national-2017.1");
    assert_eq!(v[0]["in_force"], true);

    // A stricter version from tomorrow: loaded, listed, not yet in force.
    let stricter = NATIONAL
        .replace(
            "version = \"national-2017.1\"",
            "version = \"national-2027\"",
        )
        .replace(
            "effective_from = \"2017-04-01\"",
            &format!("effective_from = \"{}\"", date(today, 1)),
        )
        .replace("b = 60", "b = 65");
    let upload = |source: &str| json!({ "file_name": "national-2027.toml", "source": source });
    let r = hr.post("/api/v1/policies", upload(&stricter)).await;
    assert_eq!(r.0, StatusCode::FORBIDDEN, "{}", r.1);
    let (s, p) = admin.post("/api/v1/policies", upload(&stricter)).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["in_force"], false);
    let v = versions(visitor.clone()).await;
    assert_eq!(v.len(), 2);
    assert_eq!(v[1]["version"], "national-2027");
    assert_eq!(v[0]["in_force"], true);

    // Loaded once only.
    let r = admin.post("/api/v1/policies", upload(&stricter)).await;
    assert_eq!(r.0, StatusCode::CONFLICT, "{}", r.1);
    assert_eq!(r.1["code"], "policy_version_taken");

    // A broken file: refused with its line, and the version in force stays.
    let broken = stricter
        .replace("version = \"national-2027\"", "version = \"broken\"")
        .replace("b = 65", "b = 95");
    let r = admin.post("/api/v1/policies", upload(&broken)).await;
    assert_field_error(&r, "policy_invalid", "source");
    assert!(
        r.1["message"]
            .as_str()
            .unwrap()
            .contains("national-2027.toml:"),
        "{}",
        r.1
    );
    assert_eq!(versions(visitor.clone()).await.len(), 2);
    let (s, a) = visitor
        .post("/api/v1/assessments", self_assessment(today))
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["policy_version"], "national-2017.1");
    srv.stop().await;
}

on_both!(
    policy_versions,
    sqlite_policy_versions,
    postgres_policy_versions
);

async fn category_c_respects_the_city_quota(srv: TestServer) {
    let today = srv.clock.today();
    let admin = srv.sign_in("admin").await;
    let hr = srv.sign_in("hr").await;
    let officer = srv.sign_in("officer.beijing").await;
    // A version in force since 2020 that leaves Beijing one Category C permit a year.
    let one_place = NATIONAL
        .replace(
            "version = \"national-2017.1\"",
            "version = \"quota-of-one\"",
        )
        .replace(
            "effective_from = \"2017-04-01\"",
            "effective_from = \"2020-01-01\"",
        )
        .replacen("c_quota = 3_000", "c_quota = 1", 1);
    let (s, p) = admin
        .post(
            "/api/v1/policies",
            json!({ "file_name": "quota.toml", "source": one_place }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["in_force"], true);

    let pid = person_id(&hr, "MÜLLER").await;
    let mut reviewed = Vec::new();
    for _ in 0..2 {
        let (s, app) = hr
            .post(
                APPS,
                json!({ "kind": "new", "person_id": pid, "position": "Assistant",
                        "annual_salary": "90000", "contract_start": date(today, 0),
                        "contract_end": date(today, 400), "submit": true }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{app}");
        let v = to_review(&officer, &app).await;
        reviewed.push((app["id"].as_str().unwrap().to_string(), v));
    }
    let grant = |category: &str| json!({ "category": category, "valid_from": date(today, 0), "valid_to": date(today, 300) });
    let (id, v) = &reviewed[0];
    let (s, a) = step(&officer, id, "approve", *v, grant("C")).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let (id, v) = &reviewed[1];
    let r = step(&officer, id, "approve", *v, grant("C")).await;
    assert_field_error(&r, "c_quota_exhausted", "grant.category");
    let (_, d) = hr.get(&format!("{APPS}/{id}")).await;
    assert_eq!(d["application"]["state"], "under_review", "nothing changed");
    // The place a refusal did not take is not lost: B is not counted, and C stays full.
    let (s, a) = step(&officer, id, "approve", *v, grant("B")).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    srv.stop().await;
}

on_both!(
    category_c_respects_the_city_quota,
    sqlite_c_quota,
    postgres_c_quota
);
