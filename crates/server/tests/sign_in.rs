//! Sign-in protection: failures counted per username in the database and locked with notice to
//! the holder, delays that grow, attempts limited per address, sessions that rotate and expire,
//! cookie flags, and the security headers on every kind of response.

#[macro_use]
mod common;
use chrono::{DateTime, Duration, DurationRound, Utc};
use common::*;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER, SET_COOKIE};
use serde_json::{Value, json};
use server::clock::{Clock, FixedClock, china_time};
use server::config::Config;
use std::sync::Arc;
use std::time::Instant;
use store::testing::TestDb;

/// Like `on_both!`, for a server whose clock stands still until moved, with its sign-in
/// settings changed by `$tweak`.
macro_rules! on_both_fixed {
    ($body:ident, $tweak:expr, $sqlite:ident, $postgres:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $sqlite() {
            let clock = Arc::new(FixedClock::new(start()));
            let srv = TestServer::start_with(TestDb::sqlite(), clock.clone(), $tweak).await;
            $body(srv, clock).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $postgres() {
            if let Some(db) = TestDb::postgres(stringify!($body)).await {
                let clock = Arc::new(FixedClock::new(start()));
                let srv = TestServer::start_with(db, clock.clone(), $tweak).await;
                $body(srv, clock).await;
            }
        }
    };
}

/// A moment 10 seconds into a minute, to the microsecond (what both databases keep).
fn start() -> DateTime<Utc> {
    Utc::now().duration_trunc(Duration::minutes(1)).unwrap() + Duration::seconds(10)
}

const WRONG: &str = "Wrong-Password-1";

/// Three failures lock for 15 minutes; short delays, so that the tests run quickly.
fn three_strikes() -> Tweak {
    Arc::new(|c: &mut Config| {
        c.sign_in_max_failures = 3;
        c.sign_in_lock = std::time::Duration::from_secs(15 * 60);
        c.sign_in_delay_step = std::time::Duration::from_millis(10);
    })
}

/// A sign-in through the API, as a client holding no cookie: status, headers, body.
async fn api_sign_in(
    srv: &TestServer,
    username: &str,
    password: &str,
) -> (StatusCode, HeaderMap, Value) {
    api_sign_in_with(srv, username, password, &[]).await
}

async fn api_sign_in_with(
    srv: &TestServer,
    username: &str,
    password: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Value) {
    api_sign_in_at(&srv.base, username, password, headers).await
}

async fn api_sign_in_at(
    base: &str,
    username: &str,
    password: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Value) {
    let mut r = reqwest::Client::new()
        .post(format!("{base}/api/v1/session"))
        .json(&json!({ "username": username, "password": password }));
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    let res = r.send().await.expect("request");
    let status = res.status();
    let h = res.headers().clone();
    (status, h, res.json().await.unwrap_or(Value::Null))
}

/// The `Set-Cookie` header that sets `name`.
fn set_cookie<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
}

fn cookie_value(h: &HeaderMap, name: &str) -> Option<String> {
    set_cookie(h, name)
        .and_then(|v| v.split(';').next())
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v.to_string())
}

fn retry_after(h: &HeaderMap) -> Option<u64> {
    h.get(RETRY_AFTER)?.to_str().ok()?.parse().ok()
}

async fn account(srv: &TestServer, username: &str) -> store::Account {
    let mut tx = srv.store.begin_read().await.unwrap();
    tx.account_by_username(username)
        .await
        .unwrap()
        .expect("demo account")
}

// ------------------------------------------------------------------------------------------------
// Per account.

/// Three failures lock anna's account: even her password is refused, with the time it unlocks;
/// the lock is audited, anna is told in both languages, and it ends on time.
async fn failures_lock_the_account(srv: TestServer, clock: Arc<FixedClock>) {
    let t0 = clock.now();
    let until = t0 + Duration::minutes(15);
    for _ in 0..2 {
        let (s, h, body) = api_sign_in(&srv, "anna", WRONG).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(body["code"], "invalid_credentials");
        assert_eq!(retry_after(&h), None);
    }
    let audit_before = audit_records(&srv).await;
    // The third locks, and says so.
    let (s, h, body) = api_sign_in(&srv, "anna", WRONG).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["code"], "sign_in_locked");
    assert_eq!(body["retry_after"], 15 * 60);
    assert_eq!(retry_after(&h), Some(15 * 60));
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains(&china_time(until)),
        "{body}"
    );
    // The right password is refused alike, and no session is made.
    let (s, h, right) = api_sign_in(&srv, "anna", DEMO_PASSWORD).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(right, body);
    assert!(set_cookie(&h, "onecard_session").is_none());
    // In Chinese, through the sign-in form.
    let mut b = Browser::new(&srv);
    b.lang = Some("zh-CN");
    b.get("/login").await;
    let p = b
        .post(
            "/login",
            &[("username", "anna"), ("password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(p.body.contains("登录失败次数过多"), "{}", p.body);
    assert!(p.body.contains(&china_time(until)));
    assert!(!b.cookies.contains_key("onecard_session"));

    // One audit record, and one notice to anna.
    let anna = account(&srv, "anna").await;
    assert_eq!(audit_records(&srv).await, audit_before + 1);
    let mut tx = srv.store.begin_read().await.unwrap();
    let trail = tx.audit_of(&anna.id.to_string()).await.unwrap();
    assert_eq!(
        trail
            .iter()
            .filter(|p| p.contains("account.locked"))
            .count(),
        1,
        "{trail:?}"
    );
    let person = anna.scope.person_id().expect("anna is a holder");
    let notices = tx
        .notices(domain::notice::Recipient::Person(person), 50)
        .await
        .unwrap();
    drop(tx);
    let locked: Vec<_> = notices
        .iter()
        .filter(|n| n.topic.as_str() == "account_locked")
        .collect();
    assert_eq!(locked.len(), 1);
    let catalog = server::i18n::Catalog::default();
    let en = server::services::notifications::render(&catalog, server::i18n::Locale::En, locked[0]);
    let zh = server::services::notifications::render(&catalog, server::i18n::Locale::Zh, locked[0]);
    assert!(
        en.title.contains("locked") && en.title.contains(&china_time(until)),
        "{en:?}"
    );
    assert!(
        zh.title.contains("锁定") && zh.body.contains(&china_time(until)),
        "{zh:?}"
    );

    // Still locked a second before it ends; then the password works, and the notice is there.
    clock.set(until - Duration::seconds(1));
    let (s, _, body) = api_sign_in(&srv, "anna", DEMO_PASSWORD).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["retry_after"], 1);
    clock.set(until);
    let anna = srv.sign_in("anna").await;
    let (s, inbox) = anna.get("/api/v1/inbox").await;
    assert_eq!(s, StatusCode::OK, "{inbox}");
    assert!(inbox.to_string().contains("account_locked"), "{inbox}");
    // Locking an account without a holder (an HR account) tells no one, but is audited.
    for _ in 0..3 {
        api_sign_in(&srv, "hr", WRONG).await;
    }
    let hr = account(&srv, "hr").await;
    let mut tx = srv.store.begin_read().await.unwrap();
    let trail = tx.audit_of(&hr.id.to_string()).await.unwrap();
    assert!(trail.iter().any(|p| p.contains("account.locked")));
    drop(tx);
    srv.stop().await;
}

on_both_fixed!(
    failures_lock_the_account,
    three_strikes(),
    sqlite_failures_lock_the_account,
    postgres_failures_lock_the_account
);

/// A success forgets the failures before it: failures either side of it do not add up.
async fn success_resets_the_count(srv: TestServer, _clock: Arc<FixedClock>) {
    for round in 0..3 {
        for _ in 0..2 {
            let (s, _, body) = api_sign_in(&srv, "jean", WRONG).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "round {round}: {body}");
        }
        let (s, _, body) = api_sign_in(&srv, "jean", DEMO_PASSWORD).await;
        assert_eq!(s, StatusCode::OK, "round {round}: {body}");
    }
    // Without a success between, the third failure locks.
    for _ in 0..2 {
        api_sign_in(&srv, "jean", WRONG).await;
    }
    let (s, _, body) = api_sign_in(&srv, "jean", WRONG).await;
    assert_eq!(
        (s, body["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("sign_in_locked"))
    );
    srv.stop().await;
}

on_both_fixed!(
    success_resets_the_count,
    three_strikes(),
    sqlite_success_resets_the_count,
    postgres_success_resets_the_count
);

/// A username no account has answers exactly as one that exists: the same errors, then the
/// same lock with the same message; and nothing is written about an account.
async fn unknown_names_answer_as_known_ones(srv: TestServer, _clock: Arc<FixedClock>) {
    let audit = audit_records(&srv).await;
    for step in 0..4 {
        let known = api_sign_in(&srv, "jean", WRONG).await;
        let unknown = api_sign_in(&srv, "nobody.here", WRONG).await;
        assert_eq!(known.0, unknown.0, "step {step}");
        assert_eq!(known.2, unknown.2, "step {step}");
        assert_eq!(
            retry_after(&known.1),
            retry_after(&unknown.1),
            "step {step}"
        );
    }
    let (_, _, last) = api_sign_in(&srv, "Nobody.Here ", DEMO_PASSWORD).await;
    assert_eq!(
        last["code"], "sign_in_locked",
        "names are normalised: {last}"
    );
    // Jean's lock is the one record.
    assert_eq!(audit_records(&srv).await, audit + 1);
    srv.stop().await;
}

on_both_fixed!(
    unknown_names_answer_as_known_ones,
    three_strikes(),
    sqlite_unknown_names_answer_as_known_ones,
    postgres_unknown_names_answer_as_known_ones
);

/// Each failure waits longer than the one before (100 ms a failure here), known name or not;
/// a success does not wait.
async fn failures_slow_down(srv: TestServer, _clock: Arc<FixedClock>) {
    for name in ["anna", "no.such.user"] {
        for n in 1..=3u32 {
            let t = Instant::now();
            let (s, _, _) = api_sign_in(&srv, name, WRONG).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED);
            let took = t.elapsed();
            assert!(
                took >= std::time::Duration::from_millis(100) * n,
                "{name}: failure {n} answered after {took:?}"
            );
        }
    }
    let t = Instant::now();
    let (s, _, _) = api_sign_in(&srv, "anna", DEMO_PASSWORD).await;
    assert_eq!(s, StatusCode::OK);
    // Hashing takes some time in a debug build, but not the 400 ms a fourth failure would.
    assert!(t.elapsed() < std::time::Duration::from_millis(400) + hash_allowance());
    srv.stop().await;
}

/// What checking a password may take on a loaded test machine.
fn hash_allowance() -> std::time::Duration {
    std::time::Duration::from_secs(3)
}

on_both_fixed!(
    failures_slow_down,
    Arc::new(|c: &mut Config| {
        c.sign_in_max_failures = 10;
        c.sign_in_delay_step = std::time::Duration::from_millis(100);
    }),
    sqlite_failures_slow_down,
    postgres_failures_slow_down
);

// ------------------------------------------------------------------------------------------------
// Per address.

/// Four attempts a minute from one address: the fifth is refused with the seconds to the next
/// minute, the right password too, on the form in the viewer's language too; a forwarded address
/// counts apart only where a proxy is trusted.
async fn attempts_per_address(srv: TestServer, clock: Arc<FixedClock>) {
    let t0 = clock.now();
    for i in 0..4 {
        let who = if i % 2 == 0 { "hr" } else { "officer.beijing" };
        let (s, _, body) = api_sign_in(&srv, who, WRONG).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "attempt {i}: {body}");
    }
    let (s, h, body) = api_sign_in(&srv, "admin", DEMO_PASSWORD).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["code"], "too_many_attempts");
    // The clock stands 10 s into the minute.
    assert_eq!(retry_after(&h), Some(50));
    assert_eq!(body["retry_after"], 50);
    assert!(set_cookie(&h, "onecard_session").is_none());

    let mut b = Browser::new(&srv);
    b.lang = Some("zh-CN");
    b.get("/login").await;
    let p = b
        .post(
            "/login",
            &[("username", "admin"), ("password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(p.body.contains("登录尝试过多"), "{}", p.body);
    assert!(p.body.contains("50"), "{}", p.body);

    // A client cannot claim another address where no proxy is trusted.
    let forwarded = [("x-forwarded-for", "203.0.113.5")];
    let (s, _, _) = api_sign_in_with(&srv, "admin", DEMO_PASSWORD, &forwarded).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    // Behind a trusted proxy (another server process on the same database), the address the
    // proxy appended counts, and this one has made no attempt.
    let proxied = srv
        .peer_with(Arc::new(|c: &mut Config| {
            c.trusted_proxies = 1;
            c.sign_in_per_minute = 4;
        }))
        .await;
    let (s, _, body) = api_sign_in_at(
        &proxied.base,
        "admin",
        DEMO_PASSWORD,
        &[("x-forwarded-for", "127.0.0.1, 203.0.113.5")],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    // The count is the database's: the proxied server refuses the peer address too.
    let (s, _, _) = api_sign_in_at(&proxied.base, "admin", DEMO_PASSWORD, &[]).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    proxied.stop().await;

    // Card registration answers whether a name and a permit number go together: it counts
    // against the same limit, and is refused with nothing registered.
    let mut card = Browser::new(&srv);
    card.get("/card/register").await;
    let p = card
        .post(
            "/card/register",
            &[
                ("surname", "DUPONT"),
                ("given_names", "Jean"),
                ("permit_number", "P11000020230000001"),
                ("password", "A-long-Password-2026"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS, "{}", p.body);

    // The next minute starts a new count.
    clock.set(t0 + Duration::seconds(50));
    let (s, _, body) = api_sign_in(&srv, "admin", DEMO_PASSWORD).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    srv.stop().await;
}

on_both_fixed!(
    attempts_per_address,
    Arc::new(|c: &mut Config| {
        c.sign_in_per_minute = 4;
        c.sign_in_delay_step = std::time::Duration::from_millis(10);
    }),
    sqlite_attempts_per_address,
    postgres_attempts_per_address
);

// ------------------------------------------------------------------------------------------------
// Sessions and cookies.

/// Signing in again, through the form or the API, ends the session the client held.
async fn sessions_rotate(srv: TestServer) {
    let (mut b, _) = Browser::sign_in(&srv, "hr").await;
    let first = b.cookies["onecard_session"].clone();
    assert_eq!(b.get("/employer").await.status, StatusCode::OK);
    let p = b
        .post("/login", &[("username", "hr"), ("password", DEMO_PASSWORD)])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let second = b.cookies["onecard_session"].clone();
    assert_ne!(first, second);
    assert_eq!(b.get("/employer").await.status, StatusCode::OK);
    let mut old = srv.client();
    old.session = Some(first.clone());
    assert_eq!(old.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);

    // Through the API, holding the second.
    let cookie = format!("onecard_session={second}");
    let (s, h, body) = api_sign_in_with(&srv, "hr", DEMO_PASSWORD, &[("cookie", &cookie)]).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let third = cookie_value(&h, "onecard_session").expect("a new session");
    assert!(third != first && third != second);
    old.session = Some(second);
    assert_eq!(old.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    old.session = Some(third);
    assert_eq!(old.get("/api/v1/me").await.0, StatusCode::OK);

    // Signing in elsewhere without the cookie leaves other sessions alone.
    let other = srv.sign_in("hr").await;
    assert_eq!(old.get("/api/v1/me").await.0, StatusCode::OK);
    assert_eq!(other.get("/api/v1/me").await.0, StatusCode::OK);
    srv.stop().await;
}

on_both!(
    sessions_rotate,
    sqlite_sessions_rotate,
    postgres_sessions_rotate
);

/// A session is refused once its time is up, by the API and the pages.
async fn sessions_expire(srv: TestServer, clock: Arc<FixedClock>) {
    let t0 = clock.now();
    let ttl = Duration::from_std(srv.config().session_ttl).unwrap();
    let (mut b, home) = Browser::sign_in(&srv, "hr").await;
    let api = srv.sign_in("hr").await;
    clock.set(t0 + ttl - Duration::seconds(1));
    assert_eq!(api.get("/api/v1/me").await.0, StatusCode::OK);
    assert_eq!(b.get(&home).await.status, StatusCode::OK);
    clock.set(t0 + ttl);
    let (s, body) = api.get("/api/v1/me").await;
    assert_eq!(
        (s, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthenticated"))
    );
    let p = b.get(&home).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(p.location.as_deref(), Some("/login"));
    srv.stop().await;
}

on_both_fixed!(
    sessions_expire,
    Arc::new(|_: &mut Config| {}),
    sqlite_sessions_expire,
    postgres_sessions_expire
);

/// Session and CSRF cookies are HttpOnly and SameSite; Secure when the service is reached over
/// TLS (an https:// public URL), not otherwise (a browser would drop them over plain HTTP).
async fn cookie_flags(srv: TestServer) {
    let attrs =
        |c: &str| -> Vec<String> { c.split(';').skip(1).map(|a| a.trim().to_string()).collect() };
    let (s, h, _) = api_sign_in(&srv, "hr", DEMO_PASSWORD).await;
    assert_eq!(s, StatusCode::OK);
    for name in ["onecard_session", "onecard_csrf"] {
        let a = attrs(set_cookie(&h, name).expect(name));
        assert!(a.contains(&"HttpOnly".to_string()), "{name}: {a:?}");
        assert!(a.contains(&"SameSite=Lax".to_string()), "{name}: {a:?}");
        assert!(a.contains(&"Path=/".to_string()), "{name}: {a:?}");
        assert!(!a.contains(&"Secure".to_string()), "{name}: {a:?}");
    }
    let tls = srv
        .peer_with(Arc::new(|c: &mut Config| {
            c.public_url = "https://onecard.example.org".into();
        }))
        .await;
    let (s, h, _) = api_sign_in_at(&tls.base, "hr", DEMO_PASSWORD, &[]).await;
    assert_eq!(s, StatusCode::OK);
    for name in ["onecard_session", "onecard_csrf"] {
        let a = attrs(set_cookie(&h, name).expect(name));
        assert!(a.contains(&"Secure".to_string()), "{name}: {a:?}");
        assert!(a.contains(&"HttpOnly".to_string()), "{name}: {a:?}");
        assert!(a.contains(&"SameSite=Lax".to_string()), "{name}: {a:?}");
    }
    // The page's CSRF cookie and the form's session cookie too.
    let res = reqwest::get(format!("{}/login", tls.base)).await.unwrap();
    let a = attrs(set_cookie(res.headers(), "onecard_csrf").expect("a CSRF cookie"));
    assert!(
        a.contains(&"Secure".to_string()) && a.contains(&"HttpOnly".to_string()),
        "{a:?}"
    );
    tls.stop().await;
    srv.stop().await;
}

on_both!(cookie_flags, sqlite_cookie_flags, postgres_cookie_flags);

// ------------------------------------------------------------------------------------------------
// Headers.

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/// Pages, the API, error pages and API errors, static files, refusals: all carry the CSP (no
/// inline script or style allowed, no framing), nosniff and the referrer policy; and no page
/// has inline script or style that the CSP would block.
async fn security_headers(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let mut b = Browser::new(&srv);
    b.get("/login").await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let session = format!("onecard_session={}", hr.session.clone().unwrap());
    let cases: Vec<(&str, reqwest::RequestBuilder, StatusCode)> = vec![
        (
            "sign-in page",
            http.get(format!("{}/login", srv.base)),
            StatusCode::OK,
        ),
        (
            "a signed-in page",
            http.get(format!("{}/employer", srv.base))
                .header("cookie", &session),
            StatusCode::OK,
        ),
        (
            "error page",
            http.get(format!("{}/no/such/page", srv.base)),
            StatusCode::NOT_FOUND,
        ),
        (
            "redirect",
            http.get(format!("{}/employer", srv.base)),
            StatusCode::SEE_OTHER,
        ),
        (
            "stylesheet",
            http.get(format!("{}/static/style.css", srv.base)),
            StatusCode::OK,
        ),
        (
            "API",
            http.get(format!("{}/api/v1/me", srv.base))
                .header("cookie", &session),
            StatusCode::OK,
        ),
        (
            "API error",
            http.get(format!("{}/api/v1/me", srv.base)),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "API refusal",
            http.post(format!("{}/api/v1/session", srv.base))
                .json(&json!({ "username": "hr", "password": WRONG })),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "health",
            http.get(format!("{}/healthz", srv.base)),
            StatusCode::OK,
        ),
    ];
    for (what, req, status) in cases {
        let res = req.send().await.expect(what);
        assert_eq!(res.status(), status, "{what}");
        let h = res.headers();
        let csp = h
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{what}: no CSP"))
            .to_str()
            .unwrap();
        assert_eq!(csp, CSP, "{what}");
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{what}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
        assert_eq!(h["referrer-policy"], "same-origin", "{what}");
        assert_eq!(h["x-frame-options"], "DENY", "{what}");
    }

    // The pages a strict CSP must not break: scripts only from files, no inline style.
    for (who, paths) in [
        ("hr", &["/employer"][..]),
        ("anna", &["/me", "/card"][..]),
        ("officer.beijing", &["/officer"][..]),
        ("immigration.beijing", &["/immigration", "/permits"][..]),
    ] {
        let (mut b, _) = Browser::sign_in(&srv, who).await;
        for path in paths.iter().chain(&["/verify", "/assessment"]) {
            let p = b.get(path).await;
            assert_eq!(p.status, StatusCode::OK, "{who} {path}");
            for (at, _) in p.body.match_indices("<script") {
                let tag = &p.body[at..at + p.body[at..].find('>').unwrap()];
                assert!(
                    tag.contains(" src=\"/static/"),
                    "{path}: inline script {tag}"
                );
            }
            assert!(!p.body.contains(" style=\""), "{path}: inline style");
            assert!(!p.body.contains("<style"), "{path}: style element");
            assert!(
                !p.body.contains(" onclick=") && !p.body.contains("javascript:"),
                "{path}"
            );
        }
    }
    srv.stop().await;
}

on_both!(
    security_headers,
    sqlite_security_headers,
    postgres_security_headers
);
