//! Conformance of the one-stop repositories (residence, appointments, insurance): every test
//! runs against SQLite and PostgreSQL, each on a database of its own, as in `conformance.rs`.

use chrono::{DateTime, NaiveDate, NaiveTime, SubsecRound, Utc};
use domain::application::Grant;
use domain::appointment::{Appointment, AppointmentState, Office, Purpose, WEEKDAYS, parse_slot};
use domain::check::uscc_check;
use domain::city::City;
use domain::ids::*;
use domain::insurance::{CardState, Insurance, InsuranceState, PermitCheck, SocialSecurityCard};
use domain::numbers::{PermitNumber, ReceiptNumber, ResidencePermitNumber, SocialSecurityNumber};
use domain::party::{Employer, EmployerKind, Person, Uscc};
use domain::permit::Category;
use domain::residence::{
    PermitEvidence, RState, ResidenceApplication, ResidenceGrant, ResidencePermit, ResidenceStatus,
    RoleAtEmployer,
};
use domain::values::{Email, Nationality, PassportNumber, PersonName, Sex, Text};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use store::testing::TestDb;
use store::{Backend, InsuranceFilter, ResidenceFilter, Store, StoreError};
use uuid::Uuid;

macro_rules! on_both {
    ($( #[$attr:meta] $test:ident => $sqlite:ident, $postgres:ident; )*) => {$(
        #[$attr]
        async fn $sqlite() {
            let db = TestDb::sqlite();
            let store = db.open().await;
            assert_eq!(store.backend(), Backend::Sqlite);
            $test(store.clone()).await;
            store.close().await;
        }

        #[$attr]
        async fn $postgres() {
            let Some(db) = TestDb::postgres(concat!("one_stop_", stringify!($test))).await else {
                return;
            };
            let store = db.open().await;
            $test(store.clone()).await;
            store.close().await;
        }
    )*};
}

on_both! {
    #[tokio::test] residence_applications => sqlite_residence_applications, postgres_residence_applications;
    #[tokio::test] residence_permits => sqlite_residence_permits, postgres_residence_permits;
    #[tokio::test] appointments => sqlite_appointments, postgres_appointments;
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)] slot_race
        => sqlite_slot_race, postgres_slot_race;
    #[tokio::test] insurance => sqlite_insurance, postgres_insurance;
}

static SERIAL: AtomicU64 = AtomicU64::new(1);

fn serial() -> u64 {
    SERIAL.fetch_add(1, Ordering::Relaxed)
}

fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn beijing() -> City {
    City::parse("city", "110000").expect("city")
}

fn text(s: &str) -> Text {
    Text::parse("text", s, 500).expect("text")
}

struct Parties {
    employer: Employer,
    people: Vec<Person>,
}

/// An employer and `n` of its people, stored.
async fn parties(store: &dyn Store, n: usize) -> Parties {
    let first17 = format!("91{:015}", serial() + 7_000_000);
    let employer = Employer {
        id: EmployerId(Uuid::now_v7()),
        name: text("Example Research Institute 示例研究院"),
        uscc: Uscc::parse(
            "uscc",
            &format!("{first17}{}", uscc_check(&first17).unwrap()),
        )
        .unwrap(),
        city: beijing(),
        kind: EmployerKind::ResearchInstitute,
    };
    let mut tx = store.begin().await.unwrap();
    tx.insert_employer(&employer, now()).await.unwrap();
    let mut people = Vec::new();
    for i in 0..n {
        let p = Person {
            id: PersonId(Uuid::now_v7()),
            employer_id: employer.id,
            name: PersonName::parse(
                "name",
                &format!("HOLDER{}", char::from(b'A' + (i % 26) as u8)),
                "Ann",
            )
            .unwrap(),
            nationality: Nationality::parse("n", "CAN").unwrap(),
            passport_number: PassportNumber::parse("p", &format!("K{:08}", serial())).unwrap(),
            date_of_birth: date("1988-02-29"),
            sex: Sex::F,
            email: Email::parse("e", "ann@example.com").unwrap(),
            phone: None,
        };
        tx.insert_person(&p, now()).await.unwrap();
        people.push(p);
    }
    tx.commit().await.unwrap();
    Parties { employer, people }
}

fn residence_application(p: &Parties, i: usize) -> ResidenceApplication {
    ResidenceApplication {
        id: ResidenceApplicationId(Uuid::now_v7()),
        receipt_number: ReceiptNumber::new(date("2026-11-24"), serial()),
        person_id: p.people[i].id,
        employer_id: p.employer.id,
        city: beijing(),
        permit_number: Some(PermitNumber::new("110000", date("2026-01-05"), serial()).unwrap()),
        evidence: PermitEvidence::SharedRecord,
        role_at_employer: RoleAtEmployer::Professional,
        requested_months: 24,
        state: RState::Submitted,
        version: 1,
        passport_inspected_at: None,
        grant: None,
        residence_permit_id: None,
        created_at: now(),
        decided_at: None,
    }
}

async fn residence_applications(store: Arc<dyn Store>) {
    let p = parties(&*store, 2).await;
    let a = residence_application(&p, 0);
    let b = residence_application(&p, 1);
    let mut tx = store.begin().await.unwrap();
    tx.insert_residence_application(&a).await.unwrap();
    tx.insert_residence_application(&b).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        tx.residence_application(a.id).await.unwrap(),
        Some(a.clone())
    );
    // A decision names the version it saw; the second of two with the same version loses.
    let mut next = a.clone();
    next.state = RState::UnderReview;
    next.version = 2;
    next.passport_inspected_at = Some(now());
    next.grant = Some(ResidenceGrant {
        valid_from: date("2026-12-01"),
        valid_to: date("2028-11-30"),
    });
    assert!(tx.update_residence_application(&next, 1).await.unwrap());
    assert!(!tx.update_residence_application(&next, 1).await.unwrap());
    assert_eq!(
        tx.residence_application(a.id).await.unwrap(),
        Some(next.clone())
    );
    // The labour grant kept for a joint issue.
    assert_eq!(tx.joint_work_grant(a.id).await.unwrap(), None);
    let g = Grant {
        category: Category::A,
        valid_from: date("2026-12-01"),
        valid_to: date("2031-11-30"),
    };
    tx.set_joint_work_grant(a.id, Some(&g)).await.unwrap();
    assert_eq!(tx.joint_work_grant(a.id).await.unwrap(), Some(g));
    let queue = tx
        .list_residence_applications(&ResidenceFilter {
            city: Some(beijing()),
            employer_id: Some(p.employer.id),
            states: vec![RState::Submitted],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(queue.iter().map(|r| r.id).collect::<Vec<_>>(), vec![b.id]);
    let mine = tx
        .list_residence_applications(&ResidenceFilter {
            person_id: Some(p.people[0].id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    tx.commit().await.unwrap();
}

async fn residence_permits(store: Arc<dyn Store>) {
    let p = parties(&*store, 1).await;
    let a = residence_application(&p, 0);
    let work = a.permit_number.clone().unwrap();
    let permit = ResidencePermit {
        id: ResidencePermitId(Uuid::now_v7()),
        number: ResidencePermitNumber::new("110000", date("2026-11-24"), serial()).unwrap(),
        holder_id: p.people[0].id,
        employer_id: p.employer.id,
        work_permit_number: work.clone(),
        city: beijing(),
        valid_from: date("2026-12-01"),
        valid_to: date("2028-11-30"),
        status: ResidenceStatus::Valid,
        status_changed_on: None,
        long_reason: Some(domain::residence::LongReason::QualifyingEmployer),
        application_id: a.id,
        collected_at: None,
    };
    let mut tx = store.begin().await.unwrap();
    tx.insert_residence_application(&a).await.unwrap();
    tx.insert_residence_permit(&permit, now()).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        tx.residence_permit(permit.id).await.unwrap(),
        Some(permit.clone())
    );
    assert_eq!(
        tx.residence_permits_of(p.people[0].id).await.unwrap(),
        vec![permit.clone()]
    );
    assert_eq!(
        tx.residence_permits_on(&work).await.unwrap(),
        vec![permit.clone()]
    );
    tx.set_residence_status(permit.id, ResidenceStatus::UnderReview, date("2027-03-01"))
        .await
        .unwrap();
    let review = tx
        .residence_permits_in(Some(beijing()), ResidenceStatus::UnderReview, 10)
        .await
        .unwrap();
    assert_eq!(review.len(), 1);
    assert_eq!(review[0].status_changed_on, Some(date("2027-03-01")));
    let at = now();
    assert!(tx.set_residence_collected(permit.id, at).await.unwrap());
    assert!(!tx.set_residence_collected(permit.id, at).await.unwrap());
    tx.insert_filing(&store::Filing {
        id: Uuid::now_v7(),
        residence_permit_id: permit.id,
        kind: domain::residence::FilingKind::DegreeStudy,
        filed_on: date("2027-02-01"),
        details: "Master's programme, 清华大学".into(),
        filed_by: None,
        created_at: now(),
    })
    .await
    .unwrap();
    let filings = tx.filings(permit.id).await.unwrap();
    assert_eq!(filings.len(), 1);
    assert_eq!(filings[0].details, "Master's programme, 清华大学");
    tx.commit().await.unwrap();
    // A second permit from the same application is refused.
    let mut tx = store.begin().await.unwrap();
    let mut again = permit.clone();
    again.id = ResidencePermitId(Uuid::now_v7());
    again.number = ResidencePermitNumber::new("110000", date("2026-11-24"), serial()).unwrap();
    assert!(matches!(
        tx.insert_residence_permit(&again, now()).await,
        Err(StoreError::Conflict("residence_permit"))
    ));
}

fn office(capacity: u32) -> Office {
    Office {
        id: OfficeId(Uuid::now_v7()),
        city: beijing(),
        name: text("Exit-Entry Administration Hall 出入境接待大厅"),
        address: text("2 Andingmen East Street"),
        opens: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        closes: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        slot_minutes: 30,
        capacity,
        weekdays: WEEKDAYS,
        closed_on: vec![date("2026-12-24")],
    }
}

async fn appointments(store: Arc<dyn Store>) {
    let p = parties(&*store, 2).await;
    let o = office(1);
    let mut tx = store.begin().await.unwrap();
    tx.insert_office(&o, now()).await.unwrap();
    assert_eq!(tx.office(o.id).await.unwrap(), Some(o.clone()));
    assert!(tx.list_offices(Some(beijing())).await.unwrap().contains(&o));

    let slot = "2026-12-01T09:30";
    assert!(tx.take_place(o.id, slot, 1).await.unwrap());
    assert!(!tx.take_place(o.id, slot, 1).await.unwrap(), "full");
    assert_eq!(
        tx.places_taken(o.id, "2026-12-01", "2026-12-02")
            .await
            .unwrap(),
        vec![(slot.to_string(), 1)]
    );
    tx.release_place(o.id, slot).await.unwrap();
    tx.release_place(o.id, slot).await.unwrap(); // never below zero
    assert!(tx.take_place(o.id, slot, 1).await.unwrap());

    let purpose = Purpose::CollectResidencePermit {
        residence_permit_id: ResidencePermitId(Uuid::now_v7()),
    };
    let a = Appointment {
        id: AppointmentId(Uuid::now_v7()),
        office_id: o.id,
        slot: parse_slot("slot", slot).unwrap(),
        person_id: p.people[0].id,
        purpose,
        state: AppointmentState::Booked,
        created_at: now(),
    };
    tx.insert_appointment(&a).await.unwrap();
    assert_eq!(tx.appointment(a.id).await.unwrap(), Some(a.clone()));
    tx.commit().await.unwrap();
    // One live appointment per purpose and record. (A refused statement ends a PostgreSQL
    // transaction: it gets one of its own.)
    let twice = Appointment {
        id: AppointmentId(Uuid::now_v7()),
        ..a.clone()
    };
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        tx.insert_appointment(&twice).await,
        Err(StoreError::Conflict("appointment_exists"))
    ));
    drop(tx);

    let mut tx = store.begin().await.unwrap();
    let mut cancelled = a.clone();
    cancelled.state = AppointmentState::Cancelled;
    tx.update_appointment(&cancelled, now()).await.unwrap();
    // Once cancelled, the same purpose may be booked again.
    tx.insert_appointment(&twice).await.unwrap();
    assert_eq!(tx.appointments_of(p.people[0].id).await.unwrap().len(), 2);
    let at = tx
        .appointments_at(o.id, "2026-12-01", "2026-12-02")
        .await
        .unwrap();
    assert_eq!(at.iter().map(|a| a.id).collect::<Vec<_>>(), vec![twice.id]);
    tx.commit().await.unwrap();
}

/// 200 transactions race for a slot of 50 places: exactly 50 take one.
async fn slot_race(store: Arc<dyn Store>) {
    let o = office(50);
    let mut tx = store.begin().await.unwrap();
    tx.insert_office(&o, now()).await.unwrap();
    tx.commit().await.unwrap();
    let tasks: Vec<_> = (0..200)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                loop {
                    let mut tx = store.begin().await.unwrap();
                    let taken = match tx.take_place(o.id, "2026-12-01T10:00", 50).await {
                        Ok(t) => t,
                        // A serialization failure or a busy database: try again, as a service does.
                        Err(_) => continue,
                    };
                    if tx.commit().await.is_ok() {
                        return taken;
                    }
                }
            })
        })
        .collect();
    let mut won = 0;
    for t in tasks {
        if t.await.unwrap() {
            won += 1;
        }
    }
    assert_eq!(won, 50);
    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(
        tx.places_taken(o.id, "2026-12-01", "2026-12-02")
            .await
            .unwrap(),
        vec![("2026-12-01T10:00".to_string(), 50)]
    );
}

async fn insurance(store: Arc<dyn Store>) {
    let p = parties(&*store, 1).await;
    let person = &p.people[0];
    let i = Insurance {
        id: InsuranceId(Uuid::now_v7()),
        person_id: person.id,
        employer_id: p.employer.id,
        city: beijing(),
        permit_number: PermitNumber::new("110000", date("2026-01-05"), serial()).unwrap(),
        permit_check: PermitCheck::CardQr,
        state: InsuranceState::Requested,
        version: 1,
        ssn: None,
        requested_at: now(),
        decided_at: None,
        refusal: Vec::new(),
    };
    let mut tx = store.begin().await.unwrap();
    tx.insert_insurance(&i).await.unwrap();
    tx.commit().await.unwrap();
    // A second request while one is open is refused.
    let again = Insurance {
        id: InsuranceId(Uuid::now_v7()),
        ..i.clone()
    };
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        tx.insert_insurance(&again).await,
        Err(StoreError::Conflict("insurance_exists"))
    ));
    drop(tx);

    let mut tx = store.begin().await.unwrap();
    let ssn = SocialSecurityNumber::new("110000", date("2026-11-24"), serial()).unwrap();
    let mut registered = i.clone();
    registered.state = InsuranceState::Registered;
    registered.version = 2;
    registered.ssn = Some(ssn.clone());
    registered.decided_at = Some(now());
    assert!(tx.update_insurance(&registered, 1).await.unwrap());
    assert!(!tx.update_insurance(&registered, 1).await.unwrap());
    assert_eq!(tx.insurance(i.id).await.unwrap(), Some(registered.clone()));
    assert_eq!(
        tx.insurance_of(person.id).await.unwrap(),
        Some(registered.clone())
    );
    assert_eq!(
        tx.insurance_by_ssn(&ssn).await.unwrap(),
        Some(registered.clone())
    );
    let queue = tx
        .list_insurances(&InsuranceFilter {
            employer_id: Some(p.employer.id),
            states: vec![InsuranceState::Registered],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(queue, vec![registered.clone()]);

    let card = SocialSecurityCard {
        insurance_id: i.id,
        serial: 1,
        state: CardState::BeingMade,
        changed_at: now(),
    };
    tx.insert_card(&card).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        tx.insert_card(&card).await,
        Err(StoreError::Conflict("card_exists"))
    ));
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    let ready = SocialSecurityCard {
        state: CardState::Ready,
        changed_at: now(),
        ..card.clone()
    };
    tx.update_card(&ready).await.unwrap();
    assert_eq!(tx.cards(i.id).await.unwrap(), vec![ready]);
    tx.commit().await.unwrap();
}
