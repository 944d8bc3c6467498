//! Online verification of a scanned code: the signature against the issuer's keys, the permit's
//! standing from its record (so a cancellation counts the moment it is committed), and its single
//! use: the token id is recorded, and a second scan is refused. A group-commit writer does both
//! for many scans in one transaction: one statement reads their permits, one records their
//! tokens (measured: a read transaction per scan cost more than the signature check).

use super::group_commit::{Handoff, Queue};
use super::status_lists;
use super::{Ctx, Result, ServiceError};
use crate::clock::Clock;
use credential::Outcome;
use credential::status::StatusListError;
use credential::verify::Verdict;
use domain::permit::{Permit, PermitStatus};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use store::Store;

pub(crate) const MAX_BATCH: usize = 256;

/// A scan to record: the token id, its expiry (seconds since the epoch), and the global status
/// index of the permit revision it names.
pub(crate) type Use = (Vec<u8>, i64, u64);

/// The writer of token uses; answers the revision at the index, as the transaction that records
/// the use read it, and whether this was the token's first use.
pub(crate) type Uses = Queue<Use, Result<(Option<Permit>, bool)>>;

/// Expired token ids are forgotten by the writer, at most this often.
const PURGE_EVERY: Duration = Duration::from_secs(60);

pub(crate) fn start_writer(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Uses {
    let writers = super::group_commit::writers_for(store.backend());
    let last_purge = Arc::new(Mutex::new(Instant::now()));
    Queue::start(writers, MAX_BATCH, move |batch: Vec<Use>, handoff| {
        let (store, clock, last_purge) = (store.clone(), clock.clone(), last_purge.clone());
        async move {
            let purge = {
                let mut last = last_purge.lock().expect("purge lock");
                let due = last.elapsed() >= PURGE_EVERY;
                if due {
                    *last = Instant::now();
                }
                due
            };
            // A token is kept a little past its expiry: a verifier accepts it no longer.
            let purge_before = purge.then(|| clock.now().timestamp() - 60);
            write_uses(&*store, batch, handoff, purge_before).await
        }
    })
}

async fn write_uses(
    store: &dyn Store,
    batch: Vec<Use>,
    handoff: Handoff,
    purge_before: Option<i64>,
) -> Vec<Result<(Option<Permit>, bool)>> {
    let n = batch.len();
    let result = async {
        let mut tx = store.begin().await?;
        let indexes: Vec<u64> = batch.iter().map(|(_, _, i)| *i).collect();
        let permits: HashMap<u64, Permit> = tx
            .permits_at_status_indexes(&indexes)
            .await?
            .into_iter()
            .collect();
        let tokens: Vec<(Vec<u8>, i64)> = batch.iter().map(|(c, e, _)| (c.clone(), *e)).collect();
        let firsts = tx.use_tokens(&tokens).await?;
        let fresh: Vec<(Option<Permit>, bool)> = indexes
            .iter()
            .zip(firsts)
            .map(|(i, first)| (permits.get(i).cloned(), first))
            .collect();
        if let Some(before) = purge_before {
            tx.purge_used_tokens(before).await?;
        }
        drop(handoff);
        tx.commit().await?;
        Ok::<_, store::StoreError>(fresh)
    }
    .await;
    match result {
        Ok(fresh) => fresh.into_iter().map(Ok).collect(),
        Err(e) => {
            tracing::error!(error = %e, "recording token uses");
            (0..n)
                .map(|_| Err(ServiceError::Internal("token_use_not_recorded")))
                .collect()
        }
    }
}

/// The outcome of a scan of `text`, as of now, counted by verdict for the metrics.
pub async fn verify(ctx: &Ctx, text: &str) -> Result<Outcome> {
    let outcome = outcome_of(ctx, text).await?;
    ctx.metrics.verdict(outcome.code());
    Ok(outcome)
}

async fn outcome_of(ctx: &Ctx, text: &str) -> Result<Outcome> {
    let now = ctx.clock.now();
    let keys = ctx.issuer.keys(&*ctx.store, now).await?;
    if credential::document::kind_of(text.trim()) == credential::document::CodeKind::Seal {
        return Ok(
            match credential::verify_seal(text.trim(), &keys.key_set, now.timestamp()) {
                Ok(seal) => Outcome::Sealed {
                    seal: Box::new(seal),
                },
                Err(refused) => Outcome::Refused(refused),
            },
        );
    }
    let claims = match credential::verify(text.trim(), &keys.key_set, now.timestamp()) {
        Verdict::Valid { claims, .. } => claims,
        refused => return Ok(Outcome::Refused(refused)),
    };
    let Some(list) = status_lists::list_number(&ctx.config.public_url, claims.status.uri()) else {
        // Signed by our key but naming another service's list: nothing here to check it with.
        return Ok(Outcome::StatusUnavailable {
            claims,
            reason: StatusListError::UriMismatch,
        });
    };
    let Some(global) = list
        .checked_mul(status_lists::LIST_SIZE)
        .and_then(|l| l.checked_add(claims.status.idx()))
    else {
        return Ok(Outcome::StatusUnavailable {
            claims,
            reason: StatusListError::NoEntry,
        });
    };
    let (permit, first) = ctx
        .token_uses
        .call((
            claims.token_id.as_bytes().to_vec(),
            claims.expires_at,
            global,
        ))
        .await
        .map_err(|_| ServiceError::Internal("token use writer stopped"))??;
    let Some(permit) = permit.filter(|p| p.number == claims.permit.number) else {
        return Ok(Outcome::StatusUnavailable {
            claims,
            reason: StatusListError::NoEntry,
        });
    };
    // The permit's standing comes first: a cancelled permit's code says so, used or not.
    match permit.status_on(ctx.clock.today()) {
        PermitStatus::Valid => {}
        PermitStatus::Cancelled => {
            return Ok(Outcome::Cancelled {
                claims,
                on: permit.status_changed_on,
            });
        }
        PermitStatus::Expired => {
            return Ok(Outcome::PermitExpired {
                claims,
                on: permit.valid_to,
            });
        }
        PermitStatus::Superseded => return Ok(Outcome::Superseded { claims }),
    }
    Ok(if first {
        Outcome::Valid { claims }
    } else {
        Outcome::AlreadyUsed { claims }
    })
}

/// The check of a notice's PDF file: the seal and the file's integrity, offline in nature, and
/// whether the service holds this very file under the seal's number.
pub struct NoticeCheck {
    pub verdict: std::result::Result<credential::DocumentSeal, documents::notice::NoticeVerdict>,
    pub recorded: bool,
}

pub async fn verify_notice_file(ctx: &Ctx, file: &[u8]) -> Result<NoticeCheck> {
    use sha2::{Digest, Sha256};
    let now = ctx.clock.now();
    let keys = ctx.issuer.keys(&*ctx.store, now).await?;
    let verdict = documents::notice::verify_notice(file, &keys.key_set, now.timestamp());
    let recorded = match &verdict {
        Ok(seal) => {
            let mut tx = ctx.store.begin_read().await?;
            let sha = hex::encode(Sha256::digest(file));
            tx.issued_document(seal.number())
                .await?
                .is_some_and(|d| d.sha256 == sha)
        }
        Err(_) => false,
    };
    Ok(NoticeCheck { verdict, recorded })
}
