//! Value types that are valid once built. Each `parse` takes the name of the field it reads, so
//! that its error names it.

use crate::FieldError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Trims, folds runs of white space into one space and checks the length in characters.
fn clean_text(field: &str, s: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let folded = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = folded.chars().count();
    if n < min {
        return Err(if min == 1 {
            FieldError::new(field, "required")
        } else {
            FieldError::new(field, "too_short").with("min", min)
        });
    }
    if n > max {
        return Err(FieldError::new(field, "too_long").with("max", max));
    }
    if folded.chars().any(char::is_control) {
        return Err(FieldError::new(field, "control_characters"));
    }
    Ok(folded)
}

macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

/// A `Debug` that shows an identity number's first and last two characters only, so that a
/// value printed for debugging or in a log does not give the number away.
pub(crate) fn masked_debug(name: &str, s: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 4 {
        return write!(f, "{name}(…)");
    }
    let head: String = chars[..2].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    write!(f, "{name}({head}…{tail})")
}

/// Free text of bounded length on one line: names of organisations, positions, reasons.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Text(String);
string_newtype!(Text);

impl Text {
    pub fn parse(field: &str, s: &str, max: usize) -> Result<Text, FieldError> {
        clean_text(field, s, 1, max).map(Text)
    }
    /// For values read back from storage, which were parsed when written.
    pub fn from_trusted(s: String) -> Text {
        Text(s)
    }
}

/// A passport number as the ICAO 9303 document number: capital letters and digits, 5 to 15 of
/// them (the machine-readable zone holds 9; longer numbers overflow into the optional field).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PassportNumber(String);
string_newtype!(PassportNumber);

impl fmt::Debug for PassportNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        masked_debug("PassportNumber", &self.0, f)
    }
}

impl PassportNumber {
    pub fn parse(field: &str, s: &str) -> Result<PassportNumber, FieldError> {
        let s: String = s
            .trim()
            .chars()
            .filter(|c| *c != ' ')
            .collect::<String>()
            .to_ascii_uppercase();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        if !(5..=15).contains(&s.len())
            || !s
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Err(FieldError::new(field, "passport_number_format"));
        }
        Ok(PassportNumber(s))
    }
    pub fn from_trusted(s: String) -> Self {
        PassportNumber(s)
    }
    /// The number with all but the last four characters hidden, for screens that need no more.
    pub fn masked(&self) -> String {
        let n = self.0.len();
        format!(
            "{}{}",
            "*".repeat(n.saturating_sub(4)),
            &self.0[n.saturating_sub(4)..]
        )
    }
}

/// One part of a name exactly as printed in the passport: letters (any script), spaces, hyphens,
/// apostrophes and full stops.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NamePart(String);
string_newtype!(NamePart);

impl NamePart {
    fn parse_with(field: &str, s: &str, min: usize) -> Result<NamePart, FieldError> {
        let s = clean_text(field, s, min, 64)?;
        if !s
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '.' | '·'))
        {
            return Err(FieldError::new(field, "name_characters"));
        }
        Ok(NamePart(s))
    }
    pub fn from_trusted(s: String) -> Self {
        NamePart(s)
    }
}

/// Surname and given names as in the passport. Some passports carry no given name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PersonName {
    pub surname: NamePart,
    pub given_names: Option<NamePart>,
}

impl PersonName {
    pub fn parse(
        prefix: &str,
        surname: &str,
        given_names: &str,
    ) -> Result<PersonName, Vec<FieldError>> {
        let s = NamePart::parse_with(&join(prefix, "surname"), surname, 1);
        let g = if given_names.trim().is_empty() {
            Ok(None)
        } else {
            NamePart::parse_with(&join(prefix, "given_names"), given_names, 1).map(Some)
        };
        match (s, g) {
            (Ok(surname), Ok(given_names)) => Ok(PersonName {
                surname,
                given_names,
            }),
            (s, g) => Err(s.err().into_iter().chain(g.err()).collect()),
        }
    }

    /// The name in passport order, surname first, as officials read it.
    pub fn full(&self) -> String {
        match &self.given_names {
            Some(g) => format!("{} {}", self.surname, g),
            None => self.surname.to_string(),
        }
    }
}

fn join(prefix: &str, field: &str) -> String {
    if prefix.is_empty() {
        field.to_string()
    } else {
        format!("{prefix}.{field}")
    }
}

/// ISO 3166-1 alpha-3 codes of the countries that issue passports, plus the ICAO codes for
/// stateless persons and refugees.
const ALPHA3: &str = "ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD \
BGR BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR COD COG COK COL COM \
CPV CRI CUB CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH FIN FJI FLK FRA FRO FSM GAB \
GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL \
IRN IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA \
MAC MAF MAR MCO MDA MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL NER NFK \
NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA \
SAU SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA \
TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM YEM ZAF \
ZMB ZWE XXA XXB XXC";

/// A nationality as an ISO 3166-1 alpha-3 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Nationality([u8; 3]);

impl Nationality {
    pub fn parse(field: &str, s: &str) -> Result<Nationality, FieldError> {
        let s = s.trim().to_ascii_uppercase();
        if s.len() != 3 || !s.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(FieldError::new(field, "nationality_format"));
        }
        if !ALPHA3.split_ascii_whitespace().any(|c| c == s) {
            return Err(FieldError::new(field, "nationality_unknown").with("value", &s));
        }
        let b = s.as_bytes();
        Ok(Nationality([b[0], b[1], b[2]]))
    }
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII by construction")
    }
}

impl fmt::Display for Nationality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
impl TryFrom<String> for Nationality {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Nationality::parse("nationality", &s)
    }
}
impl From<Nationality> for String {
    fn from(n: Nationality) -> String {
        n.as_str().to_string()
    }
}

/// Sex as printed in the passport (ICAO 9303: F, M or X).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    F,
    M,
    X,
}

impl Sex {
    pub fn parse(field: &str, s: &str) -> Result<Sex, FieldError> {
        match s.trim().to_ascii_uppercase().as_str() {
            "F" => Ok(Sex::F),
            "M" => Ok(Sex::M),
            "X" => Ok(Sex::X),
            "" => Err(FieldError::new(field, "required")),
            _ => Err(FieldError::new(field, "sex_value")),
        }
    }
    pub fn as_str(&self) -> &'static str {
        match self {
            Sex::F => "F",
            Sex::M => "M",
            Sex::X => "X",
        }
    }
}

/// An e-mail address, checked for shape only; delivery proves the rest.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);
string_newtype!(Email);

impl Email {
    pub fn parse(field: &str, s: &str) -> Result<Email, FieldError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        let ok = s.len() <= 254
            && !s.chars().any(|c| c.is_whitespace() || c.is_control())
            && match s.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && local.len() <= 64
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                }
                None => false,
            };
        if ok {
            Ok(Email(s.to_string()))
        } else {
            Err(FieldError::new(field, "email_format"))
        }
    }
    pub fn from_trusted(s: String) -> Self {
        Email(s)
    }
}

/// A telephone number in international form: `+`, country code and number, 7 to 15 digits
/// (ITU-T E.164); spaces and hyphens are dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);
string_newtype!(Phone);

impl Phone {
    pub fn parse(field: &str, s: &str) -> Result<Phone, FieldError> {
        let s: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        let digits = s.strip_prefix('+').unwrap_or("");
        if !(7..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new(field, "phone_format"));
        }
        Ok(Phone(s))
    }
    pub fn from_trusted(s: String) -> Self {
        Phone(s)
    }
}

/// An amount of renminbi in fen (0.01 CNY), never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(i64);

impl Money {
    /// The largest amount we accept: a billion yuan. Anything above is a typing error.
    const MAX_FEN: i64 = 100_000_000_000;

    /// Parses `12345`, `12345.6` or `12345.67` yuan; no sign, no thousands separators.
    pub fn parse(field: &str, s: &str) -> Result<Money, FieldError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let ok = !int.is_empty()
            && int.len() <= 12
            && frac.len() <= 2
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.bytes().all(|b| b.is_ascii_digit())
            && !(s.contains('.') && frac.is_empty());
        if !ok {
            return Err(FieldError::new(field, "money_format"));
        }
        let yuan: i64 = int
            .parse()
            .map_err(|_| FieldError::new(field, "money_format"))?;
        let fen: i64 = format!("{frac:0<2}")
            .parse()
            .map_err(|_| FieldError::new(field, "money_format"))?;
        let total = yuan.checked_mul(100).and_then(|y| y.checked_add(fen));
        match total {
            Some(t) if t <= Self::MAX_FEN => Ok(Money(t)),
            _ => Err(FieldError::new(field, "money_too_large")),
        }
    }
    pub fn from_fen(fen: i64) -> Money {
        Money(fen)
    }
    pub fn fen(&self) -> i64 {
        self.0
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// A calendar date in ISO 8601 form (`2026-11-23`); impossible dates are refused.
pub fn parse_date(field: &str, s: &str) -> Result<NaiveDate, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    if s.len() != 10 {
        return Err(FieldError::new(field, "date_format"));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| FieldError::new(field, "date_invalid").with("value", s))
}

/// A date of birth: a real date, not in the future, not before 1900.
pub fn parse_birth_date(field: &str, s: &str, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    let d = parse_date(field, s)?;
    let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid");
    if d > today || d < earliest {
        return Err(FieldError::new(field, "birth_date_range"));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_numbers_are_masked_when_debugged() {
        let p = PassportNumber::parse("p", "E12345678").unwrap();
        assert_eq!(format!("{p:?}"), "PassportNumber(E1…78)");
        assert_eq!(p.to_string(), "E12345678", "Display is the number itself");
        let ssn = crate::numbers::SocialSecurityNumber::new(
            "310000",
            NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            42,
        )
        .unwrap();
        let shown = format!("{ssn:?}");
        assert!(
            !shown.contains(&ssn.as_str()[2..ssn.as_str().len() - 2]),
            "{shown}"
        );
        let visa = crate::visa::VisaNumber::parse("v", "ZA1234567").unwrap();
        assert_eq!(format!("{visa:?}"), "VisaNumber(ZA…67)");
    }

    #[test]
    fn passport_numbers() {
        assert_eq!(
            PassportNumber::parse("p", " e1234 5678 ").unwrap().as_str(),
            "E12345678"
        );
        assert_eq!(
            PassportNumber::parse("p", "AB12").unwrap_err().code,
            "passport_number_format"
        );
        assert_eq!(
            PassportNumber::parse("p", "AB12-3456").unwrap_err().code,
            "passport_number_format"
        );
        assert_eq!(PassportNumber::parse("p", "").unwrap_err().code, "required");
        assert_eq!(
            PassportNumber::parse("p", "C01X00T47").unwrap().masked(),
            "*****0T47"
        );
    }

    #[test]
    fn names() {
        let n = PersonName::parse("person", "  MÜLLER ", "Anna  Maria").unwrap();
        assert_eq!(n.full(), "MÜLLER Anna Maria");
        assert!(PersonName::parse("", "李", "").is_ok());
        let e = PersonName::parse("person", "", "J0hn").unwrap_err();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].field, "person.surname");
        assert_eq!(e[1].code, "name_characters");
        assert_eq!(
            PersonName::parse("", &"A".repeat(65), "").unwrap_err()[0].code,
            "too_long"
        );
    }

    #[test]
    fn nationality() {
        assert_eq!(Nationality::parse("n", "deu").unwrap().as_str(), "DEU");
        assert_eq!(
            Nationality::parse("n", "DE").unwrap_err().code,
            "nationality_format"
        );
        assert_eq!(
            Nationality::parse("n", "ZZZ").unwrap_err().code,
            "nationality_unknown"
        );
    }

    #[test]
    fn money() {
        assert_eq!(Money::parse("m", "450000").unwrap().fen(), 45_000_000);
        assert_eq!(Money::parse("m", "1.5").unwrap().fen(), 150);
        assert_eq!(Money::parse("m", "1.05").unwrap().to_string(), "1.05");
        for bad in ["-1", "1.", "1.234", "1e5", "1,000", ".5", "abc"] {
            assert_eq!(
                Money::parse("m", bad).unwrap_err().code,
                "money_format",
                "{bad}"
            );
        }
        assert_eq!(
            Money::parse("m", "999999999999").unwrap_err().code,
            "money_too_large"
        );
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("d", "2026-02-30").unwrap_err().code,
            "date_invalid"
        );
        assert_eq!(parse_date("d", "2026-2-3").unwrap_err().code, "date_format");
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(
            parse_birth_date("d", "2027-01-01", today).unwrap_err().code,
            "birth_date_range"
        );
        assert!(parse_birth_date("d", "1990-01-01", today).is_ok());
    }

    #[test]
    fn email_and_phone() {
        assert!(Email::parse("e", "hr@example.cn").is_ok());
        for bad in ["a@b", "@b.cn", "a b@c.cn", "a@@b.cn", "a@.cn"] {
            assert_eq!(
                Email::parse("e", bad).unwrap_err().code,
                "email_format",
                "{bad}"
            );
        }
        assert_eq!(
            Phone::parse("p", "+86 138-0013-8000").unwrap().as_str(),
            "+8613800138000"
        );
        assert_eq!(
            Phone::parse("p", "13800138000").unwrap_err().code,
            "phone_format"
        );
    }
}
