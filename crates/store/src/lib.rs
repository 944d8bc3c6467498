//! Storage: one `Store` trait, a SQLite and a PostgreSQL implementation, their migrations, and
//! the audit chain. Services open a transaction with [`Store::begin`], call repository methods
//! on it, and commit; the audit records they add are appended at commit, in the same
//! transaction, so that no change is stored without its record.

pub mod backup;
mod common;
pub mod contributions;
pub mod imports;
pub mod issued_documents;
mod migrate;
pub mod one_stop;
pub mod postgres;
pub mod read_only;
mod rows;
pub mod sealing;
pub mod sign_in;
pub mod sqlite;
pub mod testing;
mod unsealed;
pub mod uploads;
pub mod visas;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
pub use contributions::{
    ClaimFilter, Contributions, DeclaredSummary, InsuranceClosure, StoredClaim, StoredDeclaration,
};
use domain::application::{Application, State};
use domain::audit::{AuditRecord, Link};
use domain::city::City;
use domain::ids::{
    AccountId, ApplicationId, DeliveryId, EmployerId, EventId, NoticeId, PermitId, PersonId,
};
use domain::notice::{Channel, Recipient, SitePath, Topic};
use domain::numbers::PermitNumber;
use domain::numbers::ReceiptNumber;
use domain::party::{Employer, Person};
use domain::permit::{Category, Medium, Permit, PermitStatus};
use domain::policy::{Assessment, Facts};
use domain::profile::Profile;
use domain::role::{Principal, Role, Scope};
use domain::values::Email;
pub use imports::{ImportCheckpoint, Imports};
pub use issued_documents::{IssuedDocument, IssuedDocuments};
pub use one_stop::{CaseEvent, Filing, InsuranceFilter, OneStop, ResidenceFilter};
pub use sealing::{DEMO_DATA_KEY, DataKey, DataKeyFormat};
pub use sign_in::{Failures, SignInGuard};
use std::sync::Arc;
pub use uploads::{ReusedFrom, StoredUpload, UploadStatus, Uploads, VerifiedElsewhere};
pub use visas::Visas;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule refused the write; the string names what was taken.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// A row holds a value the domain cannot read: a bug or a hand edit.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A backup or a restore that cannot be done, and why.
    #[error("{0}")]
    Backup(String),
    /// The database's identity numbers are sealed under another data key than the one given.
    #[error(
        "the database's identity numbers are sealed under another data key than the one given (ONECARD_DATA_KEY)"
    )]
    WrongDataKey,
    /// A read-only open (a replica) found a database it cannot serve as it is, and why.
    #[error("{0}")]
    NotReady(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The backend a database URL names, if any.
pub fn backend_of(url: &str) -> Option<Backend> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Some(Backend::Postgres)
    } else if url.starts_with("sqlite:") {
        Some(Backend::Sqlite)
    } else {
        None
    }
}

/// Opens the store a URL names: `sqlite://path` (created if missing) or `postgres://…`, and
/// brings its schema up to date; or, with [`OpenOptions::read_only`], opens it without writing
/// (`read_only`).
pub async fn open(url: &str, options: &OpenOptions) -> Result<Arc<dyn Store>> {
    match backend_of(url) {
        Some(Backend::Postgres) => Ok(Arc::new(postgres::PgStore::open(url, options).await?)),
        Some(Backend::Sqlite) => Ok(Arc::new(sqlite::SqliteStore::open(url, options).await?)),
        None => Err(StoreError::Database(sqlx::Error::Configuration(
            "database URL must start with sqlite: or postgres://".into(),
        ))),
    }
}

#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Connections to PostgreSQL; SQLite always writes through one connection and reads through
    /// this many.
    pub max_connections: u32,
    /// The key identity numbers are sealed under (`sealing`).
    pub data_key: DataKey,
    /// Open without writing anything, not even a migration: for a replica (`read_only`).
    pub read_only: bool,
}

impl OpenOptions {
    pub fn new(data_key: DataKey) -> OpenOptions {
        OpenOptions {
            max_connections: 16,
            data_key,
            read_only: false,
        }
    }

    /// Opens the database as it is, for reading only; every write is refused.
    pub fn read_only(self) -> OpenOptions {
        OpenOptions {
            read_only: true,
            ..self
        }
    }

    pub fn connections(self, max_connections: u32) -> OpenOptions {
        OpenOptions {
            max_connections,
            ..self
        }
    }
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    fn backend(&self) -> Backend;
    /// A transaction that may write.
    async fn begin(&self) -> Result<Box<dyn Tx>>;
    /// A transaction that only reads; on SQLite it does not wait for the writer.
    async fn begin_read(&self) -> Result<Box<dyn Tx>>;
    /// The account of a session that has not expired at `now`, read in one statement outside
    /// any transaction: every request that needs a session asks this.
    async fn session_account(
        &self,
        token_hash: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Option<Account>>;
    /// The account of an API token that has not been revoked, read like `session_account`.
    async fn api_token_account(&self, token_hash: &[u8]) -> Result<Option<Account>>;
    /// Whether the database answers.
    async fn ping(&self) -> Result<()>;
    async fn close(&self);
}

/// An account as stored. The password hash never leaves the store but to be checked.
#[derive(Clone)]
pub struct Account {
    pub id: AccountId,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub scope: Scope,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("scope", &self.scope)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

impl Account {
    pub fn principal(&self) -> Principal {
        Principal {
            account_id: self.id,
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            scope: self.scope,
        }
    }
}

/// A sign-in session; the token itself is only ever held by the browser, the store keeps its hash.
#[derive(Debug, Clone)]
pub struct Session {
    pub token_hash: Vec<u8>,
    pub account_id: AccountId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct ApiToken {
    pub token_hash: Vec<u8>,
    pub account_id: AccountId,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// One step on an application's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: EventId,
    pub application_id: ApplicationId,
    pub at: DateTime<Utc>,
    pub actor_id: Option<AccountId>,
    pub actor_name: String,
    pub actor_role: Option<Role>,
    /// `created` or an action's name.
    pub action: String,
    pub from_state: Option<State>,
    pub to_state: State,
    pub notes: Vec<String>,
}

/// Which applications to list; all filters that are set must hold.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub employer_id: Option<EmployerId>,
    pub person_id: Option<PersonId>,
    pub city: Option<City>,
    pub states: Vec<State>,
    /// The officer queue's order: the nearest deadline first (pre-review while submitted, the
    /// decision after), then the oldest submission; rather than the newest creation first.
    pub by_deadline: bool,
    pub limit: i64,
}

#[derive(Debug, Clone, Default)]
pub struct PermitFilter {
    pub holder_id: Option<PersonId>,
    pub employer_id: Option<EmployerId>,
    pub city: Option<City>,
    pub limit: i64,
}

/// What the policy in force said of an application when it was submitted: its deadlines, and,
/// where the employer gave the applicant's profile, the facts and the assessment. Before
/// submission only the profile is set.
#[derive(Debug, Clone, PartialEq)]
pub struct AssessmentRecord {
    pub application_id: ApplicationId,
    pub profile: Option<Profile>,
    pub policy_version: Option<String>,
    pub pre_review_due: Option<NaiveDate>,
    pub decision_due: Option<NaiveDate>,
    pub facts: Option<Facts>,
    pub result: Option<Assessment>,
}

impl AssessmentRecord {
    /// A draft's record: the profile alone.
    pub fn profile_only(application_id: ApplicationId, profile: Profile) -> Self {
        AssessmentRecord {
            application_id,
            profile: Some(profile),
            policy_version: None,
            pre_review_due: None,
            decision_due: None,
            facts: None,
            result: None,
        }
    }
}

/// An assessed application as a re-evaluation reads it: the facts, and what came of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessed {
    pub application_id: ApplicationId,
    pub receipt_number: ReceiptNumber,
    pub policy_version: String,
    pub facts: Facts,
    pub category: Category,
    pub eligible: bool,
}

/// What an issuer key signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyRole {
    /// Only the published key set; verifiers pin its public key out of band.
    Root,
    /// Credentials and status lists.
    Signing,
}

impl KeyRole {
    pub fn as_str(&self) -> &'static str {
        match self {
            KeyRole::Root => "root",
            KeyRole::Signing => "signing",
        }
    }
    pub fn parse(s: &str) -> Option<KeyRole> {
        [KeyRole::Root, KeyRole::Signing]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// An issuer key as stored: the seed only sealed (the store never sees it in clear).
#[derive(Clone, PartialEq, Eq)]
pub struct StoredIssuerKey {
    pub kid: Vec<u8>,
    pub role: KeyRole,
    pub public_key: Vec<u8>,
    pub sealed_seed: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for StoredIssuerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredIssuerKey")
            .field("kid", &self.kid)
            .field("role", &self.role)
            .field("created_at", &self.created_at)
            .field("retired_at", &self.retired_at)
            .finish_non_exhaustive()
    }
}

/// A holder's e-SSC registration: the account matched to a person by the name in the passport and
/// a permit number; the card carries the permit once the real-name check is passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRegistration {
    pub account_id: AccountId,
    pub person_id: PersonId,
    pub registered_at: DateTime<Utc>,
    pub real_name_checked_at: Option<DateTime<Utc>>,
    pub failed_checks: i32,
}

/// A permit revision's entry in the token status list, where it is not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusEntry {
    pub idx: u64,
    pub status: PermitStatus,
}

/// A policy version an administrator loaded, with its source text as loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPolicy {
    pub version: String,
    pub effective_from: NaiveDate,
    pub file_name: String,
    pub source: String,
    pub loaded_at: DateTime<Utc>,
    pub loaded_by: Option<AccountId>,
}

/// An `Idempotency-Key` as the caller sent it; keys are per account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey {
    pub account: AccountId,
    pub key: String,
}

/// The answer stored under an idempotency key, returned again to a retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub request_hash: Vec<u8>,
    pub status: u16,
    pub body: String,
}

/// A notice as stored in its recipient's inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredNotice {
    pub id: NoticeId,
    pub recipient: Recipient,
    pub topic: Topic,
    pub params: Vec<(String, String)>,
    pub link: Option<SitePath>,
    pub dedupe_key: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// What waits, as the metrics report it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Backlog {
    /// (queue, state, count): `applications`, `residence_applications`, `insurances`, `claims`.
    pub queues: Vec<(&'static str, String, i64)>,
    pub outbox_pending: i64,
    pub outbox_failing: i64,
    pub outbox_oldest: Option<DateTime<Utc>>,
}

/// An outbox row to write with a notice: a channel and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    pub id: DeliveryId,
    pub channel: Channel,
    /// The e-mail address, or the webhook URL.
    pub target: String,
}

/// An outbox row, with its notice, as a worker claimed it or an administrator reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: DeliveryId,
    pub channel: Channel,
    pub target: String,
    /// Attempts made before this one.
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub claimed_by: Option<String>,
    pub claimed_until: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub failing: bool,
    pub notice: StoredNotice,
}

/// Where an employer wants its notices besides the inbox. The webhook secret only sealed.
#[derive(Clone, PartialEq, Eq)]
pub struct NotificationSettings {
    pub employer_id: EmployerId,
    pub contact_email: Option<Email>,
    pub webhook_url: Option<String>,
    pub webhook_secret_sealed: Option<Vec<u8>>,
    pub updated_at: DateTime<Utc>,
}

impl std::fmt::Debug for NotificationSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotificationSettings")
            .field("employer_id", &self.employer_id)
            .field("contact_email", &self.contact_email)
            .field("webhook_url", &self.webhook_url)
            .field("updated_at", &self.updated_at)
            .finish_non_exhaustive()
    }
}

/// The repositories, inside one transaction. Dropping it without `commit` rolls back.
#[async_trait]
pub trait Tx:
    one_stop::OneStop
    + uploads::Uploads
    + issued_documents::IssuedDocuments
    + contributions::Contributions
    + visas::Visas
    + sign_in::SignInGuard
    + imports::Imports
    + Send
{
    /// Appends the audit records added so far to the chain, then commits.
    async fn commit(self: Box<Self>) -> Result<()>;
    /// Adds a record to be appended to the audit chain at commit.
    fn audit(&mut self, record: AuditRecord);

    /// The next value of a named counter, starting at 1, taken inside the transaction.
    async fn next_serial(&mut self, counter: &str) -> Result<u64>;
    /// The next serial for a receipt number. On PostgreSQL it comes from a sequence, which a
    /// rollback does not give back: receipt numbers may have gaps, and never repeat.
    async fn next_receipt_serial(&mut self) -> Result<u64> {
        let serials = self.next_receipt_serials(1).await?;
        serials
            .first()
            .copied()
            .ok_or_else(|| StoreError::Corrupt("no receipt serial".into()))
    }
    /// `n` receipt serials at once, in increasing order (see `next_receipt_serial`).
    async fn next_receipt_serials(&mut self, n: usize) -> Result<Vec<u64>>;

    async fn insert_account(&mut self, account: &Account) -> Result<()>;
    async fn account_by_username(&mut self, username: &str) -> Result<Option<Account>>;
    async fn account(&mut self, id: AccountId) -> Result<Option<Account>>;
    async fn list_accounts(&mut self) -> Result<Vec<Account>>;

    async fn insert_session(&mut self, session: &Session) -> Result<()>;
    /// The account of a session that has not expired at `now`.
    async fn session_account(
        &mut self,
        token_hash: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Option<Account>>;
    async fn delete_session(&mut self, token_hash: &[u8]) -> Result<()>;
    async fn delete_expired_sessions(&mut self, now: DateTime<Utc>) -> Result<u64>;

    async fn insert_api_token(&mut self, token: &ApiToken) -> Result<()>;
    async fn api_token_account(&mut self, token_hash: &[u8]) -> Result<Option<Account>>;

    async fn insert_employer(&mut self, employer: &Employer, at: DateTime<Utc>) -> Result<()>;
    async fn employer(&mut self, id: EmployerId) -> Result<Option<Employer>>;
    /// The employers among `ids` that exist, in no particular order.
    async fn employers(&mut self, ids: &[EmployerId]) -> Result<Vec<Employer>>;
    async fn list_employers(&mut self, city: Option<City>) -> Result<Vec<Employer>>;

    async fn insert_person(&mut self, person: &Person, at: DateTime<Utc>) -> Result<()>;
    async fn update_person(&mut self, person: &Person) -> Result<()>;
    async fn person(&mut self, id: PersonId) -> Result<Option<Person>>;
    /// The people among `ids` that exist, in no particular order.
    async fn people(&mut self, ids: &[PersonId]) -> Result<Vec<Person>>;
    async fn list_people(&mut self, employer_id: EmployerId) -> Result<Vec<Person>>;

    async fn insert_application(&mut self, app: &Application) -> Result<()> {
        self.insert_applications(std::slice::from_ref(app)).await
    }
    /// Inserts many applications with a few multi-row statements.
    async fn insert_applications(&mut self, apps: &[Application]) -> Result<()>;
    /// Writes the new state and stamps of `app` if the stored version is still `seen`, and
    /// raises the version by one. Returns false if another change came first.
    async fn update_application(&mut self, app: &Application, seen: i64) -> Result<bool>;
    async fn application(&mut self, id: ApplicationId) -> Result<Option<Application>>;
    async fn list_applications(&mut self, filter: &ApplicationFilter) -> Result<Vec<Application>>;

    async fn insert_event(&mut self, event: &Event) -> Result<()> {
        self.insert_events(std::slice::from_ref(event)).await
    }
    async fn insert_events(&mut self, events: &[Event]) -> Result<()>;
    async fn events(&mut self, application_id: ApplicationId) -> Result<Vec<Event>>;

    async fn insert_permit(&mut self, permit: &Permit, at: DateTime<Utc>) -> Result<()>;
    async fn set_permit_status(
        &mut self,
        id: PermitId,
        status: PermitStatus,
        on: NaiveDate,
    ) -> Result<()>;
    /// The latest revision of a permit.
    async fn permit(&mut self, number: &PermitNumber) -> Result<Option<Permit>>;
    /// Every revision of a permit, oldest first.
    async fn permit_revisions(&mut self, number: &PermitNumber) -> Result<Vec<Permit>>;
    /// The latest revision of each permit that matches.
    async fn list_permits(&mut self, filter: &PermitFilter) -> Result<Vec<Permit>>;

    async fn idempotent_response(
        &mut self,
        account: AccountId,
        key: &str,
    ) -> Result<Option<StoredResponse>> {
        let key = IdempotencyKey {
            account,
            key: key.to_string(),
        };
        let mut found = self
            .idempotent_responses(std::slice::from_ref(&key))
            .await?;
        Ok(found.pop().map(|(_, r)| r))
    }
    /// The answers stored under any of `keys`, in no particular order.
    async fn idempotent_responses(
        &mut self,
        keys: &[IdempotencyKey],
    ) -> Result<Vec<(IdempotencyKey, StoredResponse)>>;
    /// Stores the answer under a key; `Conflict("idempotency_key")` if a concurrent request
    /// stored one first.
    async fn store_idempotent_response(
        &mut self,
        account: AccountId,
        key: &str,
        response: &StoredResponse,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let key = IdempotencyKey {
            account,
            key: key.to_string(),
        };
        self.store_idempotent_responses(&[(key, response.clone())], at)
            .await
    }
    /// Stores many answers; `Conflict("idempotency_key")` if any key is taken.
    async fn store_idempotent_responses(
        &mut self,
        responses: &[(IdempotencyKey, StoredResponse)],
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// Writes the records, replacing those of the same applications.
    async fn upsert_assessments(&mut self, records: &[AssessmentRecord]) -> Result<()>;
    /// The records of the applications among `ids` that have one, in no particular order.
    async fn assessments(&mut self, ids: &[ApplicationId]) -> Result<Vec<AssessmentRecord>>;
    /// The facts and outcome of assessed applications, in application id order after `after`,
    /// at most `limit`: for re-evaluating them all against another policy.
    async fn assessed_after(
        &mut self,
        after: Option<ApplicationId>,
        limit: i64,
    ) -> Result<Vec<Assessed>>;

    /// Records what registers answered, each about the application it is paired with.
    async fn insert_register_checks(
        &mut self,
        checks: &[(ApplicationId, domain::registers::Evidence)],
    ) -> Result<()>;
    /// Records what registers answered about one application (any kind of application: a
    /// residence permit's evidence is kept here too).
    async fn insert_register_evidence(
        &mut self,
        application_id: ApplicationId,
        evidence: &[domain::registers::Evidence],
    ) -> Result<()> {
        let checks: Vec<_> = evidence
            .iter()
            .map(|e| (application_id, e.clone()))
            .collect();
        self.insert_register_checks(&checks).await
    }
    /// What registers answered about an application, in the order recorded.
    async fn register_checks(
        &mut self,
        application_id: ApplicationId,
    ) -> Result<Vec<domain::registers::Evidence>>;

    /// `Conflict("issuer_key")` if the key id is taken.
    async fn insert_issuer_key(&mut self, key: &StoredIssuerKey) -> Result<()>;
    /// Every issuer key, oldest first.
    async fn issuer_keys(&mut self) -> Result<Vec<StoredIssuerKey>>;
    /// Retires a key at `at`; false if there is no such key not yet retired.
    async fn retire_issuer_key(&mut self, kid: &[u8], at: DateTime<Utc>) -> Result<bool>;

    /// `Conflict("policy_version")` if the version was loaded before.
    /// Moves a permit revision to another medium (a physical card holder upgrading to the e-SSC).
    async fn set_permit_medium(&mut self, id: PermitId, medium: Medium) -> Result<()>;

    /// The permit revision's index in the status list (every revision has one).
    async fn status_index(&mut self, permit: PermitId) -> Result<Option<u64>>;
    /// The revision at a status list index.
    async fn permit_at_status_index(&mut self, idx: u64) -> Result<Option<Permit>>;
    /// The revisions at these indexes, each with its index; indexes with none are left out.
    async fn permits_at_status_indexes(&mut self, idx: &[u64]) -> Result<Vec<(u64, Permit)>>;
    /// The entries in `from..to` that are not valid on `today` (cancelled, superseded, lapsed),
    /// by index.
    async fn status_entries(
        &mut self,
        from: u64,
        to: u64,
        today: NaiveDate,
    ) -> Result<Vec<StatusEntry>>;
    /// One past the highest index given out so far.
    async fn status_index_end(&mut self) -> Result<u64>;

    /// Records each `(token id, expiry in seconds since the epoch)` as used; true for each that
    /// was not used before (a token repeated within `tokens` counts as used after its first). A
    /// token is the pair: a replayed code carries the same signed expiry.
    async fn use_tokens(&mut self, tokens: &[(Vec<u8>, i64)]) -> Result<Vec<bool>>;
    /// Forgets tokens that expired before `now` (seconds since the epoch); how many.
    async fn purge_used_tokens(&mut self, now: i64) -> Result<u64>;

    async fn insert_card_registration(&mut self, r: &CardRegistration) -> Result<()>;
    async fn card_registration(&mut self, account: AccountId) -> Result<Option<CardRegistration>>;
    /// The registration of a person's card, whichever account made it.
    async fn card_registration_of(&mut self, person: PersonId) -> Result<Option<CardRegistration>>;
    async fn update_card_registration(&mut self, r: &CardRegistration) -> Result<()>;

    async fn insert_policy(&mut self, policy: &StoredPolicy) -> Result<()>;
    /// Every policy version loaded, by effective date.
    async fn policies(&mut self) -> Result<Vec<StoredPolicy>>;

    /// Puts a notice in its recipient's inbox with its outbox rows, unless a notice with the same
    /// recipient and dedupe key is there already: then nothing is written and the answer is false.
    async fn insert_notice(
        &mut self,
        notice: &StoredNotice,
        deliveries: &[NewDelivery],
    ) -> Result<bool>;
    /// A recipient's notices: unread first, then the newest first; at most `limit`.
    async fn notices(&mut self, recipient: Recipient, limit: i64) -> Result<Vec<StoredNotice>>;
    /// How many notices of the recipient are unread.
    async fn unread_notices(&mut self, recipient: Recipient) -> Result<i64>;
    /// What waits, for the metrics: cases by queue and state (those not final), and the
    /// outbox's undelivered rows with the oldest one's creation time.
    async fn backlog(&mut self) -> Result<Backlog>;
    /// Marks a notice of this recipient read (it stays read); false if the recipient has no
    /// such notice.
    async fn mark_notice_read(
        &mut self,
        recipient: Recipient,
        id: NoticeId,
        at: DateTime<Utc>,
    ) -> Result<bool>;
    /// Claims up to `limit` undelivered rows that are due at `now` and not under another
    /// worker's lease, for `worker` until `lease_until`, oldest due first. On PostgreSQL
    /// concurrent claimers skip each other's rows (`FOR UPDATE SKIP LOCKED`); SQLite has one writer.
    async fn claim_deliveries(
        &mut self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Delivery>>;
    /// Records a delivery made under `worker`'s claim; false if the claim was lost meanwhile
    /// (the lease ran out and another worker took the row).
    async fn delivery_done(
        &mut self,
        id: DeliveryId,
        worker: &str,
        at: DateTime<Utc>,
    ) -> Result<bool>;
    /// Records a failed attempt and when to try again; false if the claim was lost meanwhile.
    async fn delivery_failed(
        &mut self,
        id: DeliveryId,
        worker: &str,
        next_attempt_at: DateTime<Utc>,
        error: &str,
        failing: bool,
    ) -> Result<bool>;
    /// Gives up `worker`'s claims on rows it has not delivered, so that any worker may take them
    /// at once rather than after the lease: a server stopping does this. How many it gave up.
    async fn release_deliveries(&mut self, worker: &str) -> Result<u64>;
    /// The outbox rows of a notice.
    async fn deliveries_of(&mut self, notice: NoticeId) -> Result<Vec<Delivery>>;
    /// Undelivered rows flagged as failing, oldest first, at most `limit`.
    async fn failing_deliveries(&mut self, limit: i64) -> Result<Vec<Delivery>>;
    async fn notification_settings(
        &mut self,
        employer: EmployerId,
    ) -> Result<Option<NotificationSettings>>;
    async fn upsert_notification_settings(&mut self, s: &NotificationSettings) -> Result<()>;
    /// The valid permits (their latest revisions) whose validity ends within `from..=to`,
    /// for the expiry reminders.
    async fn permits_expiring(
        &mut self,
        from: NaiveDate,
        to: NaiveDate,
        limit: i64,
    ) -> Result<Vec<Permit>>;

    /// Links of the audit chain with sequence numbers above `after`, at most `limit`, in order.
    async fn audit_links(&mut self, after: i64, limit: i64) -> Result<Vec<Link>>;
    /// The sequence number and hash of the last record appended.
    async fn audit_head(&mut self) -> Result<(i64, Vec<u8>)>;
    /// The payloads of the audit records about one entity, oldest first.
    async fn audit_of(&mut self, entity_id: &str) -> Result<Vec<String>>;
}

/// Verifies the whole audit chain. Returns the number of records, or the first broken link.
pub async fn verify_audit(
    store: &dyn Store,
) -> Result<std::result::Result<i64, domain::audit::BrokenLink>> {
    let mut tx = store.begin_read().await?;
    let mut verifier = domain::audit::ChainVerifier::default();
    let mut after = 0;
    loop {
        let links = tx.audit_links(after, 10_000).await?;
        let Some(last) = links.last() else { break };
        after = last.seq;
        for link in &links {
            if let Err(broken) = verifier.check(link) {
                return Ok(Err(broken));
            }
        }
    }
    // A chain cut off at its end is whole up to the cut: the head, kept apart, says how far it went.
    let (seq, hash) = tx.audit_head().await?;
    if verifier.count() != seq || (seq > 0 && verifier.last_hash() != hash.as_slice()) {
        return Ok(Err(domain::audit::BrokenLink::Truncated {
            seq: verifier.count(),
            expected: seq,
        }));
    }
    Ok(Ok(verifier.count()))
}
