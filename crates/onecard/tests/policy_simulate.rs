//! `onecard policy simulate` on a database of assessed applications: what a proposed version
//! would change, counted and listed, with the database left as it was.

use chrono::{NaiveDate, Utc};
use domain::application::{Application, ApplicationKind, Details, State};
use domain::city::City;
use domain::ids::{ApplicationId, EmployerId, PersonId};
use domain::numbers::ReceiptNumber;
use domain::party::{Employer, EmployerKind, Person, Uscc};
use domain::policy::*;
use domain::simulation::Outcome;
use domain::values::*;
use std::path::PathBuf;
use std::process::Command;
use store::testing::TestDb;
use uuid::Uuid;

const SHIPPED: &str = include_str!("../../../policies/national-2017.toml");

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A 30-year-old with a master's degree in Beijing, earning `salary` yuan, with `years` of
/// experience.
fn facts(salary: &str, years: i64) -> Facts {
    let on = d("2026-11-24");
    Facts {
        applicant: ApplicantFacts {
            date_of_birth: BirthDate::new("dob", d("1996-01-10"), on).unwrap(),
            nationality: Nationality::parse("n", "ITA").unwrap(),
            profile: Profile {
                education: Education::Master,
                experience_years: Years::new("y", years).unwrap(),
                months_in_china: MonthsPerYear::new("m", 12).unwrap(),
                chinese: ChineseFacts::default(),
                extras: ExtrasFacts::default(),
                talent: TalentFacts::default(),
                founder: None,
                accompanying_family: false,
            },
        },
        employer: EmployerFacts {
            kind: EmployerKind::Enterprise,
            city: City::parse("c", "110000").unwrap(),
            multinational: false,
        },
        position: Text::parse("p", "Analyst", 100).unwrap(),
        annual_salary: Money::parse("s", salary).unwrap(),
        kind: ApplicationKind::New,
        region: City::parse("c", "110000").unwrap(),
        requested_period: Some(Period::new("p", d("2027-01-01"), d("2028-12-31")).unwrap()),
        assessed_on: on,
        submitted_on: Some(on),
        current_permit: None,
        documents_on_file: Vec::new(),
    }
}

#[tokio::test]
async fn a_stricter_version_reports_who_would_change() {
    let db = TestDb::sqlite();
    let store = db.open().await;
    let employer = Employer {
        id: EmployerId(Uuid::now_v7()),
        name: Text::parse("n", "Simulated Ltd", 200).unwrap(),
        uscc: {
            let first17 = "91110108000000001";
            let check = domain::check::uscc_check(first17).unwrap();
            Uscc::parse("u", &format!("{first17}{check}")).unwrap()
        },
        city: City::parse("c", "110000").unwrap(),
        kind: EmployerKind::Enterprise,
    };
    let person = Person {
        id: PersonId(Uuid::now_v7()),
        employer_id: employer.id,
        name: PersonName::parse("name", "ROSSI", "Marco").unwrap(),
        nationality: Nationality::parse("n", "ITA").unwrap(),
        passport_number: PassportNumber::parse("p", "YA1234567").unwrap(),
        date_of_birth: d("1996-01-10"),
        sex: Sex::parse("s", "M").unwrap(),
        email: Email::parse("e", "marco@example.org").unwrap(),
        phone: None,
    };
    let stricter_text = SHIPPED
        .replace(r#""national-2017.1""#, r#""stricter""#)
        .replace("a = 85\nb = 60", "a = 85\nb = 75");
    let stricter = Policy::parse("stricter.toml", &stricter_text).unwrap();
    let now = Policy::national_default();

    // Salaries from 60,000 to 600,000 a year and 0 to 6 years of experience: some near B's
    // threshold, some far above it.
    let mut apps = Vec::new();
    let mut records = Vec::new();
    let mut expected = Vec::new();
    for (i, (salary, years)) in ["60000", "160000", "260000", "360000", "600000"]
        .iter()
        .flat_map(|s| (0..=6).map(move |y| (*s, y)))
        .enumerate()
    {
        let f = facts(salary, years);
        let result = now.assess(&f);
        let app = Application {
            id: ApplicationId(Uuid::now_v7()),
            receipt_number: ReceiptNumber::new(d("2026-11-24"), 1000 + i as u64),
            details: Details::New {
                position: f.position.clone(),
                annual_salary: f.annual_salary,
                contract_start: d("2027-01-01"),
                contract_end: d("2028-12-31"),
                requested_category: None,
            },
            state: State::Submitted,
            version: 1,
            employer_id: employer.id,
            person_id: person.id,
            city: employer.city,
            permit_number: None,
            created_at: Utc::now(),
            submitted_at: Some(Utc::now()),
            decided_at: None,
        };
        let before = Outcome::from(&result);
        let after = Outcome::from(&stricter.assess(&f));
        if before != after {
            expected.push((app.receipt_number.to_string(), before, after));
        }
        records.push(store::AssessmentRecord {
            application_id: app.id,
            profile: None,
            policy_version: Some(result.policy_version.clone()),
            pre_review_due: None,
            decision_due: None,
            facts: Some(f),
            result: Some(result),
        });
        apps.push(app);
    }
    let mut tx = store.begin().await.unwrap();
    tx.insert_employer(&employer, Utc::now()).await.unwrap();
    tx.insert_person(&person, Utc::now()).await.unwrap();
    tx.insert_applications(&apps).await.unwrap();
    tx.upsert_assessments(&records).await.unwrap();
    tx.commit().await.unwrap();
    store.close().await;
    assert!(
        !expected.is_empty() && expected.len() < apps.len(),
        "the profiles straddle the new threshold"
    );

    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("policy_simulate-stricter.toml");
    std::fs::write(&path, &stricter_text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_onecard"))
        .env("ONECARD_DATA_KEY", store::DEMO_DATA_KEY)
        .args(["--database-url", &db.url, "policy", "simulate", "--policy"])
        .arg(&path)
        .args(["--show", "100"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("{} applications re-assessed", apps.len())),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("\n{} would change", expected.len())),
        "{stdout}"
    );
    for (receipt, before, after) in &expected {
        let line = stdout
            .lines()
            .find(|l| l.contains(receipt.as_str()))
            .unwrap_or_else(|| panic!("{receipt} not listed: {stdout}"));
        assert!(
            line.contains(&format!("{} ", before.category.as_str())),
            "{line}"
        );
        assert!(
            line.contains(&format!("→ {} ", after.category.as_str())),
            "{line}"
        );
    }
    // Nothing was written: the assessments are those made under the policy in force.
    let store = db.open().await;
    let mut tx = store.begin_read().await.unwrap();
    let page = tx.assessed_after(None, 1000).await.unwrap();
    assert_eq!(page.len(), apps.len());
    assert!(page.iter().all(|a| a.policy_version == "national-2017.1"));
    drop(tx);
    store.close().await;

    // A proposed file that is not a policy: refused, exit 2.
    std::fs::write(&path, "version = ").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_onecard"))
        .env("ONECARD_DATA_KEY", store::DEMO_DATA_KEY)
        .args(["--database-url", &db.url, "policy", "simulate", "--policy"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `policy check` compares with the version in force in the database, where there is one.
#[tokio::test]
async fn check_compares_with_the_version_in_force() {
    let db = TestDb::sqlite();
    let store = db.open().await;
    let loaded = SHIPPED
        .replace(r#""national-2017.1""#, r#""loaded-2020""#)
        .replace(
            r#"effective_from = "2017-04-01""#,
            r#"effective_from = "2020-01-01""#,
        )
        .replace("a = 85\nb = 60", "a = 85\nb = 62");
    let mut tx = store.begin().await.unwrap();
    tx.insert_policy(&store::StoredPolicy {
        version: "loaded-2020".into(),
        effective_from: d("2020-01-01"),
        file_name: "loaded.toml".into(),
        source: loaded,
        loaded_at: Utc::now(),
        loaded_by: None,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    store.close().await;

    let proposed = SHIPPED
        .replace(r#""national-2017.1""#, r#""proposed""#)
        .replace("a = 85\nb = 60", "a = 85\nb = 65");
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("policy_simulate-proposed.toml");
    std::fs::write(&path, &proposed).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_onecard"))
        .env("ONECARD_DATA_KEY", store::DEMO_DATA_KEY)
        .args(["--database-url", &db.url, "policy", "check"])
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("against loaded-2020 (in force in sqlite://"),
        "{stdout}"
    );
    assert!(stdout.contains("~ thresholds.b: 62 -> 65"), "{stdout}");
}
