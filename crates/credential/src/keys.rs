//! The issuer's keys: signing keys from a seed, key ids, and the signed key set that verifiers
//! cache so that they can check credentials offline.
//!
//! A kid is the first 8 bytes of SHA-256 over the 32-byte Ed25519 public key: short enough for the
//! QR, and derivable by anyone holding the key, so a key set cannot pair a kid with another key.

use crate::cbor;
use crate::cose::{self, CoseError, Sign1};
use crate::verify::CLOCK_SKEW_SECS;
use ciborium::Value;
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use std::fmt;

pub const KID_LEN: usize = 8;
/// The media type in the key set's protected header.
pub const KEY_SET_TYP: &str = "application/onecard-keyset+cwt";
/// The private claim holding the keys.
pub const CLAIM_KEYS: i64 = -70002;
/// A key set larger than this is refused unread.
pub const MAX_KEY_SET_BYTES: usize = 64 * 1024;

/// A COSE key id. Ours are 8 bytes; a foreign one may be 1 to 32 bytes and is then simply unknown.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Kid(Vec<u8>);

impl Kid {
    pub fn derive(public: &VerifyingKey) -> Kid {
        Kid(Sha256::digest(public.as_bytes())[..KID_LEN].to_vec())
    }
    pub fn from_bytes(b: &[u8]) -> Option<Kid> {
        (1..=32).contains(&b.len()).then(|| Kid(b.to_vec()))
    }
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Display for Kid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// An Ed25519 signing key and its kid. The seed comes from the caller (a key file, an HSM export):
/// this crate draws no randomness.
pub struct IssuerKey {
    signing: SigningKey,
    kid: Kid,
}

impl IssuerKey {
    pub fn from_seed(seed: &[u8; 32]) -> IssuerKey {
        let signing = SigningKey::from_bytes(seed);
        let kid = Kid::derive(&signing.verifying_key());
        IssuerKey { signing, kid }
    }
    pub fn kid(&self) -> &Kid {
        &self.kid
    }
    /// The 32-byte seed, for sealing at rest only.
    pub(crate) fn seed(&self) -> [u8; 32] {
        self.signing.to_bytes()
    }
    pub fn public(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }
    pub(crate) fn signing(&self) -> &SigningKey {
        &self.signing
    }
}

impl fmt::Debug for IssuerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IssuerKey({})", self.kid)
    }
}

/// Finds the public key for a kid, given when the token was issued (its `iat`), so that a
/// retired key still verifies what it signed before retirement but nothing after.
pub trait KeyLookup {
    fn lookup(&self, kid: &Kid, issued_at: i64) -> Option<VerifyingKey>;
}

/// Any `Fn(&Kid) -> Option<VerifyingKey>` serves, for callers that keep keys their own way.
impl<F: Fn(&Kid) -> Option<VerifyingKey>> KeyLookup for F {
    fn lookup(&self, kid: &Kid, _issued_at: i64) -> Option<VerifyingKey> {
        self(kid)
    }
}

/// One public key with the period in which it signs: from `not_before` (inclusive) to `retired`
/// (exclusive, open if none). Times are seconds since the Unix epoch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyEntry {
    kid: Kid,
    public: VerifyingKey,
    pub not_before: i64,
    pub retired: Option<i64>,
}

impl KeyEntry {
    pub fn new(public: VerifyingKey, not_before: i64, retired: Option<i64>) -> KeyEntry {
        KeyEntry {
            kid: Kid::derive(&public),
            public,
            not_before,
            retired,
        }
    }
    pub fn kid(&self) -> &Kid {
        &self.kid
    }
    pub fn public(&self) -> &VerifyingKey {
        &self.public
    }
    fn signs_at(&self, t: i64) -> bool {
        self.not_before <= t && self.retired.is_none_or(|r| t < r)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySetError {
    TooLarge,
    Malformed,
    UnsupportedAlgorithm,
    /// Signed by a key other than the trusted root.
    UnknownKey,
    BadSignature,
    WrongType,
    /// An entry whose kid is not derived from its key.
    KidMismatch,
    Expired,
    NotYetValid,
}

impl KeySetError {
    pub fn code(&self) -> &'static str {
        match self {
            KeySetError::TooLarge => "key_set_too_large",
            KeySetError::Malformed => "key_set_malformed",
            KeySetError::UnsupportedAlgorithm => "key_set_unsupported_algorithm",
            KeySetError::UnknownKey => "key_set_unknown_key",
            KeySetError::BadSignature => "key_set_bad_signature",
            KeySetError::WrongType => "key_set_wrong_type",
            KeySetError::KidMismatch => "key_set_kid_mismatch",
            KeySetError::Expired => "key_set_expired",
            KeySetError::NotYetValid => "key_set_not_yet_valid",
        }
    }
}

impl From<CoseError> for KeySetError {
    fn from(e: CoseError) -> Self {
        match e {
            CoseError::Malformed(_) => KeySetError::Malformed,
            CoseError::UnsupportedAlgorithm => KeySetError::UnsupportedAlgorithm,
            CoseError::BadSignature => KeySetError::BadSignature,
        }
    }
}

/// The issuer's public keys as published: signed by a root key that verifiers trust out of band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySet {
    pub issuer: String,
    pub issued_at: i64,
    pub expires_at: i64,
    pub entries: Vec<KeyEntry>,
}

mod claim {
    pub const ISS: i64 = 1;
    pub const EXP: i64 = 4;
    pub const IAT: i64 = 6;
}
mod entry {
    pub const KID: i64 = 1;
    pub const KEY: i64 = 2;
    pub const NOT_BEFORE: i64 = 3;
    pub const RETIRED: i64 = 4;
}

impl KeySet {
    pub fn sign(&self, root: &IssuerKey) -> Vec<u8> {
        let entries = self
            .entries
            .iter()
            .map(|e| {
                let mut m = vec![
                    cbor::entry(entry::KID, Value::Bytes(e.kid.0.clone())),
                    cbor::entry(entry::KEY, Value::Bytes(e.public.as_bytes().to_vec())),
                    cbor::entry(entry::NOT_BEFORE, Value::Integer(e.not_before.into())),
                ];
                if let Some(r) = e.retired {
                    m.push(cbor::entry(entry::RETIRED, Value::Integer(r.into())));
                }
                Value::Map(m)
            })
            .collect();
        let payload = Value::Map(vec![
            cbor::entry(claim::ISS, Value::Text(self.issuer.clone())),
            cbor::entry(claim::EXP, Value::Integer(self.expires_at.into())),
            cbor::entry(claim::IAT, Value::Integer(self.issued_at.into())),
            cbor::entry(CLAIM_KEYS, Value::Array(entries)),
        ]);
        cose::sign(root, Some(KEY_SET_TYP), &cbor::to_vec(&payload))
    }

    /// Checks the signature against the pinned `root` key and the validity at `now`.
    pub fn verify(bytes: &[u8], root: &VerifyingKey, now: i64) -> Result<KeySet, KeySetError> {
        if bytes.len() > MAX_KEY_SET_BYTES {
            return Err(KeySetError::TooLarge);
        }
        let sign1 = Sign1::parse(bytes)?;
        if sign1.kid != Kid::derive(root) {
            return Err(KeySetError::UnknownKey);
        }
        sign1.verify(root)?;
        if sign1.typ.as_deref() != Some(KEY_SET_TYP) {
            return Err(KeySetError::WrongType);
        }
        let set = Self::from_payload(&sign1.payload)?;
        if now >= set.expires_at {
            return Err(KeySetError::Expired);
        }
        // As for tokens and status lists: a verifier's clock a little behind the issuer's must
        // not refuse a key set signed the moment it was fetched.
        if set.issued_at > now.saturating_add(CLOCK_SKEW_SECS) {
            return Err(KeySetError::NotYetValid);
        }
        Ok(set)
    }

    fn from_payload(payload: &[u8]) -> Result<KeySet, KeySetError> {
        let m = KeySetError::Malformed;
        let v = cbor::from_slice(payload).ok_or(m)?;
        let map = cbor::Map::new(&v).ok_or(m)?;
        let issuer = map.get(claim::ISS).and_then(cbor::text).ok_or(m)?;
        let issued_at = map.get(claim::IAT).and_then(cbor::int).ok_or(m)?;
        let expires_at = map.get(claim::EXP).and_then(cbor::int).ok_or(m)?;
        let Some(Value::Array(items)) = map.get(CLAIM_KEYS) else {
            return Err(m);
        };
        let mut entries = Vec::with_capacity(items.len());
        for item in items {
            let e = cbor::Map::new(item).ok_or(m)?;
            if !e.only_int_keys(&[entry::KID, entry::KEY, entry::NOT_BEFORE, entry::RETIRED]) {
                return Err(m);
            }
            let kid = e.get(entry::KID).and_then(cbor::bytes).ok_or(m)?;
            let key: &[u8; 32] = e
                .get(entry::KEY)
                .and_then(cbor::bytes)
                .and_then(|b| b.try_into().ok())
                .ok_or(m)?;
            let public = VerifyingKey::from_bytes(key).map_err(|_| m)?;
            let not_before = e.get(entry::NOT_BEFORE).and_then(cbor::int).ok_or(m)?;
            let retired = match e.get(entry::RETIRED) {
                None => None,
                Some(r) => Some(cbor::int(r).ok_or(m)?),
            };
            let entry = KeyEntry::new(public, not_before, retired);
            if entry.kid.as_bytes() != kid {
                return Err(KeySetError::KidMismatch);
            }
            entries.push(entry);
        }
        Ok(KeySet {
            issuer: issuer.to_string(),
            issued_at,
            expires_at,
            entries,
        })
    }
}

impl KeyLookup for KeySet {
    fn lookup(&self, kid: &Kid, issued_at: i64) -> Option<VerifyingKey> {
        self.entries
            .iter()
            .find(|e| &e.kid == kid && e.signs_at(issued_at))
            .map(|e| e.public)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_790_000_000;

    fn set(a: &IssuerKey, b: &IssuerKey) -> KeySet {
        KeySet {
            issuer: "CN-MOHRSS".into(),
            issued_at: T0,
            expires_at: T0 + 86_400,
            entries: vec![
                KeyEntry::new(a.public(), T0 - 1000, Some(T0)),
                KeyEntry::new(b.public(), T0, None),
            ],
        }
    }

    #[test]
    fn kid_is_sha256_prefix() {
        let k = IssuerKey::from_seed(&[1; 32]);
        let digest = Sha256::digest(k.public().as_bytes());
        assert_eq!(k.kid().as_bytes(), &digest[..8]);
        assert_eq!(k.kid().to_string().len(), 16);
    }

    #[test]
    fn round_trips_and_looks_up_by_period() {
        let (root, a, b) = (
            IssuerKey::from_seed(&[9; 32]),
            IssuerKey::from_seed(&[1; 32]),
            IssuerKey::from_seed(&[2; 32]),
        );
        let s = set(&a, &b);
        let bytes = s.sign(&root);
        let back = KeySet::verify(&bytes, &root.public(), T0 + 10).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.lookup(a.kid(), T0 - 1), Some(a.public()));
        assert_eq!(back.lookup(a.kid(), T0), None, "retired");
        assert_eq!(back.lookup(b.kid(), T0 - 1), None, "not yet");
        assert_eq!(back.lookup(b.kid(), T0 + 5), Some(b.public()));
        assert_eq!(
            KeySet::verify(&bytes, &root.public(), T0 + 86_400),
            Err(KeySetError::Expired)
        );
        assert!(
            KeySet::verify(&bytes, &root.public(), T0 - 30).is_ok(),
            "clock skew"
        );
        assert_eq!(
            KeySet::verify(&bytes, &root.public(), T0 - 31),
            Err(KeySetError::NotYetValid)
        );
        assert_eq!(
            KeySet::verify(&bytes, &a.public(), T0),
            Err(KeySetError::UnknownKey)
        );
    }

    #[test]
    fn tampered_key_set_is_refused() {
        let (root, a, b) = (
            IssuerKey::from_seed(&[9; 32]),
            IssuerKey::from_seed(&[1; 32]),
            IssuerKey::from_seed(&[2; 32]),
        );
        let bytes = set(&a, &b).sign(&root);
        // Swap in an attacker's key, keeping the structure: the signature no longer holds.
        let evil = IssuerKey::from_seed(&[66; 32]);
        let pos = bytes
            .windows(32)
            .position(|w| w == b.public().as_bytes())
            .unwrap();
        let mut forged = bytes.clone();
        forged[pos..pos + 32].copy_from_slice(evil.public().as_bytes());
        assert_eq!(
            KeySet::verify(&forged, &root.public(), T0),
            Err(KeySetError::BadSignature)
        );
        for i in 0..bytes.len() {
            let mut t = bytes.clone();
            t[i] ^= 0x01;
            assert!(KeySet::verify(&t, &root.public(), T0).is_err(), "byte {i}");
        }
        // Signed by the root but with a kid that is not the key's own.
        let mut s = set(&a, &b);
        s.entries[0].kid = b.kid().clone();
        assert_eq!(
            KeySet::verify(&s.sign(&root), &root.public(), T0),
            Err(KeySetError::KidMismatch)
        );
    }
}
