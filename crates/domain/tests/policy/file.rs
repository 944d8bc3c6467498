//! Reading policy files: the shipped default, and each kind of bad file refused with its line.

use crate::common::*;
use domain::city::City;
use domain::policy::*;

#[test]
fn shipped_default_parses_and_covers_every_city() {
    let p = policy();
    assert_eq!(p.version(), "national-2017.1");
    assert_eq!(p.effective_from(), d("2017-04-01"));
    assert_eq!((p.thresholds().a, p.thresholds().b), (85, 60));
    assert_eq!(p.max_points(), 120);
    for c in City::all() {
        let r = p.region(c).unwrap_or_else(|| panic!("no region {c}"));
        assert!(r.average_wage_yuan.is_some(), "{c}");
        assert!(r.c_quota.is_some(), "{c}");
    }
    for y in [2025, 2026, 2027] {
        assert!(p.calendar().year(y).is_some(), "{y}");
    }
    assert!(p.calendar().year(2027).unwrap().provisional);
}

/// The shipped text with `from` replaced by `to` (which must occur once).
fn variant(from: &str, to: &str) -> String {
    let text = NATIONAL_DEFAULT_TEXT;
    assert_eq!(text.matches(from).count(), 1, "{from:?} must occur once");
    text.replace(from, to)
}

/// The 1-based line on which `needle` starts in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not found"));
    text[..at].matches('\n').count() + 1
}

/// Parses the variant and returns its error, checking it is on the line of `at`.
fn refused(from: &str, to: &str, at: &str) -> Problem {
    let text = variant(from, to);
    let err = Policy::parse("bad.toml", &text).expect_err("must be refused");
    assert_eq!(err.file, "bad.toml");
    assert_eq!(err.line, Some(line_of(&text, at)), "{err}");
    assert!(
        err.to_string()
            .starts_with(&format!("bad.toml:{}: ", line_of(&text, at)))
    );
    err.problem
}

#[test]
fn gap_between_bands() {
    let p = refused(
        "{ from = 70_000, to = 150_000, points = 8 }",
        "{ from = 80_000, to = 150_000, points = 8 }",
        "{ from = 80_000",
    );
    assert_eq!(
        p,
        Problem::BandGap {
            factor: Factor::Salary,
            previous_to: 70_000,
            from: 80_000
        }
    );
    assert_eq!(p.code(), "band_gap");
}

#[test]
fn overlapping_bands() {
    let p = refused(
        "{ from = 6, to = 9, points = 10 }",
        "{ from = 5, to = 9, points = 10 }",
        "{ from = 5, to = 9",
    );
    assert_eq!(
        p,
        Problem::BandOverlap {
            factor: Factor::MonthsInChina,
            previous_to: 6,
            from: 5
        }
    );
}

#[test]
fn bands_must_start_at_zero_and_run_on() {
    let p = refused(
        "{ from = 0, to = 18, points = 0 },",
        "{ from = 16, to = 18, points = 0 },",
        "{ from = 16",
    );
    assert_eq!(
        p,
        Problem::BandsNotFromZero {
            factor: Factor::Age,
            from: 16
        }
    );
    let p = refused(
        "{ from = 450_000, points = 20 },",
        "{ from = 450_000, to = 1_000_000, points = 20 },",
        "{ from = 450_000",
    );
    assert_eq!(
        p,
        Problem::LastBandBounded {
            factor: Factor::Salary,
            to: 1_000_000
        }
    );
}

#[test]
fn band_points_above_cap_or_decreasing() {
    let p = refused(
        "{ from = 450_000, points = 20 },",
        "{ from = 450_000, points = 25 },",
        "{ from = 450_000",
    );
    assert_eq!(
        p,
        Problem::PointsAboveCap {
            factor: Factor::Salary,
            points: 25,
            cap: 20
        }
    );
    let p = refused(
        "{ from = 350_000, to = 450_000, points = 17 },",
        "{ from = 350_000, to = 450_000, points = 13 },",
        "{ from = 350_000",
    );
    assert_eq!(
        p,
        Problem::PointsDecrease {
            factor: Factor::Salary,
            from: 350_000
        }
    );
    let p = refused("master = 15", "master = 9", "master = 9");
    assert_eq!(p.code(), "points_decrease");
}

#[test]
fn thresholds_out_of_range_or_order() {
    let p = refused("\nb = 60\n", "\nb = 90\n", "b = 90");
    assert_eq!(p, Problem::ThresholdOrder { a: 85, b: 90 });
    let p = refused("\nb = 60\n", "\nb = 85\n", "b = 85");
    assert_eq!(p, Problem::ThresholdOrder { a: 85, b: 85 });
    let p = refused("\na = 85\n", "\na = -5\n", "a = -5");
    assert_eq!(
        p,
        Problem::ThresholdOutOfRange {
            name: "a",
            value: -5,
            min: 1,
            max: 120
        }
    );
    let p = refused("\na = 85\n", "\na = 121\n", "a = 121");
    assert_eq!(p.code(), "threshold_out_of_range");
}

#[test]
fn unknown_factor_or_key() {
    let p = refused(
        "[points.provincial_bonus]\n",
        "[points.height]\ncap = 5\n\n[points.provincial_bonus]\n",
        "height",
    );
    match p {
        Problem::Syntax { message } => {
            assert!(message.contains("unknown field `height`"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    let p = refused("\nb = 60\n", "\nb = 60\nc = 30\n", "c = 30");
    match p {
        Problem::Syntax { message } => assert!(message.contains("unknown field `c`"), "{message}"),
        other => panic!("{other:?}"),
    }
    let p = refused(
        "cancellation = [\"application_form\", \"termination_proof\"]\n\n[documents.required.b]",
        "cancellation = [\"application_form\", \"selfie\"]\n\n[documents.required.b]",
        "\"selfie\"",
    );
    assert_eq!(p.code(), "syntax");
}

#[test]
fn impossible_or_misplaced_calendar_dates() {
    let p = refused("\"2026-02-28\"", "\"2026-02-30\"", "\"2026-02-30\"");
    assert_eq!(
        p,
        Problem::DateInvalid {
            value: "2026-02-30".into()
        }
    );
    let p = refused(
        "\"2025-01-01\",            # New Year's Day",
        "\"2024-12-31\",            # New Year's Day",
        "\"2024-12-31\"",
    );
    assert_eq!(
        p,
        Problem::DateOutsideYear {
            date: "2024-12-31".into(),
            year: 2025
        }
    );
    let p = refused(
        "make_up_working_days = [\"2026-01-04\",",
        "make_up_working_days = [\"2026-01-03\", \"2026-01-04\",",
        "make_up_working_days = [\"2026-01-03\"",
    );
    assert_eq!(
        p,
        Problem::HolidayAndMakeUp {
            date: "2026-01-03".into()
        }
    );
    let p = refused("\"2027-05-08\"", "\"2027-05-07\"", "\"2027-05-07\"");
    assert_eq!(p.code(), "make_up_not_weekend");
    let p = refused(
        "\"2026-10-01/2026-10-07\"",
        "\"2026-10-07/2026-10-01\"",
        "\"2026-10-07/2026-10-01\"",
    );
    assert_eq!(p.code(), "date_range_reversed");
    let p = refused(
        "[calendars.2026]",
        "[calendars.twenty]",
        "[calendars.twenty]",
    );
    assert_eq!(p.code(), "year_key");
}

#[test]
fn unknown_region_codes() {
    let p = refused("[regions.120000]", "[regions.999999]", "[regions.999999]");
    assert_eq!(
        p,
        Problem::UnknownRegion {
            code: "999999".into()
        }
    );
    let p = refused(
        "members = [\"110000\", \"120000\", \"130100\"]",
        "members = [\"110000\", \"120000\", \"130200\"]",
        "members = ",
    );
    assert_eq!(
        p,
        Problem::UnknownRegion {
            code: "130200".into()
        }
    );
    let p = refused(
        "regions = [\"510100\", \"610100\"]",
        "regions = [\"510100\", \"6101\"]",
        "regions = [\"510100\", \"6101\"]",
    );
    assert_eq!(p.code(), "unknown_region");
}

#[test]
fn other_values_out_of_range() {
    let p = refused(
        "provincial_bonus = 5\n\n[regions.310000]",
        "provincial_bonus = 11\n\n[regions.310000]",
        "provincial_bonus = 11",
    );
    assert_eq!(
        p,
        Problem::PointsAboveCap {
            factor: Factor::ProvincialBonus,
            points: 11,
            cap: 10
        }
    );
    let p = refused(
        "effective_from = \"2017-04-01\"",
        "effective_from = \"2017-02-30\"",
        "effective_from",
    );
    assert_eq!(p.code(), "date_invalid");
    let p = refused(
        "version = \"national-2017.1\"",
        "version = \"national 2017\"",
        "version",
    );
    assert_eq!(p.code(), "version_format");
    let p = refused(
        "max_validity_months = 12",
        "max_validity_months = 0",
        "max_validity_months = 0",
    );
    assert_eq!(
        p,
        Problem::OutOfRange {
            key: "categories.c.max_validity_months".into(),
            value: 0,
            min: 1,
            max: 120
        }
    );
}

#[test]
fn not_toml_at_all() {
    let err = Policy::parse("x.toml", "version = \"v1\"\nthresholds = [").unwrap_err();
    assert_eq!(err.problem.code(), "syntax");
    assert_eq!(err.line, Some(2));
    let err = Policy::parse("x.toml", "").unwrap_err();
    assert_eq!(err.problem.code(), "syntax");
}

#[test]
fn diff_lists_what_a_new_version_changes() {
    let newer = variant("\na = 85\n", "\na = 80\n")
        .replace(
            "version = \"national-2017.1\"",
            "version = \"national-2017.2\"",
        )
        .replace("\"2026-10-01/2026-10-07\"", "\"2026-10-01/2026-10-08\"")
        .replace(
            "[regions.610100] # Xi'an\naverage_wage_yuan = 112_000",
            "[regions.610100] # Xi'an\naverage_wage_yuan = 115_000",
        );
    let newer = Policy::parse("newer.toml", &newer).unwrap();
    assert!(policy().diff(policy()).is_empty());
    let lines: Vec<String> = policy()
        .diff(&newer)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        lines,
        [
            "+ calendar.years.2026.holidays: 2026-10-08",
            "~ regions.610100.average_wage_yuan: 112000 -> 115000",
            "~ thresholds.a: 85 -> 80",
            "~ version: national-2017.1 -> national-2017.2",
        ]
    );
}

#[test]
fn the_version_in_force() {
    let newer = Policy::parse(
        "n.toml",
        &variant(
            "effective_from = \"2017-04-01\"",
            "effective_from = \"2027-01-01\"",
        )
        .replace("national-2017.1", "national-2027.1"),
    )
    .unwrap();
    let all = [policy().clone(), newer];
    assert_eq!(
        Policy::in_force(&all, d("2026-12-31")).unwrap().version(),
        "national-2017.1"
    );
    assert_eq!(
        Policy::in_force(&all, d("2027-01-01")).unwrap().version(),
        "national-2027.1"
    );
    assert!(Policy::in_force(&all, d("2017-03-31")).is_none());
}

#[test]
fn shipped_contribution_rules_and_benefits() {
    use domain::contributions::InsuranceType;
    let p = policy();
    for code in ["110000", "120000", "310000", "440100", "440300"] {
        let r = p
            .contribution_rule(City::parse("c", code).unwrap())
            .unwrap_or_else(|| panic!("no contribution rule for {code}"));
        assert!(r.base_floor < r.base_ceiling, "{code}");
        assert_eq!(r.shares(InsuranceType::Pension).employer.to_string(), "16%");
    }
    let bj = p
        .contribution_rule(City::parse("c", "110000").unwrap())
        .unwrap();
    assert_eq!(bj.base_floor.fen(), 682_100);
    assert_eq!(bj.base_ceiling.fen(), 3_528_300);
    assert_eq!(bj.shares(InsuranceType::Medical).personal_fixed.fen(), 300);
    assert_eq!(
        bj.shares(InsuranceType::Unemployment).personal.millionths(),
        5_000
    );
    assert!(
        p.contribution_rule(City::parse("c", "610100").unwrap())
            .is_none()
    );
    let refund = p.benefit("pension_refund").unwrap();
    assert!(refund.closes_insurance);
    assert!(
        !p.benefit("beijing_talent_subsidy")
            .unwrap()
            .closes_insurance
    );
    assert_eq!(p.benefits().count(), 2);
}

#[test]
fn contribution_ceiling_below_floor() {
    let p = refused(
        "base_ceiling_yuan = 35_283",
        "base_ceiling_yuan = 6_000",
        "base_ceiling_yuan = 6_000",
    );
    assert_eq!(
        p,
        Problem::BaseBoundsReversed {
            key: "contributions.110000".into(),
            floor: 6_821,
            ceiling: 6_000
        }
    );
    assert_eq!(p.code(), "base_bounds_reversed");
}

#[test]
fn contribution_floor_of_zero() {
    let p = refused(
        "base_floor_yuan = 6_821",
        "base_floor_yuan = 0",
        "base_floor_yuan = 0",
    );
    assert_eq!(
        p,
        Problem::OutOfRange {
            key: "contributions.110000.base_floor_yuan".into(),
            value: 0,
            min: 1,
            max: 10_000_000
        }
    );
}

#[test]
fn contribution_rates_are_exact_strings() {
    let p = refused(
        "medical = { employer = \"5.2%\"",
        "medical = { employer = \"5,2%\"",
        "medical = { employer = \"5,2%\"",
    );
    assert_eq!(
        p,
        Problem::RateInvalid {
            key: "contributions.440300.medical.employer".into(),
            value: "5,2%".into()
        }
    );
    let p = refused(
        "unemployment = { employer = \"0.32%\"",
        "unemployment = { employer = \"101%\"",
        "unemployment = { employer = \"101%\"",
    );
    assert_eq!(p.code(), "rate_invalid");
    // A float is refused by type: a rate must be read exactly.
    let p = refused(
        "work_injury = { employer = \"0.16%\"",
        "work_injury = { employer = 0.0016",
        "work_injury = { employer = 0.0016",
    );
    assert_eq!(p.code(), "syntax");
}

#[test]
fn contribution_sections_name_every_insurance_and_known_cities() {
    let p = refused(
        "[contributions.120000] # Tianjin",
        "[contributions.120001] # Tianjin",
        "[contributions.120001]",
    );
    assert_eq!(
        p,
        Problem::UnknownRegion {
            code: "120001".into()
        }
    );
    let text = variant(
        "maternity = { employer = \"0.45%\", personal = \"0%\" }\n",
        "",
    );
    let err = Policy::parse("bad.toml", &text).unwrap_err();
    assert_eq!(err.problem.code(), "syntax");
    assert!(err.to_string().contains("maternity"), "{err}");
    let p = refused(
        "medical = { employer = \"10%\", personal = \"2%\" }",
        "medical = { employer = \"10%\", personal = \"2%\", personel_fixed_yuan = 3 }",
        "medical = { employer = \"10%\", personal = \"2%\", personel",
    );
    assert_eq!(p.code(), "syntax");
}

#[test]
fn benefit_conditions_come_from_a_closed_set() {
    let p = refused(
        "{ rule = \"leaving_china\" },",
        "{ rule = \"has_good_intentions\" },",
        "{ rule = \"has_good_intentions\" }",
    );
    assert_eq!(p.code(), "syntax");
    let p = refused(
        "{ rule = \"min_contribution_months_in_city\", city = \"110000\", months = 12 },",
        "{ rule = \"min_contribution_months_in_city\", city = \"110000\", months = 0 },",
        "{ rule = \"min_contribution_months_in_city\", city = \"110000\", months = 0 }",
    );
    assert_eq!(
        p,
        Problem::OutOfRange {
            key: "benefits.beijing_talent_subsidy.conditions.months".into(),
            value: 0,
            min: 1,
            max: 600
        }
    );
    let p = refused(
        "{ rule = \"permit_city_in\", cities = [\"110000\"] },",
        "{ rule = \"permit_city_in\", cities = [\"999999\"] },",
        "{ rule = \"permit_city_in\", cities = [\"999999\"] }",
    );
    assert_eq!(
        p,
        Problem::UnknownRegion {
            code: "999999".into()
        }
    );
    let p = refused(
        "{ rule = \"permit_category_in\", categories = [\"A\"] },",
        "{ rule = \"permit_category_in\", categories = [] },",
        "{ rule = \"permit_category_in\", categories = [] }",
    );
    assert_eq!(p.code(), "empty_list");
    let p = refused(
        "{ rule = \"no_valid_permit\" },",
        "{ rule = \"no_valid_permit\", city = \"110000\" },",
        "{ rule = \"no_valid_permit\", city",
    );
    assert_eq!(
        p,
        Problem::ConditionKeys {
            rule: "no_valid_permit",
            keys: String::new()
        }
    );
    let p = refused(
        "{ rule = \"min_contribution_months_in_city\", city = \"110000\", months = 12 },",
        "{ rule = \"min_contribution_months_in_city\", city = \"110000\" },",
        "{ rule = \"min_contribution_months_in_city\", city = \"110000\" }",
    );
    assert_eq!(
        p.to_string(),
        "condition min_contribution_months_in_city takes exactly these keys besides `rule`: city, months"
    );
    let p = refused(
        "{ rule = \"leaving_china\" },",
        "{ rule = \"leaving_china\", montsh = 3 },",
        "{ rule = \"leaving_china\", montsh = 3 }",
    );
    assert_eq!(p.code(), "syntax");
    let p = refused(
        "[benefits.pension_refund]",
        "[benefits.Pension-Refund]",
        "[benefits.Pension-Refund]",
    );
    assert_eq!(p.code(), "benefit_id_format");
    let p = refused(
        "documents = [\"application_form\", \"passport\", \"termination_proof\"",
        "documents = [\"application_form\", \"passport\", \"exit_stamp\"",
        "documents = [\"application_form\", \"passport\", \"exit_stamp\"",
    );
    assert_eq!(p.code(), "syntax");
}
