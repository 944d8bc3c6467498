//! `onecard verify` as a verifier runs it, offline: a cache the test builds with the credential
//! crate (a root key, a signing key, a key set the root signs, a status list with some entries
//! flipped), credentials given as text, as a PNG and on stdin, and every verdict's first line,
//! fields and exit status. Then `verify fetch` against a tiny HTTP server.

use chrono::NaiveDate;
use credential::{
    Claims, IssuerKey, KeyEntry, KeySet, Matrix, Profile, StatusList, StatusListToken, StatusRef,
    TokenId, TokenParams, TokenStatus,
};
use domain::city::City;
use domain::ids::{EmployerId, PermitId, PersonId};
use domain::numbers::PermitNumber;
use domain::permit::{Category, Medium, Permit, PermitStatus};
use domain::values::{Nationality, PassportNumber, PersonName, Text};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use uuid::Uuid;

/// When the test credentials are issued (2026-09-21 UTC); each is good for a minute.
const T0: i64 = 1_790_000_000;
const URI: &str = "http://onecard.test/status/0";
/// Status list entries: 1 valid, 2 cancelled, 3 superseded.
const VALID: u64 = 1;
const CANCELLED: u64 = 2;
const SUPERSEDED: u64 = 3;

fn root() -> IssuerKey {
    IssuerKey::from_seed(&[1; 32])
}
fn signing() -> IssuerKey {
    IssuerKey::from_seed(&[2; 32])
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn at(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).unwrap().to_rfc3339()
}

fn permit(valid_to: NaiveDate) -> Permit {
    Permit {
        id: PermitId(Uuid::from_u128(1)),
        number: PermitNumber::new("110000", d("2026-01-05"), 42).unwrap(),
        revision: 1,
        holder_id: PersonId(Uuid::from_u128(2)),
        employer_id: EmployerId(Uuid::from_u128(3)),
        holder_name: PersonName::parse("holder", "MÜLLER", "Anna").unwrap(),
        nationality: Nationality::parse("n", "DEU").unwrap(),
        passport_number: PassportNumber::parse("p", "C01X00T47").unwrap(),
        category: Category::B,
        position: Text::parse("position", "Data Scientist", 200).unwrap(),
        city: City::parse("city", "110000").unwrap(),
        valid_from: d("2026-01-05"),
        valid_to,
        status: PermitStatus::Valid,
        status_changed_on: None,
        medium: Medium::Electronic,
        application_id: None,
    }
}

struct Cred {
    idx: u64,
    issued_at: i64,
    valid_to: NaiveDate,
    profile: Profile,
}

impl Default for Cred {
    fn default() -> Self {
        Cred {
            idx: VALID,
            issued_at: T0,
            valid_to: d("2028-01-04"),
            profile: Profile::Full,
        }
    }
}

fn issue(c: Cred, key: &IssuerKey) -> String {
    let params = TokenParams {
        issuer: credential::Issuer::parse("CN-MOHRSS").unwrap(),
        issued_at: c.issued_at,
        expires_at: c.issued_at + 60,
        token_id: TokenId::from_bytes(&[0x5a; 8]).unwrap(),
        status: StatusRef::new(c.idx, URI).unwrap(),
    };
    let employer = Text::parse("employer", "北京中关村示例科技有限公司", 200).unwrap();
    let claims = Claims::for_permit(&permit(c.valid_to), &employer, c.profile, params);
    credential::issue(&claims, key).expect("fits a QR code")
}

fn key_set(root: &IssuerKey, issued_at: i64) -> Vec<u8> {
    KeySet {
        issuer: "CN-MOHRSS".into(),
        issued_at,
        expires_at: issued_at + 30 * 86_400,
        entries: vec![KeyEntry::new(signing().public(), 0, None)],
    }
    .sign(root)
}

/// The list at `URI`, issued at `issued_at`, to be relied on for an hour.
fn status_list(issued_at: i64) -> Vec<u8> {
    let mut list = StatusList::new(16);
    list.set(CANCELLED, TokenStatus::Invalid);
    list.set(SUPERSEDED, TokenStatus::Superseded);
    StatusListToken {
        uri: URI.into(),
        issued_at,
        expires_at: issued_at + 86_400,
        ttl: 3_600,
        list,
    }
    .sign(&signing())
}

fn dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("verify_cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A cache as `verify fetch` leaves it, for lists and keys issued at `t`.
fn cache(name: &str, t: i64) -> PathBuf {
    let dir = dir(name);
    std::fs::write(dir.join("root.hex"), hex(root().public().as_bytes()) + "\n").unwrap();
    std::fs::write(dir.join("keys.cose"), key_set(&root(), t - 3_600)).unwrap();
    std::fs::create_dir(dir.join("status")).unwrap();
    std::fs::write(dir.join("status/0.cwt"), status_list(t - 60)).unwrap();
    dir
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02x}")).collect()
}

fn onecard(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_onecard"));
    c.env("ONECARD_DATA_KEY", store::DEMO_DATA_KEY);
    c.args(args)
        .env("DATABASE_URL", "sqlite::memory:")
        .env_remove("ONECARD_VERIFY_CACHE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut pipe = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        pipe.write_all(bytes).unwrap();
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn verify(cache: &Path, when: i64, input: &str) -> Output {
    onecard(
        &[
            "verify",
            "--cache",
            cache.to_str().unwrap(),
            "--at",
            &at(when),
            input,
        ],
        None,
    )
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}
fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// The first line and the exit status.
fn verdict(o: &Output) -> (String, Option<i32>) {
    let out = stdout(o);
    (
        out.lines().next().unwrap_or_default().to_string(),
        o.status.code(),
    )
}

#[test]
fn a_valid_credential_as_text_shows_what_it_discloses() {
    let cache = cache("valid", T0);
    let out = verify(&cache, T0 + 5, &issue(Cred::default(), &signing()));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "VALID\n\
         holder       MÜLLER Anna\n\
         permit       P1100002026000042X\n\
         category     B\n\
         employer     北京中关村示例科技有限公司\n\
         valid        2026-01-05 to 2028-01-04\n\
         nationality  DEU\n\
         position     Data Scientist\n\
         city         110000 Beijing\n\
         medium       electronic\n"
            .replace(
                "P1100002026000042X",
                PermitNumber::new("110000", d("2026-01-05"), 42)
                    .unwrap()
                    .as_str()
            )
    );

    // The employment check discloses less.
    let text = issue(
        Cred {
            profile: Profile::EmploymentCheck,
            ..Cred::default()
        },
        &signing(),
    );
    let out = verify(&cache, T0 + 5, &text);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(
        shown.contains("employer") && shown.contains("valid  "),
        "{shown}"
    );
    assert!(
        !shown.contains("nationality") && !shown.contains("position"),
        "{shown}"
    );
}

#[test]
fn a_png_and_stdin_read_the_same() {
    let cache = cache("png", T0);
    let text = issue(Cred::default(), &signing());
    let (side, px) = Matrix::of(&text).unwrap().pixels(4);
    let img = image::GrayImage::from_raw(side as u32, side as u32, px).unwrap();
    let png = cache.join("card.png");
    img.save(&png).unwrap();
    let out = verify(&cache, T0 + 5, png.to_str().unwrap());
    assert_eq!(verdict(&out), ("VALID".into(), Some(0)), "{}", stderr(&out));

    let args = [
        "verify",
        "--cache",
        cache.to_str().unwrap(),
        "--at",
        &at(T0 + 5),
        "-",
    ];
    let out = onecard(&args, Some(format!("{text}\n").as_bytes()));
    assert_eq!(verdict(&out), ("VALID".into(), Some(0)), "{}", stderr(&out));
    // An image piped in is scanned too.
    let out = onecard(&args, Some(&std::fs::read(&png).unwrap()));
    assert_eq!(verdict(&out), ("VALID".into(), Some(0)), "{}", stderr(&out));

    // Two codes in one picture: each is checked, and one not valid makes the exit status 1.
    let cancelled = issue(
        Cred {
            idx: CANCELLED,
            ..Cred::default()
        },
        &signing(),
    );
    let (side2, px2) = Matrix::of(&cancelled).unwrap().pixels(4);
    let mut both =
        image::GrayImage::from_pixel((side + side2) as u32, side as u32, image::Luma([255]));
    image::imageops::replace(&mut both, &img, 0, 0);
    let other = image::GrayImage::from_raw(side2 as u32, side2 as u32, px2).unwrap();
    image::imageops::replace(&mut both, &other, side as i64, 0);
    let two = cache.join("two.png");
    both.save(&two).unwrap();
    let out = verify(&cache, T0 + 5, two.to_str().unwrap());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let shown = stdout(&out);
    let mut firsts: Vec<&str> = shown
        .split("\n\n")
        .map(|block| block.lines().next().unwrap())
        .collect();
    firsts.sort();
    assert_eq!(firsts, ["INVALID: cancelled", "VALID"], "{shown}");
    let json = onecard(
        &[
            "verify",
            "--json",
            "--cache",
            cache.to_str().unwrap(),
            "--at",
            &at(T0 + 5),
            two.to_str().unwrap(),
        ],
        None,
    );
    let mut outcomes: Vec<String> = stdout(&json)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["outcome"].to_string())
        .collect();
    outcomes.sort();
    assert_eq!(outcomes, ["\"cancelled\"", "\"valid\""]);

    // A picture with no code in it: nothing was checked.
    let blank = cache.join("blank.png");
    image::GrayImage::from_pixel(64, 64, image::Luma([255]))
        .save(&blank)
        .unwrap();
    let out = verify(&cache, T0 + 5, blank.to_str().unwrap());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no_qr_found"), "{}", stderr(&out));
    let out = verify(&cache, T0 + 5, "missing.png");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no such file"), "{}", stderr(&out));
}

#[test]
fn every_verdict_has_its_first_line_and_exit_1() {
    let cache = cache("verdicts", T0);
    let key = signing();
    let invalid = |s: &str| (format!("INVALID: {s}"), Some(1));
    let check = |when: i64, text: &str| verdict(&verify(&cache, when, text));

    let cancelled = issue(
        Cred {
            idx: CANCELLED,
            ..Cred::default()
        },
        &key,
    );
    assert_eq!(check(T0 + 5, &cancelled), invalid("cancelled"));
    let superseded = issue(
        Cred {
            idx: SUPERSEDED,
            ..Cred::default()
        },
        &key,
    );
    assert_eq!(check(T0 + 5, &superseded), invalid("superseded"));
    // Its last day was the day before, in China: lapsed whatever the list says.
    let lapsed = issue(
        Cred {
            valid_to: d("2026-09-20"),
            ..Cred::default()
        },
        &key,
    );
    assert_eq!(
        check(T0 + 5, &lapsed),
        invalid("permit_expired (valid to 2026-09-20)")
    );

    // 2026-09-21T16:30Z is already the 22nd in China: a permit whose last day was the 21st has
    // lapsed there, whatever the date in UTC.
    let t1 = T0 + 8_200;
    let china = self::cache("china", t1);
    let last_day_21 = issue(
        Cred {
            issued_at: t1,
            valid_to: d("2026-09-21"),
            ..Cred::default()
        },
        &key,
    );
    assert_eq!(
        verdict(&verify(&china, t1 + 5, &last_day_21)),
        invalid("permit_expired (valid to 2026-09-21)")
    );
    // An hour earlier it was still the 21st there.
    let before = self::cache("china-before", t1 - 3_600);
    let out = verify(
        &before,
        t1 - 3_600 + 5,
        &issue(
            Cred {
                issued_at: t1 - 3_600,
                valid_to: d("2026-09-21"),
                ..Cred::default()
            },
            &key,
        ),
    );
    assert_eq!(verdict(&out), ("VALID".into(), Some(0)), "{}", stderr(&out));

    let text = issue(Cred::default(), &key);
    assert_eq!(
        check(T0 + 60, &text),
        invalid("qr_expired (expired 2026-09-21T14:14:20Z)")
    );
    let stranger = IssuerKey::from_seed(&[66; 32]);
    assert_eq!(
        check(T0 + 5, &issue(Cred::default(), &stranger)),
        invalid(&format!("unknown_key (key id {})", stranger.kid()))
    );

    // One bit of the signature flipped.
    let body = text.strip_prefix("OC1:").unwrap();
    let mut bytes = credential::base45::decode(body).unwrap();
    *bytes.last_mut().unwrap() ^= 1;
    let flipped = format!("OC1:{}", credential::base45::encode(&bytes));
    assert_eq!(check(T0 + 5, &flipped), invalid("bad_signature"));

    assert_eq!(check(T0 + 5, "HC1:6BFOXN%TS3DH"), invalid("not_onecard"));
    let (first, code) = check(T0 + 5, &text[..text.len() / 2]);
    assert!(first.starts_with("INVALID: malformed ("), "{first}");
    assert_eq!(code, Some(1));

    // Signed and within its minute, but the cached list is past its time to live.
    let later = issue(
        Cred {
            issued_at: T0 + 4_000,
            ..Cred::default()
        },
        &key,
    );
    let out = verify(&cache, T0 + 4_005, &later);
    assert_eq!(
        verdict(&out),
        invalid("status_unavailable (status_list_stale)")
    );
    assert!(stdout(&out).contains("holder       MÜLLER Anna"));
    // A refused code shows nothing it carries.
    let out = verify(&cache, T0 + 5, &flipped);
    assert_eq!(stdout(&out), "INVALID: bad_signature\n");

    // No list for the credential's URI.
    std::fs::remove_file(cache.join("status/0.cwt")).unwrap();
    assert_eq!(
        check(T0 + 5, &text),
        invalid("status_unavailable (status_list_missing)")
    );
}

#[test]
fn json_has_outcome_detail_and_permit() {
    let cache = cache("json", T0);
    let json = |text: &str| {
        let args = [
            "verify",
            "--json",
            "--cache",
            cache.to_str().unwrap(),
            "--at",
            &at(T0 + 5),
            text,
        ];
        let out = onecard(&args, None);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (v, out.status.code())
    };
    let (v, code) = json(&issue(Cred::default(), &signing()));
    assert_eq!(code, Some(0));
    assert_eq!(v["outcome"], "valid");
    assert_eq!(v["detail"], serde_json::Value::Null);
    let p = &v["permit"];
    assert_eq!(p["holder"]["surname"], "MÜLLER");
    assert_eq!(p["holder"]["given_names"], "Anna");
    assert_eq!(p["category"], "B");
    assert_eq!(p["valid_from"], "2026-01-05");
    assert_eq!(p["valid_to"], "2028-01-04");
    assert_eq!(p["profile"], "full");
    assert_eq!(p["nationality"], "DEU");
    assert_eq!(p["city"], "110000");
    assert_eq!(p["medium"], "electronic");

    let (v, code) = json(&issue(
        Cred {
            idx: CANCELLED,
            profile: Profile::EmploymentCheck,
            ..Cred::default()
        },
        &signing(),
    ));
    assert_eq!(code, Some(1));
    assert_eq!(v["outcome"], "cancelled");
    assert_eq!(v["permit"]["profile"], "employment_check");
    assert!(v["permit"].get("nationality").is_none());

    let (v, code) = json("OC1:A");
    assert_eq!(code, Some(1));
    assert_eq!(
        v,
        serde_json::json!({"outcome": "malformed", "detail": v["detail"], "permit": null, "document": null})
    );
    assert!(v["detail"].is_string());
}

#[test]
fn a_missing_or_untrusted_cache_checks_nothing() {
    let text = issue(Cred::default(), &signing());
    let empty = dir("empty");
    let out = verify(&empty, T0 + 5, &text);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).contains("onecard verify fetch"),
        "{}",
        stderr(&out)
    );

    // The key set is signed by another root than the one pinned.
    let cache = cache("other-root", T0);
    let other = IssuerKey::from_seed(&[9; 32]);
    std::fs::write(cache.join("keys.cose"), key_set(&other, T0 - 3_600)).unwrap();
    let out = verify(&cache, T0 + 5, &text);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("key_set_unknown_key"),
        "{}",
        stderr(&out)
    );

    // A key set past its expiry.
    let cache = self::cache("expired-keys", T0);
    let out = verify(&cache, T0 + 31 * 86_400, &text);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("key_set_expired"), "{}", stderr(&out));

    // Garbage in the cache does not crash it.
    std::fs::write(cache.join("root.hex"), "not hex").unwrap();
    let out = verify(&cache, T0 + 5, &text);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("64 hexadecimal digits"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_clock_is_now_without_at() {
    let now = chrono::Utc::now().timestamp();
    let cache = cache("now", now);
    let text = issue(
        Cred {
            issued_at: now,
            ..Cred::default()
        },
        &signing(),
    );
    let out = onecard(&["verify", "--cache", cache.to_str().unwrap(), &text], None);
    assert_eq!(verdict(&out), ("VALID".into(), Some(0)), "{}", stderr(&out));
    // The cache directory may come from the environment.
    let out = Command::new(env!("CARGO_BIN_EXE_onecard"))
        .env("ONECARD_DATA_KEY", store::DEMO_DATA_KEY)
        .args(["verify", &text])
        .env("ONECARD_VERIFY_CACHE", &cache)
        .output()
        .unwrap();
    assert_eq!(verdict(&out), ("VALID".into(), Some(0)), "{}", stderr(&out));
}

/// Answers each GET from `routes` (path → body), 404 otherwise, until the test ends.
fn serve(routes: Vec<(String, Vec<u8>)>) -> String {
    serve_counting(routes).0
}

/// `serve`, with a strong ETag on each body (its length and a checksum) and 304 to a request
/// whose If-None-Match names it; how many 304s it answered.
fn serve_counting(
    routes: Vec<(String, Vec<u8>)>,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let not_modified = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = not_modified.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut req = Vec::new();
            let mut buf = [0; 1024];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            let req = String::from_utf8_lossy(&req);
            let path = req.split_whitespace().nth(1).unwrap_or("");
            let if_none_match = req
                .lines()
                .find_map(|l| l.strip_prefix("if-none-match: "))
                .map(str::trim);
            let (status, body, etag) = match routes.iter().find(|(p, _)| p == path) {
                Some((_, b)) => {
                    let sum = b
                        .iter()
                        .fold(0u32, |a, x| a.wrapping_mul(31).wrapping_add(*x as u32));
                    let etag = format!("\"{}-{sum:08x}\"", b.len());
                    if if_none_match == Some(etag.as_str()) {
                        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        ("304 Not Modified", Vec::new(), etag)
                    } else {
                        ("200 OK", b.clone(), etag)
                    }
                }
                None => ("404 Not Found", Vec::new(), String::new()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\ncontent-length: {}\r\netag: {etag}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&body);
        }
    });
    (format!("http://{addr}"), not_modified)
}

#[test]
fn fetch_downloads_checks_and_stores_the_cache() {
    let now = chrono::Utc::now().timestamp();
    let index = format!(r#"{{"lists":[{{"uri":"{URI}","href":"/status/0"}}]}}"#);
    let good = vec![
        (
            "/.well-known/onecard/keys".to_string(),
            key_set(&root(), now - 60),
        ),
        (
            "/.well-known/onecard/status-lists".to_string(),
            index.clone().into_bytes(),
        ),
        ("/status/0".to_string(), status_list(now - 60)),
    ];
    let (server, not_modified) = serve_counting(good.clone());
    let root_hex = hex(root().public().as_bytes());
    let cache = dir("fetched");
    // A list the server no longer publishes goes.
    std::fs::create_dir(cache.join("status")).unwrap();
    std::fs::write(cache.join("status/7.cwt"), b"old").unwrap();
    let fetch = |server: &str, root: Option<&str>, cache: &Path| {
        let mut args = vec!["verify", "fetch", "--server", server];
        if let Some(r) = root {
            args.extend(["--root", r]);
        }
        args.extend(["--cache", cache.to_str().unwrap()]);
        onecard(&args, None)
    };
    let out = fetch(&server, Some(&root_hex), &cache);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("1 status lists"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("0 of 2 files unchanged"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        std::fs::read_to_string(cache.join("root.hex")).unwrap(),
        format!("{root_hex}\n")
    );
    assert!(!cache.join("status/7.cwt").exists());
    let text = issue(
        Cred {
            issued_at: now,
            ..Cred::default()
        },
        &signing(),
    );
    let out = onecard(&["verify", "--cache", cache.to_str().unwrap(), &text], None);
    assert_eq!(verdict(&out), ("VALID".into(), Some(0)), "{}", stderr(&out));

    // Again, with the root already pinned in the cache: the key set and the list are
    // revalidated with their ETags, answered 304, and the cached bytes still verify.
    let out = fetch(&server, None, &cache);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("2 of 2 files unchanged"),
        "{}",
        stdout(&out)
    );
    assert_eq!(not_modified.load(std::sync::atomic::Ordering::SeqCst), 2);
    let out = onecard(&["verify", "--cache", cache.to_str().unwrap(), &text], None);
    assert_eq!(verdict(&out), ("VALID".into(), Some(0)), "{}", stderr(&out));
    // A cached file changed since it was stored is not revalidated but downloaded whole.
    std::fs::write(cache.join("status/0.cwt"), b"damaged").unwrap();
    let out = fetch(&server, None, &cache);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("1 of 2 files unchanged"),
        "{}",
        stdout(&out)
    );
    assert_eq!(not_modified.load(std::sync::atomic::Ordering::SeqCst), 3);
    let out = onecard(&["verify", "--cache", cache.to_str().unwrap(), &text], None);
    assert_eq!(verdict(&out), ("VALID".into(), Some(0)), "{}", stderr(&out));

    // A server whose key set another root signed: refused, and the cache stays as it was.
    let keys_before = std::fs::read(cache.join("keys.cose")).unwrap();
    let mut forged = good.clone();
    forged[0].1 = key_set(&IssuerKey::from_seed(&[9; 32]), now - 60);
    let out = fetch(&serve(forged), None, &cache);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("key_set_unknown_key"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(cache.join("keys.cose")).unwrap(), keys_before);

    // A status list for another URI than the index says.
    let mut swapped = good.clone();
    swapped[1].1 = index
        .replace(URI, "http://onecard.test/status/9")
        .into_bytes();
    let out = fetch(&serve(swapped), None, &cache);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("status_list_uri_mismatch"),
        "{}",
        stderr(&out)
    );

    // Nothing at that address, https, or no root anywhere: nothing fetched.
    let out = fetch(&serve(Vec::new()), None, &cache);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("404"), "{}", stderr(&out));
    let out = fetch("https://onecard.example", Some(&root_hex), &cache);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("curl"), "{}", stderr(&out));
    let out = fetch(&server, None, &dir("no-root"));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--root"), "{}", stderr(&out));
}

#[test]
fn a_notice_seal_verifies_offline_and_names_its_file() {
    let cache = cache("seal", T0);
    let seal = credential::DocumentSeal::new(
        credential::Issuer::parse("CN-MOHRSS").unwrap(),
        T0 - 100,
        "N2026-110000-000007",
        "decision_notice",
        b"%PDF-1.7 decision",
        None,
    )
    .unwrap();
    let text = seal.sign(&signing());
    // A seal carries no expiry and no status entry: the key set is all it needs.
    let out = verify(&cache, T0 + 5, &text);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(
        shown.starts_with("VALID\ndocument     N2026-110000-000007\n"),
        "{shown}"
    );
    assert!(shown.contains(&hex(&seal.content_hash)), "{shown}");
    let forged = seal.sign(&IssuerKey::from_seed(&[42; 32]));
    assert_eq!(verdict(&verify(&cache, T0 + 5, &forged)).1, Some(1));
}

#[test]
fn a_notice_file_verifies_offline_and_an_altered_one_does_not() {
    use documents::notice::{self, NoticeKind};
    let cache = cache("notice-file", T0);
    let n = notice::sample(NoticeKind::DecisionNotice);
    let body = notice::render(&n);
    let seal = credential::DocumentSeal::new(
        credential::Issuer::parse("CN-MOHRSS").unwrap(),
        T0 - 100,
        &n.number,
        n.kind.code(),
        &body,
        None,
    )
    .unwrap();
    let file = notice::attach_seal(&body, &seal.sign(&signing())).unwrap();
    let files = dir("notice-files");
    let good = files.join("decision.pdf");
    std::fs::write(&good, &file).unwrap();
    let out = verify(&cache, T0 + 5, good.to_str().unwrap());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(
        shown.starts_with(&format!("VALID\ndocument     {}\n", n.number)),
        "{shown}"
    );
    assert!(shown.contains("decision_notice"), "{shown}");

    let mut altered = file.clone();
    altered[file.len() / 2] ^= 0x01;
    let bad = files.join("altered.pdf");
    std::fs::write(&bad, &altered).unwrap();
    assert_eq!(
        verdict(&verify(&cache, T0 + 5, bad.to_str().unwrap())),
        ("INVALID: altered".to_string(), Some(1))
    );
    let plain = files.join("plain.pdf");
    std::fs::write(&plain, &body).unwrap();
    assert_eq!(
        verdict(&verify(&cache, T0 + 5, plain.to_str().unwrap())),
        ("INVALID: not_sealed".to_string(), Some(1))
    );
    assert_eq!(
        verify(&cache, T0 + 5, files.join("missing.pdf").to_str().unwrap())
            .status
            .code(),
        Some(2)
    );
}
