//! Working days: weekends and public holidays are off, except the weekend days China works in
//! exchange for longer holidays (make-up working days).

use chrono::{Datelike, NaiveDate, Weekday};
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
    /// The same years as bits, derived from `years`: every assessment counts some fifty days.
    #[serde(skip)]
    days: BTreeMap<i32, YearDays>,
}

/// One year's working days, a bit per day of the year (0-based ordinal).
#[derive(Debug, Clone, PartialEq, Eq)]
struct YearDays {
    working: [u64; 6],
    provisional: bool,
}

impl YearDays {
    fn new(year: i32, c: &YearCalendar) -> YearDays {
        let mut working = [0u64; 6];
        let mut d = NaiveDate::from_yo_opt(year, 1).expect("a calendar year chrono knows");
        while d.year() == year {
            let on =
                c.make_up_working_days.contains(&d) || !(c.holidays.contains(&d) || is_weekend(d));
            if on {
                let i = d.ordinal0() as usize;
                working[i / 64] |= 1 << (i % 64);
            }
            let Some(next) = d.succ_opt() else { break };
            d = next;
        }
        YearDays {
            working,
            provisional: c.provisional,
        }
    }

    fn is_working(&self, d: NaiveDate) -> bool {
        let i = d.ordinal0() as usize;
        self.working[i / 64] & (1 << (i % 64)) != 0
    }
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
        let days = years
            .iter()
            .map(|(&y, c)| (y, YearDays::new(y, c)))
            .collect();
        Calendar { years, days }
    }

    pub fn years(&self) -> impl Iterator<Item = (i32, &YearCalendar)> {
        self.years.iter().map(|(y, c)| (*y, c))
    }

    pub fn year(&self, year: i32) -> Option<&YearCalendar> {
        self.years.get(&year)
    }

    /// Whether `d` is a working day; plain Monday to Friday in a year without a calendar.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.days.get(&d.year()) {
            Some(y) => y.is_working(d),
            None => !is_weekend(d),
        }
    }

    /// The `n`th working day after `start`; the start day itself never counts, so that a limit
    /// of five working days from a submission ends on the fifth working day after it. `n = 0`
    /// gives `start`.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> WorkingDays {
        let [out] = self.add_working_days_each(start, [n]);
        out
    }

    /// [`Calendar::add_working_days`] for several counts from the same start, in one walk.
    pub fn add_working_days_each<const N: usize>(
        &self,
        start: NaiveDate,
        counts: [u32; N],
    ) -> [WorkingDays; N] {
        let mut out = counts.map(|n| WorkingDays {
            date: start,
            working_days: n,
            fallback: false,
            provisional: false,
        });
        let target = counts.into_iter().max().unwrap_or(0);
        let (mut fallback, mut provisional) = (false, false);
        let mut date = start;
        // The year's days, looked up again only when the walk enters a new year.
        let mut year = (date.year(), self.days.get(&date.year()));
        let mut counted = 0;
        while counted < target {
            date = date
                .succ_opt()
                .expect("dates far from the end of the calendar");
            if date.year() != year.0 {
                year = (date.year(), self.days.get(&date.year()));
            }
            let working = match year.1 {
                None => {
                    fallback = true;
                    !is_weekend(date)
                }
                Some(y) => {
                    provisional |= y.provisional;
                    y.is_working(date)
                }
            };
            if working {
                counted += 1;
                for (w, &n) in out.iter_mut().zip(&counts) {
                    if n == counted {
                        *w = WorkingDays {
                            date,
                            working_days: n,
                            fallback,
                            provisional,
                        };
                    }
                }
            }
        }
        out
    }
}
