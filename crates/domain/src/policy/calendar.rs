//! Working days: weekends and public holidays are off, except the weekend days China works in
//! exchange for longer holidays (make-up working days).

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One year's published arrangement.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct YearCalendar {
    pub holidays: BTreeSet<NaiveDate>,
    pub make_up_working_days: BTreeSet<NaiveDate>,
    /// Not yet published; the dates are an estimate.
    pub provisional: bool,
}

/// Working-day calendars by year. Years it does not hold count Monday to Friday as working days.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Calendar {
    years: BTreeMap<i32, YearCalendar>,
}

/// A date reached by counting working days, and how reliable the count is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingDays {
    pub date: NaiveDate,
    pub working_days: u32,
    /// A day counted lay in a year without a calendar, counted as plain Monday to Friday.
    pub fallback: bool,
    /// A day counted lay in a provisional calendar.
    pub provisional: bool,
}

pub fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

impl Calendar {
    /// The caller has checked each year: dates within it, none both holiday and make-up day,
    /// make-up days on weekends.
    pub(super) fn from_years(years: BTreeMap<i32, YearCalendar>) -> Calendar {
        Calendar { years }
    }

    pub fn years(&self) -> impl Iterator<Item = (i32, &YearCalendar)> {
        self.years.iter().map(|(y, c)| (*y, c))
    }

    pub fn year(&self, year: i32) -> Option<&YearCalendar> {
        self.years.get(&year)
    }

    /// Whether `d` is a working day; plain Monday to Friday in a year without a calendar.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        self.day(d).0
    }

    /// Whether `d` is a working day, and the calendar of its year if there is one.
    fn day(&self, d: NaiveDate) -> (bool, Option<&YearCalendar>) {
        match self.years.get(&d.year()) {
            Some(y) if y.make_up_working_days.contains(&d) => (true, Some(y)),
            Some(y) if y.holidays.contains(&d) => (false, Some(y)),
            y => (!is_weekend(d), y),
        }
    }

    /// The `n`th working day after `start`; the start day itself never counts, so that a limit
    /// of five working days from a submission ends on the fifth working day after it. `n = 0`
    /// gives `start`.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> WorkingDays {
        let mut out = WorkingDays {
            date: start,
            working_days: n,
            fallback: false,
            provisional: false,
        };
        let mut left = n;
        while left > 0 {
            out.date = out
                .date
                .checked_add_days(Days::new(1))
                .expect("dates far from the end of the calendar");
            let (working, year) = self.day(out.date);
            match year {
                None => out.fallback = true,
                Some(y) if y.provisional => out.provisional = true,
                Some(_) => {}
            }
            if working {
                left -= 1;
            }
        }
        out
    }
}
