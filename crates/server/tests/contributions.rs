//! Contributions, benefit claims, the holder's records and the employer's deadline list, over
//! HTTP on both databases.

#[macro_use]
mod common;
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::clock::{Clock, SystemClock};

async fn ids(srv: &TestServer) -> (Client, String, String, String) {
    let hr = srv.sign_in("hr").await;
    let (_, me) = hr.get("/api/v1/me").await;
    let employer = me["employer_id"].as_str().unwrap().to_string();
    let anna = person_id(&hr, "MÜLLER").await;
    let jean = person_id(&hr, "DUPONT").await;
    (hr, employer, anna, jean)
}

async fn declarations(srv: &TestServer, person: &str) -> usize {
    let mut tx = srv.store.begin_read().await.unwrap();
    tx.declarations_of(domain::ids::PersonId(person.parse().unwrap()))
        .await
        .unwrap()
        .len()
}

fn declare(person: &str, month: &str, base: &str) -> Value {
    json!({ "person_id": person, "month": month, "base": base })
}

fn line<'a>(lines: &'a Value, insurance: &str) -> &'a Value {
    lines
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["insurance"] == insurance)
        .unwrap()
}

async fn declaration_correction_and_statement(srv: TestServer) {
    let (hr, employer, anna, jean) = ids(&srv).await;
    insure(&srv, &anna, &employer, "2024-01-15").await;
    let holder = srv.sign_in("anna").await;

    // January 2024 in Beijing on a base of 20,000 yuan, in fen.
    let (s, d) = hr
        .post("/api/v1/contributions", declare(&anna, "2024-01", "20000"))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(
        (d["sequence"].as_i64(), d["correction"].as_bool()),
        (Some(1), Some(false))
    );
    assert_eq!(d["base_fen"], 2_000_000);
    let pension = line(&d["lines"], "pension");
    assert_eq!(
        (
            pension["employer_fen"].as_i64(),
            pension["personal_fen"].as_i64()
        ),
        (Some(320_000), Some(160_000))
    );
    // Medical: 9 % and 2 % plus 3 yuan a month.
    let medical = line(&d["lines"], "medical");
    assert_eq!(
        (
            medical["employer_fen"].as_i64(),
            medical["personal_fen"].as_i64()
        ),
        (Some(180_000), Some(40_300))
    );
    let employer_jan = 320_000 + 180_000 + 10_000 + 4_000 + 16_000;
    let personal_jan = 160_000 + 40_300 + 10_000;
    assert_eq!(d["total"]["employer_fen"], employer_jan);
    assert_eq!(d["total"]["personal_fen"], personal_jan);

    // Bad input: refused with the rule named, on its field, and nothing recorded.
    let audit = audit_records(&srv).await;
    let this_month = SystemClock.today().format("%Y-%m").to_string();
    let next_month = (SystemClock.today() + chrono::Months::new(1))
        .format("%Y-%m")
        .to_string();
    for (body, field, code) in [
        (
            declare(&anna, "2023-12", "20000"),
            "month",
            "month_before_insurance_start",
        ),
        (
            declare(&anna, "2024-02", "6820.99"),
            "base",
            "base_below_floor",
        ),
        (
            declare(&anna, "2024-02", "35283.01"),
            "base",
            "base_above_ceiling",
        ),
        (
            declare(&anna, &next_month, "20000"),
            "month",
            "month_in_future",
        ),
        (declare(&anna, "2024-13", "20000"), "month", "month_invalid"),
        (declare(&anna, "2024-02", "0"), "base", "base_zero"),
        (declare(&anna, "2024-02", "12.345"), "base", "money_format"),
        (
            declare(&jean, &this_month, "20000"),
            "person_id",
            "person_not_insured",
        ),
        (
            declare(&uuid::Uuid::now_v7().to_string(), &this_month, "20000"),
            "person_id",
            "person_not_employee",
        ),
    ] {
        let (s, e) = hr.post("/api/v1/contributions", body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {e}");
        assert_eq!(
            (e["field"].as_str(), e["code"].as_str()),
            (Some(field), Some(code)),
            "{body}: {e}"
        );
    }
    assert_eq!(declarations(&srv, &anna).await, 1);
    assert_eq!(audit_records(&srv).await, audit);
    // The rule is named in Chinese too.
    let mut zh = hr.clone();
    zh.lang = Some("zh-CN".into());
    let (_, e) = zh
        .post("/api/v1/contributions", declare(&anna, "2024-02", "40000"))
        .await;
    let msg = e["message"].as_str().unwrap();
    assert!(
        msg.contains("缴费基数") && msg.contains("上限") && msg.contains("35283.00"),
        "{msg}"
    );
    let (_, e) = hr
        .post("/api/v1/contributions", declare(&anna, "2024-02", "40000"))
        .await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("ceiling of 35283.00"),
        "{e}"
    );
    // Only employers declare.
    let (s, _) = holder
        .post("/api/v1/contributions", declare(&anna, "2024-02", "20000"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // A correction is a later declaration of the same month; the first stays recorded.
    let (s, c) = hr
        .post("/api/v1/contributions", declare(&anna, "2024-01", "25000"))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!(
        (c["sequence"].as_i64(), c["correction"].as_bool()),
        (Some(2), Some(true))
    );
    for m in ["2024-02", "2024-03", "2025-01"] {
        let (s, d) = hr
            .post("/api/v1/contributions", declare(&anna, m, "20000"))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
    }
    assert_eq!(declarations(&srv, &anna).await, 5);

    let (s, st) = holder
        .get(&format!("/api/v1/people/{anna}/statement"))
        .await;
    assert_eq!(s, StatusCode::OK, "{st}");
    assert_eq!(st["declarations"], 5);
    let months: Vec<&str> = st["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["month"].as_str().unwrap())
        .collect();
    assert_eq!(months, ["2024-01", "2024-02", "2024-03", "2025-01"]);
    assert_eq!(st["months"][0]["base_fen"], 2_500_000);
    assert_eq!(st["months"][0]["corrections"], 1);
    assert_eq!(st["months"][0]["sequence"], 2);
    // Totals are the sums of their parts, in integer fen.
    let sum = |path: &dyn Fn(&Value) -> i64| -> i64 {
        st["months"].as_array().unwrap().iter().map(path).sum()
    };
    let total_employer = sum(&|m| m["total"]["employer_fen"].as_i64().unwrap());
    let total_personal = sum(&|m| m["total"]["personal_fen"].as_i64().unwrap());
    assert_eq!(st["total"]["employer_fen"], total_employer);
    assert_eq!(st["total"]["personal_fen"], total_personal);
    assert_eq!(st["total"]["total_fen"], total_employer + total_personal);
    let by_type: i64 = st["by_type"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["total_fen"].as_i64().unwrap())
        .sum();
    assert_eq!(by_type, total_employer + total_personal);
    // January at 25,000: pension 4,000 + 2,000 yuan.
    assert_eq!(
        line(&st["months"][0]["lines"], "pension")["total_fen"],
        600_000
    );
    // Three months at 20,000 and one at 25,000.
    assert_eq!(
        line(&st["by_type"], "pension")["employer_fen"],
        3 * 320_000 + 400_000
    );
    let years: Vec<(i64, i64)> = st["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| (y["year"].as_i64().unwrap(), y["months"].as_i64().unwrap()))
        .collect();
    assert_eq!(years, [(2024, 3), (2025, 1)]);
    assert!(st["total"]["employer_fen"].is_i64());

    // The employer reads it too; another holder does not.
    let (s, _) = hr.get(&format!("/api/v1/people/{anna}/statement")).await;
    assert_eq!(s, StatusCode::OK);
    let jean_c = srv.sign_in("jean").await;
    let (s, _) = jean_c
        .get(&format!("/api/v1/people/{anna}/statement"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The PDF, sealed.
    let res = holder
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/people/{anna}/statement/pdf"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let (_, seal) = documents::notice::split_sealed(&bytes).expect("a sealed statement");
    assert!(seal.starts_with("OC"), "{seal}");
    srv.stop().await;
}
on_both!(
    declaration_correction_and_statement,
    sqlite_declaration_correction_and_statement,
    postgres_declaration_correction_and_statement
);

fn refund(leaving: bool, documents: &[&str]) -> Value {
    let mut b = json!({ "benefit": "pension_refund", "documents": documents });
    if leaving {
        b["leaving_china_on"] = json!((SystemClock.today() + chrono::Days::new(20)).to_string());
    }
    b
}

const REFUND_DOCS: [&str; 5] = [
    "application_form",
    "passport",
    "termination_proof",
    "departure_evidence",
    "bank_account",
];

async fn claims_and_the_refund(srv: TestServer) {
    let (hr, employer, anna, _jean) = ids(&srv).await;
    let holder = srv.sign_in("anna").await;
    let jean = srv.sign_in("jean").await;
    let social = srv.sign_in("social.beijing").await;

    let (s, cat) = holder.get("/api/v1/benefits").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        cat.as_array()
            .unwrap()
            .iter()
            .any(|b| b["id"] == "pension_refund" && b["closes_insurance"] == true)
    );

    // Jean holds a valid work permit: no refund, the permit named.
    let (s, e) = jean
        .post("/api/v1/claims", refund(true, &REFUND_DOCS))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let codes: Vec<&str> = e["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"valid_permit_remains"), "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("valid until"),
        "{e}"
    );
    // Anna is not insured yet.
    let (s, e) = holder
        .post("/api/v1/claims", refund(true, &REFUND_DOCS))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["code"], "not_insured", "{e}");

    insure(&srv, &anna, &employer, "2024-01-15").await;
    let (s, _) = hr
        .post("/api/v1/contributions", declare(&anna, "2024-01", "20000"))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    // Documents missing and no departure date: each named, nothing recorded.
    let (s, e) = holder
        .post("/api/v1/claims", refund(false, &["passport"]))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let errors: Vec<(String, String)> = e["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["field"].as_str().unwrap().to_string(),
                x["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        errors.contains(&(
            "leaving_china_on".into(),
            "leaving_china_not_declared".into()
        )),
        "{e}"
    );
    assert!(
        errors.contains(&("documents".into(), "document_missing".into())),
        "{e}"
    );
    assert_eq!(errors.len(), 5, "{e}");
    // The talent subsidy needs a category A permit in Beijing and a year of contributions.
    let (s, e) = holder
        .post("/api/v1/claims", json!({ "benefit": "beijing_talent_subsidy",
            "documents": ["application_form", "passport", "employment_contract", "tax_record", "bank_account"] }))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let codes: Vec<&str> = e["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"permit_category_not_listed")
            && codes.contains(&"contribution_months_short"),
        "{e}"
    );
    let (s, e) = holder
        .post("/api/v1/claims", json!({ "benefit": "lottery" }))
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("benefit_unknown"))
    );
    let (_, list) = holder.get("/api/v1/claims").await;
    assert!(list.as_array().unwrap().is_empty());

    // A claim that meets its rule waits for the agency of Beijing.
    let (s, c) = holder
        .post("/api/v1/claims", refund(true, &REFUND_DOCS))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!(
        (c["state"].as_str(), c["city"].as_str()),
        (Some("submitted"), Some("110000"))
    );
    let id = c["id"].as_str().unwrap().to_string();
    let (s, e) = holder
        .post("/api/v1/claims", refund(true, &REFUND_DOCS))
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("claim_open"))
    );
    let (_, queue) = social.get("/api/v1/claims").await;
    assert_eq!(queue[0]["id"], id.as_str());
    let step = format!("/api/v1/claims/{id}/steps");
    // The holder cannot approve; the officer decides on the version seen.
    let (s, _) = holder
        .post(&step, json!({ "action": "approve", "version": 1, "amount": "1", "account": "x", "reference": "y" }))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, e) = social
        .post(&step, json!({ "action": "refuse", "version": 1 }))
        .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("items"))
    );
    let (s, e) = social
        .post(
            &step,
            json!({ "action": "refuse", "version": 1, "items": ["Departure not evidenced"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    assert_eq!(e["state"], "refused");
    let (s, e) = social
        .post(
            &step,
            json!({ "action": "refuse", "version": 2, "items": ["Again"] }),
        )
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("claim_step_not_open"))
    );

    // Claimed again, approved with the payment instruction: the insurance record is closed.
    let (s, c) = holder
        .post("/api/v1/claims", refund(true, &REFUND_DOCS))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let step = format!("/api/v1/claims/{}/steps", c["id"].as_str().unwrap());
    let (s, e) = social
        .post(&step, json!({ "action": "approve", "version": 2, "amount": "12345.67", "account": "6222 0200 1234 5678", "reference": "PR-2026-0001" }))
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("case_changed")),
        "{e}"
    );
    let (s, e) = social
        .post(&step, json!({ "action": "approve", "version": 1, "amount": "0", "account": "6222", "reference": "PR" }))
        .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("payment.amount")),
        "{e}"
    );
    let (s, a) = social
        .post(&step, json!({ "action": "approve", "version": 1, "amount": "12345.67", "account": "6222 0200 1234 5678", "reference": "PR-2026-0001" }))
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["state"], "approved");
    assert_eq!(a["payment"]["amount_fen"], 1_234_567);
    let (_, r) = holder.get("/api/v1/records").await;
    assert!(r["insurance"]["closed_at"].is_string(), "{r}");
    assert!(
        r["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["topic"] == "claim_approved"),
        "{r}"
    );
    // Closed: no more declarations, no second refund.
    let (s, e) = hr
        .post("/api/v1/contributions", declare(&anna, "2024-02", "20000"))
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("person_not_insured"))
    );
    let (s, e) = holder
        .post("/api/v1/claims", refund(true, &REFUND_DOCS))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["code"], "insurance_closed", "{e}");
    audit_records(&srv).await;
    srv.stop().await;
}
on_both!(
    claims_and_the_refund,
    sqlite_claims_and_the_refund,
    postgres_claims_and_the_refund
);

async fn records_and_deadlines(srv: TestServer) {
    let (hr, employer, anna, jean) = ids(&srv).await;
    insure(&srv, &anna, &employer, "2024-01-15").await;
    for m in ["2024-01", "2024-02"] {
        let (s, _) = hr
            .post("/api/v1/contributions", declare(&anna, m, "20000"))
            .await;
        assert_eq!(s, StatusCode::CREATED);
    }
    // Jean's physical card expires within 90 days: the extension window is open.
    let holder = srv.sign_in("jean").await;
    let (s, r) = holder.get("/api/v1/records").await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let valid_to =
        chrono::NaiveDate::parse_from_str(r["permit"]["valid_to"].as_str().unwrap(), "%Y-%m-%d")
            .unwrap();
    assert_eq!(
        r["extension_opens"],
        (valid_to - chrono::Days::new(90)).to_string()
    );
    let next: Vec<&str> = r["next_steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["code"].as_str().unwrap())
        .collect();
    assert!(
        next.contains(&"extension_window_open") && next.contains(&"register_insurance"),
        "{r}"
    );
    let (_, r) = srv.sign_in("anna").await.get("/api/v1/records").await;
    assert_eq!(r["contributions"]["months"], 2);
    assert_eq!(r["contributions"]["last_month"], "2024-02");

    let (s, list) = hr.get("/api/v1/employer/deadlines").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let row = |id: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|r| r["person_id"] == id)
            .unwrap()
            .clone()
    };
    let j = row(&jean);
    assert_eq!(j["permit_expiring_within_90_days"], true);
    assert_eq!(
        j["extension_opens"],
        (valid_to - chrono::Days::new(90)).to_string()
    );
    let a = row(&anna);
    assert_eq!(
        (a["insured"].as_bool(), a["months_declared"].as_i64()),
        (Some(true), Some(2))
    );
    assert_eq!(a["last_month_declared"], "2024-02");

    let res = hr
        .request(reqwest::Method::GET, "/api/v1/employer/deadlines/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(
        lines[0].starts_with("person_id,surname,given_names,nationality,permit_number"),
        "{csv}"
    );
    assert_eq!(lines.len(), 1 + list.as_array().unwrap().len());
    let jl = lines.iter().find(|l| l.starts_with(&jean)).unwrap();
    let cells: Vec<&str> = jl.split(',').collect();
    assert_eq!(cells[1], "DUPONT");
    assert_eq!(cells[6], valid_to.to_string());
    assert_eq!(cells[7], (valid_to - chrono::Days::new(90)).to_string());
    assert_eq!(cells[8], "yes");
    let al = lines.iter().find(|l| l.starts_with(&anna)).unwrap();
    assert!(al.ends_with(",yes,2,2024-02"), "{al}");
    srv.stop().await;
}
on_both!(
    records_and_deadlines,
    sqlite_records_and_deadlines,
    postgres_records_and_deadlines
);

/// The figures of bench/README.md: an employer with 10,000 employees (each with a permit,
/// insured, six months declared) exports its deadline list as CSV; a holder with ten years of
/// monthly contributions (one month in four corrected) reads the statement and its PDF. Run
/// with `cargo test --release -p server --test contributions -- --ignored --nocapture`.
/// A name of letters for a number: 0 is A, 25 Z, 26 BA…
fn letters(mut n: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(char::from(b'A' + (n % 26) as u8));
        n /= 26;
        if n == 0 {
            break;
        }
    }
    out.iter().rev().collect()
}

async fn figures(srv: TestServer) {
    use domain::contributions::*;
    use domain::ids::*;
    use domain::permit::*;
    use std::time::Instant;
    let (hr, employer, anna, _) = ids(&srv).await;
    let employer_id = EmployerId(employer.parse().unwrap());
    let hr_account = {
        let (_, me) = hr.get("/api/v1/me").await;
        AccountId(me["id"].as_str().unwrap().parse().unwrap())
    };
    let city = domain::city::City::parse("city", "110000").unwrap();
    let policy = domain::policy::Policy::national_default();
    let rule = policy.contribution_rule(city).unwrap();
    let today = SystemClock.today();
    let now = chrono::Utc::now();
    let seeding = Instant::now();
    insure(&srv, &anna, &employer, "2016-01-01").await;
    let mut tx = srv.store.begin().await.unwrap();
    for i in 0..10_000u32 {
        let person = domain::party::Person {
            id: PersonId(uuid::Uuid::now_v7()),
            employer_id,
            name: domain::values::PersonName::parse("name", "WORKER", &letters(i)).unwrap(),
            nationality: domain::values::Nationality::parse("n", "GBR").unwrap(),
            passport_number: domain::values::PassportNumber::parse("p", &format!("BX{i:07}"))
                .unwrap(),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap(),
            sex: domain::values::Sex::F,
            email: domain::values::Email::parse("e", "w@example.org").unwrap(),
            phone: None,
        };
        tx.insert_person(&person, now).await.unwrap();
        let valid_to = today + chrono::Days::new(u64::from(i % 400) + 1);
        tx.insert_permit(
            &Permit {
                id: PermitId(uuid::Uuid::now_v7()),
                number: domain::numbers::PermitNumber::new("110000", today, 500_000 + u64::from(i))
                    .unwrap(),
                revision: 1,
                holder_id: person.id,
                employer_id,
                holder_name: person.name.clone(),
                nationality: person.nationality,
                passport_number: person.passport_number.clone(),
                category: Category::B,
                position: domain::values::Text::parse("p", "Engineer", 100).unwrap(),
                city,
                valid_from: today - chrono::Days::new(365),
                valid_to,
                status: PermitStatus::Valid,
                status_changed_on: None,
                medium: Medium::Electronic,
                application_id: None,
            },
            now,
        )
        .await
        .unwrap();
        let from = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        tx.insert_insurance(&domain::insurance::Insurance {
            id: InsuranceId(uuid::Uuid::now_v7()),
            person_id: person.id,
            employer_id,
            city,
            permit_number: domain::numbers::PermitNumber::new(
                "110000",
                today,
                500_000 + u64::from(i),
            )
            .unwrap(),
            permit_check: domain::insurance::PermitCheck::SharedRecord,
            state: domain::insurance::InsuranceState::Registered,
            version: 2,
            ssn: domain::numbers::SocialSecurityNumber::new("110000", from, 500_000 + u64::from(i)),
            requested_at: now,
            decided_at: Some(now),
            refusal: Vec::new(),
        })
        .await
        .unwrap();
        let mut month = ContributionMonth::parse("m", "2025-01").unwrap();
        for seq in 1..=6 {
            let base = ContributionBase::parse("b", "20000").unwrap();
            tx.insert_declaration(&store::StoredDeclaration {
                id: uuid::Uuid::now_v7(),
                person_id: person.id,
                employer_id,
                declared_by: hr_account,
                declaration: Declaration {
                    sequence: seq,
                    declared_at: now,
                    contribution: declare(rule, month, base, from).unwrap(),
                },
            })
            .await
            .unwrap();
            month = month.next();
        }
    }
    // Anna: ten years, one month in four corrected.
    let anna_id = PersonId(anna.parse().unwrap());
    let mut month = ContributionMonth::parse("m", "2016-01").unwrap();
    let mut seq = 0;
    for i in 0..120i64 {
        for _ in 0..(if i % 4 == 0 { 2 } else { 1 }) {
            seq += 1;
            let base = ContributionBase::parse("b", &format!("{}", 7_000 + i * 200)).unwrap();
            tx.insert_declaration(&store::StoredDeclaration {
                id: uuid::Uuid::now_v7(),
                person_id: anna_id,
                employer_id,
                declared_by: hr_account,
                declaration: Declaration {
                    sequence: seq,
                    declared_at: now,
                    contribution: declare(rule, month, base, month.first_day()).unwrap(),
                },
            })
            .await
            .unwrap();
        }
        month = month.next();
    }
    tx.commit().await.unwrap();
    println!(
        "{:?}: seeded in {:?}",
        srv.store.backend(),
        seeding.elapsed()
    );

    let timed = |runs: usize| runs;
    let mut csv_times = Vec::new();
    for _ in 0..timed(5) {
        let t = Instant::now();
        let res = hr
            .request(reqwest::Method::GET, "/api/v1/employer/deadlines/csv")
            .send()
            .await
            .unwrap();
        let body = res.text().await.unwrap();
        csv_times.push(t.elapsed());
        assert!(body.lines().count() > 10_000);
    }
    let holder = srv.sign_in("anna").await;
    let mut json_times = Vec::new();
    let mut pdf_times = Vec::new();
    for _ in 0..timed(20) {
        let t = Instant::now();
        let (s, st) = holder
            .get(&format!("/api/v1/people/{anna}/statement"))
            .await;
        json_times.push(t.elapsed());
        assert_eq!(
            (s, st["months"].as_array().unwrap().len()),
            (StatusCode::OK, 120)
        );
        let t = Instant::now();
        let res = holder
            .request(
                reqwest::Method::GET,
                &format!("/api/v1/people/{anna}/statement/pdf"),
            )
            .send()
            .await
            .unwrap();
        let bytes = res.bytes().await.unwrap();
        pdf_times.push(t.elapsed());
        assert!(bytes.starts_with(b"%PDF"));
    }
    let median = |v: &mut Vec<std::time::Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    println!(
        "{:?}: deadline CSV of 10,000 employees: median {:?} (max {:?}); ten-year statement JSON: median {:?}; PDF: median {:?} (max {:?})",
        srv.store.backend(),
        median(&mut csv_times),
        csv_times.last().unwrap(),
        median(&mut json_times),
        median(&mut pdf_times),
        pdf_times.last().unwrap(),
    );
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: run with --release --ignored"]
async fn sqlite_figures() {
    figures(TestServer::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: run with --release --ignored"]
async fn postgres_figures() {
    if let Some(srv) = TestServer::postgres("figures").await {
        figures(srv).await;
    }
}
