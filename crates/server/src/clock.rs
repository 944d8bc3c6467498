//! The time, passed in rather than read where it is used, so that tests can set it.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use std::sync::Mutex;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// Today's date where the authorities work (China Standard Time, UTC+8): deadlines and
    /// validity run on this calendar, whatever the server's zone.
    fn today(&self) -> NaiveDate {
        china_date(self.now())
    }
}

/// The date of a moment in China Standard Time (UTC+8), the calendar the authorities keep.
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    let cst = FixedOffset::east_opt(8 * 3600).expect("valid offset");
    at.with_timezone(&cst).date_naive()
}

/// A moment as people in China read it, to the minute in China Standard Time:
/// `2026-03-01 14:05`.
pub fn china_time(at: DateTime<Utc>) -> String {
    let cst = FixedOffset::east_opt(8 * 3600).expect("valid offset");
    at.with_timezone(&cst).format("%Y-%m-%d %H:%M").to_string()
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until moved; for tests.
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        FixedClock(Mutex::new(at))
    }
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().expect("clock lock") = at;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}
