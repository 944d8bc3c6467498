//! Properties over generated facts: more of a good thing never lowers the points, the category
//! never falls as the points rise, and working days move forward.

use crate::common::*;
use domain::city::City;
use domain::permit::Category;
use domain::policy::*;
use domain::values::Money;
use proptest::prelude::*;

fn any_education() -> impl Strategy<Value = Education> {
    prop::sample::select(Education::ALL.to_vec())
}

fn any_city() -> impl Strategy<Value = City> {
    prop::sample::select(City::all().collect::<Vec<_>>())
}

prop_compose! {
    fn any_facts()(
        salary in 0i64..300_000_000,
        education in any_education(),
        experience in 0i64..=80,
        months_in_china in 0i64..=12,
        level in prop::option::of(1i64..=9),
        former in any::<bool>(),
        degree_in_chinese in any::<bool>(),
        extras in any::<[bool; 3]>(),
        years_in_china in 0i64..=20,
        talent in any::<[bool; 7]>(),
        age in 16i32..=90,
        region in any_city(),
    ) -> Facts {
        let mut f = facts();
        f.annual_salary = Money::from_fen(salary);
        f.applicant.profile.education = education;
        f.applicant.profile.experience_years = years(experience);
        f.applicant.profile.months_in_china = months(months_in_china);
        f.applicant.profile.chinese = ChineseFacts {
            hsk_level: level.and_then(hsk),
            former_chinese_national: former,
            degree_taught_in_chinese: degree_in_chinese,
        };
        f.applicant.profile.extras = ExtrasFacts {
            top_foreign_university: extras[0],
            fortune_global_500_experience: extras[1],
            patents: extras[2],
            years_worked_in_china: years(years_in_china),
        };
        f.applicant.profile.talent = TalentFacts {
            national_talent_programme: talent[0],
            international_achievement: talent[1],
            postdoctoral_work: talent[2],
            skill_certificate: talent[3],
            urgently_needed: talent[4],
            innovation_talent: talent[5],
            young_graduate: talent[6],
        };
        aged(&mut f, age);
        f.region = region;
        f.employer.city = region;
        f
    }
}

/// The assessment's total, and its category (A < B < C, so a smaller one is better).
fn judge(f: &Facts) -> (u32, Category) {
    let a = policy().assess(f);
    (a.points.total, a.category)
}

fn no_worse(before: (u32, Category), after: (u32, Category)) -> Result<(), TestCaseError> {
    prop_assert!(after.0 >= before.0, "points fell: {before:?} -> {after:?}");
    prop_assert!(
        after.1 <= before.1,
        "category fell: {before:?} -> {after:?}"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn more_salary_never_lowers(f in any_facts(), extra in 0i64..100_000_000) {
        let mut g = f.clone();
        g.annual_salary = Money::from_fen(f.annual_salary.fen() + extra);
        no_worse(judge(&f), judge(&g))?;
    }

    #[test]
    fn more_education_never_lowers(f in any_facts(), e in any_education()) {
        let mut g = f.clone();
        g.applicant.profile.education = e.max(f.applicant.profile.education);
        no_worse(judge(&f), judge(&g))?;
    }

    #[test]
    fn more_experience_never_lowers_points(f in any_facts(), extra in 0i64..=80) {
        let mut g = f.clone();
        let y = (i64::from(f.applicant.profile.experience_years.get()) + extra).min(80);
        g.applicant.profile.experience_years = years(y);
        // Experience can open direct B, never close a category.
        no_worse(judge(&f), judge(&g))?;
    }

    #[test]
    fn more_chinese_never_lowers_points(f in any_facts(), up in 0i64..=9, former in any::<bool>()) {
        let mut g = f.clone();
        let level = f.applicant.profile.chinese.hsk_level.map_or(0, |l| i64::from(l.get()));
        g.applicant.profile.chinese.hsk_level = hsk((level + up).clamp(1, 9)).filter(|_| level + up > 0);
        g.applicant.profile.chinese.former_chinese_national |= former;
        let (p, q) = (judge(&f), judge(&g));
        prop_assert!(q.0 >= p.0, "{p:?} -> {q:?}");
    }

    #[test]
    fn category_is_monotone_in_points(
        b in 1u32..120, gap in 1u32..60, p in 0u32..130, more in 0u32..60,
        direct_a in any::<bool>(), direct_b in any::<bool>(),
    ) {
        let t = Thresholds { a: b + gap, b };
        let low = t.category_for(p, direct_a, direct_b);
        let high = t.category_for(p + more, direct_a, direct_b);
        prop_assert!(high <= low);
        // A met criterion never lowers the category either.
        prop_assert!(t.category_for(p, true, direct_b) <= low);
        prop_assert!(t.category_for(p, direct_a, true) <= low);
    }

    #[test]
    fn assessment_is_consistent(f in any_facts()) {
        let a = policy().assess(&f);
        prop_assert_eq!(a.points.factors.len(), Factor::ALL.len());
        prop_assert_eq!(a.points.total, a.points.factors.iter().map(|s| s.points).sum::<u32>());
        prop_assert!(a.points.total <= policy().max_points());
        let direct_a = a.direct_criteria.iter().any(|d| d.criterion.category() == Category::A);
        let direct_b = a.direct_criteria.iter().any(|d| d.criterion.category() == Category::B);
        prop_assert_eq!(
            a.category,
            policy().thresholds().category_for(a.points.total, direct_a, direct_b)
        );
        prop_assert_eq!(&a, &policy().assess(&f));
    }

    #[test]
    fn working_days_move_forward(
        start in 0u32..(365 * 4), n in 0u32..60,
    ) {
        let start = d("2024-06-01") + chrono::Days::new(u64::from(start));
        let cal = policy().calendar();
        let w = cal.add_working_days(start, n);
        let w1 = cal.add_working_days(start, n + 1);
        prop_assert!(w1.date > w.date);
        prop_assert!((w.date - start).num_days() >= i64::from(n));
        prop_assert!(n == 0 || cal.is_working_day(w.date));
    }
}
