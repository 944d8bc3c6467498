//! Realistic profiles assessed end to end, each with its points worked out by hand. The arrays
//! list the factors in the order salary, education, experience, months in China, Chinese,
//! location, age, extras, provincial bonus.

use crate::common::*;
use domain::application::ApplicationKind;
use domain::party::EmployerKind;
use domain::permit::Category;
use domain::policy::*;
use domain::values::Nationality;

struct Profile {
    nationality: &'static str,
    age: i32,
    education: Education,
    years: i64,
    salary: &'static str,
    months: i64,
    hsk: Option<i64>,
    region: &'static str,
}

fn build(p: Profile) -> Facts {
    let mut f = facts();
    f.applicant.nationality = Nationality::parse("nationality", p.nationality).unwrap();
    aged(&mut f, p.age);
    f.applicant.profile.education = p.education;
    f.applicant.profile.experience_years = years(p.years);
    f.annual_salary = yuan(p.salary);
    f.applicant.profile.months_in_china = months(p.months);
    f.applicant.profile.chinese.hsk_level = p.hsk.and_then(hsk);
    in_region(&mut f, p.region);
    f
}

fn check(f: &Facts, expected: [u32; 9], category: Category, basis: Basis) -> Assessment {
    let a = policy().assess(f);
    let got: Vec<u32> = a.points.factors.iter().map(|s| s.points).collect();
    assert_eq!(got, expected);
    assert_eq!(a.points.total, expected.iter().sum::<u32>());
    assert_eq!(a.category, category);
    assert_eq!(a.basis, basis);
    assert_eq!(a.policy_version, "national-2017.1");
    a
}

fn direct(criterion: DirectCriterion) -> Basis {
    Basis::Direct { criterion }
}

#[test]
fn german_automotive_engineer_in_shanghai_one_point_short_of_a() {
    // Salary 600,000 >= 450,000: 20. Master: 15. 8 years: 5 + 6 = 11. 12 months: 15. HSK 3: 3.
    // Shanghai is not a listed region: 0. Age 38: 15. Fortune Global 500: 5. Bonus: 0.
    // Total 84 < 85; a master with 8 years meets direct B.
    let mut f = build(Profile {
        nationality: "DEU",
        age: 38,
        education: Education::Master,
        years: 8,
        salary: "600000",
        months: 12,
        hsk: Some(3),
        region: "310000",
    });
    f.applicant.profile.extras.fortune_global_500_experience = true;
    let a = check(
        &f,
        [20, 15, 11, 15, 3, 0, 15, 5, 0],
        Category::B,
        direct(DirectCriterion::BachelorAndExperience),
    );
    assert!(a.eligible());
    assert_eq!(
        a.physical_filing,
        Some(PhysicalFiling {
            days_after_entry: 30
        })
    );

    // HSK 4 adds the missing point: 85, A by points.
    f.applicant.profile.chinese.hsk_level = hsk(4);
    check(
        &f,
        [20, 15, 11, 15, 4, 0, 15, 5, 0],
        Category::A,
        Basis::Points {
            total: 85,
            threshold: 85,
        },
    );
}

#[test]
fn american_english_teacher_in_chengdu() {
    // Salary 180,000 in [150,000, 250,000): 11. Bachelor: 10. 2 years: 5. 10 months: 15.
    // No Chinese: 0. Chengdu, western region: 10. Age 27: 15. No extras. Chengdu bonus: 5.
    // Total 71, and bachelor + 2 years is direct B.
    let f = build(Profile {
        nationality: "USA",
        age: 27,
        education: Education::Bachelor,
        years: 2,
        salary: "180000",
        months: 10,
        hsk: None,
        region: "510100",
    });
    let a = check(
        &f,
        [11, 10, 5, 15, 0, 10, 15, 0, 5],
        Category::B,
        direct(DirectCriterion::BachelorAndExperience),
    );
    assert!(a.eligible());
    assert_eq!(a.max_validity_months, 24);
    assert_eq!(a.physical_filing, None);
}

#[test]
fn vietnamese_technician_in_suzhou_is_c() {
    // Salary 72,000 in [70,000, 150,000): 8. No degree: 0. 1 year: 0. 12 months: 15. HSK 2: 2.
    // Suzhou: 0. Age 23: 10. No extras. Suzhou bonus: 2. Total 37: C, under Suzhou's quota.
    let f = build(Profile {
        nationality: "VNM",
        age: 23,
        education: Education::Other,
        years: 1,
        salary: "72000",
        months: 12,
        hsk: Some(2),
        region: "320500",
    });
    let a = check(
        &f,
        [8, 0, 0, 15, 2, 0, 10, 0, 2],
        Category::C,
        Basis::BelowThresholds {
            total: 37,
            threshold_b: 60,
        },
    );
    assert!(a.eligible());
    assert_eq!(a.c_quota, Some(1_500));
    assert_eq!(a.max_validity_months, 12);
}

#[test]
fn french_postdoc_in_beijing() {
    // Salary 300,000: 14. Doctorate: 20. 3 years: 6. 12 months: 15. No Chinese: 0. Beijing: 0.
    // Age 34: 15. Top foreign university: 5. Beijing bonus: 0. Total 75, but postdoctoral work
    // under 40 is direct A.
    let mut f = build(Profile {
        nationality: "FRA",
        age: 34,
        education: Education::Doctorate,
        years: 3,
        salary: "300000",
        months: 12,
        hsk: None,
        region: "110000",
    });
    f.applicant.profile.extras.top_foreign_university = true;
    f.applicant.profile.talent.postdoctoral_work = true;
    let a = check(
        &f,
        [14, 20, 6, 15, 0, 0, 15, 5, 0],
        Category::A,
        direct(DirectCriterion::PostdocUnderAge),
    );
    assert_eq!(a.max_validity_months, 60);
    assert!(a.accept_with_missing_documents);
}

#[test]
fn british_finance_executive_in_shenzhen() {
    // Salary 1,500,000: 20. Master: 15. 20 years: 5 + 18 = 23, capped at 20. 9 months: 15.
    // No Chinese: 0. Shenzhen: 0. Age 50: 10. Fortune Global 500: 5. Bonus: 0. Total 85, and
    // 1,500,000 >= 6 x 160,000 = 960,000 is direct A, which names the basis.
    let mut f = build(Profile {
        nationality: "GBR",
        age: 50,
        education: Education::Master,
        years: 20,
        salary: "1500000",
        months: 9,
        hsk: None,
        region: "440300",
    });
    f.applicant.profile.extras.fortune_global_500_experience = true;
    let a = check(
        &f,
        [20, 15, 20, 15, 0, 0, 10, 5, 0],
        Category::A,
        direct(DirectCriterion::ASalaryMultiple),
    );
    assert_eq!(a.direct_criteria[0].params["threshold_yuan"], "960000");
    assert_eq!(
        a.physical_filing,
        Some(PhysicalFiling {
            days_after_entry: 30
        })
    );
}

#[test]
fn japanese_founder_in_hangzhou() {
    // Salary 400,000: 17. Bachelor: 10. 15 years: 5 + 13 = 18. 12 months: 15. HSK 4: 4.
    // Hangzhou: 0. Age 47: 10. Patents: 5. Hangzhou bonus: 2. Total 81, B on points alone;
    // 3 patents, 4 years, USD 800,000 and a 45 % stake pass the founder test: A.
    let mut f = build(Profile {
        nationality: "JPN",
        age: 47,
        education: Education::Bachelor,
        years: 15,
        salary: "400000",
        months: 12,
        hsk: Some(4),
        region: "330100",
    });
    f.applicant.profile.extras.patents = true;
    f.applicant.profile.founder = Some(FounderFacts {
        patents: Count::new("patents", 3).unwrap(),
        years: years(4),
        investment_usd: UsdAmount::new("investment_usd", 800_000).unwrap(),
        stake: Percent::new("stake", 45).unwrap(),
    });
    check(
        &f,
        [17, 10, 18, 15, 4, 0, 10, 5, 2],
        Category::A,
        direct(DirectCriterion::FounderInvestment),
    );
}

#[test]
fn singaporean_former_chinese_national_in_xian() {
    // Salary 260,000: 14. Master: 15. 25 years: capped 20. 12 months: 15. Former Chinese
    // national: 5. Xi'an, western region: 10. Age 58: 5. 8 years worked in China: 5. Xi'an
    // bonus: 5. Total 94: A by points, and A has no age limit.
    let mut f = build(Profile {
        nationality: "SGP",
        age: 58,
        education: Education::Master,
        years: 25,
        salary: "260000",
        months: 12,
        hsk: None,
        region: "610100",
    });
    f.applicant.profile.chinese.former_chinese_national = true;
    f.applicant.profile.extras.years_worked_in_china = years(8);
    let a = check(
        &f,
        [14, 15, 20, 15, 5, 10, 5, 5, 5],
        Category::A,
        Basis::Points {
            total: 94,
            threshold: 85,
        },
    );
    assert!(a.eligible());
}

#[test]
fn indian_engineer_aged_62_in_shanghai_and_in_beijing() {
    // Salary 500,000: 20. Bachelor: 10. 30 years: capped 20. 12 months: 15. HSK 1: 1.
    // Shanghai: 0. Age 62: 0. No extras. Bonus: 0. Total 66, direct B; over B's age limit of 60.
    let mut f = build(Profile {
        nationality: "IND",
        age: 62,
        education: Education::Bachelor,
        years: 30,
        salary: "500000",
        months: 12,
        hsk: Some(1),
        region: "310000",
    });
    f.applicant.profile.talent.urgently_needed = true;
    let a = check(
        &f,
        [20, 10, 20, 15, 1, 0, 0, 0, 0],
        Category::B,
        direct(DirectCriterion::BachelorAndExperience),
    );
    assert_eq!(a.failures.len(), 1);
    assert_eq!(a.failures[0].rule, "over_age_limit");
    assert_eq!(a.failures[0].param("age"), Some("62"));

    // In Beijing, as urgently needed talent, the limit is 70 (Beijing's bonus is 0 too).
    in_region(&mut f, "110000");
    let a = check(
        &f,
        [20, 10, 20, 15, 1, 0, 0, 0, 0],
        Category::B,
        direct(DirectCriterion::BachelorAndExperience),
    );
    assert!(a.eligible(), "{:?}", a.failures);
}

#[test]
fn russian_young_graduate_in_beijing_and_in_tianjin() {
    // Salary 260,000: 14. Master: 15. 0 years: 0. 12 months: 15. HSK 5: 5. Beijing: 0.
    // Age 24: 10. Top foreign university: 5. Bonus: 0. Total 64: B by points, no experience;
    // Beijing waives it for young graduates and allows 36 months.
    let mut f = build(Profile {
        nationality: "RUS",
        age: 24,
        education: Education::Master,
        years: 0,
        salary: "260000",
        months: 12,
        hsk: Some(5),
        region: "110000",
    });
    f.applicant.profile.extras.top_foreign_university = true;
    f.applicant.profile.talent.young_graduate = true;
    let b64 = Basis::Points {
        total: 64,
        threshold: 60,
    };
    let a = check(&f, [14, 15, 0, 15, 5, 0, 10, 5, 0], Category::B, b64);
    assert!(a.eligible());
    assert_eq!(a.max_validity_months, 36);

    // Tianjin adds a bonus of 2 (66) but has no such exception.
    in_region(&mut f, "120000");
    let a = check(
        &f,
        [14, 15, 0, 15, 5, 0, 10, 5, 2],
        Category::B,
        Basis::Points {
            total: 66,
            threshold: 60,
        },
    );
    assert_eq!(a.failures[0].rule, "experience_required");
    assert_eq!(a.max_validity_months, 24);
}

#[test]
fn brazilian_chef_with_skill_certificate_in_guangzhou() {
    // Salary 120,000: 8. No degree: 0. 10 years: 13. 12 months: 15. HSK 2: 2. Guangzhou: 0.
    // Age 35: 15. No extras. Bonus: 0. Total 53; a recognised skill certificate is direct B,
    // which needs no degree.
    let mut f = build(Profile {
        nationality: "BRA",
        age: 35,
        education: Education::Other,
        years: 10,
        salary: "120000",
        months: 12,
        hsk: Some(2),
        region: "440100",
    });
    f.applicant.profile.talent.skill_certificate = true;
    let a = check(
        &f,
        [8, 0, 13, 15, 2, 0, 15, 0, 0],
        Category::B,
        direct(DirectCriterion::SkillCertificate),
    );
    assert!(a.eligible());
    assert_eq!(
        a.physical_filing,
        Some(PhysicalFiling {
            days_after_entry: 30
        })
    );
}

#[test]
fn canadian_professor_moving_from_beijing_to_tianjin() {
    // Salary 350,000: 17. Doctorate: 20. 12 years: 15. 12 months: 15. HSK 3: 3. Tianjin: 0.
    // Age 44: 15. Top foreign university: 5. Tianjin bonus: 2. Total 92: A by points. The move
    // from a Beijing university to a Tianjin research institute during a valid permit is only
    // filed; the degree verified in Beijing is not asked again.
    let mut f = build(Profile {
        nationality: "CAN",
        age: 44,
        education: Education::Doctorate,
        years: 12,
        salary: "350000",
        months: 12,
        hsk: Some(3),
        region: "120000",
    });
    f.applicant.profile.extras.top_foreign_university = true;
    f.kind = ApplicationKind::Change;
    f.employer.kind = EmployerKind::ResearchInstitute;
    f.current_permit = Some(CurrentPermit {
        city: city("110000"),
        employer_kind: EmployerKind::University,
        multinational: false,
        valid_to: d("2028-08-31"),
    });
    let a = check(
        &f,
        [17, 20, 15, 15, 3, 0, 15, 5, 2],
        Category::A,
        Basis::Points {
            total: 92,
            threshold: 85,
        },
    );
    assert_eq!(
        a.procedure,
        Procedure::ClusterFiling {
            cluster: "jing_jin_ji".into()
        }
    );
}

#[test]
fn korean_designer_with_chinese_degree_in_hangzhou() {
    // Salary 240,000 in [150,000, 250,000): 11. Bachelor: 10. 1 year: 0. 12 months: 15.
    // Degree taught in Chinese: 5. Hangzhou: 0. Age 25: 10. No extras. Hangzhou bonus: 2.
    // Total 53: C; one year short of direct B.
    let mut f = build(Profile {
        nationality: "KOR",
        age: 25,
        education: Education::Bachelor,
        years: 1,
        salary: "240000",
        months: 12,
        hsk: Some(3),
        region: "330100",
    });
    f.applicant.profile.chinese.degree_taught_in_chinese = true;
    check(
        &f,
        [11, 10, 0, 15, 5, 0, 10, 0, 2],
        Category::C,
        Basis::BelowThresholds {
            total: 53,
            threshold_b: 60,
        },
    );
}
