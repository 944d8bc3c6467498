//! The audit log is a hash chain: each record's hash covers the previous record's hash, its own
//! sequence number and its payload, so that an edit, insertion or deletion anywhere breaks every
//! link after it.
//!
//! `hash(n) = SHA-256(hash(n-1) || decimal(n) || "\n" || payload(n))`, with 32 zero bytes before
//! the first record. PostgreSQL computes the same expression in SQL.

use crate::ids::AccountId;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const GENESIS: [u8; 32] = [0; 32];

/// What happened, by whom, to what. Serialised once into the canonical payload that is hashed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRecord {
    pub at: String,
    pub actor: Option<AccountId>,
    pub action: String,
    pub entity: &'static str,
    pub entity_id: String,
    pub details: serde_json::Value,
}

impl AuditRecord {
    pub fn new(
        at: DateTime<Utc>,
        actor: Option<AccountId>,
        action: impl Into<String>,
        entity: &'static str,
        entity_id: impl ToString,
        details: serde_json::Value,
    ) -> Self {
        AuditRecord {
            at: at.to_rfc3339_opts(SecondsFormat::Micros, true),
            actor,
            action: action.into(),
            entity,
            entity_id: entity_id.to_string(),
            details,
        }
    }

    /// The canonical payload: JSON with fields in declaration order and object keys sorted.
    pub fn payload(&self) -> String {
        serde_json::to_string(self).expect("serialisable")
    }
}

pub fn chain_hash(prev: &[u8], seq: i64, payload: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(seq.to_string().as_bytes());
    h.update(b"\n");
    h.update(payload.as_bytes());
    h.finalize().into()
}

/// One stored link of the chain, as read back for verification.
#[derive(Debug, Clone)]
pub struct Link {
    pub seq: i64,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
    pub payload: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrokenLink {
    #[error("record {seq}: sequence number should be {expected}")]
    Gap { seq: i64, expected: i64 },
    #[error("record {seq}: does not point to the hash of the record before it")]
    PrevMismatch { seq: i64 },
    #[error("record {seq}: content does not match its hash")]
    HashMismatch { seq: i64 },
    #[error("the chain ends at record {seq}, but {expected} were appended")]
    Truncated { seq: i64, expected: i64 },
}

impl BrokenLink {
    pub fn seq(&self) -> i64 {
        match self {
            BrokenLink::Gap { seq, .. }
            | BrokenLink::PrevMismatch { seq }
            | BrokenLink::HashMismatch { seq }
            | BrokenLink::Truncated { seq, .. } => *seq,
        }
    }
}

/// Walks the chain forward, carrying the last hash; feed links in sequence order.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    next_seq: i64,
    last: Vec<u8>,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            next_seq: 1,
            last: GENESIS.to_vec(),
        }
    }
}

impl ChainVerifier {
    pub fn check(&mut self, link: &Link) -> Result<(), BrokenLink> {
        if link.seq != self.next_seq {
            return Err(BrokenLink::Gap {
                seq: link.seq,
                expected: self.next_seq,
            });
        }
        if link.prev_hash != self.last {
            return Err(BrokenLink::PrevMismatch { seq: link.seq });
        }
        if chain_hash(&link.prev_hash, link.seq, &link.payload).as_slice() != link.hash.as_slice() {
            return Err(BrokenLink::HashMismatch { seq: link.seq });
        }
        self.next_seq += 1;
        self.last = link.hash.clone();
        Ok(())
    }

    pub fn last_hash(&self) -> &[u8] {
        &self.last
    }

    /// How many links were verified.
    pub fn count(&self) -> i64 {
        self.next_seq - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Link> {
        let mut prev = GENESIS.to_vec();
        (1..=n)
            .map(|seq| {
                let payload = format!("{{\"n\":{seq}}}");
                let hash = chain_hash(&prev, seq, &payload).to_vec();
                let link = Link {
                    seq,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                    payload,
                };
                prev = hash;
                link
            })
            .collect()
    }

    fn verify(links: &[Link]) -> Result<i64, BrokenLink> {
        let mut v = ChainVerifier::default();
        for l in links {
            v.check(l)?;
        }
        Ok(v.count())
    }

    #[test]
    fn intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
    }

    #[test]
    fn any_edit_is_found_at_its_record() {
        let mut links = chain(5);
        links[2].payload = "{\"n\":99}".into();
        assert_eq!(verify(&links), Err(BrokenLink::HashMismatch { seq: 3 }));

        let mut links = chain(5);
        links.remove(1);
        assert_eq!(
            verify(&links),
            Err(BrokenLink::Gap {
                seq: 3,
                expected: 2
            })
        );

        // Rewriting a record together with its hash breaks the next link.
        let mut links = chain(5);
        links[1].payload = "{\"n\":42}".into();
        links[1].hash = chain_hash(&links[1].prev_hash, 2, &links[1].payload).to_vec();
        assert_eq!(verify(&links), Err(BrokenLink::PrevMismatch { seq: 3 }));
    }
}
