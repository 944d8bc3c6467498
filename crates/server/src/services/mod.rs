//! Services: each opens its transaction, checks who may do what, applies the domain's rules,
//! writes, audits and commits. Handlers for the API and the pages call these and nothing below.

pub mod accounts;
pub mod applications;
pub mod appointments;
pub mod card;
pub mod claims;
pub mod contributions;
pub mod employers;
pub(crate) mod group_commit;
pub(crate) mod idempotency;
pub mod insurance;
pub mod issuer;
pub mod notifications;
pub mod official_notices;
pub mod people;
pub mod permits;
pub mod policies;
pub mod records;
pub mod registers;
pub mod residence;
pub mod status_lists;
pub mod uploads;
pub mod verification;
pub mod visas;

use crate::clock::Clock;
use crate::config::Config;
use domain::application::{ActionKind, State};
use domain::{FieldError, Invalid};
use std::sync::Arc;
use store::{Store, StoreError, Tx};

/// What every service needs: the store, the clock, the configuration, the issuer's keys and
/// status lists, and the writers that batch submissions and token uses.
#[derive(Clone)]
pub struct Ctx {
    pub store: Arc<dyn Store>,
    /// Where the reports that may lag a moment behind are read: a PostgreSQL replica opened
    /// read-only (`--replica-url`), or `store` itself. See [`Ctx::begin_report`].
    reports: Option<Arc<dyn Store>>,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<Config>,
    pub policies: Arc<policies::Policies>,
    pub issuer: Arc<issuer::Issuer>,
    pub status_lists: Arc<status_lists::StatusLists>,
    /// Other departments' registers, asked before a submission's transaction.
    pub registers: Arc<registers::Registers>,
    /// What the admin listener's `/metrics` reports.
    pub metrics: Arc<crate::metrics::Metrics>,
    submissions: group_commit::Queue<
        applications::Submission,
        Result<Created<domain::application::Application>>,
    >,
    token_uses: verification::Uses,
}

impl Ctx {
    /// Starts the submission and token-use writers on the current runtime.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: Arc<Config>) -> Ctx {
        let writers = group_commit::writers_for(store.backend());
        let policies = Arc::new(policies::Policies::default());
        let (s, c, p) = (store.clone(), clock.clone(), policies.clone());
        let submissions =
            group_commit::Queue::start(writers, applications::MAX_BATCH, move |batch, handoff| {
                let (s, c, p) = (s.clone(), c.clone(), p.clone());
                async move { applications::create_batch(&*s, &*c, &p, batch, handoff).await }
            });
        let issuer = Arc::new(issuer::Issuer::new(
            &config.issuer,
            config.sealing_key.clone(),
        ));
        let token_uses = verification::start_writer(store.clone(), clock.clone());
        // The binary opens them once before starting, and stops on an error; here an error can
        // only come from a file changed since, and leaves the documents to paper.
        let registers = registers::Registers::open(&config.registers, config.register_timeout)
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "registers not opened: shared-data documents fall back to paper");
                registers::Registers::none(config.register_timeout)
            });
        Ctx {
            registers: Arc::new(registers),
            reports: None,
            store,
            clock,
            config,
            policies,
            issuer,
            status_lists: Arc::default(),
            metrics: Arc::default(),
            submissions,
            token_uses,
        }
    }

    /// This context with the reports read from `replica`.
    pub fn with_replica(self, replica: Arc<dyn Store>) -> Ctx {
        Ctx {
            reports: Some(replica),
            ..self
        }
    }

    /// A read transaction for a report that may trail the latest writes by the replica's lag
    /// (the employer's list of employees and deadlines): on the replica where there is one, on
    /// the primary if the replica does not answer, so that its outage costs only the offload.
    /// Nothing that decides, verifies or is sealed reads through this.
    pub async fn begin_report(&self) -> Result<Box<dyn Tx>> {
        if let Some(replica) = &self.reports {
            match replica.begin_read().await {
                Ok(tx) => return Ok(tx),
                Err(e) => {
                    tracing::warn!(error = %e, "the replica did not answer; the report reads the primary")
                }
            }
        }
        Ok(self.store.begin_read().await?)
    }
}

/// The one error type of the service layer. Client errors carry a stable code; the store's own
/// errors are logged where they are turned into a response, never shown.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("invalid input: {0}")]
    Invalid(Invalid),
    #[error("not signed in")]
    Unauthenticated,
    /// Sign-in refused: the username is locked after repeated failures, until then.
    #[error("sign-in locked until {until}")]
    SignInLocked {
        until: chrono::DateTime<chrono::Utc>,
        /// Seconds from now to `until`, rounded up.
        retry_after: u32,
    },
    /// Too many sign-in attempts from the client's address; again after this many seconds.
    #[error("too many attempts; again in {retry_after} s")]
    TooManyAttempts { retry_after: u32 },
    /// The actor may see the thing but not do this to it.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// Missing, or outside the actor's scope, which must not be told apart.
    #[error("not found: {0}")]
    NotFound(&'static str),
    #[error("{action:?} is not allowed in state {state:?}")]
    IllegalTransition {
        state: State,
        action: ActionKind,
        version: i64,
    },
    #[error("changed meanwhile: now version {version} in state {state:?}")]
    VersionConflict { state: State, version: i64 },
    /// A uniqueness rule: the code says which (`uscc_taken`, `username_taken`…).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// An idempotency key reused with a different request.
    #[error("idempotency key reused for a different request")]
    IdempotencyKeyReused,
    /// A step not open to a residence application or insurance registration in its state, or
    /// one taken on a version that changed meanwhile; `code` says which.
    #[error("{code}: state {state}, version {version}")]
    CaseConflict {
        code: &'static str,
        state: &'static str,
        version: i64,
    },
    /// Something the service needs is not set up (no issuer key, say); the code says what.
    #[error("unavailable: {0}")]
    Unavailable(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A fault of the service itself; the string is for the log.
    #[error("internal: {0}")]
    Internal(&'static str),
}

impl From<Invalid> for ServiceError {
    fn from(i: Invalid) -> Self {
        ServiceError::Invalid(i)
    }
}

impl From<FieldError> for ServiceError {
    fn from(e: FieldError) -> Self {
        ServiceError::Invalid(e.into())
    }
}

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

/// An `Idempotency-Key` with the hash of the request it came with.
#[derive(Debug, Clone)]
pub struct Idempotency {
    pub key: String,
    pub request_hash: Vec<u8>,
}

/// The outcome of a creating call: made now, or made by an earlier call with the same key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created<T> {
    New(T),
    Replayed(T),
}

impl<T> Created<T> {
    pub fn into_inner(self) -> T {
        match self {
            Created::New(t) | Created::Replayed(t) => t,
        }
    }
}

pub(crate) fn new_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}

/// The names of people and employers, for the lists of the pages; looked up once each.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub people: std::collections::HashMap<domain::ids::PersonId, String>,
    pub employers: std::collections::HashMap<domain::ids::EmployerId, String>,
}

impl Names {
    pub fn person(&self, id: domain::ids::PersonId) -> String {
        self.people.get(&id).cloned().unwrap_or_default()
    }
    pub fn employer(&self, id: domain::ids::EmployerId) -> String {
        self.employers.get(&id).cloned().unwrap_or_default()
    }
}

/// Names of the parties of records the caller was already allowed to see: the callers check
/// visibility before they ask, so this must stay crate-private.
pub(crate) async fn names(
    ctx: &Ctx,
    people: Vec<domain::ids::PersonId>,
    employers: Vec<domain::ids::EmployerId>,
) -> Result<Names> {
    let mut out = Names::default();
    let mut tx = ctx.store.begin_read().await?;
    for id in people {
        if out.people.contains_key(&id) {
            continue;
        }
        let name = tx
            .person(id)
            .await?
            .map(|p| p.name.full())
            .unwrap_or_default();
        out.people.insert(id, name);
    }
    for id in employers {
        if out.employers.contains_key(&id) {
            continue;
        }
        let name = tx
            .employer(id)
            .await?
            .map(|e| e.name.to_string())
            .unwrap_or_default();
        out.employers.insert(id, name);
    }
    Ok(out)
}
