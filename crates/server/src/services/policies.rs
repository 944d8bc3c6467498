//! The policy versions: the shipped national default and those an administrator loaded, each
//! in force from its effective date. Every server process keeps them parsed and looks for new
//! ones in the database at most every `REFRESH`, so a version loaded through another process
//! applies here within that time (versions take effect on a date, normally a later one).

use super::{Ctx, Result, ServiceError};
use chrono::{DateTime, NaiveDate, Utc};
use domain::FieldError;
use domain::audit::AuditRecord;
use domain::policy::{Assessment, Facts, Policy};
use domain::role::{Principal, Scope};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use store::{Store, StoredPolicy};

const REFRESH: Duration = Duration::from_secs(30);

/// The parsed versions, oldest effective date first.
pub struct Policies {
    state: RwLock<Loaded>,
}

struct Loaded {
    versions: Vec<Arc<Policy>>,
    checked: Option<std::time::Instant>,
}

impl Default for Policies {
    fn default() -> Self {
        Policies {
            state: RwLock::new(Loaded {
                versions: vec![Arc::new(Policy::national_default().clone())],
                checked: None,
            }),
        }
    }
}

impl Policies {
    /// The version in force on `date`: the latest whose effective date has come, else the
    /// earliest there is.
    pub async fn in_force(&self, store: &dyn Store, date: NaiveDate) -> Result<Arc<Policy>> {
        self.refresh(store, false).await?;
        let loaded = self.state.read().expect("policies lock");
        let versions = &loaded.versions;
        Ok(versions
            .iter()
            .rev()
            .find(|p| p.effective_from() <= date)
            .unwrap_or(&versions[0])
            .clone())
    }

    /// Every version, oldest effective date first.
    pub async fn all(&self, store: &dyn Store) -> Result<Vec<Arc<Policy>>> {
        self.refresh(store, false).await?;
        Ok(self.state.read().expect("policies lock").versions.clone())
    }

    async fn refresh(&self, store: &dyn Store, force: bool) -> Result<()> {
        let fresh = self
            .state
            .read()
            .expect("policies lock")
            .checked
            .is_some_and(|t| t.elapsed() < REFRESH);
        if fresh && !force {
            return Ok(());
        }
        let stored = store.begin_read().await?.policies().await?;
        let mut versions = vec![Arc::new(Policy::national_default().clone())];
        for p in stored {
            match Policy::parse(&p.file_name, &p.source) {
                Ok(policy) => versions.push(Arc::new(policy)),
                // It was checked when loaded; a row that no longer parses is a hand edit.
                Err(e) => {
                    tracing::error!(version = %p.version, error = %e, "stored policy does not parse")
                }
            }
        }
        versions.sort_by(|a, b| {
            (a.effective_from(), a.version()).cmp(&(b.effective_from(), b.version()))
        });
        versions.dedup_by(|a, b| a.version() == b.version());
        let mut loaded = self.state.write().expect("policies lock");
        loaded.versions = versions;
        loaded.checked = Some(std::time::Instant::now());
        Ok(())
    }
}

/// A version an administrator loads: checked, stored, audited, in force from its date.
pub async fn load(
    ctx: &Ctx,
    who: &Principal,
    file_name: &str,
    source: &str,
) -> Result<Arc<Policy>> {
    if who.scope != Scope::Administrator {
        return Err(ServiceError::Forbidden("administrator_only"));
    }
    let policy = Policy::parse(file_name, source).map_err(|e| {
        let mut f = FieldError::new("source", "policy_invalid").with("reason", &e);
        if let Some(line) = e.line {
            f = f.with("line", line);
        }
        f
    })?;
    if policy.version() == Policy::national_default().version() {
        return Err(ServiceError::Conflict("policy_version_taken"));
    }
    let now: DateTime<Utc> = ctx.clock.now();
    let mut tx = ctx.store.begin().await?;
    tx.insert_policy(&StoredPolicy {
        version: policy.version().to_string(),
        effective_from: policy.effective_from(),
        file_name: file_name.to_string(),
        source: source.to_string(),
        loaded_at: now,
        loaded_by: Some(who.account_id),
    })
    .await
    .map_err(|e| match e {
        store::StoreError::Conflict(_) => ServiceError::Conflict("policy_version_taken"),
        e => e.into(),
    })?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        "policy.loaded",
        "policy",
        policy.version(),
        serde_json::json!({
            "version": policy.version(),
            "effective_from": policy.effective_from(),
            "file_name": file_name,
        }),
    ));
    tx.commit().await?;
    ctx.policies.refresh(&*ctx.store, true).await?;
    Ok(Arc::new(policy))
}

/// What the policy in force on the assessment day says of `facts`: the self-assessment anyone may
/// make, signed in or not.
pub async fn assess(ctx: &Ctx, facts: &Facts) -> Result<Assessment> {
    let policy = ctx
        .policies
        .in_force(&*ctx.store, facts.assessed_on)
        .await?;
    Ok(policy.assess(facts))
}

/// A version as the list shows it.
#[derive(Debug, Clone)]
pub struct Version {
    pub version: String,
    pub effective_from: NaiveDate,
    pub in_force: bool,
}

/// Every version, oldest first, marking the one in force today.
pub async fn list(ctx: &Ctx) -> Result<Vec<Version>> {
    let today = ctx.clock.today();
    let current = ctx.policies.in_force(&*ctx.store, today).await?;
    Ok(ctx
        .policies
        .all(&*ctx.store)
        .await?
        .iter()
        .map(|p| Version {
            version: p.version().to_string(),
            effective_from: p.effective_from(),
            in_force: p.version() == current.version(),
        })
        .collect())
}
