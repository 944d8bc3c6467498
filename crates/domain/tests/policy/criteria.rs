//! Each direct criterion, on either side of its edge, and the eligibility rules of category B.

use crate::common::*;
use domain::permit::Category;
use domain::policy::*;

/// The baseline scores 25 (bachelor 10, age 30 gives 15), far below B, so any category above C
/// comes from the criterion under test.
fn low() -> Facts {
    let f = facts();
    assert_eq!(policy().assess(&f).points.total, 25);
    f
}

fn direct(f: &Facts) -> (Category, Option<DirectCriterion>) {
    let a = policy().assess(f);
    let c = match a.basis {
        Basis::Direct { criterion } => Some(criterion),
        _ => None,
    };
    (a.category, c)
}

#[test]
fn national_talent_programme_and_international_achievement() {
    let mut f = low();
    f.applicant.profile.talent.national_talent_programme = true;
    assert_eq!(
        direct(&f),
        (Category::A, Some(DirectCriterion::NationalTalentProgramme))
    );
    let mut f = low();
    f.applicant.profile.talent.international_achievement = true;
    assert_eq!(
        direct(&f),
        (Category::A, Some(DirectCriterion::InternationalAchievement))
    );
}

#[test]
fn salary_multiples_of_the_local_average() {
    // Shanghai's average wage is 220,000 yuan: 6x is 1,320,000, 4x is 880,000.
    let mut f = low();
    f.annual_salary = yuan("1320000");
    assert_eq!(
        direct(&f),
        (Category::A, Some(DirectCriterion::ASalaryMultiple))
    );
    let a = policy().assess(&f);
    let met = &a.direct_criteria[0];
    assert_eq!(met.params["threshold_yuan"], "1320000");
    assert_eq!(met.params["average_wage_yuan"], "220000");
    f.annual_salary = yuan("1319999.99");
    assert_eq!(
        direct(&f),
        (Category::B, Some(DirectCriterion::BSalaryMultiple))
    );
    f.annual_salary = yuan("880000");
    assert_eq!(
        direct(&f),
        (Category::B, Some(DirectCriterion::BSalaryMultiple))
    );
    f.annual_salary = yuan("879999.99");
    // Salary 20 + bachelor 10 + age 15 = 45: C.
    assert_eq!(direct(&f), (Category::C, None));
    // The same salary is 6x the average in Shijiazhuang (95,000 x 6 = 570,000).
    in_region(&mut f, "130100");
    assert_eq!(
        direct(&f),
        (Category::A, Some(DirectCriterion::ASalaryMultiple))
    );
}

fn founder(patents: i64, years_: i64, usd: i64, stake: i64) -> FounderFacts {
    FounderFacts {
        patents: Count::new("patents", patents).unwrap(),
        years: years(years_),
        investment_usd: UsdAmount::new("investment_usd", usd).unwrap(),
        stake: Percent::new("stake", stake).unwrap(),
    }
}

#[test]
fn founder_investment_test() {
    let mut f = low();
    f.applicant.profile.founder = Some(founder(1, 3, 500_000, 30));
    assert_eq!(
        direct(&f),
        (Category::A, Some(DirectCriterion::FounderInvestment))
    );
    for short in [
        founder(0, 3, 500_000, 30),
        founder(1, 2, 500_000, 30),
        founder(1, 3, 499_999, 30),
        founder(1, 3, 500_000, 29),
    ] {
        f.applicant.profile.founder = Some(short);
        assert_eq!(direct(&f), (Category::C, None), "{short:?}");
    }
}

#[test]
fn postdoc_under_forty() {
    let mut f = low();
    f.applicant.profile.talent.postdoctoral_work = true;
    aged(&mut f, 39);
    assert_eq!(
        direct(&f),
        (Category::A, Some(DirectCriterion::PostdocUnderAge))
    );
    aged(&mut f, 40);
    assert_eq!(direct(&f), (Category::C, None));
}

#[test]
fn bachelor_and_two_years() {
    let mut f = low();
    f.applicant.profile.experience_years = years(2);
    assert_eq!(
        direct(&f),
        (Category::B, Some(DirectCriterion::BachelorAndExperience))
    );
    f.applicant.profile.experience_years = years(1);
    assert_eq!(direct(&f), (Category::C, None));
    f.applicant.profile.experience_years = years(5);
    f.applicant.profile.education = Education::Other;
    assert_eq!(direct(&f), (Category::C, None));
}

#[test]
fn skill_certificate() {
    let mut f = low();
    f.applicant.profile.education = Education::Other;
    f.applicant.profile.talent.skill_certificate = true;
    let a = policy().assess(&f);
    assert_eq!(a.category, Category::B);
    assert_eq!(
        a.basis,
        Basis::Direct {
            criterion: DirectCriterion::SkillCertificate
        }
    );
    // A direct criterion is its own proof of qualification: no degree rule.
    assert!(a.eligible(), "{:?}", a.failures);
}

#[test]
fn every_criterion_met_is_listed_a_first() {
    let mut f = low();
    f.applicant.profile.experience_years = years(3);
    f.applicant.profile.talent.skill_certificate = true;
    f.applicant.profile.talent.international_achievement = true;
    let a = policy().assess(&f);
    let met: Vec<_> = a.direct_criteria.iter().map(|d| d.criterion).collect();
    assert_eq!(
        met,
        [
            DirectCriterion::InternationalAchievement,
            DirectCriterion::BachelorAndExperience,
            DirectCriterion::SkillCertificate
        ]
    );
    assert_eq!(a.category, Category::A);
}

/// 60 points with no degree and no experience: salary 450,000 (20) + 12 months (15) + HSK 5 (5)
/// + age 30 (15) + patents (5) = 60, B by points.
fn b_by_points_without_degree() -> Facts {
    let mut f = facts();
    f.applicant.profile.education = Education::Other;
    f.annual_salary = yuan("450000");
    f.applicant.profile.months_in_china = months(12);
    f.applicant.profile.chinese.hsk_level = hsk(5);
    f.applicant.profile.extras.patents = true;
    f
}

#[test]
fn b_by_points_needs_degree_and_experience() {
    let f = b_by_points_without_degree();
    let a = policy().assess(&f);
    assert_eq!((a.category, a.points.total), (Category::B, 60));
    let rules: Vec<&str> = a.failures.iter().map(|r| r.rule.as_str()).collect();
    assert_eq!(rules, ["degree_required", "experience_required"]);
    assert_eq!(a.failures[0].param("min_education"), Some("bachelor"));
    assert_eq!(a.failures[1].param("min_years"), Some("2"));
    assert_eq!(a.failures[1].param("years"), Some("0"));
}

#[test]
fn b_age_limit_and_a_without_one() {
    let mut f = low();
    f.applicant.profile.experience_years = years(30);
    aged(&mut f, 61);
    let a = policy().assess(&f);
    assert_eq!(a.category, Category::B);
    assert_eq!(a.failures.len(), 1);
    assert_eq!(a.failures[0].rule, "over_age_limit");
    assert_eq!(a.failures[0].param("max_age"), Some("60"));
    aged(&mut f, 60);
    assert!(policy().assess(&f).eligible());
    // A has no age limit.
    aged(&mut f, 75);
    f.applicant.profile.talent.international_achievement = true;
    let a = policy().assess(&f);
    assert_eq!(a.category, Category::A);
    assert!(a.eligible());
}

#[test]
fn general_rules() {
    let mut f = low();
    aged(&mut f, 17);
    let a = policy().assess(&f);
    assert_eq!(a.failures[0].rule, "below_minimum_age");
    let mut f = low();
    f.applicant.nationality = domain::values::Nationality::parse("n", "CHN").unwrap();
    assert_eq!(policy().assess(&f).failures[0].rule, "not_foreign_national");
}
