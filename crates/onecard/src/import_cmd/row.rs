//! One row of a legacy file read into a physical card: every field through the domain's own
//! parser, then the rules that tie fields together.

use super::csv::Record;
use chrono::{Datelike, Months, NaiveDate};
use domain::city::City;
use domain::numbers::PermitNumber;
use domain::party::{EmployerKind, Uscc};
use domain::permit::Category;
use domain::values::*;
use domain::{FieldError, Invalid};

/// The columns of the file, in the order the README lists them; `employer_kind` may be left out.
pub const COLUMNS: [&str; 16] = [
    "permit_number",
    "surname",
    "given_names",
    "nationality",
    "passport_number",
    "date_of_birth",
    "sex",
    "email",
    "employer_uscc",
    "employer_name",
    "employer_kind",
    "category",
    "position",
    "city",
    "valid_from",
    "valid_to",
];
const OPTIONAL: [&str; 1] = ["employer_kind"];

/// The day the reform stopped printing cards: a physical card was issued before it.
pub fn reform_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 12, 1).expect("valid date")
}

/// Where each column is in the file.
#[derive(Debug, Clone)]
pub struct Columns {
    /// By the index in `COLUMNS`: the field's index in a record, if the file has the column.
    at: [Option<usize>; COLUMNS.len()],
    count: usize,
}

impl Columns {
    /// Reads the header; every error in it at once.
    pub fn from_header(rec: &Record) -> Result<Columns, Vec<String>> {
        let mut at = [None; COLUMNS.len()];
        let mut errors = Vec::new();
        for i in 0..rec.len() {
            let name = rec.get(i).trim();
            match COLUMNS.iter().position(|c| c.eq_ignore_ascii_case(name)) {
                Some(c) if at[c].is_some() => errors.push(format!("column {name} appears twice")),
                Some(c) => at[c] = Some(i),
                None => errors.push(format!("unknown column {name:?}")),
            }
        }
        for (c, name) in COLUMNS.iter().enumerate() {
            if at[c].is_none() && !OPTIONAL.contains(name) {
                errors.push(format!("missing column {name}"));
            }
        }
        if errors.is_empty() {
            Ok(Columns {
                at,
                count: rec.len(),
            })
        } else {
            Err(errors)
        }
    }

    fn get<'r>(&self, rec: &'r Record, name: &str) -> &'r str {
        let c = COLUMNS
            .iter()
            .position(|c| *c == name)
            .expect("a known column");
        self.at[c].map_or("", |i| rec.get(i))
    }
}

/// A pre-reform physical card as the file describes it, every field parsed.
#[derive(Debug, Clone)]
pub struct LegacyCard {
    pub permit_number: PermitNumber,
    pub name: PersonName,
    pub nationality: Nationality,
    pub passport_number: PassportNumber,
    pub date_of_birth: NaiveDate,
    pub sex: Sex,
    pub email: Email,
    pub employer_uscc: Uscc,
    pub employer_name: Text,
    pub employer_kind: EmployerKind,
    pub category: Category,
    pub position: Text,
    pub city: City,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
}

impl LegacyCard {
    /// Parses a record; all its field errors at once.
    pub fn parse(
        cols: &Columns,
        rec: &Record,
        today: NaiveDate,
    ) -> Result<LegacyCard, Vec<FieldError>> {
        if rec.len() != cols.count {
            return Err(vec![
                FieldError::new("record", "field_count")
                    .with("found", rec.len())
                    .with("expected", cols.count),
            ]);
        }
        let f = |name| cols.get(rec, name);
        let mut errors = Invalid::default();
        let permit_number = errors.take(PermitNumber::parse("permit_number", f("permit_number")));
        let nationality = errors.take(Nationality::parse("nationality", f("nationality")));
        let passport_number = errors.take(PassportNumber::parse(
            "passport_number",
            f("passport_number"),
        ));
        let date_of_birth =
            errors.take(parse_birth_date("date_of_birth", f("date_of_birth"), today));
        let sex = errors.take(Sex::parse("sex", f("sex")));
        let email = errors.take(Email::parse("email", f("email")));
        let employer_uscc = errors.take(Uscc::parse("employer_uscc", f("employer_uscc")));
        let employer_name = errors.take(Text::parse("employer_name", f("employer_name"), 200));
        let employer_kind = match f("employer_kind").trim() {
            // Only used for an employer not yet known; "other" claims no regional rule.
            "" => Some(EmployerKind::Other),
            s => errors.take(EmployerKind::parse("employer_kind", s)),
        };
        let category = errors.take(Category::parse("category", f("category")));
        let position = errors.take(Text::parse("position", f("position"), 100));
        let city = errors.take(City::parse("city", f("city")));
        let valid_from = errors.take(parse_date("valid_from", f("valid_from")));
        let valid_to = errors.take(parse_date("valid_to", f("valid_to")));
        let name = PersonName::parse("", f("surname"), f("given_names"))
            .map_err(|e| errors.0.extend(e))
            .ok();

        // The rules between fields, where the fields they compare were read.
        if let (Some(n), Some(c)) = (&permit_number, city)
            && &n.as_str()[1..7] != c.code()
        {
            errors.push(FieldError::new("permit_number", "city_mismatch").with("city", c.code()));
        }
        if let (Some(n), Some(from)) = (&permit_number, valid_from) {
            let year: i32 = n.as_str()[7..11].parse().expect("digits");
            if year > from.year() {
                errors.push(
                    FieldError::new("permit_number", "issued_after_valid_from").with("year", year),
                );
            }
        }
        if let Some(from) = valid_from
            && from >= reform_day()
        {
            errors.push(FieldError::new("valid_from", "after_reform").with("before", reform_day()));
        }
        if let (Some(from), Some(to)) = (valid_from, valid_to)
            && to <= from
        {
            errors.push(FieldError::new("valid_to", "not_after_valid_from"));
        }
        if let (Some(from), Some(to), Some(cat)) = (valid_from, valid_to, category) {
            let months = cat.max_validity_months();
            if from
                .checked_add_months(Months::new(months))
                .is_some_and(|last| to > last)
            {
                errors.push(
                    FieldError::new("valid_to", "validity_too_long").with("max_months", months),
                );
            }
        }
        if let (Some(born), Some(from)) = (date_of_birth, valid_from)
            && born >= from
        {
            errors.push(FieldError::new("date_of_birth", "after_valid_from"));
        }
        if !errors.is_empty() {
            return Err(errors.0);
        }
        match (
            permit_number,
            name,
            nationality,
            passport_number,
            date_of_birth,
            sex,
            email,
            employer_uscc,
            employer_name,
            employer_kind,
            category,
            position,
            city,
            valid_from,
            valid_to,
        ) {
            (
                Some(permit_number),
                Some(name),
                Some(nationality),
                Some(passport_number),
                Some(date_of_birth),
                Some(sex),
                Some(email),
                Some(employer_uscc),
                Some(employer_name),
                Some(employer_kind),
                Some(category),
                Some(position),
                Some(city),
                Some(valid_from),
                Some(valid_to),
            ) => Ok(LegacyCard {
                permit_number,
                name,
                nationality,
                passport_number,
                date_of_birth,
                sex,
                email,
                employer_uscc,
                employer_name,
                employer_kind,
                category,
                position,
                city,
                valid_from,
                valid_to,
            }),
            _ => unreachable!("every field that failed pushed an error"),
        }
    }

    /// The permit number's digits as one integer: a compact key for finding repeats in the file.
    pub fn permit_key(&self) -> u64 {
        self.permit_number.as_str()[1..17]
            .parse()
            .expect("16 digits")
    }

    /// The passport as one integer, nationality included (capital letters and digits in base 37,
    /// 18 characters at most): a compact key for finding repeats in the file.
    pub fn passport_key(&self) -> u128 {
        self.nationality
            .as_str()
            .bytes()
            .chain(self.passport_number.as_str().bytes())
            .fold(0u128, |k, b| {
                let d = match b {
                    b'0'..=b'9' => b - b'0' + 1,
                    _ => b - b'A' + 11,
                };
                k * 37 + u128::from(d)
            })
    }

    /// The permit's serial, and the counter that gives out serials in its city and year.
    pub fn serial_counter(&self) -> (String, u64) {
        let n = self.permit_number.as_str();
        (
            format!("permit:{}:{}", &n[1..7], &n[7..11]),
            n[11..17].parse().expect("digits"),
        )
    }
}
