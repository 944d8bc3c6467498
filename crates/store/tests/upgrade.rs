//! A database written by the version before identity numbers were sealed (schema 14), with a
//! person, an application, a permit and an insurance in clear, opened by this one: migration 15
//! rebuilds `people` without its unique pair of columns, every reference still holds, and the
//! start-up pass seals the numbers, which read back as they were written.

use store::testing::TestDb;
use store::{Backend, DataKey, OpenOptions};

const SEED: &[&str] = &[
    "INSERT INTO employers (id, name, uscc, city, kind, created_at) VALUES \
     ({e}, 'Acme', '91110000MA01234567', '110000', 'enterprise', '2026-01-01T00:00:00Z')",
    "INSERT INTO people (id, employer_id, surname, given_names, nationality, passport_number, \
     date_of_birth, sex, email, phone, created_at) VALUES ({p}, {e}, 'OLD', 'Olga', 'FIN', \
     'FN1234567', '1990-01-01', 'F', 'olga@example.org', NULL, '2026-01-01T00:00:00Z')",
    "INSERT INTO applications (id, receipt_number, kind, details, state, version, employer_id, \
     person_id, city, permit_number, created_at, submitted_at, decided_at) VALUES ({a}, \
     'R110000202600000001', 'change', '{details}', 'draft', 1, {e}, {p}, '110000', \
     '{number}', '2026-01-01T00:00:00Z', NULL, NULL)",
    "INSERT INTO permits (id, number, revision, holder_id, employer_id, surname, given_names, \
     nationality, passport_number, category, position, city, valid_from, valid_to, status, \
     status_changed_on, medium, application_id, created_at, status_idx) VALUES ({t}, \
     '{number}', 1, {p}, {e}, 'OLD', 'Olga', 'FIN', 'FN1234567', 'B', 'Engineer', \
     '110000', '2026-01-01', '2027-01-01', 'valid', NULL, 'electronic', NULL, \
     '2026-01-01T00:00:00Z', 0)",
];

const DETAILS: &str = r#"{"kind":"change","permit_number":"{number}","change":{"what":"passport","new_passport_number":"FN7654321"},"change_date":"2026-01-02"}"#;

async fn upgrade(db: TestDb, backend: Backend) {
    match backend {
        Backend::Sqlite => store::sqlite::migrate_to(&db.url, 14).await.unwrap(),
        Backend::Postgres => store::postgres::migrate_to(&db.url, 14).await.unwrap(),
    }
    let (e, p, a, t) = (
        uuid::Uuid::now_v7(),
        uuid::Uuid::now_v7(),
        uuid::Uuid::now_v7(),
        uuid::Uuid::now_v7(),
    );
    let lit = |id: uuid::Uuid| match backend {
        Backend::Sqlite => format!("X'{}'", id.simple()),
        Backend::Postgres => format!("'{id}'"),
    };
    let number = domain::numbers::PermitNumber::new(
        "110000",
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        1,
    )
    .unwrap();
    let statements: Vec<String> = SEED
        .iter()
        .map(|s| {
            s.replace("{e}", &lit(e))
                .replace("{p}", &lit(p))
                .replace("{a}", &lit(a))
                .replace("{t}", &lit(t))
                .replace("{details}", DETAILS)
                .replace("{number}", number.as_str())
        })
        .collect();
    execute(backend, &db.url, &statements).await;

    let store = store::open(&db.url, &OpenOptions::new(DataKey::demo()))
        .await
        .expect("migrated and sealed");
    let plain = ["FN1234567", "FN7654321"];
    let leaks: Vec<String> = store::testing::dump(&db.url)
        .await
        .into_iter()
        .flat_map(|(t, rows)| rows.into_iter().map(move |r| format!("{t}: {r}")))
        .filter(|r| plain.iter().any(|p| r.contains(p)))
        .collect();
    assert!(leaks.is_empty(), "left in clear: {leaks:#?}");
    let mut tx = store.begin_read().await.unwrap();
    let person = tx
        .person(domain::ids::PersonId(p))
        .await
        .unwrap()
        .expect("the person");
    assert_eq!(person.passport_number.as_str(), "FN1234567");
    let app = tx
        .application(domain::ids::ApplicationId(a))
        .await
        .unwrap()
        .expect("the application");
    assert!(
        format!("{:?}", app.details).contains("FN…21"),
        "{:?}",
        app.details
    );
    let permits = tx.permit_revisions(&number).await.unwrap();
    assert_eq!(permits[0].passport_number.as_str(), "FN1234567");
    drop(tx);
    // The passport is still one person's, now through the keyed hash; and the references to
    // the rebuilt table hold (a person referenced cannot go).
    let mut twin = person.clone();
    twin.id = domain::ids::PersonId(uuid::Uuid::now_v7());
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        tx.insert_person(&twin, chrono::Utc::now()).await,
        Err(store::StoreError::Conflict("passport_number"))
    ));
    drop(tx);
    let delete = format!("DELETE FROM people WHERE id = {}", lit(p));
    store.close().await;
    assert!(
        try_execute(backend, &db.url, &delete).await.is_err(),
        "the permit and the application reference the person"
    );
}

async fn execute(backend: Backend, url: &str, statements: &[String]) {
    for s in statements {
        try_execute(backend, url, s).await.expect(s);
    }
}

async fn try_execute(backend: Backend, url: &str, sql: &str) -> Result<u64, sqlx::Error> {
    use sqlx::Connection;
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    match backend {
        Backend::Sqlite => {
            let options: sqlx::sqlite::SqliteConnectOptions = url.parse()?;
            let mut c = sqlx::SqliteConnection::connect_with(&options.foreign_keys(true)).await?;
            Ok(sqlx::query(sql).execute(&mut c).await?.rows_affected())
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(url).await?;
            Ok(sqlx::query(sql).execute(&mut c).await?.rows_affected())
        }
    }
}

#[tokio::test]
async fn sqlite_a_database_of_schema_14_is_upgraded_and_sealed() {
    upgrade(TestDb::sqlite(), Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_a_database_of_schema_14_is_upgraded_and_sealed() {
    let Some(db) = TestDb::postgres("a_database_of_schema_14_is_upgraded_and_sealed").await else {
        return;
    };
    upgrade(db, Backend::Postgres).await;
}
