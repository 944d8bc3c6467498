//! What the fuzz targets share: fixed keys, a verified key set and status list, the checks each
//! target runs, and the seeds made from real credentials. Everything is deterministic, so a
//! crash found once reproduces from its artifact.

use chrono::NaiveDate;
use ciborium::Value;
use credential::status::StatusListError;
use credential::{
    Claims, IssuerKey, KeyEntry, KeySet, Outcome, Profile, StatusList, StatusListToken, StatusRef,
    TokenId, TokenParams, TokenStatus, Verdict, check_offline, issue,
};
use domain::city::City;
use domain::ids::{EmployerId, PermitId, PersonId};
use domain::numbers::PermitNumber;
use domain::permit::{Category, Medium, Permit, PermitStatus};
use domain::values::{Nationality, PassportNumber, PersonName, Text};
use ed25519_dalek::{Signer, SigningKey};
use uuid::Uuid;

/// When the seed credentials were issued; the targets check at `NOW`, so the seeds are valid and
/// the fuzzer starts from inputs that reach every check.
pub const T0: i64 = 1_790_000_000;
pub const NOW: i64 = T0 + 5;
pub const URI: &str = "https://onecard.example/status/1";
const ISSUER_SEED: [u8; 32] = [7; 32];
const ROOT_SEED: [u8; 32] = [9; 32];
pub const KEY_SET_TYP: &str = "application/onecard-keyset+cwt";
pub const STATUS_LIST_TYP: &str = "application/statuslist+cwt";

pub fn issuer() -> IssuerKey {
    IssuerKey::from_seed(&ISSUER_SEED)
}

pub fn root() -> IssuerKey {
    IssuerKey::from_seed(&ROOT_SEED)
}

pub fn key_set() -> KeySet {
    KeySet {
        issuer: "CN-MOHRSS".into(),
        issued_at: T0 - 3_600,
        expires_at: T0 + 86_400,
        entries: vec![KeyEntry::new(issuer().public(), 0, None)],
    }
}

pub fn status_list() -> StatusListToken {
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

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn claims(employer: &str, position: &str, profile: Profile, idx: u64) -> Claims {
    let permit = Permit {
        id: PermitId(Uuid::from_u128(1)),
        number: PermitNumber::new("110000", d("2026-01-05"), 42).expect("number"),
        revision: 1,
        holder_id: PersonId(Uuid::from_u128(2)),
        employer_id: EmployerId(Uuid::from_u128(3)),
        holder_name: PersonName::parse("holder", "MÜLLER", "Anna").expect("name"),
        nationality: Nationality::parse("n", "DEU").expect("nationality"),
        passport_number: PassportNumber::parse("p", "C01X00T47").expect("passport"),
        category: Category::B,
        position: Text::parse("position", position, 200).expect("position"),
        city: City::parse("city", "110000").expect("city"),
        valid_from: d("2026-01-05"),
        valid_to: d("2028-01-04"),
        status: PermitStatus::Valid,
        status_changed_on: None,
        medium: Medium::Electronic,
        application_id: None,
    };
    let params = TokenParams {
        issuer: credential::Issuer::parse("CN-MOHRSS").expect("issuer"),
        issued_at: T0,
        expires_at: T0 + 60,
        token_id: TokenId::from_bytes(&[0x5a; 8]).expect("token id"),
        status: StatusRef::new(idx, URI).expect("status"),
    };
    let employer = Text::parse("employer", employer, 200).expect("employer");
    Claims::for_permit(&permit, &employer, profile, params)
}

/// Real credentials: both profiles, a superseded and a cancelled entry, and long free texts
/// shortened to fit.
pub fn credential_claims() -> Vec<Claims> {
    let long = "中国科学院深圳先进技术研究院香港中文大学联合共建智能机器人自动化研究中心有限公司";
    vec![
        claims(
            "北京中关村示例科技有限公司",
            "Data Scientist",
            Profile::EmploymentCheck,
            77,
        ),
        claims(
            "北京中关村示例科技有限公司",
            "Data Scientist",
            Profile::Full,
            78,
        ),
        claims(
            long,
            "Principal Machine Learning Research Engineer",
            Profile::Full,
            3,
        ),
    ]
}

/// A verifier's state: the key set and status list it has cached, both checked.
pub struct Verifier {
    pub keys: KeySet,
    pub list: StatusListToken,
}

impl Verifier {
    pub fn new() -> Verifier {
        let keys =
            KeySet::verify(&key_set().sign(&root()), &root().public(), NOW).expect("key set");
        let list = StatusListToken::verify(&status_list().sign(&issuer()), &keys, URI, NOW)
            .expect("status list");
        Verifier { keys, list }
    }

    /// Checks `data` as a notice's PDF file: a definite verdict, and a file that passes is one
    /// whose body the seal binds.
    pub fn check_notice(&self, data: &[u8]) {
        use documents::notice::{self, NoticeVerdict};
        match notice::verify_notice(data, &self.keys, NOW) {
            Ok(seal) => {
                let (body, _) = notice::split_sealed(data).expect("a valid file splits");
                assert!(seal.matches(body));
            }
            Err(NoticeVerdict::Refused(v)) => assert!(!v.code().is_empty()),
            Err(_) => {}
        }
    }

    /// Verifies `text` and checks it offline: each must give a definite verdict, and agree.
    pub fn check_text(&self, text: &str) {
        let verdict = credential::verify(text, &self.keys, NOW);
        assert!(!verdict.code().is_empty());
        if let Verdict::Malformed { what } = &verdict {
            assert!(!what.is_empty());
        }
        let outcome = check_offline(
            text,
            &self.keys,
            |uri| {
                (uri == self.list.uri)
                    .then(|| self.list.clone())
                    .ok_or(StatusListError::UriMismatch)
            },
            NOW,
            d("2027-01-01"),
        );
        match (&verdict, &outcome) {
            (Verdict::Valid { claims, .. }, o) => {
                assert_eq!(o.claims(), Some(&**claims));
                // What the parser accepts, the encoder writes back so that it parses the same.
                assert_eq!(Claims::from_cbor(&claims.to_cbor()).as_ref(), Ok(&**claims));
            }
            (v, Outcome::Refused(r)) => assert_eq!(v, r),
            (v, o) => panic!("verify said {v:?}, the offline check {o:?}"),
        }
    }

    pub fn check_status_list(&self, bytes: &[u8]) {
        let _ = StatusListToken::uri_unverified(bytes);
        for now in [NOW, T0 + 86_400, T0 - 3_600] {
            match StatusListToken::verify(bytes, &self.keys, URI, now) {
                Ok(token) => {
                    for idx in [0, 3, 77, 78, 999, 1_000, u64::MAX] {
                        let _ = token.status_of(idx);
                    }
                }
                Err(e) => assert!(e.code().starts_with("status_list_")),
            }
        }
    }

    pub fn check_key_set(&self, bytes: &[u8]) {
        use credential::KeyLookup;
        match KeySet::verify(bytes, &root().public(), NOW) {
            Ok(set) => {
                for e in &set.entries {
                    let _ = set.lookup(e.kid(), e.not_before);
                }
            }
            Err(e) => assert!(e.code().starts_with("key_set_")),
        }
    }
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier::new()
    }
}

/// A COSE_Sign1 over any payload, made as the crate makes them (RFC 9052): the fuzzer cannot
/// forge a signature, so without this it would never reach what is read after one is checked.
pub fn sign1(key: &IssuerKey, seed: &[u8; 32], typ: Option<&str>, payload: &[u8]) -> Vec<u8> {
    let int = |i: i64| Value::Integer(i.into());
    let mut header = vec![
        (int(1), int(-8)),
        (int(4), Value::Bytes(key.kid().as_bytes().to_vec())),
    ];
    if let Some(t) = typ {
        header.push((int(16), Value::Text(t.into())));
    }
    let protected = to_vec(&Value::Map(header));
    let to_sign = to_vec(&Value::Array(vec![
        Value::Text("Signature1".into()),
        Value::Bytes(protected.clone()),
        Value::Bytes(Vec::new()),
        Value::Bytes(payload.to_vec()),
    ]));
    let signature = SigningKey::from_bytes(seed).sign(&to_sign);
    to_vec(&Value::Tag(
        18,
        Box::new(Value::Array(vec![
            Value::Bytes(protected),
            Value::Map(Vec::new()),
            Value::Bytes(payload.to_vec()),
            Value::Bytes(signature.to_bytes().to_vec()),
        ])),
    ))
}

fn to_vec(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::into_writer(v, &mut out).expect("writing to a Vec");
    out
}

/// What `signed_payload` signs, by its first byte.
#[derive(Debug, Clone, Copy)]
pub enum Document {
    Credential = 0,
    StatusList = 1,
    KeySet = 2,
}

impl Document {
    pub fn from_byte(b: u8) -> Document {
        match b % 3 {
            0 => Document::Credential,
            1 => Document::StatusList,
            _ => Document::KeySet,
        }
    }

    /// Signs `payload` as this kind of document, with the key that signs it.
    pub fn sign(self, payload: &[u8]) -> Vec<u8> {
        match self {
            Document::Credential => sign1(&issuer(), &ISSUER_SEED, None, payload),
            Document::StatusList => sign1(&issuer(), &ISSUER_SEED, Some(STATUS_LIST_TYP), payload),
            Document::KeySet => sign1(&root(), &ROOT_SEED, Some(KEY_SET_TYP), payload),
        }
    }
}

/// The seed corpora, by target: real credential texts, the signed status list and key set, and
/// their payloads for `signed_payload`. Few and small, as they are committed.
pub fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    let mut out = Vec::new();
    let issuer = issuer();
    for (i, c) in credential_claims().iter().enumerate() {
        let text = issue(c, &issuer).expect("fits");
        out.push(("verify_text", format!("credential-{i}"), text.into_bytes()));
        let payload = c.to_cbor();
        let mut signed = vec![Document::Credential as u8];
        signed.extend(&payload);
        out.push(("signed_payload", format!("credential-{i}"), signed));
    }
    for kind in [
        documents::notice::NoticeKind::RefusalDecision,
        documents::notice::NoticeKind::InformationPage,
    ] {
        let n = documents::notice::sample(kind);
        let body = documents::notice::render(&n);
        let seal = credential::DocumentSeal::new(
            credential::Issuer::parse("CN-MOHRSS").expect("issuer"),
            T0,
            &n.number,
            kind.code(),
            &body,
            None,
        )
        .expect("plain number")
        .sign(&issuer);
        let file = documents::notice::attach_seal(&body, &seal).expect("sealed");
        out.push(("notice_file", kind.code().to_string(), file));
    }
    let list = status_list().sign(&issuer);
    let keys = key_set().sign(&root());
    for (target, doc, bytes) in [
        ("status_list", Document::StatusList, list),
        ("key_set", Document::KeySet, keys),
    ] {
        let payload = cose_payload(&bytes);
        let mut signed = vec![doc as u8];
        signed.extend(payload);
        out.push(("signed_payload", target.replace('_', "-"), signed));
        out.push((target, "signed".into(), bytes));
    }
    out
}

/// The payload of a COSE_Sign1 this crate made.
fn cose_payload(bytes: &[u8]) -> Vec<u8> {
    let v: Value = ciborium::from_reader(bytes).expect("COSE");
    let Value::Tag(18, inner) = v else {
        panic!("tag 18")
    };
    let Value::Array(items) = *inner else {
        panic!("array")
    };
    match &items[2] {
        Value::Bytes(b) => b.clone(),
        _ => panic!("payload"),
    }
}
