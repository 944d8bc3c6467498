//! The pages of contributions and benefit claims, as a browser without JavaScript uses them: the
//! employer's employees with their deadlines and the declaration form, the holder's records with
//! the claim form, the social security officer's queue and decision; refusals for other roles;
//! both languages.

#[macro_use]
mod common;
use common::*;
use reqwest::StatusCode;
use server::clock::{Clock, SystemClock};

/// The ids of the demo employer and of Anna.
async fn ids(srv: &TestServer) -> (String, String) {
    let hr = srv.sign_in("hr").await;
    let (_, me) = hr.get("/api/v1/me").await;
    let employer = me["employer_id"].as_str().unwrap().to_string();
    (employer, person_id(&hr, "MÜLLER").await)
}

async fn declarations(srv: &TestServer, person: &str) -> usize {
    let mut tx = srv.store.begin_read().await.unwrap();
    tx.declarations_of(domain::ids::PersonId(person.parse().unwrap()))
        .await
        .unwrap()
        .len()
}

async fn claims(srv: &TestServer) -> usize {
    let mut tx = srv.store.begin_read().await.unwrap();
    tx.claims(&store::ClaimFilter {
        limit: 100,
        ..Default::default()
    })
    .await
    .unwrap()
    .len()
}

/// The value of the `attr` attribute of the first tag after `marker`.
fn attr_after(body: &str, marker: &str, attr: &str) -> String {
    let at = body
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not on the page"));
    let rest = &body[at..];
    let key = format!("{attr}=\"");
    let start = rest.find(&key).expect("attribute") + key.len();
    rest[start..].split('"').next().unwrap().to_string()
}

/// Every page renders with one h1 in both languages, no message key left untranslated.
async fn renders_in_both(b: &mut Browser, path: &str) {
    for (lang, tag) in [("en", "en"), ("zh-CN", "zh-CN")] {
        b.lang = Some(lang);
        let p = b.get(path).await;
        assert_eq!(p.status, StatusCode::OK, "{path} in {lang}: {}", p.body);
        assert!(p.body.contains(&format!("<html lang=\"{tag}\">")), "{path}");
        assert_eq!(p.body.matches("<h1").count(), 1, "one h1 on {path}");
        for raw in [
            ">records-",
            ">statement-",
            ">claim-",
            ">claims-",
            ">employees-",
            ">benefit-",
            ">insurance-type-",
            ">error-",
            ">field-",
            "case-state-",
            ">next-",
        ] {
            assert!(
                !p.body.contains(raw),
                "{raw} untranslated on {path} in {lang}"
            );
        }
    }
    b.lang = None;
}

async fn employer_declares_and_the_holder_claims(srv: TestServer) {
    let (employer, anna) = ids(&srv).await;
    let (mut hr, _) = Browser::sign_in(&srv, "hr").await;

    // The employees list: Anna is there, not insured yet; the CSV is linked.
    let list = hr.get("/employer/employees").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body.contains("MÜLLER"), "{}", list.body);
    assert!(
        list.body
            .contains("href=\"/api/v1/employer/deadlines/csv\""),
        "{}",
        list.body
    );
    let page = format!("/employer/employees/{anna}");
    let p = hr.get(&page).await;
    assert!(
        p.body.contains("register the insurance first"),
        "{}",
        p.body
    );
    assert!(!p.body.contains("id=\"declare-form\""));

    insure(&srv, &anna, &employer, "2024-01-15").await;
    let p = hr.get(&page).await;
    assert!(p.body.contains("id=\"declare-form\""), "{}", p.body);

    // A base below Beijing's floor: the field says so, nothing is recorded.
    let p = hr
        .post(&page, &[("month", "2024-01"), ("base", "100")])
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("id=\"base-error\""), "{}", p.body);
    assert!(p.body.contains("below the floor"), "{}", p.body);
    assert!(p.body.contains("value=\"100\""), "the value sent is kept");
    // A month before the insurance started, in Chinese.
    hr.lang = Some("zh-CN");
    let p = hr
        .post(&page, &[("month", "2023-12"), ("base", "20000")])
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("id=\"month-error\""), "{}", p.body);
    assert!(p.body.contains("2024-01-15"), "{}", p.body);
    hr.lang = None;
    // No CSRF token: refused before anything is read.
    let p = hr
        .post_raw(&page, &[("month", "2024-01"), ("base", "20000")])
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert_eq!(declarations(&srv, &anna).await, 0);

    // Declared, then corrected by a later declaration.
    let p = hr
        .post(&page, &[("month", "2024-01"), ("base", "20000")])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let back = p.location.unwrap();
    assert!(back.ends_with("done=declared&month=2024-01"), "{back}");
    let p = hr.get(&back).await;
    assert!(p.body.contains("2024-01 is declared."), "{}", p.body);
    let p = hr
        .post(&page, &[("month", "2024-01"), ("base", "25000")])
        .await;
    assert!(p.location.unwrap().contains("done=corrected"));
    let p = hr
        .post(&page, &[("month", "2024-02"), ("base", "20000")])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(declarations(&srv, &anna).await, 3);
    // The statement counts the correction, not the month twice: January on 25,000 (employer
    // 16 % + 9 % + 0.5 % + 0.2 % + 0.8 %, personal 8 % + 2 % + 3 yuan + 0.5 %) and February
    // on 20,000.
    let p = hr.get(&page).await;
    let jan = 25_000.0 * (0.265 + 0.105) + 3.0;
    let feb = 20_000.0 * (0.265 + 0.105) + 3.0;
    assert!(
        p.body.contains(&format!("{:.2}", jan + feb)),
        "{} in {}",
        jan + feb,
        p.body
    );
    assert!(p.body.contains("Each month (2)"), "{}", p.body);
    let list = hr.get("/employer/employees").await;
    assert!(list.body.contains("2024-02"), "last month declared");

    // The holder sees it on their records, with the refund open to them (no valid permit).
    let (mut holder, _) = Browser::sign_in(&srv, "anna").await;
    let me = holder.get("/me").await;
    assert!(me.body.contains("href=\"/records\""));
    let r = holder.get("/records").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(&format!("{:.2}", jan + feb)), "{}", r.body);
    assert!(
        r.body
            .contains(&format!("href=\"/api/v1/people/{anna}/statement/pdf\"")),
        "{}",
        r.body
    );
    assert!(r.body.contains("href=\"/records#claim\""), "next step");
    assert!(r.body.contains("id=\"claim-pension-refund\""));
    assert!(r.body.contains("id=\"claim-beijing-talent-subsidy\""));
    // The statement's PDF is the holder's to download.
    let pdf = holder
        .get(&format!("/api/v1/people/{anna}/statement/pdf"))
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.body.starts_with("%PDF-"));

    // A claim that fails its rule: each failure on its field, nothing recorded.
    let p = holder
        .post(
            "/records/claims",
            &[("benefit", "pension_refund"), ("doc_passport", "on")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(
        p.body
            .contains("id=\"claim-pension-refund-leaving_china_on-error\""),
        "{}",
        p.body
    );
    assert!(
        p.body
            .contains("id=\"claim-pension-refund-documents-error\""),
        "{}",
        p.body
    );
    assert!(p.body.contains("is missing"), "{}", p.body);
    assert!(
        p.body.contains(
            "id=\"claim-pension-refund-doc-passport\" name=\"doc_passport\" value=\"on\" checked"
        ),
        "the boxes ticked stay ticked"
    );
    let p = holder
        .post(
            "/records/claims",
            &[
                ("benefit", "beijing_talent_subsidy"),
                ("doc_passport", "on"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("12 months"), "{}", p.body);
    let p = holder
        .post(
            "/records/claims",
            &[("benefit", "pension_refund"), ("doc_lottery", "on")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let p = holder
        .post_raw("/records/claims", &[("benefit", "pension_refund")])
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert_eq!(claims(&srv).await, 0);

    // The claim that meets its rule, then withdrawn, then made again.
    let leaving = (SystemClock.today() + chrono::Days::new(20)).to_string();
    let full = [
        ("benefit", "pension_refund"),
        ("doc_application_form", "on"),
        ("doc_passport", "on"),
        ("doc_termination_proof", "on"),
        ("doc_departure_evidence", "on"),
        ("doc_bank_account", "on"),
        ("leaving_china_on", leaving.as_str()),
    ];
    let p = holder.post("/records/claims", &full).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let claim = p.location.unwrap();
    assert!(claim.ends_with("?done=submitted"), "{claim}");
    let p = holder.get(&claim).await;
    assert!(p.body.contains("waiting for a decision"), "{}", p.body);
    assert!(p.body.contains("id=\"withdraw\""));
    assert!(!p.body.contains("id=\"approve\""));
    let claim = claim.trim_end_matches("?done=submitted").to_string();
    let version = attr_after(&p.body, "name=\"version\"", "value");
    let p = holder
        .post(
            &format!("{claim}/step"),
            &[("action", "withdraw"), ("version", &version)],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let r = holder.get(&p.location.unwrap()).await;
    assert!(r.body.contains("Your claim is withdrawn."), "{}", r.body);
    let p = holder.post("/records/claims", &full).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let claim = p
        .location
        .unwrap()
        .trim_end_matches("?done=submitted")
        .to_string();

    // Nobody else sees it: another holder, the employer, another city's officer.
    let (mut jean, _) = Browser::sign_in(&srv, "jean").await;
    assert_eq!(jean.get(&claim).await.status, StatusCode::NOT_FOUND);
    assert_eq!(hr.get(&claim).await.status, StatusCode::FORBIDDEN);
    assert_eq!(hr.get("/claims").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        jean.get("/employer/employees").await.status,
        StatusCode::FORBIDDEN
    );
    let (mut labour, _) = Browser::sign_in(&srv, "officer.beijing").await;
    assert_eq!(labour.get("/claims").await.status, StatusCode::FORBIDDEN);

    // The social security officer of Beijing: the queue, the statement, the decision.
    let (mut social, _) = Browser::sign_in(&srv, "social.beijing").await;
    let ins = social.get("/insurance").await;
    assert!(ins.body.contains("href=\"/claims\""));
    let q = social.get("/claims").await;
    assert_eq!(q.status, StatusCode::OK, "{}", q.body);
    let waiting =
        &q.body[q.body.find("id=\"waiting\"").unwrap()..q.body.find("id=\"decided\"").unwrap()];
    assert!(waiting.contains(&format!("href=\"{claim}\"")), "{}", q.body);
    assert!(
        q.body.contains("withdrawn"),
        "the withdrawn one is among the decided"
    );
    let p = social.get(&claim).await;
    assert!(p.body.contains("id=\"approve\"") && p.body.contains("id=\"refuse\""));
    assert!(
        p.body.contains(&format!("{:.2}", jan + feb)),
        "the statement in view"
    );
    let version = attr_after(&p.body, "name=\"version\"", "value");
    let step = format!("{claim}/step");
    let p = social
        .post(
            &step,
            &[
                ("action", "approve"),
                ("version", &version),
                ("amount", "0"),
                ("account", ""),
                ("reference", "R-1"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("id=\"amount-error\""), "{}", p.body);
    assert!(p.body.contains("id=\"account-error\""), "{}", p.body);
    assert!(p.body.contains("value=\"R-1\""), "the value sent is kept");
    let p = social
        .post(
            &step,
            &[
                ("action", "approve"),
                ("version", &version),
                ("amount", "4200.50"),
                ("account", "DE89 3704 0044 0532 0130 00"),
                ("reference", "BJ-2026-0042"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let p = social.get(&p.location.unwrap()).await;
    assert!(p.body.contains("The claim is approved"), "{}", p.body);
    assert!(p.body.contains("BJ-2026-0042") && p.body.contains("4200.50"));
    assert!(!p.body.contains("id=\"approve\""), "decided once");
    // An old version is refused as changed, on the page.
    let p = social
        .post(
            &step,
            &[
                ("action", "refuse"),
                ("version", &version),
                ("items", "late"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::CONFLICT, "{}", p.body);

    // The holder's records: approved, paid, the insurance record closed; the employer can no
    // longer declare.
    let r = holder.get("/records").await;
    assert!(
        r.body.contains("4200.50 yuan, reference BJ-2026-0042"),
        "{}",
        r.body
    );
    assert!(r.body.contains("Record closed"), "{}", r.body);
    let p = hr.get(&page).await;
    assert!(
        p.body.contains("The insurance record is closed"),
        "{}",
        p.body
    );

    for path in ["/records", claim.as_str()] {
        renders_in_both(&mut holder, path).await;
    }
    for path in ["/claims", claim.as_str()] {
        renders_in_both(&mut social, path).await;
    }
    for path in ["/employer/employees", page.as_str()] {
        renders_in_both(&mut hr, path).await;
    }
    let zh = {
        holder.lang = Some("zh-CN");
        let r = holder.get("/records").await;
        holder.lang = None;
        r
    };
    assert!(
        zh.body.contains("个人养老保险账户一次性退还"),
        "{}",
        zh.body
    );
    assert!(zh.body.contains("参保关系终止"), "{}", zh.body);
    srv.stop().await;
}

on_both!(
    employer_declares_and_the_holder_claims,
    sqlite_employer_declares_and_the_holder_claims,
    postgres_employer_declares_and_the_holder_claims
);

/// The employees list marks what expires within 90 days, with the date.
async fn deadlines_marked(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let officer = srv.sign_in("officer.beijing").await;
    let app = submit_new(&hr).await;
    // A permit of 60 days from today expires within 90.
    let today = SystemClock.today();
    let mut grant = grant_b();
    grant["valid_from"] = serde_json::json!(today.to_string());
    grant["valid_to"] = serde_json::json!((today + chrono::Days::new(60)).to_string());
    let approved = approve(&officer, &app, grant).await;
    assert_eq!(approved["state"], "approved", "{approved}");
    let (mut b, _) = Browser::sign_in(&srv, "hr").await;
    let list = b.get("/employer/employees").await;
    let until = (today + chrono::Days::new(60)).to_string();
    assert!(
        list.body.contains(&format!("Permit ends {until}")),
        "{}",
        list.body
    );
    assert!(list.body.contains("class=\"attention\""));

    // A visa immigration records for Jean shows on his records, in both languages.
    let immigration = srv.sign_in("immigration.beijing").await;
    let jean = person_id(&hr, "DUPONT").await;
    let (s, v) = immigration
        .post(
            &format!("/api/v1/people/{jean}/visas"),
            serde_json::json!({
                "visa_number": "E12345678", "visa_category": "Z",
                "issuing_post": "Embassy in Paris",
                "issued_on": (today - chrono::Days::new(30)).to_string(),
                "valid_until": (today + chrono::Days::new(60)).to_string(),
                "entries": "multiple", "stay_days": 30
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (mut holder, _) = Browser::sign_in(&srv, "jean").await;
    let r = holder.get("/records").await;
    assert!(r.body.contains("E12345678"), "{}", r.body);
    assert!(r.body.contains("multiple entries, 30 days"), "{}", r.body);
    assert!(
        r.body.contains("href=\"/records#visas\""),
        "the visa's notice links here"
    );
    holder.lang = Some("zh-CN");
    let r = holder.get("/records").await;
    assert!(r.body.contains("E12345678"));
    assert!(!r.body.contains(">visa-"), "translated: {}", r.body);
    assert!(
        list.body
            .contains("Something expires within 90 days for 2 of them.")
    );
    srv.stop().await;
}

on_both!(
    deadlines_marked,
    sqlite_deadlines_marked,
    postgres_deadlines_marked
);
