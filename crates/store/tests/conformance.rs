//! The store conformance suite: every test runs against SQLite and against PostgreSQL, each on a
//! database of its own. The PostgreSQL half runs where `ONECARD_TEST_POSTGRES_URL` names a server
//! (see `store::testing`) and otherwise prints that it was skipped.
//!
//! A test is an `async fn name(store: Arc<dyn Store>)` (or, for the tests that reach past the
//! store into the database, `async fn name(store: Arc<dyn Store>, url: String)`); `conformance!`
//! writes `sqlite_name` and `postgres_name` for it.

use chrono::{DateTime, Duration, NaiveDate, SubsecRound, Utc};
use domain::application::{Application, Change, Details, State};
use domain::audit::{AuditRecord, BrokenLink, GENESIS, chain_hash};
use domain::check::uscc_check;
use domain::city::City;
use domain::ids::{AccountId, ApplicationId, EmployerId, EventId, PermitId, PersonId};
use domain::ids::{DeliveryId, NoticeId};
use domain::notice::{Channel, Recipient, SitePath, Topic};
use domain::numbers::{PermitNumber, ReceiptNumber};
use domain::party::{Employer, EmployerKind, Person, Uscc};
use domain::permit::{Category, Medium, Permit, PermitStatus};
use domain::role::{Role, Scope};
use domain::values::{Email, Money, Nationality, PassportNumber, PersonName, Phone, Sex, Text};
use serde_json::json;
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use store::testing::TestDb;
use store::{
    Account, ApiToken, ApplicationFilter, Backend, Event, NewDelivery, NotificationSettings,
    PermitFilter, Session, Store, StoreError, StoredNotice, StoredResponse,
};
use uuid::Uuid;

// ------------------------------------------------------------------------------------------------
// Running each test on both backends.

macro_rules! conformance {
    (@call $test:ident url, $store:expr, $db:expr) => {
        $test($store, $db.url.clone()).await
    };
    (@call $test:ident, $store:expr, $db:expr) => {
        $test($store).await
    };
    ($( #[$attr:meta] $test:ident $(($url:ident))? => $sqlite:ident, $postgres:ident; )*) => {$(
        #[$attr]
        async fn $sqlite() {
            let db = TestDb::sqlite();
            let store = db.open().await;
            assert_eq!(store.backend(), Backend::Sqlite);
            conformance!(@call $test $($url)?, store.clone(), db);
            store.close().await;
            drop(db);
        }

        #[$attr]
        async fn $postgres() {
            let Some(db) = TestDb::postgres(stringify!($test)).await else {
                return;
            };
            let store = db.open().await;
            assert_eq!(store.backend(), Backend::Postgres);
            conformance!(@call $test $($url)?, store.clone(), db);
            store.close().await;
            drop(db);
        }
    )*};
}

conformance! {
    #[tokio::test] accounts_round_trip => sqlite_accounts_round_trip, postgres_accounts_round_trip;
    #[tokio::test] duplicate_username => sqlite_duplicate_username, postgres_duplicate_username;
    #[tokio::test] sessions => sqlite_sessions, postgres_sessions;
    #[tokio::test] api_tokens => sqlite_api_tokens, postgres_api_tokens;
    #[tokio::test] disabled_accounts_cannot_sign_in
        => sqlite_disabled_accounts_cannot_sign_in, postgres_disabled_accounts_cannot_sign_in;
    #[tokio::test] employers => sqlite_employers, postgres_employers;
    #[tokio::test] imports => sqlite_imports, postgres_imports;
    #[tokio::test] people => sqlite_people, postgres_people;
    #[tokio::test] applications_round_trip
        => sqlite_applications_round_trip, postgres_applications_round_trip;
    #[tokio::test] application_filters => sqlite_application_filters, postgres_application_filters;
    #[tokio::test] application_versions => sqlite_application_versions, postgres_application_versions;
    #[tokio::test] events => sqlite_events, postgres_events;
    #[tokio::test] permits => sqlite_permits, postgres_permits;
    #[tokio::test] counters => sqlite_counters, postgres_counters;
    #[tokio::test] receipt_serials => sqlite_receipt_serials, postgres_receipt_serials;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)] concurrent_serials
        => sqlite_concurrent_serials, postgres_concurrent_serials;
    #[tokio::test] idempotency => sqlite_idempotency, postgres_idempotency;
    #[tokio::test] assessments => sqlite_assessments, postgres_assessments;
    #[tokio::test] queue_by_deadline => sqlite_queue_by_deadline, postgres_queue_by_deadline;
    #[tokio::test] policies => sqlite_policies, postgres_policies;
    #[tokio::test] issuer_keys => sqlite_issuer_keys, postgres_issuer_keys;
    #[tokio::test] status_indexes => sqlite_status_indexes, postgres_status_indexes;
    #[tokio::test] token_uses => sqlite_token_uses, postgres_token_uses;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)] concurrent_token_uses
        => sqlite_concurrent_token_uses, postgres_concurrent_token_uses;
    #[tokio::test] card_registrations => sqlite_card_registrations, postgres_card_registrations;
    #[tokio::test] register_checks => sqlite_register_checks, postgres_register_checks;
    #[tokio::test] bulk_reads => sqlite_bulk_reads, postgres_bulk_reads;
    #[tokio::test] bulk_writes => sqlite_bulk_writes, postgres_bulk_writes;
    #[tokio::test] bulk_idempotency => sqlite_bulk_idempotency, postgres_bulk_idempotency;
    #[tokio::test] bulk_receipt_serials => sqlite_bulk_receipt_serials, postgres_bulk_receipt_serials;
    #[tokio::test] bulk_audit => sqlite_bulk_audit, postgres_bulk_audit;
    #[tokio::test] rollback => sqlite_rollback, postgres_rollback;
    #[tokio::test] audit_chain => sqlite_audit_chain, postgres_audit_chain;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)] concurrent_audit
        => sqlite_concurrent_audit, postgres_concurrent_audit;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)] verify_while_committing
        => sqlite_verify_while_committing, postgres_verify_while_committing;
    #[tokio::test] audit_log_is_append_only(url)
        => sqlite_audit_log_is_append_only, postgres_audit_log_is_append_only;
    #[tokio::test] audit_tampering_is_found(url)
        => sqlite_audit_tampering_is_found, postgres_audit_tampering_is_found;
    #[tokio::test] audit_truncation_is_found(url)
        => sqlite_audit_truncation_is_found, postgres_audit_truncation_is_found;
    #[tokio::test] identity_numbers_are_sealed_at_rest(url)
        => sqlite_identity_numbers_are_sealed_at_rest, postgres_identity_numbers_are_sealed_at_rest;
    #[tokio::test] another_data_key_is_refused(url)
        => sqlite_another_data_key_is_refused, postgres_another_data_key_is_refused;
    #[tokio::test] rows_written_before_sealing_are_sealed_on_open(url)
        => sqlite_rows_written_before_sealing_are_sealed_on_open,
           postgres_rows_written_before_sealing_are_sealed_on_open;
    #[tokio::test] upload_reuse => sqlite_upload_reuse, postgres_upload_reuse;
    #[tokio::test] issued_documents => sqlite_issued_documents, postgres_issued_documents;
    #[tokio::test] inbox => sqlite_inbox, postgres_inbox;
    #[tokio::test] notice_dedupe => sqlite_notice_dedupe, postgres_notice_dedupe;
    #[tokio::test] outbox_claims_and_leases
        => sqlite_outbox_claims_and_leases, postgres_outbox_claims_and_leases;
    #[tokio::test] outbox_claims_released
        => sqlite_outbox_claims_released, postgres_outbox_claims_released;
    #[tokio::test] backlog_counts_what_waits
        => sqlite_backlog_counts_what_waits, postgres_backlog_counts_what_waits;
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)] concurrent_claimers
        => sqlite_concurrent_claimers, postgres_concurrent_claimers;
    #[tokio::test] notification_settings => sqlite_notification_settings, postgres_notification_settings;
    #[tokio::test] permits_expiring => sqlite_permits_expiring, postgres_permits_expiring;
    #[tokio::test] contributions_and_claims
        => sqlite_contributions_and_claims, postgres_contributions_and_claims;
    #[tokio::test] visas => sqlite_visas, postgres_visas;
    #[tokio::test] sign_in_failures => sqlite_sign_in_failures, postgres_sign_in_failures;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)] concurrent_sign_in_failures
        => sqlite_concurrent_sign_in_failures, postgres_concurrent_sign_in_failures;
    #[tokio::test] sign_in_attempts => sqlite_sign_in_attempts, postgres_sign_in_attempts;
}

// ------------------------------------------------------------------------------------------------
// Test data.

/// Numbers that must be unique (USCCs, receipts, permit serials, passports), across the process.
static SERIAL: AtomicU64 = AtomicU64::new(1);

fn serial() -> u64 {
    SERIAL.fetch_add(1, Ordering::Relaxed)
}

/// Now, to the microsecond: what both databases keep of a timestamp.
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn city(code: &str) -> City {
    City::parse("city", code).expect("known city")
}

fn text(s: &str) -> Text {
    Text::parse("text", s, 500).expect("text")
}

fn name(surname: &str, given: &str) -> PersonName {
    PersonName::parse("name", surname, given).expect("name")
}

fn passport(s: &str) -> PassportNumber {
    PassportNumber::parse("passport", s).expect("passport number")
}

fn nationality(s: &str) -> Nationality {
    Nationality::parse("nationality", s).expect("nationality")
}

/// A valid unified social credit code never used before in this process.
fn fresh_uscc() -> Uscc {
    let first17 = format!("91{:015}", serial());
    let check = uscc_check(&first17).expect("digits");
    Uscc::parse("uscc", &format!("{first17}{check}")).expect("valid USCC")
}

fn fresh_passport() -> PassportNumber {
    passport(&format!("E{:08}", serial()))
}

fn receipt() -> ReceiptNumber {
    ReceiptNumber::new(date("2026-11-23"), serial())
}

fn permit_number(city_code: &str) -> PermitNumber {
    PermitNumber::new(city_code, date("2026-01-05"), serial()).expect("permit number")
}

fn employer(name: &str, city: City) -> Employer {
    Employer {
        id: EmployerId(Uuid::now_v7()),
        name: text(name),
        uscc: fresh_uscc(),
        city,
        kind: EmployerKind::Enterprise,
    }
}

fn person(employer_id: EmployerId, surname: &str, given: &str) -> Person {
    Person {
        id: PersonId(Uuid::now_v7()),
        employer_id,
        name: name(surname, given),
        nationality: nationality("GBR"),
        passport_number: fresh_passport(),
        date_of_birth: date("1990-04-17"),
        sex: Sex::F,
        email: Email::parse("email", "holder@example.com").expect("email"),
        phone: Some(Phone::parse("phone", "+86 138-0013-8000").expect("phone")),
    }
}

fn account(username: &str, scope: Scope) -> Account {
    Account {
        id: AccountId(Uuid::now_v7()),
        username: username.to_string(),
        display_name: format!("{username} 张伟"),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_string(),
        scope,
        disabled: false,
        created_at: now(),
    }
}

fn new_details() -> Details {
    Details::New {
        position: text("Senior engineer, 研发部"),
        annual_salary: Money::from_fen(45_000_000),
        contract_start: date("2027-01-01"),
        contract_end: date("2029-12-31"),
        requested_category: Some(Category::B),
    }
}

fn application(employer: &Employer, person: &Person, details: Details) -> Application {
    Application {
        id: ApplicationId(Uuid::now_v7()),
        receipt_number: receipt(),
        details,
        state: State::Draft,
        version: 1,
        employer_id: employer.id,
        person_id: person.id,
        city: employer.city,
        permit_number: None,
        created_at: now(),
        submitted_at: None,
        decided_at: None,
    }
}

fn permit(number: &PermitNumber, revision: i32, holder: &Person, employer: &Employer) -> Permit {
    Permit {
        id: PermitId(Uuid::now_v7()),
        number: number.clone(),
        revision,
        holder_id: holder.id,
        employer_id: employer.id,
        holder_name: holder.name.clone(),
        nationality: holder.nationality,
        passport_number: holder.passport_number.clone(),
        category: Category::B,
        position: text("Engineer"),
        city: employer.city,
        valid_from: date("2026-01-05"),
        valid_to: date("2028-01-04"),
        status: PermitStatus::Valid,
        status_changed_on: None,
        medium: Medium::Electronic,
        application_id: None,
    }
}

fn record(entity_id: &str, action: &str, details: serde_json::Value) -> AuditRecord {
    AuditRecord::new(now(), None, action, "application", entity_id, details)
}

/// Stores an employer and a person on its roster; returns both.
async fn seed_party(store: &Arc<dyn Store>, city_code: &str) -> (Employer, Person) {
    let e = employer("Acme Ltd", city(city_code));
    let p = person(e.id, "SMITH", "Jane");
    let mut tx = store.begin().await.unwrap();
    tx.insert_employer(&e, now()).await.unwrap();
    tx.insert_person(&p, now()).await.unwrap();
    tx.commit().await.unwrap();
    (e, p)
}

async fn seed_account(store: &Arc<dyn Store>, a: &Account) {
    let mut tx = store.begin().await.unwrap();
    tx.insert_account(a).await.unwrap();
    tx.commit().await.unwrap();
}

/// Commits one transaction holding `records`.
async fn commit_audit(store: &Arc<dyn Store>, records: Vec<AuditRecord>) {
    let mut tx = store.begin().await.unwrap();
    for r in records {
        tx.audit(r);
    }
    tx.commit().await.unwrap();
}

fn assert_same_account(got: &Account, want: &Account) {
    assert_eq!(got.id, want.id);
    assert_eq!(got.username, want.username);
    assert_eq!(got.display_name, want.display_name);
    assert_eq!(got.password_hash, want.password_hash);
    assert_eq!(got.scope, want.scope);
    assert_eq!(got.disabled, want.disabled);
    assert_eq!(got.created_at, want.created_at);
}

fn assert_conflict<T: std::fmt::Debug>(result: store::Result<T>, what: &str) {
    match result {
        Err(StoreError::Conflict(w)) if w == what => {}
        other => panic!("expected Conflict({what:?}), got {other:?}"),
    }
}

/// Runs one statement on a connection of its own, beside the store, as someone with database
/// access but not going through the application would.
async fn raw_execute(backend: Backend, url: &str, sql: &str) -> Result<u64, sqlx::Error> {
    use sqlx::Connection;
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    match backend {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(url).await?;
            let result = sqlx::query(sql).execute(&mut conn).await;
            conn.close().await?;
            Ok(result?.rows_affected())
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(url).await?;
            let result = sqlx::query(sql).execute(&mut conn).await;
            conn.close().await?;
            Ok(result?.rows_affected())
        }
    }
}

/// Lifts the append-only triggers of the audit log.
async fn disable_audit_triggers(backend: Backend, url: &str) {
    match backend {
        Backend::Sqlite => {
            raw_execute(backend, url, "DROP TRIGGER audit_log_no_update")
                .await
                .unwrap();
            raw_execute(backend, url, "DROP TRIGGER audit_log_no_delete")
                .await
                .unwrap();
        }
        Backend::Postgres => {
            raw_execute(
                backend,
                url,
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
            )
            .await
            .unwrap();
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Accounts, sessions and API tokens.

async fn accounts_round_trip(store: Arc<dyn Store>) {
    let beijing = city("110000");
    let (e, p) = seed_party(&store, "110000").await;
    let mut accounts = vec![
        account("applicant", Scope::Applicant { person_id: p.id }),
        account("hr", Scope::EmployerHr { employer_id: e.id }),
        account("labour", Scope::LabourOfficer { city: beijing }),
        account(
            "immigration",
            Scope::ImmigrationOfficer {
                city: city("310000"),
            },
        ),
        account(
            "social",
            Scope::SocialSecurityOfficer {
                city: city("440300"),
            },
        ),
        account("admin", Scope::Administrator),
    ];
    accounts[4].disabled = true;
    let roles: HashSet<Role> = accounts.iter().map(|a| a.scope.role()).collect();
    assert_eq!(roles.len(), Role::ALL.len(), "every role is covered");

    let mut tx = store.begin().await.unwrap();
    for a in &accounts {
        tx.insert_account(a).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = store.begin_read().await.unwrap();
    for a in &accounts {
        let by_name = tx.account_by_username(&a.username).await.unwrap();
        assert_same_account(&by_name.expect("found by username"), a);
        let by_id = tx.account(a.id).await.unwrap();
        assert_same_account(&by_id.expect("found by id"), a);
    }
    assert!(tx.account_by_username("nobody").await.unwrap().is_none());
    assert!(
        tx.account(AccountId(Uuid::now_v7()))
            .await
            .unwrap()
            .is_none()
    );
    let listed: Vec<String> = tx
        .list_accounts()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.username)
        .collect();
    let mut names: Vec<String> = accounts.iter().map(|a| a.username.clone()).collect();
    names.sort();
    assert_eq!(listed, names);
}

async fn duplicate_username(store: Arc<dyn Store>) {
    let first = account("zhang.wei", Scope::Administrator);
    seed_account(&store, &first).await;

    let second = account(
        "zhang.wei",
        Scope::LabourOfficer {
            city: city("110000"),
        },
    );
    let mut tx = store.begin().await.unwrap();
    assert_conflict(tx.insert_account(&second).await, "username");
    drop(tx);

    let mut tx = store.begin_read().await.unwrap();
    let stored = tx.account_by_username("zhang.wei").await.unwrap().unwrap();
    assert_same_account(&stored, &first);
    assert!(tx.account(second.id).await.unwrap().is_none());
    assert_eq!(tx.list_accounts().await.unwrap().len(), 1);
}

async fn sessions(store: Arc<dyn Store>) {
    let a = account("hr", Scope::Administrator);
    seed_account(&store, &a).await;
    let t0 = now();
    let session = |byte: u8, expires_at: DateTime<Utc>| Session {
        token_hash: vec![byte; 32],
        account_id: a.id,
        created_at: expires_at - Duration::hours(8),
        expires_at,
    };
    let live = session(1, t0 + Duration::hours(1));
    let expired = [
        session(2, t0 - Duration::hours(1)),
        session(3, t0 - Duration::seconds(1)),
        session(4, t0),
    ];
    let mut tx = store.begin().await.unwrap();
    tx.insert_session(&live).await.unwrap();
    for s in &expired {
        tx.insert_session(s).await.unwrap();
    }
    tx.commit().await.unwrap();

    // The look-up outside a transaction, as every request makes it, agrees with the one inside.
    let found = store.session_account(&live.token_hash, t0).await.unwrap();
    assert_same_account(&found.expect("live session"), &a);
    for s in &expired {
        assert!(
            store
                .session_account(&s.token_hash, t0)
                .await
                .unwrap()
                .is_none()
        );
    }
    let mut tx = store.begin_read().await.unwrap();
    let found = tx.session_account(&live.token_hash, t0).await.unwrap();
    assert_same_account(&found.expect("live session"), &a);
    let just_before = live.expires_at - Duration::microseconds(1);
    assert!(
        tx.session_account(&live.token_hash, just_before)
            .await
            .unwrap()
            .is_some()
    );
    // A session ends at its expiry instant.
    assert!(
        tx.session_account(&live.token_hash, live.expires_at)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        tx.session_account(&live.token_hash, live.expires_at + Duration::seconds(1))
            .await
            .unwrap()
            .is_none()
    );
    for s in &expired {
        assert!(
            tx.session_account(&s.token_hash, t0)
                .await
                .unwrap()
                .is_none()
        );
    }
    assert!(tx.session_account(&[9; 32], t0).await.unwrap().is_none());
    drop(tx);

    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.delete_expired_sessions(t0).await.unwrap(), 3);
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.delete_expired_sessions(t0).await.unwrap(), 0);
    assert!(
        tx.session_account(&live.token_hash, t0)
            .await
            .unwrap()
            .is_some(),
        "the live session survives the purge"
    );
    // The expired ones are gone, not merely hidden: an earlier `now` no longer finds them.
    assert!(
        tx.session_account(&expired[0].token_hash, t0 - Duration::days(1))
            .await
            .unwrap()
            .is_none()
    );
    tx.delete_session(&live.token_hash).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin_read().await.unwrap();
    assert!(
        tx.session_account(&live.token_hash, t0)
            .await
            .unwrap()
            .is_none()
    );
}

async fn api_tokens(store: Arc<dyn Store>) {
    let a = account("integration", Scope::Administrator);
    let b = account("other", Scope::Administrator);
    seed_account(&store, &a).await;
    seed_account(&store, &b).await;
    let mut tx = store.begin().await.unwrap();
    for (byte, owner) in [(7u8, &a), (8u8, &b)] {
        tx.insert_api_token(&ApiToken {
            token_hash: vec![byte; 32],
            account_id: owner.id,
            name: format!("CI token {byte} 持续集成"),
            created_at: now(),
        })
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    let found = store.api_token_account(&[8; 32]).await.unwrap();
    assert_same_account(&found.expect("token of b"), &b);
    assert!(store.api_token_account(&[9; 32]).await.unwrap().is_none());
    let mut tx = store.begin_read().await.unwrap();
    let found = tx.api_token_account(&[7; 32]).await.unwrap();
    assert_same_account(&found.expect("token of a"), &a);
    let found = tx.api_token_account(&[8; 32]).await.unwrap();
    assert_same_account(&found.expect("token of b"), &b);
    assert!(tx.api_token_account(&[9; 32]).await.unwrap().is_none());
    assert!(tx.api_token_account(&[]).await.unwrap().is_none());
}

async fn disabled_accounts_cannot_sign_in(store: Arc<dyn Store>) {
    let mut a = account("gone", Scope::Administrator);
    a.disabled = true;
    seed_account(&store, &a).await;
    let t0 = now();
    let mut tx = store.begin().await.unwrap();
    tx.insert_session(&Session {
        token_hash: vec![5; 32],
        account_id: a.id,
        created_at: t0,
        expires_at: t0 + Duration::hours(1),
    })
    .await
    .unwrap();
    tx.insert_api_token(&ApiToken {
        token_hash: vec![6; 32],
        account_id: a.id,
        name: "old token".into(),
        created_at: t0,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin_read().await.unwrap();
    assert!(tx.session_account(&[5; 32], t0).await.unwrap().is_none());
    assert!(tx.api_token_account(&[6; 32]).await.unwrap().is_none());
    // The account itself is still there, marked disabled.
    assert!(tx.account(a.id).await.unwrap().unwrap().disabled);
}

// ------------------------------------------------------------------------------------------------
// Employers and people.

async fn employers(store: Arc<dyn Store>) {
    let (beijing, shanghai) = (city("110000"), city("310000"));
    let beta = employer("Beta Ltd", beijing);
    let alpha = employer("Alpha Ltd", beijing);
    let gamma = Employer {
        kind: EmployerKind::University,
        ..employer("Gamma 上海大学", shanghai)
    };
    let mut tx = store.begin().await.unwrap();
    for e in [&beta, &alpha, &gamma] {
        tx.insert_employer(e, now()).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = store.begin_read().await.unwrap();
    for e in [&beta, &alpha, &gamma] {
        assert_eq!(tx.employer(e.id).await.unwrap().as_ref(), Some(e));
    }
    assert!(
        tx.employer(EmployerId(Uuid::now_v7()))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        tx.list_employers(Some(beijing)).await.unwrap(),
        vec![alpha.clone(), beta.clone()]
    );
    assert_eq!(
        tx.list_employers(Some(shanghai)).await.unwrap(),
        vec![gamma.clone()]
    );
    assert!(
        tx.list_employers(Some(city("440300")))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        tx.list_employers(None).await.unwrap(),
        vec![alpha.clone(), beta.clone(), gamma.clone()]
    );
    drop(tx);

    let copy = Employer {
        uscc: beta.uscc.clone(),
        ..employer("Copycat Ltd", shanghai)
    };
    let mut tx = store.begin().await.unwrap();
    assert_conflict(tx.insert_employer(&copy, now()).await, "uscc");
    drop(tx);
    let mut tx = store.begin_read().await.unwrap();
    assert!(tx.employer(copy.id).await.unwrap().is_none());
    assert_eq!(tx.list_employers(None).await.unwrap().len(), 3);
}

/// The bulk writes and look-ups of `onecard import`, and its checkpoint.
async fn imports(store: Arc<dyn Store>) {
    // 70 = 64 + 4 + 2 rows: several statement shapes.
    let employers: Vec<Employer> = (0..70)
        .map(|i| employer(&format!("Legacy {i} Ltd"), city("110000")))
        .collect();
    let people: Vec<Person> = (0..70)
        .map(|i| {
            person(
                employers[i].id,
                "DUPONT",
                if i % 2 == 0 { "" } else { "Jean" },
            )
        })
        .collect();
    let numbers: Vec<PermitNumber> = (0..70).map(|_| permit_number("110000")).collect();
    let permits: Vec<Permit> = (0..70)
        .map(|i| Permit {
            medium: Medium::PhysicalCard,
            ..permit(&numbers[i], 1, &people[i], &employers[i])
        })
        .collect();
    let (e0, p0) = seed_party(&store, "110000").await;
    let mut tx = store.begin().await.unwrap();
    tx.prepare_bulk_load().await.unwrap();
    // One permit before, by the single-row path: the bulk one continues its status indexes.
    let single = permit(&permit_number("110000"), 1, &p0, &e0);
    tx.insert_permit(&single, now()).await.unwrap();
    tx.insert_employers(&[], now()).await.unwrap();
    tx.insert_people(&[], now()).await.unwrap();
    tx.insert_permits(&[], now()).await.unwrap();
    tx.insert_employers(&employers, now()).await.unwrap();
    tx.insert_people(&people, now()).await.unwrap();
    tx.insert_permits(&permits, now()).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin_read().await.unwrap();
    let mut usccs: Vec<Uscc> = employers.iter().map(|e| e.uscc.clone()).collect();
    usccs.push(fresh_uscc());
    usccs.push(usccs[0].clone());
    let mut found = tx.employers_by_uscc(&usccs).await.unwrap();
    found.sort_by_key(|e| e.id.0);
    assert_eq!(found, employers);
    let mut keys: Vec<(Nationality, PassportNumber)> = people
        .iter()
        .map(|p| (p.nationality, p.passport_number.clone()))
        .collect();
    keys.push((nationality("FRA"), people[0].passport_number.clone()));
    let mut found = tx.people_by_passport(&keys).await.unwrap();
    found.sort_by_key(|p| p.id.0);
    assert_eq!(found, people);
    let mut asked = numbers.clone();
    asked.push(permit_number("110000"));
    let mut held = tx.permit_passports(&asked).await.unwrap();
    held.sort_by(|a, b| a.0.cmp(&b.0));
    let mut expected: Vec<_> = permits
        .iter()
        .map(|p| (p.number.clone(), p.nationality, p.passport_number.clone()))
        .collect();
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(held, expected);
    for (i, p) in permits.iter().enumerate() {
        assert_eq!(tx.permit(&p.number).await.unwrap().as_ref(), Some(p));
        assert_eq!(tx.status_index(p.id).await.unwrap(), Some(i as u64 + 1));
    }
    assert_eq!(tx.status_index_end().await.unwrap(), 71);
    drop(tx);

    // A taken number refuses the whole statement.
    let mut tx = store.begin().await.unwrap();
    let again = Permit {
        id: PermitId(Uuid::now_v7()),
        ..permits[3].clone()
    };
    assert_conflict(tx.insert_permits(&[again], now()).await, "permit_revision");
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    assert_conflict(
        tx.insert_people(&[people[5].clone()], now()).await,
        "passport_number",
    );
    drop(tx);

    // A counter is raised, never lowered.
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.next_serial("permit:110000:2023").await.unwrap(), 1);
    tx.raise_counter("permit:110000:2023", 40).await.unwrap();
    tx.raise_counter("permit:110000:2023", 7).await.unwrap();
    tx.raise_counter("permit:310000:2022", 5).await.unwrap();
    assert_eq!(tx.next_serial("permit:110000:2023").await.unwrap(), 41);
    assert_eq!(tx.next_serial("permit:310000:2022").await.unwrap(), 6);
    tx.commit().await.unwrap();

    // The checkpoint of a file, written and moved.
    let mut c = store::ImportCheckpoint {
        sha256: "ab".repeat(32),
        file_name: "cards.csv".into(),
        last_line: 10_001,
        imported: 9_990,
        present: 3,
        refused: 7,
        started_at: now(),
        updated_at: now(),
        finished_at: None,
    };
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.import_checkpoint(&c.sha256).await.unwrap(), None);
    tx.save_import_checkpoint(&c).await.unwrap();
    tx.commit().await.unwrap();
    c.last_line = 12_345;
    c.imported += 2_344;
    c.finished_at = Some(now());
    let mut tx = store.begin().await.unwrap();
    tx.save_import_checkpoint(&c).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(
        tx.import_checkpoint(&c.sha256).await.unwrap(),
        Some(c.clone())
    );
    assert_eq!(tx.import_checkpoint(&"cd".repeat(32)).await.unwrap(), None);
}

async fn people(store: Arc<dyn Store>) {
    let a = employer("Alpha Ltd", city("110000"));
    let b = employer("Beta Ltd", city("310000"));
    let smith = person(a.id, "SMITH", "Jane");
    let adams = Person {
        phone: None,
        sex: Sex::M,
        nationality: nationality("USA"),
        ..person(a.id, "ADAMS", "")
    };
    let li = Person {
        nationality: nationality("SGP"),
        ..person(b.id, "李", "小龙")
    };
    let mut tx = store.begin().await.unwrap();
    tx.insert_employer(&a, now()).await.unwrap();
    tx.insert_employer(&b, now()).await.unwrap();
    for p in [&smith, &adams, &li] {
        tx.insert_person(p, now()).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = store.begin_read().await.unwrap();
    for p in [&smith, &adams, &li] {
        assert_eq!(tx.person(p.id).await.unwrap().as_ref(), Some(p));
    }
    assert!(tx.person(PersonId(Uuid::now_v7())).await.unwrap().is_none());
    assert_eq!(
        tx.list_people(a.id).await.unwrap(),
        vec![adams.clone(), smith.clone()]
    );
    assert_eq!(tx.list_people(b.id).await.unwrap(), vec![li.clone()]);
    drop(tx);

    // Married, moved to employer B, new passport.
    let moved = Person {
        employer_id: b.id,
        name: name("MÜLLER-SMITH", "Jane Anne"),
        passport_number: fresh_passport(),
        email: Email::parse("email", "jane@example.de").unwrap(),
        phone: None,
        ..smith.clone()
    };
    let mut tx = store.begin().await.unwrap();
    tx.update_person(&moved).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(tx.person(smith.id).await.unwrap(), Some(moved.clone()));
    assert_eq!(tx.list_people(a.id).await.unwrap(), vec![adams.clone()]);
    assert_eq!(
        tx.list_people(b.id).await.unwrap(),
        vec![moved.clone(), li.clone()]
    );
    drop(tx);

    // The same passport of the same country is one person.
    let twin = Person {
        passport_number: adams.passport_number.clone(),
        nationality: adams.nationality,
        ..person(b.id, "ADAMS", "John")
    };
    let mut tx = store.begin().await.unwrap();
    assert_conflict(tx.insert_person(&twin, now()).await, "passport_number");
    drop(tx);

    // The same number from another country is another passport.
    let namesake = Person {
        passport_number: adams.passport_number.clone(),
        nationality: nationality("CAN"),
        ..person(b.id, "ADAMS", "John")
    };
    let mut tx = store.begin().await.unwrap();
    tx.insert_person(&namesake, now()).await.unwrap();
    tx.commit().await.unwrap();

    // ... until an update makes it the same.
    let clash = Person {
        nationality: adams.nationality,
        ..namesake.clone()
    };
    let mut tx = store.begin().await.unwrap();
    assert_conflict(tx.update_person(&clash).await, "passport_number");
    drop(tx);

    let mut tx = store.begin_read().await.unwrap();
    assert!(tx.person(twin.id).await.unwrap().is_none());
    assert_eq!(tx.person(namesake.id).await.unwrap(), Some(namesake));
    assert_eq!(tx.person(adams.id).await.unwrap(), Some(adams));
}

// ------------------------------------------------------------------------------------------------
// Applications and their events.

async fn applications_round_trip(store: Arc<dyn Store>) {
    let (e, p) = seed_party(&store, "110000").await;
    let number = permit_number("110000");
    let t = now();
    let new = application(&e, &p, new_details());
    let extension = Application {
        state: State::Submitted,
        permit_number: Some(number.clone()),
        submitted_at: Some(t),
        version: 3,
        ..application(
            &e,
            &p,
            Details::Extension {
                permit_number: number.clone(),
                contract_end: date("2030-06-30"),
            },
        )
    };
    let change_name = Application {
        state: State::Approved,
        permit_number: Some(number.clone()),
        submitted_at: Some(t - Duration::days(3)),
        decided_at: Some(t),
        version: 7,
        ..application(
            &e,
            &p,
            Details::Change {
                permit_number: number.clone(),
                change: Change::Name {
                    new_name: name("王", "丽娜"),
                },
                change_date: date("2026-11-20"),
            },
        )
    };
    let change_passport = application(
        &e,
        &p,
        Details::Change {
            permit_number: number.clone(),
            change: Change::Passport {
                new_passport_number: passport("K98765432"),
            },
            change_date: date("2026-11-21"),
        },
    );
    let change_position = application(
        &e,
        &p,
        Details::Change {
            permit_number: number.clone(),
            change: Change::Position {
                new_position: text("Chief \"data\" officer / 首席数据官"),
            },
            change_date: date("2026-11-21"),
        },
    );
    let change_employer = application(
        &e,
        &p,
        Details::Change {
            permit_number: number.clone(),
            change: Change::Employer,
            change_date: date("2026-11-22"),
        },
    );
    let cancellation = Application {
        state: State::Withdrawn,
        ..application(
            &e,
            &p,
            Details::Cancellation {
                permit_number: number.clone(),
                employment_end: date("2026-11-15"),
                reason: text("合同到期 — contract ended"),
            },
        )
    };
    let no_category = application(
        &e,
        &p,
        Details::New {
            position: text("Teacher"),
            annual_salary: Money::from_fen(1),
            contract_start: date("2027-02-01"),
            contract_end: date("2028-01-31"),
            requested_category: None,
        },
    );
    let all = [
        &new,
        &extension,
        &change_name,
        &change_passport,
        &change_position,
        &change_employer,
        &cancellation,
        &no_category,
    ];
    let kinds: HashSet<&str> = all.iter().map(|a| a.kind().as_str()).collect();
    assert_eq!(kinds.len(), 4, "every kind of details is covered");

    let mut tx = store.begin().await.unwrap();
    for a in all {
        tx.insert_application(a).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = store.begin_read().await.unwrap();
    for a in all {
        assert_eq!(tx.application(a.id).await.unwrap().as_ref(), Some(a));
    }
    assert!(
        tx.application(ApplicationId(Uuid::now_v7()))
            .await
            .unwrap()
            .is_none()
    );
    drop(tx);

    let same_receipt = Application {
        receipt_number: new.receipt_number.clone(),
        ..application(&e, &p, new_details())
    };
    let mut tx = store.begin().await.unwrap();
    assert_conflict(tx.insert_application(&same_receipt).await, "receipt_number");
}

async fn application_filters(store: Arc<dyn Store>) {
    let (beijing, shanghai) = (city("110000"), city("310000"));
    let e1 = employer("One Ltd", beijing);
    let e2 = employer("Two Ltd", beijing);
    let e3 = employer("Three Ltd", shanghai);
    let p1 = person(e1.id, "ONE", "");
    let p2 = person(e1.id, "TWO", "");
    let p3 = person(e2.id, "THREE", "");
    let p4 = person(e3.id, "FOUR", "");
    let t0 = now() - Duration::days(1);
    let minutes = |m: i64| t0 + Duration::minutes(m);
    let app = |e: &Employer, p: &Person, state: State, created: i64, submitted: Option<i64>| {
        Application {
            state,
            created_at: minutes(created),
            submitted_at: submitted.map(minutes),
            ..application(e, p, new_details())
        }
    };
    let a0 = app(&e1, &p1, State::Draft, 0, None);
    let a1 = app(&e1, &p1, State::Submitted, 1, Some(50));
    let a2 = app(&e1, &p2, State::UnderReview, 2, Some(40));
    let a3 = app(&e2, &p3, State::Submitted, 3, Some(30));
    let a4 = app(&e3, &p4, State::Submitted, 4, Some(20));
    let a5 = Application {
        decided_at: Some(minutes(60)),
        ..app(&e2, &p3, State::Approved, 5, Some(10))
    };
    let mut tx = store.begin().await.unwrap();
    for e in [&e1, &e2, &e3] {
        tx.insert_employer(e, now()).await.unwrap();
    }
    for p in [&p1, &p2, &p3, &p4] {
        tx.insert_person(p, now()).await.unwrap();
    }
    // Inserted out of order, so that the order read back is the store's.
    for a in [&a3, &a0, &a5, &a1, &a4, &a2] {
        tx.insert_application(a).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = store.begin_read().await.unwrap();
    let mut list = async |f: ApplicationFilter| -> Vec<ApplicationId> {
        tx.list_applications(&f)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect()
    };

    // Newest creation first by default.
    assert_eq!(
        list(ApplicationFilter::default()).await,
        [&a5, &a4, &a3, &a2, &a1, &a0].map(|a| a.id)
    );
    let limited = ApplicationFilter {
        limit: 2,
        ..Default::default()
    };
    assert_eq!(list(limited).await, [a5.id, a4.id]);
    let by_employer = ApplicationFilter {
        employer_id: Some(e1.id),
        ..Default::default()
    };
    assert_eq!(list(by_employer).await, [a2.id, a1.id, a0.id]);
    let by_person = ApplicationFilter {
        person_id: Some(p3.id),
        ..Default::default()
    };
    assert_eq!(list(by_person).await, [a5.id, a3.id]);
    let by_both = ApplicationFilter {
        employer_id: Some(e1.id),
        person_id: Some(p2.id),
        ..Default::default()
    };
    assert_eq!(list(by_both).await, [a2.id]);
    let mismatch = ApplicationFilter {
        employer_id: Some(e3.id),
        person_id: Some(p1.id),
        ..Default::default()
    };
    assert!(list(mismatch).await.is_empty());
    let by_city = ApplicationFilter {
        city: Some(shanghai),
        ..Default::default()
    };
    assert_eq!(list(by_city).await, [a4.id]);
    let by_city = ApplicationFilter {
        city: Some(beijing),
        ..Default::default()
    };
    assert_eq!(list(by_city).await, [a5.id, a3.id, a2.id, a1.id, a0.id]);
    let elsewhere = ApplicationFilter {
        city: Some(city("440300")),
        ..Default::default()
    };
    assert!(list(elsewhere).await.is_empty());
    let submitted = ApplicationFilter {
        states: vec![State::Submitted],
        ..Default::default()
    };
    assert_eq!(list(submitted).await, [a4.id, a3.id, a1.id]);

    // The officer queue: oldest submission first.
    let queue = ApplicationFilter {
        city: Some(beijing),
        states: vec![State::Submitted, State::UnderReview],
        by_deadline: true,
        ..Default::default()
    };
    assert_eq!(list(queue).await, [a3.id, a2.id, a1.id]);
    let queue = ApplicationFilter {
        states: vec![State::Submitted],
        by_deadline: true,
        limit: 2,
        ..Default::default()
    };
    assert_eq!(list(queue).await, [a4.id, a3.id]);
    // What was never submitted comes after everything that was, on either database.
    let everything = ApplicationFilter {
        by_deadline: true,
        ..Default::default()
    };
    assert_eq!(
        list(everything).await,
        [&a5, &a4, &a3, &a2, &a1, &a0].map(|a| a.id)
    );
}

async fn application_versions(store: Arc<dyn Store>) {
    let (e, p) = seed_party(&store, "110000").await;
    let draft = application(&e, &p, new_details());
    let mut tx = store.begin().await.unwrap();
    tx.insert_application(&draft).await.unwrap();
    tx.commit().await.unwrap();

    let t = now();
    let submitted = Application {
        state: State::Submitted,
        submitted_at: Some(t),
        details: Details::New {
            position: text("Principal engineer"),
            annual_salary: Money::from_fen(60_000_000),
            contract_start: date("2027-03-01"),
            contract_end: date("2030-02-28"),
            requested_category: Some(Category::A),
        },
        ..draft.clone()
    };
    let mut tx = store.begin().await.unwrap();
    assert!(tx.update_application(&submitted, 1).await.unwrap());
    tx.commit().await.unwrap();
    let mut tx = store.begin_read().await.unwrap();
    let stored = tx.application(draft.id).await.unwrap().unwrap();
    assert_eq!(
        stored,
        Application {
            version: 2,
            ..submitted.clone()
        }
    );
    drop(tx);

    // A decision made on what version 1 showed comes too late.
    let stale = Application {
        state: State::Approved,
        permit_number: Some(permit_number("110000")),
        decided_at: Some(t + Duration::hours(1)),
        ..draft.clone()
    };
    let mut tx = store.begin().await.unwrap();
    assert!(!tx.update_application(&stale, 1).await.unwrap());
    tx.commit().await.unwrap();
    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(
        tx.application(draft.id).await.unwrap(),
        Some(stored.clone())
    );
    drop(tx);

    // One made on version 2 goes through, and writes every stamp.
    let mut tx = store.begin().await.unwrap();
    assert!(tx.update_application(&stale, 2).await.unwrap());
    tx.commit().await.unwrap();
    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(
        tx.application(draft.id).await.unwrap(),
        Some(Application {
            version: 3,
            ..stale.clone()
        })
    );
    drop(tx);

    // A missing application is not updated either.
    let ghost = application(&e, &p, new_details());
    let mut tx = store.begin().await.unwrap();
    assert!(!tx.update_application(&ghost, 1).await.unwrap());
    assert!(tx.application(ghost.id).await.unwrap().is_none());
}

async fn events(store: Arc<dyn Store>) {
    let (e, p) = seed_party(&store, "110000").await;
    let hr = account("hr", Scope::EmployerHr { employer_id: e.id });
    seed_account(&store, &hr).await;
    let app = application(&e, &p, new_details());
    let other = application(&e, &p, new_details());
    let t = now();
    let created = Event {
        id: EventId(Uuid::now_v7()),
        application_id: app.id,
        at: t,
        actor_id: Some(hr.id),
        actor_name: "HR 张伟".into(),
        actor_role: Some(Role::EmployerHr),
        action: "created".into(),
        from_state: None,
        to_state: State::Draft,
        notes: vec![],
    };
    let submitted = Event {
        id: EventId(Uuid::now_v7()),
        at: t + Duration::seconds(1),
        action: "submit".into(),
        from_state: Some(State::Draft),
        to_state: State::Submitted,
        ..created.clone()
    };
    let returned = Event {
        id: EventId(Uuid::now_v7()),
        at: t + Duration::seconds(2),
        actor_id: None,
        actor_name: "系统".into(),
        actor_role: None,
        action: "return".into(),
        from_state: Some(State::Submitted),
        to_state: State::Returned,
        notes: vec![
            "缺少护照复印件".into(),
            "Contract page 2 is not \"signed\"".into(),
            "line one\nline two 🚀".into(),
        ],
        ..created.clone()
    };
    let elsewhere = Event {
        id: EventId(Uuid::now_v7()),
        application_id: other.id,
        ..created.clone()
    };
    let mut tx = store.begin().await.unwrap();
    tx.insert_application(&app).await.unwrap();
    tx.insert_application(&other).await.unwrap();
    for ev in [&returned, &elsewhere, &created, &submitted] {
        tx.insert_event(ev).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(
        tx.events(app.id).await.unwrap(),
        vec![created.clone(), submitted, returned]
    );
    assert_eq!(tx.events(other.id).await.unwrap(), vec![elsewhere]);
    assert!(
        tx.events(ApplicationId(Uuid::now_v7()))
            .await
            .unwrap()
            .is_empty()
    );
}

// ------------------------------------------------------------------------------------------------
// Permits.

async fn permits(store: Arc<dyn Store>) {
    let (e1, p1) = seed_party(&store, "110000").await;
    let (e2, p2) = seed_party(&store, "310000").await;
    let app = application(&e1, &p1, new_details());
    let n1 = permit_number("110000");
    let n3 = permit_number("110000");
    let n2 = permit_number("310000");
    let n1r1 = Permit {
        medium: Medium::PhysicalCard,
        ..permit(&n1, 1, &p1, &e1)
    };
    let n1r2 = Permit {
        valid_to: date("2030-01-04"),
        category: Category::A,
        position: text("Chief engineer 总工程师"),
        application_id: Some(app.id),
        ..permit(&n1, 2, &p1, &e1)
    };
    let n2r1 = permit(&n2, 1, &p2, &e2);
    let n3r1 = Permit {
        status: PermitStatus::Cancelled,
        status_changed_on: Some(date("2026-06-30")),
        holder_name: name("SMITH", ""),
        ..permit(&n3, 1, &p1, &e1)
    };
    let mut tx = store.begin().await.unwrap();
    tx.insert_application(&app).await.unwrap();
    for p in [&n1r1, &n2r1, &n3r1] {
        tx.insert_permit(p, now()).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(tx.permit(&n1).await.unwrap(), Some(n1r1.clone()));
    drop(tx);

    // The extension: revision 2 supersedes revision 1.
    let superseded_on = date("2027-12-01");
    let mut tx = store.begin().await.unwrap();
    tx.insert_permit(&n1r2, now()).await.unwrap();
    tx.set_permit_status(n1r1.id, PermitStatus::Superseded, superseded_on)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let n1r1 = Permit {
        status: PermitStatus::Superseded,
        status_changed_on: Some(superseded_on),
        ..n1r1
    };

    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(tx.permit(&n1).await.unwrap(), Some(n1r2.clone()));
    assert_eq!(
        tx.permit_revisions(&n1).await.unwrap(),
        vec![n1r1.clone(), n1r2.clone()]
    );
    assert_eq!(tx.permit(&n3).await.unwrap(), Some(n3r1.clone()));
    let unknown = permit_number("110000");
    assert!(tx.permit(&unknown).await.unwrap().is_none());
    assert!(tx.permit_revisions(&unknown).await.unwrap().is_empty());

    let mut latest = vec![n1r2.clone(), n2r1.clone(), n3r1.clone()];
    latest.sort_by(|a, b| a.number.cmp(&b.number));
    assert_eq!(
        tx.list_permits(&PermitFilter::default()).await.unwrap(),
        latest
    );
    let limited = PermitFilter {
        limit: 1,
        ..Default::default()
    };
    assert_eq!(tx.list_permits(&limited).await.unwrap(), latest[..1]);
    let by_holder = PermitFilter {
        holder_id: Some(p1.id),
        ..Default::default()
    };
    assert_eq!(
        tx.list_permits(&by_holder).await.unwrap(),
        vec![n1r2.clone(), n3r1.clone()]
    );
    let by_employer = PermitFilter {
        employer_id: Some(e2.id),
        ..Default::default()
    };
    assert_eq!(
        tx.list_permits(&by_employer).await.unwrap(),
        vec![n2r1.clone()]
    );
    let by_city = PermitFilter {
        city: Some(city("310000")),
        ..Default::default()
    };
    assert_eq!(tx.list_permits(&by_city).await.unwrap(), vec![n2r1.clone()]);
    let none = PermitFilter {
        holder_id: Some(p2.id),
        city: Some(city("110000")),
        ..Default::default()
    };
    assert!(tx.list_permits(&none).await.unwrap().is_empty());
    drop(tx);

    let again = permit(&n1, 2, &p1, &e1);
    let mut tx = store.begin().await.unwrap();
    assert_conflict(tx.insert_permit(&again, now()).await, "permit_revision");
    drop(tx);
    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(tx.permit_revisions(&n1).await.unwrap(), vec![n1r1, n1r2]);
}

// ------------------------------------------------------------------------------------------------
// Counters.

async fn counters(store: Arc<dyn Store>) {
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.next_serial("permit:110000:2026").await.unwrap(), 1);
    assert_eq!(tx.next_serial("permit:110000:2026").await.unwrap(), 2);
    assert_eq!(tx.next_serial("permit:310000:2026").await.unwrap(), 1);
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.next_serial("permit:110000:2026").await.unwrap(), 3);
    assert_eq!(tx.next_serial("permit:310000:2026").await.unwrap(), 2);
    assert_eq!(tx.next_serial("permit:110000:2027").await.unwrap(), 1);
    tx.commit().await.unwrap();

    // A counter is taken inside the transaction: a rollback gives the value back.
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.next_serial("permit:110000:2026").await.unwrap(), 4);
    assert_eq!(tx.next_serial("fresh").await.unwrap(), 1);
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.next_serial("permit:110000:2026").await.unwrap(), 4);
    assert_eq!(tx.next_serial("fresh").await.unwrap(), 1);
    tx.commit().await.unwrap();
}

async fn receipt_serials(store: Arc<dyn Store>) {
    let mut committed = Vec::new();
    for round in 0..5 {
        let mut tx = store.begin().await.unwrap();
        committed.push(tx.next_receipt_serial().await.unwrap());
        if round % 2 == 0 {
            committed.push(tx.next_receipt_serial().await.unwrap());
        }
        tx.commit().await.unwrap();
        // A rolled-back transaction in between may leave a gap, never a repeat.
        let mut tx = store.begin().await.unwrap();
        tx.next_receipt_serial().await.unwrap();
        drop(tx);
    }
    assert!(committed[0] >= 1);
    assert!(
        committed.windows(2).all(|w| w[0] < w[1]),
        "receipt serials strictly increase: {committed:?}"
    );
}

async fn concurrent_serials(store: Arc<dyn Store>) {
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut tx = store.begin().await.unwrap();
                let serial = tx.next_serial("concurrent").await.unwrap();
                tokio::task::yield_now().await;
                let receipt = tx.next_receipt_serial().await.unwrap();
                tx.commit().await.unwrap();
                (serial, receipt)
            })
        })
        .collect();
    let mut serials = Vec::new();
    let mut receipts = Vec::new();
    for t in tasks {
        let (s, r) = t.await.unwrap();
        serials.push(s);
        receipts.push(r);
    }
    serials.sort_unstable();
    assert_eq!(serials, (1..=20).collect::<Vec<u64>>());
    receipts.sort_unstable();
    receipts.dedup();
    assert_eq!(receipts.len(), 20, "receipt serials are distinct");

    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.next_serial("concurrent").await.unwrap(), 21);
}

// ------------------------------------------------------------------------------------------------
// Idempotency keys.

async fn idempotency(store: Arc<dyn Store>) {
    let a = AccountId(Uuid::now_v7());
    let b = AccountId(Uuid::now_v7());
    let first = StoredResponse {
        request_hash: vec![0xab; 32],
        status: 201,
        body: r#"{"receipt_number":"A2026112300000042X","name":"王丽娜"}"#.into(),
    };
    let mut tx = store.begin().await.unwrap();
    assert!(tx.idempotent_response(a, "key-1").await.unwrap().is_none());
    tx.store_idempotent_response(a, "key-1", &first, now())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(
        tx.idempotent_response(a, "key-1").await.unwrap(),
        Some(first.clone())
    );
    assert!(tx.idempotent_response(a, "key-2").await.unwrap().is_none());
    assert!(tx.idempotent_response(b, "key-1").await.unwrap().is_none());
    drop(tx);

    // Keys belong to an account: another may use the same one.
    let other = StoredResponse {
        request_hash: vec![0xcd; 32],
        status: 409,
        body: String::new(),
    };
    let mut tx = store.begin().await.unwrap();
    tx.store_idempotent_response(b, "key-1", &other, now())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    assert_conflict(
        tx.store_idempotent_response(a, "key-1", &other, now())
            .await,
        "idempotency_key",
    );
    drop(tx);
    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(
        tx.idempotent_response(a, "key-1").await.unwrap(),
        Some(first)
    );
    assert_eq!(
        tx.idempotent_response(b, "key-1").await.unwrap(),
        Some(other)
    );
}

// ------------------------------------------------------------------------------------------------
// Assessments, deadlines and policy versions.

fn assessed_facts(on: NaiveDate) -> domain::policy::Facts {
    use domain::policy::*;
    Facts {
        applicant: ApplicantFacts {
            date_of_birth: BirthDate::new("date_of_birth", date("1988-04-02"), on).unwrap(),
            nationality: nationality("DEU"),
            profile: Profile {
                education: Education::Master,
                experience_years: Years::new("years", 6).unwrap(),
                months_in_china: MonthsPerYear::new("months", 12).unwrap(),
                chinese: ChineseFacts {
                    hsk_level: Some(HskLevel::new("hsk", 4).unwrap()),
                    ..Default::default()
                },
                extras: ExtrasFacts::default(),
                talent: TalentFacts::default(),
                founder: None,
                accompanying_family: true,
            },
        },
        employer: EmployerFacts {
            kind: EmployerKind::Enterprise,
            city: city("110000"),
            multinational: false,
        },
        position: text("Data scientist 数据科学家"),
        annual_salary: Money::from_fen(48_000_000),
        kind: domain::application::ApplicationKind::New,
        region: city("110000"),
        requested_period: Some(
            Period::new("period", date("2027-01-01"), date("2029-12-31")).unwrap(),
        ),
        assessed_on: on,
        submitted_on: Some(on),
        current_permit: None,
        documents_on_file: Vec::new(),
    }
}

fn profile() -> domain::profile::Profile {
    use domain::policy::*;
    domain::profile::Profile {
        education: Education::Doctorate,
        experience_years: Years::new("years", 3).unwrap(),
        months_in_china: MonthsPerYear::new("months", 9).unwrap(),
        chinese: ChineseFacts::default(),
        extras: ExtrasFacts::default(),
        talent: TalentFacts {
            postdoctoral_work: true,
            ..Default::default()
        },
        founder: None,
        accompanying_family: false,
    }
}

async fn assessments(store: Arc<dyn Store>) {
    let (e, p) = seed_party(&store, "110000").await;
    let apps: Vec<Application> = (0..3).map(|_| application(&e, &p, new_details())).collect();
    let on = date("2026-11-24");
    let facts = assessed_facts(on);
    let result = domain::policy::Policy::national_default().assess(&facts);
    let full = store::AssessmentRecord {
        application_id: apps[0].id,
        profile: Some(profile()),
        policy_version: Some(result.policy_version.clone()),
        pre_review_due: Some(date("2026-12-01")),
        decision_due: Some(date("2026-12-22")),
        facts: Some(facts),
        result: Some(result),
    };
    let draft = store::AssessmentRecord::profile_only(apps[1].id, profile());
    let deadlines_only = store::AssessmentRecord {
        application_id: apps[2].id,
        profile: None,
        policy_version: Some("national-2017".into()),
        pre_review_due: Some(date("2026-12-01")),
        decision_due: Some(date("2026-12-08")),
        facts: None,
        result: None,
    };
    let mut tx = store.begin().await.unwrap();
    tx.insert_applications(&apps).await.unwrap();
    tx.upsert_assessments(&[]).await.unwrap();
    tx.upsert_assessments(&[full.clone(), draft.clone(), deadlines_only.clone()])
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin_read().await.unwrap();
    let mut got = tx
        .assessments(&[
            apps[2].id,
            apps[0].id,
            apps[1].id,
            ApplicationId(Uuid::now_v7()),
        ])
        .await
        .unwrap();
    got.sort_by_key(|r| r.application_id.0);
    assert_eq!(
        got,
        vec![full.clone(), draft.clone(), deadlines_only.clone()]
    );
    // Only what was assessed is re-evaluated, in id order, in pages.
    let assessed = |r: &store::AssessmentRecord, app: &Application| store::Assessed {
        application_id: r.application_id,
        receipt_number: app.receipt_number.clone(),
        policy_version: r.policy_version.clone().unwrap(),
        facts: r.facts.clone().unwrap(),
        category: r.result.as_ref().unwrap().category,
        eligible: r.result.as_ref().unwrap().eligible(),
    };
    let page = tx.assessed_after(None, 10).await.unwrap();
    assert_eq!(page, vec![assessed(&full, &apps[0])]);
    assert!(
        tx.assessed_after(Some(apps[0].id), 10)
            .await
            .unwrap()
            .is_empty()
    );
    drop(tx);

    // Submission replaces the draft's record.
    let submitted = store::AssessmentRecord {
        application_id: apps[1].id,
        ..full.clone()
    };
    let mut tx = store.begin().await.unwrap();
    tx.upsert_assessments(std::slice::from_ref(&submitted))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(
        tx.assessments(&[apps[1].id]).await.unwrap(),
        vec![submitted.clone()]
    );
    let mut all = tx.assessed_after(None, 1).await.unwrap();
    all.extend(
        tx.assessed_after(Some(all[0].application_id), 1)
            .await
            .unwrap(),
    );
    let mut want = vec![assessed(&full, &apps[0]), assessed(&submitted, &apps[1])];
    want.sort_by_key(|r| r.application_id.0);
    assert_eq!(all, want);
}

async fn queue_by_deadline(store: Arc<dyn Store>) {
    let (e, p) = seed_party(&store, "120000").await;
    let t = now();
    // Submitted one after another: a, b, c; d is under review.
    let submitted = |i: i64, state: State| Application {
        state,
        submitted_at: Some(t + Duration::seconds(i)),
        ..application(&e, &p, new_details())
    };
    let [a, b, c, d] = [
        submitted(0, State::Submitted),
        submitted(1, State::Submitted),
        submitted(2, State::Submitted),
        submitted(3, State::UnderReview),
    ];
    let due = |app: &Application, pre: &str, decision: &str| store::AssessmentRecord {
        application_id: app.id,
        profile: None,
        policy_version: Some("national-2017".into()),
        pre_review_due: Some(date(pre)),
        decision_due: Some(date(decision)),
        facts: None,
        result: None,
    };
    let mut tx = store.begin().await.unwrap();
    tx.insert_applications(&[a.clone(), b.clone(), c.clone(), d.clone()])
        .await
        .unwrap();
    // Pre-review deadlines count while submitted, the decision's after: d's pre-review date has
    // passed, but its decision is due on 1 December.
    tx.upsert_assessments(&[
        due(&a, "2026-12-10", "2027-01-05"),
        due(&b, "2026-12-03", "2026-12-28"),
        due(&d, "2026-11-01", "2026-12-01"),
    ])
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let queue = || ApplicationFilter {
        city: Some(city("120000")),
        by_deadline: true,
        ..Default::default()
    };
    let ids = |apps: Vec<Application>| apps.into_iter().map(|a| a.id).collect::<Vec<_>>();
    let mut tx = store.begin_read().await.unwrap();
    // c has no deadline: last.
    assert_eq!(
        ids(tx.list_applications(&queue()).await.unwrap()),
        [d.id, b.id, a.id, c.id]
    );
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    tx.upsert_assessments(&[due(&a, "2026-11-30", "2027-01-05")])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(
        ids(tx.list_applications(&queue()).await.unwrap()),
        [a.id, d.id, b.id, c.id]
    );
}

async fn policies(store: Arc<dyn Store>) {
    let admin = account("policy-admin", Scope::Administrator);
    seed_account(&store, &admin).await;
    let policy = |version: &str, from: &str| store::StoredPolicy {
        version: version.into(),
        effective_from: date(from),
        file_name: format!("{version}.toml"),
        source: format!("version = \"{version}\"\n# 政策\n"),
        loaded_at: now(),
        loaded_by: Some(admin.id),
    };
    let later = policy("beijing-2027", "2027-01-01");
    let earlier = policy("beijing-2026b", "2026-07-01");
    let mut tx = store.begin().await.unwrap();
    assert!(tx.policies().await.unwrap().is_empty());
    tx.insert_policy(&later).await.unwrap();
    tx.insert_policy(&earlier).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    assert_conflict(
        tx.insert_policy(&policy("beijing-2027", "2028-01-01"))
            .await,
        "policy_version",
    );
    drop(tx);
    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(tx.policies().await.unwrap(), vec![earlier, later]);
}

async fn issuer_keys(store: Arc<dyn Store>) {
    let key = |n: u8, created: DateTime<Utc>| store::StoredIssuerKey {
        kid: vec![n; 8],
        role: if n == 2 {
            store::KeyRole::Root
        } else {
            store::KeyRole::Signing
        },
        public_key: vec![n; 32],
        sealed_seed: vec![n ^ 0xff; 60],
        created_at: created,
        retired_at: None,
    };
    let (first, second) = (key(1, now() - Duration::days(400)), key(2, now()));
    let mut tx = store.begin().await.unwrap();
    assert!(tx.issuer_keys().await.unwrap().is_empty());
    tx.insert_issuer_key(&second).await.unwrap();
    tx.insert_issuer_key(&first).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    assert_conflict(tx.insert_issuer_key(&key(1, now())).await, "issuer_key");
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        tx.issuer_keys().await.unwrap(),
        vec![first.clone(), second.clone()]
    );
    let at = now();
    assert!(tx.retire_issuer_key(&first.kid, at).await.unwrap());
    assert!(
        !tx.retire_issuer_key(&first.kid, at).await.unwrap(),
        "retired once"
    );
    assert!(
        !tx.retire_issuer_key(&[9; 8], at).await.unwrap(),
        "no such key"
    );
    tx.commit().await.unwrap();
    let mut tx = store.begin_read().await.unwrap();
    let keys = tx.issuer_keys().await.unwrap();
    assert_eq!(keys[0].retired_at, Some(at));
    assert_eq!(keys[1].retired_at, None);
    assert!(
        !format!("{:?}", keys[0]).contains("254"),
        "the sealed seed is not printed"
    );
}

async fn status_indexes(store: Arc<dyn Store>) {
    let (e, p) = seed_party(&store, "110000").await;
    let today = date("2027-03-01");
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.status_index_end().await.unwrap(), 0);
    assert!(tx.status_entries(0, 100, today).await.unwrap().is_empty());
    // Four revisions: valid, cancelled, superseded, and one past its last day.
    let numbers: Vec<PermitNumber> = (0..4).map(|_| permit_number("110000")).collect();
    let mut permits: Vec<Permit> = numbers.iter().map(|n| permit(n, 1, &p, &e)).collect();
    permits[3].valid_to = date("2027-02-28");
    for x in &permits {
        tx.insert_permit(x, now()).await.unwrap();
    }
    tx.set_permit_status(permits[1].id, PermitStatus::Cancelled, date("2027-01-10"))
        .await
        .unwrap();
    tx.set_permit_status(permits[2].id, PermitStatus::Superseded, date("2027-01-11"))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin_read().await.unwrap();
    let idx: Vec<u64> = {
        let mut v = Vec::new();
        for x in &permits {
            v.push(tx.status_index(x.id).await.unwrap().expect("an index"));
        }
        v
    };
    assert_eq!(idx, vec![0, 1, 2, 3], "in the order stored, from 0");
    assert_eq!(
        tx.status_index(PermitId(Uuid::now_v7())).await.unwrap(),
        None
    );
    assert_eq!(tx.status_index_end().await.unwrap(), 4);
    let got = tx
        .permit_at_status_index(2)
        .await
        .unwrap()
        .expect("revision");
    assert_eq!(got.id, permits[2].id);
    assert_eq!(got.status, PermitStatus::Superseded);
    assert!(tx.permit_at_status_index(4).await.unwrap().is_none());
    let mut many = tx
        .permits_at_status_indexes(&[3, 0, 9, 3, u64::MAX])
        .await
        .unwrap();
    many.sort_by_key(|(i, _)| *i);
    assert_eq!(
        many.iter().map(|(i, p)| (*i, p.id)).collect::<Vec<_>>(),
        vec![(0, permits[0].id), (3, permits[3].id)],
        "those that exist, once each"
    );
    assert!(tx.permits_at_status_indexes(&[]).await.unwrap().is_empty());
    assert!(tx.permit_at_status_index(u64::MAX).await.unwrap().is_none());
    let entries = tx.status_entries(0, 100, today).await.unwrap();
    assert_eq!(
        entries,
        vec![
            store::StatusEntry {
                idx: 1,
                status: PermitStatus::Cancelled
            },
            store::StatusEntry {
                idx: 2,
                status: PermitStatus::Superseded
            },
            store::StatusEntry {
                idx: 3,
                status: PermitStatus::Expired
            },
        ]
    );
    assert_eq!(
        tx.status_entries(2, 3, today).await.unwrap().len(),
        1,
        "a range"
    );
    assert_eq!(
        tx.status_entries(0, 100, date("2027-02-28"))
            .await
            .unwrap()
            .len(),
        2,
        "valid on its last day"
    );
    assert!(
        tx.status_entries(u64::MAX - 1, u64::MAX, today)
            .await
            .unwrap()
            .is_empty()
    );
    drop(tx);

    let mut tx = store.begin().await.unwrap();
    tx.set_permit_medium(permits[0].id, Medium::PhysicalCard)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin_read().await.unwrap();
    let got = tx.permit_at_status_index(0).await.unwrap().unwrap();
    assert_eq!(got.medium, Medium::PhysicalCard);
}

async fn token_uses(store: Arc<dyn Store>) {
    let t = |n: u8| vec![n; 8];
    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        tx.use_tokens(&[(t(1), 100), (t(2), 200), (t(1), 100)])
            .await
            .unwrap(),
        vec![true, true, false],
        "a repeat within the batch is refused"
    );
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        tx.use_tokens(&[(t(3), 300), (t(2), 200)]).await.unwrap(),
        vec![true, false]
    );
    assert!(tx.use_tokens(&[]).await.unwrap().is_empty());
    drop(tx); // rolled back: token 3 is not used
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.use_tokens(&[(t(3), 300)]).await.unwrap(), vec![true]);
    // Many at once, across the multi-row statements' runs.
    let many: Vec<(Vec<u8>, i64)> = (0..150u32)
        .map(|i| (i.to_be_bytes().repeat(3), 1_000))
        .collect();
    assert!(tx.use_tokens(&many).await.unwrap().into_iter().all(|b| b));
    assert!(
        tx.use_tokens(&many[..70])
            .await
            .unwrap()
            .into_iter()
            .all(|b| !b)
    );
    assert_eq!(
        tx.purge_used_tokens(250).await.unwrap(),
        2,
        "tokens 1 and 2"
    );
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        tx.use_tokens(&[(t(1), 100), (t(3), 300)]).await.unwrap(),
        vec![true, false],
        "a purged token is forgotten"
    );
}

async fn concurrent_token_uses(store: Arc<dyn Store>) {
    // Two transactions race to use the same tokens: each token is first for exactly one.
    let tokens: Vec<(Vec<u8>, i64)> = (0..40u8).map(|i| (vec![i; 10], 1)).collect();
    let run = |store: Arc<dyn Store>, tokens: Vec<(Vec<u8>, i64)>| async move {
        loop {
            let mut tx = store.begin().await.unwrap();
            let r = match tx.use_tokens(&tokens).await {
                Ok(r) => r,
                Err(_) => continue,
            };
            if tx.commit().await.is_ok() {
                return r;
            }
        }
    };
    let a = tokio::spawn(run(store.clone(), tokens.clone()));
    let b = tokio::spawn(run(store.clone(), tokens.clone()));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    for i in 0..tokens.len() {
        assert!(a[i] ^ b[i], "token {i}: first for exactly one");
    }
}

async fn card_registrations(store: Arc<dyn Store>) {
    let (_, p) = seed_party(&store, "310000").await;
    let a = account("holder.card", Scope::Applicant { person_id: p.id });
    seed_account(&store, &a).await;
    let reg = store::CardRegistration {
        account_id: a.id,
        person_id: p.id,
        registered_at: now(),
        real_name_checked_at: None,
        failed_checks: 0,
    };
    let mut tx = store.begin().await.unwrap();
    assert!(tx.card_registration(a.id).await.unwrap().is_none());
    tx.insert_card_registration(&reg).await.unwrap();
    tx.commit().await.unwrap();
    // One registration a person: another account for the same person is refused.
    let other = account("holder.card2", Scope::Applicant { person_id: p.id });
    seed_account(&store, &other).await;
    let mut tx = store.begin().await.unwrap();
    assert_conflict(
        tx.insert_card_registration(&store::CardRegistration {
            account_id: other.id,
            ..reg.clone()
        })
        .await,
        "card_registration",
    );
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.card_registration(a.id).await.unwrap(), Some(reg.clone()));
    let checked = store::CardRegistration {
        real_name_checked_at: Some(now()),
        failed_checks: 2,
        ..reg
    };
    tx.update_card_registration(&checked).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(tx.card_registration(a.id).await.unwrap(), Some(checked));
}

async fn register_checks(store: Arc<dyn Store>) {
    use domain::policy::DocumentKind;
    use domain::registers::{Evidence, Outcome, RegisterKind};
    let (e, p) = seed_party(&store, "110000").await;
    let app = application(&e, &p, new_details());
    let other = application(&e, &p, new_details());
    let mut tx = store.begin().await.unwrap();
    tx.insert_applications(&[app.clone(), other.clone()])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let at = now();
    let check = |outcome: Outcome, answer: &str| Evidence {
        document: DocumentKind::BusinessLicence,
        fact: RegisterKind::BusinessLicence,
        register: "http://amr.example/licences".into(),
        asked_at: at,
        answered_at: Some(at + Duration::milliseconds(40)),
        outcome,
        answer: answer.into(),
    };
    let checks = vec![
        check(Outcome::no_answer("timeout"), ""),
        check(Outcome::garbage("not_json"), "<html>é"),
        check(
            Outcome::NotConfirmed {
                reason: "name_mismatch".into(),
            },
            "{}",
        ),
        Evidence {
            document: DocumentKind::AccommodationRegistration,
            fact: RegisterKind::Accommodation,
            answered_at: None,
            ..check(
                Outcome::Confirmed {
                    reference: "ACC-1".into(),
                    as_of: date("2026-03-01"),
                },
                "{\"found\": true}",
            )
        },
    ];
    let mut tx = store.begin().await.unwrap();
    assert!(tx.register_checks(app.id).await.unwrap().is_empty());
    tx.insert_register_evidence(app.id, &checks[..2])
        .await
        .unwrap();
    tx.insert_register_checks(&[
        (app.id, checks[2].clone()),
        (other.id, checks[0].clone()),
        (app.id, checks[3].clone()),
    ])
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(tx.register_checks(app.id).await.unwrap(), checks);
    assert_eq!(
        tx.register_checks(other.id).await.unwrap(),
        vec![checks[0].clone()]
    );
    // Rolled back with the transaction it was written in.
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    tx.insert_register_evidence(other.id, &checks)
        .await
        .unwrap();
    drop(tx);
    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(tx.register_checks(other.id).await.unwrap().len(), 1);
}

/// Uploads verified on one application, found from another of the same person, and recorded
/// there once as reused with where they were verified.
async fn upload_reuse(store: Arc<dyn Store>) {
    use domain::policy::DocumentKind;
    use store::{ReusedFrom, StoredUpload, UploadStatus};
    let (beijing, p) = seed_party(&store, "110000").await;
    let tianjin = employer("Tianjin Ltd", city("120000"));
    let stranger = person(beijing.id, "DOE", "John");
    let hr = account(
        "hr.reuse",
        Scope::EmployerHr {
            employer_id: beijing.id,
        },
    );
    let officer = account(
        "officer.reuse",
        Scope::LabourOfficer {
            city: city("110000"),
        },
    );
    seed_account(&store, &hr).await;
    seed_account(&store, &officer).await;
    let first = application(&beijing, &p, new_details());
    let second = Application {
        employer_id: tianjin.id,
        city: tianjin.city,
        ..application(&beijing, &p, new_details())
    };
    let theirs = application(&beijing, &stranger, new_details());
    let upload = |app: &Application, kind: DocumentKind, status: UploadStatus| StoredUpload {
        id: Uuid::now_v7(),
        application_id: app.id,
        document: kind,
        sha256: format!("{:064x}", Uuid::now_v7().as_u128()),
        media_type: "application/pdf".into(),
        size: 1234,
        file_name: "degree.pdf".into(),
        declared_date: Some(date("2020-07-01")),
        uploaded_by: hr.id,
        uploaded_at: now(),
        status,
        reason: (status == UploadStatus::Rejected).then(|| "Blurred".to_string()),
        decided_by: (status != UploadStatus::Submitted).then_some(officer.id),
        decided_at: (status != UploadStatus::Submitted).then(now),
        reused_from: None,
    };
    let degree = upload(
        &first,
        DocumentKind::DegreeCertificate,
        UploadStatus::Verified,
    );
    let rejected = upload(
        &first,
        DocumentKind::NoCriminalRecord,
        UploadStatus::Rejected,
    );
    let unchecked = upload(
        &first,
        DocumentKind::ExperienceProof,
        UploadStatus::Submitted,
    );
    let strangers = upload(
        &theirs,
        DocumentKind::DegreeCertificate,
        UploadStatus::Verified,
    );
    let mut tx = store.begin().await.unwrap();
    tx.insert_employer(&tianjin, now()).await.unwrap();
    tx.insert_person(&stranger, now()).await.unwrap();
    tx.insert_applications(&[first.clone(), second.clone(), theirs.clone()])
        .await
        .unwrap();
    for u in [&degree, &rejected, &unchecked, &strangers] {
        tx.insert_upload(u).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = store.begin_read().await.unwrap();
    let found = tx
        .verified_uploads_of_person(p.id, second.id)
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].upload, degree);
    assert_eq!(found[0].city, city("110000"));
    assert!(
        tx.verified_uploads_of_person(p.id, first.id)
            .await
            .unwrap()
            .is_empty(),
        "not the application's own"
    );
    drop(tx);

    let reused = StoredUpload {
        id: Uuid::now_v7(),
        application_id: second.id,
        reused_from: Some(ReusedFrom {
            upload: degree.id,
            city: city("110000"),
        }),
        ..degree.clone()
    };
    let mut tx = store.begin().await.unwrap();
    assert!(tx.insert_reused_upload(&reused).await.unwrap());
    let again = StoredUpload {
        id: Uuid::now_v7(),
        ..reused.clone()
    };
    assert!(
        !tx.insert_reused_upload(&again).await.unwrap(),
        "once per application"
    );
    assert!(
        tx.insert_reused_upload(&degree).await.is_err(),
        "a reuse names its original"
    );
    tx.commit().await.unwrap();
    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(tx.uploads(second.id).await.unwrap(), vec![reused.clone()]);
    assert_eq!(tx.upload(reused.id).await.unwrap(), Some(reused.clone()));
    // A reuse is not itself an original to reuse again.
    assert_eq!(
        tx.verified_uploads_of_person(p.id, first.id).await.unwrap(),
        Vec::new()
    );
    // Nor is it checked again.
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    assert!(!tx.decide_upload(&reused).await.unwrap());
}

// ------------------------------------------------------------------------------------------------
// Bulk reads and writes, as the group commit of submissions makes them: sizes that cross the
// multi-row statements' runs (64, 32, …) and the padding of `IN` lists.

async fn bulk_reads(store: Arc<dyn Store>) {
    let mut employers = Vec::new();
    let mut people = Vec::new();
    let mut tx = store.begin().await.unwrap();
    for i in 0..70u8 {
        let e = employer(&format!("Bulk {i} Ltd"), city("310000"));
        let given = format!(
            "Person {}{}",
            (b'A' + i / 26) as char,
            (b'A' + i % 26) as char
        );
        let p = person(e.id, "BULK", &given);
        tx.insert_employer(&e, now()).await.unwrap();
        tx.insert_person(&p, now()).await.unwrap();
        employers.push(e);
        people.push(p);
    }
    tx.commit().await.unwrap();

    let mut tx = store.begin_read().await.unwrap();
    assert!(tx.employers(&[]).await.unwrap().is_empty());
    assert!(tx.people(&[]).await.unwrap().is_empty());

    // Every one of 70, some asked twice, among ids that do not exist.
    let mut ids: Vec<EmployerId> = employers.iter().map(|e| e.id).collect();
    ids.extend([
        employers[3].id,
        EmployerId(Uuid::now_v7()),
        employers[69].id,
    ]);
    let mut got = tx.employers(&ids).await.unwrap();
    got.sort_by_key(|e| e.id.0);
    let mut want = employers.clone();
    want.sort_by_key(|e| e.id.0);
    assert_eq!(got, want);

    let ids = [
        people[5].id,
        PersonId(Uuid::now_v7()),
        people[5].id,
        people[40].id,
    ];
    let mut got = tx.people(&ids).await.unwrap();
    got.sort_by_key(|p| p.id.0);
    let mut want = vec![people[5].clone(), people[40].clone()];
    want.sort_by_key(|p| p.id.0);
    assert_eq!(got, want);
    assert!(
        tx.people(&[PersonId(Uuid::now_v7())])
            .await
            .unwrap()
            .is_empty()
    );
}

async fn bulk_writes(store: Arc<dyn Store>) {
    let (e, p) = seed_party(&store, "440100").await;
    // 101 = 64 + 32 + 4 + 1 rows.
    let apps: Vec<Application> = (0..101)
        .map(|i| Application {
            state: if i % 2 == 0 {
                State::Submitted
            } else {
                State::Draft
            },
            submitted_at: (i % 2 == 0).then(now),
            ..application(&e, &p, new_details())
        })
        .collect();
    let events: Vec<Event> = apps
        .iter()
        .map(|a| Event {
            id: EventId(Uuid::now_v7()),
            application_id: a.id,
            at: now(),
            actor_id: None,
            actor_name: "系统 System".into(),
            actor_role: Some(Role::EmployerHr),
            action: "submit".into(),
            from_state: None,
            to_state: a.state,
            notes: vec!["one".into(), "二".into()],
        })
        .collect();
    let mut tx = store.begin().await.unwrap();
    tx.insert_applications(&[]).await.unwrap();
    tx.insert_events(&[]).await.unwrap();
    tx.insert_applications(&apps).await.unwrap();
    tx.insert_events(&events).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin_read().await.unwrap();
    for (a, ev) in apps.iter().zip(&events) {
        assert_eq!(tx.application(a.id).await.unwrap().as_ref(), Some(a));
        assert_eq!(tx.events(a.id).await.unwrap(), vec![ev.clone()]);
    }
    drop(tx);

    // A taken receipt number refuses the whole statement: nothing of the batch is stored.
    let clash = vec![
        application(&e, &p, new_details()),
        Application {
            receipt_number: apps[7].receipt_number.clone(),
            ..application(&e, &p, new_details())
        },
    ];
    let mut tx = store.begin().await.unwrap();
    assert_conflict(tx.insert_applications(&clash).await, "receipt_number");
    drop(tx);
    let mut tx = store.begin_read().await.unwrap();
    assert!(tx.application(clash[0].id).await.unwrap().is_none());
}

async fn bulk_idempotency(store: Arc<dyn Store>) {
    let (a, b) = (AccountId(Uuid::now_v7()), AccountId(Uuid::now_v7()));
    let key = |account: AccountId, k: &str| store::IdempotencyKey {
        account,
        key: k.to_string(),
    };
    let response = |i: u8| StoredResponse {
        request_hash: vec![i; 32],
        status: 201,
        body: Uuid::now_v7().to_string(),
    };
    // 70 keys of `a` and the same names under `b`, with answers of their own.
    let stored: Vec<(store::IdempotencyKey, StoredResponse)> = (0..70u8)
        .flat_map(|i| {
            [
                (key(a, &format!("key-{i}")), response(i)),
                (key(b, &format!("key-{i}")), response(i.wrapping_add(100))),
            ]
        })
        .collect();
    let mut tx = store.begin().await.unwrap();
    assert!(tx.idempotent_responses(&[]).await.unwrap().is_empty());
    tx.store_idempotent_responses(&[], now()).await.unwrap();
    tx.store_idempotent_responses(&stored, now()).await.unwrap();
    tx.commit().await.unwrap();

    let mut asked: Vec<store::IdempotencyKey> = stored.iter().map(|(k, _)| k.clone()).collect();
    asked.push(key(a, "never-used"));
    asked.push(key(AccountId(Uuid::now_v7()), "key-1"));
    asked.push(key(a, "key-1"));
    let mut tx = store.begin_read().await.unwrap();
    let mut got = tx.idempotent_responses(&asked).await.unwrap();
    got.sort_by(|x, y| (x.0.account.0, &x.0.key).cmp(&(y.0.account.0, &y.0.key)));
    let mut want = stored.clone();
    want.sort_by(|x, y| (x.0.account.0, &x.0.key).cmp(&(y.0.account.0, &y.0.key)));
    assert_eq!(got, want);
    drop(tx);

    // One taken key among new ones refuses them all.
    let mut tx = store.begin().await.unwrap();
    assert_conflict(
        tx.store_idempotent_responses(
            &[
                (key(a, "fresh"), response(1)),
                (key(b, "key-3"), response(2)),
            ],
            now(),
        )
        .await,
        "idempotency_key",
    );
    drop(tx);
    let mut tx = store.begin_read().await.unwrap();
    assert!(tx.idempotent_response(a, "fresh").await.unwrap().is_none());
}

async fn bulk_receipt_serials(store: Arc<dyn Store>) {
    let mut tx = store.begin().await.unwrap();
    assert!(tx.next_receipt_serials(0).await.unwrap().is_empty());
    let first = tx.next_receipt_serial().await.unwrap();
    let many = tx.next_receipt_serials(100).await.unwrap();
    let after = tx.next_receipt_serial().await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(many.len(), 100);
    let mut all = vec![first];
    all.extend(&many);
    all.push(after);
    assert!(
        all.windows(2).all(|w| w[0] < w[1]),
        "serials taken together are distinct and increase: {all:?}"
    );
}

async fn bulk_audit(store: Arc<dyn Store>) {
    // 150 records in one transaction (64 + 64 + 16 + 4 + 2 rows), then 3 more in another.
    let records: Vec<AuditRecord> = (0..150)
        .map(|i| {
            record(
                &format!("bulk-{}", i % 7),
                "create",
                json!({ "i": i, "名": "批" }),
            )
        })
        .collect();
    commit_audit(&store, records.clone()).await;
    commit_audit(&store, records[..3].to_vec()).await;
    assert_eq!(store::verify_audit(&*store).await.unwrap(), Ok(153));
    let mut tx = store.begin_read().await.unwrap();
    let links = tx.audit_links(0, 1000).await.unwrap();
    let mut prev = GENESIS.to_vec();
    for (i, link) in links.iter().enumerate() {
        let payload = records[if i < 150 { i } else { i - 150 }].payload();
        assert_eq!(link.payload, payload);
        let want = chain_hash(&prev, i as i64 + 1, &payload).to_vec();
        assert_eq!(link.hash, want);
        prev = want;
    }
}

// ------------------------------------------------------------------------------------------------
// Transactions and the audit chain.

async fn rollback(store: Arc<dyn Store>) {
    let e = employer("Ephemeral Ltd", city("110000"));
    let p = person(e.id, "NOBODY", "");
    let a = account("ghost", Scope::EmployerHr { employer_id: e.id });
    let app = application(&e, &p, new_details());
    let mut tx = store.begin().await.unwrap();
    tx.insert_employer(&e, now()).await.unwrap();
    tx.insert_person(&p, now()).await.unwrap();
    tx.insert_account(&a).await.unwrap();
    tx.insert_application(&app).await.unwrap();
    assert_eq!(tx.next_serial("rolled-back").await.unwrap(), 1);
    tx.audit(record(&app.id.to_string(), "create", json!({"x": 1})));
    tx.audit(record(&e.id.to_string(), "create", json!({"x": 2})));
    // Visible inside the transaction, before it is dropped.
    assert_eq!(tx.employer(e.id).await.unwrap(), Some(e.clone()));
    drop(tx);

    let mut tx = store.begin_read().await.unwrap();
    assert!(tx.employer(e.id).await.unwrap().is_none());
    assert!(tx.person(p.id).await.unwrap().is_none());
    assert!(tx.account(a.id).await.unwrap().is_none());
    assert!(tx.account_by_username("ghost").await.unwrap().is_none());
    assert!(tx.application(app.id).await.unwrap().is_none());
    assert!(tx.audit_of(&app.id.to_string()).await.unwrap().is_empty());
    assert!(tx.audit_of(&e.id.to_string()).await.unwrap().is_empty());
    assert!(tx.audit_links(0, 100).await.unwrap().is_empty());
    assert_eq!(tx.audit_head().await.unwrap(), (0, GENESIS.to_vec()));
    drop(tx);
    assert_eq!(store::verify_audit(&*store).await.unwrap(), Ok(0));

    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.next_serial("rolled-back").await.unwrap(), 1);
    // The store is free for the next writer, and the chain starts from the beginning.
    tx.audit(record("after", "create", json!({})));
    tx.commit().await.unwrap();
    assert_eq!(store::verify_audit(&*store).await.unwrap(), Ok(1));
}

async fn audit_chain(store: Arc<dyn Store>) {
    let (one, two) = (Uuid::now_v7().to_string(), Uuid::now_v7().to_string());
    let actor = AccountId(Uuid::now_v7());
    let records = [
        record(&one, "create", json!({"state": "draft"})),
        AuditRecord::new(
            now(),
            Some(actor),
            "submit",
            "application",
            &one,
            json!({"from": "draft", "to": "submitted"}),
        ),
        record(
            &two,
            "create",
            json!({"employer": "北京字节跳动科技有限公司", "note": "工作许可 ✓ 🚀"}),
        ),
        record(
            &one,
            "return",
            json!({"missing_items": ["缺少护照复印件", "quote \" backslash \\ newline \n tab \t"]}),
        ),
        record(
            &two,
            "approve",
            json!({"名字": "王丽娜", "ß": "Grüße", "é": "é"}),
        ),
    ];
    let payloads: Vec<String> = records.iter().map(AuditRecord::payload).collect();
    assert!(payloads.iter().any(|p| !p.is_ascii()));

    // Three transactions, committed one after another, and one with nothing to record.
    commit_audit(&store, records[..2].to_vec()).await;
    commit_audit(&store, records[2..3].to_vec()).await;
    let tx = store.begin().await.unwrap();
    tx.commit().await.unwrap();
    commit_audit(&store, records[3..].to_vec()).await;

    assert_eq!(store::verify_audit(&*store).await.unwrap(), Ok(5));

    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(
        tx.audit_of(&one).await.unwrap(),
        vec![
            payloads[0].clone(),
            payloads[1].clone(),
            payloads[3].clone()
        ]
    );
    assert_eq!(
        tx.audit_of(&two).await.unwrap(),
        vec![payloads[2].clone(), payloads[4].clone()]
    );
    assert!(tx.audit_of("nothing").await.unwrap().is_empty());

    // The stored hashes are exactly domain::audit::chain_hash, computed here independently.
    let links = tx.audit_links(0, 100).await.unwrap();
    assert_eq!(links.len(), 5);
    let mut prev = GENESIS.to_vec();
    for (i, link) in links.iter().enumerate() {
        let seq = i as i64 + 1;
        assert_eq!(link.seq, seq);
        assert_eq!(link.payload, payloads[i]);
        assert_eq!(
            link.prev_hash, prev,
            "record {seq} points to its predecessor"
        );
        let want = chain_hash(&prev, seq, &payloads[i]).to_vec();
        assert_eq!(
            link.hash, want,
            "record {seq}: hash as chain_hash computes it"
        );
        prev = want;
    }
    assert_eq!(tx.audit_head().await.unwrap(), (5, prev));

    // Paging.
    let page: Vec<i64> = tx
        .audit_links(2, 2)
        .await
        .unwrap()
        .iter()
        .map(|l| l.seq)
        .collect();
    assert_eq!(page, [3, 4]);
    assert!(tx.audit_links(5, 10).await.unwrap().is_empty());
}

async fn concurrent_audit(store: Arc<dyn Store>) {
    const TASKS: usize = 16;
    let barrier = Arc::new(tokio::sync::Barrier::new(TASKS));
    let tasks: Vec<_> = (0..TASKS)
        .map(|i| {
            let (store, barrier) = (store.clone(), barrier.clone());
            tokio::spawn(async move {
                let entity = format!("entity-{i}");
                let r = record(&entity, "create", json!({"task": i, "名": "并发"}));
                let payload = r.payload();
                barrier.wait().await;
                let mut tx = store.begin().await.unwrap();
                tx.audit(r);
                tokio::task::yield_now().await;
                tx.commit().await.unwrap();
                (entity, payload)
            })
        })
        .collect();
    let mut written = Vec::new();
    for t in tasks {
        written.push(t.await.unwrap());
    }
    assert_eq!(
        store::verify_audit(&*store).await.unwrap(),
        Ok(TASKS as i64)
    );
    let mut tx = store.begin_read().await.unwrap();
    for (entity, payload) in written {
        assert_eq!(tx.audit_of(&entity).await.unwrap(), vec![payload]);
    }
    assert_eq!(tx.audit_head().await.unwrap().0, TASKS as i64);
}

/// Verification while others commit sees a whole chain: never a false alarm.
async fn verify_while_committing(store: Arc<dyn Store>) {
    const WRITERS: usize = 4;
    const COMMITS: usize = 40;
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                for c in 0..COMMITS {
                    let mut tx = store.begin().await.unwrap();
                    tx.audit(record(&format!("w{w}"), "tick", json!({"c": c})));
                    tx.audit(record(&format!("w{w}"), "tock", json!({"c": c})));
                    tx.commit().await.unwrap();
                }
            })
        })
        .collect();
    let mut last = 0;
    let mut checks = 0;
    loop {
        let done = writers.iter().all(|w| w.is_finished());
        let count = store::verify_audit(&*store)
            .await
            .unwrap()
            .unwrap_or_else(|broken| panic!("verified during commits: {broken}"));
        assert!(count >= last, "the chain does not shrink: {count} < {last}");
        last = count;
        checks += 1;
        if done {
            break;
        }
        tokio::task::yield_now().await;
    }
    for w in writers {
        w.await.unwrap();
    }
    assert!(checks > 1);
    assert_eq!(last, (WRITERS * COMMITS * 2) as i64);
}

async fn audit_log_is_append_only(store: Arc<dyn Store>, url: String) {
    let backend = store.backend();
    commit_audit(
        &store,
        vec![
            record("e", "create", json!({"a": "一"})),
            record("e", "update", json!({"a": "二"})),
        ],
    )
    .await;

    let update = raw_execute(
        backend,
        &url,
        "UPDATE audit_log SET payload = 'forged' WHERE seq = 1",
    )
    .await;
    let err = update.expect_err("the trigger refuses an update");
    assert!(
        err.to_string().contains("append-only"),
        "refused by the trigger: {err}"
    );
    let err = raw_execute(backend, &url, "DELETE FROM audit_log WHERE seq = 2")
        .await
        .expect_err("the trigger refuses a delete");
    assert!(
        err.to_string().contains("append-only"),
        "refused by the trigger: {err}"
    );
    assert_eq!(store::verify_audit(&*store).await.unwrap(), Ok(2));
}

async fn audit_tampering_is_found(store: Arc<dyn Store>, url: String) {
    let backend = store.backend();
    for i in 1..=4 {
        commit_audit(
            &store,
            vec![record(
                "permit",
                "change",
                json!({"i": i, "holder": "李小龙"}),
            )],
        )
        .await;
    }
    assert_eq!(store::verify_audit(&*store).await.unwrap(), Ok(4));

    disable_audit_triggers(backend, &url).await;
    let changed = raw_execute(
        backend,
        &url,
        "UPDATE audit_log SET payload = replace(payload, '李小龙', '王丽娜') WHERE seq = 2",
    )
    .await
    .unwrap();
    assert_eq!(changed, 1);
    assert_eq!(
        store::verify_audit(&*store).await.unwrap(),
        Err(BrokenLink::HashMismatch { seq: 2 })
    );
}

async fn audit_truncation_is_found(store: Arc<dyn Store>, url: String) {
    let backend = store.backend();
    for i in 1..=3 {
        commit_audit(&store, vec![record("e", "step", json!({"i": i}))]).await;
    }
    assert_eq!(store::verify_audit(&*store).await.unwrap(), Ok(3));
    disable_audit_triggers(backend, &url).await;

    // Cutting off the end leaves a chain that verifies link by link; the head gives it away.
    let deleted = raw_execute(backend, &url, "DELETE FROM audit_log WHERE seq = 3")
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    assert_eq!(
        store::verify_audit(&*store).await.unwrap(),
        Err(BrokenLink::Truncated {
            seq: 2,
            expected: 3
        })
    );

    // Cutting out the middle leaves a gap.
    raw_execute(backend, &url, "DELETE FROM audit_log WHERE seq = 1")
        .await
        .unwrap();
    assert_eq!(
        store::verify_audit(&*store).await.unwrap(),
        Err(BrokenLink::Gap {
            seq: 2,
            expected: 1
        })
    );
}

// ------------------------------------------------------------------------------------------------
// Notifications: the inbox, the outbox and its claims.

fn notice(recipient: Recipient, topic: &str, at: DateTime<Utc>) -> StoredNotice {
    StoredNotice {
        id: NoticeId(Uuid::now_v7()),
        recipient,
        topic: Topic::parse("topic", topic).unwrap(),
        params: vec![
            ("receipt".into(), "R-1".into()),
            ("items".into(), "Medical report; 体检报告".into()),
        ],
        link: Some(SitePath::parse("link", "/applications/1").unwrap()),
        dedupe_key: None,
        created_at: at,
        read_at: None,
    }
}

fn deliveries(channels: &[Channel]) -> Vec<NewDelivery> {
    channels
        .iter()
        .map(|c| NewDelivery {
            id: DeliveryId(Uuid::now_v7()),
            channel: *c,
            target: match c {
                Channel::Email => "hr@example.com".into(),
                Channel::Webhook => "http://127.0.0.1:9/hook".into(),
            },
        })
        .collect()
}

async fn inbox(store: Arc<dyn Store>) {
    let (e, p) = seed_party(&store, "110000").await;
    let (other, _) = seed_party(&store, "110000").await;
    let holder = Recipient::Person(p.id);
    let hr = Recipient::Employer(e.id);
    let t0 = now();
    let first = notice(holder, "corrections_requested", t0);
    let second = notice(holder, "application_approved", t0 + Duration::seconds(5));
    let for_hr = notice(hr, "application_approved", t0 + Duration::seconds(5));
    let mut tx = store.begin().await.unwrap();
    for n in [&first, &second, &for_hr] {
        assert!(tx.insert_notice(n, &[]).await.unwrap());
    }
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        tx.notices(holder, 50).await.unwrap(),
        vec![second.clone(), first.clone()]
    );
    assert_eq!(tx.notices(hr, 50).await.unwrap(), vec![for_hr.clone()]);
    assert!(
        tx.notices(Recipient::Employer(other.id), 50)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(tx.unread_notices(holder).await.unwrap(), 2);
    // Another recipient cannot mark it; its recipient can, and it stays read at the first time.
    assert!(!tx.mark_notice_read(hr, second.id, t0).await.unwrap());
    assert!(
        !tx.mark_notice_read(Recipient::Employer(other.id), for_hr.id, t0)
            .await
            .unwrap()
    );
    let read_at = t0 + Duration::seconds(10);
    assert!(
        tx.mark_notice_read(holder, second.id, read_at)
            .await
            .unwrap()
    );
    assert!(
        tx.mark_notice_read(holder, second.id, read_at + Duration::hours(1))
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();

    let mut tx = store.begin_read().await.unwrap();
    let listed = tx.notices(holder, 50).await.unwrap();
    // Unread first, then the newest.
    assert_eq!(listed[0].id, first.id);
    assert_eq!(listed[1].id, second.id);
    assert_eq!(listed[1].read_at, Some(read_at));
    assert_eq!(tx.unread_notices(holder).await.unwrap(), 1);
    assert_eq!(tx.notices(holder, 1).await.unwrap().len(), 1);
}

async fn notice_dedupe(store: Arc<dyn Store>) {
    let (e, p) = seed_party(&store, "110000").await;
    let t0 = now();
    let keyed = |r| StoredNotice {
        dedupe_key: Some("permit_expiring:90:X".into()),
        ..notice(r, "permit_expiring", t0)
    };
    let holder = Recipient::Person(p.id);
    let mut tx = store.begin().await.unwrap();
    let n = keyed(holder);
    assert!(
        tx.insert_notice(&n, &deliveries(&[Channel::Email]))
            .await
            .unwrap()
    );
    // The same key again, from a second sweep: nothing is written, not even its outbox rows.
    assert!(
        !tx.insert_notice(&keyed(holder), &deliveries(&[Channel::Email]))
            .await
            .unwrap()
    );
    // The same key for another recipient is another notice.
    assert!(
        tx.insert_notice(&keyed(Recipient::Employer(e.id)), &[])
            .await
            .unwrap()
    );
    // Notices without a key never collide.
    assert!(
        tx.insert_notice(&notice(holder, "permit_expiring", t0), &[])
            .await
            .unwrap()
    );
    assert!(
        tx.insert_notice(&notice(holder, "permit_expiring", t0), &[])
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.notices(holder, 50).await.unwrap().len(), 3);
    assert_eq!(tx.deliveries_of(n.id).await.unwrap().len(), 1);
    let claimed = tx
        .claim_deliveries("w", t0, t0 + Duration::seconds(60), 100)
        .await
        .unwrap();
    assert_eq!(
        claimed.len(),
        1,
        "one outbox row for the deduplicated notice"
    );
    drop(tx);

    // Two transactions racing with the same key (two servers sweeping): one notice.
    let (a, b) = (store.clone(), store.clone());
    let insert = |s: Arc<dyn Store>| async move {
        let mut tx = s.begin().await.unwrap();
        let n = StoredNotice {
            dedupe_key: Some("race".into()),
            ..notice(holder, "permit_expiring", now())
        };
        let fresh = tx.insert_notice(&n, &deliveries(&[Channel::Email])).await;
        match fresh {
            Ok(fresh) => {
                tx.commit().await.unwrap();
                fresh
            }
            // PostgreSQL may report the loser as a serialization failure; it wrote nothing.
            Err(_) => false,
        }
    };
    let (x, y) = tokio::join!(insert(a), insert(b));
    assert!(x ^ y, "exactly one insert wins: {x} {y}");
}

/// An employer's notice at `t0` with an e-mail and a webhook to deliver, stored: the notice
/// and its outbox rows.
async fn outbox_notice(
    store: &Arc<dyn Store>,
    t0: DateTime<Utc>,
) -> (StoredNotice, Vec<NewDelivery>) {
    let (e, _) = seed_party(store, "110000").await;
    let n = notice(Recipient::Employer(e.id), "application_approved", t0);
    let rows = deliveries(&[Channel::Email, Channel::Webhook]);
    let mut tx = store.begin().await.unwrap();
    assert!(tx.insert_notice(&n, &rows).await.unwrap());
    tx.commit().await.unwrap();
    (n, rows)
}

/// The metrics' backlog: nothing on an empty database; undelivered rows counted with the oldest.
async fn backlog_counts_what_waits(store: Arc<dyn Store>) {
    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(tx.backlog().await.unwrap(), store::Backlog::default());
    drop(tx);
    let t0 = now();
    outbox_notice(&store, t0).await;
    let mut tx = store.begin_read().await.unwrap();
    let b = tx.backlog().await.unwrap();
    assert_eq!((b.outbox_pending, b.outbox_failing), (2, 0));
    assert_eq!(b.outbox_oldest.map(|t| t.timestamp()), Some(t0.timestamp()));
    assert!(b.queues.is_empty(), "{:?}", b.queues);
}

async fn outbox_claims_and_leases(store: Arc<dyn Store>) {
    let t0 = now();
    let (n, rows) = outbox_notice(&store, t0).await;

    let lease = Duration::seconds(60);
    let claim = |worker: &'static str, at: DateTime<Utc>| {
        let store = store.clone();
        async move {
            let mut tx = store.begin().await.unwrap();
            let c = tx
                .claim_deliveries(worker, at, at + lease, 10)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            c
        }
    };
    assert!(
        claim("a", t0 - Duration::seconds(1)).await.is_empty(),
        "not due yet"
    );
    let got = claim("a", t0).await;
    assert_eq!(got.len(), 2);
    for d in &got {
        assert_eq!(d.notice, n);
        assert_eq!(d.attempts, 0);
        assert_eq!(d.claimed_by.as_deref(), Some("a"));
        assert_eq!(d.claimed_until, Some(t0 + lease));
        assert_eq!(d.delivered_at, None);
    }
    let ids: HashSet<DeliveryId> = got.iter().map(|d| d.id).collect();
    assert_eq!(ids, rows.iter().map(|d| d.id).collect());
    assert!(
        claim("b", t0 + Duration::seconds(30)).await.is_empty(),
        "under a's lease"
    );

    // Worker a died: once its lease has run out, b takes the rows, and a's late answer is refused.
    let later = t0 + lease;
    let again = claim("b", later).await;
    assert_eq!(again.len(), 2);
    let (email, hook) = {
        let e = again
            .iter()
            .find(|d| d.channel == Channel::Email)
            .unwrap()
            .clone();
        let w = again
            .iter()
            .find(|d| d.channel == Channel::Webhook)
            .unwrap()
            .clone();
        (e, w)
    };
    assert_eq!(email.target, "hr@example.com");
    let mut tx = store.begin().await.unwrap();
    assert!(!tx.delivery_done(email.id, "a", later).await.unwrap());
    assert!(tx.delivery_done(email.id, "b", later).await.unwrap());
    assert!(
        !tx.delivery_done(email.id, "b", later).await.unwrap(),
        "once"
    );
    let retry_at = later + Duration::seconds(10);
    assert!(
        tx.delivery_failed(hook.id, "b", retry_at, "HTTP 503", false)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();

    assert!(claim("c", retry_at - Duration::seconds(1)).await.is_empty());
    let retried = claim("c", retry_at).await;
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].id, hook.id);
    assert_eq!(retried[0].attempts, 1);
    assert_eq!(retried[0].last_error.as_deref(), Some("HTTP 503"));
    let mut tx = store.begin().await.unwrap();
    let far = retry_at + Duration::hours(6);
    assert!(
        tx.delivery_failed(hook.id, "c", far, "connection refused", true)
            .await
            .unwrap()
    );
    let failing = tx.failing_deliveries(10).await.unwrap();
    assert_eq!(failing.len(), 1);
    assert!(failing[0].failing);
    assert_eq!(failing[0].attempts, 2);
    tx.commit().await.unwrap();

    let done = claim("c", far).await;
    assert_eq!(done.len(), 1);
    let mut tx = store.begin().await.unwrap();
    assert!(tx.delivery_done(hook.id, "c", far).await.unwrap());
    assert!(tx.failing_deliveries(10).await.unwrap().is_empty());
    let all = tx.deliveries_of(n.id).await.unwrap();
    assert_eq!(all.len(), 2);
    for d in &all {
        assert!(d.delivered_at.is_some());
        assert_eq!(d.claimed_by, None);
        assert_eq!(d.last_error, None);
        assert!(!d.failing);
    }
    assert_eq!(all.iter().map(|d| d.attempts).sum::<u32>(), 1 + 3);
    tx.commit().await.unwrap();
    assert!(
        claim("d", far + Duration::days(30)).await.is_empty(),
        "delivered rows stay delivered"
    );
}

/// A worker that stops gives up its claims on what it has not delivered: another takes those
/// rows at once, not after the lease; what it delivered stays delivered.
async fn outbox_claims_released(store: Arc<dyn Store>) {
    let t0 = now();
    let (n, _) = outbox_notice(&store, t0).await;
    let lease = Duration::minutes(2);
    let mut tx = store.begin().await.unwrap();
    let got = tx.claim_deliveries("a", t0, t0 + lease, 10).await.unwrap();
    assert_eq!(got.len(), 2);
    assert!(tx.delivery_done(got[0].id, "a", t0).await.unwrap());
    assert!(
        tx.claim_deliveries("b", t0, t0 + lease, 10)
            .await
            .unwrap()
            .is_empty(),
        "under a's lease"
    );
    assert_eq!(tx.release_deliveries("b").await.unwrap(), 0, "b holds none");
    assert_eq!(
        tx.release_deliveries("a").await.unwrap(),
        1,
        "the undelivered one"
    );
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    let taken = tx.claim_deliveries("b", t0, t0 + lease, 10).await.unwrap();
    assert_eq!(taken.len(), 1, "taken at once, before a's lease ran out");
    assert_eq!(taken[0].id, got[1].id);
    assert_eq!(taken[0].claimed_by.as_deref(), Some("b"));
    assert!(
        !tx.delivery_done(got[1].id, "a", t0).await.unwrap(),
        "a's late answer is refused"
    );
    assert_eq!(tx.release_deliveries("a").await.unwrap(), 0);
    tx.commit().await.unwrap();
    let mut tx = store.begin_read().await.unwrap();
    let all = tx.deliveries_of(n.id).await.unwrap();
    let first = all.iter().find(|d| d.id == got[0].id).unwrap();
    assert!(first.delivered_at.is_some() && first.claimed_by.is_none());
}

async fn concurrent_claimers(store: Arc<dyn Store>) {
    let (e, _) = seed_party(&store, "110000").await;
    let t0 = now();
    let mut tx = store.begin().await.unwrap();
    let mut all = HashSet::new();
    for _ in 0..20 {
        let n = notice(Recipient::Employer(e.id), "application_approved", t0);
        let rows = deliveries(&[Channel::Email, Channel::Webhook]);
        all.extend(rows.iter().map(|d| d.id));
        tx.insert_notice(&n, &rows).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tasks = Vec::new();
    for w in 0..4 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let worker = format!("worker-{w}");
            let mut mine = Vec::new();
            loop {
                let mut tx = store.begin().await.unwrap();
                let got = tx
                    .claim_deliveries(&worker, t0, t0 + Duration::minutes(5), 3)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                if got.is_empty() {
                    break;
                }
                assert!(
                    got.iter()
                        .all(|d| d.claimed_by.as_deref() == Some(worker.as_str()))
                );
                mine.extend(got.into_iter().map(|d| d.id));
                tokio::task::yield_now().await;
            }
            mine
        }));
    }
    let mut seen = HashSet::new();
    let mut total = 0;
    for t in tasks {
        for id in t.await.unwrap() {
            total += 1;
            assert!(seen.insert(id), "{id:?} claimed twice");
        }
    }
    assert_eq!(total, all.len());
    assert_eq!(seen, all);
}

async fn notification_settings(store: Arc<dyn Store>) {
    let (e, _) = seed_party(&store, "110000").await;
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.notification_settings(e.id).await.unwrap(), None);
    let s = NotificationSettings {
        employer_id: e.id,
        contact_email: Some(Email::parse("e", "hr@example.com").unwrap()),
        webhook_url: Some("http://hooks.example.com/onecard".into()),
        webhook_secret_sealed: Some(vec![1, 2, 3]),
        updated_at: now(),
    };
    tx.upsert_notification_settings(&s).await.unwrap();
    assert_eq!(
        tx.notification_settings(e.id).await.unwrap(),
        Some(s.clone())
    );
    let cleared = NotificationSettings {
        contact_email: None,
        webhook_url: None,
        webhook_secret_sealed: None,
        updated_at: now() + Duration::seconds(1),
        ..s.clone()
    };
    tx.upsert_notification_settings(&cleared).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(tx.notification_settings(e.id).await.unwrap(), Some(cleared));
    assert!(
        !format!("{s:?}").contains("[1, 2, 3]"),
        "the sealed secret is not printed"
    );
}

async fn permits_expiring(store: Arc<dyn Store>) {
    let (e, p) = seed_party(&store, "110000").await;
    let soon = Permit {
        valid_to: date("2031-03-01"),
        ..permit(&permit_number("110000"), 1, &p, &e)
    };
    let later = Permit {
        valid_to: date("2031-05-30"),
        ..permit(&permit_number("110000"), 1, &p, &e)
    };
    let cancelled = Permit {
        valid_to: date("2031-03-02"),
        status: PermitStatus::Cancelled,
        status_changed_on: Some(date("2030-01-01")),
        ..permit(&permit_number("110000"), 1, &p, &e)
    };
    let mut tx = store.begin().await.unwrap();
    for x in [&soon, &later, &cancelled] {
        tx.insert_permit(x, now()).await.unwrap();
    }
    tx.commit().await.unwrap();
    let mut tx = store.begin_read().await.unwrap();
    let got = tx
        .permits_expiring(date("2031-03-01"), date("2031-05-30"), 10)
        .await
        .unwrap();
    assert_eq!(got, vec![soon.clone(), later.clone()]);
    let got = tx
        .permits_expiring(date("2031-03-02"), date("2031-05-29"), 10)
        .await
        .unwrap();
    assert!(got.is_empty(), "{got:?}");
    assert_eq!(
        tx.permits_expiring(date("2031-01-01"), date("2031-12-31"), 1)
            .await
            .unwrap(),
        vec![soon]
    );
}

async fn issued_documents(store: Arc<dyn Store>) {
    use store::IssuedDocument;
    let (e, p) = seed_party(&store, "110000").await;
    let app = application(&e, &p, new_details());
    let other = application(&e, &p, new_details());
    let mut tx = store.begin().await.unwrap();
    tx.insert_applications(&[app.clone(), other.clone()])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let doc = |number: &str, app: &Application, kind: &str| IssuedDocument {
        number: number.into(),
        application_id: app.id,
        kind: kind.into(),
        sha256: format!("{:064x}", Uuid::now_v7().as_u128()),
        size: 34_000,
        issued_at: now(),
        created_at: now(),
    };
    let letter = doc("NL-1", &app, "notification_letter");
    let decision = doc("DA-1", &app, "decision_notice");
    let mut tx = store.begin().await.unwrap();
    assert!(tx.insert_issued_document(&letter).await.unwrap());
    assert!(tx.insert_issued_document(&decision).await.unwrap());
    // A second letter for the same application, or another file under the same number: the
    // first stands.
    assert!(
        !tx.insert_issued_document(&doc("NL-2", &app, "notification_letter"))
            .await
            .unwrap()
    );
    assert!(
        !tx.insert_issued_document(&doc("NL-1", &other, "decision_notice"))
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();

    let mut tx = store.begin_read().await.unwrap();
    let listed = tx.issued_documents(app.id).await.unwrap();
    let mut numbers: Vec<&str> = listed.iter().map(|d| d.number.as_str()).collect();
    numbers.sort();
    assert_eq!(numbers, ["DA-1", "NL-1"]);
    let back = tx.issued_document("NL-1").await.unwrap().unwrap();
    assert_eq!(back.sha256, letter.sha256);
    assert_eq!(back.application_id, app.id);
    assert_eq!(back.kind, "notification_letter");
    assert!(tx.issued_document("NL-2").await.unwrap().is_none());
    assert!(tx.issued_documents(other.id).await.unwrap().is_empty());
}

async fn contributions_and_claims(store: Arc<dyn Store>) {
    use domain::benefits::{Claim, ClaimDocument, ClaimState, PaymentInstruction};
    use domain::contributions::{
        ContributionBase, ContributionMonth, ContributionRule, Declaration, Rate, Shares, declare,
    };
    use domain::ids::{ClaimId, InsuranceId};
    use domain::insurance::{Insurance, InsuranceState, PermitCheck};
    use store::{ClaimFilter, InsuranceClosure, StoredClaim, StoredDeclaration};

    let (e, p) = seed_party(&store, "110000").await;
    let (_, other) = seed_party(&store, "110000").await;
    let hr = account("contrib.hr", Scope::EmployerHr { employer_id: e.id });
    seed_account(&store, &hr).await;
    let share = |e: &str, p: &str| Shares {
        employer: Rate::parse("r", e).unwrap(),
        personal: Rate::parse("r", p).unwrap(),
        employer_fixed: Money::from_fen(0),
        personal_fixed: Money::from_fen(0),
    };
    let rule = ContributionRule {
        city: city("110000"),
        base_floor: Money::parse("m", "6821").unwrap(),
        base_ceiling: Money::parse("m", "35283").unwrap(),
        shares: [
            share("16%", "8%"),
            share("9%", "2%"),
            share("0.5%", "0.5%"),
            share("0.2%", "0%"),
            share("0.8%", "0%"),
        ],
    };
    let month = |s: &str| ContributionMonth::parse("month", s).unwrap();
    let from = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let decl = |seq: i64, m: &str, base: &str| StoredDeclaration {
        id: Uuid::now_v7(),
        person_id: p.id,
        employer_id: e.id,
        declared_by: hr.id,
        declaration: Declaration {
            sequence: seq,
            declared_at: now(),
            contribution: declare(
                &rule,
                month(m),
                ContributionBase::parse("base", base).unwrap(),
                from,
            )
            .unwrap(),
        },
    };
    let rows = [
        decl(1, "2025-02", "10000"),
        decl(2, "2025-01", "10000"),
        decl(3, "2025-01", "12000.55"),
    ];
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.last_declaration_sequence(p.id).await.unwrap(), 0);
    for d in &rows {
        tx.insert_declaration(d).await.unwrap();
    }
    assert_eq!(tx.last_declaration_sequence(p.id).await.unwrap(), 3);
    tx.commit().await.unwrap();
    // A sequence is taken once.
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        tx.insert_declaration(&decl(3, "2025-03", "10000")).await,
        Err(StoreError::Conflict("declaration_sequence"))
    ));
    drop(tx);

    let mut tx = store.begin_read().await.unwrap();
    let got = tx.declarations_of(p.id).await.unwrap();
    assert_eq!(got, vec![rows[1].clone(), rows[2].clone(), rows[0].clone()]);
    assert!(tx.declarations_of(other.id).await.unwrap().is_empty());
    let summary = tx.declared_by_employer(e.id).await.unwrap();
    assert_eq!(summary.len(), 1);
    assert_eq!(summary[0].person_id, p.id);
    assert_eq!(summary[0].months, 2);
    assert_eq!(summary[0].last_month, Some(month("2025-02")));
    drop(tx);

    // Claims: one open per benefit and person; decided on a version.
    let claim = StoredClaim {
        claim: Claim {
            id: ClaimId(Uuid::now_v7()),
            person_id: p.id,
            benefit: "pension_refund".into(),
            state: ClaimState::Submitted,
            version: 1,
            documents: vec![ClaimDocument::Passport, ClaimDocument::BankAccount],
            submitted_at: now(),
            decided_at: None,
            payment: None,
            refusal: Vec::new(),
        },
        city: city("110000"),
        leaving_china_on: Some(NaiveDate::from_ymd_opt(2026, 9, 1).unwrap()),
        decided_by: None,
    };
    let mut tx = store.begin().await.unwrap();
    tx.insert_claim(&claim).await.unwrap();
    tx.commit().await.unwrap();
    let mut again = claim.clone();
    again.claim.id = ClaimId(Uuid::now_v7());
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        tx.insert_claim(&again).await,
        Err(StoreError::Conflict("claim_open"))
    ));
    drop(tx);

    let mut decided = claim.clone();
    decided.claim.state = ClaimState::Approved;
    decided.claim.version = 2;
    decided.claim.decided_at = Some(now());
    decided.decided_by = Some(hr.id);
    decided.claim.payment =
        Some(PaymentInstruction::parse("1234.56", "6222 0000 1111", "REF-1").unwrap());
    let mut tx = store.begin().await.unwrap();
    assert!(!tx.update_claim(&decided, 5).await.unwrap());
    assert!(tx.update_claim(&decided, 1).await.unwrap());
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        tx.claim(claim.claim.id).await.unwrap(),
        Some(decided.clone())
    );
    let mine = tx
        .claims(&ClaimFilter {
            person_id: Some(p.id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(mine, vec![decided.clone()]);
    let queue = tx
        .claims(&ClaimFilter {
            city: Some(city("110000")),
            states: vec![ClaimState::Submitted],
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(queue.is_empty());
    // Once decided, the same benefit may be claimed again.
    tx.insert_claim(&again).await.unwrap();
    let mut refused = again.clone();
    refused.claim.state = ClaimState::Refused;
    refused.claim.version = 2;
    refused.claim.refusal = vec![Text::parse("r", "Not leaving", 100).unwrap()];
    assert!(tx.update_claim(&refused, 1).await.unwrap());

    // An insurance closed by the claim, once.
    let permit = PermitNumber::new(
        "110000",
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        serial(),
    )
    .unwrap();
    let ins = Insurance {
        id: InsuranceId(Uuid::now_v7()),
        person_id: p.id,
        employer_id: e.id,
        city: city("110000"),
        permit_number: permit,
        permit_check: PermitCheck::SharedRecord,
        state: InsuranceState::Registered,
        version: 2,
        ssn: None,
        requested_at: now(),
        decided_at: Some(now()),
        refusal: Vec::new(),
    };
    tx.insert_insurance(&ins).await.unwrap();
    assert_eq!(tx.insurance_closure(ins.id).await.unwrap(), None);
    let closure = InsuranceClosure {
        insurance_id: ins.id,
        claim_id: claim.claim.id,
        closed_at: now(),
    };
    tx.close_insurance(&closure).await.unwrap();
    assert!(matches!(
        tx.close_insurance(&closure).await,
        Err(StoreError::Conflict("insurance_closed"))
    ));
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    tx.insert_insurance(&ins).await.unwrap();
    tx.close_insurance(&closure).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(tx.insurance_closure(ins.id).await.unwrap(), Some(closure));
}

async fn visas(store: Arc<dyn Store>) {
    use domain::ids::VisaId;
    use domain::visa::{Visa, VisaDetails, VisaFields};

    let (_, p) = seed_party(&store, "110000").await;
    let (_, other) = seed_party(&store, "110000").await;
    let officer = account(
        "visa.officer",
        Scope::ImmigrationOfficer {
            city: city("110000"),
        },
    );
    seed_account(&store, &officer).await;
    let visa = |person: PersonId, number: &str, issued: &str, until: &str, remarks: &str| Visa {
        id: VisaId(Uuid::now_v7()),
        person_id: person,
        details: VisaDetails::parse(
            &VisaFields {
                visa_number: number,
                visa_category: "Z",
                issuing_post: "Consulate-General in Frankfurt 驻法兰克福总领馆",
                issued_on: issued,
                valid_until: until,
                entries: "single",
                stay_days: "30",
                remarks,
            },
            date("2026-11-23"),
        )
        .expect("a valid visa"),
        city: city("110000"),
        entered_by: officer.id,
        entered_at: now(),
    };
    let older = visa(p.id, "E00000001", "2025-03-01", "2025-09-01", "");
    let newer = visa(
        p.id,
        "E00000002",
        "2026-10-01",
        "2027-01-01",
        "Entry via Beijing",
    );
    let mut tx = store.begin().await.unwrap();
    assert!(tx.visas_of(p.id).await.unwrap().is_empty());
    tx.insert_visa(&older).await.unwrap();
    tx.insert_visa(&newer).await.unwrap();
    tx.commit().await.unwrap();

    // Newest first, every field as written.
    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(
        tx.visas_of(p.id).await.unwrap(),
        vec![newer.clone(), older.clone()]
    );
    assert!(tx.visas_of(other.id).await.unwrap().is_empty());
    drop(tx);

    // A person has a number once; another person may have the same number.
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        tx.insert_visa(&visa(p.id, "E00000001", "2026-01-01", "2026-06-01", ""))
            .await,
        Err(StoreError::Conflict("visa_duplicate"))
    ));
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    let same_number = visa(other.id, "E00000001", "2026-01-01", "2026-06-01", "");
    tx.insert_visa(&same_number).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(tx.visas_of(other.id).await.unwrap(), vec![same_number]);
    assert_eq!(tx.visas_of(p.id).await.unwrap().len(), 2);
}

// ------------------------------------------------------------------------------------------------
// Sign-in protection.

async fn sign_in_failures(store: Arc<dyn Store>) {
    let name = [7u8; 32];
    let other = [8u8; 32];
    let t0 = now();
    let lock = Duration::minutes(15);
    let fail = |at: DateTime<Utc>| {
        let store = store.clone();
        async move {
            let mut tx = store.begin().await.unwrap();
            let f = tx
                .record_sign_in_failure(&name, at, at - lock, 3, at + lock)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            f
        }
    };
    let locked = |at: DateTime<Utc>| {
        let store = store.clone();
        async move {
            let mut tx = store.begin_read().await.unwrap();
            tx.sign_in_locked_until(&name, at).await.unwrap()
        }
    };

    // Counted one by one; the third locks, until a lock period after it.
    for n in 1..=2 {
        let f = fail(t0 + Duration::seconds(n)).await;
        assert_eq!((f.count, f.locked_until), (n as u32, None));
    }
    assert_eq!(locked(t0 + Duration::seconds(2)).await, None);
    let third = t0 + Duration::seconds(3);
    let f = fail(third).await;
    assert_eq!((f.count, f.locked_until), (3, Some(third + lock)));
    assert_eq!(locked(third).await, Some(third + lock));
    assert_eq!(
        locked(third + lock - Duration::seconds(1)).await,
        Some(third + lock)
    );
    // A failure while locked counts, and keeps the lock as it was.
    let f = fail(third + Duration::minutes(1)).await;
    assert_eq!((f.count, f.locked_until), (4, Some(third + lock)));
    // The lock ends on time; the next failure starts a new count.
    assert_eq!(locked(third + lock).await, None);
    let f = fail(third + lock + Duration::seconds(1)).await;
    assert_eq!((f.count, f.locked_until), (1, None));

    // Failures a lock period apart are not consecutive.
    let later = third + lock * 3;
    assert_eq!(fail(later).await.count, 1);
    assert_eq!(fail(later + Duration::minutes(1)).await.count, 2);

    // Another name has its own count; a success clears a name's.
    let mut tx = store.begin().await.unwrap();
    let f = tx
        .record_sign_in_failure(&other, later, later - lock, 3, later + lock)
        .await
        .unwrap();
    assert_eq!(f.count, 1);
    tx.clear_sign_in_failures(&name).await.unwrap();
    tx.commit().await.unwrap();
    let at = later + lock + Duration::minutes(1);
    assert_eq!(fail(at).await.count, 1);

    // A threshold of one locks at the first failure.
    let mut tx = store.begin().await.unwrap();
    let f = tx
        .record_sign_in_failure(&[9u8; 32], t0, t0 - lock, 1, t0 + lock)
        .await
        .unwrap();
    assert_eq!((f.count, f.locked_until), (1, Some(t0 + lock)));
    tx.commit().await.unwrap();

    // The purge takes names with no recent failure and no running lock: `other` (last failed at
    // `later`) and the one locked at t0, not `name` (failed at `at`).
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.purge_sign_in_failures(at - lock, at).await.unwrap(), 2);
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let f = tx
        .record_sign_in_failure(&other, at, at - lock, 3, at + lock)
        .await
        .unwrap();
    assert_eq!(f.count, 1, "purged");
    assert_eq!(
        tx.record_sign_in_failure(&name, at, at - lock, 3, at + lock)
            .await
            .unwrap()
            .count,
        2,
        "kept"
    );
}

/// Failures recorded at once by many transactions (servers) each count, and exactly one of them
/// brings the count to the threshold.
async fn concurrent_sign_in_failures(store: Arc<dyn Store>) {
    let name = [5u8; 32];
    let t0 = now();
    let lock = Duration::minutes(15);
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = store.begin().await.unwrap();
            let f = tx
                .record_sign_in_failure(&name, t0, t0 - lock, 5, t0 + lock)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            f
        }));
    }
    let mut counts = Vec::new();
    for t in tasks {
        counts.push(t.await.unwrap());
    }
    let mut seen: Vec<u32> = counts.iter().map(|f| f.count).collect();
    seen.sort_unstable();
    assert_eq!(seen, (1..=12).collect::<Vec<_>>());
    for f in counts {
        assert_eq!(f.locked_until.is_some(), f.count >= 5, "{f:?}");
    }
}

async fn sign_in_attempts(store: Arc<dyn Store>) {
    use chrono::DurationRound;
    let w0 = now().duration_trunc(Duration::minutes(1)).unwrap();
    let w1 = w0 + Duration::minutes(1);
    let mut tx = store.begin().await.unwrap();
    for n in 1..=3 {
        assert_eq!(tx.count_sign_in_attempt("192.0.2.1", w0).await.unwrap(), n);
    }
    assert_eq!(tx.count_sign_in_attempt("192.0.2.2", w0).await.unwrap(), 1);
    // A new window starts again; a late process's earlier window counts in the later one.
    assert_eq!(tx.count_sign_in_attempt("192.0.2.1", w1).await.unwrap(), 1);
    assert_eq!(tx.count_sign_in_attempt("192.0.2.1", w0).await.unwrap(), 2);
    assert_eq!(tx.count_sign_in_attempt("192.0.2.1", w1).await.unwrap(), 3);
    // The purge takes the rows of earlier windows only.
    assert_eq!(tx.purge_sign_in_attempts(w1).await.unwrap(), 1);
    assert_eq!(tx.count_sign_in_attempt("192.0.2.2", w1).await.unwrap(), 1);
    assert_eq!(tx.count_sign_in_attempt("192.0.2.1", w1).await.unwrap(), 4);
    tx.commit().await.unwrap();
}

// ------------------------------------------------------------------------------------------------
// Identity numbers sealed at rest (store::sealing).

/// Every identity number kind written once through the store: a person's passport, the permit's
/// copy, a changed passport in an application, a social security number (with a notice naming
/// it), a visa number, the account a benefit is paid to, a register's answer naming the
/// passport. Returns the plain values.
async fn write_identity_numbers(store: &Arc<dyn Store>) -> (Vec<String>, Person, PermitNumber) {
    use domain::benefits::{Claim, ClaimDocument, ClaimState, PaymentInstruction};
    use domain::ids::{ClaimId, InsuranceId, VisaId};
    use domain::insurance::{Insurance, InsuranceState, PermitCheck};
    use domain::numbers::SocialSecurityNumber;
    use domain::policy::DocumentKind;
    use domain::registers::{Evidence, Outcome, RegisterKind};
    use domain::visa::{Visa, VisaDetails, VisaFields};
    use store::StoredClaim;

    let (e, p) = seed_party(store, "110000").await;
    let new_passport = fresh_passport();
    let ssn = SocialSecurityNumber::new("110000", date("2026-03-02"), serial()).unwrap();
    let visa_number = format!("V{:08}", serial() % 100_000_000);
    let account = format!("6222{:012}", serial());
    let officer = account_for_visas();
    seed_account(store, &officer).await;

    let number = permit_number("110000");
    let permit = permit(&number, 1, &p, &e);
    let change = application(
        &e,
        &p,
        Details::Change {
            permit_number: number.clone(),
            change: Change::Passport {
                new_passport_number: new_passport.clone(),
            },
            change_date: date("2026-11-20"),
        },
    );
    let insurance = Insurance {
        id: InsuranceId(Uuid::now_v7()),
        person_id: p.id,
        employer_id: e.id,
        city: city("110000"),
        permit_number: number.clone(),
        permit_check: PermitCheck::SharedRecord,
        state: InsuranceState::Registered,
        version: 2,
        ssn: Some(ssn.clone()),
        requested_at: now(),
        decided_at: Some(now()),
        refusal: Vec::new(),
    };
    let visa = Visa {
        id: VisaId(Uuid::now_v7()),
        person_id: p.id,
        details: VisaDetails::parse(
            &VisaFields {
                visa_number: &visa_number,
                visa_category: "Z",
                issuing_post: "Consulate-General in Frankfurt",
                issued_on: "2026-10-01",
                valid_until: "2027-01-01",
                entries: "single",
                stay_days: "30",
                remarks: "",
            },
            date("2026-11-23"),
        )
        .unwrap(),
        city: city("110000"),
        entered_by: officer.id,
        entered_at: now(),
    };
    let claim = StoredClaim {
        claim: Claim {
            id: ClaimId(Uuid::now_v7()),
            person_id: p.id,
            benefit: "pension_refund".into(),
            state: ClaimState::Approved,
            version: 2,
            documents: vec![ClaimDocument::Passport, ClaimDocument::BankAccount],
            submitted_at: now(),
            decided_at: Some(now()),
            payment: Some(PaymentInstruction::parse("1234.56", &account, "REF-1").unwrap()),
            refusal: Vec::new(),
        },
        city: city("110000"),
        leaving_china_on: Some(date("2026-09-01")),
        decided_by: Some(officer.id),
    };
    let notice = StoredNotice {
        params: vec![
            ("ssn".into(), ssn.to_string()),
            ("state".into(), "made".into()),
        ],
        ..notice(Recipient::Person(p.id), "insurance_registered", now())
    };
    let answer = format!(
        "{{\"registered\": true, \"passport_number\": \"{}\"}}",
        p.passport_number
    );
    let evidence = Evidence {
        document: DocumentKind::AccommodationRegistration,
        fact: RegisterKind::Accommodation,
        register: "http://police.example/accommodation".into(),
        asked_at: now(),
        answered_at: Some(now()),
        outcome: Outcome::Confirmed {
            reference: "ACC-1".into(),
            as_of: date("2026-03-01"),
        },
        answer: answer.clone(),
    };

    let mut tx = store.begin().await.unwrap();
    tx.insert_permit(&permit, now()).await.unwrap();
    tx.insert_applications(std::slice::from_ref(&change))
        .await
        .unwrap();
    tx.insert_register_checks(&[(change.id, evidence.clone())])
        .await
        .unwrap();
    tx.insert_insurance(&insurance).await.unwrap();
    tx.insert_visa(&visa).await.unwrap();
    tx.insert_claim(&claim).await.unwrap();
    assert!(tx.insert_notice(&notice, &[]).await.unwrap());
    tx.commit().await.unwrap();

    // Everything reads back as written.
    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(tx.person(p.id).await.unwrap().as_ref(), Some(&p));
    assert_eq!(
        tx.permit_revisions(&number).await.unwrap(),
        vec![permit.clone()]
    );
    assert_eq!(
        tx.application(change.id).await.unwrap(),
        Some(change.clone())
    );
    assert_eq!(tx.register_checks(change.id).await.unwrap(), vec![evidence]);
    assert_eq!(
        tx.insurance(insurance.id).await.unwrap(),
        Some(insurance.clone())
    );
    assert_eq!(tx.visas_of(p.id).await.unwrap(), vec![visa]);
    assert_eq!(tx.claim(claim.claim.id).await.unwrap(), Some(claim));
    assert_eq!(
        tx.notices(Recipient::Person(p.id), 10).await.unwrap(),
        vec![notice]
    );
    // Found by their numbers, through the keyed hashes.
    assert_eq!(tx.insurance_by_ssn(&ssn).await.unwrap(), Some(insurance));
    assert_eq!(
        tx.people_by_passport(&[(p.nationality, p.passport_number.clone())])
            .await
            .unwrap(),
        vec![p.clone()]
    );
    drop(tx);
    let plain = vec![
        p.passport_number.to_string(),
        new_passport.to_string(),
        ssn.to_string(),
        visa_number,
        account.replace(' ', ""),
    ];
    (plain, p, number)
}

fn account_for_visas() -> Account {
    account(
        &format!("visa.officer.{}", serial()),
        Scope::ImmigrationOfficer {
            city: city("110000"),
        },
    )
}

/// The rows of the database that hold any of `plain`, as text.
async fn rows_holding(url: &str, plain: &[String]) -> Vec<String> {
    store::testing::dump(url)
        .await
        .into_iter()
        .flat_map(|(table, rows)| rows.into_iter().map(move |r| format!("{table}: {r}")))
        .filter(|r| plain.iter().any(|p| r.contains(p.as_str())))
        .collect()
}

async fn identity_numbers_are_sealed_at_rest(store: Arc<dyn Store>, url: String) {
    let (plain, p, _) = write_identity_numbers(&store).await;
    let leaks = rows_holding(&url, &plain).await;
    assert!(leaks.is_empty(), "in clear at rest: {leaks:#?}");
    if store.backend() == Backend::Sqlite {
        // The people table rebuilt by migration 15: every reference to it points at the new
        // table, and every row's references hold.
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
        let stale: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE sql LIKE '%people_before_sealing%'",
        )
        .fetch_all(&mut c)
        .await
        .unwrap();
        assert!(stale.is_empty(), "{stale:?}");
        let broken: Vec<(String,)> =
            sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                .fetch_all(&mut c)
                .await
                .unwrap();
        assert!(broken.is_empty(), "{broken:?}");
        let referencing: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
             WHERE m.type = 'table' AND f.\"table\" = 'people'",
        )
        .fetch_one(&mut c)
        .await
        .unwrap();
        assert!(referencing >= 10, "{referencing} references to people");
        c.close().await.unwrap();
    }

    // A passport belongs to one person of a nationality, as before sealing: the keyed hash
    // carries the unique index.
    let mut twin = person(p.employer_id, "TWIN", "Tom");
    twin.passport_number = p.passport_number.clone();
    let mut tx = store.begin().await.unwrap();
    assert_conflict(tx.insert_person(&twin, now()).await, "passport_number");
    drop(tx);
    twin.nationality = nationality("FRA");
    let mut tx = store.begin().await.unwrap();
    tx.insert_person(&twin, now()).await.unwrap();
    tx.commit().await.unwrap();
    // Changing the passport moves the hash with it: the old number is free again.
    let mut changed = p.clone();
    changed.passport_number = fresh_passport();
    let mut tx = store.begin().await.unwrap();
    tx.update_person(&changed).await.unwrap();
    let mut reuse = person(p.employer_id, "REUSE", "Ruth");
    reuse.passport_number = p.passport_number.clone();
    tx.insert_person(&reuse, now()).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(tx.person(p.id).await.unwrap(), Some(changed));
    assert_eq!(
        tx.people_by_passport(&[(p.nationality, p.passport_number.clone())])
            .await
            .unwrap(),
        vec![reuse]
    );
}

async fn another_data_key_is_refused(store: Arc<dyn Store>, url: String) {
    let (_, p) = seed_party(&store, "110000").await;
    let other = store::DataKey::parse(&"5a".repeat(32)).unwrap();
    match store::open(&url, &store::OpenOptions::new(other).connections(2)).await {
        Err(StoreError::WrongDataKey) => {}
        Err(e) => panic!("refused for another reason: {e}"),
        Ok(_) => panic!("opened with another data key"),
    }
    // Nothing was changed: the right key still reads the rows.
    let again = store::open(&url, &store::OpenOptions::new(store::DataKey::demo()))
        .await
        .unwrap();
    let mut tx = again.begin_read().await.unwrap();
    assert_eq!(tx.person(p.id).await.unwrap(), Some(p));
    drop(tx);
    again.close().await;
}

/// A database as migration 15 leaves one written before: numbers in clear, no hashes, no key
/// recorded. Opening it seals every row; the rows read back as they were.
async fn rows_written_before_sealing_are_sealed_on_open(store: Arc<dyn Store>, url: String) {
    let (plain, p, number) = write_identity_numbers(&store).await;
    let backend = store.backend();
    // Unseal by hand what the store sealed, through the store's own reads.
    let mut tx = store.begin_read().await.unwrap();
    let person = tx.person(p.id).await.unwrap().unwrap();
    let permits = tx.permit_revisions(&number).await.unwrap();
    let insurance = tx.insurance_of(p.id).await.unwrap().unwrap();
    let visas = tx.visas_of(p.id).await.unwrap();
    drop(tx);
    // A card account named, as accounts were, by the social security number it was
    // registered with.
    let ssn_name = insurance.ssn.as_ref().unwrap().as_str().to_lowercase();
    let holder = Account {
        display_name: "SMITH Jane".into(),
        ..account(&ssn_name, Scope::Applicant { person_id: p.id })
    };
    seed_account(&store, &holder).await;
    let mut tx = store.begin().await.unwrap();
    tx.insert_card_registration(&store::CardRegistration {
        account_id: holder.id,
        person_id: p.id,
        registered_at: now(),
        real_name_checked_at: None,
        failed_checks: 0,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let before = store::testing::dump(&url).await;
    store.close().await;
    let q = |s: &str| s.replace('\'', "''");
    let statements = vec![
        format!(
            "UPDATE people SET passport_number = '{}', passport_hash = NULL WHERE passport_number LIKE 'e1:%' AND id = {}",
            q(person.passport_number.as_str()),
            uuid_literal(backend, p.id.0)
        ),
        format!(
            "UPDATE permits SET passport_number = '{}' WHERE id = {}",
            q(permits[0].passport_number.as_str()),
            uuid_literal(backend, permits[0].id.0)
        ),
        format!(
            "UPDATE insurances SET ssn = '{}', ssn_hash = NULL WHERE id = {}",
            insurance.ssn.as_ref().unwrap(),
            uuid_literal(backend, insurance.id.0)
        ),
        format!(
            "UPDATE visas SET number = '{}', number_hash = NULL WHERE id = {}",
            visas[0].details.number,
            uuid_literal(backend, visas[0].id.0)
        ),
        "DELETE FROM data_key".to_string(),
    ];
    for sql in &statements {
        assert_eq!(raw_execute(backend, &url, sql).await.unwrap(), 1, "{sql}");
    }
    assert!(
        !rows_holding(&url, &plain[..1]).await.is_empty(),
        "unsealed by hand"
    );

    let reopened = store::open(&url, &store::OpenOptions::new(store::DataKey::demo()))
        .await
        .unwrap();
    let mut plain = plain;
    plain.push(ssn_name.clone());
    let leaks = rows_holding(&url, &plain).await;
    assert!(leaks.is_empty(), "left in clear: {leaks:#?}");
    let after = store::testing::dump(&url).await;
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (table, rows) in &before {
        assert_eq!(rows.len(), after[table].len(), "{table}");
    }
    let mut tx = reopened.begin_read().await.unwrap();
    assert_eq!(tx.person(p.id).await.unwrap(), Some(person.clone()));
    assert_eq!(tx.permit_revisions(&number).await.unwrap(), permits);
    assert_eq!(
        tx.insurance_by_ssn(insurance.ssn.as_ref().unwrap())
            .await
            .unwrap(),
        Some(insurance)
    );
    assert_eq!(tx.visas_of(p.id).await.unwrap(), visas);
    // The account is named by the permit number now.
    let renamed = tx
        .account_by_username(&number.as_str().to_lowercase())
        .await
        .unwrap()
        .expect("renamed");
    assert_eq!(renamed.id, holder.id);
    assert!(tx.account_by_username(&ssn_name).await.unwrap().is_none());
    assert_eq!(
        tx.people_by_passport(&[(person.nationality, person.passport_number.clone())])
            .await
            .unwrap(),
        vec![person]
    );
    drop(tx);
    reopened.close().await;
}

/// A UUID as a literal of the backend's SQL.
fn uuid_literal(backend: Backend, id: Uuid) -> String {
    match backend {
        Backend::Sqlite => format!("X'{}'", id.simple()),
        Backend::Postgres => format!("'{id}'"),
    }
}
