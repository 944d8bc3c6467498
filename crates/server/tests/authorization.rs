//! Who may call what: every route of the JSON API, in every method, for every kind of caller,
//! against an explicit table of expected statuses. The table is written from the rules, not read
//! from the server, so that a change in the rules fails here.
//!
//! 401: not signed in. 403: the caller's role may never do this, whatever the resource (so the
//! answer is the same for a resource that does not exist). 404: the role may, but this resource is
//! outside the caller's scope, which answers exactly as a resource that does not exist.

mod common;
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use server::clock::{Clock, SystemClock};
use std::collections::BTreeSet;

/// The callers, in the order of the table's columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    /// Applicant: Anna, whose application the `{id}` routes name.
    Anna,
    /// Applicant: Jean, another person of the same employer, holder of the permit.
    Jean,
    /// HR of the demo employer (Beijing).
    Hr,
    /// HR of a second employer, in Shanghai.
    Hr2,
    OfficerBeijing,
    OfficerShanghai,
    Immigration,
    Social,
    Admin,
}

const CALLERS: [Who; 10] = [
    Who::Anonymous,
    Who::Anna,
    Who::Jean,
    Who::Hr,
    Who::Hr2,
    Who::OfficerBeijing,
    Who::OfficerShanghai,
    Who::Immigration,
    Who::Social,
    Who::Admin,
];

const HR2: &str = "hr2.shanghai";

impl Who {
    fn username(self) -> Option<&'static str> {
        Some(match self {
            Who::Anonymous => return None,
            Who::Anna => "anna",
            Who::Jean => "jean",
            Who::Hr => "hr",
            Who::Hr2 => HR2,
            Who::OfficerBeijing => "officer.beijing",
            Who::OfficerShanghai => "officer.shanghai",
            Who::Immigration => "immigration.beijing",
            Who::Social => "social.beijing",
            Who::Admin => "admin",
        })
    }
}

struct Row {
    method: &'static str,
    path: &'static str,
    /// For the transitions route: the action taken, on an application in a state that allows it.
    action: Option<&'static str>,
    expect: [u16; 10],
}

const fn route(method: &'static str, path: &'static str, expect: [u16; 10]) -> Row {
    Row {
        method,
        path,
        action: None,
        expect,
    }
}

const TRANSITIONS: &str = "/api/v1/applications/{id}/transitions";

const fn step(action: &'static str, expect: [u16; 10]) -> Row {
    Row {
        method: "POST",
        path: TRANSITIONS,
        action: Some(action),
        expect,
    }
}

/// Steps only the employer takes (and, for withdrawal, the holder).
const EMPLOYER_STEP: [u16; 10] = [401, 403, 403, 200, 404, 403, 403, 403, 403, 403];
/// Steps only the labour officer of the application's city takes.
const OFFICER_STEP: [u16; 10] = [401, 403, 403, 403, 403, 200, 404, 403, 403, 403];

#[rustfmt::skip]
const MATRIX: &[Row] = &[
    //                                                   anon anna jean   hr  hr2 offBJ offSH immig social admin
    route("GET",    "/api/openapi.json",                [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    route("POST",   "/api/v1/session",                  [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    route("DELETE", "/api/v1/session",                  [401, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    route("GET",    "/api/v1/me",                       [401, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    route("POST",   "/api/v1/api-tokens",               [401, 403, 403, 201, 201, 403, 403, 403, 403, 403]),
    route("GET",    "/api/v1/accounts",                 [401, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    route("POST",   "/api/v1/accounts",                 [401, 403, 403, 403, 403, 403, 403, 403, 403, 201]),
    // Reference data, public.
    route("GET",    "/api/v1/cities",                   [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    route("GET",    "/api/v1/employers",                [401, 403, 403, 200, 200, 200, 200, 200, 200, 200]),
    route("POST",   "/api/v1/employers",                [401, 403, 403, 403, 403, 403, 403, 403, 403, 201]),
    // The demo employer, in Beijing.
    route("GET",    "/api/v1/employers/{id}",           [401, 403, 403, 200, 404, 200, 404, 200, 200, 200]),
    route("GET",    "/api/v1/people",                   [401, 403, 403, 200, 200, 403, 403, 403, 403, 403]),
    route("POST",   "/api/v1/people",                   [401, 403, 403, 201, 201, 403, 403, 403, 403, 403]),
    // Anna, who has an application in Beijing.
    route("GET",    "/api/v1/people/{id}",              [401, 200, 404, 200, 404, 200, 404, 403, 403, 403]),
    route("GET",    "/api/v1/applications",             [401, 200, 200, 200, 200, 200, 200, 403, 403, 403]),
    route("POST",   "/api/v1/applications",             [401, 403, 403, 201, 201, 403, 403, 403, 403, 403]),
    // Anna's application, filed by the demo employer in Beijing.
    route("GET",    "/api/v1/applications/{id}",        [401, 200, 404, 200, 404, 200, 404, 403, 403, 403]),
    // Its checklist documents: uploaded by its employer, seen by those who see it.
    route("POST",   "/api/v1/applications/{id}/uploads", [401, 403, 403, 201, 404, 403, 403, 403, 403, 403]),
    route("GET",    "/api/v1/applications/{id}/uploads", [401, 200, 404, 200, 404, 200, 404, 403, 403, 403]),
    route("GET",    "/api/v1/uploads/{id}/content",     [401, 200, 404, 200, 404, 200, 404, 404, 404, 404]),
    route("POST",   "/api/v1/uploads/{id}/decision",    [401, 403, 403, 403, 403, 200, 404, 403, 403, 403]),
    // The notices of Anna's refused application: seen by those who see it; a file anyone checks.
    route("GET",    "/api/v1/applications/{id}/notices", [401, 200, 404, 200, 404, 200, 404, 403, 403, 403]),
    route("GET",    "/api/v1/applications/{id}/notices/{kind}", [401, 200, 404, 200, 404, 200, 404, 403, 403, 403]),
    route("POST",   "/api/v1/verify/notice",            [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    step("submit",                                      EMPLOYER_STEP),
    step("resubmit",                                    EMPLOYER_STEP),
    step("withdraw",                                    [401, 200, 404, 200, 404, 403, 403, 403, 403, 403]),
    step("pass_pre_review",                             OFFICER_STEP),
    step("return",                                      OFFICER_STEP),
    step("accept",                                      OFFICER_STEP),
    step("start_review",                                OFFICER_STEP),
    step("approve",                                     OFFICER_STEP),
    step("refuse",                                      OFFICER_STEP),
    step("request_corrections",                         OFFICER_STEP),
    // Classification: the self-assessment and the policy versions are public; loading one is
    // the administrator's.
    route("POST",   "/api/v1/assessments",              [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    route("GET",    "/api/v1/policies",                 [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    route("POST",   "/api/v1/policies",                 [401, 403, 403, 403, 403, 403, 403, 403, 403, 201]),
    route("GET",    "/api/v1/permits",                  [401, 200, 200, 200, 200, 200, 200, 200, 200, 403]),
    // Jean's permit, Beijing, held with the demo employer.
    route("GET",    "/api/v1/permits/{number}",         [401, 404, 200, 200, 404, 200, 404, 200, 200, 403]),
    // The credential: anyone verifies; only a holder past the real-name check has a card (none
    // of the demo holders has passed it here); what offline verifiers download is public.
    route("POST",   "/api/v1/verify",                   [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    route("GET",    "/api/v1/card/qr",                  [401, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
    // Anna's card is not locked: the agency of Beijing and the administrator get that far.
    route("POST",   "/api/v1/people/{id}/card-unlock",  [401, 403, 403, 403, 403, 403, 403, 403, 409, 409]),
    route("GET",    "/.well-known/onecard/keys",        [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    route("GET",    "/.well-known/onecard/status-lists", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    route("GET",    "/status/{n}",                      [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    // The inbox: the holder's and the employer's own; a notice of Anna's, whom the Beijing
    // officer returned an application to.
    route("GET",    "/api/v1/inbox",                    [401, 200, 200, 200, 200, 403, 403, 403, 403, 403]),
    route("POST",   "/api/v1/inbox/{id}/read",          [401, 204, 404, 404, 404, 403, 403, 403, 403, 403]),
    route("PUT",    "/api/v1/employer/notifications",   [401, 403, 403, 200, 200, 403, 403, 403, 403, 403]),
    // Residence: immigration of Beijing, and the employer's and the holder's own. Jean has an
    // application open (so applying again is a conflict), Anna a permit waiting to be collected.
    route("GET",    "/api/v1/residence-applications",   [401, 200, 200, 200, 200, 403, 403, 200, 403, 403]),
    route("POST",   "/api/v1/residence-applications",   [401, 422, 409, 409, 422, 403, 403, 403, 403, 403]),
    route("GET",    "/api/v1/residence-applications/{id}", [401, 404, 200, 200, 404, 403, 403, 200, 403, 403]),
    route("POST",   "/api/v1/residence-applications/{id}/steps", [401, 403, 403, 403, 403, 403, 403, 200, 403, 403]),
    route("GET",    "/api/v1/residence-permits",        [401, 200, 200, 200, 200, 403, 403, 200, 403, 403]),
    route("GET",    "/api/v1/residence-permits/{id}",   [401, 200, 404, 200, 404, 403, 403, 200, 403, 403]),
    route("POST",   "/api/v1/residence-permits/{id}/review", [401, 403, 403, 403, 403, 403, 403, 409, 403, 403]),
    route("POST",   "/api/v1/residence-permits/{id}/filings", [401, 201, 404, 201, 404, 403, 403, 403, 403, 403]),
    // Appointments: offices are for everyone signed in; bookings are the holder's. Anna has one.
    route("GET",    "/api/v1/offices",                  [401, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    route("POST",   "/api/v1/offices",                  [401, 403, 403, 403, 403, 403, 403, 403, 403, 201]),
    route("GET",    "/api/v1/offices/{id}/slots",       [401, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    route("GET",    "/api/v1/offices/{id}/appointments", [401, 403, 403, 403, 403, 403, 403, 200, 403, 403]),
    route("GET",    "/api/v1/appointments",             [401, 200, 200, 403, 403, 403, 403, 403, 403, 403]),
    route("POST",   "/api/v1/appointments",             [401, 409, 404, 403, 403, 403, 403, 403, 403, 403]),
    route("POST",   "/api/v1/appointments/{id}/slot",   [401, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
    route("DELETE", "/api/v1/appointments/{id}",        [401, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
    // After the appointment rows: collecting the permit marks Anna's booking attended.
    route("POST",   "/api/v1/residence-permits/{id}/collection", [401, 403, 403, 403, 403, 403, 403, 200, 403, 403]),
    // Social insurance: the agency of Beijing, and the employer's and the holder's own. Jean's
    // request is open (so asking again is a conflict).
    route("GET",    "/api/v1/insurances",               [401, 200, 200, 200, 200, 403, 403, 403, 200, 403]),
    route("POST",   "/api/v1/insurances",               [401, 422, 409, 409, 422, 403, 403, 403, 403, 403]),
    route("GET",    "/api/v1/insurances/{id}",          [401, 404, 200, 200, 404, 403, 403, 403, 200, 403]),
    route("POST",   "/api/v1/insurances/{id}/decision", [401, 403, 403, 403, 403, 403, 403, 403, 200, 403]),
    // The holder may only report an issued card lost: Jean's is being made.
    route("POST",   "/api/v1/insurances/{id}/card",     [401, 404, 422, 403, 403, 403, 403, 403, 200, 403]),
    route("POST",   "/api/v1/insurances/{id}/card/replacement", [401, 403, 403, 403, 403, 403, 403, 403, 422, 403]),
    // Contributions: employers declare for their insured people (Anna is the demo employer's,
    // not insured; not the second employer's). Statements of Anna: hers, her employer's; the
    // agency of Beijing has no record of her.
    route("POST",   "/api/v1/contributions",            [401, 403, 403, 422, 422, 403, 403, 403, 403, 403]),
    route("GET",    "/api/v1/people/{id}/statement",    [401, 200, 404, 200, 404, 403, 403, 403, 404, 403]),
    route("GET",    "/api/v1/people/{id}/statement/pdf", [401, 200, 404, 200, 404, 403, 403, 403, 404, 403]),
    // Claims: the catalogue is public; holders claim (Anna is not insured, Jean holds a valid
    // permit: both refused by the rule); a claim of Anna's in Beijing, which she withdraws
    // before the agency of Beijing could refuse it.
    route("GET",    "/api/v1/benefits",                 [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    route("GET",    "/api/v1/claims",                   [401, 200, 200, 403, 403, 403, 403, 403, 200, 403]),
    route("POST",   "/api/v1/claims",                   [401, 422, 422, 403, 403, 403, 403, 403, 403, 403]),
    route("GET",    "/api/v1/claims/{id}",              [401, 200, 404, 403, 403, 403, 403, 403, 200, 403]),
    route("POST",   "/api/v1/claims/{id}/steps",        [401, 200, 404, 403, 403, 403, 403, 403, 409, 403]),
    // The holder's records; the employer's deadlines.
    route("GET",    "/api/v1/records",                  [401, 200, 200, 403, 403, 403, 403, 403, 403, 403]),
    route("GET",    "/api/v1/employer/deadlines",       [401, 403, 403, 200, 200, 403, 403, 403, 403, 403]),
    route("GET",    "/api/v1/employer/deadlines/csv",   [401, 403, 403, 200, 200, 403, 403, 403, 403, 403]),
    // Visas of Anna, who holds a residence permit of Beijing: immigration of Beijing enters
    // them; she, her employer and immigration of Beijing read them.
    route("POST",   "/api/v1/people/{id}/visas",        [401, 403, 403, 403, 403, 403, 403, 201, 403, 403]),
    route("GET",    "/api/v1/people/{id}/visas",        [401, 200, 404, 200, 404, 403, 403, 200, 403, 403]),
];

/// Every `(METHOD, path)` that `api::router` declares, read from its sources.
fn declared_routes() -> BTreeSet<(String, String)> {
    const METHODS: [&str; 7] = ["get", "post", "put", "patch", "delete", "head", "options"];
    let src = concat!(
        include_str!("../src/api/mod.rs"),
        include_str!("../src/api/credentials.rs"),
        include_str!("../src/api/inbox.rs"),
        include_str!("../src/api/one_stop.rs"),
        include_str!("../src/api/uploads.rs"),
        include_str!("../src/api/notices.rs"),
        include_str!("../src/api/contributions.rs"),
        include_str!("../src/api/visas.rs")
    );
    let mut out = BTreeSet::new();
    let mut rest = src;
    while let Some(i) = rest.find(".route(") {
        rest = &rest[i + ".route(".len()..];
        let mut depth = 1;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .expect("a closed .route( call")
            .0;
        let args = &rest[..end];
        let open = args.find('"').expect("a path literal");
        let close = open + 1 + args[open + 1..].find('"').expect("a closed path literal");
        let path = &args[open + 1..close];
        let mut ident = String::new();
        for c in args[close + 1..].chars() {
            if c.is_ascii_alphanumeric() || c == '_' {
                ident.push(c);
                continue;
            }
            if c == '(' && METHODS.contains(&ident.as_str()) {
                out.insert((ident.to_uppercase(), path.to_string()));
            }
            ident.clear();
        }
    }
    out
}

#[test]
fn the_matrix_names_every_declared_route_and_action() {
    let declared = declared_routes();
    assert!(declared.len() >= 20, "parsed too few routes: {declared:?}");
    let in_matrix: BTreeSet<(String, String)> = MATRIX
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    assert_eq!(
        in_matrix, declared,
        "every route of api/mod.rs needs a row in MATRIX, and every row a route"
    );
    let actions: BTreeSet<&str> = MATRIX.iter().filter_map(|r| r.action).collect();
    let all: BTreeSet<&str> = domain::application::ActionKind::ALL
        .iter()
        .map(|a| a.as_str())
        .collect();
    assert_eq!(actions, all, "every action needs a transitions row");
}

/// What the table's rows are checked against.
struct World {
    srv: TestServer,
    clients: Vec<Client>,
    employer: String,
    employer2: String,
    anna: String,
    hr2_person: String,
    /// Anna's application, submitted by the demo employer in Beijing.
    application: String,
    jean_permit: String,
    /// A notice in Anna's inbox.
    anna_notice: String,
    /// Jean's residence application, filed by the demo employer on his permit.
    jean_residence: String,
    /// Anna's residence permit, issued in Beijing, waiting to be collected.
    anna_residence_permit: String,
    /// The demo office in Beijing, and two of its slots on the next day it opens.
    office: String,
    slots: [String; 2],
    /// Anna's booking to collect her permit.
    anna_appointment: String,
    /// Jean's insurance request.
    jean_insurance: String,
    /// A document uploaded for Anna's application.
    upload: String,
    /// An application of Anna's, refused: it has a refusal decision to download.
    refused: String,
    /// A claim of Anna's, waiting for the agency of Beijing (written to the store directly).
    anna_claim: String,
    serial: u32,
}

impl World {
    fn client(&self, who: Who) -> &Client {
        &self.clients[CALLERS.iter().position(|w| *w == who).expect("caller")]
    }

    fn next(&mut self) -> u32 {
        self.serial += 1;
        self.serial
    }
}

fn today() -> chrono::NaiveDate {
    SystemClock.today()
}

fn new_application(person_id: &str, submit: bool) -> Value {
    let today = today();
    json!({
        "kind": "new", "person_id": person_id, "position": "Research Engineer",
        "annual_salary": "360000", "contract_start": today.to_string(),
        "contract_end": (today + chrono::Months::new(36)).to_string(), "submit": submit
    })
}

fn new_person(n: u32) -> Value {
    json!({
        "surname": "TESTER", "given_names": "Matrix", "nationality": "GBR",
        "passport_number": format!("MX{n:07}"), "date_of_birth": "1988-06-01", "sex": "F",
        "email": format!("matrix{n}@example.org")
    })
}

fn uscc(n: u32) -> String {
    let body = format!("91310000MA{n:07}");
    let check = domain::check::uscc_check(&body).expect("valid body");
    format!("{body}{check}")
}

fn ok(s: StatusCode, body: &Value, what: &str) {
    assert!(s.is_success(), "{what}: {s} {body}");
}

async fn setup() -> World {
    let srv = TestServer::sqlite().await;
    let admin = srv.sign_in("admin").await;
    let (s, e2) = admin
        .post(
            "/api/v1/employers",
            json!({ "name": "Shanghai Example Research Institute", "uscc": uscc(1),
                    "city": "310000", "kind": "research_institute" }),
        )
        .await;
    ok(s, &e2, "second employer");
    let employer2 = e2["id"].as_str().unwrap().to_string();
    let (s, a) = admin
        .post(
            "/api/v1/accounts",
            json!({ "username": HR2, "display_name": "HR, Shanghai", "password": DEMO_PASSWORD,
                    "role": "employer_hr", "employer_id": employer2 }),
        )
        .await;
    ok(s, &a, "second HR account");

    let mut clients = Vec::new();
    for who in CALLERS {
        clients.push(match who.username() {
            Some(u) => srv.sign_in(u).await,
            None => srv.client(),
        });
    }
    let hr = clients[3].clone();
    let hr2 = clients[4].clone();
    let shanghai = clients[6].clone();
    let (_, me) = hr.get("/api/v1/me").await;
    let employer = me["employer_id"].as_str().unwrap().to_string();
    let (_, me) = clients[1].get("/api/v1/me").await;
    let anna = me["person_id"].as_str().unwrap().to_string();
    let (s, permits) = clients[2].get("/api/v1/permits").await;
    ok(s, &permits, "Jean's permits");
    let jean_permit = permits[0]["number"].as_str().unwrap().to_string();

    let (s, app) = hr
        .post("/api/v1/applications", new_application(&anna, true))
        .await;
    ok(s, &app, "Anna's application");
    let application = app["id"].as_str().unwrap().to_string();

    // The second employer has a person, an application waiting in Shanghai and a permit.
    let (s, p) = hr2.post("/api/v1/people", new_person(1)).await;
    ok(s, &p, "second employer's person");
    let hr2_person = p["id"].as_str().unwrap().to_string();
    let (s, waiting) = hr2
        .post("/api/v1/applications", new_application(&hr2_person, true))
        .await;
    ok(s, &waiting, "second employer's application");
    let (s, other) = hr2
        .post("/api/v1/applications", new_application(&hr2_person, true))
        .await;
    ok(s, &other, "second employer's application");
    let approved = approve(&shanghai, &other, grant_b()).await;
    assert_eq!(approved["state"], "approved");

    // An application of Anna's returned with an item missing leaves a notice in her inbox.
    let (s, returned) = hr
        .post("/api/v1/applications", new_application(&anna, true))
        .await;
    ok(s, &returned, "Anna's application to return");
    let (s, out) = common::step(
        &clients[5],
        returned["id"].as_str().unwrap(),
        "return",
        returned["version"].as_i64().unwrap(),
        json!({ "items": ["Medical report"] }),
    )
    .await;
    ok(s, &out, "return");
    let (s, to_refuse) = hr
        .post("/api/v1/applications", new_application(&anna, true))
        .await;
    ok(s, &to_refuse, "Anna's application to refuse");
    let refused = to_refuse["id"].as_str().unwrap().to_string();
    let version = common::to_review(&clients[5], &to_refuse).await;
    let (s, out) = common::step(
        &clients[5],
        &refused,
        "refuse",
        version,
        json!({ "items": ["Matrix"] }),
    )
    .await;
    ok(s, &out, "refuse");
    let (s, inbox) = clients[1].get("/api/v1/inbox").await;
    ok(s, &inbox, "Anna's inbox");
    let anna_notice = inbox["notices"][0]["id"].as_str().unwrap().to_string();

    // Residence and insurance for Jean, on his permit; a residence permit for Anna, written to
    // the store directly (the flows that issue one are tested in one_stop.rs); her booking.
    let (s, r) = hr
        .post(
            "/api/v1/residence-applications",
            json!({ "permit_number": jean_permit,
            "role_at_employer": "other", "requested_months": 12 }),
        )
        .await;
    ok(s, &r, "Jean's residence application");
    let jean_residence = r["id"].as_str().unwrap().to_string();
    let (s, i) = hr
        .post(
            "/api/v1/insurances",
            json!({ "permit_number": jean_permit }),
        )
        .await;
    ok(s, &i, "Jean's insurance request");
    let jean_insurance = i["id"].as_str().unwrap().to_string();
    let anna_residence_permit = residence_permit_for(&srv, &anna, &employer).await;
    let (s, offices) = clients[1].get("/api/v1/offices").await;
    ok(s, &offices, "offices");
    let office = offices[0]["id"].as_str().unwrap().to_string();
    let slots = open_slots(&clients[1], &office).await;
    let (s, a) = clients[1]
        .post(
            "/api/v1/appointments",
            json!({ "office_id": office, "slot": slots[0],
            "purpose": "collect_residence_permit", "subject_id": anna_residence_permit }),
        )
        .await;
    ok(s, &a, "Anna's appointment");
    let anna_appointment = a["id"].as_str().unwrap().to_string();
    let (s, u) = send(
        &hr,
        "POST",
        &format!("/api/v1/applications/{application}/uploads"),
        None,
    )
    .await;
    ok(s, &u, "a document for Anna's application");
    let upload = u["id"].as_str().unwrap().to_string();

    let anna_claim = claim_for(&srv, &anna).await;
    World {
        srv,
        clients,
        employer,
        employer2,
        anna,
        hr2_person,
        application,
        refused,
        jean_permit,
        anna_notice,
        jean_residence,
        anna_residence_permit,
        office,
        slots,
        anna_appointment,
        jean_insurance,
        upload,
        anna_claim,
        serial: 100,
    }
}

/// A claim of `person`'s waiting in Beijing; its id.
async fn claim_for(srv: &TestServer, person: &str) -> String {
    use domain::benefits::{Claim, ClaimDocument, ClaimState};
    let id = uuid::Uuid::now_v7();
    let claim = store::StoredClaim {
        claim: Claim {
            id: domain::ids::ClaimId(id),
            person_id: domain::ids::PersonId(person.parse().unwrap()),
            benefit: "pension_refund".into(),
            state: ClaimState::Submitted,
            version: 1,
            documents: vec![ClaimDocument::Passport],
            submitted_at: chrono::Utc::now(),
            decided_at: None,
            payment: None,
            refusal: Vec::new(),
        },
        city: domain::city::City::parse("city", "110000").unwrap(),
        leaving_china_on: None,
        decided_by: None,
    };
    let mut tx = srv.store.begin().await.unwrap();
    tx.insert_claim(&claim).await.unwrap();
    tx.commit().await.unwrap();
    id.to_string()
}

/// A valid residence permit for `person` of `employer` in Beijing, with the application it
/// came from; its id.
async fn residence_permit_for(srv: &TestServer, person: &str, employer: &str) -> String {
    use domain::ids::*;
    use domain::residence::*;
    let now = chrono::Utc::now();
    let today = today();
    let person = PersonId(person.parse().unwrap());
    let employer = EmployerId(employer.parse().unwrap());
    let beijing = domain::city::City::parse("city", "110000").unwrap();
    let work = domain::numbers::PermitNumber::new("110000", today, 999_001).unwrap();
    let app = ResidenceApplication {
        id: ResidenceApplicationId(uuid::Uuid::now_v7()),
        receipt_number: domain::numbers::ReceiptNumber::new(today, 99_999_001),
        person_id: person,
        employer_id: employer,
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
        number: domain::numbers::ResidencePermitNumber::new("110000", today, 999_001).unwrap(),
        holder_id: person,
        employer_id: employer,
        work_permit_number: work,
        city: beijing,
        valid_from: today,
        valid_to: today + chrono::Days::new(300),
        status: ResidenceStatus::Valid,
        status_changed_on: None,
        long_reason: None,
        application_id: app.id,
        collected_at: None,
    };
    let mut tx = srv.store.begin().await.unwrap();
    tx.insert_residence_application(&app).await.unwrap();
    tx.insert_residence_permit(&permit, now).await.unwrap();
    tx.commit().await.unwrap();
    permit.id.to_string()
}

/// Two slots with places on the next day the office opens.
async fn open_slots(c: &Client, office: &str) -> [String; 2] {
    for d in 1..15 {
        let date = today() + chrono::Days::new(d);
        let (s, day) = c
            .get(&format!("/api/v1/offices/{office}/slots?date={date}"))
            .await;
        ok(s, &day, "slots");
        let slots = day["slots"].as_array().unwrap();
        if slots.len() >= 2 {
            return [
                slots[0]["slot"].as_str().unwrap().to_string(),
                slots[1]["slot"].as_str().unwrap().to_string(),
            ];
        }
    }
    panic!("the office opens on no day in two weeks");
}

/// A new application of the demo employer for Anna, brought to the state in which `action` may be
/// taken. Returns its id and version.
async fn application_for(w: &World, action: &str) -> (String, i64) {
    let hr = w.client(Who::Hr);
    let officer = w.client(Who::OfficerBeijing);
    let (s, app) = hr
        .post(
            "/api/v1/applications",
            new_application(&w.anna, action != "submit"),
        )
        .await;
    ok(s, &app, "fresh application");
    let id = app["id"].as_str().unwrap().to_string();
    let mut version = app["version"].as_i64().unwrap();
    let path: &[&str] = match action {
        "submit" | "withdraw" | "pass_pre_review" | "return" => &[],
        "resubmit" => &["return"],
        "accept" => &["pass_pre_review"],
        "start_review" => &["pass_pre_review", "accept"],
        "approve" | "refuse" | "request_corrections" => {
            &["pass_pre_review", "accept", "start_review"]
        }
        other => panic!("no way to {other}"),
    };
    for a in path {
        let (s, out) = common::step(officer, &id, a, version, extra(a)).await;
        ok(s, &out, a);
        version = out["version"].as_i64().unwrap();
    }
    (id, version)
}

/// What an action carries, valid for a new-permit application.
fn extra(action: &str) -> Value {
    match action {
        "return" | "refuse" | "request_corrections" => json!({ "items": ["Medical report"] }),
        "approve" => grant_b(),
        _ => json!({}),
    }
}

/// The request a row makes for a caller, with a body that is valid, so that only authorization
/// decides.
fn body_for(w: &mut World, row: &Row, who: Who) -> Option<Value> {
    let n = w.next();
    Some(match (row.method, row.path) {
        ("POST", "/api/v1/session") => json!({
            "username": who.username().unwrap_or("anna"), "password": DEMO_PASSWORD
        }),
        ("POST", "/api/v1/api-tokens") => json!({ "name": format!("matrix token {n}") }),
        ("POST", "/api/v1/accounts") => json!({
            "username": format!("matrix.{n}"), "display_name": "Matrix", "password": DEMO_PASSWORD,
            "role": "labour_officer", "city": "440300"
        }),
        ("POST", "/api/v1/employers") => json!({
            "name": format!("Matrix Employer {n}"), "uscc": uscc(n), "city": "440300", "kind": "enterprise"
        }),
        ("POST", "/api/v1/people") => new_person(n),
        ("POST", "/api/v1/assessments") => json!({
            "city": "110000", "employer_kind": "university", "position": "Lecturer",
            "annual_salary": "300000", "contract_start": "2027-01-01", "contract_end": "2028-12-31",
            "date_of_birth": "1985-01-01", "nationality": "FRA"
        }),
        ("POST", "/api/v1/verify") => json!({ "text": "OC1:not a credential" }),
        ("PUT", "/api/v1/employer/notifications") => json!({ "contact_email": "hr@example.com" }),
        ("POST", "/api/v1/policies") => json!({
            "file_name": "matrix.toml",
            "source": include_str!("../../../policies/national-2017.toml")
                .replace("version = \"national-2017.1\"", &format!("version = \"matrix-{n}\""))
        }),
        ("POST", "/api/v1/residence-applications") => json!({
            "permit_number": w.jean_permit, "role_at_employer": "other", "requested_months": 12
        }),
        ("POST", "/api/v1/residence-applications/{id}/steps") => {
            json!({ "action": "start_review", "version": 1 })
        }
        ("POST", "/api/v1/residence-permits/{id}/review") => {
            json!({ "keep": true, "note": "Matrix" })
        }
        ("POST", "/api/v1/residence-permits/{id}/filings") => json!({
            "kind": "degree_study", "filed_on": today().to_string(), "details": format!("Course {n}")
        }),
        ("POST", "/api/v1/appointments") => json!({
            "office_id": w.office, "slot": w.slots[1], "purpose": "collect_residence_permit",
            "subject_id": w.anna_residence_permit
        }),
        ("POST", "/api/v1/appointments/{id}/slot") => json!({ "slot": w.slots[1] }),
        ("POST", "/api/v1/insurances") => json!({ "permit_number": w.jean_permit }),
        ("POST", "/api/v1/contributions") => json!({
            "person_id": w.anna, "month": today().format("%Y-%m").to_string(), "base": "10000"
        }),
        ("POST", "/api/v1/claims") => json!({
            "benefit": "pension_refund",
            "documents": ["application_form", "passport", "termination_proof", "departure_evidence", "bank_account"],
            "leaving_china_on": (today() + chrono::Days::new(30)).to_string()
        }),
        ("POST", "/api/v1/claims/{id}/steps") => match who {
            Who::Social => json!({ "action": "refuse", "version": 1, "items": ["Matrix"] }),
            _ => json!({ "action": "withdraw", "version": 1 }),
        },
        ("POST", "/api/v1/uploads/{id}/decision") => json!({ "verified": true }),
        ("POST", "/api/v1/people/{id}/visas") => json!({
            "visa_number": format!("MX{n:07}"), "visa_category": "Z",
            "issuing_post": "Consulate-General in Frankfurt", "issued_on": today().to_string(),
            "valid_until": (today() + chrono::Days::new(90)).to_string(), "entries": "single",
            "stay_days": 30
        }),
        ("POST", "/api/v1/people/{id}/card-unlock") => json!({ "passport_number": "C01X00T47" }),
        ("POST", "/api/v1/offices") => json!({
            "city": "310000", "name": format!("Matrix Hall {n}"), "address": "1 Matrix Road",
            "opens": "09:00", "closes": "12:00", "slot_minutes": 30, "capacity": 5
        }),
        ("POST", "/api/v1/insurances/{id}/decision") => {
            json!({ "decision": "register", "version": 1 })
        }
        ("POST", "/api/v1/insurances/{id}/card") => json!({ "state": "ready" }),
        ("POST", "/api/v1/residence-permits/{id}/collection")
        | ("POST", "/api/v1/insurances/{id}/card/replacement") => json!({}),
        ("POST", "/api/v1/applications") => {
            let person = if who == Who::Hr2 {
                w.hr2_person.clone()
            } else {
                w.anna.clone()
            };
            new_application(&person, true)
        }
        _ => return None,
    })
}

/// A one-page PDF, valid enough to be stored.
fn small_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ];
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n0 4\n0000000000 65535 f \n");
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

async fn send(c: &Client, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let path = &path.replace("{kind}", "refusal_decision");
    if path == "/api/v1/verify/notice" {
        // A file, not JSON: a PDF that carries no seal is still checked.
        return c.post_raw(path, "application/pdf", small_pdf()).await;
    }
    if method == "POST" && path.ends_with("/uploads") {
        // An upload is a multipart form with a file, never JSON.
        let form = reqwest::multipart::Form::new()
            .text("kind", "application_form")
            .part(
                "file",
                reqwest::multipart::Part::bytes(small_pdf()).file_name("form.pdf"),
            );
        return Client::send(c.request(Method::POST, path).multipart(form)).await;
    }
    let mut r = c.request(Method::from_bytes(method.as_bytes()).unwrap(), path);
    if let Some(b) = body {
        r = r.json(&b);
    }
    Client::send(r).await
}

/// The status a caller expects for a resource that does not exist.
fn for_missing(expected: u16) -> u16 {
    match expected {
        401 | 403 => expected,
        _ => 404,
    }
}

#[tokio::test]
async fn authorization_matrix() {
    let mut w = setup().await;
    let mut failures = Vec::new();
    let missing_id = uuid::Uuid::now_v7().to_string();
    let missing_permit = domain::numbers::PermitNumber::new(
        "110000",
        chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
        999_999,
    )
    .unwrap()
    .to_string();

    for row in MATRIX {
        for (col, who) in CALLERS.into_iter().enumerate() {
            let expected = row.expect[col];
            let label = format!(
                "{} {}{} as {who:?}",
                row.method,
                row.path,
                row.action.map(|a| format!(" [{a}]")).unwrap_or_default()
            );
            let (status, body, missing) = if let Some(action) = row.action {
                let (id, version) = application_for(&w, action).await;
                let mut body = json!({ "action": action, "version": version });
                body.as_object_mut()
                    .unwrap()
                    .extend(extra(action).as_object().unwrap().clone());
                let c = w.client(who);
                let path = TRANSITIONS.replace("{id}", &id);
                let (s, out) = send(c, "POST", &path, Some(body.clone())).await;
                let path = TRANSITIONS.replace("{id}", &missing_id);
                let missing = send(c, "POST", &path, Some(body)).await;
                (s, out, Some(missing))
            } else if (row.method, row.path) == ("DELETE", "/api/v1/session") {
                // Signs out a session of its own, so that the caller's stays.
                let c = match who.username() {
                    Some(u) => w.srv.sign_in(u).await,
                    None => w.srv.client(),
                };
                let (s, out) = send(&c, row.method, row.path, None).await;
                if s.is_success() {
                    let (after, _) = c.get("/api/v1/me").await;
                    if after != StatusCode::UNAUTHORIZED {
                        failures.push(format!("{label}: the session still works ({after})"));
                    }
                }
                (s, out, None)
            } else if (row.method, row.path) == ("POST", "/api/v1/session") {
                // Signing in ends the session the request carries: sign in from a client of its
                // own, so that the caller's stays.
                let body = body_for(&mut w, row, who);
                let (s, out) = send(&w.srv.client(), row.method, row.path, body).await;
                (s, out, None)
            } else {
                let resource = match row.path {
                    "/api/v1/employers/{id}" => Some(("{id}", w.employer.clone())),
                    "/api/v1/people/{id}" | "/api/v1/people/{id}/card-unlock" => {
                        Some(("{id}", w.anna.clone()))
                    }
                    "/api/v1/applications/{id}" | "/api/v1/applications/{id}/uploads" => {
                        Some(("{id}", w.application.clone()))
                    }
                    "/api/v1/applications/{id}/notices"
                    | "/api/v1/applications/{id}/notices/{kind}" => {
                        Some(("{id}", w.refused.clone()))
                    }
                    "/api/v1/uploads/{id}/content" | "/api/v1/uploads/{id}/decision" => {
                        Some(("{id}", w.upload.clone()))
                    }
                    "/api/v1/permits/{number}" => Some(("{number}", w.jean_permit.clone())),
                    "/api/v1/inbox/{id}/read" => Some(("{id}", w.anna_notice.clone())),
                    "/api/v1/residence-applications/{id}"
                    | "/api/v1/residence-applications/{id}/steps" => {
                        Some(("{id}", w.jean_residence.clone()))
                    }
                    "/api/v1/residence-permits/{id}"
                    | "/api/v1/residence-permits/{id}/review"
                    | "/api/v1/residence-permits/{id}/filings"
                    | "/api/v1/residence-permits/{id}/collection" => {
                        Some(("{id}", w.anna_residence_permit.clone()))
                    }
                    "/api/v1/offices/{id}/slots" | "/api/v1/offices/{id}/appointments" => {
                        Some(("{id}", w.office.clone()))
                    }
                    "/api/v1/appointments/{id}" | "/api/v1/appointments/{id}/slot" => {
                        Some(("{id}", w.anna_appointment.clone()))
                    }
                    "/api/v1/insurances/{id}"
                    | "/api/v1/insurances/{id}/decision"
                    | "/api/v1/insurances/{id}/card"
                    | "/api/v1/insurances/{id}/card/replacement" => {
                        Some(("{id}", w.jean_insurance.clone()))
                    }
                    "/status/{n}" => Some(("{n}", "0".to_string())),
                    "/api/v1/people/{id}/statement"
                    | "/api/v1/people/{id}/statement/pdf"
                    | "/api/v1/people/{id}/visas" => Some(("{id}", w.anna.clone())),
                    "/api/v1/claims/{id}" | "/api/v1/claims/{id}/steps" => {
                        Some(("{id}", w.anna_claim.clone()))
                    }
                    _ => None,
                };
                let body = body_for(&mut w, row, who);
                let c = w.client(who);
                match resource {
                    Some((name, value)) => {
                        let path = row.path.replace(name, &value);
                        let (s, out) = send(c, row.method, &path, body.clone()).await;
                        let other = match name {
                            "{number}" => &missing_permit,
                            "{n}" => "4096",
                            _ => &missing_id,
                        };
                        let path = row.path.replace(name, other);
                        let missing = send(c, row.method, &path, body).await;
                        (s, out, Some(missing))
                    }
                    None => {
                        let (s, out) = send(c, row.method, row.path, body).await;
                        (s, out, None)
                    }
                }
            };
            if status.as_u16() != expected {
                failures.push(format!(
                    "{label}: expected {expected}, got {status}: {body}"
                ));
            }
            // Outside the caller's scope must answer exactly as missing; a role's refusal must
            // not depend on whether the resource exists.
            if let Some((ms, mbody)) = missing {
                let want = for_missing(expected);
                if ms.as_u16() != want {
                    failures.push(format!(
                        "{label}, resource missing: expected {want}, got {ms}: {mbody}"
                    ));
                } else if expected == 404 && status.as_u16() == 404 && body["code"] != mbody["code"]
                {
                    failures.push(format!(
                        "{label}: out of scope answers {body}, missing answers {mbody}"
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of the matrix's cells differ:\n{}",
        failures.len(),
        failures.join("\n")
    );

    lists_hold_only_what_is_in_scope(&w).await;
    api_tokens_make_no_tokens(&w).await;
    audit_chain_intact(&w).await;
    w.srv.stop().await;
}

async fn list(c: &Client, path: &str) -> Vec<Value> {
    let (s, v) = c.get(path).await;
    assert_eq!(s, StatusCode::OK, "{path}: {v}");
    v.as_array().expect("a list").clone()
}

fn all_have(rows: &[Value], field: &str, value: &str) -> bool {
    rows.iter().all(|r| r[field] == value)
}

fn none_have(rows: &[Value], field: &str, value: &str) -> bool {
    rows.iter().all(|r| r[field] != value)
}

async fn lists_hold_only_what_is_in_scope(w: &World) {
    let (e1, e2) = (w.employer.as_str(), w.employer2.as_str());

    // Each employer's HR sees its own applications, people and permits, and nothing of the other.
    for (who, own, other) in [(Who::Hr, e1, e2), (Who::Hr2, e2, e1)] {
        let c = w.client(who);
        for path in ["/api/v1/applications", "/api/v1/people", "/api/v1/permits"] {
            let rows = list(c, path).await;
            assert!(!rows.is_empty(), "{who:?} {path}: nothing of its own");
            assert!(
                all_have(&rows, "employer_id", own) && none_have(&rows, "employer_id", other),
                "{who:?} {path} shows another employer's rows: {rows:?}"
            );
        }
        let employers = list(c, "/api/v1/employers").await;
        assert_eq!(employers.len(), 1, "{who:?}: {employers:?}");
        assert_eq!(employers[0]["id"], own);
    }

    // Officers see their city only, in the queue as in the full list.
    for (who, own, other) in [
        (Who::OfficerBeijing, "110000", "310000"),
        (Who::OfficerShanghai, "310000", "110000"),
    ] {
        let c = w.client(who);
        for path in [
            "/api/v1/applications?queue=true",
            "/api/v1/applications",
            "/api/v1/permits",
            "/api/v1/employers",
        ] {
            let rows = list(c, path).await;
            assert!(!rows.is_empty(), "{who:?} {path}: nothing of its city");
            assert!(
                all_have(&rows, "city", own) && none_have(&rows, "city", other),
                "{who:?} {path} shows another city's rows: {rows:?}"
            );
        }
        let queue = list(c, "/api/v1/applications?queue=true").await;
        assert!(
            queue.iter().all(
                |a| ["submitted", "pre_reviewed", "accepted", "under_review"]
                    .contains(&a["state"].as_str().unwrap())
            ),
            "{who:?}'s queue holds what does not await the authority: {queue:?}"
        );
    }
    let queue = list(
        w.client(Who::OfficerBeijing),
        "/api/v1/applications?queue=true",
    )
    .await;
    assert!(
        queue.iter().any(|a| a["id"] == w.application.as_str()),
        "Beijing's queue lacks Anna's application"
    );
    for who in [Who::Immigration, Who::Social] {
        let c = w.client(who);
        for path in ["/api/v1/permits", "/api/v1/employers"] {
            let rows = list(c, path).await;
            assert!(
                !rows.is_empty() && all_have(&rows, "city", "110000"),
                "{who:?} {path}: {rows:?}"
            );
        }
    }

    // Applicants see their own applications and permits only.
    let (_, me) = w.client(Who::Jean).get("/api/v1/me").await;
    let jean = me["person_id"].as_str().unwrap();
    let anna_apps = list(w.client(Who::Anna), "/api/v1/applications").await;
    assert!(!anna_apps.is_empty() && all_have(&anna_apps, "person_id", &w.anna));
    assert!(
        list(w.client(Who::Jean), "/api/v1/applications")
            .await
            .is_empty()
    );
    let anna_permits = list(w.client(Who::Anna), "/api/v1/permits").await;
    assert!(
        all_have(&anna_permits, "holder_id", &w.anna),
        "{anna_permits:?}"
    );
    let jean_permits = list(w.client(Who::Jean), "/api/v1/permits").await;
    assert!(
        !jean_permits.is_empty() && all_have(&jean_permits, "holder_id", jean),
        "{jean_permits:?}"
    );
}

/// A token acts as its HR account but makes no tokens.
async fn api_tokens_make_no_tokens(w: &World) {
    let (s, t) = w
        .client(Who::Hr)
        .post("/api/v1/api-tokens", json!({ "name": "integration" }))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    let mut bearer = w.srv.client();
    bearer.bearer = Some(t["token"].as_str().unwrap().to_string());
    let (s, me) = bearer.get("/api/v1/me").await;
    assert_eq!((s, me["username"].as_str()), (StatusCode::OK, Some("hr")));
    let (s, e) = bearer
        .post("/api/v1/api-tokens", json!({ "name": "another" }))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
}

async fn audit_chain_intact(w: &World) {
    store::verify_audit(&*w.srv.store)
        .await
        .expect("read the audit chain")
        .expect("audit chain intact");
}
