//! Work permits: the record an approval creates, its revisions and its status over time.

use crate::FieldError;
use crate::city::City;
use crate::ids::{ApplicationId, EmployerId, PermitId, PersonId};
use crate::numbers::PermitNumber;
use crate::values::{Nationality, PassportNumber, PersonName, Text};
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Category {
    /// High-end talent.
    A,
    /// Professional.
    B,
    /// Others, quota-managed.
    C,
}

impl Category {
    pub fn parse(field: &str, s: &str) -> Result<Category, FieldError> {
        match s.trim().to_ascii_uppercase().as_str() {
            "A" => Ok(Category::A),
            "B" => Ok(Category::B),
            "C" => Ok(Category::C),
            "" => Err(FieldError::new(field, "required")),
            _ => Err(FieldError::new(field, "category_value")),
        }
    }
    pub fn as_str(&self) -> &'static str {
        match self {
            Category::A => "A",
            Category::B => "B",
            Category::C => "C",
        }
    }
    /// The longest validity of one permit of this category, in months. The national defaults:
    /// regional policy may shorten them.
    pub fn max_validity_months(&self) -> u32 {
        match self {
            Category::A => 60,
            Category::B => 24,
            Category::C => 12,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PermitStatus {
    Valid,
    Expired,
    Cancelled,
    Superseded,
}

impl PermitStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            PermitStatus::Valid => "valid",
            PermitStatus::Expired => "expired",
            PermitStatus::Cancelled => "cancelled",
            PermitStatus::Superseded => "superseded",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        [
            PermitStatus::Valid,
            PermitStatus::Expired,
            PermitStatus::Cancelled,
            PermitStatus::Superseded,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

/// Whether the holder carries the permit as a physical card (issued before the reform and kept
/// under "no change, no replacement") or on the electronic social security card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Medium {
    PhysicalCard,
    Electronic,
}

impl Medium {
    pub fn as_str(&self) -> &'static str {
        match self {
            Medium::PhysicalCard => "physical_card",
            Medium::Electronic => "electronic",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        [Medium::PhysicalCard, Medium::Electronic]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// One revision of a work permit. Revisions are never edited but for their status: an extension
/// or change makes a new revision and supersedes the old one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permit {
    pub id: PermitId,
    pub number: PermitNumber,
    pub revision: i32,
    pub holder_id: PersonId,
    pub employer_id: EmployerId,
    /// The holder as the passport showed them when this revision was issued.
    pub holder_name: PersonName,
    pub nationality: Nationality,
    pub passport_number: PassportNumber,
    pub category: Category,
    pub position: Text,
    pub city: City,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub status: PermitStatus,
    /// When the status last changed from valid (cancellation or supersession date).
    pub status_changed_on: Option<NaiveDate>,
    pub medium: Medium,
    /// The application whose approval issued this revision; none for imported physical cards.
    pub application_id: Option<ApplicationId>,
}

impl Permit {
    /// The status as of `today`: a valid permit past its last day has lapsed.
    pub fn status_on(&self, today: NaiveDate) -> PermitStatus {
        match self.status {
            PermitStatus::Valid if today > self.valid_to => PermitStatus::Expired,
            s => s,
        }
    }

    pub fn is_valid_on(&self, today: NaiveDate) -> bool {
        self.status_on(today) == PermitStatus::Valid && today >= self.valid_from
    }
}

/// Checks the validity period an officer grants: it starts no earlier than `today`, ends after it
/// starts, and lasts no longer than the category allows.
pub fn check_validity(
    category: Category,
    valid_from: NaiveDate,
    valid_to: NaiveDate,
    today: NaiveDate,
) -> Result<(), FieldError> {
    if valid_from < today {
        return Err(FieldError::new("valid_from", "date_in_past"));
    }
    if valid_to <= valid_from {
        return Err(FieldError::new("valid_to", "valid_to_before_from"));
    }
    let months = category.max_validity_months();
    let limit = valid_from
        .checked_add_months(Months::new(months))
        .expect("in range");
    if valid_to > limit {
        return Err(FieldError::new("valid_to", "validity_too_long")
            .with("category", category.as_str())
            .with("months", months));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn validity_limits_per_category() {
        let today = d("2026-11-23");
        assert!(check_validity(Category::A, today, d("2031-11-23"), today).is_ok());
        assert_eq!(
            check_validity(Category::A, today, d("2031-11-24"), today)
                .unwrap_err()
                .code,
            "validity_too_long"
        );
        assert_eq!(
            check_validity(Category::B, today, d("2029-01-01"), today)
                .unwrap_err()
                .code,
            "validity_too_long"
        );
        assert_eq!(
            check_validity(Category::C, today, today, today)
                .unwrap_err()
                .code,
            "valid_to_before_from"
        );
        assert_eq!(
            check_validity(Category::C, d("2026-11-22"), d("2027-01-01"), today)
                .unwrap_err()
                .code,
            "date_in_past"
        );
    }
}
