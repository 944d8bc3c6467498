//! The parties of an application: the foreign national and the employing unit.

use crate::city::City;
use crate::ids::{EmployerId, PersonId};
use crate::values::{Email, Nationality, PassportNumber, PersonName, Phone, Sex, Text};
use crate::{FieldError, check};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A unified social credit code (GB 32100-2015): 18 characters with a check character.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Uscc(String);

impl Uscc {
    pub fn parse(field: &str, s: &str) -> Result<Uscc, FieldError> {
        let s = s.trim().to_ascii_uppercase();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        if s.chars().count() != 18 || !s.chars().all(|c| check::USCC_CHARSET.contains(c)) {
            return Err(FieldError::new(field, "uscc_format"));
        }
        if check::uscc_check(&s[..17]) != s.chars().nth(17) {
            return Err(FieldError::new(field, "check_character"));
        }
        Ok(Uscc(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn from_trusted(s: String) -> Self {
        Uscc(s)
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What kind of employing unit it is; several regional rules turn on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmployerKind {
    University,
    ResearchInstitute,
    Enterprise,
    FortuneGlobal500,
    HighTechEnterprise,
    PublicInstitution,
    Other,
}

impl EmployerKind {
    pub const ALL: [EmployerKind; 7] = [
        EmployerKind::University,
        EmployerKind::ResearchInstitute,
        EmployerKind::Enterprise,
        EmployerKind::FortuneGlobal500,
        EmployerKind::HighTechEnterprise,
        EmployerKind::PublicInstitution,
        EmployerKind::Other,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            EmployerKind::University => "university",
            EmployerKind::ResearchInstitute => "research_institute",
            EmployerKind::Enterprise => "enterprise",
            EmployerKind::FortuneGlobal500 => "fortune_global_500",
            EmployerKind::HighTechEnterprise => "high_tech_enterprise",
            EmployerKind::PublicInstitution => "public_institution",
            EmployerKind::Other => "other",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<EmployerKind, FieldError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| FieldError::new(field, "employer_kind_value"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Employer {
    pub id: EmployerId,
    pub name: Text,
    pub uscc: Uscc,
    pub city: City,
    pub kind: EmployerKind,
}

/// A foreign national as the passport shows them, and how to reach them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    /// The employer whose roster the person is on; only that employer sees them.
    pub employer_id: EmployerId,
    pub name: PersonName,
    pub nationality: Nationality,
    pub passport_number: PassportNumber,
    pub date_of_birth: NaiveDate,
    pub sex: Sex,
    pub email: Email,
    pub phone: Option<Phone>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uscc() {
        let good = format!(
            "91110000600037341{}",
            check::uscc_check("91110000600037341").unwrap()
        );
        assert_eq!(
            Uscc::parse("u", &good.to_lowercase()).unwrap().as_str(),
            good
        );
        assert_eq!(
            Uscc::parse("u", "91110000600037341").unwrap_err().code,
            "uscc_format"
        );
        assert_eq!(
            Uscc::parse("u", "9111000060003734IO").unwrap_err().code,
            "uscc_format"
        );
        let wrong = if good.ends_with('0') {
            "911100006000373411"
        } else {
            "911100006000373410"
        };
        assert_eq!(Uscc::parse("u", wrong).unwrap_err().code, "check_character");
    }
}
