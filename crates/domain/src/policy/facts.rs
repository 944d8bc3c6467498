//! What an assessment is told about the applicant, the employer and the application. Each value
//! is checked when it is built, so the engine never meets an impossible input.

use super::documents::DocumentKind;
use crate::FieldError;
use crate::application::ApplicationKind;
use crate::city::City;
use crate::party::EmployerKind;
use crate::values::{Money, Nationality, Text, parse_date};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The highest degree held.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Education {
    #[default]
    Other,
    Bachelor,
    Master,
    Doctorate,
}

impl Education {
    pub const ALL: [Education; 4] = [
        Education::Other,
        Education::Bachelor,
        Education::Master,
        Education::Doctorate,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Education::Other => "other",
            Education::Bachelor => "bachelor",
            Education::Master => "master",
            Education::Doctorate => "doctorate",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<Education, FieldError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        Self::ALL
            .into_iter()
            .find(|e| e.as_str() == s)
            .ok_or_else(|| FieldError::new(field, "education_value"))
    }
}

/// A whole number within a fixed range, for counts the rules compare.
macro_rules! bounded {
    ($(#[$doc:meta])* $name:ident, $ty:ty, $min:expr, $max:expr, $code:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "i64", into = "i64")]
        pub struct $name($ty);

        impl $name {
            pub const MIN: $ty = $min;
            pub const MAX: $ty = $max;

            pub fn new(field: &str, n: i64) -> Result<$name, FieldError> {
                match <$ty>::try_from(n) {
                    Ok(v) if (Self::MIN..=Self::MAX).contains(&v) => Ok($name(v)),
                    _ => Err(FieldError::new(field, $code)
                        .with("min", Self::MIN)
                        .with("max", Self::MAX)),
                }
            }

            pub fn parse(field: &str, s: &str) -> Result<$name, FieldError> {
                let s = s.trim();
                if s.is_empty() {
                    return Err(FieldError::new(field, "required"));
                }
                let n: i64 = s
                    .parse()
                    .map_err(|_| FieldError::new(field, "number_format"))?;
                Self::new(field, n)
            }

            pub fn get(self) -> $ty {
                self.0
            }
        }

        impl TryFrom<i64> for $name {
            type Error = FieldError;
            fn try_from(n: i64) -> Result<Self, FieldError> {
                $name::new(stringify!($name), n)
            }
        }

        impl From<$name> for i64 {
            fn from(v: $name) -> i64 {
                i64::try_from(v.0).expect("bounded")
            }
        }
    };
}

bounded!(
    /// Completed years: of experience, of work in China, of a company's operation.
    Years, u32, 0, 80, "years_range"
);
bounded!(
    /// Months a year worked in China.
    MonthsPerYear, u32, 0, 12, "months_per_year_range"
);
bounded!(
    /// An HSK level; HSK 3.0 has nine.
    HskLevel, u32, 1, 9, "hsk_level_range"
);
bounded!(
    /// A share in per cent.
    Percent, u32, 0, 100, "percent_range"
);
bounded!(
    /// A count of patents or similar.
    Count, u32, 0, 1_000_000, "count_range"
);
bounded!(
    /// A sum in whole US dollars, up to a trillion.
    UsdAmount, u64, 0, 1_000_000_000_000, "usd_amount_range"
);

// Written out rather than derived in the macro: HSK levels, for one, have no zero.
#[allow(clippy::derivable_impls)]
impl Default for Years {
    fn default() -> Self {
        Years(0)
    }
}

/// A date of birth of someone at least 16 on the day it is checked. Values read back from
/// storage deserialize unchecked: they were checked when written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BirthDate(NaiveDate);

impl BirthDate {
    /// The youngest age at which an application is considered at all.
    pub const MIN_AGE: u32 = 16;

    pub fn new(field: &str, date: NaiveDate, on: NaiveDate) -> Result<BirthDate, FieldError> {
        let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid");
        if date > on || date < earliest {
            return Err(FieldError::new(field, "birth_date_range"));
        }
        if age_on(date, on) < Self::MIN_AGE {
            return Err(FieldError::new(field, "age_below_minimum").with("min", Self::MIN_AGE));
        }
        Ok(BirthDate(date))
    }

    pub fn parse(field: &str, s: &str, on: NaiveDate) -> Result<BirthDate, FieldError> {
        Self::new(field, parse_date(field, s)?, on)
    }

    pub fn date(&self) -> NaiveDate {
        self.0
    }

    /// Completed years of age on `on`.
    pub fn age_on(&self, on: NaiveDate) -> u32 {
        age_on(self.0, on)
    }
}

fn age_on(born: NaiveDate, on: NaiveDate) -> u32 {
    let mut years = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

/// A period asked for, first and last day; the last comes after the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PeriodFields")]
pub struct Period {
    from: NaiveDate,
    to: NaiveDate,
}

#[derive(Deserialize)]
struct PeriodFields {
    from: NaiveDate,
    to: NaiveDate,
}

impl TryFrom<PeriodFields> for Period {
    type Error = FieldError;
    fn try_from(p: PeriodFields) -> Result<Period, FieldError> {
        Period::new("period", p.from, p.to)
    }
}

impl Period {
    pub fn new(field: &str, from: NaiveDate, to: NaiveDate) -> Result<Period, FieldError> {
        if to <= from {
            return Err(FieldError::new(field, "period_end_before_start"));
        }
        Ok(Period { from, to })
    }
    pub fn from(&self) -> NaiveDate {
        self.from
    }
    pub fn to(&self) -> NaiveDate {
        self.to
    }
    /// Length in days, counting both ends.
    pub fn days(&self) -> u32 {
        u32::try_from((self.to - self.from).num_days() + 1).unwrap_or(u32::MAX)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ChineseFacts {
    pub hsk_level: Option<HskLevel>,
    pub former_chinese_national: bool,
    pub degree_taught_in_chinese: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExtrasFacts {
    pub top_foreign_university: bool,
    pub fortune_global_500_experience: bool,
    pub patents: bool,
    pub years_worked_in_china: Years,
}

/// Recognitions and circumstances that direct criteria and regional exceptions turn on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TalentFacts {
    pub national_talent_programme: bool,
    pub international_achievement: bool,
    pub postdoctoral_work: bool,
    pub skill_certificate: bool,
    /// Certified as urgently needed talent by the region.
    pub urgently_needed: bool,
    /// Innovation and entrepreneurship talent as the region recognises it.
    pub innovation_talent: bool,
    pub young_graduate: bool,
}

/// A founder's stake in the company that employs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FounderFacts {
    pub patents: Count,
    /// Years the company has operated.
    pub years: Years,
    pub investment_usd: UsdAmount,
    pub stake: Percent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantFacts {
    pub date_of_birth: BirthDate,
    pub nationality: Nationality,
    /// The rest, as the employer declares it; flat in the stored JSON.
    #[serde(flatten)]
    pub profile: Profile,
}

/// What an employer declares about the applicant for the classification, beyond what the person
/// record holds (name, nationality, date of birth).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub education: Education,
    pub experience_years: Years,
    pub months_in_china: MonthsPerYear,
    pub chinese: ChineseFacts,
    pub extras: ExtrasFacts,
    pub talent: TalentFacts,
    pub founder: Option<FounderFacts>,
    /// Family members come along, so family documents are asked for.
    pub accompanying_family: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployerFacts {
    pub kind: EmployerKind,
    pub city: City,
    /// A multinational enterprise, whatever its kind; Fortune Global 500 companies count anyway.
    pub multinational: bool,
}

/// The permit the applicant holds now, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentPermit {
    pub city: City,
    pub employer_kind: EmployerKind,
    pub multinational: bool,
    pub valid_to: NaiveDate,
}

/// A document the authorities already verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentOnFile {
    pub kind: DocumentKind,
    pub verified_in: City,
    pub verified_on: NaiveDate,
    /// When it was issued, from which validity windows run.
    pub issued_on: NaiveDate,
}

/// Everything an assessment reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub applicant: ApplicantFacts,
    pub employer: EmployerFacts,
    pub position: Text,
    pub annual_salary: Money,
    pub kind: ApplicationKind,
    /// The city whose labour authority decides, and whose rules apply.
    pub region: City,
    /// The permit period asked for; it decides which decision time limit applies.
    pub requested_period: Option<Period>,
    /// The day the facts are judged on: age, document freshness, the permit held.
    pub assessed_on: NaiveDate,
    /// The day of submission, from which time limits run; the assessment day if not yet
    /// submitted.
    pub submitted_on: Option<NaiveDate>,
    pub current_permit: Option<CurrentPermit>,
    pub documents_on_file: Vec<DocumentOnFile>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn inputs_outside_the_domain_are_refused() {
        assert_eq!(
            Education::parse("education", "phd").unwrap_err().code,
            "education_value"
        );
        assert_eq!(
            Education::parse("education", "master").unwrap(),
            Education::Master
        );
        let e = Years::parse("experience_years", "-1").unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("experience_years", "years_range")
        );
        assert_eq!(Years::parse("y", "two").unwrap_err().code, "number_format");
        assert_eq!(
            MonthsPerYear::new("months", 13).unwrap_err().code,
            "months_per_year_range"
        );
        assert_eq!(HskLevel::new("hsk", 0).unwrap_err().code, "hsk_level_range");
        assert_eq!(
            Percent::new("stake", 101).unwrap_err().code,
            "percent_range"
        );
        assert_eq!(
            Money::parse("annual_salary", "-1").unwrap_err().code,
            "money_format"
        );
        let on = d("2026-06-01");
        let e = BirthDate::parse("date_of_birth", "2010-06-02", on).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("date_of_birth", "age_below_minimum")
        );
        assert!(BirthDate::parse("date_of_birth", "2010-06-01", on).is_ok());
        assert_eq!(
            BirthDate::parse("d", "2027-01-01", on).unwrap_err().code,
            "birth_date_range"
        );
        assert_eq!(
            Period::new("p", on, on).unwrap_err().code,
            "period_end_before_start"
        );
    }

    #[test]
    fn age_counts_completed_years() {
        let b = BirthDate::new("d", d("2000-02-29"), d("2026-01-01")).unwrap();
        assert_eq!(b.age_on(d("2026-02-28")), 25);
        assert_eq!(b.age_on(d("2026-03-01")), 26);
        assert_eq!(b.age_on(d("1999-01-01")), 0);
    }

    #[test]
    fn bounded_values_round_trip_through_serde() {
        let y: Years = serde_json::from_str("7").unwrap();
        assert_eq!(y.get(), 7);
        assert!(serde_json::from_str::<Years>("81").is_err());
        assert_eq!(serde_json::to_string(&y).unwrap(), "7");
        assert!(
            serde_json::from_str::<Period>(r#"{"from":"2026-01-02","to":"2026-01-01"}"#).is_err()
        );
    }
}
