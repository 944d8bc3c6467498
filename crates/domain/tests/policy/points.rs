//! Every band edge of every factor of the shipped points table.

use crate::common::*;
use domain::policy::*;

#[test]
fn salary_band_edges() {
    // Half-open bands in yuan: the lower edge belongs to the band, one fen below does not.
    let table = [
        ("0", 0),
        ("49999.99", 0),
        ("50000", 5),
        ("69999.99", 5),
        ("70000", 8),
        ("149999.99", 8),
        ("150000", 11),
        ("249999.99", 11),
        ("250000", 14),
        ("349999.99", 14),
        ("350000", 17),
        ("449999.99", 17),
        ("450000", 20),
        ("9999999", 20),
    ];
    for (salary, points) in table {
        let mut f = facts();
        f.annual_salary = yuan(salary);
        assert_eq!(points_of(&f, Factor::Salary), points, "salary {salary}");
    }
    let mut f = facts();
    f.annual_salary = yuan("350000");
    let a = policy().assess(&f);
    let rule = &a.points.factors[0].rule;
    assert_eq!(rule.rule, "salary_band");
    assert_eq!(
        (rule.param("from"), rule.param("to"), rule.param("value")),
        (Some("350000"), Some("450000"), Some("350000.00"))
    );
}

#[test]
fn education_levels() {
    for (e, points) in [
        (Education::Other, 0),
        (Education::Bachelor, 10),
        (Education::Master, 15),
        (Education::Doctorate, 20),
    ] {
        let mut f = facts();
        f.applicant.profile.education = e;
        assert_eq!(points_of(&f, Factor::Education), points, "{e:?}");
    }
}

#[test]
fn experience_band_edges() {
    // 2 years give 5, each further year 1 more, capped at 20 from 17 years on.
    for (y, points) in [
        (0, 0),
        (1, 0),
        (2, 5),
        (3, 6),
        (10, 13),
        (16, 19),
        (17, 20),
        (18, 20),
        (80, 20),
    ] {
        let mut f = facts();
        f.applicant.profile.experience_years = years(y);
        assert_eq!(points_of(&f, Factor::Experience), points, "{y} years");
    }
    let mut f = facts();
    f.applicant.profile.experience_years = years(18);
    let a = policy().assess(&f);
    assert_eq!(a.points.factors[2].rule.param("capped"), Some("true"));
}

#[test]
fn months_in_china_band_edges() {
    for (m, points) in [
        (0, 0),
        (2, 0),
        (3, 5),
        (5, 5),
        (6, 10),
        (8, 10),
        (9, 15),
        (12, 15),
    ] {
        let mut f = facts();
        f.applicant.profile.months_in_china = months(m);
        assert_eq!(points_of(&f, Factor::MonthsInChina), points, "{m} months");
    }
}

#[test]
fn chinese_levels_and_alternatives() {
    let mut f = facts();
    assert_eq!(points_of(&f, Factor::Chinese), 0);
    for (level, points) in [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 5), (9, 5)] {
        f.applicant.profile.chinese.hsk_level = hsk(level);
        assert_eq!(points_of(&f, Factor::Chinese), points, "HSK {level}");
    }
    let mut f = facts();
    f.applicant.profile.chinese.former_chinese_national = true;
    f.applicant.profile.chinese.hsk_level = hsk(2);
    let a = policy().assess(&f);
    assert_eq!(a.points.of(Factor::Chinese), 5);
    assert_eq!(a.points.factors[4].rule.rule, "former_chinese_national");
    let mut f = facts();
    f.applicant.profile.chinese.degree_taught_in_chinese = true;
    let a = policy().assess(&f);
    assert_eq!(a.points.of(Factor::Chinese), 5);
    assert_eq!(a.points.factors[4].rule.rule, "degree_taught_in_chinese");
}

#[test]
fn location_regions() {
    for (code, points) in [("510100", 10), ("610100", 10), ("110000", 0), ("310000", 0)] {
        let mut f = facts();
        in_region(&mut f, code);
        assert_eq!(points_of(&f, Factor::Location), points, "{code}");
    }
}

#[test]
fn age_band_edges() {
    for (age, points) in [
        (16, 0),
        (17, 0),
        (18, 10),
        (25, 10),
        (26, 15),
        (45, 15),
        (46, 10),
        (55, 10),
        (56, 5),
        (60, 5),
        (61, 0),
        (75, 0),
    ] {
        let mut f = facts();
        aged(&mut f, age);
        assert_eq!(points_of(&f, Factor::Age), points, "age {age}");
    }
    // The birthday itself counts: one day short of 26 is still 25.
    let mut f = facts();
    f.applicant.date_of_birth = BirthDate::new("d", d("2000-03-11"), f.assessed_on).unwrap();
    assert_eq!(policy().assess(&f).age, 25);
    assert_eq!(points_of(&f, Factor::Age), 10);
}

#[test]
fn extras_are_capped() {
    let mut f = facts();
    assert_eq!(points_of(&f, Factor::Extras), 0);
    f.applicant.profile.extras.years_worked_in_china = years(4);
    assert_eq!(points_of(&f, Factor::Extras), 0);
    f.applicant.profile.extras.years_worked_in_china = years(5);
    assert_eq!(points_of(&f, Factor::Extras), 5);
    f.applicant.profile.extras.top_foreign_university = true;
    f.applicant.profile.extras.fortune_global_500_experience = true;
    f.applicant.profile.extras.patents = true;
    let a = policy().assess(&f);
    assert_eq!(a.points.of(Factor::Extras), 5);
    let rule = &a.points.factors[7].rule;
    assert_eq!(rule.param("sum"), Some("20"));
    assert_eq!(rule.param("capped"), Some("true"));
    assert_eq!(
        rule.param("items"),
        Some("top_foreign_university,fortune_global_500_experience,patents,years_in_china")
    );
}

#[test]
fn provincial_bonus_per_region() {
    for (code, points) in [
        ("310000", 0),
        ("110000", 0),
        ("120000", 2),
        ("130100", 5),
        ("510100", 5),
    ] {
        let mut f = facts();
        in_region(&mut f, code);
        assert_eq!(points_of(&f, Factor::ProvincialBonus), points, "{code}");
    }
}

#[test]
fn points_route_thresholds() {
    use domain::permit::Category;
    // No degree, so no direct B criterion: salary 450,000 (20) + 12 months (15) + HSK 5 (5)
    // + age 30 (15) + 1 year (0) = 55.
    let mut f = facts();
    f.applicant.profile.education = Education::Other;
    f.annual_salary = yuan("450000");
    f.applicant.profile.months_in_china = months(12);
    f.applicant.profile.chinese.hsk_level = hsk(5);
    aged(&mut f, 30);
    f.applicant.profile.experience_years = years(1);
    assert_eq!(policy().assess(&f).points.total, 55);
    // + patents (5) = 60: B by points.
    f.applicant.profile.extras.patents = true;
    let a = policy().assess(&f);
    assert_eq!((a.points.total, a.category), (60, Category::B));
    assert_eq!(
        a.basis,
        Basis::Points {
            total: 60,
            threshold: 60
        }
    );
    // HSK 4 instead of 5: 59, category C.
    f.applicant.profile.chinese.hsk_level = hsk(4);
    let a = policy().assess(&f);
    assert_eq!((a.points.total, a.category), (59, Category::C));
    assert_eq!(
        a.basis,
        Basis::BelowThresholds {
            total: 59,
            threshold_b: 60
        }
    );
    // A master (+15) and 10 years (+13) instead of 1: 59 + 15 + 13 = 87; HSK 2 instead of 4
    // (-2): 85, A by points.
    f.applicant.profile.education = Education::Master;
    f.applicant.profile.experience_years = years(10);
    f.applicant.profile.chinese.hsk_level = hsk(2);
    let a = policy().assess(&f);
    assert_eq!((a.points.total, a.category), (85, Category::A));
    assert_eq!(
        a.basis,
        Basis::Points {
            total: 85,
            threshold: 85
        }
    );
    // HSK 1: 84, B, and a master with 10 years meets direct B, which names the basis.
    f.applicant.profile.chinese.hsk_level = hsk(1);
    let a = policy().assess(&f);
    assert_eq!((a.points.total, a.category), (84, Category::B));
    assert_eq!(
        a.basis,
        Basis::Direct {
            criterion: DirectCriterion::BachelorAndExperience
        }
    );
}
