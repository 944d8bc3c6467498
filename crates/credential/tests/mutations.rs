//! Bounded, deterministic mutation testing of the decoders on the stable toolchain, beside the
//! cargo-fuzz targets in `fuzz/`: from real credential texts, status lists and key sets, every
//! truncation, every flipped bit, zlib re-encodings, other prefixes, inserted junk, oversized and
//! random input. Each must give a definite verdict with its reason, never a panic, and never
//! `valid` unless the credential is the untouched one.

mod common;
use common::T0;
use credential::qr::{self, Compression, PREFIX};
use credential::status::StatusListError;
use credential::{
    IssuerKey, KeyEntry, KeySet, Outcome, Profile, StatusList, StatusListToken, TokenStatus,
    Verdict, check_offline, issue,
};
use std::time::Instant;

const URI: &str = "https://onecard.example/status/1";
const NOW: i64 = T0 + 5;

fn root() -> IssuerKey {
    IssuerKey::from_seed(&[9; 32])
}

fn key_set() -> KeySet {
    KeySet {
        issuer: "CN-MOHRSS".into(),
        issued_at: T0 - 3_600,
        expires_at: T0 + 86_400,
        entries: vec![KeyEntry::new(common::key().public(), 0, None)],
    }
}

fn status_list() -> StatusListToken {
    let mut list = StatusList::new(1_000);
    list.set(3, TokenStatus::Invalid);
    list.set(78, TokenStatus::Superseded);
    StatusListToken {
        uri: URI.into(),
        issued_at: T0 - 60,
        expires_at: T0 + 86_400,
        ttl: 3_600,
        list,
    }
}

/// Real credentials: both profiles, and one whose long free texts were shortened to fit.
fn texts() -> Vec<String> {
    let key = common::key();
    let long = "中国科学院深圳先进技术研究院香港中文大学联合共建智能机器人自动化研究中心有限公司";
    [
        (
            "北京中关村示例科技有限公司",
            "Data Scientist",
            Profile::EmploymentCheck,
        ),
        (
            "北京中关村示例科技有限公司",
            "Data Scientist",
            Profile::Full,
        ),
        (
            long,
            "人工智能与机器人自动化联合研究中心首席科学家",
            Profile::Full,
        ),
    ]
    .into_iter()
    .map(|(employer, position, profile)| {
        let claims = common::claims(&common::permit(position), employer, profile);
        issue(&claims, &key).unwrap()
    })
    .collect()
}

struct Checker {
    keys: KeySet,
    list: StatusListToken,
    count: usize,
}

const VERDICTS: [&str; 9] = [
    "valid",
    "not_onecard",
    "malformed",
    "too_large",
    "unsupported_algorithm",
    "unknown_key",
    "bad_signature",
    "expired",
    "not_yet_valid",
];

impl Checker {
    fn new() -> Checker {
        let signed = key_set().sign(&root());
        let list = status_list().sign(&common::key());
        let keys = KeySet::verify(&signed, &root().public(), NOW).unwrap();
        let list = StatusListToken::verify(&list, &keys, URI, NOW).unwrap();
        Checker {
            keys,
            list,
            count: 0,
        }
    }

    /// The offline check of `text`: a definite outcome, returned for the caller to judge.
    fn outcome(&mut self, text: &str) -> Outcome {
        self.count += 1;
        let today = common::d("2027-01-01");
        let list = &self.list;
        let outcome = check_offline(
            text,
            &self.keys,
            |uri| {
                (uri == list.uri)
                    .then(|| list.clone())
                    .ok_or(StatusListError::UriMismatch)
            },
            NOW,
            today,
        );
        assert!(!outcome.code().is_empty());
        if let Outcome::Refused(v) = &outcome {
            assert!(VERDICTS.contains(&v.code()), "{v:?}");
            assert!(!v.is_valid(), "refused yet valid");
            if let Verdict::Malformed { what } = v {
                assert!(!what.is_empty());
            }
        }
        outcome
    }

    /// A mutated text must be refused with a reason.
    fn refused(&mut self, text: &str, what: &str) -> &'static str {
        match self.outcome(text) {
            Outcome::Refused(v) => v.code(),
            other => panic!("{what}: {other:?} for {text:?}"),
        }
    }
}

fn cose_of(text: &str) -> Vec<u8> {
    credential::base45::decode(text.strip_prefix(PREFIX).unwrap()).unwrap()
}

/// A small deterministic generator: the same "random" inputs on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const BASE45: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

#[test]
fn mutated_credentials_are_refused_with_a_reason() {
    let started = Instant::now();
    let mut c = Checker::new();
    for text in texts() {
        assert!(text.len() <= qr::MAX_QR_TEXT);
        // The untouched text, and the same COSE bytes zlib-compressed, are valid.
        let Outcome::Valid { claims } = c.outcome(&text) else {
            panic!("untouched: {text}")
        };
        let cose = cose_of(&text);
        let zlib = qr::encode(&cose, Compression::Zlib);
        match c.outcome(&zlib) {
            Outcome::Valid { claims: z } => assert_eq!(z, claims),
            other => panic!("zlib: {other:?}"),
        }

        // Truncated at every length, the plain text and the zlib one.
        for n in 0..text.len() {
            c.refused(&text[..n], "truncated");
        }
        for n in PREFIX.len()..zlib.len() {
            c.refused(&zlib[..n], "zlib truncated");
        }
        // Every bit of the COSE bytes flipped, re-encoded plain and compressed.
        for i in 0..cose.len() {
            for bit in 0..8 {
                let mut b = cose.clone();
                b[i] ^= 1 << bit;
                c.refused(&qr::encode(&b, Compression::None), "bit flipped");
                // Compressing is slow unoptimised: one flip in eight is enough here.
                if bit == 0 {
                    c.refused(&qr::encode(&b, Compression::Zlib), "bit flipped, zlib");
                }
            }
        }
        // Every bit of the zlib stream flipped. Deflate ignores the padding bits after a stored
        // block's header (RFC 1951, 3.2.4), so a few flips still inflate to the very same COSE
        // bytes: the same credential, which stays valid. Every other flip is refused.
        let stream = cose_of(&zlib);
        let mut same = 0;
        for i in 0..stream.len() {
            for bit in [0, 7] {
                let mut b = stream.clone();
                b[i] ^= 1 << bit;
                let t = format!("{PREFIX}{}", credential::base45::encode(&b));
                if miniz_oxide::inflate::decompress_to_vec_zlib(&b).is_ok_and(|out| out == cose) {
                    same += 1;
                    assert!(c.outcome(&t).is_valid());
                } else {
                    c.refused(&t, "zlib bit");
                }
            }
        }
        assert!(same <= 2, "{same} flips inflate to the same bytes");
        // Each character replaced by the next of the alphabet.
        let bytes = text.as_bytes();
        for i in PREFIX.len()..bytes.len() {
            let mut t = bytes.to_vec();
            let at = BASE45.iter().position(|&a| a == t[i]).unwrap();
            t[i] = BASE45[(at + 1) % 45];
            c.refused(std::str::from_utf8(&t).unwrap(), "character changed");
        }
        // Another prefix: each of its characters changed, lower case, none, another scheme's.
        let body = &text[PREFIX.len()..];
        for i in 0..PREFIX.len() {
            let mut p = PREFIX.as_bytes().to_vec();
            p[i] = if p[i] == b'X' { b'Y' } else { b'X' };
            let t = format!("{}{body}", std::str::from_utf8(&p).unwrap());
            assert_eq!(c.refused(&t, "prefix"), "not_onecard");
        }
        for p in ["", "oc1:", "OC2:", "HC1:", "OC1", " OC1:", "OC1: "] {
            let code = c.refused(&format!("{p}{body}"), "prefix");
            assert!(
                ["not_onecard", "malformed"].contains(&code),
                "{p:?}: {code}"
            );
        }
        // Junk inserted at every position: a Base45 character, one outside the alphabet, and
        // multi-byte UTF-8.
        for i in PREFIX.len()..=text.len() {
            for junk in ["0", "a", "中"] {
                let t = format!("{}{junk}{}", &text[..i], &text[i..]);
                c.refused(&t, "junk inserted");
            }
        }
        // Appended: trailing bytes after the COSE structure, and an extra character.
        let mut longer = cose.clone();
        longer.push(0);
        assert_eq!(
            c.refused(&qr::encode(&longer, Compression::None), "trailing"),
            "malformed"
        );
        // Oversized: over 4,096 characters, however they start.
        for pad in ["0", "A", "中"] {
            let t = format!("{text}{}", pad.repeat(4_097 - text.len()));
            assert_eq!(c.refused(&t, "oversized"), "too_large");
        }
        let t = format!("{text}{}", "0".repeat(4_096 - text.len()));
        assert_ne!(c.refused(&t, "4,096"), "too_large");
    }
    // Garbage: random bytes as text, random Base45 behind the prefix, random CBOR-looking bytes.
    let mut rng = Lcg(2026);
    for round in 0..600 {
        let len = rng.below(700);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        match round % 3 {
            0 => {
                c.refused(&String::from_utf8_lossy(&bytes), "garbage");
            }
            1 => {
                let body: String = bytes
                    .iter()
                    .map(|b| BASE45[*b as usize % 45] as char)
                    .collect();
                c.refused(&format!("{PREFIX}{body}"), "garbage base45");
            }
            _ => {
                let mut b = bytes;
                b.splice(0..0, [0xd2, 0x84]);
                c.refused(&qr::encode(&b, Compression::None), "garbage cose");
            }
        }
    }
    eprintln!(
        "{} mutated credential texts, each refused with a reason, in {:?}",
        c.count,
        started.elapsed()
    );
    assert!(c.count > 10_000);
}

#[test]
fn status_unavailable_has_a_reason() {
    let mut c = Checker::new();
    let text = &texts()[1];
    let signed = status_list().sign(&common::key());
    let verify_at = |now: i64| StatusListToken::verify(&signed, &c.keys, URI, now);
    // Older than its time to live, and past its expiry.
    let stale = verify_at(T0 - 60 + 3_601);
    assert_eq!(stale, Err(StatusListError::Stale));
    assert_eq!(verify_at(T0 + 86_400), Err(StatusListError::Expired));
    let outcome = check_offline(
        text,
        &c.keys,
        |_| stale.clone(),
        NOW,
        common::d("2027-01-01"),
    );
    assert_eq!(outcome.code(), "status_unavailable");
    assert_eq!(outcome.detail(), Some("status_list_stale"));
    // A list signed by a key nobody published.
    let stranger = IssuerKey::from_seed(&[66; 32]);
    assert_eq!(
        StatusListToken::verify(&status_list().sign(&stranger), &c.keys, URI, NOW),
        Err(StatusListError::UnknownKey)
    );
    // A credential signed by a key nobody published.
    let claims = common::claims(
        &common::permit("Data Scientist"),
        "北京中关村示例科技有限公司",
        Profile::Full,
    );
    let foreign = issue(&claims, &stranger).unwrap();
    assert_eq!(c.refused(&foreign, "stranger"), "unknown_key");
}

#[test]
fn mutated_status_lists_are_refused_with_a_reason() {
    let keys = key_set();
    let bytes = status_list().sign(&common::key());
    let verify = |b: &[u8]| StatusListToken::verify(b, &keys, URI, NOW);
    assert!(verify(&bytes).is_ok());
    let mut n = 0;
    let mut refused = |b: &[u8], what: &str| {
        n += 1;
        // The unverified URI read must not panic either, whatever it says.
        let _ = StatusListToken::uri_unverified(b);
        match verify(b) {
            Ok(t) => panic!("{what}: accepted {t:?}"),
            Err(e) => assert!(e.code().starts_with("status_list_"), "{e:?}"),
        }
    };
    for len in 0..bytes.len() {
        refused(&bytes[..len], "truncated");
    }
    for i in 0..bytes.len() {
        for bit in 0..8 {
            let mut b = bytes.clone();
            b[i] ^= 1 << bit;
            refused(&b, "bit flipped");
        }
    }
    let mut longer = bytes.clone();
    longer.push(0);
    refused(&longer, "trailing byte");
    refused(&vec![0xd2; 1024 * 1024 + 1], "oversized");
    let mut rng = Lcg(7);
    for _ in 0..300 {
        let mut b: Vec<u8> = (0..rng.below(400)).map(|_| rng.next() as u8).collect();
        b.splice(0..0, [0xd2, 0x84]);
        refused(&b, "garbage");
    }
    assert!(n > 1_000);
}

#[test]
fn mutated_key_sets_are_refused_with_a_reason() {
    let root = root().public();
    let bytes = key_set().sign(&self::root());
    assert!(KeySet::verify(&bytes, &root, NOW).is_ok());
    let mut n = 0;
    let mut refused = |b: &[u8], what: &str| {
        n += 1;
        match KeySet::verify(b, &root, NOW) {
            Ok(s) => panic!("{what}: accepted {s:?}"),
            Err(e) => assert!(e.code().starts_with("key_set_"), "{e:?}"),
        }
    };
    for len in 0..bytes.len() {
        refused(&bytes[..len], "truncated");
    }
    for i in 0..bytes.len() {
        for bit in 0..8 {
            let mut b = bytes.clone();
            b[i] ^= 1 << bit;
            refused(&b, "bit flipped");
        }
    }
    refused(&vec![0; 64 * 1024 + 1], "oversized");
    let mut rng = Lcg(11);
    for _ in 0..300 {
        let mut b: Vec<u8> = (0..rng.below(400)).map(|_| rng.next() as u8).collect();
        b.splice(0..0, [0xd2, 0x84]);
        refused(&b, "garbage");
    }
    assert!(n > 1_000);
}

/// Maps with many keys used to cost a comparison for every pair of keys before any signature was
/// checked: a 1 MiB status list made of one such map took minutes.
#[test]
fn huge_maps_are_refused_quickly() {
    use ciborium::Value;
    let map = Value::Map(
        (0..120_000)
            .map(|i| (Value::Integer((i + 100).into()), Value::Null))
            .collect(),
    );
    let mut protected = Vec::new();
    ciborium::into_writer(&map, &mut protected).unwrap();
    let sign1 = Value::Tag(
        18,
        Box::new(Value::Array(vec![
            Value::Bytes(protected),
            Value::Map(vec![]),
            Value::Bytes(vec![]),
            Value::Bytes(vec![0; 64]),
        ])),
    );
    let mut bytes = Vec::new();
    ciborium::into_writer(&sign1, &mut bytes).unwrap();
    assert!(bytes.len() < 1024 * 1024);
    // Refused at the map's size, before any pair of its keys is compared: this took minutes
    // when the duplicate check ran over every pair.
    assert_eq!(
        StatusListToken::verify(&bytes, &key_set(), URI, NOW),
        Err(StatusListError::Malformed)
    );
}
