//! Builders for facts, so each test states only what it is about.

use chrono::NaiveDate;
use domain::application::ApplicationKind;
use domain::city::City;
use domain::party::EmployerKind;
use domain::policy::*;
use domain::values::{Money, Nationality, Text};

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn city(code: &str) -> City {
    City::parse("city", code).unwrap()
}

pub fn policy() -> &'static Policy {
    Policy::national_default()
}

/// A baseline: a 30-year-old British bachelor in Shanghai with no experience, no Chinese and no
/// salary to speak of, assessed on a plain working day.
pub fn facts() -> Facts {
    let on = d("2026-03-10");
    Facts {
        applicant: ApplicantFacts {
            date_of_birth: BirthDate::new("date_of_birth", d("1995-06-15"), on).unwrap(),
            nationality: Nationality::parse("nationality", "GBR").unwrap(),
            profile: Profile {
                education: Education::Bachelor,
                experience_years: Years::default(),
                months_in_china: MonthsPerYear::new("m", 0).unwrap(),
                chinese: ChineseFacts::default(),
                extras: ExtrasFacts::default(),
                talent: TalentFacts::default(),
                founder: None,
                accompanying_family: false,
            },
        },
        employer: EmployerFacts {
            kind: EmployerKind::Enterprise,
            city: city("310000"),
            multinational: false,
        },
        position: Text::parse("position", "Engineer", 100).unwrap(),
        annual_salary: Money::parse("annual_salary", "0").unwrap(),
        kind: ApplicationKind::New,
        region: city("310000"),
        requested_period: None,
        assessed_on: on,
        submitted_on: None,
        current_permit: None,
        documents_on_file: Vec::new(),
    }
}

pub fn yuan(s: &str) -> Money {
    Money::parse("annual_salary", s).unwrap()
}

pub fn years(n: i64) -> Years {
    Years::new("years", n).unwrap()
}

pub fn months(n: i64) -> MonthsPerYear {
    MonthsPerYear::new("months", n).unwrap()
}

pub fn hsk(n: i64) -> Option<HskLevel> {
    Some(HskLevel::new("hsk", n).unwrap())
}

/// Born so as to be exactly `age` on the assessment day of `f`.
pub fn aged(f: &mut Facts, age: i32) {
    use chrono::Datelike;
    let on = f.assessed_on;
    let born = NaiveDate::from_ymd_opt(on.year() - age, on.month(), on.day()).unwrap();
    f.applicant.date_of_birth = BirthDate::new("date_of_birth", born, on).unwrap();
}

pub fn in_region(f: &mut Facts, code: &str) {
    f.region = city(code);
    f.employer.city = city(code);
}

pub fn points_of(f: &Facts, factor: Factor) -> u32 {
    policy().assess(f).points.of(factor)
}
