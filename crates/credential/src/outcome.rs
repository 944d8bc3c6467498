//! What a verifier shows for a scanned code, with the same codes whether the check was made
//! online (the server reads the permit's record) or offline (a cached key set and status list).

use crate::claims::Claims;
use crate::document::{self, CodeKind, DocumentSeal};
use crate::keys::KeyLookup;
use crate::status::{StatusListError, StatusListToken, TokenStatus};
use crate::verify::{Verdict, verify};
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Signed by a known key, within its time, and the permit stands.
    Valid { claims: Box<Claims> },
    /// A notice's static seal, signed by a known key: the document is one the service issued.
    /// It neither expires nor is used up.
    Sealed { seal: Box<DocumentSeal> },
    /// The code itself fails: not ours, malformed, too large, an unknown key, a bad signature,
    /// its 60 seconds are over, or it is dated in the future. Never [`Verdict::Valid`].
    Refused(Verdict),
    /// The permit was cancelled; online checks know the day.
    Cancelled {
        claims: Box<Claims>,
        on: Option<NaiveDate>,
    },
    /// The permit lapsed at the end of its validity.
    PermitExpired { claims: Box<Claims>, on: NaiveDate },
    /// A newer revision of the permit replaced this one.
    Superseded { claims: Box<Claims> },
    /// Online only: this dynamic code was verified before.
    AlreadyUsed { claims: Box<Claims> },
    /// Offline only: no usable status list for the code (none cached for its URI, or the cached
    /// one is stale, expired or badly signed), so the permit's standing is unknown.
    StatusUnavailable {
        claims: Box<Claims>,
        reason: StatusListError,
    },
}

impl Outcome {
    /// A stable snake_case code for the API and the translations.
    pub fn code(&self) -> &'static str {
        match self {
            Outcome::Valid { .. } | Outcome::Sealed { .. } => "valid",
            Outcome::Refused(Verdict::Expired { .. }) => "qr_expired",
            Outcome::Refused(v) => v.code(),
            Outcome::Cancelled { .. } => "cancelled",
            Outcome::PermitExpired { .. } => "permit_expired",
            Outcome::Superseded { .. } => "superseded",
            Outcome::AlreadyUsed { .. } => "already_used",
            Outcome::StatusUnavailable { .. } => "status_unavailable",
        }
    }
    pub fn is_valid(&self) -> bool {
        matches!(self, Outcome::Valid { .. } | Outcome::Sealed { .. })
    }
    /// The claims, when the signature held: a refused code shows nothing it carries.
    pub fn claims(&self) -> Option<&Claims> {
        match self {
            Outcome::Refused(_) | Outcome::Sealed { .. } => None,
            Outcome::Valid { claims }
            | Outcome::Cancelled { claims, .. }
            | Outcome::PermitExpired { claims, .. }
            | Outcome::Superseded { claims }
            | Outcome::AlreadyUsed { claims }
            | Outcome::StatusUnavailable { claims, .. } => Some(claims),
        }
    }
    /// The verdict's detail, where there is one: which part was malformed, or why no status list
    /// served.
    pub fn detail(&self) -> Option<&'static str> {
        match self {
            Outcome::Refused(Verdict::Malformed { what }) => Some(what),
            Outcome::StatusUnavailable { reason, .. } => Some(reason.code()),
            _ => None,
        }
    }
}

/// The permit's standing from a status list entry, on `today` in the issuer's time zone. A permit
/// past its last day has lapsed whatever the list says, as the list may not be flipped yet.
pub fn from_status(claims: Box<Claims>, status: TokenStatus, today: NaiveDate) -> Outcome {
    let valid_to = claims.permit.valid_to;
    if today > valid_to {
        return Outcome::PermitExpired {
            claims,
            on: valid_to,
        };
    }
    match status {
        TokenStatus::Valid => Outcome::Valid { claims },
        TokenStatus::Superseded => Outcome::Superseded { claims },
        TokenStatus::Invalid | TokenStatus::Suspended => Outcome::Cancelled { claims, on: None },
    }
}

/// Offline verification: the signature against `keys`, then the permit's entry in the status list
/// that `list_for` finds for the credential's status URI (already verified against the same
/// keys, or the reason it cannot serve). `now` is seconds since the Unix epoch; `today` the date
/// in the issuer's time zone.
pub fn check_offline(
    text: &str,
    keys: &impl KeyLookup,
    list_for: impl Fn(&str) -> Result<StatusListToken, StatusListError>,
    now: i64,
    today: NaiveDate,
) -> Outcome {
    if document::kind_of(text) == CodeKind::Seal {
        return match document::verify_seal(text, keys, now) {
            Ok(seal) => Outcome::Sealed {
                seal: Box::new(seal),
            },
            Err(refused) => Outcome::Refused(refused),
        };
    }
    let claims = match verify(text, keys, now) {
        Verdict::Valid { claims, .. } => claims,
        refused => return Outcome::Refused(refused),
    };
    let entry = list_for(claims.status.uri()).and_then(|list| {
        list.status_of(claims.status.idx())
            .ok_or(StatusListError::NoEntry)
    });
    match entry {
        Ok(status) => from_status(claims, status, today),
        Err(reason) => Outcome::StatusUnavailable { claims, reason },
    }
}
