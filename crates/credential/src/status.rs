//! Token Status List (draft-ietf-oauth-status-list), CWT form: one entry per permit revision,
//! flipped when the permit is cancelled, superseded or lapses, signed and published by the
//! server, cached by offline verifiers.
//!
//! Two bits per entry, so a verifier can tell a superseded permit (the holder has a newer one)
//! from an invalid one without asking the server. Entry `i` sits in byte `i / 4`, at bits
//! `2 * (i % 4)` and up (least significant first), as the draft lays them out.

use crate::cbor;
use crate::cose::{self, CoseError, Sign1};
use crate::keys::{IssuerKey, KeyLookup};
use crate::verify::CLOCK_SKEW_SECS;
use ciborium::Value;
use domain::permit::PermitStatus;

pub const STATUS_LIST_TYP: &str = "application/statuslist+cwt";
pub const BITS: u64 = 2;
/// Claim keys the draft registers for the list token.
pub const CLAIM_SUB: i64 = 2;
pub const CLAIM_EXP: i64 = 4;
pub const CLAIM_IAT: i64 = 6;
pub const CLAIM_TTL: i64 = 65534;
pub const CLAIM_STATUS_LIST: i64 = 65533;
/// Four million entries at two bits: room for every permit revision for years.
pub const MAX_LIST_BYTES: usize = 1024 * 1024;
/// The signed token; a zlib-compressed list of mostly-valid entries is far smaller.
pub const MAX_TOKEN_BYTES: usize = 1024 * 1024;

/// An entry's value, as the draft defines them for 0 to 2; 3 is left to the application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenStatus {
    Valid = 0,
    /// Cancelled, or lapsed: the credential's own `valid_to` tells which.
    Invalid = 1,
    /// Defined by the draft; not used by OneCard today.
    Suspended = 2,
    /// Application-specific 0x03: replaced by a newer revision.
    Superseded = 3,
}

impl TokenStatus {
    fn from_bits(b: u8) -> TokenStatus {
        match b & 0b11 {
            0 => TokenStatus::Valid,
            1 => TokenStatus::Invalid,
            2 => TokenStatus::Suspended,
            _ => TokenStatus::Superseded,
        }
    }
    pub fn for_permit(s: PermitStatus) -> TokenStatus {
        match s {
            PermitStatus::Valid => TokenStatus::Valid,
            PermitStatus::Cancelled | PermitStatus::Expired => TokenStatus::Invalid,
            PermitStatus::Superseded => TokenStatus::Superseded,
        }
    }
    pub fn code(&self) -> &'static str {
        match self {
            TokenStatus::Valid => "valid",
            TokenStatus::Invalid => "invalid",
            TokenStatus::Suspended => "suspended",
            TokenStatus::Superseded => "superseded",
        }
    }
}

/// The list itself: `capacity` entries, all valid until set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList {
    bytes: Vec<u8>,
}

impl StatusList {
    /// Room for at least `capacity` entries (rounded up to whole bytes).
    pub fn new(capacity: usize) -> StatusList {
        StatusList {
            bytes: vec![0; capacity.div_ceil(4)],
        }
    }
    pub fn capacity(&self) -> usize {
        self.bytes.len() * 4
    }
    /// Sets entry `idx`; false if it is past the end.
    pub fn set(&mut self, idx: u64, status: TokenStatus) -> bool {
        let Some(byte) = usize::try_from(idx / 4)
            .ok()
            .and_then(|i| self.bytes.get_mut(i))
        else {
            return false;
        };
        let shift = (idx % 4) * 2;
        *byte = (*byte & !(0b11 << shift)) | ((status as u8) << shift);
        true
    }
    pub fn status_of(&self, idx: u64) -> Option<TokenStatus> {
        let byte = self.bytes.get(usize::try_from(idx / 4).ok()?)?;
        Some(TokenStatus::from_bits(byte >> ((idx % 4) * 2)))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusListError {
    TooLarge,
    Malformed,
    UnsupportedAlgorithm,
    UnknownKey,
    BadSignature,
    WrongType,
    /// The token is the list at another URI than the one asked for.
    UriMismatch,
    Expired,
    /// Older than its time to live: the verifier must fetch a fresh one.
    Stale,
    NotYetValid,
    /// The list is shorter than the credential's index.
    NoEntry,
    /// No list for the credential's URI: an offline verifier has none cached.
    Missing,
}

impl StatusListError {
    pub fn code(&self) -> &'static str {
        match self {
            StatusListError::TooLarge => "status_list_too_large",
            StatusListError::Malformed => "status_list_malformed",
            StatusListError::UnsupportedAlgorithm => "status_list_unsupported_algorithm",
            StatusListError::UnknownKey => "status_list_unknown_key",
            StatusListError::BadSignature => "status_list_bad_signature",
            StatusListError::WrongType => "status_list_wrong_type",
            StatusListError::UriMismatch => "status_list_uri_mismatch",
            StatusListError::Expired => "status_list_expired",
            StatusListError::Stale => "status_list_stale",
            StatusListError::NotYetValid => "status_list_not_yet_valid",
            StatusListError::NoEntry => "status_list_no_entry",
            StatusListError::Missing => "status_list_missing",
        }
    }
}

impl From<CoseError> for StatusListError {
    fn from(e: CoseError) -> Self {
        match e {
            CoseError::Malformed(_) => StatusListError::Malformed,
            CoseError::UnsupportedAlgorithm => StatusListError::UnsupportedAlgorithm,
            CoseError::BadSignature => StatusListError::BadSignature,
        }
    }
}

/// The signed list as published at `uri`. Times are seconds since the Unix epoch; `ttl` is how
/// long, in seconds from `issued_at`, a verifier may rely on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusListToken {
    pub uri: String,
    pub issued_at: i64,
    pub expires_at: i64,
    pub ttl: u64,
    pub list: StatusList,
}

impl StatusListToken {
    pub fn sign(&self, key: &IssuerKey) -> Vec<u8> {
        let t = |s: &str| Value::Text(s.to_string());
        let lst = miniz_oxide::deflate::compress_to_vec_zlib(&self.list.bytes, 9);
        let payload = Value::Map(vec![
            cbor::entry(CLAIM_SUB, t(&self.uri)),
            cbor::entry(CLAIM_EXP, Value::Integer(self.expires_at.into())),
            cbor::entry(CLAIM_IAT, Value::Integer(self.issued_at.into())),
            cbor::entry(CLAIM_TTL, Value::Integer(self.ttl.into())),
            cbor::entry(
                CLAIM_STATUS_LIST,
                Value::Map(vec![
                    (t("bits"), Value::Integer(BITS.into())),
                    (t("lst"), Value::Bytes(lst)),
                ]),
            ),
        ]);
        cose::sign(key, Some(STATUS_LIST_TYP), &cbor::to_vec(&payload))
    }

    /// Verifies the token fetched for `expected_uri` (the `uri` of a credential's status claim).
    pub fn verify(
        bytes: &[u8],
        keys: &impl KeyLookup,
        expected_uri: &str,
        now: i64,
    ) -> Result<StatusListToken, StatusListError> {
        if bytes.len() > MAX_TOKEN_BYTES {
            return Err(StatusListError::TooLarge);
        }
        let sign1 = Sign1::parse(bytes)?;
        let token = Self::from_payload(&sign1.payload)?;
        let key = keys
            .lookup(&sign1.kid, token.issued_at)
            .ok_or(StatusListError::UnknownKey)?;
        sign1.verify(&key)?;
        if sign1.typ.as_deref() != Some(STATUS_LIST_TYP) {
            return Err(StatusListError::WrongType);
        }
        if token.uri != expected_uri {
            return Err(StatusListError::UriMismatch);
        }
        if now >= token.expires_at {
            return Err(StatusListError::Expired);
        }
        if token.issued_at > now.saturating_add(CLOCK_SKEW_SECS) {
            return Err(StatusListError::NotYetValid);
        }
        let ttl = i64::try_from(token.ttl).unwrap_or(i64::MAX);
        if now > token.issued_at.saturating_add(ttl) {
            return Err(StatusListError::Stale);
        }
        Ok(token)
    }

    /// The URI the token names itself the list of, read without checking its signature or
    /// anything else: for filing cached tokens by URI. Trust it only after [`Self::verify`].
    pub fn uri_unverified(bytes: &[u8]) -> Result<String, StatusListError> {
        if bytes.len() > MAX_TOKEN_BYTES {
            return Err(StatusListError::TooLarge);
        }
        let sign1 = Sign1::parse(bytes)?;
        let v = cbor::from_slice(&sign1.payload).ok_or(StatusListError::Malformed)?;
        cbor::Map::new(&v)
            .and_then(|m| m.get(CLAIM_SUB))
            .and_then(cbor::text)
            .map(str::to_string)
            .ok_or(StatusListError::Malformed)
    }

    fn from_payload(payload: &[u8]) -> Result<StatusListToken, StatusListError> {
        let m = StatusListError::Malformed;
        let v = cbor::from_slice(payload).ok_or(m)?;
        let map = cbor::Map::new(&v).ok_or(m)?;
        let uri = map.get(CLAIM_SUB).and_then(cbor::text).ok_or(m)?;
        let issued_at = map.get(CLAIM_IAT).and_then(cbor::int).ok_or(m)?;
        let expires_at = map.get(CLAIM_EXP).and_then(cbor::int).ok_or(m)?;
        let ttl = map.get(CLAIM_TTL).and_then(cbor::uint).ok_or(m)?;
        let list = map
            .get(CLAIM_STATUS_LIST)
            .and_then(cbor::Map::new)
            .ok_or(m)?;
        if list.get_text("bits").and_then(cbor::uint) != Some(BITS) {
            return Err(m);
        }
        let lst = list.get_text("lst").and_then(cbor::bytes).ok_or(m)?;
        let bytes = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(lst, MAX_LIST_BYTES)
            .map_err(|_| m)?;
        Ok(StatusListToken {
            uri: uri.to_string(),
            issued_at,
            expires_at,
            ttl,
            list: StatusList { bytes },
        })
    }

    pub fn status_of(&self, idx: u64) -> Option<TokenStatus> {
        self.list.status_of(idx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{KeyEntry, KeySet, Kid};

    const T0: i64 = 1_790_000_000;
    const URI: &str = "https://sl.onecard.cn/1";

    fn token() -> StatusListToken {
        let mut list = StatusList::new(100_000);
        assert!(list.set(3, TokenStatus::Invalid));
        assert!(list.set(4, TokenStatus::Superseded));
        assert!(list.set(99_999, TokenStatus::Suspended));
        StatusListToken {
            uri: URI.into(),
            issued_at: T0,
            expires_at: T0 + 86_400,
            ttl: 3_600,
            list,
        }
    }

    fn keys(k: &IssuerKey) -> KeySet {
        KeySet {
            issuer: "CN-MOHRSS".into(),
            issued_at: T0,
            expires_at: T0 + 1,
            entries: vec![KeyEntry::new(k.public(), 0, None)],
        }
    }

    #[test]
    fn packs_two_bits_least_significant_first() {
        let mut l = StatusList::new(8);
        l.set(0, TokenStatus::Invalid);
        l.set(1, TokenStatus::Suspended);
        l.set(3, TokenStatus::Superseded);
        l.set(5, TokenStatus::Invalid);
        assert_eq!(l.bytes, [0b11_00_10_01, 0b00_00_01_00]);
        l.set(3, TokenStatus::Valid);
        assert_eq!(l.bytes[0], 0b00_00_10_01);
        assert!(!l.set(8, TokenStatus::Invalid));
        assert_eq!(l.status_of(8), None);
        assert_eq!(l.status_of(u64::MAX), None);
    }

    #[test]
    fn round_trips_and_flips() {
        let k = IssuerKey::from_seed(&[3; 32]);
        let mut t = token();
        let bytes = t.sign(&k);
        assert!(
            bytes.len() < 300,
            "100,000 mostly valid entries: {} bytes",
            bytes.len()
        );
        let back = StatusListToken::verify(&bytes, &keys(&k), URI, T0 + 60).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.status_of(0), Some(TokenStatus::Valid));
        assert_eq!(back.status_of(3), Some(TokenStatus::Invalid));
        assert_eq!(back.status_of(4), Some(TokenStatus::Superseded));
        assert_eq!(back.status_of(99_999), Some(TokenStatus::Suspended));
        assert_eq!(back.status_of(100_000), None);

        t.list
            .set(0, TokenStatus::for_permit(PermitStatus::Cancelled));
        t.list.set(3, TokenStatus::for_permit(PermitStatus::Valid));
        let back = StatusListToken::verify(&t.sign(&k), &keys(&k), URI, T0).unwrap();
        assert_eq!(back.status_of(0), Some(TokenStatus::Invalid));
        assert_eq!(back.status_of(3), Some(TokenStatus::Valid));
        assert_eq!(StatusListToken::uri_unverified(&bytes).as_deref(), Ok(URI));
        assert_eq!(
            StatusListToken::uri_unverified(b"\xd2\x84"),
            Err(StatusListError::Malformed)
        );
    }

    #[test]
    fn definite_errors() {
        let k = IssuerKey::from_seed(&[3; 32]);
        let ks = keys(&k);
        let bytes = token().sign(&k);
        let v = |b: &[u8], uri: &str, now: i64| StatusListToken::verify(b, &ks, uri, now);
        assert_eq!(v(&bytes, URI, T0 + 3_601), Err(StatusListError::Stale));
        assert_eq!(v(&bytes, URI, T0 + 86_400), Err(StatusListError::Expired));
        assert_eq!(v(&bytes, URI, T0 - 31), Err(StatusListError::NotYetValid));
        assert_eq!(
            v(&bytes, "https://sl.onecard.cn/2", T0),
            Err(StatusListError::UriMismatch)
        );
        let mut bad = bytes.clone();
        let n = bad.len();
        bad[n - 1] ^= 1;
        assert_eq!(v(&bad, URI, T0), Err(StatusListError::BadSignature));
        let other = IssuerKey::from_seed(&[4; 32]);
        assert_eq!(
            v(&token().sign(&other), URI, T0),
            Err(StatusListError::UnknownKey)
        );
        // Signed by a known key but as another kind of document.
        let mut t = token();
        t.list = StatusList::new(4);
        let wrong = cose::sign(
            &k,
            Some("application/cwt"),
            &Sign1::parse(&t.sign(&k)).unwrap().payload,
        );
        assert_eq!(v(&wrong, URI, T0), Err(StatusListError::WrongType));
        assert_eq!(v(b"\xd2\x84", URI, T0), Err(StatusListError::Malformed));
        assert_eq!(
            v(&vec![0; MAX_TOKEN_BYTES + 1], URI, T0),
            Err(StatusListError::TooLarge)
        );
        let lookup = |_: &Kid| None;
        assert_eq!(
            StatusListToken::verify(&bytes, &lookup, URI, T0),
            Err(StatusListError::UnknownKey)
        );
    }

    #[test]
    fn refuses_an_inflated_list_over_the_cap() {
        let k = IssuerKey::from_seed(&[3; 32]);
        let mut t = token();
        t.list = StatusList::new((MAX_LIST_BYTES + 1) * 4);
        assert_eq!(
            StatusListToken::verify(&t.sign(&k), &keys(&k), URI, T0),
            Err(StatusListError::Malformed)
        );
    }
}
