//! A real server on 127.0.0.1:0 over a fresh database with the demo data, and a small HTTP
//! client that keeps its session and CSRF cookies.
#![allow(dead_code, unused_macros)]

use reqwest::StatusCode;
use serde_json::{Value, json};
use server::clock::{Clock, SystemClock};
use server::config::Config;
use std::sync::Arc;
use store::Store;
use store::testing::TestDb;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use server::demo::DEMO_PASSWORD;

/// Runs `$body(srv)` as two tests: on a fresh SQLite file and on a fresh PostgreSQL database.
macro_rules! on_both {
    ($body:ident, $sqlite:ident, $postgres:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $sqlite() {
            $body(TestServer::sqlite().await).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $postgres() {
            if let Some(srv) = TestServer::postgres(stringify!($body)).await {
                $body(srv).await;
            }
        }
    };
}

/// Runs `$body(db)` as two tests: on a fresh SQLite file and on a fresh PostgreSQL database,
/// for tests that start their server themselves.
macro_rules! on_both_db {
    ($body:ident, $sqlite:ident, $postgres:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $sqlite() {
            $body(TestDb::sqlite()).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $postgres() {
            if let Some(db) = TestDb::postgres(stringify!($body)).await {
                $body(db).await;
            }
        }
    };
}

/// Changes made to a test server's configuration before it starts.
pub type Tweak = Arc<dyn Fn(&mut Config) + Send + Sync>;

pub struct TestServer {
    pub base: String,
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    running: Running,
    tweak: Tweak,
    // Last, so that the database outlives the server.
    pub db: TestDb,
}

impl TestServer {
    pub async fn sqlite() -> TestServer {
        TestServer::start(TestDb::sqlite(), Arc::new(SystemClock)).await
    }

    /// `None` when no PostgreSQL test server is configured (the skip is printed).
    pub async fn postgres(test: &str) -> Option<TestServer> {
        Some(TestServer::start(TestDb::postgres(test).await?, Arc::new(SystemClock)).await)
    }

    pub async fn start(db: TestDb, clock: Arc<dyn Clock>) -> TestServer {
        TestServer::start_with(db, clock, Arc::new(|_: &mut Config| {})).await
    }

    /// A server whose configuration `tweak` changes (SMTP, the delivery worker…).
    pub async fn start_with(db: TestDb, clock: Arc<dyn Clock>, tweak: Tweak) -> TestServer {
        let store = db.open().await;
        server::demo::seed(&*store, &*clock)
            .await
            .expect("seed demo data");
        let sealing = credential::SealingKey::parse(server::config::DEMO_SEALING_KEY).expect("key");
        server::services::issuer::ensure_keys(&*store, &sealing, clock.now())
            .await
            .expect("issuer keys");
        let (base, running) = serve(store.clone(), clock.clone(), &db.url, &tweak).await;
        TestServer {
            base,
            store,
            clock,
            running,
            tweak,
            db,
        }
    }

    /// The configuration this server runs with.
    pub fn config(&self) -> Config {
        test_config(&self.db.url, &self.tweak)
    }

    /// Stops serving, as a process that exits would, but keeps the database.
    pub async fn stop_serving(&mut self) {
        self.running.stop().await;
    }

    /// A second server on the same database with another configuration.
    pub async fn peer_with(&self, tweak: Tweak) -> Peer {
        let store = store::open(
            &self.db.url,
            &store::OpenOptions::new(store::DataKey::demo()),
        )
        .await
        .expect("open the database again");
        let (base, running) = serve(store.clone(), self.clock.clone(), &self.db.url, &tweak).await;
        Peer {
            base,
            store,
            running,
        }
    }

    /// A second server process on the same database, as a deployment behind a load balancer
    /// runs it: its own store (connections), its own submission writer.
    pub async fn peer(&self) -> Peer {
        let store = store::open(
            &self.db.url,
            &store::OpenOptions::new(store::DataKey::demo()),
        )
        .await
        .expect("open the database again");
        let (base, running) =
            serve(store.clone(), self.clock.clone(), &self.db.url, &self.tweak).await;
        Peer {
            base,
            store,
            running,
        }
    }

    pub fn client(&self) -> Client {
        Client {
            http: reqwest::Client::new(),
            base: self.base.clone(),
            session: None,
            csrf: None,
            bearer: None,
            lang: None,
        }
    }

    /// A client signed in through the API as a demo account.
    pub async fn sign_in(&self, username: &str) -> Client {
        let mut c = self.client();
        let (status, body) = c.sign_in(username, DEMO_PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "sign in as {username}: {body}");
        c
    }

    pub async fn stop(mut self) {
        self.running.stop().await;
        self.store.close().await;
    }
}

/// A server task; told to stop when dropped.
struct Running {
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl Running {
    async fn stop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// A test server's configuration: the defaults, without the limit on sign-in attempts per
/// address (every test signs in from 127.0.0.1, many times), then `tweak`.
fn test_config(url: &str, tweak: &Tweak) -> Config {
    let mut config = Config::for_url(url.to_string());
    config.sign_in_per_minute = 0;
    tweak(&mut config);
    config
}

/// Serves `store` on a free loopback port until stopped.
async fn serve(
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    url: &str,
    tweak: &Tweak,
) -> (String, Running) {
    let config = test_config(url, tweak);
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let state = server::app::state(store, clock, config);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(server::app::serve(listener, state, async move {
        let _ = stopped.await;
    }));
    let running = Running {
        stop: Some(stop),
        task: Some(task),
    };
    (base, running)
}

pub struct Peer {
    pub base: String,
    store: Arc<dyn Store>,
    running: Running,
}

impl Peer {
    /// `c`, speaking to this server instead: the session and token are valid on both.
    pub fn client(&self, c: &Client) -> Client {
        Client {
            base: self.base.clone(),
            ..c.clone()
        }
    }

    pub async fn stop(mut self) {
        self.running.stop().await;
        self.store.close().await;
    }
}

#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub session: Option<String>,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
    pub lang: Option<String>,
}

fn cookie_value(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

impl Client {
    pub async fn sign_in(&mut self, username: &str, password: &str) -> (StatusCode, Value) {
        let res = self
            .http
            .post(format!("{}/api/v1/session", self.base))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .expect("request");
        if let Some(s) = cookie_value(&res, "onecard_session") {
            self.session = Some(s);
        }
        if let Some(c) = cookie_value(&res, "onecard_csrf") {
            self.csrf = Some(c);
        }
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// A request with this client's cookies, CSRF header, bearer token and language.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut r = self.http.request(method, format!("{}{}", self.base, path));
        let mut cookies = vec![];
        if let Some(s) = &self.session {
            cookies.push(format!("onecard_session={s}"));
        }
        if let Some(c) = &self.csrf {
            cookies.push(format!("onecard_csrf={c}"));
            r = r.header("x-csrf-token", c);
        }
        if !cookies.is_empty() {
            r = r.header(reqwest::header::COOKIE, cookies.join("; "));
        }
        if let Some(b) = &self.bearer {
            r = r.bearer_auth(b);
        }
        if let Some(l) = &self.lang {
            r = r.header(reqwest::header::ACCEPT_LANGUAGE, l);
        }
        r
    }

    pub async fn send(r: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let res = r.send().await.expect("request");
        let status = res.status();
        let text = res.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        Self::send(self.request(reqwest::Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        Self::send(self.request(reqwest::Method::POST, path).json(&body)).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        Self::send(self.request(reqwest::Method::DELETE, path)).await
    }
}

/// The id of a demo person by surname, as the HR account sees them.
pub async fn person_id(hr: &Client, surname: &str) -> String {
    let (s, people) = hr.get("/api/v1/people").await;
    assert_eq!(s, StatusCode::OK, "{people}");
    people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["surname"] == surname)
        .expect("demo person")["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A new-permit application for Anna, submitted at once. Returns its JSON.
pub async fn submit_new(hr: &Client) -> Value {
    let pid = person_id(hr, "MÜLLER").await;
    let (s, app) = hr
        .post(
            "/api/v1/applications",
            json!({
                "kind": "new", "person_id": pid, "position": "Data Scientist", "annual_salary": "480000",
                "contract_start": "2027-01-01", "contract_end": "2029-12-31", "submit": true
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{app}");
    app
}

/// Takes a step as `who`, on the version given; returns status and body.
pub async fn step(
    who: &Client,
    app_id: &str,
    action: &str,
    version: i64,
    extra: Value,
) -> (StatusCode, Value) {
    let mut body = json!({ "action": action, "version": version });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    who.post(&format!("/api/v1/applications/{app_id}/transitions"), body)
        .await
}

/// Takes a submitted application through pre-review and acceptance into review; returns the
/// version to decide on.
pub async fn to_review(officer: &Client, app: &Value) -> i64 {
    let app_id = app["id"].as_str().expect("an id").to_string();
    let mut v = app["version"].as_i64().expect("a version");
    for action in ["pass_pre_review", "accept", "start_review"] {
        let (s, a) = step(officer, &app_id, action, v, json!({})).await;
        assert_eq!(s, StatusCode::OK, "{action}: {a}");
        v = a["version"].as_i64().expect("a version");
    }
    v
}

/// Takes a submitted application through pre-review, acceptance and review to approval.
pub async fn approve(officer: &Client, app: &Value, grant: Value) -> Value {
    let id = app["id"].as_str().unwrap();
    let mut version = app["version"].as_i64().unwrap();
    for action in ["pass_pre_review", "accept", "start_review"] {
        let (s, a) = step(officer, id, action, version, json!({})).await;
        assert_eq!(s, StatusCode::OK, "{action}: {a}");
        version = a["version"].as_i64().unwrap();
    }
    let (s, a) = step(officer, id, "approve", version, grant).await;
    assert_eq!(s, StatusCode::OK, "approve: {a}");
    a
}

/// A grant for a category B permit starting today, for a year.
pub fn grant_b() -> Value {
    let today = SystemClock.today();
    json!({ "category": "B", "valid_from": today.to_string(), "valid_to": (today + chrono::Days::new(365)).to_string() })
}

impl Client {
    /// A POST with a raw body and the given content type, for requests `post` cannot make.
    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> (StatusCode, Value) {
        Self::send(
            self.request(reqwest::Method::POST, path)
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(body),
        )
        .await
    }
}

/// The number of records on the audit chain, which must be intact.
pub async fn audit_records(srv: &TestServer) -> i64 {
    store::verify_audit(&*srv.store)
        .await
        .expect("read the audit chain")
        .expect("audit chain intact")
}

// A browser without JavaScript, for the pages.

use reqwest::header::{ACCEPT_LANGUAGE, COOKIE, LOCATION, SET_COOKIE};
use std::collections::BTreeMap;

/// A browser that keeps its cookies and follows no redirect, so that each can be checked.
pub struct Browser {
    pub http: reqwest::Client,
    pub base: String,
    pub cookies: BTreeMap<String, String>,
    pub lang: Option<&'static str>,
}

/// What came back: status, where it redirects to, and the page.
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
}

pub fn encode(pairs: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

impl Browser {
    pub fn new(srv: &TestServer) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            base: srv.base.clone(),
            cookies: BTreeMap::new(),
            lang: None,
        }
    }

    pub fn csrf(&self) -> String {
        self.cookies
            .get("onecard_csrf")
            .cloned()
            .expect("a CSRF cookie")
    }

    pub async fn send(&mut self, r: reqwest::RequestBuilder) -> Page {
        let mut r = r;
        if !self.cookies.is_empty() {
            let c: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            r = r.header(COOKIE, c.join("; "));
        }
        if let Some(l) = self.lang {
            r = r.header(ACCEPT_LANGUAGE, l);
        }
        let res = r.send().await.expect("request");
        for v in res.headers().get_all(SET_COOKIE) {
            let v = v.to_str().expect("ASCII cookie");
            let (kv, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = kv.split_once('=').expect("name=value");
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), val.to_string());
            }
        }
        Page {
            status: res.status(),
            location: res
                .headers()
                .get(LOCATION)
                .map(|l| l.to_str().unwrap().to_string()),
            body: res.text().await.expect("body"),
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let r = self.http.get(format!("{}{path}", self.base));
        self.send(r).await
    }

    /// Posts a form with this browser's CSRF token.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.csrf();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts a form as given, token or not.
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(encode(fields));
        self.send(r).await
    }

    /// Signs in through the sign-in form; returns where it sent us.
    pub async fn sign_in(srv: &TestServer, username: &str) -> (Browser, String) {
        let mut b = Browser::new(srv);
        let login = b.get("/login").await;
        assert_eq!(login.status, StatusCode::OK);
        let p = b
            .post(
                "/login",
                &[("username", username), ("password", DEMO_PASSWORD)],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "sign in as {username}");
        assert!(b.cookies.contains_key("onecard_session"));
        (b, p.location.expect("a redirect"))
    }
}

/// Registers `person`'s social insurance in Beijing as of `from`, with the demo employer, the
/// way the agency's decision writes it (the flow itself is tested in one_stop.rs): so that past
/// months may be declared.
pub async fn insure(srv: &TestServer, person: &str, employer: &str, from: &str) {
    use domain::insurance::*;
    let from = chrono::NaiveDate::parse_from_str(from, "%Y-%m-%d").unwrap();
    let at = from.and_hms_opt(2, 0, 0).unwrap().and_utc();
    let i = Insurance {
        id: domain::ids::InsuranceId(uuid::Uuid::now_v7()),
        person_id: domain::ids::PersonId(person.parse().unwrap()),
        employer_id: domain::ids::EmployerId(employer.parse().unwrap()),
        city: domain::city::City::parse("city", "110000").unwrap(),
        permit_number: domain::numbers::PermitNumber::new("110000", from, 990_001).unwrap(),
        permit_check: PermitCheck::SharedRecord,
        state: InsuranceState::Registered,
        version: 2,
        ssn: domain::numbers::SocialSecurityNumber::new("110000", from, 990_001),
        requested_at: at,
        decided_at: Some(at),
        refusal: Vec::new(),
    };
    let mut tx = srv.store.begin().await.unwrap();
    tx.insert_insurance(&i).await.unwrap();
    tx.commit().await.unwrap();
}

/// Asserts that no table of the server's database holds any of `plain` in clear: identity
/// numbers are sealed at rest, and nothing (audit records, notices, events) copies them out.
/// Compared in any case (account names are lower case).
pub async fn assert_sealed_at_rest(srv: &TestServer, plain: &[&str]) {
    let plain: Vec<String> = plain.iter().map(|p| p.to_lowercase()).collect();
    let leaks: Vec<String> = store::testing::dump(&srv.db.url)
        .await
        .into_iter()
        .flat_map(|(table, rows)| rows.into_iter().map(move |r| format!("{table}: {r}")))
        .filter(|r| {
            let r = r.to_lowercase();
            plain.iter().any(|p| r.contains(p.as_str()))
        })
        .collect();
    assert!(leaks.is_empty(), "in clear at rest: {leaks:#?}");
}
