//! Appointments at an issuing office: its opening days and slots, and whether a slot can be
//! booked. Capacity is counted by the store, which alone can see concurrent bookings.

use crate::FieldError;
use crate::city::City;
use crate::ids::{AppointmentId, OfficeId, PersonId, ResidenceApplicationId, ResidencePermitId};
use crate::values::Text;
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use serde::{Deserialize, Serialize};

/// How far ahead a slot may be booked.
pub const BOOKING_HORIZON_DAYS: u64 = 30;

/// An issuing office of immigration. Times are local.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Office {
    pub id: OfficeId,
    pub city: City,
    pub name: Text,
    pub address: Text,
    pub opens: NaiveTime,
    pub closes: NaiveTime,
    pub slot_minutes: u32,
    /// People served per slot.
    pub capacity: u32,
    /// Bit 0 Monday … bit 6 Sunday: the days of the week it opens, where the working-day
    /// calendar does not say otherwise (a make-up working weekend opens it, a holiday closes it).
    pub weekdays: u8,
    /// Days it stays closed besides holidays.
    pub closed_on: Vec<NaiveDate>,
}

/// Monday to Friday.
pub const WEEKDAYS: u8 = 0b001_1111;

impl Office {
    /// Whether it opens on `day`, given the calendar's verdict on working days.
    pub fn opens_on(&self, day: NaiveDate, working_day: bool) -> bool {
        if self.closed_on.contains(&day) {
            return false;
        }
        let weekday = day.weekday().num_days_from_monday();
        // The calendar overrides the week on holidays and make-up working weekends.
        let special = working_day == (weekday >= 5);
        if special {
            working_day
        } else {
            self.weekdays & (1 << weekday) != 0
        }
    }

    /// The slots of a day it opens, in order.
    pub fn slots_on(&self, day: NaiveDate) -> Vec<NaiveDateTime> {
        let mut slots = Vec::new();
        let step = i64::from(self.slot_minutes.max(5));
        let mut t = day.and_time(self.opens);
        let end = day.and_time(self.closes);
        while t + chrono::Duration::minutes(step) <= end {
            slots.push(t);
            t += chrono::Duration::minutes(step);
        }
        slots
    }

    /// Checks that `slot` is one of this office's slots on an open day within the booking
    /// horizon, and not already begun at `now_local`.
    pub fn check_slot(
        &self,
        slot: NaiveDateTime,
        now_local: NaiveDateTime,
        is_open: bool,
    ) -> Result<(), FieldError> {
        if slot <= now_local {
            return Err(FieldError::new("slot", "slot_in_past"));
        }
        if slot.date() > now_local.date() + Days::new(BOOKING_HORIZON_DAYS) {
            return Err(FieldError::new("slot", "slot_too_far").with("days", BOOKING_HORIZON_DAYS));
        }
        if !is_open {
            return Err(FieldError::new("slot", "office_closed").with("date", slot.date()));
        }
        if slot.second() != 0 || !self.slots_on(slot.date()).contains(&slot) {
            return Err(FieldError::new("slot", "not_a_slot"));
        }
        Ok(())
    }

    /// Checks an office as an administrator defines it.
    pub fn check(&self) -> Result<(), FieldError> {
        if self.closes <= self.opens {
            return Err(FieldError::new("closes", "closes_before_opens"));
        }
        if !(5..=240).contains(&self.slot_minutes) {
            return Err(FieldError::new("slot_minutes", "out_of_range")
                .with("min", 5)
                .with("max", 240));
        }
        if !(1..=1000).contains(&self.capacity) {
            return Err(FieldError::new("capacity", "out_of_range")
                .with("min", 1)
                .with("max", 1000));
        }
        Ok(())
    }
}

/// Parses a slot as a form or the API gives it: `YYYY-MM-DDTHH:MM`, local time.
pub fn parse_slot(field: &str, s: &str) -> Result<NaiveDateTime, FieldError> {
    NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M")
        .map_err(|_| FieldError::new(field, "slot_format"))
}

/// Formats a slot as `parse_slot` reads it.
pub fn format_slot(slot: NaiveDateTime) -> String {
    slot.format("%Y-%m-%dT%H:%M").to_string()
}

/// What an appointment is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "purpose", rename_all = "snake_case")]
pub enum Purpose {
    /// Showing the passport for on-site inspection; it is handed back at once.
    PassportInspection {
        residence_application_id: ResidenceApplicationId,
    },
    /// Collecting an issued residence permit.
    CollectResidencePermit {
        residence_permit_id: ResidencePermitId,
    },
}

impl Purpose {
    pub fn as_str(&self) -> &'static str {
        match self {
            Purpose::PassportInspection { .. } => "passport_inspection",
            Purpose::CollectResidencePermit { .. } => "collect_residence_permit",
        }
    }
    /// The record it is about, as text: one live appointment per purpose and record.
    pub fn subject(&self) -> String {
        match self {
            Purpose::PassportInspection {
                residence_application_id,
            } => residence_application_id.to_string(),
            Purpose::CollectResidencePermit {
                residence_permit_id,
            } => residence_permit_id.to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentState {
    Booked,
    Cancelled,
    /// The holder came; what the appointment was for was done.
    Attended,
}

impl AppointmentState {
    pub fn as_str(&self) -> &'static str {
        match self {
            AppointmentState::Booked => "booked",
            AppointmentState::Cancelled => "cancelled",
            AppointmentState::Attended => "attended",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        [
            AppointmentState::Booked,
            AppointmentState::Cancelled,
            AppointmentState::Attended,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    pub id: AppointmentId,
    pub office_id: OfficeId,
    pub slot: NaiveDateTime,
    pub person_id: PersonId,
    pub purpose: Purpose,
    pub state: AppointmentState,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn office() -> Office {
        Office {
            id: OfficeId(uuid::Uuid::nil()),
            city: City::parse("c", "110000").unwrap(),
            name: Text::parse("n", "Exit-Entry Hall", 100).unwrap(),
            address: Text::parse("a", "2 Andingmen East St", 200).unwrap(),
            opens: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            closes: NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
            slot_minutes: 30,
            capacity: 5,
            weekdays: WEEKDAYS,
            closed_on: vec![NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()],
        }
    }

    fn at(s: &str) -> NaiveDateTime {
        parse_slot("slot", s).unwrap()
    }

    #[test]
    fn slots_fill_the_opening_hours() {
        let o = office();
        let slots = o.slots_on(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert_eq!(slots.len(), 6);
        assert_eq!(format_slot(slots[0]), "2026-12-01T09:00");
        assert_eq!(format_slot(slots[5]), "2026-12-01T11:30");
    }

    #[test]
    fn opening_days_follow_the_week_the_calendar_and_closures() {
        let o = office();
        let tue = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let sat = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        assert!(o.opens_on(tue, true));
        assert!(!o.opens_on(sat, false));
        // A make-up working Saturday opens it; a holiday on a weekday closes it.
        assert!(o.opens_on(sat, true));
        assert!(!o.opens_on(tue, false));
        assert!(!o.opens_on(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(), true));
        // An office that also opens on Saturdays.
        let mut weekend = office();
        weekend.weekdays = WEEKDAYS | 1 << 5;
        assert!(weekend.opens_on(sat, false));
    }

    #[test]
    fn bookable_slots() {
        let o = office();
        let now = at("2026-11-30T10:00");
        assert!(o.check_slot(at("2026-12-01T09:30"), now, true).is_ok());
        let code = |s: &str, open| o.check_slot(at(s), now, open).unwrap_err().code;
        assert_eq!(code("2026-11-30T09:30", true), "slot_in_past");
        assert_eq!(code("2027-01-05T09:30", true), "slot_too_far");
        assert_eq!(code("2026-12-01T09:15", true), "not_a_slot");
        assert_eq!(code("2026-12-01T12:00", true), "not_a_slot");
        assert_eq!(code("2026-12-05T09:30", false), "office_closed");
        assert_eq!(
            parse_slot("slot", "tomorrow").unwrap_err().code,
            "slot_format"
        );
    }
}
