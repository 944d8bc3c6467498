//! The published token status lists. Every permit revision has a global index (given out when
//! it is stored); list `n` holds indexes `n * LIST_SIZE` up to the next list, and a credential
//! names its list's URI and its index within it. Each process keeps the signed lists it served
//! and builds one again when a permit's status changed here, or when `RECHECK` has passed (a
//! change made by another process, or a permit lapsing at midnight). A list whose entries did
//! not change keeps its signed bytes, and so its ETag, until half its time to live is gone.

use super::issuer::{self, etag_of};
use super::{Ctx, Result, ServiceError};
use credential::status::{StatusList, StatusListToken, TokenStatus};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Entries per list: a quarter of a mebibyte at two bits each, a few hundred bytes signed and
/// compressed while most permits are valid.
pub const LIST_SIZE: u64 = 1 << 20;
const RECHECK: Duration = Duration::from_secs(10);

/// Which list a global index is in, and its index there.
pub fn locate(global: u64) -> (u64, u64) {
    (global / LIST_SIZE, global % LIST_SIZE)
}

/// The URI of list `n`, as credentials name it.
pub fn uri(public_url: &str, n: u64) -> String {
    format!("{public_url}/status/{n}")
}

/// List `n` of this service, if `uri` names one.
pub fn list_number(public_url: &str, uri: &str) -> Option<u64> {
    let n = uri.strip_prefix(public_url)?.strip_prefix("/status/")?;
    if n.is_empty() || n.len() > 10 || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

/// A signed list as served.
pub struct Published {
    pub bytes: Vec<u8>,
    pub etag: String,
    pub issued_at: i64,
    list: StatusList,
    generation: u64,
    checked: Instant,
}

#[derive(Default)]
pub struct StatusLists {
    /// Bumped after every commit that changes a permit's status here.
    generation: AtomicU64,
    published: Mutex<HashMap<u64, std::sync::Arc<Published>>>,
}

impl StatusLists {
    /// Call after committing a change of a permit's status: the next request builds anew.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

/// The number of lists there are: at least one.
pub async fn count(ctx: &Ctx) -> Result<u64> {
    let end = ctx.store.begin_read().await?.status_index_end().await?;
    Ok(end.div_ceil(LIST_SIZE).max(1))
}

/// List `n`, signed, built anew if needed.
pub async fn get(ctx: &Ctx, n: u64) -> Result<std::sync::Arc<Published>> {
    let lists = &ctx.status_lists;
    let generation = lists.generation.load(Ordering::SeqCst);
    let cached = lists
        .published
        .lock()
        .expect("status lists lock")
        .get(&n)
        .cloned();
    let now = ctx.clock.now();
    let ttl = ctx.config.status_list_ttl.as_secs() as i64;
    if let Some(p) = &cached
        && p.generation == generation
        && p.checked.elapsed() < RECHECK
        && now.timestamp() < p.issued_at + ttl / 2
    {
        return Ok(p.clone());
    }
    if n >= count(ctx).await? {
        return Err(ServiceError::NotFound("status_list"));
    }
    let from = n * LIST_SIZE;
    let entries = ctx
        .store
        .begin_read()
        .await?
        .status_entries(from, from + LIST_SIZE, ctx.clock.today())
        .await?;
    let mut list = StatusList::new(LIST_SIZE as usize);
    for e in entries {
        list.set(e.idx - from, TokenStatus::for_permit(e.status));
    }
    let published = match cached {
        // Same entries and still fresh enough: the same bytes, so caches keep their copy.
        Some(p) if p.list == list && now.timestamp() < p.issued_at + ttl / 2 => Published {
            bytes: p.bytes.clone(),
            etag: p.etag.clone(),
            issued_at: p.issued_at,
            list,
            generation,
            checked: Instant::now(),
        },
        _ => {
            let keys = ctx.issuer.keys(&*ctx.store, now).await?;
            let key = issuer::signing_key(&keys)?;
            let token = StatusListToken {
                uri: uri(&ctx.config.public_url, n),
                issued_at: now.timestamp(),
                // Past its time to live a verifier must fetch again; expiry bounds a list that is
                // cached and never looked at again.
                expires_at: now.timestamp() + ttl * 4,
                ttl: ttl as u64,
                list,
            };
            let bytes = token.sign(key);
            Published {
                etag: etag_of(&bytes),
                bytes,
                issued_at: token.issued_at,
                list: token.list,
                generation,
                checked: Instant::now(),
            }
        }
    };
    let published = std::sync::Arc::new(published);
    lists
        .published
        .lock()
        .expect("status lists lock")
        .insert(n, published.clone());
    Ok(published)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_uris() {
        assert_eq!(locate(0), (0, 0));
        assert_eq!(locate(LIST_SIZE + 5), (1, 5));
        let base = "https://onecard.example";
        assert_eq!(uri(base, 3), "https://onecard.example/status/3");
        assert_eq!(list_number(base, &uri(base, 3)), Some(3));
        assert_eq!(list_number(base, "https://other.example/status/3"), None);
        assert_eq!(list_number(base, "https://onecard.example/status/"), None);
        assert_eq!(list_number(base, "https://onecard.example/status/-1"), None);
        assert_eq!(list_number(base, "https://onecard.example/status/1x"), None);
    }
}
