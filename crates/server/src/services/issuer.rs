//! The issuer's keys as the service uses them. A root key signs only the published key set,
//! which verifiers pin out of band; signing keys sign credentials and status lists, the newest
//! one not retired signing. Seeds are stored sealed under the configured sealing key
//! (credential::seal). Every process opens the keys at first use and looks again at most every
//! `REFRESH`, so a rotation made with `onecard keys rotate` reaches all servers within that time.

use super::{Result, ServiceError};
use chrono::{DateTime, Utc};
use credential::{IssuerKey, KeyEntry, KeySet, Kid, SealingKey};
use domain::audit::AuditRecord;
use sha2::{Digest, Sha256};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use store::{KeyRole, Store, StoreError, StoredIssuerKey};

const REFRESH: Duration = Duration::from_secs(30);
/// How long a published key set is good for; it is signed again well before.
const KEY_SET_VALIDITY_SECS: i64 = 7 * 86_400;
const KEY_SET_RESIGN_SECS: i64 = 86_400;

/// The keys opened, and the key set as published.
pub struct Keys {
    /// Signs credentials and status lists; none until a signing key exists and opens.
    pub signing: Option<IssuerKey>,
    /// Every signing key's public half with the time it signs from and until, for verifying.
    pub key_set: KeySet,
    /// The key set signed by the root key (COSE_Sign1), and a strong ETag of those bytes.
    pub published: Option<(Vec<u8>, String)>,
    /// The root's public key, which verifiers pin.
    pub root: Option<credential::VerifyingKey>,
    /// What was stored when these were opened: kids with their retirement.
    fingerprint: Vec<(Vec<u8>, Option<DateTime<Utc>>)>,
}

pub struct Issuer {
    name: String,
    sealing: Option<SealingKey>,
    state: RwLock<(Arc<Keys>, Option<Instant>)>,
}

impl Issuer {
    pub fn new(name: &str, sealing: Option<SealingKey>) -> Issuer {
        let empty = Keys {
            signing: None,
            key_set: KeySet {
                issuer: name.to_string(),
                issued_at: 0,
                expires_at: 0,
                entries: Vec::new(),
            },
            published: None,
            root: None,
            fingerprint: Vec::new(),
        };
        Issuer {
            name: name.to_string(),
            sealing,
            state: RwLock::new((Arc::new(empty), None)),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The keys, opened again if the last look is older than `REFRESH`.
    pub async fn keys(&self, store: &dyn Store, now: DateTime<Utc>) -> Result<Arc<Keys>> {
        let (keys, checked) = {
            let s = self.state.read().expect("issuer lock");
            (s.0.clone(), s.1)
        };
        if checked.is_some_and(|t| t.elapsed() < REFRESH)
            && now.timestamp() < keys.key_set.issued_at + KEY_SET_RESIGN_SECS
        {
            return Ok(keys);
        }
        self.reload(store, now).await
    }

    /// Opens the stored keys now, whatever the time since the last look.
    pub async fn reload(&self, store: &dyn Store, now: DateTime<Utc>) -> Result<Arc<Keys>> {
        let stored = store.begin_read().await?.issuer_keys().await?;
        let fingerprint: Vec<_> = stored
            .iter()
            .map(|k| (k.kid.clone(), k.retired_at))
            .collect();
        let current = self.state.read().expect("issuer lock").0.clone();
        let keys = if current.fingerprint == fingerprint
            && !fingerprint.is_empty()
            && now.timestamp() < current.key_set.issued_at + KEY_SET_RESIGN_SECS
        {
            current
        } else {
            Arc::new(self.open(&stored, fingerprint, now))
        };
        *self.state.write().expect("issuer lock") = (keys.clone(), Some(Instant::now()));
        Ok(keys)
    }

    fn open(
        &self,
        stored: &[StoredIssuerKey],
        fingerprint: Vec<(Vec<u8>, Option<DateTime<Utc>>)>,
        now: DateTime<Utc>,
    ) -> Keys {
        let open = |k: &StoredIssuerKey| -> Option<IssuerKey> {
            let sealing = self.sealing.as_ref()?;
            let kid = Kid::from_bytes(&k.kid)?;
            match sealing.open(&kid, &k.sealed_seed) {
                Ok(key) => Some(key),
                Err(e) => {
                    tracing::error!(kid = %kid, error = %e, "an issuer key does not open");
                    None
                }
            }
        };
        let live = |k: &&StoredIssuerKey| k.retired_at.is_none();
        let signing = stored
            .iter()
            .rev()
            .filter(|k| k.role == KeyRole::Signing)
            .find(live)
            .and_then(open);
        let root_key = stored
            .iter()
            .rev()
            .filter(|k| k.role == KeyRole::Root)
            .find(live)
            .and_then(open);
        let entries = stored
            .iter()
            .filter(|k| k.role == KeyRole::Signing)
            .filter_map(|k| {
                let bytes: &[u8; 32] = k.public_key.as_slice().try_into().ok()?;
                let public = credential::VerifyingKey::from_bytes(bytes).ok()?;
                Some(KeyEntry::new(
                    public,
                    k.created_at.timestamp(),
                    k.retired_at.map(|r| r.timestamp()),
                ))
            })
            .collect();
        let key_set = KeySet {
            issuer: self.name.clone(),
            issued_at: now.timestamp(),
            expires_at: now.timestamp() + KEY_SET_VALIDITY_SECS,
            entries,
        };
        let published = root_key.as_ref().map(|root| {
            let bytes = key_set.sign(root);
            let etag = etag_of(&bytes);
            (bytes, etag)
        });
        if self.sealing.is_none() && !stored.is_empty() {
            tracing::warn!("no sealing key configured: credentials cannot be issued");
        }
        Keys {
            signing,
            key_set,
            published,
            root: root_key.map(|k| k.public()),
            fingerprint,
        }
    }
}

/// A strong ETag: the first 16 bytes of SHA-256, in hex and quotes.
pub fn etag_of(bytes: &[u8]) -> String {
    format!("\"{}\"", hex::encode(&Sha256::digest(bytes)[..16]))
}

/// The key to sign with, or the reason there is none.
pub fn signing_key(keys: &Keys) -> Result<&IssuerKey> {
    keys.signing
        .as_ref()
        .ok_or(ServiceError::Unavailable("issuer_not_configured"))
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0; N];
    getrandom::fill(&mut b).expect("operating system randomness");
    b
}

/// Makes a new key of `role` from fresh randomness, stores it sealed and audits it; its kid in
/// hex.
pub async fn create_key(
    store: &dyn Store,
    sealing: &SealingKey,
    role: KeyRole,
    now: DateTime<Utc>,
) -> std::result::Result<String, StoreError> {
    let key = IssuerKey::from_seed(&random::<32>());
    let stored = StoredIssuerKey {
        kid: key.kid().as_bytes().to_vec(),
        role,
        public_key: key.public().as_bytes().to_vec(),
        sealed_seed: sealing.seal(random::<12>(), &key),
        created_at: now,
        retired_at: None,
    };
    let kid = hex::encode(&stored.kid);
    let mut tx = store.begin().await?;
    tx.insert_issuer_key(&stored).await?;
    tx.audit(AuditRecord::new(
        now,
        None,
        "issuer_key.created",
        "issuer_key",
        &kid,
        serde_json::json!({
            "kid": kid,
            "role": role.as_str(),
            "public_key": hex::encode(&stored.public_key),
        }),
    ));
    tx.commit().await?;
    Ok(kid)
}

/// Makes whichever of a root key and a signing key is missing (none retired counts); the kids
/// made.
pub async fn ensure_keys(
    store: &dyn Store,
    sealing: &SealingKey,
    now: DateTime<Utc>,
) -> std::result::Result<Vec<(KeyRole, String)>, StoreError> {
    let stored = store.begin_read().await?.issuer_keys().await?;
    let mut made = Vec::new();
    for role in [KeyRole::Root, KeyRole::Signing] {
        if !stored
            .iter()
            .any(|k| k.role == role && k.retired_at.is_none())
        {
            made.push((role, create_key(store, sealing, role, now).await?));
        }
    }
    Ok(made)
}
