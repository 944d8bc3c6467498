//! Assessments per second on one core, over a fixed mix of realistic applications: category A
//! by a direct criterion and by points, B by points and by degree and experience, C, Beijing's
//! exceptions, a cluster transfer and documents already on file. The facts are built once;
//! only `assess` is timed.

use chrono::{Datelike, NaiveDate};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use domain::application::ApplicationKind;
use domain::city::City;
use domain::party::EmployerKind;
use domain::policy::*;
use domain::values::{Money, Nationality, Text};
use std::hint::black_box;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn city(code: &str) -> City {
    City::parse("city", code).expect("city")
}

fn years(n: i64) -> Years {
    Years::new("years", n).expect("years")
}

fn months(n: i64) -> MonthsPerYear {
    MonthsPerYear::new("months", n).expect("months")
}

fn hsk(n: i64) -> Option<HskLevel> {
    Some(HskLevel::new("hsk", n).expect("hsk"))
}

fn yuan(s: &str) -> Money {
    Money::parse("annual_salary", s).expect("money")
}

/// What varies between the profiles; everything else starts from a plain new application.
struct Profile {
    nationality: &'static str,
    age: i32,
    education: Education,
    experience: i64,
    salary: &'static str,
    months: i64,
    hsk: Option<i64>,
    region: &'static str,
}

fn build(p: Profile) -> Facts {
    let on = d("2026-03-10");
    let born = NaiveDate::from_ymd_opt(on.year() - p.age, on.month(), on.day()).expect("born");
    let region = city(p.region);
    Facts {
        applicant: ApplicantFacts {
            date_of_birth: BirthDate::new("date_of_birth", born, on).expect("birth date"),
            nationality: Nationality::parse("nationality", p.nationality).expect("nationality"),
            profile: domain::policy::Profile {
                education: p.education,
                experience_years: years(p.experience),
                months_in_china: months(p.months),
                chinese: ChineseFacts {
                    hsk_level: p.hsk.and_then(hsk),
                    ..ChineseFacts::default()
                },
                extras: ExtrasFacts::default(),
                talent: TalentFacts::default(),
                founder: None,
                accompanying_family: false,
            },
        },
        employer: EmployerFacts {
            kind: EmployerKind::Enterprise,
            city: region,
            multinational: false,
        },
        position: Text::parse("position", "Engineer", 100).expect("position"),
        annual_salary: yuan(p.salary),
        kind: ApplicationKind::New,
        region,
        requested_period: None,
        assessed_on: on,
        submitted_on: None,
        current_permit: None,
        documents_on_file: Vec::new(),
    }
}

fn on_file(kind: DocumentKind, code: &str, issued: &str) -> DocumentOnFile {
    DocumentOnFile {
        kind,
        verified_in: city(code),
        verified_on: d(issued),
        issued_on: d(issued),
    }
}

fn period(from: &str, to: &str) -> Option<Period> {
    Some(Period::new("period", d(from), d(to)).expect("period"))
}

fn profiles() -> Vec<Facts> {
    use DocumentKind as K;
    let base = |nationality, age, education, experience, salary, months, hsk, region| {
        build(Profile {
            nationality,
            age,
            education,
            experience,
            salary,
            months,
            hsk,
            region,
        })
    };
    let mut out = Vec::new();

    // A by direct criteria.
    let mut f = base(
        "USA",
        52,
        Education::Doctorate,
        25,
        "900000",
        6,
        None,
        "110000",
    );
    f.applicant.profile.talent.national_talent_programme = true;
    f.applicant.profile.accompanying_family = true;
    f.requested_period = period("2026-04-01", "2031-03-31");
    out.push(f);
    let mut f = base(
        "DEU",
        38,
        Education::Doctorate,
        9,
        "420000",
        12,
        Some(2),
        "310000",
    );
    f.applicant.profile.talent.postdoctoral_work = true;
    out.push(f);
    let mut f = base(
        "SGP",
        45,
        Education::Master,
        15,
        "600000",
        10,
        None,
        "440300",
    );
    f.applicant.profile.founder = Some(FounderFacts {
        patents: Count::new("patents", 3).expect("count"),
        years: years(5),
        investment_usd: UsdAmount::new("usd", 2_000_000).expect("usd"),
        stake: Percent::new("stake", 40).expect("percent"),
    });
    out.push(f);
    // Six times Chengdu's average wage.
    out.push(base(
        "CAN",
        41,
        Education::Master,
        12,
        "720000",
        12,
        None,
        "510100",
    ));
    let mut f = base(
        "JPN",
        60,
        Education::Doctorate,
        30,
        "300000",
        3,
        Some(4),
        "330100",
    );
    f.applicant.profile.talent.international_achievement = true;
    out.push(f);

    // A by points.
    let mut f = base(
        "FRA",
        35,
        Education::Doctorate,
        12,
        "460000",
        12,
        Some(6),
        "310000",
    );
    f.applicant.profile.extras.top_foreign_university = true;
    out.push(f);
    let mut f = base(
        "AUS",
        44,
        Education::Master,
        18,
        "380000",
        12,
        Some(3),
        "610100",
    );
    f.applicant.profile.extras.patents = true;
    f.applicant.profile.extras.fortune_global_500_experience = true;
    out.push(f);

    // B by degree and experience, by points, by a skill certificate.
    out.push(base(
        "GBR",
        30,
        Education::Bachelor,
        4,
        "180000",
        12,
        None,
        "310000",
    ));
    let mut f = base(
        "ESP",
        28,
        Education::Master,
        3,
        "260000",
        9,
        Some(4),
        "440100",
    );
    f.requested_period = period("2026-04-01", "2026-06-15");
    out.push(f);
    let mut f = base("ITA", 33, Education::Other, 6, "150000", 12, None, "320500");
    f.applicant.profile.talent.skill_certificate = true;
    f.kind = ApplicationKind::Extension;
    out.push(f);

    // C, and ineligible cases.
    out.push(base(
        "KOR",
        25,
        Education::Bachelor,
        1,
        "240000",
        12,
        None,
        "330100",
    ));
    out.push(base(
        "BRA",
        23,
        Education::Other,
        0,
        "60000",
        4,
        None,
        "120000",
    ));
    out.push(base(
        "RUS",
        64,
        Education::Bachelor,
        10,
        "200000",
        12,
        None,
        "310000",
    ));
    out.push(base(
        "CHN",
        30,
        Education::Master,
        5,
        "300000",
        12,
        Some(9),
        "110000",
    ));

    // Beijing's exceptions: urgently needed over 60, innovation talent, young graduate.
    let mut f = base("GBR", 65, Education::Bachelor, 10, "0", 0, None, "110000");
    f.applicant.profile.talent.urgently_needed = true;
    out.push(f);
    let mut f = base(
        "GBR",
        30,
        Education::Other,
        0,
        "450000",
        12,
        Some(5),
        "110000",
    );
    f.applicant.profile.extras.patents = true;
    f.applicant.profile.talent.innovation_talent = true;
    out.push(f);
    let mut f = base(
        "NLD",
        24,
        Education::Master,
        0,
        "260000",
        12,
        Some(5),
        "110000",
    );
    f.applicant.profile.extras.top_foreign_university = true;
    f.applicant.profile.talent.young_graduate = true;
    f.requested_period = period("2026-04-01", "2029-03-31");
    out.push(f);

    // A cluster transfer: university in Beijing to a research institute in Tianjin.
    let mut f = base(
        "USA",
        44,
        Education::Doctorate,
        12,
        "350000",
        12,
        Some(3),
        "120000",
    );
    f.applicant.profile.extras.top_foreign_university = true;
    f.kind = ApplicationKind::Change;
    f.employer.kind = EmployerKind::ResearchInstitute;
    f.current_permit = Some(CurrentPermit {
        city: city("110000"),
        employer_kind: EmployerKind::University,
        multinational: false,
        valid_to: d("2028-08-31"),
    });
    out.push(f);

    // Documents on file: reused within the cluster, the same region, and one gone stale.
    let mut f = base(
        "IRL",
        36,
        Education::Master,
        8,
        "280000",
        12,
        Some(2),
        "120000",
    );
    f.submitted_on = Some(d("2026-09-24"));
    f.documents_on_file = vec![
        on_file(K::DegreeCertificate, "110000", "2024-05-01"),
        on_file(K::ExperienceProof, "130100", "2025-09-01"),
        on_file(K::NoCriminalRecord, "110000", "2026-01-20"),
        on_file(K::MedicalReport, "120000", "2025-06-01"),
        on_file(K::Passport, "120000", "2026-02-01"),
        on_file(K::Photo, "310000", "2026-02-01"),
    ];
    out.push(f);
    let mut f = base(
        "NZL",
        31,
        Education::Bachelor,
        5,
        "200000",
        8,
        None,
        "310000",
    );
    f.submitted_on = Some(d("2026-12-28"));
    f.documents_on_file = vec![
        on_file(K::DegreeCertificate, "310000", "2023-07-01"),
        on_file(K::Passport, "310000", "2025-11-15"),
        on_file(K::Photo, "310000", "2025-12-01"),
        on_file(K::MedicalReport, "310000", "2025-08-01"),
    ];
    out.push(f);
    out
}

fn assess(c: &mut Criterion) {
    let policy = Policy::national_default();
    let profiles = profiles();
    let mut group = c.benchmark_group("policy");
    group.throughput(Throughput::Elements(profiles.len() as u64));
    group.bench_function("assess", |b| {
        b.iter(|| {
            for f in &profiles {
                black_box(policy.assess(black_box(f)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, assess);
criterion_main!(benches);
