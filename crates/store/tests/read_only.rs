//! Opening a database read-only, as the commands that only read do on a replica: nothing to
//! migrate or seal is done; a database that is missing, behind, under another data key is
//! refused with what to do; one that is ready is read, and every write through it is refused
//! and changes nothing.

use chrono::{NaiveDate, Utc};
use domain::city::City;
use domain::ids::{EmployerId, PersonId};
use domain::party::{Employer, EmployerKind, Person, Uscc};
use domain::values::*;
use store::testing::TestDb;
use store::{Backend, DataKey, OpenOptions, StoreError};
use uuid::Uuid;

fn reading() -> OpenOptions {
    OpenOptions::new(DataKey::demo()).read_only()
}

fn not_ready(r: store::Result<std::sync::Arc<dyn store::Store>>) -> String {
    match r {
        Err(StoreError::NotReady(m)) => m,
        Err(e) => panic!("not NotReady: {e}"),
        Ok(_) => panic!("opened"),
    }
}

fn employer() -> Employer {
    let first17 = "91110108000000007";
    let check = domain::check::uscc_check(first17).unwrap();
    Employer {
        id: EmployerId(Uuid::now_v7()),
        name: Text::parse("n", "Replica Ltd", 200).unwrap(),
        uscc: Uscc::parse("u", &format!("{first17}{check}")).unwrap(),
        city: City::parse("c", "110000").unwrap(),
        kind: EmployerKind::Enterprise,
    }
}

fn person(employer: &Employer) -> Person {
    Person {
        id: PersonId(Uuid::now_v7()),
        employer_id: employer.id,
        name: PersonName::parse("name", "LEE", "Ana").unwrap(),
        nationality: Nationality::parse("n", "PRT").unwrap(),
        passport_number: PassportNumber::parse("p", "PT7777777").unwrap(),
        date_of_birth: NaiveDate::from_ymd_opt(1991, 3, 4).unwrap(),
        sex: Sex::parse("s", "F").unwrap(),
        email: Email::parse("e", "ana@example.org").unwrap(),
        phone: None,
    }
}

async fn read_only(db: TestDb, backend: Backend) {
    // Nothing there yet: the SQLite file does not exist; the PostgreSQL database has no schema.
    let message = not_ready(store::open(&db.url, &reading()).await);
    match backend {
        Backend::Sqlite => assert!(message.contains("no database at"), "{message}"),
        Backend::Postgres => assert!(message.contains("onecard migrate"), "{message}"),
    }

    // A schema an older binary left: refused, and not migrated.
    match backend {
        Backend::Sqlite => store::sqlite::migrate_to(&db.url, 14).await.unwrap(),
        Backend::Postgres => store::postgres::migrate_to(&db.url, 14).await.unwrap(),
    }
    let message = not_ready(store::open(&db.url, &reading()).await);
    assert!(
        message.contains("version 14") && message.contains("onecard migrate"),
        "{message}"
    );
    let message = not_ready(store::open(&db.url, &reading()).await);
    assert!(message.contains("version 14"), "still 14: {message}");

    // Brought up to date and written to by a server's open.
    let store = db.open().await;
    let e = employer();
    let p = person(&e);
    let mut tx = store.begin().await.unwrap();
    tx.insert_employer(&e, Utc::now()).await.unwrap();
    tx.insert_person(&p, Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    let before = store::testing::dump(&db.url).await;

    // Another data key is refused as a server's open refuses it.
    let other = OpenOptions::new(DataKey::parse(&"5a".repeat(32)).unwrap()).read_only();
    assert!(matches!(
        store::open(&db.url, &other).await,
        Err(StoreError::WrongDataKey)
    ));

    // Read while the server's store is open, the passport unsealed.
    let replica = store::open(&db.url, &reading())
        .await
        .expect("read-only open");
    let mut tx = replica.begin_read().await.unwrap();
    let read = tx.person(p.id).await.unwrap().expect("the person");
    assert_eq!(read.passport_number.as_str(), "PT7777777");
    drop(tx);
    assert!(
        store::verify_audit(&*replica).await.unwrap().is_ok(),
        "the audit chain reads"
    );

    // Writes are refused, whichever way they are tried.
    let mut twin = p.clone();
    twin.id = PersonId(Uuid::now_v7());
    twin.passport_number = PassportNumber::parse("p", "PT8888888").unwrap();
    let written = async {
        let mut tx = replica.begin().await?;
        tx.insert_person(&twin, Utc::now()).await?;
        tx.commit().await
    }
    .await;
    assert!(written.is_err(), "a write through a read-only store");
    replica.close().await;
    store.close().await;
    assert_eq!(
        store::testing::dump(&db.url).await,
        before,
        "nothing changed"
    );
}

#[tokio::test]
async fn sqlite_read_only_opens() {
    read_only(TestDb::sqlite(), Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_read_only_opens() {
    let Some(db) = TestDb::postgres("read_only_opens").await else {
        return;
    };
    read_only(db, Backend::Postgres).await;
}
