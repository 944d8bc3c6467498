//! Why a policy file is refused: the file, the line and a structured reason.

use super::points::Factor;
use std::fmt;

/// A policy file that cannot be used, with the 1-based line of the offending text where the
/// reader could place it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub file: String,
    pub line: Option<usize>,
    pub problem: Problem,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.problem),
            None => write!(f, "{}: {}", self.file, self.problem),
        }
    }
}

impl std::error::Error for PolicyError {}

/// What is wrong. `code()` is a stable snake_case identifier for each kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Not TOML, or not the shape of a policy: a missing or unknown key, a wrong type. The
    /// message is the TOML reader's.
    Syntax {
        message: String,
    },
    VersionFormat {
        value: String,
    },
    DateInvalid {
        value: String,
    },
    BandsEmpty {
        factor: Factor,
    },
    BandsNotFromZero {
        factor: Factor,
        from: i64,
    },
    BandEmpty {
        factor: Factor,
        from: i64,
        to: i64,
    },
    /// Values in `[previous_to, from)` fall in no band.
    BandGap {
        factor: Factor,
        previous_to: i64,
        from: i64,
    },
    /// Values in `[from, previous_to)` fall in two bands.
    BandOverlap {
        factor: Factor,
        previous_to: i64,
        from: i64,
    },
    /// A band without `to` is followed by another.
    OpenBandNotLast {
        factor: Factor,
    },
    /// The last band has a `to`, so values from there on fall in no band.
    LastBandBounded {
        factor: Factor,
        to: i64,
    },
    PointsAboveCap {
        factor: Factor,
        points: i64,
        cap: i64,
    },
    /// A factor where more is better gives fewer points for more.
    PointsDecrease {
        factor: Factor,
        from: i64,
    },
    ThresholdOutOfRange {
        name: &'static str,
        value: i64,
        min: i64,
        max: i64,
    },
    ThresholdOrder {
        a: i64,
        b: i64,
    },
    OutOfRange {
        key: String,
        value: i64,
        min: i64,
        max: i64,
    },
    UnknownRegion {
        code: String,
    },
    DuplicateMember {
        code: String,
    },
    YearKey {
        value: String,
    },
    DateOutsideYear {
        date: String,
        year: i32,
    },
    DateRangeReversed {
        from: String,
        to: String,
    },
    DuplicateDate {
        date: String,
    },
    HolidayAndMakeUp {
        date: String,
    },
    MakeUpNotWeekend {
        date: String,
    },
    UsccInvalid {
        value: String,
    },
    RateInvalid {
        key: String,
        value: String,
    },
    /// A contribution base ceiling below its floor.
    BaseBoundsReversed {
        key: String,
        floor: i64,
        ceiling: i64,
    },
    BenefitIdFormat {
        value: String,
    },
    /// A benefit condition with keys its rule does not take, or without one it needs.
    ConditionKeys {
        rule: &'static str,
        keys: String,
    },
    /// A list that must name at least one item is empty.
    EmptyList {
        key: String,
    },
}

impl Problem {
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Syntax { .. } => "syntax",
            Problem::VersionFormat { .. } => "version_format",
            Problem::DateInvalid { .. } => "date_invalid",
            Problem::BandsEmpty { .. } => "bands_empty",
            Problem::BandsNotFromZero { .. } => "bands_not_from_zero",
            Problem::BandEmpty { .. } => "band_empty",
            Problem::BandGap { .. } => "band_gap",
            Problem::BandOverlap { .. } => "band_overlap",
            Problem::OpenBandNotLast { .. } => "open_band_not_last",
            Problem::LastBandBounded { .. } => "last_band_bounded",
            Problem::PointsAboveCap { .. } => "points_above_cap",
            Problem::PointsDecrease { .. } => "points_decrease",
            Problem::ThresholdOutOfRange { .. } => "threshold_out_of_range",
            Problem::ThresholdOrder { .. } => "threshold_order",
            Problem::OutOfRange { .. } => "out_of_range",
            Problem::UnknownRegion { .. } => "unknown_region",
            Problem::DuplicateMember { .. } => "duplicate_member",
            Problem::YearKey { .. } => "year_key",
            Problem::DateOutsideYear { .. } => "date_outside_year",
            Problem::DateRangeReversed { .. } => "date_range_reversed",
            Problem::DuplicateDate { .. } => "duplicate_date",
            Problem::HolidayAndMakeUp { .. } => "holiday_and_make_up",
            Problem::MakeUpNotWeekend { .. } => "make_up_not_weekend",
            Problem::UsccInvalid { .. } => "uscc_invalid",
            Problem::RateInvalid { .. } => "rate_invalid",
            Problem::BaseBoundsReversed { .. } => "base_bounds_reversed",
            Problem::BenefitIdFormat { .. } => "benefit_id_format",
            Problem::EmptyList { .. } => "empty_list",
            Problem::ConditionKeys { .. } => "condition_keys",
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Syntax { message } => write!(f, "{}", message.trim_end()),
            Problem::VersionFormat { value } => write!(
                f,
                "version {value:?} must be 1 to 64 letters, digits, '.', '_' or '-'"
            ),
            Problem::DateInvalid { value } => {
                write!(f, "{value:?} is not a date of the form YYYY-MM-DD")
            }
            Problem::BandsEmpty { factor } => write!(f, "{factor}: no bands"),
            Problem::BandsNotFromZero { factor, from } => {
                write!(f, "{factor}: the first band starts at {from}, not 0")
            }
            Problem::BandEmpty { factor, from, to } => {
                write!(f, "{factor}: band [{from}, {to}) is empty")
            }
            Problem::BandGap {
                factor,
                previous_to,
                from,
            } => write!(
                f,
                "{factor}: gap between bands, values in [{previous_to}, {from}) fall in none"
            ),
            Problem::BandOverlap {
                factor,
                previous_to,
                from,
            } => write!(
                f,
                "{factor}: bands overlap, values in [{from}, {previous_to}) fall in two"
            ),
            Problem::OpenBandNotLast { factor } => {
                write!(f, "{factor}: a band without `to` must be the last")
            }
            Problem::LastBandBounded { factor, to } => write!(
                f,
                "{factor}: the last band ends at {to}; leave out `to` so it runs on"
            ),
            Problem::PointsAboveCap {
                factor,
                points,
                cap,
            } => write!(f, "{factor}: {points} points exceed the cap of {cap}"),
            Problem::PointsDecrease { factor, from } => write!(
                f,
                "{factor}: the band from {from} gives fewer points than the one before"
            ),
            Problem::ThresholdOutOfRange {
                name,
                value,
                min,
                max,
            } => write!(
                f,
                "threshold {name} = {value} is outside {min}..={max} (the maximum is the sum of the caps)"
            ),
            Problem::ThresholdOrder { a, b } => {
                write!(f, "threshold b = {b} must be below threshold a = {a}")
            }
            Problem::OutOfRange {
                key,
                value,
                min,
                max,
            } => write!(f, "{key} = {value} is outside {min}..={max}"),
            Problem::UnknownRegion { code } => write!(f, "region {code:?} is not a known city"),
            Problem::UsccInvalid { value } => write!(
                f,
                "{value:?} is not a unified social credit code (18 characters with a check character)"
            ),
            Problem::RateInvalid { key, value } => write!(
                f,
                "{key} = {value:?} is not a rate from 0 to 100%, written \"16%\" (up to 4 decimals) or \"0.16\" (up to 6)"
            ),
            Problem::BaseBoundsReversed {
                key,
                floor,
                ceiling,
            } => write!(
                f,
                "{key}: base ceiling {ceiling} is below the floor {floor}"
            ),
            Problem::BenefitIdFormat { value } => write!(
                f,
                "benefit {value:?} must be 1 to 64 lower-case letters, digits or '_', starting with a letter"
            ),
            Problem::ConditionKeys { rule, keys } if keys.is_empty() => {
                write!(f, "condition {rule} takes no other key than `rule`")
            }
            Problem::ConditionKeys { rule, keys } => {
                write!(
                    f,
                    "condition {rule} takes exactly these keys besides `rule`: {keys}"
                )
            }
            Problem::EmptyList { key } => write!(f, "{key} must name at least one item"),
            Problem::DuplicateMember { code } => write!(f, "region {code:?} is listed twice"),
            Problem::YearKey { value } => {
                write!(
                    f,
                    "calendar key {value:?} is not a year between 1900 and 2200"
                )
            }
            Problem::DateOutsideYear { date, year } => {
                write!(f, "{date} is outside the calendar of {year}")
            }
            Problem::DateRangeReversed { from, to } => {
                write!(f, "range {from}/{to} ends before it starts")
            }
            Problem::DuplicateDate { date } => write!(f, "{date} is listed twice"),
            Problem::HolidayAndMakeUp { date } => {
                write!(f, "{date} is both a holiday and a make-up working day")
            }
            Problem::MakeUpNotWeekend { date } => {
                write!(f, "make-up working day {date} is not a Saturday or Sunday")
            }
        }
    }
}
