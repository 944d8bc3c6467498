//! Demo data for `onecard serve --demo`: one employer with its HR account, a labour officer for
//! every city, an immigration and a social security officer, an administrator, and two foreign
//! employees, one of whom holds a pre-reform physical card that is due for extension.

use crate::clock::Clock;
use crate::secrets;
use chrono::Days;
use domain::appointment::Office;
use domain::audit::AuditRecord;
use domain::check::uscc_check;
use domain::city::City;
use domain::ids::OfficeId;
use domain::ids::*;
use domain::numbers::PermitNumber;
use domain::party::{Employer, EmployerKind, Person, Uscc};
use domain::permit::{Category, Medium, Permit, PermitStatus};
use domain::role::Scope;
use domain::values::*;
use store::{Account, Store};
use uuid::Uuid;

/// The password of every demo account. Demo data only: never on a real deployment.
pub const DEMO_PASSWORD: &str = "Demo-2026";

/// Seeds the demo data unless the database already has accounts. Returns whether it seeded.
pub async fn seed(store: &dyn Store, clock: &dyn Clock) -> store::Result<bool> {
    let mut tx = store.begin().await?;
    if !tx.list_accounts().await?.is_empty() {
        return Ok(false);
    }
    let now = clock.now();
    let today = clock.today();
    let beijing = City::parse("city", "110000").expect("known city");
    let uscc = |body: &str| {
        Uscc::parse(
            "uscc",
            &format!("{body}{}", uscc_check(body).expect("valid body")),
        )
        .expect("valid USCC")
    };
    let employer = Employer {
        id: EmployerId(Uuid::now_v7()),
        name: Text::parse(
            "name",
            "Beijing Zhongguancun Example Technology Co., Ltd. 北京中关村示例科技有限公司",
            200,
        )
        .expect("valid"),
        uscc: uscc("91110108MA01ABCD1"),
        city: beijing,
        kind: EmployerKind::HighTechEnterprise,
    };
    tx.insert_employer(&employer, now).await?;

    let person = |surname: &str,
                  given: &str,
                  nat: &str,
                  passport: &str,
                  dob: &str,
                  sex: &str,
                  email: &str| Person {
        id: PersonId(Uuid::now_v7()),
        employer_id: employer.id,
        name: PersonName::parse("", surname, given).expect("valid name"),
        nationality: Nationality::parse("n", nat).expect("valid"),
        passport_number: PassportNumber::parse("p", passport).expect("valid"),
        date_of_birth: parse_date("d", dob).expect("valid"),
        sex: Sex::parse("s", sex).expect("valid"),
        email: Email::parse("e", email).expect("valid"),
        phone: None,
    };
    let anna = person(
        "MÜLLER",
        "Anna",
        "DEU",
        "C01X00T47",
        "1990-04-12",
        "F",
        "anna.mueller@example.org",
    );
    let jean = person(
        "DUPONT",
        "Jean",
        "FRA",
        "19AB12345",
        "1984-09-30",
        "M",
        "jean.dupont@example.org",
    );
    tx.insert_person(&anna, now).await?;
    tx.insert_person(&jean, now).await?;

    // A physical card issued before the reform, 60 days from expiry: inside the extension window.
    let serial = tx
        .next_serial(&format!("permit:{}:{}", beijing.code(), 2023))
        .await?;
    let issued = chrono::NaiveDate::from_ymd_opt(2023, 3, 1).expect("date");
    let legacy = Permit {
        id: PermitId(Uuid::now_v7()),
        number: PermitNumber::new(beijing.code(), issued, serial).expect("serial in range"),
        revision: 1,
        holder_id: jean.id,
        employer_id: employer.id,
        holder_name: jean.name.clone(),
        nationality: jean.nationality,
        passport_number: jean.passport_number.clone(),
        category: Category::B,
        position: Text::parse("p", "Senior Software Engineer", 100).expect("valid"),
        city: beijing,
        valid_from: today - Days::new(670),
        valid_to: today + Days::new(60),
        status: PermitStatus::Valid,
        status_changed_on: None,
        medium: Medium::PhysicalCard,
        application_id: None,
    };
    tx.insert_permit(&legacy, now).await?;

    // Immigration's issuing office in Beijing, where passports are shown and permits collected.
    tx.insert_office(
        &Office {
            id: OfficeId(Uuid::now_v7()),
            city: beijing,
            name: Text::parse(
                "n",
                "Beijing Exit-Entry Administration Hall 北京市出入境接待大厅",
                200,
            )
            .expect("valid"),
            address: Text::parse(
                "a",
                "2 Andingmen East Street, Dongcheng District 东城区安定门东大街2号",
                200,
            )
            .expect("valid"),
            opens: chrono::NaiveTime::from_hms_opt(9, 0, 0).expect("time"),
            closes: chrono::NaiveTime::from_hms_opt(17, 0, 0).expect("time"),
            slot_minutes: 30,
            capacity: 10,
            weekdays: domain::appointment::WEEKDAYS,
            closed_on: Vec::new(),
        },
        now,
    )
    .await?;

    let mut accounts = vec![
        ("admin", "Administrator", Scope::Administrator),
        (
            "hr",
            "Li Na (HR)",
            Scope::EmployerHr {
                employer_id: employer.id,
            },
        ),
        (
            "anna",
            "Anna MÜLLER",
            Scope::Applicant { person_id: anna.id },
        ),
        (
            "jean",
            "Jean DUPONT",
            Scope::Applicant { person_id: jean.id },
        ),
        (
            "immigration.beijing",
            "Exit-Entry Bureau, Beijing",
            Scope::ImmigrationOfficer { city: beijing },
        ),
        (
            "social.beijing",
            "Social Insurance Agency, Beijing",
            Scope::SocialSecurityOfficer { city: beijing },
        ),
    ]
    .into_iter()
    .map(|(u, n, s)| (u.to_string(), n.to_string(), s))
    .collect::<Vec<_>>();
    for city in City::all() {
        let slug: String = city
            .info()
            .name_en
            .to_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphabetic())
            .collect();
        accounts.push((
            format!("officer.{slug}"),
            format!("Labour officer, {}", city.info().name_en),
            Scope::LabourOfficer { city },
        ));
    }
    let hash = tokio::task::spawn_blocking(|| secrets::hash_password(DEMO_PASSWORD))
        .await
        .expect("hashing task");
    for (username, display_name, scope) in accounts {
        let a = Account {
            id: AccountId(Uuid::now_v7()),
            username,
            display_name,
            password_hash: hash.clone(),
            scope,
            disabled: false,
            created_at: now,
        };
        tx.insert_account(&a).await?;
    }
    tx.audit(AuditRecord::new(
        now,
        None,
        "demo.seeded",
        "system",
        "demo",
        serde_json::json!({ "employer_id": employer.id }),
    ));
    tx.commit().await?;
    Ok(true)
}
