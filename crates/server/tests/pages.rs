//! The server-rendered pages through their forms, as a browser without JavaScript uses them:
//! cookies, the CSRF token in a hidden field, redirects after each POST, both languages.

mod common;
use common::*;
use reqwest::StatusCode;

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
        .to_string()
}

/// The id of the person whose `<option>` label starts with `name`.
fn option_for(body: &str, name: &str) -> String {
    let label = format!("\">{name}");
    let end = body.find(&label).expect("the person among the options");
    let start = body[..end].rfind("value=\"").expect("option value") + 7;
    body[start..end].to_string()
}

#[tokio::test]
async fn login_sets_the_csrf_cookie_and_signs_in_by_role() {
    let srv = TestServer::sqlite().await;
    let mut b = Browser::new(&srv);
    let p = b.get("/login").await;
    assert_eq!(p.status, StatusCode::OK);
    let token = b.csrf();
    assert!(token.len() >= 32);
    assert!(p.body.contains(&format!("name=\"csrf\" value=\"{token}\"")));
    assert!(p.body.contains("<label for=\"username\">"));

    // A wrong password shows the form again.
    let bad = b
        .post(
            "/login",
            &[("username", "hr"), ("password", "wrong-Password1")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert!(bad.body.contains("Wrong username or password."));
    assert!(!b.cookies.contains_key("onecard_session"));

    for (user, home) in [
        ("hr", "/employer"),
        ("officer.beijing", "/officer"),
        ("anna", "/me"),
        ("admin", "/admin"),
        ("immigration.beijing", "/immigration"),
        ("social.beijing", "/insurance"),
    ] {
        let (mut b, to) = Browser::sign_in(&srv, user).await;
        assert_eq!(to, home, "{user}");
        let p = b.get(home).await;
        assert_eq!(p.status, StatusCode::OK, "{user} on {home}: {}", p.body);
        assert_eq!(p.body.matches("<h1").count(), 1, "one h1 on {home}");
        assert!(!p.body.contains("<script"), "no script on {home}");
        // Signed in, the sign-in page sends you home.
        assert_eq!(b.get("/login").await.location.as_deref(), Some(home));
    }

    // Without a session every page sends you to sign in.
    let mut anon = Browser::new(&srv);
    for path in [
        "/employer",
        "/officer",
        "/me",
        "/admin",
        "/permits",
        "/records",
        "/claims",
        "/employer/employees",
    ] {
        let p = anon.get(path).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(p.location.as_deref(), Some("/login"), "{path}");
    }
    srv.stop().await;
}

#[tokio::test]
async fn forms_without_the_right_token_are_refused_and_change_nothing() {
    let srv = TestServer::sqlite().await;
    let (mut hr, _) = Browser::sign_in(&srv, "hr").await;
    let records = audit_records(&srv).await;
    let person = [
        ("surname", "NOVAK"),
        ("given_names", "Petra"),
        ("nationality", "CZE"),
        ("passport_number", "40123456"),
        ("date_of_birth", "1991-05-06"),
        ("sex", "F"),
        ("email", "petra.novak@example.cz"),
    ];
    let none = hr.post_raw("/employer/people/new", &person).await;
    assert_eq!(none.status, StatusCode::FORBIDDEN);
    let mut with_wrong = vec![("csrf", "x".repeat(43))];
    with_wrong.extend(person.iter().map(|(k, v)| (*k, v.to_string())));
    let wrong: Vec<(&str, &str)> = with_wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let p = hr.post_raw("/employer/people/new", &wrong).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert!(p.body.contains("The form has expired"), "{}", p.body);
    let page = hr.get("/employer").await;
    assert!(!page.body.contains("NOVAK"));
    assert_eq!(audit_records(&srv).await, records, "nothing was written");

    // Sign-out too needs the token: without it the session stays.
    let out = hr.post_raw("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::FORBIDDEN);
    assert_eq!(hr.get("/employer").await.status, StatusCode::OK);

    // With the token, the person is added.
    let ok = hr.post("/employer/people/new", &person).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(ok.location.as_deref(), Some("/employer?done=person"));
    let page = hr.get("/employer?done=person").await;
    assert!(page.body.contains("NOVAK Petra"));
    assert!(page.body.contains("The foreign employee has been added."));
    srv.stop().await;
}

#[tokio::test]
async fn bad_application_input_is_shown_again_with_field_errors_in_both_languages() {
    let srv = TestServer::sqlite().await;
    let (mut hr, _) = Browser::sign_in(&srv, "hr").await;
    let form = hr.get("/employer/applications/new").await;
    assert_eq!(form.status, StatusCode::OK);
    for label in [
        "<label for=\"person_id\">",
        "<label for=\"position\">",
        "<label for=\"permit_number\">",
        "<label for=\"employment_end\">",
        "<label for=\"kind-new\">",
    ] {
        assert!(form.body.contains(label), "{label}");
    }
    assert!(form.body.contains("name=\"submit\" value=\"true\""));
    assert!(form.body.contains("name=\"submit\" value=\"false\""));

    let bad = [
        ("kind", "new"),
        ("annual_salary", "lots"),
        ("contract_start", "2027-02-30"),
        ("submit", "true"),
    ];
    let p = hr.post("/employer/applications/new", &bad).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("role=\"alert\""));
    assert!(
        p.body
            .contains("<a href=\"#position\">Position: is required.</a>")
    );
    assert!(
        p.body
            .contains("id=\"position-error\">Position: is required.</span>")
    );
    assert!(p.body.contains("value=\"lots\""), "values are kept");
    assert!(
        p.body
            .contains("id=\"kind-new\" name=\"kind\" value=\"new\" checked")
    );

    hr.lang = Some("zh-CN");
    let p = hr.post("/employer/applications/new", &bad).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("<html lang=\"zh-CN\">"));
    assert!(p.body.contains("职位：为必填项。"), "{}", p.body);
    assert!(p.body.contains("请更正以下问题"));

    // The language cookie wins over the header.
    hr.cookies.insert("lang".into(), "en".into());
    let p = hr.post("/employer/applications/new", &bad).await;
    assert!(p.body.contains("Position: is required."));
    srv.stop().await;
}

#[tokio::test]
async fn employer_officer_and_applicant_through_the_forms() {
    let srv = TestServer::sqlite().await;
    let (mut hr, _) = Browser::sign_in(&srv, "hr").await;
    let (mut officer, _) = Browser::sign_in(&srv, "officer.beijing").await;
    let (mut anna, _) = Browser::sign_in(&srv, "anna").await;

    // The employer applies for Anna's permit and submits at once.
    let form = hr.get("/employer/applications/new").await;
    let person = option_for(&form.body, "MÜLLER Anna");
    let p = hr
        .post(
            "/employer/applications/new",
            &[
                ("kind", "new"),
                ("person_id", &person),
                ("position", "Data Scientist"),
                ("annual_salary", "480000"),
                ("contract_start", "2027-01-01"),
                ("contract_end", "2029-12-31"),
                ("requested_category", "B"),
                ("submit", "true"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let url = p.location.expect("to the application");
    assert!(url.starts_with("/applications/"), "{url}");
    let home = hr.get("/employer").await;
    assert!(home.body.contains(&format!("href=\"{url}\"")));
    assert!(home.body.contains("state-submitted"));

    // The officer finds it first in the queue and takes it through.
    let queue = officer.get("/officer").await;
    assert!(queue.body.contains(&format!("href=\"{url}\"")));
    assert!(queue.body.contains("MÜLLER Anna"));
    for (action, word) in [
        ("pass_pre_review", "Done: Pass pre-review."),
        ("accept", "Done: Accept."),
        ("start_review", "Done: Start review."),
    ] {
        let page = officer.get(&url).await;
        let version = attr_after(&page.body, "name=\"version\"", "value");
        let p = officer
            .post(
                &format!("{url}/transition"),
                &[("action", action), ("version", &version)],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{action}: {}", p.body);
        let back = p.location.unwrap();
        assert_eq!(back, format!("{url}?done={action}"));
        assert!(officer.get(&back).await.body.contains(word), "{action}");
    }

    // Returning needs the missing items; a refusal with none is shown again.
    let page = officer.get(&url).await;
    let version = attr_after(&page.body, "name=\"version\"", "value");
    let p = officer
        .post(
            &format!("{url}/transition"),
            &[("action", "refuse"), ("version", &version), ("items", "\n")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body.contains("Reasons: list at least one item."),
        "{}",
        p.body
    );

    // Approval with the grant the form offers.
    let from = attr_after(&page.body, "id=\"approve-valid_from\"", "value");
    let to = attr_after(&page.body, "id=\"approve-valid_to\"", "value");
    assert!(!from.is_empty() && !to.is_empty());
    let approve = [
        ("action", "approve"),
        ("version", version.as_str()),
        ("category", "B"),
        ("valid_from", from.as_str()),
        ("valid_to", to.as_str()),
    ];
    let p = officer.post(&format!("{url}/transition"), &approve).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = officer.get(&p.location.unwrap()).await;
    assert!(page.body.contains("state-approved"));
    assert!(page.body.contains("P110000"), "the permit number is shown");

    // The same decision again, on the old version: a conflict that says where it stands.
    let p = officer.post(&format!("{url}/transition"), &approve).await;
    assert_eq!(p.status, StatusCode::CONFLICT);
    assert!(p.body.contains("it is now approved"), "{}", p.body);

    // Anna sees her permit and the whole timeline, in both languages.
    let me = anna.get("/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert!(me.body.contains("P110000"));
    assert!(me.body.contains("status-valid"));
    assert!(me.body.contains("electronic card"));
    for step in [
        "Submit",
        "Pass pre-review",
        "Accept",
        "Start review",
        "Approve",
    ] {
        assert!(
            me.body.contains(&format!("<strong>{step}</strong>")),
            "{step}"
        );
    }
    anna.lang = Some("zh-CN");
    let me = anna.get("/me").await;
    assert!(me.body.contains("我的工作许可"));
    assert!(me.body.contains("状态由“审查中”变为“已批准”"));
    // The applicant sees the passport number masked.
    let detail = anna.get(&url).await;
    assert!(detail.body.contains("*****0T47"));
    assert!(!detail.body.contains("C01X00T47"));

    srv.stop().await;
}

#[tokio::test]
async fn pages_of_other_roles_and_records_are_refused() {
    let srv = TestServer::sqlite().await;
    let (mut hr, _) = Browser::sign_in(&srv, "hr").await;
    let form = hr.get("/employer/applications/new").await;
    let person = option_for(&form.body, "MÜLLER Anna");
    let p = hr
        .post(
            "/employer/applications/new",
            &[
                ("kind", "new"),
                ("person_id", &person),
                ("position", "Analyst"),
                ("annual_salary", "300000"),
                ("contract_start", "2027-01-01"),
                ("contract_end", "2028-12-31"),
                ("submit", "false"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let url = p.location.unwrap();

    for (user, path, status) in [
        ("anna", "/officer", StatusCode::FORBIDDEN),
        ("anna", "/employer", StatusCode::FORBIDDEN),
        ("hr", "/admin", StatusCode::FORBIDDEN),
        ("officer.beijing", "/me", StatusCode::FORBIDDEN),
        ("officer.beijing", "/permits", StatusCode::FORBIDDEN),
        ("hr", "/records", StatusCode::FORBIDDEN),
        ("social.beijing", "/records", StatusCode::FORBIDDEN),
        ("anna", "/claims", StatusCode::FORBIDDEN),
        ("immigration.beijing", "/claims", StatusCode::FORBIDDEN),
        ("anna", "/employer/employees", StatusCode::FORBIDDEN),
        (
            "social.beijing",
            "/employer/employees",
            StatusCode::FORBIDDEN,
        ),
        ("hr", "/employer/employees/not-an-id", StatusCode::NOT_FOUND),
        ("social.beijing", "/claims/not-an-id", StatusCode::NOT_FOUND),
        ("admin", "/employer/applications/new", StatusCode::FORBIDDEN),
        ("jean", url.as_str(), StatusCode::NOT_FOUND),
        ("officer.tianjin", url.as_str(), StatusCode::NOT_FOUND),
        ("hr", "/applications/not-an-id", StatusCode::NOT_FOUND),
    ] {
        let (mut b, _) = Browser::sign_in(&srv, user).await;
        let p = b.get(path).await;
        assert_eq!(p.status, status, "{user} on {path}");
        assert!(p.body.contains("<h1>"), "an error page");
    }

    // The holder may see the draft but not submit it; the employer may.
    let (mut anna, _) = Browser::sign_in(&srv, "anna").await;
    let page = anna.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"act-withdraw\""));
    assert!(!page.body.contains("id=\"act-submit\""));
    let p = anna
        .post(
            &format!("{url}/transition"),
            &[("action", "submit"), ("version", "1")],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let p = hr
        .post(
            &format!("{url}/transition"),
            &[("action", "submit"), ("version", "1")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    srv.stop().await;
}

#[tokio::test]
async fn the_self_assessment_page_works_without_signing_in_in_both_languages() {
    let srv = TestServer::sqlite().await;
    for (lang, heading, category) in [
        ("en", "Classification assessment", "professional"),
        ("zh-CN", "分类评估", "外国专业人才"),
    ] {
        let mut b = Browser::new(&srv);
        b.lang = Some(lang);
        let form = b.get("/assessment").await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(
            form.body.contains("name=\"hsk_level\""),
            "the profile fields"
        );
        let p = b
            .post(
                "/assessment",
                &[
                    ("city", "110000"),
                    ("employer_kind", "enterprise"),
                    ("position", "Data Scientist"),
                    ("annual_salary", "480000"),
                    ("contract_start", "2027-01-01"),
                    ("contract_end", "2029-12-31"),
                    ("date_of_birth", "1990-04-12"),
                    ("nationality", "DEU"),
                    ("education", "master"),
                    ("experience_years", "6"),
                    ("months_in_china", "12"),
                    ("hsk_level", "4"),
                    ("accompanying_family", "on"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        assert!(p.body.contains(heading), "{lang}: the assessment heading");
        assert!(p.body.contains(category), "{lang}: the category");
        // What was sent is shown again, the ticked box still ticked.
        assert!(p.body.contains("value=\"480000\""));
        assert!(
            attr_after(&p.body, "id=\"accompanying_family\"", "value") == "on"
                && p.body.contains("value=\"on\" checked"),
            "the box stays ticked"
        );

        // Bad input: the form again, 422, the field named.
        let p = b
            .post(
                "/assessment",
                &[
                    ("city", "110000"),
                    ("employer_kind", "enterprise"),
                    ("position", "Data Scientist"),
                    ("annual_salary", "480000"),
                    ("contract_start", "2027-01-01"),
                    ("contract_end", "2029-12-31"),
                    ("date_of_birth", "1990-04-12"),
                    ("nationality", "DEU"),
                    ("months_in_china", "13"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("href=\"#months_in_china\""), "{}", p.body);
        assert!(!p.body.contains(heading));
        // Without the form's token: refused.
        let p = b.post_raw("/assessment", &[("city", "110000")]).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
    }
    srv.stop().await;
}

#[tokio::test]
async fn the_officer_sees_the_assessment_and_the_deadline() {
    let srv = TestServer::sqlite().await;
    let (mut hr, _) = Browser::sign_in(&srv, "hr").await;
    let form = hr.get("/employer/applications/new").await;
    let anna = option_for(&form.body, "MÜLLER Anna");
    let today = srv.clock.today();
    let start = (today + chrono::Days::new(30)).to_string();
    let end = (today + chrono::Days::new(1000)).to_string();
    let p = hr
        .post(
            "/employer/applications/new",
            &[
                ("kind", "new"),
                ("person_id", &anna),
                ("position", "Data Scientist"),
                ("annual_salary", "480000"),
                ("contract_start", &start),
                ("contract_end", &end),
                ("education", "doctorate"),
                ("experience_years", "3"),
                ("postdoctoral_work", "on"),
                ("submit", "true"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let app = p.location.expect("to the application");

    let (mut officer, _) = Browser::sign_in(&srv, "officer.beijing").await;
    let queue = officer.get("/officer").await;
    assert!(queue.body.contains("Due"), "the deadline column");
    let page = officer.get(&app).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Classification assessment"));
    assert!(page.body.contains("Postdoctoral"), "{}", page.body);
    assert!(
        page.body.contains("<dt>Due</dt>"),
        "the deadline that holds"
    );
    srv.stop().await;
}

#[tokio::test]
async fn the_administrator_loads_a_policy_version() {
    let srv = TestServer::sqlite().await;
    let (mut admin, _) = Browser::sign_in(&srv, "admin").await;
    let page = admin.get("/admin").await;
    assert!(page.body.contains("national-2017.1"));
    assert!(page.body.contains("In force"));

    let shipped = include_str!("../../../policies/national-2017.toml");
    let next = shipped
        .replace("\"national-2017.1\"", "\"national-2030\"")
        .replace(
            "effective_from = \"2017-04-01\"",
            "effective_from = \"2030-01-01\"",
        );
    let broken = next.replace("b = 60", "b = 99");
    let p = admin
        .post(
            "/admin/policies",
            &[("file_name", "national-2030.toml"), ("source", &broken)],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("href=\"#policy-source\""), "{}", p.body);
    assert!(
        p.body.contains("national-2030.toml:"),
        "the file and line named"
    );

    let p = admin
        .post(
            "/admin/policies",
            &[("file_name", "national-2030.toml"), ("source", &next)],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = admin.get(p.location.as_deref().unwrap()).await;
    assert!(page.body.contains("national-2030"));
    assert!(page.body.contains("2030-01-01"));

    // Nobody else may.
    let (mut hr, _) = Browser::sign_in(&srv, "hr").await;
    let p = hr
        .post(
            "/admin/policies",
            &[("file_name", "x.toml"), ("source", &next)],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    srv.stop().await;
}

#[tokio::test]
async fn an_application_form_left_alone_sends_no_profile() {
    let srv = TestServer::sqlite().await;
    let (mut hr, _) = Browser::sign_in(&srv, "hr").await;
    let form = hr.get("/employer/applications/new").await;
    // The degree starts on "choose", as a browser submits an untouched select.
    let education = &form.body[form.body.find("id=\"education\"").expect("the degree")..];
    let first = attr_after(education, "<option", "value");
    assert_eq!(first, "", "the first option of the degree is empty");
    let anna = option_for(&form.body, "MÜLLER Anna");
    let today = srv.clock.today();
    let start = (today + chrono::Days::new(30)).to_string();
    let end = (today + chrono::Days::new(1000)).to_string();
    let p = hr
        .post(
            "/employer/applications/new",
            &[
                ("kind", "new"),
                ("person_id", &anna),
                ("position", "Data Scientist"),
                ("annual_salary", "480000"),
                ("contract_start", &start),
                ("contract_end", &end),
                ("education", ""),
                ("experience_years", ""),
                ("hsk_level", ""),
                ("submit", "true"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = hr.get(p.location.as_deref().unwrap()).await;
    assert!(
        !page.body.contains("Classification assessment"),
        "no profile, no assessment"
    );
    srv.stop().await;
}
