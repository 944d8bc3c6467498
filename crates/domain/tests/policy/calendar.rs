//! Working days against the real 2025 and 2026 holidays and make-up days.

use crate::common::*;
use domain::application::ApplicationKind;
use domain::policy::*;

fn add(start: &str, n: u32) -> WorkingDays {
    policy().calendar().add_working_days(d(start), n)
}

#[test]
fn national_day_2025_and_its_make_up_days() {
    // Holidays 1-8 October 2025; Sunday 28 September and Saturday 11 October are worked.
    let table = [
        ("2025-09-26", 1, "2025-09-28"), // Friday -> the make-up Sunday
        ("2025-09-26", 2, "2025-09-29"),
        ("2025-09-26", 4, "2025-10-09"),
        ("2025-09-30", 1, "2025-10-09"), // the day before the holiday -> the first day after
        ("2025-09-30", 3, "2025-10-11"), // the make-up Saturday
        ("2025-09-30", 4, "2025-10-13"),
        ("2025-10-03", 1, "2025-10-09"), // submitted during the holiday
        ("2025-09-27", 1, "2025-09-28"), // an ordinary Saturday is not worked; Sunday is
    ];
    for (start, n, due) in table {
        let w = add(start, n);
        assert_eq!(w.date, d(due), "{start} + {n}");
        assert!(!w.fallback && !w.provisional);
    }
    // A 20-day decision limit across the holiday: 23-26 Sep (4), Sun 28 (5), 29-30 (7),
    // 9-10 Oct (9), Sat 11 (10), 13-17 (15), 20-24 (20).
    assert_eq!(add("2025-09-22", 20).date, d("2025-10-24"));
}

#[test]
fn spring_festival_2026_and_national_day_2026() {
    // Holidays 15-23 February 2026; Saturdays 14 and 28 February are worked.
    assert_eq!(add("2026-02-13", 1).date, d("2026-02-14"));
    assert_eq!(add("2026-02-13", 2).date, d("2026-02-24"));
    assert_eq!(add("2026-02-27", 1).date, d("2026-02-28"));
    // 5 working days from Wednesday 30 September 2026: 8, 9, Sat 10, 12, 13 October.
    assert_eq!(add("2026-09-30", 5).date, d("2026-10-13"));
    // New Year 2026: 1-3 January off, Sunday 4 January worked.
    assert_eq!(add("2025-12-31", 1).date, d("2026-01-04"));
}

#[test]
fn plain_weeks_and_zero() {
    assert_eq!(add("2026-03-13", 1).date, d("2026-03-16")); // Friday -> Monday
    assert_eq!(add("2026-03-10", 5).date, d("2026-03-17"));
    let w = add("2026-03-14", 0);
    assert_eq!((w.date, w.working_days), (d("2026-03-14"), 0));
    let cal = policy().calendar();
    assert!(cal.is_working_day(d("2025-10-11")));
    assert!(!cal.is_working_day(d("2025-10-08")));
    assert!(!cal.is_working_day(d("2025-10-12")));
}

#[test]
fn years_without_a_calendar_fall_back_to_weekdays() {
    let w = add("2030-01-01", 1);
    assert_eq!(w.date, d("2030-01-02"));
    assert!(w.fallback);
    // Friday 31 December 2027 -> Monday 3 January 2028, counted without a 2028 calendar.
    let w = add("2027-12-31", 1);
    assert_eq!(w.date, d("2028-01-03"));
    assert!(w.fallback);
    // 2027 is provisional.
    let w = add("2027-09-30", 1);
    assert_eq!(w.date, d("2027-10-08"));
    assert!(w.provisional && !w.fallback);
}

#[test]
fn deadlines_in_an_assessment() {
    let mut f = facts();
    f.submitted_on = Some(d("2025-09-22"));
    // Over 90 days: 20 working days, 30 when extended.
    f.requested_period = Some(Period::new("p", d("2025-11-01"), d("2026-10-31")).unwrap());
    let a = policy().assess(&f);
    let dl = &a.deadlines;
    assert_eq!(dl.pre_review.date, d("2025-09-28"));
    assert_eq!(dl.decision.date, d("2025-10-24"));
    assert_eq!(dl.decision_rule.rule, "decision_long_permit");
    assert_eq!(dl.decision_rule.param("working_days"), Some("20"));
    // 27-31 Oct (25), 3-7 Nov (30).
    assert_eq!(dl.decision_extended.date, d("2025-11-07"));
    // 90 days exactly is short: 5 working days.
    f.requested_period = Some(Period::new("p", d("2025-11-01"), d("2026-01-29")).unwrap());
    let a = policy().assess(&f);
    assert_eq!(a.deadlines.decision_rule.rule, "decision_short_permit");
    assert_eq!(a.deadlines.decision_rule.param("period_days"), Some("90"));
    assert_eq!(a.deadlines.decision.date, d("2025-09-28"));
    // No period (a cancellation): the general limit.
    f.requested_period = None;
    f.kind = ApplicationKind::Cancellation;
    let a = policy().assess(&f);
    assert_eq!(a.deadlines.decision_rule.rule, "decision_no_period");
    assert_eq!(a.deadlines.decision.date, d("2025-10-24"));
    // Not yet submitted: counted from the assessment day.
    f.submitted_on = None;
    assert_eq!(policy().assess(&f).deadlines.submitted_on, f.assessed_on);
}
