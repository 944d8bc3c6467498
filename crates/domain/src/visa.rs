//! Visas, as immigration enters them: the number printed on the visa, its category, the post
//! that issued it, its validity, the entries it allows and how long each stay may last. The
//! holder sees them beside the permits; immigration relies on them until a residence permit
//! takes over.

use crate::city::City;
use crate::ids::{AccountId, PersonId, VisaId};
use crate::values::{Text, parse_date};
use crate::{FieldError, Invalid};
use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The number printed on the visa: capital letters and digits, 8 to 12 of them. Spaces are
/// dropped and letters capitalised as typed.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VisaNumber(String);

impl fmt::Debug for VisaNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::values::masked_debug("VisaNumber", &self.0, f)
    }
}

impl VisaNumber {
    pub fn parse(field: &str, s: &str) -> Result<VisaNumber, FieldError> {
        let s: String = s
            .trim()
            .chars()
            .filter(|c| *c != ' ')
            .collect::<String>()
            .to_ascii_uppercase();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        if !(8..=12).contains(&s.len())
            || !s
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Err(FieldError::new(field, "visa_number_format"));
        }
        Ok(VisaNumber(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// For values read back from storage, which were parsed when written.
    pub fn from_trusted(s: String) -> Self {
        VisaNumber(s)
    }
}

impl fmt::Display for VisaNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The categories of ordinary Chinese visas, by the letter printed on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum VisaCategory {
    /// Crew.
    C,
    /// Permanent residence.
    D,
    /// Exchanges, visits, study tours.
    F,
    /// Transit.
    G,
    /// Resident journalists.
    J1,
    /// Journalists on a short assignment.
    J2,
    /// Tourism.
    L,
    /// Business and trade.
    M,
    /// Family reunion with Chinese citizens or permanent residents, long stay.
    Q1,
    /// Visiting such relatives, short stay.
    Q2,
    /// High-level talent and specialists in short supply.
    R,
    /// Family of foreigners working or studying in China, long stay.
    S1,
    /// Visiting them, short stay.
    S2,
    /// Study, long term.
    X1,
    /// Study, short term.
    X2,
    /// Work.
    Z,
}

impl VisaCategory {
    pub const ALL: [VisaCategory; 16] = [
        VisaCategory::C,
        VisaCategory::D,
        VisaCategory::F,
        VisaCategory::G,
        VisaCategory::J1,
        VisaCategory::J2,
        VisaCategory::L,
        VisaCategory::M,
        VisaCategory::Q1,
        VisaCategory::Q2,
        VisaCategory::R,
        VisaCategory::S1,
        VisaCategory::S2,
        VisaCategory::X1,
        VisaCategory::X2,
        VisaCategory::Z,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            VisaCategory::C => "C",
            VisaCategory::D => "D",
            VisaCategory::F => "F",
            VisaCategory::G => "G",
            VisaCategory::J1 => "J1",
            VisaCategory::J2 => "J2",
            VisaCategory::L => "L",
            VisaCategory::M => "M",
            VisaCategory::Q1 => "Q1",
            VisaCategory::Q2 => "Q2",
            VisaCategory::R => "R",
            VisaCategory::S1 => "S1",
            VisaCategory::S2 => "S2",
            VisaCategory::X1 => "X1",
            VisaCategory::X2 => "X2",
            VisaCategory::Z => "Z",
        }
    }

    /// The category a stored code names.
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// As typed: `z`, ` Z ` and `Z` are the work visa.
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        match s.trim().to_ascii_uppercase().as_str() {
            "" => Err(FieldError::new(field, "required")),
            t => Self::from_code(t).ok_or_else(|| {
                FieldError::new(field, "visa_category_value").with("value", s.trim())
            }),
        }
    }
}

impl fmt::Display for VisaCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How many times the visa lets its holder enter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entries {
    Single,
    Double,
    Multiple,
}

impl Entries {
    pub const ALL: [Entries; 3] = [Entries::Single, Entries::Double, Entries::Multiple];

    pub fn as_str(&self) -> &'static str {
        match self {
            Entries::Single => "single",
            Entries::Double => "double",
            Entries::Multiple => "multiple",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }

    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" => Err(FieldError::new(field, "required")),
            t => Self::from_code(t).ok_or_else(|| FieldError::new(field, "visa_entries_value")),
        }
    }
}

/// How long each stay on the visa may last, in days: 1 to 180.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StayDays(u16);

impl StayDays {
    pub const MIN: u16 = 1;
    pub const MAX: u16 = 180;

    fn out_of_range(field: &str) -> FieldError {
        FieldError::new(field, "visa_stay_days_range")
            .with("min", Self::MIN)
            .with("max", Self::MAX)
    }

    /// A whole number of days, as typed.
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        if s.len() > 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Self::out_of_range(field));
        }
        let n: i64 = s.parse().map_err(|_| Self::out_of_range(field))?;
        Self::new(field, n)
    }

    pub fn new(field: &str, n: i64) -> Result<Self, FieldError> {
        if (i64::from(Self::MIN)..=i64::from(Self::MAX)).contains(&n) {
            Ok(StayDays(u16::try_from(n).expect("in range")))
        } else {
            Err(Self::out_of_range(field))
        }
    }

    pub fn days(&self) -> u16 {
        self.0
    }
}

impl fmt::Display for StayDays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The longest an issuing post is, in characters: "Consulate-General of the People's Republic
/// of China in Frankfurt am Main" fits.
pub const ISSUING_POST_MAX: usize = 120;
/// The longest remarks are, in characters.
pub const REMARKS_MAX: usize = 500;
/// The longest validity of an ordinary visa: ten years.
pub const MAX_VALIDITY_YEARS: u32 = 10;

/// A visa's details as typed, every field a string (empty when absent).
#[derive(Debug, Clone, Copy, Default)]
pub struct VisaFields<'a> {
    pub visa_number: &'a str,
    pub visa_category: &'a str,
    pub issuing_post: &'a str,
    pub issued_on: &'a str,
    pub valid_until: &'a str,
    pub entries: &'a str,
    pub stay_days: &'a str,
    pub remarks: &'a str,
}

/// What is printed on the visa, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisaDetails {
    pub number: VisaNumber,
    pub category: VisaCategory,
    /// The embassy or consulate that issued it, e.g. "Consulate-General in Frankfurt".
    pub issuing_post: Text,
    pub issued_on: NaiveDate,
    /// The last day on which the holder may enter with it.
    pub valid_until: NaiveDate,
    pub entries: Entries,
    /// The longest each stay may last, counted from the day of entry.
    pub stay_days: StayDays,
    pub remarks: Option<Text>,
}

impl VisaDetails {
    /// Parses every field and checks the rules between them, collecting every error: a visa
    /// issued after `today` (`visa_issued_in_future`), valid until a day before it was issued
    /// (`visa_valid_until_before_issue`) or for more than ten years (`visa_validity_too_long`).
    pub fn parse(f: &VisaFields<'_>, today: NaiveDate) -> Result<VisaDetails, Invalid> {
        let mut inv = Invalid::default();
        let number = inv.take(VisaNumber::parse("visa_number", f.visa_number));
        let category = inv.take(VisaCategory::parse("visa_category", f.visa_category));
        let issuing_post = inv.take(Text::parse(
            "issuing_post",
            f.issuing_post,
            ISSUING_POST_MAX,
        ));
        let issued_on = inv.take(parse_date("issued_on", f.issued_on));
        let valid_until = inv.take(parse_date("valid_until", f.valid_until));
        let entries = inv.take(Entries::parse("entries", f.entries));
        let stay_days = inv.take(StayDays::parse("stay_days", f.stay_days));
        let remarks = if f.remarks.trim().is_empty() {
            Some(None)
        } else {
            inv.take(Text::parse("remarks", f.remarks, REMARKS_MAX).map(Some))
        };
        if let Some(issued) = issued_on
            && issued > today
        {
            inv.push(FieldError::new("issued_on", "visa_issued_in_future").with("today", today));
        }
        if let (Some(issued), Some(until)) = (issued_on, valid_until) {
            if until < issued {
                inv.push(
                    FieldError::new("valid_until", "visa_valid_until_before_issue")
                        .with("issued_on", issued),
                );
            } else if issued
                .checked_add_months(Months::new(12 * MAX_VALIDITY_YEARS))
                .is_none_or(|max| until > max)
            {
                inv.push(
                    FieldError::new("valid_until", "visa_validity_too_long")
                        .with("years", MAX_VALIDITY_YEARS),
                );
            }
        }
        match (
            number,
            category,
            issuing_post,
            issued_on,
            valid_until,
            entries,
            stay_days,
            remarks,
        ) {
            (
                Some(number),
                Some(category),
                Some(issuing_post),
                Some(issued_on),
                Some(valid_until),
                Some(entries),
                Some(stay_days),
                Some(remarks),
            ) if inv.is_empty() => Ok(VisaDetails {
                number,
                category,
                issuing_post,
                issued_on,
                valid_until,
                entries,
                stay_days,
                remarks,
            }),
            _ => Err(inv),
        }
    }

    /// Whether the holder may enter with it on `day`.
    pub fn is_valid_on(&self, day: NaiveDate) -> bool {
        self.issued_on <= day && day <= self.valid_until
    }
}

/// A visa as recorded: for whom, by which officer of which city, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visa {
    pub id: VisaId,
    pub person_id: PersonId,
    pub details: VisaDetails,
    /// The city of the immigration officer who entered it.
    pub city: City,
    pub entered_by: AccountId,
    pub entered_at: DateTime<Utc>,
}

/// The visa that matters on `today`: of those valid, the one that runs longest.
pub fn current(visas: &[Visa], today: NaiveDate) -> Option<&Visa> {
    visas
        .iter()
        .filter(|v| v.details.is_valid_on(today))
        .max_by_key(|v| (v.details.valid_until, v.details.issued_on))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const TODAY: &str = "2026-11-23";

    fn good() -> VisaFields<'static> {
        VisaFields {
            visa_number: "E12345678",
            visa_category: "Z",
            issuing_post: "Consulate-General in Frankfurt",
            issued_on: "2026-10-01",
            valid_until: "2027-01-01",
            entries: "single",
            stay_days: "30",
            remarks: "",
        }
    }

    fn codes(f: &VisaFields, today: &str) -> Vec<(String, &'static str)> {
        VisaDetails::parse(f, d(today))
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn visa_numbers() {
        assert_eq!(
            VisaNumber::parse("n", " e1234 5678 ").unwrap().as_str(),
            "E12345678"
        );
        assert_eq!(
            VisaNumber::parse("n", "AB123456").unwrap().as_str(),
            "AB123456"
        );
        assert_eq!(
            VisaNumber::parse("n", "AB1234567890").unwrap().as_str(),
            "AB1234567890"
        );
        for bad in [
            "E123456",
            "AB12345678901",
            "E1234-5678",
            "E1234567Ü",
            "E12345.78",
        ] {
            assert_eq!(
                VisaNumber::parse("n", bad).unwrap_err().code,
                "visa_number_format",
                "{bad}"
            );
        }
        let e = VisaNumber::parse("visa_number", "  ").unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("visa_number", "required"));
    }

    #[test]
    fn categories_round_trip_and_parse_as_typed() {
        for c in VisaCategory::ALL {
            assert_eq!(VisaCategory::from_code(c.as_str()), Some(c));
            assert_eq!(VisaCategory::parse("c", c.as_str()), Ok(c));
        }
        assert_eq!(VisaCategory::parse("c", " z "), Ok(VisaCategory::Z));
        assert_eq!(VisaCategory::parse("c", "s1"), Ok(VisaCategory::S1));
        let e = VisaCategory::parse("c", "Y").unwrap_err();
        assert_eq!(e.code, "visa_category_value");
        assert_eq!(e.params, vec![("value", "Y".to_string())]);
        assert_eq!(
            VisaCategory::parse("c", "S3").unwrap_err().code,
            "visa_category_value"
        );
        assert_eq!(VisaCategory::parse("c", "").unwrap_err().code, "required");
    }

    #[test]
    fn entries() {
        for e in Entries::ALL {
            assert_eq!(Entries::parse("e", e.as_str()), Ok(e));
        }
        assert_eq!(Entries::parse("e", "Multiple"), Ok(Entries::Multiple));
        assert_eq!(
            Entries::parse("e", "triple").unwrap_err().code,
            "visa_entries_value"
        );
        assert_eq!(Entries::parse("e", " ").unwrap_err().code, "required");
    }

    #[test]
    fn stay_days_from_1_to_180() {
        assert_eq!(StayDays::parse("s", "1").unwrap().days(), 1);
        assert_eq!(StayDays::parse("s", " 180 ").unwrap().days(), 180);
        for bad in ["0", "181", "-5", "30.5", "thirty", "99999999999999999999"] {
            let e = StayDays::parse("s", bad).unwrap_err();
            assert_eq!(e.code, "visa_stay_days_range", "{bad}");
            assert_eq!(
                e.params,
                vec![("min", "1".to_string()), ("max", "180".to_string())]
            );
        }
        assert_eq!(StayDays::parse("s", "").unwrap_err().code, "required");
        assert!(StayDays::new("s", 0).is_err());
        assert!(StayDays::new("s", 181).is_err());
        assert_eq!(StayDays::new("s", 90).unwrap().days(), 90);
    }

    #[test]
    fn a_visa_as_typed() {
        let v = VisaDetails::parse(&good(), d(TODAY)).unwrap();
        assert_eq!(v.number.as_str(), "E12345678");
        assert_eq!(v.category, VisaCategory::Z);
        assert_eq!(v.issuing_post.as_str(), "Consulate-General in Frankfurt");
        assert_eq!(
            (v.issued_on, v.valid_until),
            (d("2026-10-01"), d("2027-01-01"))
        );
        assert_eq!(v.entries, Entries::Single);
        assert_eq!(v.stay_days.days(), 30);
        assert_eq!(v.remarks, None);
        let with = VisaFields {
            remarks: "  Entry  via Beijing ",
            ..good()
        };
        let v = VisaDetails::parse(&with, d(TODAY)).unwrap();
        assert_eq!(v.remarks.unwrap().as_str(), "Entry via Beijing");
    }

    #[test]
    fn every_field_is_required_but_remarks() {
        let empty = VisaFields::default();
        let got = codes(&empty, TODAY);
        let fields: Vec<&str> = got.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "visa_number",
                "visa_category",
                "issuing_post",
                "issued_on",
                "valid_until",
                "entries",
                "stay_days"
            ]
        );
        assert!(got.iter().all(|(_, c)| *c == "required"), "{got:?}");
    }

    #[test]
    fn the_issuing_post_is_bounded_one_line_text() {
        let long = "x".repeat(ISSUING_POST_MAX + 1);
        let f = VisaFields {
            issuing_post: &long,
            ..good()
        };
        assert_eq!(codes(&f, TODAY), [("issuing_post".into(), "too_long")]);
        let f = VisaFields {
            issuing_post: "Consulate\u{7}General",
            ..good()
        };
        assert_eq!(
            codes(&f, TODAY),
            [("issuing_post".into(), "control_characters")]
        );
        let exact = "x".repeat(ISSUING_POST_MAX);
        let f = VisaFields {
            issuing_post: &exact,
            ..good()
        };
        assert!(VisaDetails::parse(&f, d(TODAY)).is_ok());
    }

    #[test]
    fn remarks_are_bounded() {
        let long = "x".repeat(REMARKS_MAX + 1);
        let f = VisaFields {
            remarks: &long,
            ..good()
        };
        assert_eq!(codes(&f, TODAY), [("remarks".into(), "too_long")]);
    }

    #[test]
    fn dates_must_be_real() {
        let f = VisaFields {
            issued_on: "2026-02-30",
            valid_until: "1/1/2027",
            ..good()
        };
        assert_eq!(
            codes(&f, TODAY),
            [
                ("issued_on".into(), "date_invalid"),
                ("valid_until".into(), "date_format")
            ]
        );
    }

    #[test]
    fn valid_until_before_issue_is_refused() {
        let f = VisaFields {
            issued_on: "2026-10-01",
            valid_until: "2026-09-30",
            ..good()
        };
        let e = VisaDetails::parse(&f, d(TODAY)).unwrap_err();
        assert_eq!(e.0.len(), 1);
        assert_eq!(e.0[0].field, "valid_until");
        assert_eq!(e.0[0].code, "visa_valid_until_before_issue");
        assert_eq!(e.0[0].params, vec![("issued_on", "2026-10-01".to_string())]);
        // Valid on its day of issue only: odd, but what was printed.
        let f = VisaFields {
            valid_until: "2026-10-01",
            ..good()
        };
        assert!(VisaDetails::parse(&f, d(TODAY)).is_ok());
    }

    #[test]
    fn not_issued_in_the_future() {
        let f = VisaFields {
            issued_on: "2026-11-24",
            ..good()
        };
        assert_eq!(
            codes(&f, TODAY),
            [("issued_on".into(), "visa_issued_in_future")]
        );
        let f = VisaFields {
            issued_on: TODAY,
            ..good()
        };
        assert!(VisaDetails::parse(&f, d(TODAY)).is_ok());
    }

    #[test]
    fn at_most_ten_years() {
        let f = VisaFields {
            issued_on: "2016-03-01",
            valid_until: "2026-03-01",
            ..good()
        };
        assert!(VisaDetails::parse(&f, d(TODAY)).is_ok());
        let f = VisaFields {
            valid_until: "2026-03-02",
            ..f
        };
        let e = VisaDetails::parse(&f, d(TODAY)).unwrap_err();
        assert_eq!(e.0[0].code, "visa_validity_too_long");
        assert_eq!(e.0[0].params, vec![("years", "10".to_string())]);
    }

    #[test]
    fn every_error_at_once() {
        let f = VisaFields {
            visa_number: "12",
            visa_category: "Y",
            entries: "often",
            stay_days: "0",
            issued_on: "2026-12-01",
            valid_until: "2026-11-01",
            ..good()
        };
        assert_eq!(
            codes(&f, TODAY),
            [
                ("visa_number".into(), "visa_number_format"),
                ("visa_category".into(), "visa_category_value"),
                ("entries".into(), "visa_entries_value"),
                ("stay_days".into(), "visa_stay_days_range"),
                ("issued_on".into(), "visa_issued_in_future"),
                ("valid_until".into(), "visa_valid_until_before_issue"),
            ]
        );
    }

    fn visa(number: &str, issued: &str, until: &str) -> Visa {
        let f = VisaFields {
            visa_number: number,
            issued_on: issued,
            valid_until: until,
            ..good()
        };
        Visa {
            id: VisaId(uuid::Uuid::nil()),
            person_id: PersonId(uuid::Uuid::nil()),
            details: VisaDetails::parse(&f, d(TODAY)).unwrap(),
            city: City::parse("city", "110000").unwrap(),
            entered_by: AccountId(uuid::Uuid::nil()),
            entered_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
        }
    }

    #[test]
    fn the_current_visa_is_the_valid_one_that_runs_longest() {
        let old = visa("E00000001", "2025-01-01", "2025-06-30");
        let short = visa("E00000002", "2026-10-01", "2026-12-01");
        let long = visa("E00000003", "2026-09-01", "2027-03-01");
        let list = [old.clone(), short.clone(), long.clone()];
        assert_eq!(current(&list, d(TODAY)), Some(&long));
        assert_eq!(current(&list, d("2025-03-01")), Some(&old));
        assert_eq!(current(&list, d("2027-03-02")), None);
        assert!(short.details.is_valid_on(d("2026-12-01")));
        assert!(!short.details.is_valid_on(d("2026-12-02")));
        assert!(!short.details.is_valid_on(d("2026-09-30")));
    }
}
