//! The static QR seal printed on an official notice: it binds the document's number and the
//! SHA-256 of its content to the issuer's signature, so that a printed notice can be checked for
//! being one the service issued, and a copy of its file for being unaltered. Unlike the card's
//! dynamic code it does not expire and is not used up; whether the permit it concerns still
//! stands is a separate, online question.
//!
//! A CWT in COSE_Sign1 with `typ` [`SEAL_TYP`]: `{1: iss, 2: document number, 6: iat,
//! -70003: {1: kind, 2: content hash, ?3: permit number}}`, in the same `OC1:` Base45 text.

use crate::cbor;
use crate::claims::Issuer;
use crate::cose;
use crate::keys::{IssuerKey, KeyLookup};
use crate::qr::{self, QR_COMPRESSION};
use crate::verify::{CLOCK_SKEW_SECS, Verdict};
use ciborium::Value;
use domain::numbers::PermitNumber;
use sha2::{Digest, Sha256};

/// The media type in a seal's protected header; the card's credential has none.
pub const SEAL_TYP: &str = "application/onecard-seal+cwt";
pub const CLAIM_SEAL: i64 = -70003;
mod key {
    pub const ISS: i64 = 1;
    pub const SUB: i64 = 2;
    pub const IAT: i64 = 6;
    pub const KIND: i64 = 1;
    pub const HASH: i64 = 2;
    pub const PERMIT: i64 = 3;
}

/// A document number or kind: 1 to 40 of capital letters, digits, `-` and `_` (lower case for
/// kinds), so that it prints and compares plainly.
fn plain(s: &str, lower: bool) -> bool {
    (1..=40).contains(&s.len())
        && s.bytes().all(|b| {
            b.is_ascii_digit()
                || b == b'-'
                || b == b'_'
                || if lower {
                    b.is_ascii_lowercase()
                } else {
                    b.is_ascii_uppercase()
                }
        })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSeal {
    pub issuer: Issuer,
    /// Seconds since the Unix epoch.
    pub issued_at: i64,
    number: String,
    kind: String,
    pub content_hash: [u8; 32],
    pub permit_number: Option<PermitNumber>,
}

impl DocumentSeal {
    /// A seal over `content`; `None` if the number or kind is not plain (see [`plain`]).
    pub fn new(
        issuer: Issuer,
        issued_at: i64,
        number: &str,
        kind: &str,
        content: &[u8],
        permit_number: Option<PermitNumber>,
    ) -> Option<DocumentSeal> {
        (plain(number, false) && plain(kind, true)).then(|| DocumentSeal {
            issuer,
            issued_at,
            number: number.to_string(),
            kind: kind.to_string(),
            content_hash: Sha256::digest(content).into(),
            permit_number,
        })
    }
    pub fn number(&self) -> &str {
        &self.number
    }
    pub fn kind(&self) -> &str {
        &self.kind
    }
    /// Whether `content` is the document this seal was made for, byte for byte.
    pub fn matches(&self, content: &[u8]) -> bool {
        Sha256::digest(content)[..] == self.content_hash[..]
    }

    fn to_cbor(&self) -> Vec<u8> {
        let mut seal = vec![
            cbor::entry(key::KIND, Value::Text(self.kind.clone())),
            cbor::entry(key::HASH, Value::Bytes(self.content_hash.to_vec())),
        ];
        if let Some(p) = &self.permit_number {
            seal.push(cbor::entry(key::PERMIT, Value::Text(p.to_string())));
        }
        cbor::to_vec(&Value::Map(vec![
            cbor::entry(key::ISS, Value::Text(self.issuer.as_str().to_string())),
            cbor::entry(key::SUB, Value::Text(self.number.clone())),
            cbor::entry(key::IAT, Value::Integer(self.issued_at.into())),
            cbor::entry(CLAIM_SEAL, Value::Map(seal)),
        ]))
    }

    fn from_cbor(bytes: &[u8]) -> Option<DocumentSeal> {
        let v = cbor::from_slice(bytes)?;
        let m = cbor::Map::new(&v)?;
        let issuer = m
            .get(key::ISS)
            .and_then(cbor::text)
            .and_then(Issuer::parse)?;
        let number = m
            .get(key::SUB)
            .and_then(cbor::text)
            .filter(|n| plain(n, false))?;
        let issued_at = m.get(key::IAT).and_then(cbor::int)?;
        let seal = m.get(CLAIM_SEAL).and_then(cbor::Map::new)?;
        if !seal.only_int_keys(&[key::KIND, key::HASH, key::PERMIT]) {
            return None;
        }
        let kind = seal
            .get(key::KIND)
            .and_then(cbor::text)
            .filter(|k| plain(k, true))?;
        let content_hash: [u8; 32] = seal.get(key::HASH).and_then(cbor::bytes)?.try_into().ok()?;
        let permit_number = match seal.get(key::PERMIT) {
            None => None,
            Some(p) => Some(PermitNumber::parse("permit", cbor::text(p)?).ok()?),
        };
        Some(DocumentSeal {
            issuer,
            issued_at,
            number: number.to_string(),
            kind: kind.to_string(),
            content_hash,
            permit_number,
        })
    }

    /// The seal's QR text.
    pub fn sign(&self, key: &IssuerKey) -> String {
        qr::encode(
            &cose::sign(key, Some(SEAL_TYP), &self.to_cbor()),
            QR_COMPRESSION,
        )
    }
}

/// What a scanned code is, read far enough to know which check applies; nothing is trusted yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    /// The card's credential (or anything that is not a seal: its own check gives the verdict).
    Card,
    Seal,
}

pub fn kind_of(text: &str) -> CodeKind {
    let seal = crate::verify::read(text).is_ok_and(|s| s.typ.as_deref() == Some(SEAL_TYP));
    if seal { CodeKind::Seal } else { CodeKind::Card }
}

/// Verifies a seal's QR text at `now` with the issuer keys `keys`: the seal, or a verdict that
/// refuses it (never [`Verdict::Valid`]).
pub fn verify_seal(text: &str, keys: &impl KeyLookup, now: i64) -> Result<DocumentSeal, Verdict> {
    let sign1 = crate::verify::read(text)?;
    if sign1.typ.as_deref() != Some(SEAL_TYP) {
        return Err(Verdict::Malformed { what: "cose_typ" });
    }
    let malformed = Verdict::Malformed { what: "seal" };
    // As for the card's credential, the key is chosen by the time of issue the signature then
    // vouches for.
    let issued_at = cbor::from_slice(&sign1.payload)
        .and_then(|v| {
            cbor::Map::new(&v)
                .and_then(|m| m.get(key::IAT))
                .and_then(cbor::int)
        })
        .ok_or(malformed.clone())?;
    let public = keys
        .lookup(&sign1.kid, issued_at)
        .ok_or(Verdict::UnknownKey {
            kid: sign1.kid.clone(),
        })?;
    sign1.verify(&public).map_err(|_| Verdict::BadSignature)?;
    let seal = DocumentSeal::from_cbor(&sign1.payload).ok_or(malformed)?;
    if seal.issued_at > now.saturating_add(CLOCK_SKEW_SECS) {
        return Err(Verdict::NotYetValid);
    }
    Ok(seal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{KeyEntry, KeySet};

    const T0: i64 = 1_790_000_000;

    fn keys(k: &IssuerKey) -> KeySet {
        KeySet {
            issuer: "CN-MOHRSS".into(),
            issued_at: T0,
            expires_at: T0 + 1,
            entries: vec![KeyEntry::new(k.public(), 0, None)],
        }
    }

    fn seal() -> DocumentSeal {
        DocumentSeal::new(
            Issuer::parse("CN-MOHRSS").unwrap(),
            T0,
            "N2026-110000-000123",
            "notification_letter",
            b"%PDF-1.7 the notice",
            PermitNumber::parse("p", "P1100002026000001X").ok(),
        )
        .unwrap()
    }

    #[test]
    fn round_trips_and_binds_the_content() {
        let k = IssuerKey::from_seed(&[3; 32]);
        let text = seal().sign(&k);
        assert!(text.starts_with(qr::PREFIX));
        assert!(text.len() <= 340, "a small code: {} characters", text.len());
        assert_eq!(kind_of(&text), CodeKind::Seal);
        let back = verify_seal(&text, &keys(&k), T0 + 10 * 365 * 86_400).expect("no expiry");
        assert_eq!(back, seal());
        assert!(back.matches(b"%PDF-1.7 the notice"));
        assert!(!back.matches(b"%PDF-1.7 the notice, altered"));
        assert_eq!(back.number(), "N2026-110000-000123");
    }

    #[test]
    fn refuses_what_is_not_a_good_seal() {
        let k = IssuerKey::from_seed(&[3; 32]);
        let ks = keys(&k);
        let text = seal().sign(&k);
        let other = IssuerKey::from_seed(&[4; 32]);
        assert!(matches!(
            verify_seal(&seal().sign(&other), &ks, T0),
            Err(Verdict::UnknownKey { .. })
        ));
        assert_eq!(verify_seal(&text, &ks, T0 - 60), Err(Verdict::NotYetValid));
        assert_eq!(verify_seal("hello", &ks, T0), Err(Verdict::NotOneCard));
        assert!(matches!(
            verify_seal(&text[..text.len() - 3], &ks, T0),
            Err(Verdict::Malformed { .. })
        ));
        // Every byte of the COSE changed in turn: never accepted as it was.
        let cose = crate::base45::decode(&text[qr::PREFIX.len()..]).unwrap();
        for i in 0..cose.len() {
            let mut b = cose.clone();
            b[i] ^= 0x01;
            let t = qr::encode(&b, QR_COMPRESSION);
            assert!(verify_seal(&t, &ks, T0).is_err(), "byte {i}");
        }
        assert!(
            DocumentSeal::new(Issuer::parse("x").unwrap(), T0, "n 1", "k", b"", None).is_none()
        );
        assert!(DocumentSeal::new(Issuer::parse("x").unwrap(), T0, "N1", "K", b"", None).is_none());
    }

    #[test]
    fn the_card_credential_is_not_a_seal() {
        let k = IssuerKey::from_seed(&[3; 32]);
        let status = crate::status::StatusListToken {
            uri: "https://x/status/0".into(),
            issued_at: T0,
            expires_at: T0 + 1,
            ttl: 1,
            list: crate::status::StatusList::new(4),
        };
        let text = qr::encode(&status.sign(&k), QR_COMPRESSION);
        assert_eq!(kind_of(&text), CodeKind::Card);
        assert_eq!(
            verify_seal(&text, &keys(&k), T0),
            Err(Verdict::Malformed { what: "cose_typ" })
        );
        assert_eq!(kind_of("garbage"), CodeKind::Card);
    }
}
