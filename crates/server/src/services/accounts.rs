//! Accounts, sign-in sessions and API tokens.

use super::{Created, Ctx, Idempotency, Result, ServiceError, idempotency, new_id};
use crate::secrets;
use chrono::Duration;
use domain::FieldError;
use domain::audit::AuditRecord;
use domain::ids::AccountId;
use domain::role::{Principal, Scope};
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

pub async fn sign_in(
    ctx: &Ctx,
    username: &str,
    password: &str,
    ttl: std::time::Duration,
) -> Result<SignedIn> {
    let account = {
        let mut tx = ctx.store.begin_read().await?;
        tx.account_by_username(&username.trim().to_lowercase())
            .await?
    };
    let (hash, usable) = match &account {
        Some(a) => (a.password_hash.clone(), !a.disabled),
        None => (secrets::dummy_hash().to_string(), false),
    };
    let password = password.to_string();
    let matches = tokio::task::spawn_blocking(move || secrets::verify_password(&password, &hash))
        .await
        .expect("verify task");
    let account = match account {
        Some(a) if matches && usable => a,
        _ => return Err(ServiceError::Unauthenticated),
    };
    let now = ctx.clock.now();
    let token = secrets::new_token();
    let session = Session {
        token_hash: secrets::token_hash(&token),
        account_id: account.id,
        created_at: now,
        expires_at: now + Duration::from_std(ttl).unwrap_or(Duration::hours(8)),
    };
    let mut tx = ctx.store.begin().await?;
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
