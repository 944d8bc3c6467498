//! Fills a database with assessed applications, for `bench/simulate.sh` to time
//! `onecard policy simulate` over. The applicants vary (salary, degree, experience, age, Chinese,
//! months in China, city) so that a proposed version changes some of them and not others; each
//! is assessed under the shipped national policy, as a submission would be.

use chrono::{Datelike, NaiveDate, Utc};
use clap::Parser;
use domain::application::{Application, ApplicationKind, Details, State};
use domain::city::City;
use domain::ids::{ApplicationId, EmployerId, PersonId};
use domain::numbers::ReceiptNumber;
use domain::party::{Employer, EmployerKind, Person, Uscc};
use domain::policy::*;
use domain::values::*;
use std::time::Instant;
use store::{AssessmentRecord, OpenOptions};
use uuid::Uuid;

#[derive(Parser)]
struct Args {
    /// Where to write: a new SQLite file or an empty PostgreSQL database.
    #[arg(long)]
    database_url: String,
    /// The key identity numbers are sealed under, as given to the server (64 hexadecimal
    /// digits); the demo key if none is.
    #[arg(long, env = "ONECARD_DATA_KEY", hide_env_values = true)]
    data_key: Option<String>,
    /// How many applications (at most ten million).
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    count: u64,
}

/// Applications written per transaction.
const CHUNK: u64 = 5_000;

const CITIES: [&str; 6] = ["110000", "120000", "310000", "440100", "440300", "510100"];

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// The `i`th applicant: each trait cycles with its own period, so that the combinations spread.
fn facts(i: u64, on: NaiveDate) -> Facts {
    let city = City::parse("city", CITIES[(i % 6) as usize]).expect("city");
    let salary = 40_000 + (i * 7_919 % 60) * 10_000;
    let born = NaiveDate::from_ymd_opt(on.year() - 22 - (i % 41) as i32, 1 + (i % 12) as u32, 1)
        .expect("date");
    let education = Education::ALL[(i / 3 % 4) as usize];
    Facts {
        applicant: ApplicantFacts {
            date_of_birth: BirthDate::new("date_of_birth", born, on).expect("adult"),
            nationality: Nationality::parse("nationality", "GBR").expect("nationality"),
            profile: Profile {
                education,
                experience_years: Years::new("years", (i / 5 % 12) as i64).expect("years"),
                months_in_china: MonthsPerYear::new("months", (i / 7 % 13) as i64).expect("months"),
                chinese: ChineseFacts {
                    hsk_level: (i % 11 < 6)
                        .then(|| HskLevel::new("hsk", (i % 6) as i64 + 1).expect("hsk")),
                    ..Default::default()
                },
                extras: ExtrasFacts {
                    top_foreign_university: i.is_multiple_of(17),
                    ..Default::default()
                },
                talent: TalentFacts {
                    skill_certificate: i.is_multiple_of(23),
                    ..Default::default()
                },
                founder: None,
                accompanying_family: i.is_multiple_of(2),
            },
        },
        employer: EmployerFacts {
            kind: EmployerKind::Enterprise,
            city,
            multinational: false,
        },
        position: Text::parse("position", "Engineer", 100).expect("position"),
        annual_salary: Money::parse("annual_salary", &salary.to_string()).expect("salary"),
        kind: ApplicationKind::New,
        region: city,
        requested_period: Some(Period::new("period", on, d("2029-12-31")).expect("period")),
        assessed_on: on,
        submitted_on: Some(on),
        current_permit: None,
        documents_on_file: Vec::new(),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let store = store::open(
        &args.database_url,
        &open_options(args.data_key.as_deref(), 2)?,
    )
    .await?;
    let on = d("2026-11-24");
    let employer = Employer {
        id: EmployerId(Uuid::now_v7()),
        name: Text::parse("name", "Benchmark Employer Ltd", 200)?,
        uscc: {
            let first17 = "91110108000000777";
            let check = domain::check::uscc_check(first17).ok_or("USCC check")?;
            Uscc::parse("uscc", &format!("{first17}{check}"))?
        },
        city: City::parse("city", "110000")?,
        kind: EmployerKind::Enterprise,
    };
    let person = Person {
        id: PersonId(Uuid::now_v7()),
        employer_id: employer.id,
        name: PersonName::parse("name", "BENCH", "Mark").map_err(|e| format!("{e:?}"))?,
        nationality: Nationality::parse("nationality", "GBR")?,
        passport_number: PassportNumber::parse("passport", "BM0000001")?,
        date_of_birth: d("1990-01-01"),
        sex: Sex::parse("sex", "M")?,
        email: Email::parse("email", "bench@example.org")?,
        phone: None,
    };
    let mut tx = store.begin().await?;
    tx.insert_employer(&employer, Utc::now()).await?;
    tx.insert_person(&person, Utc::now()).await?;
    tx.commit().await?;

    let policy = Policy::national_default();
    let started = Instant::now();
    let mut done = 0;
    while done < args.count {
        let n = CHUNK.min(args.count - done);
        let mut apps = Vec::with_capacity(n as usize);
        let mut records = Vec::with_capacity(n as usize);
        for i in done..done + n {
            let f = facts(i, on);
            let result = policy.assess(&f);
            let app = Application {
                id: ApplicationId(Uuid::now_v7()),
                receipt_number: ReceiptNumber::new(on, i + 1),
                details: Details::New {
                    position: f.position.clone(),
                    annual_salary: f.annual_salary,
                    contract_start: on,
                    contract_end: d("2029-12-31"),
                    requested_category: None,
                },
                state: State::Submitted,
                version: 1,
                employer_id: employer.id,
                person_id: person.id,
                city: f.region,
                permit_number: None,
                created_at: Utc::now(),
                submitted_at: Some(Utc::now()),
                decided_at: None,
            };
            records.push(AssessmentRecord {
                application_id: app.id,
                profile: None,
                policy_version: Some(result.policy_version.clone()),
                pre_review_due: Some(result.deadlines.pre_review.date),
                decision_due: Some(result.deadlines.decision.date),
                facts: Some(f),
                result: Some(result),
            });
            apps.push(app);
        }
        let mut tx = store.begin().await?;
        tx.insert_applications(&apps).await?;
        tx.upsert_assessments(&records).await?;
        tx.commit().await?;
        done += n;
        if done.is_multiple_of(100_000) || done == args.count {
            eprintln!(
                "seed: {done} applications in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    store.close().await;
    Ok(())
}

/// The store's options: the data key given, or the demo key.
fn open_options(data_key: Option<&str>, connections: u32) -> Result<OpenOptions, String> {
    let key = match data_key {
        Some(k) => store::DataKey::parse(k).map_err(|e| format!("data key: {e}"))?,
        None => store::DataKey::demo(),
    };
    Ok(OpenOptions::new(key).connections(connections))
}
