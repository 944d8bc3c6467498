//! The credential end to end: issue, encode, scan, verify, and every way a scan can go wrong.

use chrono::NaiveDate;
use ciborium::Value;
use credential::qr::{self, Compression, PREFIX};
use credential::{
    Claims, IssuerKey, KeyEntry, KeySet, Kid, Profile, StatusRef, TokenId, TokenParams, Verdict,
    issue, verify,
};
use domain::city::City;
use domain::ids::{EmployerId, PermitId, PersonId};
use domain::numbers::PermitNumber;
use domain::permit::{Category, Medium, Permit, PermitStatus};
use domain::values::{Nationality, PassportNumber, PersonName, Text};
use proptest::prelude::*;
use uuid::Uuid;

const T0: i64 = 1_790_000_000;
const SEED: [u8; 32] = [42; 32];

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Long but real-world values: a 12-character Chinese employer name, a long position, compound
/// passport names.
fn permit() -> Permit {
    Permit {
        id: PermitId(Uuid::from_u128(1)),
        number: PermitNumber::new("310000", d("2026-01-05"), 123_456).unwrap(),
        revision: 2,
        holder_id: PersonId(Uuid::from_u128(2)),
        employer_id: EmployerId(Uuid::from_u128(3)),
        holder_name: PersonName::parse("holder", "VAN DER BERG", "MARIA-ALEJANDRA").unwrap(),
        nationality: Nationality::parse("n", "NLD").unwrap(),
        passport_number: PassportNumber::parse("p", "NX1234567").unwrap(),
        category: Category::B,
        position: Text::parse("position", "Senior Data Platform Engineer", 200).unwrap(),
        city: City::parse("city", "310000").unwrap(),
        valid_from: d("2026-01-05"),
        valid_to: d("2028-01-04"),
        status: PermitStatus::Valid,
        status_changed_on: None,
        medium: Medium::Electronic,
        application_id: None,
    }
}

fn employer() -> Text {
    Text::parse("employer", "北京字节跳动科技有限公司", 200).unwrap()
}

/// The longest values we have seen: a 40-character Chinese employer name, a 44-character
/// position, long compound names.
fn extreme() -> (Permit, Text) {
    let mut p = permit();
    p.holder_name =
        PersonName::parse("holder", "VAN DER BERG-OKONKWO", "MARIA-ALEJANDRA SOFIA").unwrap();
    p.position = Text::parse(
        "position",
        "Principal Machine Learning Research Engineer",
        200,
    )
    .unwrap();
    let employer =
        "中国科学院深圳先进技术研究院香港中文大学联合共建智能机器人自动化研究中心有限公司";
    assert_eq!(employer.chars().count(), 40);
    (p, Text::parse("employer", employer, 200).unwrap())
}

fn params() -> TokenParams {
    TokenParams {
        issuer: credential::Issuer::parse("CN-MOHRSS").unwrap(),
        issued_at: T0,
        expires_at: T0 + 60,
        token_id: TokenId::from_bytes(&[0xa5; 8]).unwrap(),
        status: StatusRef::new(1_234_567, "https://sl.12333.cn/1").unwrap(),
    }
}

fn claims(profile: Profile) -> Claims {
    Claims::for_permit(&permit(), &employer(), profile, params())
}

fn key() -> IssuerKey {
    IssuerKey::from_seed(&SEED)
}

fn keys() -> KeySet {
    KeySet {
        issuer: "CN-MOHRSS".into(),
        issued_at: T0,
        expires_at: T0 + 86_400,
        entries: vec![KeyEntry::new(key().public(), 0, None)],
    }
}

fn check(text: &str) -> Verdict {
    verify(text, &keys(), T0 + 10)
}

#[test]
fn round_trip_per_profile() {
    for profile in [Profile::EmploymentCheck, Profile::Full] {
        let c = claims(profile);
        let text = issue(&c, &key()).unwrap();
        assert!(text.starts_with(PREFIX));
        match check(&text) {
            Verdict::Valid { claims, kid } => {
                assert_eq!(*claims, c);
                assert_eq!(&kid, key().kid());
                assert_eq!(claims.permit.profile(), profile);
            }
            v => panic!("{profile:?}: {v:?}"),
        }
    }
    let e = claims(Profile::EmploymentCheck);
    assert!(e.permit.details.is_none());
    let f = claims(Profile::Full).permit.details.unwrap();
    assert_eq!(f.nationality.as_str(), "NLD");
    assert_eq!(f.city.code(), "310000");
}

#[test]
fn a_name_without_given_names_round_trips() {
    let mut p = permit();
    p.holder_name = PersonName::parse("holder", "NGUYEN", "").unwrap();
    let c = Claims::for_permit(&p, &employer(), Profile::Full, params());
    let Verdict::Valid { claims, .. } = check(&issue(&c, &key()).unwrap()) else {
        panic!()
    };
    assert_eq!(claims.permit.holder_name.given_names, None);
}

#[test]
fn a_zlib_compressed_credential_also_verifies() {
    let c = claims(Profile::Full);
    let text = qr::encode(&qr::sign(&c, &key()), Compression::Zlib);
    assert!(check(&text).is_valid());
}

/// The COSE_Sign1 of a credential, taken apart: protected, payload, signature.
fn parts(text: &str) -> (Vec<u8>, Value, Vec<u8>) {
    let b = credential::base45::decode(text.strip_prefix(PREFIX).unwrap()).unwrap();
    let Value::Tag(18, inner) = ciborium::from_reader::<Value, _>(&b[..]).unwrap() else {
        panic!()
    };
    let Value::Array(a) = *inner else { panic!() };
    let bytes = |v: &Value| v.as_bytes().unwrap().clone();
    let payload = ciborium::from_reader(&bytes(&a[2])[..]).unwrap();
    (bytes(&a[0]), payload, bytes(&a[3]))
}

fn assemble(protected: Vec<u8>, payload: &Value, signature: Vec<u8>) -> String {
    let mut p = Vec::new();
    ciborium::into_writer(payload, &mut p).unwrap();
    let sign1 = Value::Tag(
        18,
        Box::new(Value::Array(vec![
            Value::Bytes(protected),
            Value::Map(vec![]),
            Value::Bytes(p),
            Value::Bytes(signature),
        ])),
    );
    let mut out = Vec::new();
    ciborium::into_writer(&sign1, &mut out).unwrap();
    qr::encode(&out, Compression::None)
}

fn entry_mut(map: &mut Value, key: i64) -> &mut Value {
    let Value::Map(entries) = map else { panic!() };
    &mut entries
        .iter_mut()
        .find(|(k, _)| k.as_integer() == Some(key.into()))
        .unwrap_or_else(|| panic!("key {key}"))
        .1
}

/// Another value of the same CBOR type, so only the signature can tell.
fn altered(v: &Value) -> Value {
    match v {
        Value::Text(s) => Value::Text(format!("{s}X")),
        Value::Integer(i) => Value::Integer((i128::from(*i) + 1).try_into().unwrap()),
        Value::Bytes(b) => Value::Bytes(b.iter().map(|x| x ^ 1).collect()),
        Value::Tag(t, inner) => Value::Tag(*t, Box::new(altered(inner))),
        Value::Map(m) => {
            let mut m = m.clone();
            let (_, first) = &mut m[0];
            *first = altered(first);
            Value::Map(m)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn changing_any_claim_breaks_the_signature() {
    let text = issue(&claims(Profile::Full), &key()).unwrap();
    let (protected, payload, signature) = parts(&text);
    // Untouched, the reassembly is the original.
    assert_eq!(
        assemble(protected.clone(), &payload, signature.clone()),
        text
    );
    for claim in [1, 2, 4, 6, 7, 65535] {
        let mut p = payload.clone();
        let v = entry_mut(&mut p, claim);
        *v = altered(v);
        let verdict = check(&assemble(protected.clone(), &p, signature.clone()));
        assert_eq!(verdict, Verdict::BadSignature, "claim {claim}");
    }
    for field in 1..=11 {
        let mut p = payload.clone();
        let v = entry_mut(entry_mut(&mut p, -70001), field);
        *v = altered(v);
        let verdict = check(&assemble(protected.clone(), &p, signature.clone()));
        assert_eq!(verdict, Verdict::BadSignature, "permit field {field}");
    }
    // A disclosure profile cannot be widened or narrowed either.
    let mut p = payload.clone();
    let Value::Map(permit) = entry_mut(&mut p, -70001) else {
        panic!()
    };
    permit.retain(|(k, _)| k.as_integer().is_some_and(|k| i128::from(k) < 8));
    *entry_mut(entry_mut(&mut p, -70001), 1) = Value::Integer(1.into());
    assert_eq!(
        check(&assemble(protected.clone(), &p, signature.clone())),
        Verdict::BadSignature
    );
}

#[test]
fn every_flipped_bit_of_the_cose_bytes_is_refused() {
    let cose = qr::sign(&claims(Profile::EmploymentCheck), &key());
    for i in 0..cose.len() {
        for bit in 0..8 {
            let mut b = cose.clone();
            b[i] ^= 1 << bit;
            let v = check(&qr::encode(&b, Compression::None));
            assert!(!v.is_valid(), "byte {i} bit {bit}");
        }
    }
}

#[test]
fn bad_input_classes() {
    let text = issue(&claims(Profile::Full), &key()).unwrap();
    assert!(check(&text).is_valid());

    // Truncated: at every length.
    for n in 0..text.len() {
        assert!(!check(&text[..n]).is_valid(), "truncated to {n}");
    }
    assert_eq!(check(&text[..text.len() - 1]).code(), "malformed");
    // Another prefix, or none.
    let body = &text[PREFIX.len()..];
    assert_eq!(check(&format!("HC1:{body}")), Verdict::NotOneCard);
    assert_eq!(check(&format!("OC2:{body}")), Verdict::NotOneCard);
    assert_eq!(check(body), Verdict::NotOneCard);
    assert_eq!(check(""), Verdict::NotOneCard);
    assert_eq!(check(&format!("oc1:{body}")), Verdict::NotOneCard);
    // A Base45 character changed.
    let mut flipped = text.clone().into_bytes();
    let i = PREFIX.len() + 100;
    flipped[i] = if flipped[i] == b'A' { b'B' } else { b'A' };
    let v = check(&String::from_utf8(flipped).unwrap());
    assert!(!v.is_valid(), "{v:?}");
    // Characters outside the alphabet.
    assert_eq!(check(&format!("{text}a")).code(), "malformed");
    assert_eq!(check(&text.replace('A', "a")).code(), "malformed");
    // Oversized.
    assert_eq!(
        check(&format!("{PREFIX}{}", "0".repeat(5000))),
        Verdict::TooLarge
    );
    assert_eq!(check(&"x".repeat(4097)), Verdict::TooLarge);
    // Garbage that is valid Base45.
    let garbage = credential::base45::encode(b"\xd2\x84\x01\x02\x03\x04 not cose");
    assert_eq!(check(&format!("{PREFIX}{garbage}")).code(), "malformed");
    assert_eq!(
        check(&format!("{PREFIX}{}", credential::base45::encode(b""))).code(),
        "malformed"
    );
    // A valid token checked too late or too early.
    assert_eq!(
        verify(&text, &keys(), T0 + 60),
        Verdict::Expired { at: T0 + 60 }
    );
    assert!(
        verify(&text, &keys(), T0 - 30).is_valid(),
        "within clock skew"
    );
    assert_eq!(verify(&text, &keys(), T0 - 31), Verdict::NotYetValid);
}

#[test]
fn unknown_key_and_retired_key() {
    let text = issue(&claims(Profile::Full), &key()).unwrap();
    let nobody = |_: &Kid| None;
    assert_eq!(
        verify(&text, &nobody, T0),
        Verdict::UnknownKey {
            kid: key().kid().clone()
        }
    );
    let other = IssuerKey::from_seed(&[1; 32]);
    let wrong_key = |_: &Kid| Some(other.public());
    assert_eq!(verify(&text, &wrong_key, T0), Verdict::BadSignature);
    let mut ks = keys();
    ks.entries = vec![KeyEntry::new(key().public(), 0, Some(T0))];
    assert_eq!(
        verify(&text, &ks, T0).code(),
        "unknown_key",
        "signed at retirement"
    );
}

#[test]
fn wrong_algorithm() {
    let text = issue(&claims(Profile::Full), &key()).unwrap();
    let (_, payload, signature) = parts(&text);
    for alg in [-7i64, -35, 1, 0] {
        let mut protected = Vec::new();
        let header = Value::Map(vec![
            (Value::Integer(1.into()), Value::Integer(alg.into())),
            (
                Value::Integer(4.into()),
                Value::Bytes(key().kid().as_bytes().to_vec()),
            ),
        ]);
        ciborium::into_writer(&header, &mut protected).unwrap();
        assert_eq!(
            check(&assemble(protected, &payload, signature.clone())),
            Verdict::UnsupportedAlgorithm
        );
    }
}

#[test]
fn a_zip_bomb_is_refused() {
    let bomb = miniz_oxide::deflate::compress_to_vec_zlib(&vec![0u8; 1 << 20], 10);
    let text = format!("{PREFIX}{}", credential::base45::encode(&bomb));
    assert!(text.len() <= 4096, "{}", text.len());
    assert_eq!(check(&text), Verdict::Malformed { what: "zlib" });
    // Just over the limit after inflation is refused too; just under is read (and is not COSE).
    let over = miniz_oxide::deflate::compress_to_vec_zlib(&vec![0u8; 16 * 1024 + 1], 10);
    assert_eq!(
        check(&format!("{PREFIX}{}", credential::base45::encode(&over))),
        Verdict::Malformed { what: "zlib" }
    );
    let under = miniz_oxide::deflate::compress_to_vec_zlib(&vec![0u8; 16 * 1024], 10);
    assert_eq!(
        check(&format!("{PREFIX}{}", credential::base45::encode(&under))).code(),
        "malformed"
    );
    // A truncated zlib stream.
    let c = qr::sign(&claims(Profile::Full), &key());
    let z = miniz_oxide::deflate::compress_to_vec_zlib(&c, 9);
    let text = format!("{PREFIX}{}", credential::base45::encode(&z[..z.len() - 5]));
    assert_eq!(check(&text), Verdict::Malformed { what: "zlib" });
}

/// Alphanumeric characters a QR code holds at error correction level Q (ISO/IEC 18004, table 7).
const ALPHANUMERIC_Q: [(u32, usize); 8] = [
    (10, 221),
    (11, 259),
    (12, 296),
    (13, 352),
    (14, 376),
    (15, 426),
    (16, 470),
    (17, 531),
];

fn qr_version_q(chars: usize) -> Option<u32> {
    ALPHANUMERIC_Q
        .iter()
        .find(|(_, cap)| chars <= *cap)
        .map(|(v, _)| *v)
}

fn measure(label: &str, claims: &Claims) -> (usize, usize) {
    let cose = qr::sign(claims, &key());
    let plain = qr::encode(&cose, Compression::None).len();
    let zlib = qr::encode(&cose, Compression::Zlib).len();
    println!(
        "{label}: COSE {} bytes; QR text {plain} chars (version {:?} at Q) without zlib, \
         {zlib} chars (version {:?}) with",
        cose.len(),
        qr_version_q(plain),
        qr_version_q(zlib),
    );
    (plain, zlib)
}

#[test]
fn payload_size_and_zlib_decision() {
    let mut sizes = Vec::new();
    for profile in [Profile::EmploymentCheck, Profile::Full] {
        sizes.push(measure(profile.code(), &claims(profile)));
    }
    let (p, e) = extreme();
    let extreme_full = measure(
        "full, extreme values",
        &Claims::for_permit(&p, &e, Profile::Full, params()),
    );
    sizes.push(extreme_full);
    let (full, _) = sizes[1];
    assert!(full <= qr::MAX_QR_TEXT, "full profile: {full} chars");
    // zlib is kept only where it lowers the QR version; it does not, in any case measured.
    for (plain, zlib) in sizes {
        assert!(qr_version_q(zlib).unwrap_or(u32::MAX) >= qr_version_q(plain).unwrap_or(u32::MAX));
    }
    assert_eq!(qr::QR_COMPRESSION, Compression::None);
    // Unshortened, the extreme values do not fit version 17 at Q; as issued, they do.
    assert_eq!(qr_version_q(extreme_full.0), None);
    let extreme_claims = Claims::for_permit(&p, &e, Profile::Full, params());
    let issued = issue(&extreme_claims, &key()).unwrap();
    let carried = qr::fit(&extreme_claims, &key()).unwrap();
    println!(
        "full, extreme values as issued: {} chars (version {:?} at Q); employer {:?}, position {:?}",
        issued.len(),
        qr_version_q(issued.len()),
        carried.permit.employer.as_str(),
        carried.permit.details.unwrap().position.as_str(),
    );
    assert!(issued.len() <= qr::MAX_QR_TEXT);
    // How long a Chinese employer name the full profile holds unshortened in 500 characters,
    // other values as in `permit()`.
    let longest = (1..=40)
        .take_while(|n| {
            let name: String = e.as_str().chars().take(*n).collect();
            let c = Claims::for_permit(
                &permit(),
                &Text::parse("employer", &name, 200).unwrap(),
                Profile::Full,
                params(),
            );
            qr::text_len(&c, &key()) <= qr::MAX_QR_TEXT
        })
        .last();
    println!("longest unshortened Chinese employer name within 500 characters: {longest:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in ".{0,600}") {
        let v = check(&text);
        prop_assert!(!v.is_valid());
    }

    #[test]
    fn random_base45_never_panics(text in "[0-9A-Z $%*+./:-]{0,900}") {
        let scanned = format!("{PREFIX}{text}");
        prop_assert!(!check(&scanned).is_valid());
    }

    #[test]
    fn random_cose_shaped_bytes_never_panic(mut bytes in proptest::collection::vec(any::<u8>(), 0..400), zlib in any::<bool>()) {
        if let Some(b) = bytes.first_mut() { *b = 0xd2; }
        let c = if zlib { Compression::Zlib } else { Compression::None };
        prop_assert!(!check(&qr::encode(&bytes, c)).is_valid());
    }

    #[test]
    fn mutated_credentials_never_pass(i in 0usize..500, b in any::<u8>()) {
        let cose = qr::sign(&claims(Profile::Full), &key());
        let mut m = cose.clone();
        let i = i % m.len();
        prop_assume!(m[i] != b);
        m[i] = b;
        prop_assert!(!check(&qr::encode(&m, Compression::None)).is_valid());
    }
}
