//! Identity numbers sealed at rest: passport, social security and visa numbers, and the bank
//! accounts benefits are paid to. Each is stored as `e1:` and the base64 of a random 24-byte
//! nonce, the XChaCha20-Poly1305 ciphertext and its tag, bound to its column and its row (the
//! associated data), so that a value copied to another row or column does not open. Where the
//! database must find or compare a number (a passport taken, a social security number looked
//! up), a keyed hash (HMAC-SHA-256) of it sits beside it with the unique index; without the key
//! neither says which number it holds.
//!
//! One key from configuration: 32 bytes, from which the sealing, hashing and fingerprint keys
//! are derived (HMAC-SHA-256 with distinct labels). The fingerprint is recorded in the database
//! on first use, so that a server given another key refuses to start instead of writing rows
//! that the others cannot read.

use crate::StoreError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use hmac::Mac;
use std::fmt;
use std::sync::Arc;
use uuid::Uuid;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// What a sealed value starts with: the format's version. No plain identity number holds a
/// colon, so a sealed value is never mistaken for one.
pub(crate) const PREFIX: &str = "e1:";
const NONCE_LEN: usize = 24;

/// A fixed key for the demo and the tests, never for real data.
pub const DEMO_DATA_KEY: &str = "6f6e65636172642d64656d6f2d646174612d6b65792d6e6f742d736563726574";

/// The key identity numbers are sealed under. Never printed.
#[derive(Clone)]
pub struct DataKey(Arc<Keys>);

struct Keys {
    seal: XChaCha20Poly1305,
    index: HmacSha256,
    fingerprint: [u8; 32],
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(…)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the data key must be 64 hexadecimal digits (32 bytes)")]
pub struct DataKeyFormat;

fn hmac_key(key: &[u8]) -> HmacSha256 {
    <HmacSha256 as hmac::KeyInit>::new_from_slice(key).expect("HMAC takes any key")
}

fn derive(master: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let mut mac = hmac_key(master);
    mac.update(label);
    let mut out = [0u8; 32];
    out.copy_from_slice(&mac.finalize().into_bytes());
    out
}

impl DataKey {
    pub fn parse(hex: &str) -> Result<DataKey, DataKeyFormat> {
        let hex = hex.trim();
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(DataKeyFormat);
        }
        let mut master = [0u8; 32];
        for (i, b) in master.iter_mut().enumerate() {
            *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| DataKeyFormat)?;
        }
        Ok(DataKey::from_bytes(master))
    }

    pub fn demo() -> DataKey {
        DataKey::parse(DEMO_DATA_KEY).expect("64 hex digits")
    }

    fn from_bytes(master: [u8; 32]) -> DataKey {
        let seal = derive(&master, b"onecard/data-key/seal/v1");
        let index = derive(&master, b"onecard/data-key/index/v1");
        DataKey(Arc::new(Keys {
            seal: XChaCha20Poly1305::new(&Key::from(seal)),
            index: hmac_key(&index),
            fingerprint: derive(&master, b"onecard/data-key/fingerprint/v1"),
        }))
    }

    /// What the database records of the key: it tells keys apart and reveals nothing of them.
    pub(crate) fn fingerprint(&self) -> &[u8; 32] {
        &self.0.fingerprint
    }

    /// `e1:` and the sealed `plain`, bound to `column` of row `row`.
    pub(crate) fn seal(&self, column: &str, row: Uuid, plain: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).expect("the operating system's random source");
        let aad = associated(column, row);
        let sealed = self
            .0
            .seal
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: &aad,
                },
            )
            .expect("XChaCha20-Poly1305 seals any short message");
        let mut bytes = Vec::with_capacity(NONCE_LEN + sealed.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&sealed);
        let mut out = String::with_capacity(PREFIX.len() + (bytes.len() * 4).div_ceil(3));
        out.push_str(PREFIX);
        URL_SAFE_NO_PAD.encode_string(&bytes, &mut out);
        out
    }

    /// The value `seal` sealed for `column` of `row`; a corrupt-row error for anything else
    /// (another key, another row, a plain value, an altered one). The error names the column,
    /// never the value.
    pub(crate) fn open(&self, column: &str, row: Uuid, stored: &str) -> Result<String, StoreError> {
        let fail = || StoreError::Corrupt(format!("{column}: does not open with the data key"));
        let body = stored.strip_prefix(PREFIX).ok_or_else(fail)?;
        let bytes = URL_SAFE_NO_PAD.decode(body).map_err(|_| fail())?;
        if bytes.len() < NONCE_LEN + 16 {
            return Err(fail());
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| fail())?;
        let aad = associated(column, row);
        let plain = self
            .0
            .seal
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: sealed,
                    aad: &aad,
                },
            )
            .map_err(|_| fail())?;
        String::from_utf8(plain).map_err(|_| fail())
    }

    /// `seal` of an optional value.
    pub(crate) fn seal_opt(&self, column: &str, row: Uuid, plain: Option<&str>) -> Option<String> {
        plain.map(|p| self.seal(column, row, p))
    }

    /// `open` of an optional value.
    pub(crate) fn open_opt(
        &self,
        column: &str,
        row: Uuid,
        stored: Option<String>,
    ) -> Result<Option<String>, StoreError> {
        stored.map(|s| self.open(column, row, &s)).transpose()
    }

    /// The keyed hash that finds `parts` in `column` (the parts are joined unambiguously).
    pub(crate) fn index(&self, column: &str, parts: &[&str]) -> Vec<u8> {
        let mut mac = self.0.index.clone();
        mac.update(column.as_bytes());
        for p in parts {
            mac.update(&[0]);
            mac.update(p.as_bytes());
        }
        mac.finalize().into_bytes().to_vec()
    }

    /// Seals in place every string under one of `IDENTITY_KEYS` in a JSON document (an
    /// application's details); the rest stays readable.
    pub(crate) fn seal_json(&self, column: &str, row: Uuid, v: &mut serde_json::Value) {
        walk(v, &mut |key, s| {
            if !s.starts_with(PREFIX) {
                *s = self.seal(&json_column(column, key), row, s);
            }
            Ok(())
        })
        .expect("sealing does not fail");
    }

    /// Opens what `seal_json` sealed.
    pub(crate) fn open_json(
        &self,
        column: &str,
        row: Uuid,
        v: &mut serde_json::Value,
    ) -> Result<(), StoreError> {
        walk(v, &mut |key, s| {
            *s = self.open(&json_column(column, key), row, s)?;
            Ok(())
        })
    }

    /// Seals the values of a notice's parameters whose names are identity keys.
    pub(crate) fn seal_pairs(
        &self,
        column: &str,
        row: Uuid,
        pairs: &[(String, String)],
    ) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| {
                let v = if IDENTITY_KEYS.contains(&k.as_str()) && !v.starts_with(PREFIX) {
                    self.seal(&json_column(column, k), row, v)
                } else {
                    v.clone()
                };
                (k.clone(), v)
            })
            .collect()
    }

    /// Opens what `seal_pairs` sealed.
    pub(crate) fn open_pairs(
        &self,
        column: &str,
        row: Uuid,
        pairs: &mut [(String, String)],
    ) -> Result<(), StoreError> {
        for (k, v) in pairs.iter_mut() {
            if IDENTITY_KEYS.contains(&k.as_str()) {
                *v = self.open(&json_column(column, k), row, v)?;
            }
        }
        Ok(())
    }
}

impl DataKey {
    /// `value` as JSON with its identity numbers sealed (`seal_json`); documents without any
    /// are written as they are.
    pub(crate) fn seal_json_text<T: serde::Serialize>(
        &self,
        column: &str,
        row: Uuid,
        value: &T,
    ) -> String {
        let text = serde_json::to_string(value).expect("serialisable");
        if !names_identity_key(&text) {
            return text;
        }
        let mut v: serde_json::Value = serde_json::from_str(&text).expect("just written");
        self.seal_json(column, row, &mut v);
        v.to_string()
    }

    /// What `seal_json_text` wrote.
    pub(crate) fn open_json_text<T: serde::de::DeserializeOwned>(
        &self,
        column: &str,
        row: Uuid,
        text: &str,
    ) -> Result<T, StoreError> {
        let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("{column}: {e}"));
        if !names_identity_key(text) {
            return serde_json::from_str(text).map_err(corrupt);
        }
        let mut v: serde_json::Value = serde_json::from_str(text).map_err(corrupt)?;
        self.open_json(column, row, &mut v)?;
        serde_json::from_value(v).map_err(corrupt)
    }
}

/// Whether JSON text has a member named by an identity key (or a string equal to one: then it
/// is only parsed for nothing).
fn names_identity_key(text: &str) -> bool {
    IDENTITY_KEYS.iter().any(|k| {
        text.match_indices(k).any(|(i, _)| {
            i > 0 && text.as_bytes()[i - 1] == b'"' && text[i + k.len()..].starts_with('"')
        })
    })
}

/// What each sealed value and keyed hash is bound to: its table and column. Changing one makes
/// the values stored under it unreadable.
pub(crate) mod column {
    pub const PEOPLE_PASSPORT: &str = "people.passport_number";
    pub const PEOPLE_PASSPORT_HASH: &str = "people.passport_hash";
    pub const PERMITS_PASSPORT: &str = "permits.passport_number";
    pub const INSURANCES_SSN_HASH: &str = "insurances.ssn_hash";
    pub const INSURANCES_SSN: &str = "insurances.ssn";
    pub const VISAS_NUMBER_HASH: &str = "visas.number_hash";
    pub const VISAS_NUMBER: &str = "visas.number";
    pub const CLAIMS_PAYMENT_ACCOUNT: &str = "benefit_claims.payment_account";
    pub const APPLICATIONS_DETAILS: &str = "applications.details";
    pub const NOTICES_PARAMS: &str = "notices.params";
    pub const REGISTER_CHECKS_ANSWER: &str = "register_checks.answer";
}

/// The names under which identity numbers appear inside JSON columns.
pub(crate) const IDENTITY_KEYS: [&str; 4] = [
    "passport_number",
    "new_passport_number",
    "ssn",
    "visa_number",
];

fn json_column(column: &str, key: &str) -> String {
    format!("{column}/{key}")
}

fn associated(column: &str, row: Uuid) -> Vec<u8> {
    let mut aad = Vec::with_capacity(column.len() + 17);
    aad.extend_from_slice(column.as_bytes());
    aad.push(0);
    aad.extend_from_slice(row.as_bytes());
    aad
}

/// Calls `f` on every string value under an identity key, at any depth.
fn walk(
    v: &mut serde_json::Value,
    f: &mut dyn FnMut(&str, &mut String) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    serde_json::Value::String(s) if IDENTITY_KEYS.contains(&k.as_str()) => f(k, s)?,
                    _ => walk(v, f)?,
                }
            }
            Ok(())
        }
        serde_json::Value::Array(items) => items.iter_mut().try_for_each(|v| walk(v, f)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DataKey {
        DataKey::parse(&"ab".repeat(32)).unwrap()
    }

    #[test]
    fn seals_and_opens_only_in_its_column_and_row() {
        let k = key();
        let row = Uuid::now_v7();
        let sealed = k.seal("people.passport_number", row, "E12345678");
        assert!(sealed.starts_with("e1:"));
        assert!(!sealed.contains("E12345678"));
        assert_eq!(
            k.open("people.passport_number", row, &sealed).unwrap(),
            "E12345678"
        );
        // Sealed twice, different: the nonce is random.
        assert_ne!(sealed, k.seal("people.passport_number", row, "E12345678"));
        for (column, r) in [
            ("permits.passport_number", row),
            ("people.passport_number", Uuid::now_v7()),
        ] {
            assert!(k.open(column, r, &sealed).is_err(), "{column}");
        }
        let other = DataKey::parse(&"cd".repeat(32)).unwrap();
        assert!(other.open("people.passport_number", row, &sealed).is_err());
        assert!(k.open("people.passport_number", row, "E12345678").is_err());
        assert!(k.open("people.passport_number", row, "e1:").is_err());
        assert!(k.open("people.passport_number", row, "e1:!!").is_err());
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 3;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        assert!(k.open("people.passport_number", row, &altered).is_err());
        let err = k
            .open("people.passport_number", row, "E12345678")
            .unwrap_err();
        assert!(!err.to_string().contains("E12345678"), "{err}");
    }

    #[test]
    fn the_index_is_keyed_and_stable() {
        let k = key();
        let a = k.index("people.passport_hash", &["FR", "E12345678"]);
        assert_eq!(a, k.index("people.passport_hash", &["FR", "E12345678"]));
        assert_eq!(a.len(), 32);
        assert_ne!(a, k.index("people.passport_hash", &["DE", "E12345678"]));
        assert_ne!(a, k.index("people.passport_hash", &["FRE", "12345678"]));
        assert_ne!(a, k.index("visas.number_hash", &["FR", "E12345678"]));
        let other = DataKey::parse(&"cd".repeat(32)).unwrap();
        assert_ne!(a, other.index("people.passport_hash", &["FR", "E12345678"]));
        assert_ne!(k.fingerprint(), other.fingerprint());
    }

    #[test]
    fn json_seals_identity_keys_only() {
        let k = key();
        let row = Uuid::now_v7();
        let plain = serde_json::json!({
            "kind": "change",
            "change": { "what": "passport", "new_passport_number": "G87654321" },
            "position": "passport_number",
            "items": [{ "ssn": "S1234" }],
        });
        let mut v = plain.clone();
        k.seal_json("applications.details", row, &mut v);
        let text = v.to_string();
        assert!(
            !text.contains("G87654321") && !text.contains("S1234"),
            "{text}"
        );
        assert_eq!(v["kind"], "change");
        assert_eq!(v["position"], "passport_number");
        // Sealing what is sealed changes nothing.
        let again = {
            let mut w = v.clone();
            k.seal_json("applications.details", row, &mut w);
            w
        };
        assert_eq!(again, v);
        k.open_json("applications.details", row, &mut v).unwrap();
        assert_eq!(v, plain);
        let mut moved = again.clone();
        assert!(
            k.open_json("applications.details", Uuid::now_v7(), &mut moved)
                .is_err()
        );
    }

    #[test]
    fn pairs_seal_identity_keys_only() {
        let k = key();
        let row = Uuid::now_v7();
        let pairs = vec![
            ("ssn".to_string(), "S310000".to_string()),
            ("state".to_string(), "made".to_string()),
        ];
        let mut sealed = k.seal_pairs("notices.params", row, &pairs);
        assert!(sealed[0].1.starts_with("e1:"));
        assert_eq!(sealed[1].1, "made");
        k.open_pairs("notices.params", row, &mut sealed).unwrap();
        assert_eq!(sealed, pairs);
    }

    #[test]
    fn the_key_is_64_hex_digits_and_never_printed() {
        for bad in [
            "",
            "00",
            &"ab".repeat(31),
            &"zz".repeat(32),
            &"ab".repeat(33),
        ] {
            assert_eq!(DataKey::parse(bad).unwrap_err(), DataKeyFormat, "{bad}");
        }
        assert!(DataKey::parse(&"AB".repeat(32)).is_ok());
        assert_eq!(format!("{:?}", key()), "DataKey(…)");
    }
}
