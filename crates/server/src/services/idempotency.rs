//! `Idempotency-Key`: a creating call stores, in its own transaction, which resource it made
//! under the caller's key; a retry with the same key gets that resource back and creates nothing.

use super::{Created, Idempotency, Result, ServiceError};
use chrono::{DateTime, Utc};
use domain::role::Principal;
use std::future::Future;
use store::{StoreError, StoredResponse, Tx};
use uuid::Uuid;

/// The id stored under the key, if a call with it already succeeded. A key reused for a
/// different request is refused.
pub async fn replay(
    tx: &mut dyn Tx,
    who: &Principal,
    idem: Option<&Idempotency>,
) -> Result<Option<Uuid>> {
    let Some(idem) = idem else { return Ok(None) };
    let Some(stored) = tx.idempotent_response(who.account_id, &idem.key).await? else {
        return Ok(None);
    };
    stored_id(&stored, &idem.request_hash).map(Some)
}

/// The id a stored answer names, if the retry is the same request as the call that stored it.
pub fn stored_id(stored: &StoredResponse, request_hash: &[u8]) -> Result<Uuid> {
    if stored.request_hash != request_hash {
        return Err(ServiceError::IdempotencyKeyReused);
    }
    let id = Uuid::parse_str(&stored.body)
        .map_err(|e| StoreError::Corrupt(format!("idempotency body: {e}")))?;
    Ok(id)
}

/// The answer to store under a key for a resource made.
pub fn created(idem: &Idempotency, id: Uuid) -> StoredResponse {
    StoredResponse {
        request_hash: idem.request_hash.clone(),
        status: 201,
        body: id.to_string(),
    }
}

pub async fn remember(
    tx: &mut dyn Tx,
    who: &Principal,
    idem: Option<&Idempotency>,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    if let Some(idem) = idem {
        tx.store_idempotent_response(who.account_id, &idem.key, &created(idem, id), now)
            .await?;
    }
    Ok(())
}

pub async fn commit(tx: Box<dyn Tx>) -> Result<()> {
    tx.commit().await.map_err(Into::into)
}

/// Runs a creating call; if a concurrent call with the same key won the race, runs it once more,
/// which then finds that call's result.
pub async fn with_retry<T, F, Fut>(f: F) -> Result<Created<T>>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<Created<T>>>,
{
    match f().await {
        Err(ServiceError::Store(StoreError::Conflict("idempotency_key"))) => f().await,
        r => r,
    }
}
