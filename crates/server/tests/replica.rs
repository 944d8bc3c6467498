//! The reports that may trail the latest writes (the employer's employees and deadlines) are read
//! from the replica where the server has one, and from the primary while the replica does not
//! answer. The replica here is a copy of the primary taken a moment before a new employee was
//! added, opened read-only: it shows the list as it stood then.

mod common;
use chrono::{NaiveDate, Utc};
use common::*;
use domain::ids::PersonId;
use domain::role::Scope;
use domain::values::*;
use server::services::Ctx;
use server::services::contributions::deadlines;
use std::sync::Arc;
use store::testing::TestDb;
use store::{DataKey, OpenOptions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deadline_list_reads_the_replica_and_the_primary_without_it() {
    let Some(srv) = TestServer::postgres("replica_reports").await else {
        return;
    };
    let Some(copy) = TestDb::postgres("replica_reports_copy").await else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("onecard-replica-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("primary.backup");
    store::backup::backup(&srv.db.url, &file).await.unwrap();
    store::backup::restore(&copy.url, &file, false)
        .await
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let replica = store::open(&copy.url, &OpenOptions::new(DataKey::demo()).read_only())
        .await
        .expect("the copy opens read-only");

    // Since the copy, the employer has a new employee on the primary.
    let mut tx = srv.store.begin().await.unwrap();
    let who = tx
        .account_by_username("hr")
        .await
        .unwrap()
        .expect("hr")
        .principal();
    let Scope::EmployerHr { employer_id } = who.scope else {
        panic!("hr is an employer's");
    };
    let newcomer = domain::party::Person {
        id: PersonId(uuid::Uuid::now_v7()),
        employer_id,
        name: PersonName::parse("name", "NEWCOMER", "Nadia").unwrap(),
        nationality: Nationality::parse("n", "NLD").unwrap(),
        passport_number: PassportNumber::parse("p", "NL4444444").unwrap(),
        date_of_birth: NaiveDate::from_ymd_opt(1994, 5, 6).unwrap(),
        sex: Sex::parse("s", "F").unwrap(),
        email: Email::parse("e", "nadia@example.org").unwrap(),
        phone: None,
    };
    tx.insert_person(&newcomer, Utc::now()).await.unwrap();
    tx.commit().await.unwrap();

    let names = |rows: &[server::services::contributions::EmployeeDeadlines]| -> Vec<String> {
        rows.iter()
            .map(|r| r.person.name.surname.to_string())
            .collect()
    };
    let primary = Ctx::new(srv.store.clone(), srv.clock.clone(), Arc::new(srv.config()));
    let latest = names(&deadlines(&primary, &who).await.unwrap());
    assert!(latest.contains(&"NEWCOMER".to_string()), "{latest:?}");

    let with_replica = primary.clone().with_replica(replica.clone());
    let lagging = names(&deadlines(&with_replica, &who).await.unwrap());
    assert!(!lagging.contains(&"NEWCOMER".to_string()), "{lagging:?}");
    assert_eq!(lagging.len() + 1, latest.len(), "{lagging:?} {latest:?}");

    // The replica gone: the primary answers.
    replica.close().await;
    let fallback = names(&deadlines(&with_replica, &who).await.unwrap());
    assert_eq!(fallback, latest);
}
