//! What the credential's tests issue: Anna MÜLLER's Beijing permit, with the employer, position
//! and profile a test asks for.
#![allow(dead_code)]

use chrono::NaiveDate;
use credential::{Claims, IssuerKey, Profile, StatusRef, TokenId, TokenParams};
use domain::city::City;
use domain::ids::{EmployerId, PermitId, PersonId};
use domain::numbers::PermitNumber;
use domain::permit::{Category, Medium, Permit, PermitStatus};
use domain::values::{Nationality, PassportNumber, PersonName, Text};
use uuid::Uuid;

/// When the test credentials were issued; they expire a minute later.
pub const T0: i64 = 1_790_000_000;

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn permit(position: &str) -> Permit {
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
        position: Text::parse("position", position, 200).unwrap(),
        city: City::parse("city", "110000").unwrap(),
        valid_from: d("2026-01-05"),
        valid_to: d("2028-01-04"),
        status: PermitStatus::Valid,
        status_changed_on: None,
        medium: Medium::Electronic,
        application_id: None,
    }
}

/// The claims of `permit` with `employer`, issued at `T0` for a minute, status index 77.
pub fn claims(permit: &Permit, employer: &str, profile: Profile) -> Claims {
    let params = TokenParams {
        issuer: credential::Issuer::parse("CN-MOHRSS").unwrap(),
        issued_at: T0,
        expires_at: T0 + 60,
        token_id: TokenId::from_bytes(&[0x5a; 8]).unwrap(),
        status: StatusRef::new(77, "https://onecard.example/status/1").unwrap(),
    };
    let employer = Text::parse("employer", employer, 200).unwrap();
    Claims::for_permit(permit, &employer, profile, params)
}

pub fn key() -> IssuerKey {
    IssuerKey::from_seed(&[7; 32])
}
