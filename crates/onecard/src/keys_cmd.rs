//! `onecard keys`: the issuer's Ed25519 signing keys. A key is generated from 32 random bytes,
//! its seed sealed under the sealing key from the configuration (credential::seal) and stored
//! beside its public key; the newest key not retired signs, and every key keeps verifying what it
//! signed until it is retired. Each change is audited.

use chrono::{DateTime, Utc};
use credential::{IssuerKey, SealingKey};
use domain::audit::AuditRecord;
use std::fmt::Write as _;
use store::{Store, StoreError, StoredIssuerKey};

#[derive(Debug, thiserror::Error)]
pub enum KeysError {
    #[error("an issuer key exists already: `onecard keys rotate` makes a new one")]
    Exists,
    #[error("no issuer key {0} that is not retired")]
    NoSuchKey(String),
    #[error("the key id must be hexadecimal, as `onecard keys list` prints it")]
    KidFormat,
    #[error("no randomness from the operating system: {0}")]
    Random(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn random<const N: usize>() -> Result<[u8; N], KeysError> {
    let mut b = [0; N];
    getrandom::fill(&mut b).map_err(|e| KeysError::Random(e.to_string()))?;
    Ok(b)
}

async fn add(
    store: &dyn Store,
    sealing: &SealingKey,
    now: DateTime<Utc>,
) -> Result<String, KeysError> {
    let key = IssuerKey::from_seed(&random::<32>()?);
    let stored = StoredIssuerKey {
        kid: key.kid().as_bytes().to_vec(),
        public_key: key.public().as_bytes().to_vec(),
        sealed_seed: sealing.seal(random::<12>()?, &key),
        created_at: now,
        retired_at: None,
    };
    let kid = hex(&stored.kid);
    let mut tx = store.begin().await?;
    tx.insert_issuer_key(&stored).await?;
    tx.audit(AuditRecord::new(
        now,
        None,
        "issuer_key.created",
        "issuer_key",
        &kid,
        serde_json::json!({ "kid": kid, "public_key": hex(&stored.public_key) }),
    ));
    tx.commit().await?;
    Ok(kid)
}

/// The first key; refused if one that is not retired exists.
pub async fn generate(
    store: &dyn Store,
    sealing: &SealingKey,
    now: DateTime<Utc>,
) -> Result<String, KeysError> {
    let keys = store.begin_read().await?.issuer_keys().await?;
    if keys.iter().any(|k| k.retired_at.is_none()) {
        return Err(KeysError::Exists);
    }
    add(store, sealing, now).await
}

/// A new signing key; the others keep verifying.
pub async fn rotate(
    store: &dyn Store,
    sealing: &SealingKey,
    now: DateTime<Utc>,
) -> Result<String, KeysError> {
    add(store, sealing, now).await
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
        .find(|k| k.retired_at.is_none())
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
            "{}  created {}  {}  {}{}",
            hex(&k.kid),
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
