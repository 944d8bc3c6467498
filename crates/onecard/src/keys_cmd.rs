//! `onecard keys`: the issuer's Ed25519 keys. A key is generated from 32 random bytes, its seed
//! sealed under the sealing key from the configuration (credential::seal) and stored beside its
//! public key. The root key signs only the published key set, which verifiers pin; of the
//! signing keys the newest not retired signs, and every one keeps verifying what it signed until
//! it is retired. Each change is audited (server::services::issuer).

use chrono::{DateTime, Utc};
use credential::SealingKey;
use domain::audit::AuditRecord;
use server::services::issuer;
use std::fmt::Write as _;
use store::{KeyRole, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum KeysError {
    #[error("the issuer keys exist already: `onecard keys rotate` makes a new signing key")]
    Exists,
    #[error("no root key: `onecard keys generate` makes one")]
    NoRoot,
    #[error("no issuer key {0} that is not retired")]
    NoSuchKey(String),
    #[error("the key id must be hexadecimal, as `onecard keys list` prints it")]
    KidFormat,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The root key and the first signing key, whichever is missing; refused if both exist.
pub async fn generate(
    store: &dyn Store,
    sealing: &SealingKey,
    now: DateTime<Utc>,
) -> Result<String, KeysError> {
    let made = issuer::ensure_keys(store, sealing, now).await?;
    if made.is_empty() {
        return Err(KeysError::Exists);
    }
    Ok(made
        .iter()
        .map(|(role, kid)| format!("generated {} key {kid}\n", role.as_str()))
        .collect())
}

/// The root key's public half, which verifiers pin (`onecard verify fetch --root`).
pub async fn root(store: &dyn Store) -> Result<String, KeysError> {
    let keys = store.begin_read().await?.issuer_keys().await?;
    keys.iter()
        .rev()
        .find(|k| k.role == KeyRole::Root && k.retired_at.is_none())
        .map(|k| format!("{}\n", hex(&k.public_key)))
        .ok_or(KeysError::NoRoot)
}

/// A new signing key; the others keep verifying.
pub async fn rotate(
    store: &dyn Store,
    sealing: &SealingKey,
    now: DateTime<Utc>,
) -> Result<String, KeysError> {
    Ok(issuer::create_key(store, sealing, KeyRole::Signing, now).await?)
}

pub async fn retire(store: &dyn Store, kid_hex: &str, now: DateTime<Utc>) -> Result<(), KeysError> {
    let kid = parse_hex(kid_hex).ok_or(KeysError::KidFormat)?;
    let mut tx = store.begin().await?;
    if !tx.retire_issuer_key(&kid, now).await? {
        return Err(KeysError::NoSuchKey(kid_hex.to_string()));
    }
    tx.audit(AuditRecord::new(
        now,
        None,
        "issuer_key.retired",
        "issuer_key",
        kid_hex,
        serde_json::json!({ "kid": kid_hex }),
    ));
    tx.commit().await?;
    Ok(())
}

fn parse_hex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if s.is_empty() || !s.len().is_multiple_of(2) || s.len() > 64 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The keys, one a line, and whether every sealed seed opens with `sealing`.
pub async fn list(store: &dyn Store, sealing: &SealingKey) -> Result<(String, bool), KeysError> {
    let keys = store.begin_read().await?.issuer_keys().await?;
    let signing = keys
        .iter()
        .rev()
        .find(|k| k.role == KeyRole::Signing && k.retired_at.is_none())
        .map(|k| k.kid.clone());
    let mut out = String::new();
    let mut all_open = true;
    if keys.is_empty() {
        out.push_str("no issuer keys: `onecard keys generate` makes the first\n");
    }
    for k in &keys {
        let opens = credential::Kid::from_bytes(&k.kid).is_some_and(|kid| {
            sealing
                .open(&kid, &k.sealed_seed)
                .is_ok_and(|key| key.public().as_bytes()[..] == k.public_key[..])
        });
        all_open &= opens;
        let _ = writeln!(
            out,
            "{}  {:7}  created {}  {}  {}{}",
            hex(&k.kid),
            k.role.as_str(),
            k.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
            match k.retired_at {
                Some(at) => format!("retired {}", at.format("%Y-%m-%d %H:%M:%S UTC")),
                None => "active".to_string(),
            },
            if opens {
                "seal opens"
            } else {
                "SEAL DOES NOT OPEN with this sealing key"
            },
            if Some(&k.kid) == signing.as_ref() {
                "  (signs)"
            } else {
                ""
            },
        );
    }
    Ok((out, all_open))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ids_are_hex() {
        assert_eq!(parse_hex("00ff10"), Some(vec![0, 255, 16]));
        assert_eq!(parse_hex(""), None);
        assert_eq!(parse_hex("0"), None);
        assert_eq!(parse_hex("zz"), None);
        assert_eq!(parse_hex("é0"), None);
    }
}
