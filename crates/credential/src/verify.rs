//! Reading a scanned QR: one definite verdict for any text, never a panic.

use crate::cbor;
use crate::claims::{self, Claims};
use crate::cose::{CoseError, Sign1};
use crate::keys::{KeyLookup, Kid};
use crate::qr::{self, TransportError};

/// A token issued up to this many seconds in the verifier's future is still accepted: phone
/// clocks drift.
pub const CLOCK_SKEW_SECS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Valid {
        claims: Box<Claims>,
        kid: Kid,
    },
    /// Not a OneCard credential: the prefix is wrong or missing.
    NotOneCard,
    /// Base45, zlib, CBOR, COSE or claims that do not parse; `what` names the first fault.
    Malformed {
        what: &'static str,
    },
    /// More text than any credential needs.
    TooLarge,
    UnsupportedAlgorithm,
    UnknownKey {
        kid: Kid,
    },
    BadSignature,
    /// Past its `exp`, given in seconds since the Unix epoch.
    Expired {
        at: i64,
    },
    NotYetValid,
}

impl Verdict {
    pub fn code(&self) -> &'static str {
        match self {
            Verdict::Valid { .. } => "valid",
            Verdict::NotOneCard => "not_onecard",
            Verdict::Malformed { .. } => "malformed",
            Verdict::TooLarge => "too_large",
            Verdict::UnsupportedAlgorithm => "unsupported_algorithm",
            Verdict::UnknownKey { .. } => "unknown_key",
            Verdict::BadSignature => "bad_signature",
            Verdict::Expired { .. } => "expired",
            Verdict::NotYetValid => "not_yet_valid",
        }
    }
    pub fn is_valid(&self) -> bool {
        matches!(self, Verdict::Valid { .. })
    }
}

/// The COSE_Sign1 in a QR text, its signature not yet checked; or the verdict that refuses it.
pub(crate) fn read(text: &str) -> Result<Sign1, Verdict> {
    let cose = qr::decode(text).map_err(|e| match e {
        TransportError::NotOneCard => Verdict::NotOneCard,
        TransportError::TooLarge => Verdict::TooLarge,
        TransportError::Malformed(what) => Verdict::Malformed { what },
    })?;
    Sign1::parse(&cose).map_err(|e| match e {
        CoseError::UnsupportedAlgorithm => Verdict::UnsupportedAlgorithm,
        CoseError::Malformed(what) => Verdict::Malformed { what },
        CoseError::BadSignature => Verdict::BadSignature,
    })
}

/// Verifies the QR `text` at `now` (seconds since the Unix epoch) with the issuer keys `keys`.
/// The permit's own status (cancelled, superseded, expired) is a separate check against the
/// status list named in the claims.
pub fn verify(text: &str, keys: &impl KeyLookup, now: i64) -> Verdict {
    let sign1 = match read(text) {
        Ok(s) => s,
        Err(refused) => return refused,
    };
    // The key is chosen by when the token says it was issued; that claim is read before the
    // signature is checked, and the signature then vouches for it.
    let Some(issued_at) = cbor::from_slice(&sign1.payload).and_then(|v| {
        cbor::Map::new(&v)
            .and_then(|m| m.get(claims::key::IAT))
            .and_then(cbor::int)
    }) else {
        return Verdict::Malformed { what: "claims_iat" };
    };
    let Some(key) = keys.lookup(&sign1.kid, issued_at) else {
        return Verdict::UnknownKey { kid: sign1.kid };
    };
    if sign1.verify(&key).is_err() {
        return Verdict::BadSignature;
    }
    let claims = match Claims::from_cbor(&sign1.payload) {
        Ok(c) => c,
        Err(e) => {
            return Verdict::Malformed {
                what: e.claim().unwrap_or(e.code()),
            };
        }
    };
    if now >= claims.expires_at {
        return Verdict::Expired {
            at: claims.expires_at,
        };
    }
    if claims.issued_at > now.saturating_add(CLOCK_SKEW_SECS) {
        return Verdict::NotYetValid;
    }
    Verdict::Valid {
        claims: Box::new(claims),
        kid: sign1.kid,
    }
}
