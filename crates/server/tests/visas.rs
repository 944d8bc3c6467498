//! Visas over HTTP on both databases: immigration records one, the holder finds it in their
//! records and is told; bad input, other roles, other cities and duplicates are refused with
//! nothing written; the page's form, with and without its CSRF token, in both languages.

#[macro_use]
mod common;
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::clock::{Clock, SystemClock};

fn today() -> chrono::NaiveDate {
    SystemClock.today()
}

fn days(n: u64) -> String {
    (today() + chrono::Days::new(n)).to_string()
}

/// A valid visa, issued a month ago, valid until `until`.
fn visa(number: &str, until: &str) -> Value {
    json!({
        "visa_number": number, "visa_category": "Z",
        "issuing_post": "Consulate-General in Frankfurt",
        "issued_on": (today() - chrono::Days::new(30)).to_string(),
        "valid_until": until, "entries": "single", "stay_days": 30,
        "remarks": "Entry via Beijing Capital Airport"
    })
}

/// Jean holds a work permit of Beijing; Anna holds nothing yet.
async fn people(srv: &TestServer) -> (String, String) {
    let hr = srv.sign_in("hr").await;
    (
        person_id(&hr, "DUPONT").await,
        person_id(&hr, "MÜLLER").await,
    )
}

async fn stored(srv: &TestServer, person: &str) -> usize {
    let mut tx = srv.store.begin_read().await.unwrap();
    tx.visas_of(domain::ids::PersonId(person.parse().unwrap()))
        .await
        .unwrap()
        .len()
}

async fn audited(srv: &TestServer, person: &str) -> usize {
    let mut tx = srv.store.begin_read().await.unwrap();
    tx.audit_of(person)
        .await
        .unwrap()
        .iter()
        .filter(|p| p.contains("visa.recorded"))
        .count()
}

fn next_step<'a>(records: &'a Value, code: &str) -> Option<&'a Value> {
    records["next_steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
}

async fn recorded_and_shown_in_the_records(srv: TestServer) {
    let (jean, anna) = people(&srv).await;
    let immigration = srv.sign_in("immigration.beijing").await;
    let path = format!("/api/v1/people/{jean}/visas");

    // A visa that ends in three weeks: Jean has no residence permit, so he is told to apply.
    let (s, v) = immigration
        .post(&path, visa(" e1234 5678 ", &days(21)))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["visa_number"], "E12345678");
    assert_eq!(v["visa_category"], "Z");
    assert_eq!(v["issuing_post"], "Consulate-General in Frankfurt");
    assert_eq!(v["valid_until"], days(21));
    assert_eq!(v["entries"], "single");
    assert_eq!(v["stay_days"], 30);
    assert_eq!(v["remarks"], "Entry via Beijing Capital Airport");
    assert_eq!(v["valid_today"], true);
    assert_eq!(v["city"], "110000");
    assert_eq!(v["person_id"], jean.as_str());
    assert_eq!(stored(&srv, &jean).await, 1);
    assert_eq!(audited(&srv, &jean).await, 1);

    let mut holder = srv.sign_in("jean").await;
    let (s, r) = holder.get("/api/v1/records").await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["visas"].as_array().unwrap().len(), 1, "{r}");
    assert_eq!(r["visas"][0]["visa_number"], "E12345678");
    let step = next_step(&r, "visa_expiring").expect("the visa_expiring step");
    assert_eq!(step["link"], "/residence");
    let msg = step["message"].as_str().unwrap();
    assert!(
        msg.contains("E12345678") && msg.contains(&days(21)),
        "{msg}"
    );
    // Told, in the inbox.
    let notice = r["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["topic"] == "visa_recorded")
        .expect("the holder is told");
    assert_eq!(notice["title"], "Visa E12345678 recorded");
    holder.lang = Some("zh-CN".into());
    let (_, r) = holder.get("/api/v1/records").await;
    let msg = next_step(&r, "visa_expiring").unwrap()["message"]
        .as_str()
        .unwrap();
    assert!(msg.contains("签证E12345678"), "{msg}");
    holder.lang = None;

    // A newer visa that runs a year: the current one, no step any more; newest first.
    let (s, v) = immigration.post(&path, visa("E87654321", &days(365))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, r) = holder.get("/api/v1/records").await;
    assert_eq!(r["visas"].as_array().unwrap().len(), 2);
    assert!(next_step(&r, "visa_expiring").is_none(), "{r}");

    // Read by the holder, his employer and immigration of Beijing; not by another holder.
    for who in ["jean", "hr", "immigration.beijing"] {
        let c = srv.sign_in(who).await;
        let (s, list) = c.get(&path).await;
        assert_eq!(s, StatusCode::OK, "{who}: {list}");
        assert_eq!(list.as_array().unwrap().len(), 2, "{who}");
    }
    let (s, e) = srv.sign_in("anna").await.get(&path).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("person_not_found"))
    );
    let (s, e) = srv.sign_in("officer.beijing").await.get(&path).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("role_not_allowed"))
    );
    // Anna's list is empty, and her records have no visa.
    let (_, r) = srv.sign_in("anna").await.get("/api/v1/records").await;
    assert_eq!(r["visas"], json!([]));
    assert_eq!(stored(&srv, &anna).await, 0);
    // The number is sealed at rest, and the audit record does not copy it.
    assert_sealed_at_rest(&srv, &["E12345678"]).await;
    srv.stop().await;
}
on_both!(
    recorded_and_shown_in_the_records,
    sqlite_recorded_and_shown_in_the_records,
    postgres_recorded_and_shown_in_the_records
);

fn errors(body: &Value) -> Vec<(String, String)> {
    match body["errors"].as_array() {
        Some(list) => list
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().unwrap().to_string(),
                    e["code"].as_str().unwrap().to_string(),
                )
            })
            .collect(),
        None => vec![(
            body["field"].as_str().unwrap_or_default().to_string(),
            body["code"].as_str().unwrap().to_string(),
        )],
    }
}

async fn bad_input_is_refused_naming_field_and_rule(srv: TestServer) {
    let (jean, _) = people(&srv).await;
    let mut immigration = srv.sign_in("immigration.beijing").await;
    let path = format!("/api/v1/people/{jean}/visas");

    let (s, e) = immigration
        .post(
            &path,
            json!({
                "visa_number": "E12-34", "visa_category": "Y", "issuing_post": "",
                "issued_on": days(1), "valid_until": "2020-01-01", "entries": "often",
                "stay_days": 181, "remarks": "x".repeat(501)
            }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let mut got = errors(&e);
    got.sort();
    let mut want: Vec<(String, String)> = [
        ("visa_number", "visa_number_format"),
        ("visa_category", "visa_category_value"),
        ("issuing_post", "required"),
        ("entries", "visa_entries_value"),
        ("stay_days", "visa_stay_days_range"),
        ("remarks", "too_long"),
        ("issued_on", "visa_issued_in_future"),
        ("valid_until", "visa_valid_until_before_issue"),
    ]
    .iter()
    .map(|(f, c)| (f.to_string(), c.to_string()))
    .collect();
    want.sort();
    assert_eq!(got, want, "{e}");
    // Every message names its field.
    for m in e["errors"].as_array().unwrap() {
        assert!(m["message"].as_str().unwrap().contains(": "), "{m}");
    }

    // One rule at a time, each in the caller's language.
    let mut one = visa("E12345678", &days(90));
    one["valid_until"] = json!((today() - chrono::Days::new(31)).to_string());
    let (s, e) = immigration.post(&path, one.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (e["field"].as_str(), e["code"].as_str()),
        (Some("valid_until"), Some("visa_valid_until_before_issue"))
    );
    assert!(
        e["message"].as_str().unwrap().starts_with("Valid until: "),
        "{e}"
    );
    immigration.lang = Some("zh-CN".into());
    let (_, e) = immigration.post(&path, one).await;
    assert!(
        e["message"].as_str().unwrap().starts_with("有效期至："),
        "{e}"
    );
    immigration.lang = None;
    let mut zero = visa("E12345678", &days(90));
    zero["stay_days"] = json!(0);
    let (s, e) = immigration.post(&path, zero).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("visa_stay_days_range")
        )
    );
    let mut long = visa("E12345678", &days(90));
    long["valid_until"] = json!(days(365 * 11));
    let (s, e) = immigration.post(&path, long).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("visa_validity_too_long")
        )
    );
    let mut unknown = visa("E12345678", &days(90));
    unknown["colour"] = json!("red");
    let (s, e) = immigration.post(&path, unknown).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("unknown_field")),
        "{e}"
    );
    assert_eq!(e["field"], "colour");
    let (s, e) = immigration.post(&path, json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(errors(&e).len(), 7, "all but the remarks are required: {e}");

    // Nothing written, nothing audited, nobody told.
    assert_eq!(stored(&srv, &jean).await, 0);
    assert_eq!(audited(&srv, &jean).await, 0);
    let (_, r) = srv.sign_in("jean").await.get("/api/v1/records").await;
    assert!(
        r["messages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["topic"] != "visa_recorded"),
        "{r}"
    );
    srv.stop().await;
}
on_both!(
    bad_input_is_refused_naming_field_and_rule,
    sqlite_bad_input_is_refused_naming_field_and_rule,
    postgres_bad_input_is_refused_naming_field_and_rule
);

async fn other_roles_and_cities_are_refused(srv: TestServer) {
    let (jean, anna) = people(&srv).await;
    let admin = srv.sign_in("admin").await;
    let (s, a) = admin
        .post(
            "/api/v1/accounts",
            json!({ "username": "immigration.shanghai", "display_name": "Exit-Entry Bureau, Shanghai",
                    "password": DEMO_PASSWORD, "role": "immigration_officer", "city": "310000" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let path = format!("/api/v1/people/{jean}/visas");
    let body = visa("E12345678", &days(90));

    for (who, status, code) in [
        (
            "officer.beijing",
            StatusCode::FORBIDDEN,
            "immigration_officer_only",
        ),
        ("hr", StatusCode::FORBIDDEN, "immigration_officer_only"),
        ("jean", StatusCode::FORBIDDEN, "immigration_officer_only"),
        (
            "social.beijing",
            StatusCode::FORBIDDEN,
            "immigration_officer_only",
        ),
        ("admin", StatusCode::FORBIDDEN, "immigration_officer_only"),
        // Shanghai has no business with Jean: as if he did not exist.
        (
            "immigration.shanghai",
            StatusCode::NOT_FOUND,
            "person_not_found",
        ),
    ] {
        let c = srv.sign_in(who).await;
        let (s, e) = c.post(&path, body.clone()).await;
        assert_eq!((s, e["code"].as_str()), (status, Some(code)), "{who}: {e}");
        if who == "immigration.shanghai" {
            let (s, e) = c.get(&path).await;
            assert_eq!((s, e["code"].as_str()), (status, Some(code)), "{who}: {e}");
        }
    }
    let (s, _) = srv.client().post(&path, body.clone()).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Beijing has no business with Anna, who holds nothing there yet; nobody at all is missing.
    let immigration = srv.sign_in("immigration.beijing").await;
    let (s, e) = immigration
        .post(&format!("/api/v1/people/{anna}/visas"), body.clone())
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("person_not_found"))
    );
    let missing = uuid::Uuid::now_v7();
    let (s, e) = immigration
        .post(&format!("/api/v1/people/{missing}/visas"), body.clone())
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("person_not_found"))
    );
    assert_eq!(stored(&srv, &jean).await, 0);
    assert_eq!(stored(&srv, &anna).await, 0);

    // Immigration of Beijing, which has business with Jean (his work permit), may.
    let (s, r) = immigration.post(&path, body).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    srv.stop().await;
}
on_both!(
    other_roles_and_cities_are_refused,
    sqlite_other_roles_and_cities_are_refused,
    postgres_other_roles_and_cities_are_refused
);

async fn a_duplicate_number_is_refused(srv: TestServer) {
    let (jean, _) = people(&srv).await;
    let immigration = srv.sign_in("immigration.beijing").await;
    let path = format!("/api/v1/people/{jean}/visas");
    let (s, v) = immigration.post(&path, visa("E12345678", &days(90))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // The same number as typed differently is the same number.
    let (s, e) = immigration
        .post(&path, visa("e1234 5678", &days(120)))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["code"], "visa_duplicate");
    assert_eq!(
        e["message"], "this person already has a visa with this number.",
        "{e}"
    );
    assert_eq!(stored(&srv, &jean).await, 1);
    assert_eq!(audited(&srv, &jean).await, 1);
    srv.stop().await;
}
on_both!(
    a_duplicate_number_is_refused,
    sqlite_a_duplicate_number_is_refused,
    postgres_a_duplicate_number_is_refused
);

fn form(number: &str, until: &str) -> Vec<(&'static str, String)> {
    vec![
        ("visa_number", number.to_string()),
        ("visa_category", "Z".to_string()),
        ("issuing_post", "Consulate-General in Frankfurt".to_string()),
        ("issued_on", (today() - chrono::Days::new(30)).to_string()),
        ("valid_until", until.to_string()),
        ("entries", "multiple".to_string()),
        ("stay_days", "90".to_string()),
        ("remarks", String::new()),
    ]
}

async fn post_form(b: &mut Browser, path: &str, fields: &[(&str, String)]) -> Page {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post(path, &refs).await
}

async fn the_page_records_a_visa(srv: TestServer) {
    let (jean, _) = people(&srv).await;
    let hr = srv.sign_in("hr").await;
    let (mut immigration, _) = Browser::sign_in(&srv, "immigration.beijing").await;
    let page = format!("/people/{jean}/visas");

    // Reachable from the residence case of the person.
    let (s, r) = hr
        .post(
            "/api/v1/residence-applications",
            json!({ "permit_number": jean_permit(&srv).await,
                    "role_at_employer": "other", "requested_months": 12 }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let case = immigration
        .get(&format!(
            "/immigration/residence/{}",
            r["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(case.status, StatusCode::OK);
    assert!(
        case.body.contains(&format!("href=\"{page}\"")),
        "no link to the visas"
    );

    let p = immigration.get(&page).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("DUPONT Jean"));
    assert!(p.body.contains(&format!("action=\"{page}\"")));
    assert!(p.body.contains("name=\"csrf\""));
    assert!(p.body.contains("No visa recorded."));

    // Without the token: refused, nothing written.
    let mut fields = form("E12345678", &days(400));
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let p = immigration.post_raw(&page, &refs).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let mut wrong = vec![("csrf", "0".repeat(43))];
    wrong.extend(fields.iter().map(|(k, v)| (*k, v.clone())));
    let refs: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let p = immigration.post_raw(&page, &refs).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert_eq!(stored(&srv, &jean).await, 0);

    // With it: recorded, and shown.
    let p = post_form(&mut immigration, &page, &fields).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(
        p.location.as_deref(),
        Some(format!("{page}?done=recorded").as_str())
    );
    let p = immigration.get(&format!("{page}?done=recorded")).await;
    assert!(
        p.body
            .contains("The visa is recorded; the holder has been told.")
    );
    assert!(p.body.contains("E12345678"));
    assert!(p.body.contains("Z — work"));
    assert!(p.body.contains("multiple entries"));
    assert_eq!(stored(&srv, &jean).await, 1);

    // Bad input comes back on the form, each error by its field, in the viewer's language.
    fields[0].1 = "E1".into();
    fields[6].1 = "365".into();
    let p = post_form(&mut immigration, &page, &fields).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("id=\"error-summary\""));
    assert!(
        p.body
            .contains("Visa number: must be 8 to 12 capital letters and digits"),
        "{}",
        p.body
    );
    assert!(
        p.body.contains(
            "Duration of each stay (days): must be a whole number of days from 1 to 180."
        )
    );
    assert!(
        p.body.contains("value=\"E1\""),
        "the form keeps what was sent"
    );
    immigration.lang = Some("zh-CN");
    let p = post_form(&mut immigration, &page, &fields).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body.contains("签证号码：应为 8 至 12 位大写字母和数字"),
        "{}",
        p.body
    );
    assert!(
        p.body
            .contains("每次停留期（天）：必须是 1 至 180 之间的整天数。")
    );
    immigration.lang = None;

    // A number recorded already: the conflict is shown at the number.
    let fields = form("E12345678", &days(400));
    let p = post_form(&mut immigration, &page, &fields).await;
    assert_eq!(p.status, StatusCode::CONFLICT);
    assert!(
        p.body
            .contains("Visa number: this person already has a visa with this number."),
        "{}",
        p.body
    );
    assert_eq!(stored(&srv, &jean).await, 1);

    // Another role may not record one through the page; the holder sees the list, no form.
    let (mut labour, _) = Browser::sign_in(&srv, "officer.beijing").await;
    let fields = form("E99999999", &days(400));
    let p = post_form(&mut labour, &page, &fields).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let (mut holder, _) = Browser::sign_in(&srv, "jean").await;
    let p = holder.get(&page).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("E12345678"));
    assert!(!p.body.contains("name=\"visa_number\""));
    let p = post_form(&mut holder, &page, &fields).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert_eq!(stored(&srv, &jean).await, 1);
    srv.stop().await;
}
on_both!(
    the_page_records_a_visa,
    sqlite_the_page_records_a_visa,
    postgres_the_page_records_a_visa
);

async fn jean_permit(srv: &TestServer) -> String {
    let (s, permits) = srv.sign_in("jean").await.get("/api/v1/permits").await;
    assert_eq!(s, StatusCode::OK, "{permits}");
    permits[0]["number"].as_str().unwrap().to_string()
}

async fn the_page_in_both_languages(srv: TestServer) {
    let (jean, _) = people(&srv).await;
    let immigration = srv.sign_in("immigration.beijing").await;
    let (s, v) = immigration
        .post(
            &format!("/api/v1/people/{jean}/visas"),
            visa("E12345678", &days(90)),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (mut b, _) = Browser::sign_in(&srv, "immigration.beijing").await;
    let page = format!("/people/{jean}/visas");
    for (lang, tag, words) in [
        (
            "en",
            "en",
            [
                "Visas of DUPONT Jean",
                "Record a visa",
                "Z — work",
                "single entry",
            ],
        ),
        (
            "zh-CN",
            "zh-CN",
            ["DUPONT Jean的签证", "录入签证", "Z字——工作", "一次入境"],
        ),
    ] {
        b.lang = Some(lang);
        let p = b.get(&page).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        assert!(p.body.contains(&format!("<html lang=\"{tag}\">")));
        assert_eq!(p.body.matches("<h1").count(), 1);
        for w in words {
            assert!(p.body.contains(w), "{w} not on the page in {lang}");
        }
        for raw in [">visa-", " visa-status", ">field-", ">error-", "\"visa-"] {
            assert!(!p.body.contains(raw), "{raw} untranslated in {lang}");
        }
    }
    // The language cookie wins over the header, as the switch sets it.
    b.lang = Some("en");
    b.cookies.insert("lang".into(), "zh".into());
    let p = b.get(&page).await;
    assert!(p.body.contains("<html lang=\"zh-CN\">"));
    assert!(p.body.contains("录入签证"));
    srv.stop().await;
}
on_both!(
    the_page_in_both_languages,
    sqlite_the_page_in_both_languages,
    postgres_the_page_in_both_languages
);
