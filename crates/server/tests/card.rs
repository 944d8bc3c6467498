//! The electronic card end to end, against the real server: registration and the real-name
//! check, the wallet and its dynamic QR code, online verification (single use, cancellation),
//! and what offline verifiers download: the key set signed by the root key and the status list.

#[macro_use]
mod common;
use common::*;
use credential::status::{StatusListToken, TokenStatus};
use credential::{Claims, IssuerKey, KeySet, Kid, SealingKey};
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::clock::{Clock, SystemClock};
use store::KeyRole;

/// The issuer's keys as stored: the signing key opened, and the root's public key.
async fn issuer_keys(srv: &TestServer) -> (IssuerKey, credential::VerifyingKey) {
    let sealing = SealingKey::parse(server::config::DEMO_SEALING_KEY).unwrap();
    let keys = srv
        .store
        .begin_read()
        .await
        .unwrap()
        .issuer_keys()
        .await
        .unwrap();
    let open = |role: KeyRole| {
        let k = keys.iter().find(|k| k.role == role).expect("a key");
        sealing
            .open(&Kid::from_bytes(&k.kid).unwrap(), &k.sealed_seed)
            .unwrap()
    };
    (open(KeyRole::Signing), open(KeyRole::Root).public())
}

/// Jean holds a pre-reform physical card: signed in, through the real-name check, moved to the
/// electronic card.
async fn jean_on_the_card(srv: &TestServer) -> (Client, Browser) {
    let (mut b, _) = Browser::sign_in(srv, "jean").await;
    let page = b.get("/card").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("real-name-form"),
        "the check comes first"
    );
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
    let mut api = srv.client();
    api.sign_in("jean", DEMO_PASSWORD).await;
    let (s, e) = api.get("/api/v1/card/qr").await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("physical_card"))
    );
    let p = b.post("/card/upgrade", &[]).await;
    assert_eq!(p.location.as_deref(), Some("/card?done=upgraded"));
    (api, b)
}

async fn verify(c: &Client, text: &str) -> Value {
    let (s, v) = c.post("/api/v1/verify", json!({ "text": text })).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn dynamic_codes_verify_once(srv: TestServer) {
    let (api, mut b) = jean_on_the_card(&srv).await;
    let wallet = b.get("/card").await;
    assert!(wallet.body.contains("<svg"), "the wallet shows the code");
    assert!(
        wallet.body.contains("19*****45"),
        "the passport number masked"
    );
    let (s, qr) = api.get("/api/v1/card/qr").await;
    assert_eq!(s, StatusCode::OK, "{qr}");
    let text = qr["text"].as_str().unwrap();
    assert!(text.starts_with("OC1:"));
    assert!(qr["svg"].as_str().unwrap().contains("<path"));
    assert!(qr["version"].as_u64().unwrap() <= 17);
    let expires: chrono::DateTime<chrono::Utc> =
        qr["expires_at"].as_str().unwrap().parse().unwrap();
    let left = (expires - SystemClock.now()).num_seconds();
    assert!((55..=60).contains(&left), "a minute: {left}");

    let anyone = srv.client();
    let v = verify(&anyone, text).await;
    assert_eq!(v["outcome"], "valid", "{v}");
    assert_eq!(v["valid"], true);
    assert_eq!(v["permit"]["holder_name"], "DUPONT Jean");
    assert_eq!(v["permit"]["profile"], "employment_check");
    assert!(
        v["permit"]["employer"]
            .as_str()
            .unwrap()
            .contains("Zhongguancun")
    );
    assert_eq!(
        v["permit"]["nationality"],
        Value::Null,
        "not in this profile"
    );
    let again = verify(&anyone, text).await;
    assert_eq!(again["outcome"], "already_used", "{again}");
    assert_eq!(again["valid"], false);
    assert_eq!(again["permit"], Value::Null, "a replay shows nothing");

    // The full profile, for immigration officers; in Chinese.
    let (_, full) = api.get("/api/v1/card/qr?profile=full").await;
    let mut zh = srv.client();
    zh.lang = Some("zh-CN".into());
    let v = verify(&zh, full["text"].as_str().unwrap()).await;
    assert_eq!(v["outcome"], "valid");
    assert_eq!(v["message"], "有效");
    assert_eq!(v["permit"]["nationality"], "FRA");
    assert_eq!(v["permit"]["medium"], "electronic");
    let (s, e) = api.get("/api/v1/card/qr?profile=everything").await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("profile_value"))
    );

    // Cancelled: a code issued before fails at once, with the date.
    let (_, fresh) = api.get("/api/v1/card/qr").await;
    let hr = srv.sign_in("hr").await;
    let officer = srv.sign_in("officer.beijing").await;
    let number = v["permit"]["permit_number"].as_str().unwrap().to_string();
    let today = SystemClock.today();
    let (s, app) = hr
        .post(
            "/api/v1/applications",
            json!({ "kind": "cancellation", "permit_number": number, "employment_end": today.to_string(),
                    "reason": "Contract ended", "submit": true }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{app}");
    let version = to_review(&officer, &app).await;
    let (s, a) = step(
        &officer,
        app["id"].as_str().unwrap(),
        "approve",
        version,
        json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let v = verify(&anyone, fresh["text"].as_str().unwrap()).await;
    assert_eq!(v["outcome"], "cancelled", "{v}");
    assert_eq!(v["cancelled_on"], today.to_string());
    assert!(v["message"].as_str().unwrap().contains(&today.to_string()));
    let (s, e) = api.get("/api/v1/card/qr").await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("permit_not_valid"))
    );
}
on_both!(
    dynamic_codes_verify_once,
    sqlite_dynamic_codes_verify_once,
    postgres_dynamic_codes_verify_once
);

async fn status_list_flips_on_cancellation(srv: TestServer) {
    let (api, _) = jean_on_the_card(&srv).await;
    let (_, qr) = api.get("/api/v1/card/qr").await;
    let anyone = srv.client();
    let (signing, root) = issuer_keys(&srv).await;

    // The key set, signed by the root key that verifiers pin.
    let res = anyone
        .request(reqwest::Method::GET, "/.well-known/onecard/keys")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/cose");
    assert!(
        res.headers().get("set-cookie").is_none(),
        "no cookie on what caches keep"
    );
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let bytes = res.bytes().await.unwrap();
    let now = SystemClock.now().timestamp();
    let keys = KeySet::verify(&bytes, &root, now).expect("a key set the root signed");
    assert!(keys.entries.iter().any(|e| e.kid() == signing.kid()));
    let other_root = IssuerKey::from_seed(&[9; 32]).public();
    assert!(KeySet::verify(&bytes, &other_root, now).is_err());
    let res = anyone
        .request(reqwest::Method::GET, "/.well-known/onecard/keys")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);

    // The index names the list the credential names.
    let (s, index) = anyone.get("/.well-known/onecard/status-lists").await;
    assert_eq!(s, StatusCode::OK);
    let outcome = credential::verify(qr["text"].as_str().unwrap(), &keys, now);
    let claims: Claims = match outcome {
        credential::Verdict::Valid { claims, .. } => *claims,
        other => panic!("{other:?}"),
    };
    let list = &index["lists"][0];
    assert_eq!(list["uri"], claims.status.uri());
    let fetch = |etag: Option<String>| {
        let mut r = anyone.request(reqwest::Method::GET, list["href"].as_str().unwrap());
        if let Some(e) = etag {
            r = r.header("if-none-match", e);
        }
        r.send()
    };
    let res = fetch(None).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/statuslist+cwt");
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let token =
        StatusListToken::verify(&res.bytes().await.unwrap(), &keys, claims.status.uri(), now)
            .expect("a list signed by a published key");
    assert_eq!(
        token.status_of(claims.status.idx()),
        Some(TokenStatus::Valid)
    );
    assert_eq!(
        fetch(Some(etag.clone())).await.unwrap().status(),
        StatusCode::NOT_MODIFIED
    );
    let (s, _) = anyone.get("/status/99").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = anyone.get("/status/x").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Cancelled: the next fetch has the entry flipped, under a new ETag.
    let hr = srv.sign_in("hr").await;
    let officer = srv.sign_in("officer.beijing").await;
    let (_, app) = hr
        .post(
            "/api/v1/applications",
            json!({ "kind": "cancellation", "permit_number": claims.permit.number.as_str(),
                    "employment_end": SystemClock.today().to_string(), "reason": "Left", "submit": true }),
        )
        .await;
    let version = to_review(&officer, &app).await;
    step(
        &officer,
        app["id"].as_str().unwrap(),
        "approve",
        version,
        json!({}),
    )
    .await;
    let res = fetch(Some(etag.clone())).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "changed");
    assert_ne!(res.headers()["etag"].to_str().unwrap(), etag);
    let token =
        StatusListToken::verify(&res.bytes().await.unwrap(), &keys, claims.status.uri(), now)
            .unwrap();
    assert_eq!(
        token.status_of(claims.status.idx()),
        Some(TokenStatus::Invalid)
    );
}
on_both!(
    status_list_flips_on_cancellation,
    sqlite_status_list_flips_on_cancellation,
    postgres_status_list_flips_on_cancellation
);

/// A credential for Jean's permit with the given times, signed by `key`.
async fn forged(srv: &TestServer, key: &IssuerKey, issued_at: i64, expires_at: i64) -> String {
    let number = srv
        .store
        .begin_read()
        .await
        .unwrap()
        .list_permits(&Default::default())
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.holder_name.surname.as_str() == "DUPONT")
        .unwrap();
    let params = credential::TokenParams {
        issuer: credential::Issuer::parse("CN-MOHRSS").unwrap(),
        issued_at,
        expires_at,
        token_id: credential::TokenId::from_bytes(&[7; 8]).unwrap(),
        status: credential::StatusRef::new(0, "http://127.0.0.1:8080/status/0").unwrap(),
    };
    let employer = domain::values::Text::parse("e", "Example", 200).unwrap();
    let claims = Claims::for_permit(
        &number,
        &employer,
        credential::Profile::EmploymentCheck,
        params,
    );
    credential::issue(&claims, key).unwrap()
}

async fn every_bad_code_gets_a_definite_verdict(srv: TestServer) {
    let c = srv.client();
    let (signing, _) = issuer_keys(&srv).await;
    let made = srv
        .store
        .begin_read()
        .await
        .unwrap()
        .issuer_keys()
        .await
        .unwrap()[0]
        .created_at
        .timestamp()
        + 1;
    while SystemClock.now().timestamp() <= made + 1 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let now = SystemClock.now().timestamp();
    let good = forged(&srv, &signing, now, now + 60).await;
    let flipped = {
        let mut b = good.clone().into_bytes();
        let i = b.len() - 10;
        b[i] = if b[i] == b'0' { b'1' } else { b'0' };
        String::from_utf8(b).unwrap()
    };
    let cases = [
        ("garbage", "not_onecard".to_string()),
        ("OC1:", "malformed".into()),
        (&good[..good.len() / 2], "malformed".into()),
        (&flipped, "bad_signature".into()),
        (&"OC1:".repeat(1100), "too_large".into()),
        (
            &forged(&srv, &IssuerKey::from_seed(&[5; 32]), now, now + 60).await,
            "unknown_key".into(),
        ),
        // Issued no earlier than the key was made, so that only its expiry is wrong.
        (
            &forged(&srv, &signing, made, made + 1).await,
            "qr_expired".into(),
        ),
        (
            &forged(&srv, &signing, now + 3600, now + 3660).await,
            "not_yet_valid".into(),
        ),
    ];
    for (text, want) in &cases {
        let v = verify(&c, text).await;
        assert_eq!(v["outcome"], want.as_str(), "{text:.40}: {v}");
        assert_eq!(v["valid"], false);
        assert_eq!(v["permit"], Value::Null, "nothing shown of a refused code");
        assert!(!v["message"].as_str().unwrap().is_empty());
    }
    let (s, e) = c.post("/api/v1/verify", json!({})).await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("text"))
    );
    let (s, _) = c
        .post_raw("/api/v1/verify", "application/json", "{not json")
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // A physical card's permit: a valid signature, then its single use.
    let v = verify(&c, &good).await;
    assert_eq!(v["outcome"], "valid", "{v}");
}
on_both!(
    every_bad_code_gets_a_definite_verdict,
    sqlite_every_bad_code_gets_a_definite_verdict,
    postgres_every_bad_code_gets_a_definite_verdict
);

async fn registration_and_real_name_check(srv: TestServer) {
    // Jean's permit number, as his notice shows it.
    let number = srv
        .store
        .begin_read()
        .await
        .unwrap()
        .list_permits(&Default::default())
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.holder_name.surname.as_str() == "DUPONT")
        .unwrap()
        .number
        .to_string();
    let mut b = Browser::new(&srv);
    let page = b.get("/card/register").await;
    assert_eq!(page.status, StatusCode::OK);
    let send = async |b: &mut Browser, surname: &str, password: &str, number: &str| {
        b.post(
            "/card/register",
            &[
                ("surname", surname),
                ("given_names", "Jean"),
                ("permit_number", number),
                ("password", password),
            ],
        )
        .await
    };
    let p = send(&mut b, "DUPONT", "weakpassword", &number).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body.contains("at least two"),
        "the password rule is named"
    );
    let p = send(&mut b, "DUPOND", "Good-pass1", &number).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("no permit with this number"), "{}", p.body);
    let p = send(&mut b, "DUPONT", "Good-pass1", "P1100002026999999X").await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let p = send(&mut b, "dupont", "Good-pass1", &number).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(p.location.as_deref(), Some("/card"));
    let mut other = Browser::new(&srv);
    other.get("/card/register").await;
    let p = send(&mut other, "DUPONT", "Good-pass1", &number).await;
    assert_eq!(p.status, StatusCode::CONFLICT, "registered once");
    assert!(p.body.contains("registered already"), "{}", p.body);
    // The real-name check, wrong and then right; five wrong lock it.
    let page = b.get("/card").await;
    assert!(page.body.contains("real-name-form"));
    let p = b
        .post(
            "/card/real-name",
            &[
                ("passport_number", "19AB12346"),
                ("date_of_birth", "1984-09-30"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("4 attempts left"), "{}", p.body);
    let p = b
        .post(
            "/card/real-name",
            &[
                ("passport_number", "19AB12345"),
                ("date_of_birth", "1984-09-30"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let page = b.get("/card?done=checked").await;
    assert!(page.body.contains(&number), "the card carries the permit");
    // Signs in with the permit number and the password chosen.
    let mut api = srv.client();
    let (s, _) = api.sign_in(&number, "Good-pass1").await;
    assert_eq!(s, StatusCode::OK);
}
on_both!(
    registration_and_real_name_check,
    sqlite_registration_and_real_name_check,
    postgres_registration_and_real_name_check
);

/// The public verifier page, without signing in: a photo of the code, pasted text, nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verifier_page_reads_photos_and_text() {
    let srv = TestServer::sqlite().await;
    let (api, _) = jean_on_the_card(&srv).await;
    let mut b = Browser::new(&srv);
    let page = b.get("/verify").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    let send = |b: &Browser, form: reqwest::multipart::Form| {
        let cookies: Vec<String> = b.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        b.http
            .post(format!("{}/verify", b.base))
            .header(reqwest::header::COOKIE, cookies.join("; "))
            .multipart(form.text("csrf", b.csrf()))
    };
    let (_, qr) = api.get("/api/v1/card/qr").await;
    let text = qr["text"].as_str().unwrap();
    let matrix = credential::Matrix::of(text).unwrap();
    let (side, px) = matrix.pixels(6);
    let img = image::GrayImage::from_raw(side as u32, side as u32, px).unwrap();
    let mut png = std::io::Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png).unwrap();
    let photo = reqwest::multipart::Part::bytes(png.into_inner())
        .file_name("qr.png")
        .mime_str("image/png")
        .unwrap();
    let res = send(&b, reqwest::multipart::Form::new().part("image", photo))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    assert!(body.contains("verdict-valid"), "{body}");
    assert!(body.contains("DUPONT Jean"));

    // The same code again, pasted: used already.
    let res = send(
        &b,
        reqwest::multipart::Form::new().text("text", text.to_string()),
    )
    .send()
    .await
    .unwrap();
    let body = res.text().await.unwrap();
    assert!(
        body.contains("verdict-invalid") && body.contains("scanned before"),
        "{body}"
    );
    assert!(
        !body.contains("DUPONT Jean"),
        "nothing but the reason is shown"
    );

    let res = send(&b, reqwest::multipart::Form::new().text("text", "hello"))
        .send()
        .await
        .unwrap();
    assert!(res.text().await.unwrap().contains("Not a OneCard code"));
    let junk = reqwest::multipart::Part::bytes(b"not an image".to_vec()).file_name("x.png");
    let res = send(&b, reqwest::multipart::Form::new().part("image", junk))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("not a PNG or JPEG"));
    let res = send(&b, reqwest::multipart::Form::new())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Without the form's token: refused.
    let res = b
        .http
        .post(format!("{}/verify", b.base))
        .multipart(reqwest::multipart::Form::new().text("text", "hello"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

/// A notice's static seal verifies as often as it is scanned, and names the file it binds.
async fn seals_verify_every_time(srv: TestServer) {
    let (signing, _) = issuer_keys(&srv).await;
    let made = srv
        .store
        .begin_read()
        .await
        .unwrap()
        .issuer_keys()
        .await
        .unwrap()[0]
        .created_at
        .timestamp();
    let pdf = b"%PDF-1.7 Notification Letter of Work Permit";
    let seal = credential::DocumentSeal::new(
        credential::Issuer::parse("CN-MOHRSS").unwrap(),
        made,
        "N2026-110000-000001",
        "notification_letter",
        pdf,
        domain::numbers::PermitNumber::parse("p", "P1100002026000001X").ok(),
    )
    .unwrap();
    let text = seal.sign(&signing);
    let c = srv.client();
    for _ in 0..2 {
        let v = verify(&c, &text).await;
        assert_eq!(v["outcome"], "valid", "{v}");
        assert_eq!(v["document"]["number"], "N2026-110000-000001");
        assert_eq!(v["document"]["kind"], "notification_letter");
        assert_eq!(v["document"]["content_hash"], sha256_hex(pdf));
        assert_eq!(v["permit"], Value::Null);
    }
    let forged = seal.sign(&IssuerKey::from_seed(&[6; 32]));
    assert_eq!(verify(&c, &forged).await["outcome"], "unknown_key");
}
on_both!(
    seals_verify_every_time,
    sqlite_seals_verify_every_time,
    postgres_seals_verify_every_time
);

fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// An extension supersedes the revision a code was issued for: the code says so, and the card
/// shows the new revision's code.
async fn an_extension_supersedes_earlier_codes(srv: TestServer) {
    let (api, _) = jean_on_the_card(&srv).await;
    let (_, scanned) = api.get("/api/v1/card/qr").await;
    let (_, unscanned) = api.get("/api/v1/card/qr").await;
    let number =
        verify(&srv.client(), scanned["text"].as_str().unwrap()).await["permit"]["permit_number"]
            .as_str()
            .unwrap()
            .to_string();
    let hr = srv.sign_in("hr").await;
    let officer = srv.sign_in("officer.beijing").await;
    let today = SystemClock.today();
    let end = today + chrono::Days::new(700);
    let (s, app) = hr
        .post(
            "/api/v1/applications",
            json!({ "kind": "extension", "permit_number": number, "contract_end": end.to_string(), "submit": true }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{app}");
    let version = to_review(&officer, &app).await;
    let grant =
        json!({ "category": "B", "valid_from": today.to_string(), "valid_to": end.to_string() });
    let (s, a) = step(
        &officer,
        app["id"].as_str().unwrap(),
        "approve",
        version,
        grant,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");

    let v = verify(&srv.client(), unscanned["text"].as_str().unwrap()).await;
    assert_eq!(v["outcome"], "superseded", "{v}");
    let (s, now) = api.get("/api/v1/card/qr").await;
    assert_eq!(s, StatusCode::OK, "{now}");
    let v = verify(&srv.client(), now["text"].as_str().unwrap()).await;
    assert_eq!(v["outcome"], "valid", "{v}");
    assert_eq!(v["permit"]["valid_to"], end.to_string());
}
on_both!(
    an_extension_supersedes_earlier_codes,
    sqlite_an_extension_supersedes_earlier_codes,
    postgres_an_extension_supersedes_earlier_codes
);

/// Five failed real-name checks lock the card; the social insurance agency unlocks it once the
/// holder has shown the passport in person, and the holder takes the check again.
async fn a_locked_card_is_unlocked_in_person(srv: TestServer) {
    let (mut b, _) = Browser::sign_in(&srv, "jean").await;
    b.get("/card").await;
    let wrong = [
        ("passport_number", "19AB12346"),
        ("date_of_birth", "1984-09-30"),
    ];
    for i in 0..5 {
        let p = b.post("/card/real-name", &wrong).await;
        // The fifth failure locks the card, and says so.
        let want = if i < 4 {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(p.status, want, "attempt {}", i + 1);
    }
    let right = [
        ("passport_number", "19AB12345"),
        ("date_of_birth", "1984-09-30"),
    ];
    let p = b.post("/card/real-name", &right).await;
    assert_ne!(
        p.status,
        StatusCode::SEE_OTHER,
        "locked: even the right answer is refused"
    );
    assert!(p.body.contains("locked"), "{}", p.body);

    let hr = srv.sign_in("hr").await;
    let jean = person_id(&hr, "DUPONT").await;
    let path = format!("/api/v1/people/{jean}/card-unlock");
    let (s, _) = hr
        .post(&path, json!({ "passport_number": "19AB12345" }))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "an employer unlocks nothing");
    let social = srv.sign_in("social.beijing").await;
    let (s, e) = social
        .post(&path, json!({ "passport_number": "19AB12399" }))
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("passport_not_on_record")
        ),
        "{e}"
    );
    let (s, out) = social
        .post(&path, json!({ "passport_number": "19AB12345" }))
        .await;
    assert_eq!(
        (s, out["failed_checks"].as_i64()),
        (StatusCode::OK, Some(0)),
        "{out}"
    );
    let (s, e) = social
        .post(&path, json!({ "passport_number": "19AB12345" }))
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("card_not_locked"))
    );
    let p = b.post("/card/real-name", &right).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    srv.stop().await;
}
on_both!(
    a_locked_card_is_unlocked_in_person,
    sqlite_a_locked_card_is_unlocked_in_person,
    postgres_a_locked_card_is_unlocked_in_person
);
