//! The one-stop service through its pages, as a browser without JavaScript uses them: the
//! employer submits both permits at once, immigration and labour decide, the holder books a
//! time to collect, immigration hands the permit over; social insurance from request to a
//! replacement card; refusals for other roles; both languages.

#[macro_use]
mod common;
use common::*;
use reqwest::StatusCode;
use server::clock::{Clock, SystemClock};

fn today() -> chrono::NaiveDate {
    SystemClock.today()
}

/// The value of the `attr` attribute of the first tag after `marker`.
fn attr_after(body: &str, marker: &str, attr: &str) -> String {
    let at = body
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not on the page"));
    let rest = &body[at..];
    let key = format!("{attr}=\"");
    let start = rest.find(&key).expect("attribute") + key.len();
    rest[start..]
        .split('"')
        .next()
        .expect("closing quote")
        .replace("&amp;", "&")
        .replace("&#38;", "&")
        .replace("&#x3d;", "=")
}

/// The first link on the page that starts with `prefix`.
fn link(body: &str, prefix: &str) -> String {
    let key = format!("href=\"{prefix}");
    let at = body
        .find(&key)
        .unwrap_or_else(|| panic!("no link to {prefix}"));
    body[at + 6..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
        .replace("&#38;", "&")
        .replace("&#x3d;", "=")
}

/// The id of the person whose `<option>` label starts with `name`.
fn option_for(body: &str, name: &str) -> String {
    let label = format!("\">{name}");
    let end = body.find(&label).expect("the person among the options");
    let start = body[..end].rfind("value=\"").expect("option value") + 7;
    body[start..end].to_string()
}

/// Every page of a signed-in user renders once with one h1, in both languages, with no message
/// key left untranslated.
async fn renders_in_both(b: &mut Browser, path: &str) {
    for (lang, tag) in [("en", "en"), ("zh-CN", "zh-CN")] {
        b.lang = Some(lang);
        let p = b.get(path).await;
        assert_eq!(p.status, StatusCode::OK, "{path} in {lang}: {}", p.body);
        assert!(p.body.contains(&format!("<html lang=\"{tag}\">")), "{path}");
        assert_eq!(p.body.matches("<h1").count(), 1, "one h1 on {path}");
        assert!(!p.body.contains("<script"), "no script on {path}");
        for raw in [">os-", " os-", "case-state-", ">error-", ">field-"] {
            assert!(
                !p.body.contains(raw),
                "{raw} untranslated on {path} in {lang}"
            );
        }
    }
    b.lang = None;
}

/// Takes a step on a residence application's page; returns the response.
async fn rstep(b: &mut Browser, url: &str, action: &str, extra: &[(&str, &str)]) -> Page {
    let page = b.get(url).await;
    let version = attr_after(&page.body, "name=\"version\"", "value");
    let mut fields = vec![("action", action), ("version", version.as_str())];
    fields.extend_from_slice(extra);
    b.post(&format!("{url}/step"), &fields).await
}

/// A labour officer's step on a work application's page.
async fn labour_step(b: &mut Browser, url: &str, action: &str, extra: &[(&str, &str)]) -> Page {
    let page = b.get(url).await;
    let version = attr_after(&page.body, "name=\"version\"", "value");
    let mut fields = vec![("action", action), ("version", version.as_str())];
    fields.extend_from_slice(extra);
    b.post(&format!("{url}/transition"), &fields).await
}

/// The booking page of the first day from tomorrow on which the office has free times.
async fn next_open_day(anna: &mut Browser, booking: &str) -> Page {
    for d in 1..15 {
        let day = today() + chrono::Days::new(d);
        let p = anna.get(&format!("{booking}&date={day}")).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        // A closed day's page still has the form that picks another day: look for times.
        if !slots(&p.body).is_empty() {
            return p;
        }
    }
    panic!("no open day in two weeks");
}

/// Posts a form whose values are owned strings.
async fn post_owned(b: &mut Browser, path: &str, fields: &[(&str, String)]) -> Page {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post(path, &refs).await
}

/// The hidden `slot` values of the booking forms on a page, in order.
fn slots(body: &str) -> Vec<String> {
    body.split("name=\"slot\" value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect()
}

async fn one_stop_through_the_pages(srv: TestServer) {
    let (mut hr, _) = Browser::sign_in(&srv, "hr").await;
    let (mut labour, _) = Browser::sign_in(&srv, "officer.beijing").await;
    let (mut immigration, home) = Browser::sign_in(&srv, "immigration.beijing").await;
    assert_eq!(home, "/immigration");
    let (mut anna, _) = Browser::sign_in(&srv, "anna").await;

    // The employer asks for both permits in one submission.
    let form = hr.get("/employer/applications/new").await;
    assert!(form.body.contains("name=\"one_stop\" value=\"on\""));
    assert!(form.body.contains("<label for=\"residence_role\">"));
    let person = option_for(&form.body, "MÜLLER Anna");
    let mut fields = vec![
        ("kind", "new"),
        ("person_id", person.as_str()),
        ("position", "Data Scientist"),
        ("annual_salary", "480000"),
        ("contract_start", "2027-01-01"),
        ("contract_end", "2029-12-31"),
        ("requested_category", "B"),
        ("one_stop", "on"),
        ("residence_role", "chief"),
        ("residence_months", "99"),
        ("submit", "true"),
    ];
    // A bad residence request is shown at its fields, and nothing is made.
    let records = audit_records(&srv).await;
    let p = hr.post("/employer/applications/new", &fields).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("id=\"residence_role-error\""), "{}", p.body);
    assert!(p.body.contains("id=\"residence_months-error\""));
    assert!(p.body.contains("must be between 3 and 60."));
    assert_eq!(audit_records(&srv).await, records);
    fields[8] = ("residence_role", "other");
    fields[9] = ("residence_months", "24");
    let p = hr.post("/employer/applications/new", &fields).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let work_url = p.location.unwrap();
    let home = hr.get("/employer").await;
    assert!(home.body.contains("href=\"/residence/applications/"));

    // Immigration finds it in its queue, with its deadline, and decides it.
    renders_in_both(&mut immigration, "/immigration").await;
    let queue = immigration.get("/immigration?state=submitted").await;
    assert!(queue.body.contains("MÜLLER Anna"));
    assert!(queue.body.contains(">Due<"));
    let url = link(&queue.body, "/immigration/residence/");
    renders_in_both(&mut immigration, &url).await;
    let page = immigration.get(&url).await;
    assert!(page.body.contains("decided together with this application"));
    assert!(page.body.contains("href=\"/verify\""));
    let p = rstep(&mut immigration, &url, "start_review", &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert!(
        immigration
            .get(&p.location.unwrap())
            .await
            .body
            .contains("Done: Start review.")
    );
    // No approval before the passport was seen; the form says so and nothing changes.
    let page = immigration.get(&url).await;
    let from = attr_after(&page.body, "id=\"approve-valid_from\"", "value");
    let to = attr_after(&page.body, "id=\"approve-valid_to\"", "value");
    assert_eq!(from, today().to_string());
    assert!(page.body.contains("standard: not past"), "the rule's limit");
    let approve = [("valid_from", from.as_str()), ("valid_to", to.as_str())];
    let p = rstep(&mut immigration, &url, "approve", &approve).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(
        p.body
            .contains("must be inspected on site before approval.")
    );
    let p = rstep(&mut immigration, &url, "inspect_passport", &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = immigration.get(&url).await;
    assert!(
        page.body
            .contains("The passport was handed back to the holder.")
    );
    // Too short a period is shown at its field.
    let short = (today() + chrono::Days::new(30)).to_string();
    let p = rstep(
        &mut immigration,
        &url,
        "approve",
        &[("valid_from", from.as_str()), ("valid_to", short.as_str())],
    )
    .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body
            .contains("id=\"approve-valid_to-error\">Valid to: must give at least 90 days.")
    );
    assert!(
        p.body.contains(&format!("value=\"{short}\"")),
        "values are kept"
    );
    let p = rstep(&mut immigration, &url, "approve", &approve).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = immigration.get(&url).await;
    assert!(page.body.contains("state-joint-pending"));

    // Labour approves through its own pages: both permits are issued together.
    for action in ["pass_pre_review", "accept", "start_review"] {
        let p = labour_step(&mut labour, &work_url, action, &[]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{action}: {}", p.body);
    }
    let page = labour.get(&work_url).await;
    let wfrom = attr_after(&page.body, "id=\"approve-valid_from\"", "value");
    let wto = attr_after(&page.body, "id=\"approve-valid_to\"", "value");
    let p = labour_step(
        &mut labour,
        &work_url,
        "approve",
        &[
            ("category", "B"),
            ("valid_from", &wfrom),
            ("valid_to", &wto),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = immigration.get(&url).await;
    assert!(page.body.contains("state-approved"));
    assert!(page.body.contains("Issued with the work permit"));
    let permit_url = link(&page.body, "/immigration/permits/");

    // Jean sees nothing of it; Anna sees her permit waiting and books a time to collect it.
    let (mut jean, _) = Browser::sign_in(&srv, "jean").await;
    let anna_url = url.replace("/immigration/residence/", "/residence/applications/");
    assert_eq!(jean.get(&anna_url).await.status, StatusCode::NOT_FOUND);
    assert_eq!(anna.get(&anna_url).await.status, StatusCode::OK);
    renders_in_both(&mut anna, "/residence").await;
    let me = anna.get("/me").await;
    assert!(me.body.contains("href=\"/residence\""));
    let home = anna.get("/residence").await;
    assert!(home.body.contains("waits to be collected"));
    let booking = link(
        &home.body,
        "/appointments/new?purpose=collect_residence_permit",
    );
    assert!(booking.contains("&office="), "{booking}");
    renders_in_both(&mut anna, &booking).await;
    let day = next_open_day(&mut anna, &booking).await;
    let times = slots(&day.body);
    assert!(times.len() >= 3, "{times:?}");
    let office = attr_after(&day.body, "name=\"office_id\"", "value");
    let subject = attr_after(&day.body, "name=\"subject_id\"", "value");
    let book = |slot: String| {
        vec![
            ("office_id", office.clone()),
            ("slot", slot),
            ("purpose", "collect_residence_permit".to_string()),
            ("subject_id", subject.clone()),
        ]
    };
    // A closed day and a full time give a clear message and change nothing.
    let mut sunday = today() + chrono::Days::new(1);
    while chrono::Datelike::weekday(&sunday) != chrono::Weekday::Sun {
        sunday = sunday + chrono::Days::new(1);
    }
    let records = audit_records(&srv).await;
    let p = post_owned(
        &mut anna,
        "/appointments/new",
        &book(format!("{sunday}T09:00")),
    )
    .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("the office is closed on"), "{}", p.body);
    let full = times[1].clone();
    {
        let office_id = domain::ids::OfficeId(uuid::Uuid::parse_str(&office).unwrap());
        let mut tx = srv.store.begin().await.unwrap();
        // Everyone else takes the places of that time.
        while tx.take_place(office_id, &full, 10).await.unwrap() {}
        tx.commit().await.unwrap();
    }
    let p = post_owned(&mut anna, "/appointments/new", &book(full.clone())).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(
        p.body.contains("this time is full; choose another."),
        "{}",
        p.body
    );
    assert_eq!(audit_records(&srv).await, records, "nothing was written");
    let day = anna.get(&format!("{booking}&date={}", &full[..10])).await;
    assert!(day.body.contains(">full<"), "the full time is marked");

    let p = post_owned(&mut anna, "/appointments/new", &book(times[0].clone())).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(p.location.as_deref(), Some("/residence?done=booked"));
    let home = anna.get("/residence?done=booked").await;
    assert!(home.body.contains("The appointment is booked."));
    let move_action = link(&home.body, "/appointments/new?office=");
    assert!(move_action.contains("&move="));
    let appt = move_action.split("&move=").nth(1).unwrap().to_string();
    // A malformed time is shown at the move form's field; a good one moves the booking.
    let p = anna
        .post(&format!("/appointments/{appt}/move"), &[("slot", "soon")])
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body.contains(&format!("id=\"move-{appt}-slot-error\"")),
        "{}",
        p.body
    );
    let p = anna
        .post(
            &format!("/appointments/{appt}/move"),
            &[("slot", &times[2])],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let home = anna.get("/residence?done=moved").await;
    assert!(home.body.contains("The appointment is moved."));
    assert!(home.body.contains(&times[2].replace('T', " ")));

    // Immigration sees the booking at the office and hands the permit over.
    let queue = immigration.get("/immigration").await;
    let office_url = link(&queue.body, "/immigration/offices/");
    let office_day = format!(
        "{}?date={}",
        office_url.split('?').next().unwrap(),
        &times[2][..10]
    );
    renders_in_both(&mut immigration, &office_day).await;
    let page = immigration.get(&office_day).await;
    assert!(page.body.contains("MÜLLER Anna"));
    assert!(page.body.contains(&format!("href=\"{permit_url}\"")));
    renders_in_both(&mut immigration, &permit_url).await;
    let p = immigration
        .post(&format!("{permit_url}/collect"), &[])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = immigration.get(&p.location.unwrap()).await;
    assert!(
        page.body
            .contains("The holder has collected the residence permit.")
    );
    // Twice is a conflict, shown on the page.
    let p = immigration
        .post(&format!("{permit_url}/collect"), &[])
        .await;
    assert_eq!(p.status, StatusCode::CONFLICT);
    assert!(p.body.contains("already been collected"), "{}", p.body);
    let home = anna.get("/residence").await;
    assert!(home.body.contains("collected on"));
    assert!(home.body.contains(">attended<"));
    audit_records(&srv).await;
    srv.stop().await;
}
on_both!(
    one_stop_through_the_pages,
    sqlite_one_stop_through_the_pages,
    postgres_one_stop_through_the_pages
);

async fn insurance_through_the_pages(srv: TestServer) {
    let hr_api = srv.sign_in("hr").await;
    let labour_api = srv.sign_in("officer.beijing").await;
    let app = submit_new(&hr_api).await;
    let number = approve(&labour_api, &app, grant_b()).await["permit_number"]
        .as_str()
        .unwrap()
        .to_string();
    let (mut hr, _) = Browser::sign_in(&srv, "hr").await;
    let (mut social, home) = Browser::sign_in(&srv, "social.beijing").await;
    assert_eq!(home, "/insurance");
    let (mut anna, _) = Browser::sign_in(&srv, "anna").await;

    // The employer asks; bad input is shown at its field and makes nothing.
    renders_in_both(&mut hr, "/employer/insurance/new").await;
    let records = audit_records(&srv).await;
    let p = hr.post("/employer/insurance/new", &[]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body
            .contains("id=\"permit_number-error\">Work permit number: is required.")
    );
    let p = hr
        .post("/employer/insurance/new", &[("permit_number", "P123")])
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("id=\"permit_number-error\""));
    assert!(p.body.contains("value=\"P123\""));
    assert_eq!(audit_records(&srv).await, records);
    let p = hr
        .post("/employer/insurance/new", &[("permit_number", &number)])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let url = p.location.unwrap();
    assert!(url.starts_with("/insurance/"), "{url}");
    renders_in_both(&mut hr, &url).await;

    // The officer registers it after a refusal without reasons is turned back.
    renders_in_both(&mut social, "/insurance").await;
    let queue = social.get("/insurance").await;
    assert!(queue.body.contains(&format!("href=\"{url}\"")));
    assert!(queue.body.contains("MÜLLER Anna"));
    renders_in_both(&mut social, &url).await;
    let page = social.get(&url).await;
    let version = attr_after(&page.body, "name=\"version\"", "value");
    let p = social
        .post(
            &format!("{url}/decision"),
            &[
                ("decision", "refuse"),
                ("version", &version),
                ("items", " \n"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("id=\"items-error\""), "{}", p.body);
    let p = social
        .post(
            &format!("{url}/decision"),
            &[("decision", "register"), ("version", &version)],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = social.get(&p.location.unwrap()).await;
    assert!(page.body.contains("the social security number is created"));
    assert!(page.body.contains("S110000"));
    // The same decision on the old version: a conflict that says so.
    let p = social
        .post(
            &format!("{url}/decision"),
            &[("decision", "register"), ("version", &version)],
        )
        .await;
    assert_eq!(p.status, StatusCode::CONFLICT);
    assert!(p.body.contains("changed by someone else"), "{}", p.body);

    // The card through its states; the holder reports it lost; a replacement is made.
    for to in ["ready", "issued"] {
        let p = social.post(&format!("{url}/card"), &[("state", to)]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{to}: {}", p.body);
    }
    let p = anna
        .post(&format!("{url}/card"), &[("state", "cancelled")])
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let home = anna.get("/residence").await;
    assert!(home.body.contains("name=\"state\" value=\"reported_lost\""));
    let p = anna
        .post(&format!("{url}/card"), &[("state", "reported_lost")])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(
        p.location.as_deref(),
        Some("/residence?done=card_reported_lost")
    );
    let page = social.get(&url).await;
    assert!(page.body.contains("reported lost"));
    let p = social.post(&format!("{url}/replacement"), &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = social.get(&p.location.unwrap()).await;
    assert!(page.body.contains("Card no. 2"));
    assert!(page.body.contains("being made"));

    // A residence application alone on the permit, from the employer's form.
    renders_in_both(&mut hr, "/employer/residence/new").await;
    let p = hr
        .post(
            "/employer/residence/new",
            &[
                ("permit_number", &number),
                ("residence_role", "chief"),
                ("residence_months", "12"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("id=\"residence_role-error\""), "{}", p.body);
    let p = hr
        .post(
            "/employer/residence/new",
            &[
                ("permit_number", &number),
                ("residence_role", "professional"),
                ("residence_months", "12"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let case = p.location.unwrap();
    assert!(case.starts_with("/residence/applications/"), "{case}");
    renders_in_both(&mut hr, &case).await;
    renders_in_both(&mut hr, "/employer").await;
    let home = hr.get("/employer").await;
    assert!(home.body.contains(&format!("href=\"{case}\"")));
    assert!(home.body.contains(&format!("href=\"{url}\"")));
    audit_records(&srv).await;
    srv.stop().await;
}
on_both!(
    insurance_through_the_pages,
    sqlite_insurance_through_the_pages,
    postgres_insurance_through_the_pages
);

#[tokio::test]
async fn other_roles_are_refused_and_forms_need_the_token() {
    let srv = TestServer::sqlite().await;
    let nil = uuid::Uuid::nil();
    for (user, path, status) in [
        (
            "officer.beijing",
            "/immigration".to_string(),
            StatusCode::FORBIDDEN,
        ),
        ("anna", "/immigration".to_string(), StatusCode::FORBIDDEN),
        (
            "social.beijing",
            "/immigration".to_string(),
            StatusCode::FORBIDDEN,
        ),
        ("hr", "/insurance".to_string(), StatusCode::FORBIDDEN),
        (
            "immigration.beijing",
            "/insurance".to_string(),
            StatusCode::FORBIDDEN,
        ),
        (
            "immigration.beijing",
            format!("/insurance/{nil}"),
            StatusCode::FORBIDDEN,
        ),
        (
            "social.beijing",
            "/residence".to_string(),
            StatusCode::FORBIDDEN,
        ),
        ("hr", "/appointments/new".to_string(), StatusCode::FORBIDDEN),
        (
            "anna",
            "/employer/residence/new".to_string(),
            StatusCode::FORBIDDEN,
        ),
        (
            "officer.beijing",
            format!("/residence/applications/{nil}"),
            StatusCode::FORBIDDEN,
        ),
        (
            "anna",
            format!("/immigration/permits/{nil}"),
            StatusCode::FORBIDDEN,
        ),
        (
            "anna",
            format!("/residence/applications/{nil}"),
            StatusCode::NOT_FOUND,
        ),
        (
            "immigration.beijing",
            format!("/immigration/residence/{nil}"),
            StatusCode::NOT_FOUND,
        ),
        (
            "immigration.beijing",
            "/immigration/residence/not-an-id".to_string(),
            StatusCode::NOT_FOUND,
        ),
        (
            "immigration.beijing",
            format!("/immigration/permits/{nil}"),
            StatusCode::NOT_FOUND,
        ),
        (
            "immigration.beijing",
            format!("/immigration/offices/{nil}"),
            StatusCode::NOT_FOUND,
        ),
        (
            "social.beijing",
            format!("/insurance/{nil}"),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let (mut b, _) = Browser::sign_in(&srv, user).await;
        let p = b.get(&path).await;
        assert_eq!(p.status, status, "{user} on {path}");
    }
    // Without a session, to sign in.
    let mut anon = Browser::new(&srv);
    for path in [
        "/immigration",
        "/insurance",
        "/residence",
        "/appointments/new",
    ] {
        assert_eq!(anon.get(path).await.location.as_deref(), Some("/login"));
    }
    // A form without the token is refused and changes nothing.
    let (mut anna, _) = Browser::sign_in(&srv, "anna").await;
    let records = audit_records(&srv).await;
    let p = anna
        .post_raw(
            "/appointments/new",
            &[
                ("office_id", &nil.to_string()),
                ("slot", "2030-01-01T09:00"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert_eq!(audit_records(&srv).await, records);
    // Nothing to book for: a booking for someone else's record is not found.
    let p = anna
        .post(
            "/appointments/new",
            &[
                ("office_id", &nil.to_string()),
                ("slot", "2030-01-01T09:00"),
                ("purpose", "collect_residence_permit"),
                ("subject_id", &nil.to_string()),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    srv.stop().await;
}
