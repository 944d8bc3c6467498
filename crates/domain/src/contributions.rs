//! Social-insurance contributions: a city's rule (base bounds and the rates of the five
//! insurances, from the policy file), the monthly declaration an employer makes for one employee,
//! corrections by later declarations, and the holder's statement.
//!
//! Money is integer fen throughout and rates are exact millionths: nothing here is a float.

use crate::FieldError;
use crate::city::City;
use crate::values::Money;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Millionths in one whole (100 %).
const MILLION: i64 = 1_000_000;

/// A contribution rate as an exact number of millionths of the base: `16%` is 160,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Rate(u32);

impl Rate {
    pub const ZERO: Rate = Rate(0);

    /// Parses a percentage (`16%`, `0.5%`, up to four decimals) or a fraction (`0.16`, up to six
    /// decimals), between 0 and 100 % inclusive. Decimal digits are read as integers, so the
    /// value is exact.
    pub fn parse(field: &str, s: &str) -> Result<Rate, FieldError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        let (number, percent) = match s.strip_suffix('%') {
            Some(n) => (n.trim_end(), true),
            None => (s, false),
        };
        // Decimal places allowed, and the power of ten that makes the whole part millionths.
        let (max_frac, scale) = if percent { (4, 10_000) } else { (6, MILLION) };
        let bad = || FieldError::new(field, "rate_format").with("value", s);
        let (int, frac) = number.split_once('.').unwrap_or((number, ""));
        if int.is_empty()
            || int.len() > 3
            || frac.len() > max_frac
            || (number.contains('.') && frac.is_empty())
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let int: i64 = int.parse().map_err(|_| bad())?;
        let frac_value: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| bad())?
        };
        let frac_scale = scale / 10_i64.pow(u32::try_from(frac.len()).expect("short"));
        let millionths = int * scale + frac_value * frac_scale;
        if millionths > MILLION {
            return Err(FieldError::new(field, "rate_above_100_percent").with("value", s));
        }
        Ok(Rate(u32::try_from(millionths).expect("at most a million")))
    }

    pub fn from_millionths(m: u32) -> Option<Rate> {
        (i64::from(m) <= MILLION).then_some(Rate(m))
    }

    pub fn millionths(&self) -> u32 {
        self.0
    }

    /// `base × rate`, rounded half up to the fen. Exact: the product is taken in integers.
    pub fn of(&self, base: Money) -> Money {
        let product = i128::from(base.fen()) * i128::from(self.0);
        let half = i128::from(MILLION / 2);
        let fen = (product + half) / i128::from(MILLION);
        Money::from_fen(i64::try_from(fen).expect("a rate never raises a base"))
    }
}

/// As a percentage with no trailing zeros: `16%`, `0.5%`, `0.16%`.
impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (int, frac) = (self.0 / 10_000, self.0 % 10_000);
        if frac == 0 {
            write!(f, "{int}%")
        } else {
            let digits = format!("{frac:04}");
            write!(f, "{int}.{}%", digits.trim_end_matches('0'))
        }
    }
}

/// The five social insurances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InsuranceType {
    Pension,
    Medical,
    Unemployment,
    WorkInjury,
    Maternity,
}

impl InsuranceType {
    pub const ALL: [InsuranceType; 5] = [
        InsuranceType::Pension,
        InsuranceType::Medical,
        InsuranceType::Unemployment,
        InsuranceType::WorkInjury,
        InsuranceType::Maternity,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            InsuranceType::Pension => "pension",
            InsuranceType::Medical => "medical",
            InsuranceType::Unemployment => "unemployment",
            InsuranceType::WorkInjury => "work_injury",
            InsuranceType::Maternity => "maternity",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        match s.trim() {
            "" => Err(FieldError::new(field, "required")),
            t => Self::from_code(t).ok_or_else(|| FieldError::new(field, "insurance_type_value")),
        }
    }

    /// Position in [`InsuranceType::ALL`], for the fixed-size arrays of amounts.
    pub fn index(&self) -> usize {
        *self as usize
    }
}

impl fmt::Display for InsuranceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A calendar month of contributions, `YYYY-MM`. Ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ContributionMonth {
    year: i32,
    /// 1 to 12.
    month: u32,
}

impl ContributionMonth {
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() != 7 || b[4] != b'-' || !digits(0..4) || !digits(5..7) {
            return Err(FieldError::new(field, "month_format").with("value", s));
        }
        let year: i32 = s[..4].parse().expect("four digits");
        let month: u32 = s[5..].parse().expect("two digits");
        Self::new(year, month)
            .ok_or_else(|| FieldError::new(field, "month_invalid").with("value", s))
    }

    /// Years 1900 to 2200, as the calendars allow.
    pub fn new(year: i32, month: u32) -> Option<Self> {
        ((1900..=2200).contains(&year) && (1..=12).contains(&month))
            .then_some(ContributionMonth { year, month })
    }

    /// The month a date falls in.
    pub fn of(date: NaiveDate) -> Self {
        ContributionMonth {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn year(&self) -> i32 {
        self.year
    }
    pub fn month(&self) -> u32 {
        self.month
    }
    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a real month")
    }
    /// The month after this one.
    pub fn next(&self) -> Self {
        if self.month == 12 {
            ContributionMonth {
                year: self.year + 1,
                month: 1,
            }
        } else {
            ContributionMonth {
                year: self.year,
                month: self.month + 1,
            }
        }
    }
}

impl fmt::Display for ContributionMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl TryFrom<String> for ContributionMonth {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        ContributionMonth::parse("month", &s)
    }
}

impl From<ContributionMonth> for String {
    fn from(m: ContributionMonth) -> String {
        m.to_string()
    }
}

/// The monthly base an employer declares, in yuan (`12000`, `12000.50`). Positive; whether it
/// lies within the city's bounds is checked against the rule by [`declare`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ContributionBase(Money);

impl ContributionBase {
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        let m = Money::parse(field, s)?;
        if m.fen() == 0 {
            return Err(FieldError::new(field, "base_zero"));
        }
        Ok(ContributionBase(m))
    }
    /// For values read back from storage, which were parsed when written.
    pub fn from_trusted(m: Money) -> Self {
        ContributionBase(m)
    }
    pub fn money(&self) -> Money {
        self.0
    }
}

impl fmt::Display for ContributionBase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One insurance's two shares: rates of the base, plus fixed monthly amounts (Beijing's
/// personal medical share is 2 % of the base plus 3 yuan for serious illness).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Shares {
    pub employer: Rate,
    pub personal: Rate,
    pub employer_fixed: Money,
    pub personal_fixed: Money,
}

/// A city's contribution rule: the bounds of the monthly base and the shares of each insurance.
/// Built by the policy file's reader, which checks that the floor is positive and not above the
/// ceiling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContributionRule {
    pub city: City,
    pub base_floor: Money,
    pub base_ceiling: Money,
    /// In the order of [`InsuranceType::ALL`].
    pub shares: [Shares; 5],
}

impl ContributionRule {
    pub fn shares(&self, t: InsuranceType) -> &Shares {
        &self.shares[t.index()]
    }
}

/// What one side pays for one insurance, or in total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amounts {
    pub employer: Money,
    pub personal: Money,
}

impl Default for Amounts {
    fn default() -> Self {
        Amounts {
            employer: Money::from_fen(0),
            personal: Money::from_fen(0),
        }
    }
}

impl Amounts {
    pub fn total(&self) -> Money {
        Money::from_fen(self.employer.fen() + self.personal.fen())
    }
}

/// One month's computed contributions for one employee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthlyContribution {
    pub month: ContributionMonth,
    pub city: City,
    pub base: ContributionBase,
    /// In the order of [`InsuranceType::ALL`].
    pub lines: [Amounts; 5],
}

impl MonthlyContribution {
    pub fn line(&self, t: InsuranceType) -> Amounts {
        self.lines[t.index()]
    }
    pub fn totals(&self) -> Amounts {
        sum(self.lines.iter())
    }
}

fn sum<'a>(it: impl Iterator<Item = &'a Amounts>) -> Amounts {
    let (mut e, mut p) = (0_i64, 0_i64);
    for a in it {
        e += a.employer.fen();
        p += a.personal.fen();
    }
    Amounts {
        employer: Money::from_fen(e),
        personal: Money::from_fen(p),
    }
}

/// Computes one month's declaration for one employee under `rule`.
///
/// Refused, naming the rule: a month before `insured_from`'s month (field `month`,
/// `month_before_insurance_start`), a base below the floor (`base_below_floor`) or above the
/// ceiling (`base_above_ceiling`), each with the bound and the city.
///
/// Rounding: each insurance's employer and personal share is `base × rate` rounded half up to
/// the fen, then its fixed amount added; totals are sums of those rounded amounts, so a
/// statement always adds up to the fen.
pub fn declare(
    rule: &ContributionRule,
    month: ContributionMonth,
    base: ContributionBase,
    insured_from: NaiveDate,
) -> Result<MonthlyContribution, FieldError> {
    let first = ContributionMonth::of(insured_from);
    if month < first {
        return Err(FieldError::new("month", "month_before_insurance_start")
            .with("insured_from", insured_from)
            .with("first_month", first));
    }
    let b = base.money();
    if b < rule.base_floor {
        return Err(FieldError::new("base", "base_below_floor")
            .with("floor", rule.base_floor)
            .with("city", rule.city));
    }
    if b > rule.base_ceiling {
        return Err(FieldError::new("base", "base_above_ceiling")
            .with("ceiling", rule.base_ceiling)
            .with("city", rule.city));
    }
    let line = |s: &Shares| Amounts {
        employer: Money::from_fen(s.employer.of(b).fen() + s.employer_fixed.fen()),
        personal: Money::from_fen(s.personal.of(b).fen() + s.personal_fixed.fen()),
    };
    Ok(MonthlyContribution {
        month,
        city: rule.city,
        base,
        lines: rule.shares.map(|s| line(&s)),
    })
}

/// A declaration as recorded. Declarations are never edited: a correction is a new declaration
/// for the same month, with a higher `sequence`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Declaration {
    /// The store's order of recording, increasing; it decides which declaration stands, since
    /// clocks may tie or step back.
    pub sequence: i64,
    pub declared_at: DateTime<Utc>,
    pub contribution: MonthlyContribution,
}

/// The declaration that stands for each month: the one with the highest `sequence` (on a tie,
/// the later `declared_at`, then the later in the list). By month, oldest first.
pub fn effective(declarations: &[Declaration]) -> Vec<&Declaration> {
    let mut by_month: BTreeMap<ContributionMonth, &Declaration> = BTreeMap::new();
    for d in declarations {
        let slot = by_month.entry(d.contribution.month).or_insert(d);
        if (d.sequence, d.declared_at) >= (slot.sequence, slot.declared_at) {
            *slot = d;
        }
    }
    by_month.into_values().collect()
}

/// One line of a statement: a month that stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementMonth {
    pub month: ContributionMonth,
    pub city: City,
    pub base: ContributionBase,
    /// The sequence of the declaration that stands, and how many it superseded.
    pub sequence: i64,
    pub corrections: u32,
    /// By insurance, in the order of [`InsuranceType::ALL`].
    pub lines: [Amounts; 5],
    pub total: Amounts,
}

/// One calendar year of a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementYear {
    pub year: i32,
    pub months: u32,
    pub by_type: [Amounts; 5],
    pub total: Amounts,
}

/// The holder's statement over effective declarations only: each month, each year, each
/// insurance, and the whole, in fen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    pub months: Vec<StatementMonth>,
    pub years: Vec<StatementYear>,
    pub by_type: [Amounts; 5],
    pub total: Amounts,
}

impl Statement {
    /// Builds the statement from every declaration recorded for one person, corrections
    /// included; only the declaration that stands for each month counts.
    pub fn build(declarations: &[Declaration]) -> Statement {
        let mut counts: BTreeMap<ContributionMonth, u32> = BTreeMap::new();
        for d in declarations {
            *counts.entry(d.contribution.month).or_default() += 1;
        }
        let months: Vec<StatementMonth> = effective(declarations)
            .into_iter()
            .map(|d| {
                let c = &d.contribution;
                StatementMonth {
                    month: c.month,
                    city: c.city,
                    base: c.base,
                    sequence: d.sequence,
                    corrections: counts[&c.month] - 1,
                    lines: c.lines,
                    total: c.totals(),
                }
            })
            .collect();
        let mut years: Vec<StatementYear> = Vec::new();
        let mut by_type = [Amounts::default(); 5];
        for m in &months {
            if years.last().is_none_or(|y| y.year != m.month.year()) {
                years.push(StatementYear {
                    year: m.month.year(),
                    months: 0,
                    by_type: [Amounts::default(); 5],
                    total: Amounts::default(),
                });
            }
            let y = years.last_mut().expect("pushed");
            y.months += 1;
            for (i, line) in m.lines.iter().enumerate() {
                y.by_type[i] = sum([y.by_type[i], *line].iter());
                by_type[i] = sum([by_type[i], *line].iter());
            }
        }
        for y in &mut years {
            y.total = sum(y.by_type.iter());
        }
        Statement {
            total: sum(by_type.iter()),
            months,
            years,
            by_type,
        }
    }

    /// Months that stand in `city`, as talent subsidies count them.
    pub fn months_in(&self, city: City) -> u32 {
        let n = self.months.iter().filter(|m| m.city == city).count();
        u32::try_from(n).expect("few months")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn m(s: &str) -> ContributionMonth {
        ContributionMonth::parse("month", s).unwrap()
    }
    fn yuan(s: &str) -> Money {
        Money::parse("m", s).unwrap()
    }
    fn base(s: &str) -> ContributionBase {
        ContributionBase::parse("base", s).unwrap()
    }
    fn rate(s: &str) -> Rate {
        Rate::parse("rate", s).unwrap()
    }
    fn shares(e: &str, p: &str) -> Shares {
        Shares {
            employer: rate(e),
            personal: rate(p),
            employer_fixed: Money::from_fen(0),
            personal_fixed: Money::from_fen(0),
        }
    }

    /// Beijing's figures as the shipped policy has them.
    fn beijing() -> ContributionRule {
        let mut medical = shares("9.8%", "2%");
        medical.personal_fixed = yuan("3");
        ContributionRule {
            city: City::parse("c", "110000").unwrap(),
            base_floor: yuan("6821"),
            base_ceiling: yuan("35283"),
            shares: [
                shares("16%", "8%"),
                medical,
                shares("0.5%", "0.5%"),
                shares("0.4%", "0%"),
                shares("0.8%", "0%"),
            ],
        }
    }

    fn decl(seq: i64, month: &str, b: &str) -> Declaration {
        Declaration {
            sequence: seq,
            declared_at: DateTime::from_timestamp(1_700_000_000 + seq, 0).unwrap(),
            contribution: declare(&beijing(), m(month), base(b), d("2020-01-01")).unwrap(),
        }
    }

    #[test]
    fn rates_parse_exactly() {
        assert_eq!(rate("16%").millionths(), 160_000);
        assert_eq!(rate("0.16").millionths(), 160_000);
        assert_eq!(rate("0.5%").millionths(), 5_000);
        assert_eq!(rate("0.0001%").millionths(), 1);
        assert_eq!(rate("0.000001").millionths(), 1);
        assert_eq!(rate("100%").millionths(), 1_000_000);
        assert_eq!(rate("1").millionths(), 1_000_000);
        assert_eq!(rate(" 9.8 %").to_string(), "9.8%");
        assert_eq!(rate("0.16%").to_string(), "0.16%");
        assert_eq!(rate("0%").to_string(), "0%");
        for bad in [
            "",
            "%",
            "-1%",
            "1.%",
            ".5%",
            "0.00001%",
            "0.0000001",
            "1e-2",
            "16 %%",
            "abc",
            "1,5%",
        ] {
            assert!(Rate::parse("r", bad).is_err(), "{bad}");
        }
        assert_eq!(
            Rate::parse("r", "100.5%").unwrap_err().code,
            "rate_above_100_percent"
        );
        assert_eq!(
            Rate::parse("r", "1.5").unwrap_err().code,
            "rate_above_100_percent"
        );
        assert_eq!(Rate::parse("r", "x").unwrap_err().code, "rate_format");
    }

    #[test]
    fn rounding_is_half_up_to_the_fen() {
        // 0.5 % of 101.00 yuan is 50.5 fen exactly: half goes up.
        assert_eq!(rate("0.5%").of(yuan("101")).fen(), 51);
        // 50.495 and 50.45 fen go down.
        assert_eq!(rate("0.5%").of(yuan("100.99")).fen(), 50);
        assert_eq!(rate("0.5%").of(yuan("100.90")).fen(), 50);
        // 16 % of 3 fen is 0.48 fen, of 4 fen 0.64.
        assert_eq!(rate("16%").of(Money::from_fen(3)).fen(), 0);
        assert_eq!(rate("16%").of(Money::from_fen(4)).fen(), 1);
        assert_eq!(rate("100%").of(yuan("123.45")).fen(), 12_345);
        assert_eq!(Rate::ZERO.of(yuan("999")).fen(), 0);
    }

    #[test]
    fn months_parse_and_order() {
        assert_eq!(m("2026-03").to_string(), "2026-03");
        assert_eq!(m("2026-12").next(), m("2027-01"));
        assert!(m("2025-12") < m("2026-01"));
        assert_eq!(ContributionMonth::of(d("2026-03-31")), m("2026-03"));
        assert_eq!(m("2026-03").first_day(), d("2026-03-01"));
        for (bad, code) in [
            ("2026-3", "month_format"),
            ("2026/03", "month_format"),
            ("26-03-01", "month_format"),
            ("2026-13", "month_invalid"),
            ("2026-00", "month_invalid"),
            ("1899-12", "month_invalid"),
            ("", "required"),
        ] {
            assert_eq!(
                ContributionMonth::parse("month", bad).unwrap_err().code,
                code,
                "{bad}"
            );
        }
        let json = serde_json::to_string(&m("2026-03")).unwrap();
        assert_eq!(json, "\"2026-03\"");
        assert!(serde_json::from_str::<ContributionMonth>("\"2026-13\"").is_err());
    }

    #[test]
    fn insurance_types_and_bases_parse() {
        for t in InsuranceType::ALL {
            assert_eq!(InsuranceType::parse("t", t.as_str()).unwrap(), t);
            assert_eq!(InsuranceType::ALL[t.index()], t);
        }
        assert_eq!(
            InsuranceType::parse("t", "dental").unwrap_err().code,
            "insurance_type_value"
        );
        assert_eq!(base("12000.5").money().fen(), 1_200_050);
        assert_eq!(
            ContributionBase::parse("base", "0").unwrap_err().code,
            "base_zero"
        );
        assert_eq!(
            ContributionBase::parse("base", "-1").unwrap_err().code,
            "money_format"
        );
    }

    #[test]
    fn a_month_in_beijing() {
        let c = declare(&beijing(), m("2026-03"), base("20000"), d("2025-07-15")).unwrap();
        let pension = c.line(InsuranceType::Pension);
        assert_eq!(
            (pension.employer.fen(), pension.personal.fen()),
            (320_000, 160_000)
        );
        let medical = c.line(InsuranceType::Medical);
        assert_eq!(
            (medical.employer.fen(), medical.personal.fen()),
            (196_000, 40_300)
        );
        let unemployment = c.line(InsuranceType::Unemployment);
        assert_eq!(
            (unemployment.employer.fen(), unemployment.personal.fen()),
            (10_000, 10_000)
        );
        assert_eq!(c.line(InsuranceType::WorkInjury).personal.fen(), 0);
        assert_eq!(c.line(InsuranceType::Maternity).employer.fen(), 16_000);
        let t = c.totals();
        assert_eq!(
            t.employer.fen(),
            320_000 + 196_000 + 10_000 + 8_000 + 16_000
        );
        assert_eq!(t.personal.fen(), 160_000 + 40_300 + 10_000);
        assert_eq!(t.total().fen(), t.employer.fen() + t.personal.fen());
    }

    #[test]
    fn bases_within_the_bounds_only() {
        let r = beijing();
        let from = d("2025-01-01");
        assert!(declare(&r, m("2026-03"), base("6821"), from).is_ok());
        assert!(declare(&r, m("2026-03"), base("35283"), from).is_ok());
        let e = declare(&r, m("2026-03"), base("6820.99"), from).unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("base", "base_below_floor"));
        assert_eq!(
            e.params,
            vec![("floor", "6821.00".to_string()), ("city", "110000".into())]
        );
        let e = declare(&r, m("2026-03"), base("35283.01"), from).unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("base", "base_above_ceiling"));
        assert_eq!(e.params[0], ("ceiling", "35283.00".to_string()));
    }

    #[test]
    fn no_declaration_before_insurance_started() {
        let r = beijing();
        let from = d("2026-03-15");
        // The month insurance starts in counts whole.
        assert!(declare(&r, m("2026-03"), base("10000"), from).is_ok());
        let e = declare(&r, m("2026-02"), base("10000"), from).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("month", "month_before_insurance_start")
        );
        assert_eq!(
            e.params,
            vec![
                ("insured_from", "2026-03-15".to_string()),
                ("first_month", "2026-03".into())
            ]
        );
    }

    #[test]
    fn a_later_declaration_supersedes_an_earlier_one() {
        let list = vec![
            decl(1, "2026-01", "10000"),
            decl(2, "2026-02", "10000"),
            decl(5, "2026-01", "12000"), // correction of January
            decl(3, "2026-03", "10000"),
            decl(4, "2026-01", "11000"), // recorded before the one above, listed after it
        ];
        let e = effective(&list);
        let got: Vec<(String, i64)> = e
            .iter()
            .map(|d| (d.contribution.month.to_string(), d.sequence))
            .collect();
        assert_eq!(
            got,
            [
                ("2026-01".into(), 5),
                ("2026-02".into(), 2),
                ("2026-03".into(), 3)
            ]
        );
        let s = Statement::build(&list);
        assert_eq!(s.months[0].base, base("12000"));
        assert_eq!(s.months[0].corrections, 2);
        assert_eq!(s.months[1].corrections, 0);
        // Only what stands counts: January at 12,000, February and March at 10,000.
        let only = Statement::build(&[
            decl(5, "2026-01", "12000"),
            decl(2, "2026-02", "10000"),
            decl(3, "2026-03", "10000"),
        ]);
        assert_eq!(s.total, only.total);
        assert_eq!(s.by_type, only.by_type);
    }

    #[test]
    fn statement_totals_are_the_sum_of_their_parts() {
        let mut list = Vec::new();
        let mut month = m("2024-11");
        for i in 0..14 {
            list.push(decl(
                i,
                &month.to_string(),
                &format!("{}.37", 7000 + i * 1013),
            ));
            month = month.next();
        }
        let s = Statement::build(&list);
        assert_eq!(s.months.len(), 14);
        assert_eq!(
            s.years
                .iter()
                .map(|y| (y.year, y.months))
                .collect::<Vec<_>>(),
            [(2024, 2), (2025, 12)]
        );
        let fen = |a: Amounts| (a.employer.fen(), a.personal.fen());
        let months_total: i64 = s.months.iter().map(|m| m.total.total().fen()).sum();
        assert_eq!(s.total.total().fen(), months_total);
        let years_total: i64 = s.years.iter().map(|y| y.total.total().fen()).sum();
        assert_eq!(years_total, months_total);
        for t in InsuranceType::ALL {
            let e: i64 = s
                .months
                .iter()
                .map(|m| m.lines[t.index()].employer.fen())
                .sum();
            let p: i64 = s
                .months
                .iter()
                .map(|m| m.lines[t.index()].personal.fen())
                .sum();
            assert_eq!(fen(s.by_type[t.index()]), (e, p), "{t}");
        }
        assert_eq!(s.months_in(City::parse("c", "110000").unwrap()), 14);
        assert_eq!(s.months_in(City::parse("c", "310000").unwrap()), 0);
    }

    proptest! {
        /// Whatever is declared and corrected, every total is the exact sum of the line items
        /// that stand.
        #[test]
        fn totals_always_equal_the_sum_of_line_items(
            entries in proptest::collection::vec((0u32..36, 682_100i64..=3_528_300, 0i64..1000), 0..80)
        ) {
            let r = beijing();
            let list: Vec<Declaration> = entries
                .iter()
                .map(|(offset, fen, seq)| {
                    let mut month = m("2024-01");
                    for _ in 0..*offset {
                        month = month.next();
                    }
                    let b = ContributionBase::from_trusted(Money::from_fen(*fen));
                    Declaration {
                        sequence: *seq,
                        declared_at: DateTime::from_timestamp(0, 0).unwrap(),
                        contribution: declare(&r, month, b, d("2024-01-01")).unwrap(),
                    }
                })
                .collect();
            let s = Statement::build(&list);
            let stand = effective(&list);
            prop_assert_eq!(s.months.len(), stand.len());
            let (mut e, mut p) = (0i64, 0i64);
            let mut per = [(0i64, 0i64); 5];
            for m in &s.months {
                let (me, mp): (i64, i64) = m.lines.iter().fold((0, 0), |(a, b), l| (a + l.employer.fen(), b + l.personal.fen()));
                prop_assert_eq!((m.total.employer.fen(), m.total.personal.fen()), (me, mp));
                e += me;
                p += mp;
                for (i, l) in m.lines.iter().enumerate() {
                    per[i].0 += l.employer.fen();
                    per[i].1 += l.personal.fen();
                }
            }
            prop_assert_eq!((s.total.employer.fen(), s.total.personal.fen()), (e, p));
            for (i, t) in s.by_type.iter().enumerate() {
                prop_assert_eq!((t.employer.fen(), t.personal.fen()), per[i]);
            }
            let ye: i64 = s.years.iter().map(|y| y.total.employer.fen()).sum();
            let yp: i64 = s.years.iter().map(|y| y.total.personal.fen()).sum();
            prop_assert_eq!((ye, yp), (e, p));
            prop_assert_eq!(s.years.iter().map(|y| y.months as usize).sum::<usize>(), s.months.len());
        }
    }
}
