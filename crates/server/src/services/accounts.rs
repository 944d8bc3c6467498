//! Accounts, sign-in sessions and API tokens.

use super::{Created, Ctx, Idempotency, Result, ServiceError, idempotency, new_id, notifications};
use crate::clock::china_time;
use crate::config::SIGN_IN_DELAY_STEPS;
use crate::secrets;
use chrono::{DateTime, Duration, DurationRound, Utc};
use domain::FieldError;
use domain::audit::AuditRecord;
use domain::ids::AccountId;
use domain::notice::Topic;
use domain::role::{Principal, Scope};
use sha2::{Digest, Sha256};
use std::net::{IpAddr, Ipv6Addr};
use store::{Account, ApiToken, Session, StoreError};

#[derive(Clone)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub scope: Scope,
}

/// A username: 3 to 64 of lower-case letters, digits, `.`, `_` and `-`.
pub fn parse_username(field: &str, s: &str) -> Result<String, FieldError> {
    let s = s.trim().to_lowercase();
    if s.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    if !(3..=64).contains(&s.len())
        || !s.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        })
    {
        return Err(FieldError::new(field, "username_format"));
    }
    Ok(s)
}

/// Hashing takes tens of milliseconds of CPU: off the async threads.
pub(crate) async fn hash_password(password: String) -> String {
    tokio::task::spawn_blocking(move || secrets::hash_password(&password))
        .await
        .expect("hashing task")
}

pub async fn create(
    ctx: &Ctx,
    who: &Principal,
    input: NewAccount,
    idem: Option<Idempotency>,
) -> Result<Created<Account>> {
    if who.scope != Scope::Administrator {
        return Err(ServiceError::Forbidden("administrator_only"));
    }
    let password_hash = hash_password(input.password.clone()).await;
    idempotency::with_retry(|| {
        create_once(
            ctx,
            who,
            input.clone(),
            password_hash.clone(),
            idem.as_ref(),
        )
    })
    .await
}

async fn create_once(
    ctx: &Ctx,
    who: &Principal,
    input: NewAccount,
    password_hash: String,
    idem: Option<&Idempotency>,
) -> Result<Created<Account>> {
    let mut tx = ctx.store.begin().await?;
    if let Some(id) = idempotency::replay(&mut *tx, who, idem).await? {
        let a = tx
            .account(AccountId(id))
            .await?
            .ok_or(ServiceError::NotFound("account"))?;
        return Ok(Created::Replayed(a));
    }
    // The scope must name something that exists.
    match input.scope {
        Scope::EmployerHr { employer_id } if tx.employer(employer_id).await?.is_none() => {
            return Err(FieldError::new("employer_id", "employer_unknown").into());
        }
        Scope::Applicant { person_id } if tx.person(person_id).await?.is_none() => {
            return Err(FieldError::new("person_id", "person_unknown").into());
        }
        _ => {}
    }
    let now = ctx.clock.now();
    let account = Account {
        id: AccountId(new_id()),
        username: input.username,
        display_name: input.display_name,
        password_hash,
        scope: input.scope,
        disabled: false,
        created_at: now,
    };
    tx.insert_account(&account).await.map_err(|e| match e {
        StoreError::Conflict(_) => ServiceError::Conflict("username_taken"),
        e => e.into(),
    })?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        "account.created",
        "account",
        account.id,
        serde_json::json!({ "username": account.username, "scope": account.scope }),
    ));
    idempotency::remember(&mut *tx, who, idem, account.id.0, now).await?;
    idempotency::commit(tx).await?;
    Ok(Created::New(account))
}

pub async fn list(ctx: &Ctx, who: &Principal) -> Result<Vec<Account>> {
    if who.scope != Scope::Administrator {
        return Err(ServiceError::Forbidden("administrator_only"));
    }
    Ok(ctx.store.begin_read().await?.list_accounts().await?)
}

/// A signed-in session: the token goes to the browser, only its hash is stored.
pub struct SignedIn {
    pub principal: Principal,
    pub token: String,
}

/// What a sign-in is asked with.
pub struct SignInAttempt<'a> {
    pub username: &'a str,
    pub password: &'a str,
    /// The client's address, for the limit on attempts per address; `None` for a sign-in the
    /// service makes itself (right after a card registration).
    pub address: Option<IpAddr>,
    /// The session the client holds, if any: signing in ends it, so that a session token known
    /// before the sign-in is worth nothing after it.
    pub previous_session: Option<&'a str>,
}

/// Signs in with a username and password.
///
/// Refused with `TooManyAttempts` beyond `sign_in_per_minute` attempts from the address, and
/// with `SignInLocked` while the username is locked (right password or not: nothing else is
/// told). A failure is counted against the username in the database, whether an account has
/// it or not, so that unknown names answer as known ones do (same error, same delays, same
/// lock); the failure that reaches `sign_in_max_failures` locks the name for `sign_in_lock`
/// and, for an account, writes `account.locked` to the audit chain and tells its holder. Each
/// failure is answered after a delay that grows with the count. A success forgets the count,
/// ends the client's previous session and starts a new one.
/// The card account of the holder whose social security number `name` is, if it is one: holders
/// sign in with it as with their permit number, which names the account (`card::register`).
async fn holder_by_ssn(tx: &mut dyn store::Tx, name: &str) -> Result<Option<Account>> {
    let Ok(ssn) = domain::numbers::SocialSecurityNumber::parse("username", &name.to_uppercase())
    else {
        return Ok(None);
    };
    let Some(insurance) = tx.insurance_by_ssn(&ssn).await? else {
        return Ok(None);
    };
    let Some(registration) = tx.card_registration_of(insurance.person_id).await? else {
        return Ok(None);
    };
    Ok(tx.account(registration.account_id).await?)
}

pub async fn sign_in(ctx: &Ctx, attempt: SignInAttempt<'_>) -> Result<SignedIn> {
    if let Some(address) = attempt.address {
        limit_address(ctx, address).await?;
    }
    let username = attempt.username.trim().to_lowercase();
    let name = name_hash(&username);
    let (account, locked_until) = {
        let mut tx = ctx.store.begin_read().await?;
        let account = match tx.account_by_username(&username).await? {
            Some(a) => Some(a),
            None => holder_by_ssn(&mut *tx, &username).await?,
        };
        let locked = tx.sign_in_locked_until(&name, ctx.clock.now()).await?;
        (account, locked)
    };
    if let Some(until) = locked_until {
        return Err(locked(ctx, until));
    }
    let (hash, usable) = match &account {
        Some(a) => (a.password_hash.clone(), !a.disabled),
        None => (secrets::dummy_hash().to_string(), false),
    };
    let password = attempt.password.to_string();
    let matches = tokio::task::spawn_blocking(move || secrets::verify_password(&password, &hash))
        .await
        .expect("verify task");
    let account = match account {
        Some(a) if matches && usable => a,
        other => return Err(failed(ctx, &name, other.as_ref()).await),
    };
    let now = ctx.clock.now();
    let token = secrets::new_token();
    let session = Session {
        token_hash: secrets::token_hash(&token),
        account_id: account.id,
        created_at: now,
        expires_at: now + Duration::from_std(ctx.config.session_ttl).unwrap_or(Duration::hours(8)),
    };
    let mut tx = ctx.store.begin().await?;
    // A lock set meanwhile, by a failure on another server, holds.
    if let Some(until) = tx.sign_in_locked_until(&name, now).await? {
        return Err(locked(ctx, until));
    }
    tx.clear_sign_in_failures(&name).await?;
    if let Some(previous) = attempt.previous_session {
        tx.delete_session(&secrets::token_hash(previous)).await?;
    }
    tx.insert_session(&session).await?;
    tx.audit(AuditRecord::new(
        now,
        Some(account.id),
        "session.created",
        "account",
        account.id,
        serde_json::json!({}),
    ));
    tx.commit().await?;
    Ok(SignedIn {
        principal: account.principal(),
        token,
    })
}

/// What failures are counted under: the SHA-256 of the normalised username, so that what was
/// typed as a username is not stored.
fn name_hash(username: &str) -> Vec<u8> {
    Sha256::digest(username.as_bytes()).to_vec()
}

/// The period over which attempts from one address are counted.
const ADDRESS_WINDOW: Duration = Duration::minutes(1);

/// What attempts are counted under: the address, an IPv6 address by its /64 (what one
/// subscriber is usually given).
fn address_key(address: IpAddr) -> String {
    match address {
        IpAddr::V4(a) => a.to_string(),
        IpAddr::V6(a) => match a.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = a.segments();
                let prefix = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{prefix}/64")
            }
        },
    }
}

/// Counts an attempt from `address` in the current minute; refuses it beyond the limit, with
/// the seconds until the next minute.
pub(crate) async fn limit_address(ctx: &Ctx, address: IpAddr) -> Result<()> {
    let limit = ctx.config.sign_in_per_minute;
    if limit == 0 {
        return Ok(());
    }
    let now = ctx.clock.now();
    let window = now.duration_trunc(ADDRESS_WINDOW).unwrap_or(now);
    let mut tx = ctx.store.begin().await?;
    let attempts = tx
        .count_sign_in_attempt(&address_key(address), window)
        .await?;
    if attempts == 1 {
        // A new window for this address: a time to clear the counts of past windows.
        tx.purge_sign_in_attempts(window).await?;
    }
    tx.commit().await?;
    if attempts > limit {
        return Err(ServiceError::TooManyAttempts {
            retry_after: seconds_until(now, window + ADDRESS_WINDOW),
        });
    }
    Ok(())
}

/// Records a failed sign-in, locks the name when it reaches the limit, tells the holder, then
/// waits out the failure's delay (no transaction open). The error to answer with.
async fn failed(ctx: &Ctx, name: &[u8], account: Option<&store::Account>) -> ServiceError {
    let config = &ctx.config;
    let now = ctx.clock.now();
    let lock = Duration::from_std(config.sign_in_lock).unwrap_or(Duration::minutes(15));
    let threshold = config.sign_in_max_failures.max(1);
    let recorded = async {
        let mut tx = ctx.store.begin().await?;
        let f = tx
            .record_sign_in_failure(name, now, now - lock, threshold, now + lock)
            .await?;
        if f.count == 1 {
            // A new count: a time to clear the names whose failures are over.
            tx.purge_sign_in_failures(now - lock, now).await?;
        }
        if f.count == threshold
            && let (Some(until), Some(a)) = (f.locked_until, account)
        {
            tx.audit(AuditRecord::new(
                now,
                None,
                "account.locked",
                "account",
                a.id,
                serde_json::json!({ "failures": f.count, "until": until }),
            ));
            if let Some(person) = a.scope.person_id() {
                notifications::tell(
                    &mut *tx,
                    config,
                    now,
                    (person, None),
                    Topic::ACCOUNT_LOCKED,
                    &[("until", china_time(until))],
                    "/login",
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok::<_, ServiceError>(f)
    };
    let f = match recorded.await {
        Ok(f) => f,
        Err(e) => return e,
    };
    let steps = f.count.min(SIGN_IN_DELAY_STEPS);
    tokio::time::sleep(config.sign_in_delay_step * steps).await;
    match f.locked_until {
        Some(until) => locked(ctx, until),
        None => ServiceError::Unauthenticated,
    }
}

fn locked(ctx: &Ctx, until: DateTime<Utc>) -> ServiceError {
    ServiceError::SignInLocked {
        until,
        retry_after: seconds_until(ctx.clock.now(), until),
    }
}

/// Whole seconds from `now` to `then`, rounded up; at least one.
fn seconds_until(now: DateTime<Utc>, then: DateTime<Utc>) -> u32 {
    let secs = ((then - now).num_milliseconds() + 999) / 1000;
    u32::try_from(secs.max(1)).unwrap_or(u32::MAX)
}

pub async fn sign_out(ctx: &Ctx, token: &str) -> Result<()> {
    let mut tx = ctx.store.begin().await?;
    tx.delete_session(&secrets::token_hash(token)).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn session_principal(ctx: &Ctx, token: &str) -> Result<Option<Principal>> {
    let account = ctx
        .store
        .session_account(&secrets::token_hash(token), ctx.clock.now())
        .await?;
    Ok(account.map(|a| a.principal()))
}

pub async fn api_token_principal(ctx: &Ctx, token: &str) -> Result<Option<Principal>> {
    let account = ctx
        .store
        .api_token_account(&secrets::token_hash(token))
        .await?;
    Ok(account.map(|a| a.principal()))
}

/// A new API token for an employer's system, acting as the HR account that made it. The token
/// is shown once.
pub async fn create_api_token(
    ctx: &Ctx,
    who: &Principal,
    name: &str,
) -> Result<(ApiToken, String)> {
    if who.scope.employer_id().is_none() {
        return Err(ServiceError::Forbidden("employer_only"));
    }
    let name = domain::values::Text::parse("name", name, 100)?;
    let now = ctx.clock.now();
    let token = secrets::new_token();
    let record = ApiToken {
        token_hash: secrets::token_hash(&token),
        account_id: who.account_id,
        name: name.to_string(),
        created_at: now,
    };
    let mut tx = ctx.store.begin().await?;
    tx.insert_api_token(&record).await?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        "api_token.created",
        "account",
        who.account_id,
        serde_json::json!({ "name": record.name }),
    ));
    tx.commit().await?;
    Ok((record, token))
}

#[cfg(test)]
mod tests {
    use super::{address_key, seconds_until};
    use crate::clock::china_time;
    use chrono::{Duration, TimeZone, Utc};

    #[test]
    fn addresses_are_counted_by_subscriber() {
        let key = |s: &str| address_key(s.parse().unwrap());
        assert_eq!(key("192.0.2.7"), "192.0.2.7");
        assert_eq!(key("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:bbbb::9"), key("2001:db8:1:2:aaaa::1"));
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
    }

    #[test]
    fn times_and_waits() {
        let t = Utc.with_ymd_and_hms(2026, 3, 1, 6, 5, 0).unwrap();
        assert_eq!(china_time(t), "2026-03-01 14:05");
        assert_eq!(seconds_until(t, t + Duration::milliseconds(1)), 1);
        assert_eq!(seconds_until(t, t + Duration::milliseconds(59_001)), 60);
        assert_eq!(seconds_until(t, t - Duration::seconds(5)), 1);
    }
}
