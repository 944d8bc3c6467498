//! Social insurance of a foreign employee: the registration the agency decides, and the
//! physical social security card through its states.

use crate::FieldError;
use crate::city::City;
use crate::ids::{EmployerId, InsuranceId, PersonId};
use crate::numbers::{PermitNumber, SocialSecurityNumber};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InsuranceState {
    /// Asked for by the employer or the holder; the agency checks the permit.
    Requested,
    /// Registered: the holder has a social security number.
    Registered,
    Refused,
}

impl InsuranceState {
    pub fn as_str(&self) -> &'static str {
        match self {
            InsuranceState::Requested => "requested",
            InsuranceState::Registered => "registered",
            InsuranceState::Refused => "refused",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        [
            InsuranceState::Requested,
            InsuranceState::Registered,
            InsuranceState::Refused,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// The physical card's states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardState {
    BeingMade,
    /// Made, waiting at the agency to be handed over.
    Ready,
    Issued,
    ReportedLost,
    Cancelled,
}

impl CardState {
    pub const ALL: [CardState; 5] = [
        CardState::BeingMade,
        CardState::Ready,
        CardState::Issued,
        CardState::ReportedLost,
        CardState::Cancelled,
    ];
    pub fn as_str(&self) -> &'static str {
        match self {
            CardState::BeingMade => "being_made",
            CardState::Ready => "ready",
            CardState::Issued => "issued",
            CardState::ReportedLost => "reported_lost",
            CardState::Cancelled => "cancelled",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        Self::from_code(s.trim()).ok_or_else(|| FieldError::new(field, "card_state_value"))
    }
}

/// Who moves the card: the agency, or the holder (who may only report it lost).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardActor {
    Agency,
    Holder,
}

/// The card's transitions, as one table.
pub fn card_step(from: CardState, to: CardState, by: CardActor) -> bool {
    use CardState::*;
    match by {
        CardActor::Holder => matches!((from, to), (Issued, ReportedLost)),
        CardActor::Agency => matches!(
            (from, to),
            (BeingMade, Ready)
                | (Ready, Issued)
                | (Issued, ReportedLost)
                | (BeingMade | Ready | Issued | ReportedLost, Cancelled)
        ),
    }
}

/// Whether a new card may be made: the last one was reported lost or cancelled, and the
/// insurance stands.
pub fn may_replace(last: CardState) -> bool {
    matches!(last, CardState::ReportedLost | CardState::Cancelled)
}

/// How the agency knew the permit when the registration was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PermitCheck {
    /// The permit number (from the notice) looked up in the shared record.
    SharedRecord,
    /// The e-SSC's QR code, verified online.
    CardQr,
}

impl PermitCheck {
    pub fn as_str(&self) -> &'static str {
        match self {
            PermitCheck::SharedRecord => "shared_record",
            PermitCheck::CardQr => "card_qr",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        [PermitCheck::SharedRecord, PermitCheck::CardQr]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Insurance {
    pub id: InsuranceId,
    pub person_id: PersonId,
    pub employer_id: EmployerId,
    pub city: City,
    pub permit_number: PermitNumber,
    pub permit_check: PermitCheck,
    pub state: InsuranceState,
    pub version: i64,
    pub ssn: Option<SocialSecurityNumber>,
    pub requested_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub refusal: Vec<String>,
}

/// A physical card; a replacement is a new card under the same number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocialSecurityCard {
    pub insurance_id: InsuranceId,
    /// 1 for the first card, then one more per replacement.
    pub serial: i32,
    pub state: CardState,
    pub changed_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holders_only_report_an_issued_card_lost() {
        for from in CardState::ALL {
            for to in CardState::ALL {
                assert_eq!(
                    card_step(from, to, CardActor::Holder),
                    from == CardState::Issued && to == CardState::ReportedLost,
                    "{from:?} {to:?}"
                );
            }
        }
    }

    #[test]
    fn cancelled_is_final_and_cards_move_forward() {
        for to in CardState::ALL {
            assert!(!card_step(CardState::Cancelled, to, CardActor::Agency));
            assert!(!card_step(to, to, CardActor::Agency), "{to:?}");
        }
        assert!(card_step(
            CardState::BeingMade,
            CardState::Ready,
            CardActor::Agency
        ));
        assert!(card_step(
            CardState::Ready,
            CardState::Issued,
            CardActor::Agency
        ));
        assert!(!card_step(
            CardState::Ready,
            CardState::BeingMade,
            CardActor::Agency
        ));
        assert!(!card_step(
            CardState::BeingMade,
            CardState::Issued,
            CardActor::Agency
        ));
        assert!(may_replace(CardState::ReportedLost));
        assert!(!may_replace(CardState::Issued));
    }
}
