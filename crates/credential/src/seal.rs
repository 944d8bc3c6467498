//! Issuer key seeds sealed at rest: ChaCha20-Poly1305 under a key given in configuration, with
//! the key id as associated data, so that a sealed seed moved to another key's row does not
//! open. The nonce is the caller's (random, 12 bytes): this module draws no randomness.

use crate::keys::{IssuerKey, Kid};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use std::fmt;

const NONCE_LEN: usize = 12;

/// The key that seals issuer seeds. Never printed.
#[derive(Clone)]
pub struct SealingKey([u8; 32]);

impl fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealingKey(…)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// The configured key is not 64 hexadecimal digits.
    #[error("the sealing key must be 64 hexadecimal digits (32 bytes)")]
    KeyFormat,
    /// Wrong sealing key, a tampered or moved sealed seed, or one too short to be one.
    #[error("the sealed key does not open with this sealing key")]
    DoesNotOpen,
    /// It opened, but the seed is not the key its id names.
    #[error("the sealed key is not the key its id names")]
    WrongKey,
}

impl SealError {
    pub fn code(&self) -> &'static str {
        match self {
            SealError::KeyFormat => "sealing_key_format",
            SealError::DoesNotOpen => "sealed_key_does_not_open",
            SealError::WrongKey => "sealed_key_wrong_key",
        }
    }
}

impl SealingKey {
    pub fn parse(hex: &str) -> Result<SealingKey, SealError> {
        let hex = hex.trim();
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(SealError::KeyFormat);
        }
        let mut key = [0; 32];
        for (i, k) in key.iter_mut().enumerate() {
            *k =
                u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| SealError::KeyFormat)?;
        }
        Ok(SealingKey(key))
    }

    fn cipher(&self) -> ChaCha20Poly1305 {
        ChaCha20Poly1305::new(&Key::from(self.0))
    }

    /// `nonce ‖ ciphertext ‖ tag` of the 32-byte seed of `key`.
    pub fn seal(&self, nonce: [u8; NONCE_LEN], key: &IssuerKey) -> Vec<u8> {
        let sealed = self
            .cipher()
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: &key.seed(),
                    aad: key.kid().as_bytes(),
                },
            )
            .expect("ChaCha20-Poly1305 seals any 32 bytes");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        out
    }

    /// `nonce ‖ ciphertext ‖ tag` of any secret (a webhook secret), bound to `context` (what
    /// the secret belongs to), so that it does not open when moved to another row.
    pub fn seal_secret(&self, nonce: [u8; NONCE_LEN], context: &[u8], secret: &[u8]) -> Vec<u8> {
        let sealed = self
            .cipher()
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: secret,
                    aad: context,
                },
            )
            .expect("ChaCha20-Poly1305 seals any short message");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        out
    }

    /// The secret `seal_secret` sealed with the same `context`.
    pub fn open_secret(&self, context: &[u8], sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        if sealed.len() <= NONCE_LEN {
            return Err(SealError::DoesNotOpen);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| SealError::DoesNotOpen)?;
        self.cipher()
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: body,
                    aad: context,
                },
            )
            .map_err(|_| SealError::DoesNotOpen)
    }

    /// The issuer key sealed under `kid`.
    pub fn open(&self, kid: &Kid, sealed: &[u8]) -> Result<IssuerKey, SealError> {
        if sealed.len() <= NONCE_LEN {
            return Err(SealError::DoesNotOpen);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| SealError::DoesNotOpen)?;
        let seed = self
            .cipher()
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: body,
                    aad: kid.as_bytes(),
                },
            )
            .map_err(|_| SealError::DoesNotOpen)?;
        let seed: [u8; 32] = seed.try_into().map_err(|_| SealError::DoesNotOpen)?;
        let key = IssuerKey::from_seed(&seed);
        if key.kid() != kid {
            return Err(SealError::WrongKey);
        }
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    #[test]
    fn secrets_seal_and_open_only_in_their_context() {
        let s = SealingKey::parse(HEX).unwrap();
        let sealed = s.seal_secret([3; 12], b"webhook:a", b"top secret value");
        assert!(!sealed.windows(6).any(|w| w == b"secret"), "not in clear");
        assert_eq!(
            s.open_secret(b"webhook:a", &sealed).unwrap(),
            b"top secret value"
        );
        assert_eq!(
            s.open_secret(b"webhook:b", &sealed),
            Err(SealError::DoesNotOpen)
        );
        let other = SealingKey::parse(&"ab".repeat(32)).unwrap();
        assert_eq!(
            other.open_secret(b"webhook:a", &sealed),
            Err(SealError::DoesNotOpen)
        );
        assert_eq!(
            s.open_secret(b"webhook:a", &sealed[..12]),
            Err(SealError::DoesNotOpen)
        );
        let mut tampered = sealed.clone();
        tampered[14] ^= 1;
        assert_eq!(
            s.open_secret(b"webhook:a", &tampered),
            Err(SealError::DoesNotOpen)
        );
    }

    #[test]
    fn seals_and_opens() {
        let s = SealingKey::parse(HEX).unwrap();
        let key = IssuerKey::from_seed(&[9; 32]);
        let sealed = s.seal([1; 12], &key);
        assert_eq!(sealed.len(), 12 + 32 + 16);
        assert!(
            !sealed.windows(32).any(|w| w == [9; 32]),
            "the seed is not in clear"
        );
        let opened = s.open(key.kid(), &sealed).unwrap();
        assert_eq!(opened.public(), key.public());
        assert!(
            !format!("{s:?}").contains("0001"),
            "the key is never printed"
        );
    }

    #[test]
    fn refuses_what_does_not_open() {
        let s = SealingKey::parse(HEX).unwrap();
        let key = IssuerKey::from_seed(&[9; 32]);
        let other = IssuerKey::from_seed(&[10; 32]);
        let sealed = s.seal([1; 12], &key);
        let wrong = SealingKey::parse(&HEX.replace("1f", "20")).unwrap();
        assert_eq!(
            wrong.open(key.kid(), &sealed).unwrap_err(),
            SealError::DoesNotOpen
        );
        // Moved to another key's row: the id is authenticated.
        assert_eq!(
            s.open(other.kid(), &sealed).unwrap_err(),
            SealError::DoesNotOpen
        );
        let mut flipped = sealed.clone();
        flipped[20] ^= 1;
        assert_eq!(
            s.open(key.kid(), &flipped).unwrap_err(),
            SealError::DoesNotOpen
        );
        assert_eq!(
            s.open(key.kid(), &sealed[..12]).unwrap_err(),
            SealError::DoesNotOpen
        );
        assert_eq!(s.open(key.kid(), &[]).unwrap_err(), SealError::DoesNotOpen);
    }

    #[test]
    fn the_sealing_key_is_64_hex_digits() {
        for bad in [
            "",
            "00",
            &HEX[..62],
            &HEX.replace('0', "g"),
            &format!("{HEX}00"),
        ] {
            assert_eq!(
                SealingKey::parse(bad).unwrap_err(),
                SealError::KeyFormat,
                "{bad}"
            );
        }
        assert!(SealingKey::parse(&HEX.to_uppercase()).is_ok());
    }
}
