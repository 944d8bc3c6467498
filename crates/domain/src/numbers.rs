//! Numbers that people read and type, each with an ISO 7064 MOD 11-2 check character so that a
//! mistyped number is caught before any look-up.
//!
//! | number | form | example |
//! |---|---|---|
//! | application receipt | `A` + date of issue `YYYYMMDD` + serial (8 digits) + check | `A2026112300000042X` |
//! | work permit | `P` + city code (6 digits) + year of first issue (4) + serial (6) + check | `P1100002026000017` + check |
//! | social security number | `S` + city code (6 digits) + year of issue (4) + serial (7) + check | `S11000020260000042` + check |
//! | residence permit | `R` + city code (6 digits) + year of issue (4) + serial (6) + check | `R1100002026000017` + check |

use crate::FieldError;
use crate::check::mod11_2;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

fn parse_checked(
    field: &str,
    s: &str,
    prefix: char,
    digits: usize,
    code: &'static str,
) -> Result<String, FieldError> {
    let s = s.trim().to_ascii_uppercase();
    let body = s
        .strip_prefix(prefix)
        .ok_or_else(|| FieldError::new(field, code))?;
    if body.len() != digits + 1 || !body[..digits].bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError::new(field, code));
    }
    let (num, check) = body.split_at(digits);
    if mod11_2(num).map(|c| c.to_string()) != Some(check.to_string()) {
        return Err(FieldError::new(field, "check_character"));
    }
    Ok(s)
}

fn with_check(prefix: char, digits: String) -> String {
    let c = mod11_2(&digits).expect("digits only");
    format!("{prefix}{digits}{c}")
}

/// The receipt number of an application, given when it is created.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ReceiptNumber(String);

impl ReceiptNumber {
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        parse_checked(field, s, 'A', 16, "receipt_number_format").map(ReceiptNumber)
    }
    /// The receipt for the `serial`-th application (the store's counter) on `date`.
    pub fn new(date: NaiveDate, serial: u64) -> Self {
        ReceiptNumber(with_check(
            'A',
            format!("{}{:08}", date.format("%Y%m%d"), serial % 100_000_000),
        ))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn from_trusted(s: String) -> Self {
        ReceiptNumber(s)
    }
}

impl fmt::Display for ReceiptNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The number of a work permit. It stays with the holder through extensions and changes; each
/// of those makes a new revision of the permit under the same number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PermitNumber(String);

impl PermitNumber {
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        parse_checked(field, s, 'P', 16, "permit_number_format").map(PermitNumber)
    }
    /// The `serial`-th permit issued in `city_code` in `year`; serials run from 1 to 999,999.
    pub fn new(city_code: &str, issued: NaiveDate, serial: u64) -> Option<Self> {
        if city_code.len() != 6
            || !city_code.bytes().all(|b| b.is_ascii_digit())
            || !(1..1_000_000).contains(&serial)
        {
            return None;
        }
        Some(PermitNumber(with_check(
            'P',
            format!("{city_code}{:04}{serial:06}", issued.year()),
        )))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn from_trusted(s: String) -> Self {
        PermitNumber(s)
    }
}

impl fmt::Display for PermitNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A foreign holder's social security number, made by the social insurance agency of the city
/// where they are first insured. It stays with the holder for life.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SocialSecurityNumber(String);

impl fmt::Debug for SocialSecurityNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::values::masked_debug("SocialSecurityNumber", &self.0, f)
    }
}

impl SocialSecurityNumber {
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        parse_checked(field, s, 'S', 17, "social_security_number_format").map(SocialSecurityNumber)
    }
    /// The `serial`-th number given in `city_code` in `year`; serials run from 1 to 9,999,999.
    pub fn new(city_code: &str, issued: NaiveDate, serial: u64) -> Option<Self> {
        if city_code.len() != 6
            || !city_code.bytes().all(|b| b.is_ascii_digit())
            || !(1..10_000_000).contains(&serial)
        {
            return None;
        }
        Some(SocialSecurityNumber(with_check(
            'S',
            format!("{city_code}{:04}{serial:07}", issued.year()),
        )))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn from_trusted(s: String) -> Self {
        SocialSecurityNumber(s)
    }
}

impl fmt::Display for SocialSecurityNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The number of a work-type residence permit, printed on the permit immigration issues.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ResidencePermitNumber(String);

impl ResidencePermitNumber {
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        parse_checked(field, s, 'R', 16, "residence_permit_number_format")
            .map(ResidencePermitNumber)
    }
    /// The `serial`-th residence permit issued in `city_code` in `year`; serials 1 to 999,999.
    pub fn new(city_code: &str, issued: NaiveDate, serial: u64) -> Option<Self> {
        if city_code.len() != 6
            || !city_code.bytes().all(|b| b.is_ascii_digit())
            || !(1..1_000_000).contains(&serial)
        {
            return None;
        }
        Some(ResidencePermitNumber(with_check(
            'R',
            format!("{city_code}{:04}{serial:06}", issued.year()),
        )))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn from_trusted(s: String) -> Self {
        ResidencePermitNumber(s)
    }
}

impl fmt::Display for ResidencePermitNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn receipts_round_trip_and_catch_typos() {
        let r = ReceiptNumber::new(d("2026-11-23"), 42);
        assert_eq!(r.as_str().len(), 18);
        assert!(r.as_str().starts_with("A2026112300000042"));
        assert_eq!(
            ReceiptNumber::parse("r", &r.as_str().to_lowercase()).unwrap(),
            r
        );
        let mut typo = r.as_str().to_string();
        typo.replace_range(5..6, if &typo[5..6] == "1" { "2" } else { "1" });
        assert_eq!(
            ReceiptNumber::parse("r", &typo).unwrap_err().code,
            "check_character"
        );
        assert_eq!(
            ReceiptNumber::parse("r", "B2026112300000042X")
                .unwrap_err()
                .code,
            "receipt_number_format"
        );
    }

    #[test]
    fn permits_round_trip() {
        let p = PermitNumber::new("110000", d("2026-01-05"), 17).unwrap();
        assert!(p.as_str().starts_with("P1100002026000017"));
        assert_eq!(PermitNumber::parse("p", p.as_str()).unwrap(), p);
        assert!(PermitNumber::new("110000", d("2026-01-05"), 0).is_none());
        assert!(PermitNumber::new("11000", d("2026-01-05"), 1).is_none());
    }

    #[test]
    fn residence_permits_round_trip_and_catch_typos() {
        let r = ResidencePermitNumber::new("110000", d("2026-11-24"), 9).unwrap();
        assert!(r.as_str().starts_with("R1100002026000009"));
        assert_eq!(ResidencePermitNumber::parse("r", r.as_str()).unwrap(), r);
        let mut typo = r.as_str().to_string();
        typo.replace_range(2..3, if &typo[2..3] == "1" { "2" } else { "1" });
        assert_eq!(
            ResidencePermitNumber::parse("r", &typo).unwrap_err().code,
            "check_character"
        );
        assert_eq!(
            ResidencePermitNumber::parse("r", "P11000020260000090")
                .unwrap_err()
                .code,
            "residence_permit_number_format"
        );
    }

    #[test]
    fn social_security_numbers_round_trip_and_catch_typos() {
        let n = SocialSecurityNumber::new("310000", d("2026-03-02"), 42).unwrap();
        assert_eq!(n.as_str().len(), 19);
        assert!(n.as_str().starts_with("S31000020260000042"));
        assert_eq!(
            SocialSecurityNumber::parse("ssn", &n.as_str().to_lowercase()).unwrap(),
            n
        );
        let mut typo = n.as_str().to_string();
        typo.replace_range(3..4, if &typo[3..4] == "1" { "2" } else { "1" });
        assert_eq!(
            SocialSecurityNumber::parse("ssn", &typo).unwrap_err().code,
            "check_character"
        );
        for bad in [
            "",
            "S3100002026000004",
            "P31000020260000042X",
            "S31000020260000O42X",
        ] {
            assert_eq!(
                SocialSecurityNumber::parse("ssn", bad).unwrap_err().code,
                "social_security_number_format",
                "{bad}"
            );
        }
        assert!(SocialSecurityNumber::new("310000", d("2026-03-02"), 0).is_none());
        assert!(SocialSecurityNumber::new("310000", d("2026-03-02"), 10_000_000).is_none());
        assert!(SocialSecurityNumber::new("31000", d("2026-03-02"), 1).is_none());
    }
}
