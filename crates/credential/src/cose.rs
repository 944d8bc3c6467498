//! COSE_Sign1 (RFC 9052) with EdDSA over Ed25519: the envelope of every signed document here.
//!
//! `18([protected: bstr .cbor {1: -8, 4: kid, ?16: typ}, unprotected: {}, payload: bstr,
//! signature: bstr .size 64])`, signed over
//! `["Signature1", protected, h'', payload]`.

use crate::cbor;
use crate::keys::{IssuerKey, Kid};
use ciborium::Value;
use ciborium::tag::Required;
use ed25519_dalek::{Signature, Signer, VerifyingKey};

pub const TAG_SIGN1: u64 = 18;
pub const HEADER_ALG: i64 = 1;
pub const HEADER_KID: i64 = 4;
/// RFC 9596: the media type of the payload, for documents other than the credential itself.
pub const HEADER_TYP: i64 = 16;
pub const ALG_EDDSA: i64 = -8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CoseError {
    Malformed(&'static str),
    UnsupportedAlgorithm,
    BadSignature,
}

fn sig_structure(protected: &[u8], payload: &[u8]) -> Vec<u8> {
    cbor::to_vec(&Value::Array(vec![
        Value::Text("Signature1".into()),
        Value::Bytes(protected.to_vec()),
        Value::Bytes(Vec::new()),
        Value::Bytes(payload.to_vec()),
    ]))
}

/// Signs `payload` into a tagged COSE_Sign1.
pub(crate) fn sign(key: &IssuerKey, typ: Option<&str>, payload: &[u8]) -> Vec<u8> {
    let mut header = vec![
        cbor::entry(HEADER_ALG, Value::Integer(ALG_EDDSA.into())),
        cbor::entry(HEADER_KID, Value::Bytes(key.kid().as_bytes().to_vec())),
    ];
    if let Some(t) = typ {
        header.push(cbor::entry(HEADER_TYP, Value::Text(t.into())));
    }
    let protected = cbor::to_vec(&Value::Map(header));
    let signature = key.signing().sign(&sig_structure(&protected, payload));
    let sign1 = Value::Array(vec![
        Value::Bytes(protected),
        Value::Map(Vec::new()),
        Value::Bytes(payload.to_vec()),
        Value::Bytes(signature.to_bytes().to_vec()),
    ]);
    let mut out = Vec::new();
    ciborium::into_writer(&Required::<_, TAG_SIGN1>(sign1), &mut out)
        .expect("writing to a Vec does not fail");
    out
}

/// The length of what [`sign`] returns for a payload of `payload_len` bytes, without signing: the
/// issuer sizes a credential's QR text before it signs (the signature is always 64 bytes).
pub(crate) fn signed_len(kid: &Kid, typ: Option<&str>, payload_len: usize) -> usize {
    // A byte string's head: the major type with the length inline below 24, else 1, 2, 4 or 8
    // more bytes.
    let bstr = |n: usize| {
        n + match n {
            0..24 => 1,
            24..0x100 => 2,
            0x100..0x1_0000 => 3,
            0x1_0000..0x1_0000_0000 => 5,
            _ => 9,
        }
    };
    let mut header = vec![
        cbor::entry(HEADER_ALG, Value::Integer(ALG_EDDSA.into())),
        cbor::entry(HEADER_KID, Value::Bytes(kid.as_bytes().to_vec())),
    ];
    if let Some(t) = typ {
        header.push(cbor::entry(HEADER_TYP, Value::Text(t.into())));
    }
    let protected = cbor::to_vec(&Value::Map(header)).len();
    // Tag 18 and the array's head are one byte each, as is the empty unprotected map.
    1 + 1 + bstr(protected) + 1 + bstr(payload_len) + bstr(Signature::BYTE_SIZE)
}

/// A COSE_Sign1 whose structure has been read but whose signature is not yet checked.
#[derive(Debug, Clone)]
pub(crate) struct Sign1 {
    protected: Vec<u8>,
    pub kid: Kid,
    pub typ: Option<String>,
    pub payload: Vec<u8>,
    signature: Signature,
}

impl Sign1 {
    /// Accepts the tagged form and, as RFC 9052 allows where the context is known, the untagged.
    pub fn parse(bytes: &[u8]) -> Result<Sign1, CoseError> {
        let malformed = CoseError::Malformed;
        let value = cbor::from_slice(bytes).ok_or(malformed("cose_not_cbor"))?;
        let array = match value {
            Value::Tag(TAG_SIGN1, inner) => *inner,
            Value::Tag(..) => return Err(malformed("cose_wrong_tag")),
            v => v,
        };
        let Value::Array(items) = array else {
            return Err(malformed("cose_not_array"));
        };
        let [protected, unprotected, payload, signature] =
            <[Value; 4]>::try_from(items).map_err(|_| malformed("cose_array_length"))?;
        let (Value::Bytes(protected), Value::Bytes(payload), Value::Bytes(signature)) =
            (protected, payload, signature)
        else {
            return Err(malformed("cose_field_types"));
        };
        cbor::Map::new(&unprotected).ok_or(malformed("cose_unprotected"))?;
        let header = cbor::from_slice(&protected).ok_or(malformed("cose_protected"))?;
        let header = cbor::Map::new(&header).ok_or(malformed("cose_protected"))?;
        let alg = header
            .get(HEADER_ALG)
            .ok_or(malformed("cose_alg_missing"))?;
        if cbor::int(alg) != Some(ALG_EDDSA) {
            return Err(CoseError::UnsupportedAlgorithm);
        }
        let kid = header
            .get(HEADER_KID)
            .and_then(cbor::bytes)
            .and_then(Kid::from_bytes)
            .ok_or(malformed("cose_kid"))?;
        let typ = match header.get(HEADER_TYP) {
            None => None,
            Some(t) => Some(cbor::text(t).ok_or(malformed("cose_typ"))?.to_string()),
        };
        let signature =
            Signature::from_slice(&signature).map_err(|_| malformed("cose_signature_length"))?;
        Ok(Sign1 {
            protected,
            kid,
            typ,
            payload,
            signature,
        })
    }

    /// Strict verification: refuses small-order keys and non-canonical signatures.
    pub fn verify(&self, key: &VerifyingKey) -> Result<(), CoseError> {
        key.verify_strict(
            &sig_structure(&self.protected, &self.payload),
            &self.signature,
        )
        .map_err(|_| CoseError::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies() {
        let key = IssuerKey::from_seed(&[7; 32]);
        let bytes = sign(&key, Some("application/test"), b"payload");
        assert_eq!(bytes[0], 0xd2, "tag 18");
        let s = Sign1::parse(&bytes).unwrap();
        assert_eq!(&s.kid, key.kid());
        assert_eq!(s.typ.as_deref(), Some("application/test"));
        assert_eq!(s.payload, b"payload");
        s.verify(&key.public()).unwrap();
        let other = IssuerKey::from_seed(&[8; 32]);
        assert_eq!(s.verify(&other.public()), Err(CoseError::BadSignature));
    }

    #[test]
    fn signed_len_is_the_length_of_the_signed_bytes() {
        let key = IssuerKey::from_seed(&[7; 32]);
        for typ in [None, Some("application/statuslist+cwt")] {
            for n in [0, 1, 23, 24, 255, 256, 300, 65_535, 65_536] {
                let payload = vec![0x5a; n];
                assert_eq!(
                    signed_len(key.kid(), typ, n),
                    sign(&key, typ, &payload).len(),
                    "{typ:?}, {n} bytes"
                );
            }
        }
    }

    #[test]
    fn refuses_trailing_bytes_and_other_tags() {
        let key = IssuerKey::from_seed(&[7; 32]);
        let mut bytes = sign(&key, None, b"x");
        bytes.push(0);
        assert_eq!(
            Sign1::parse(&bytes).unwrap_err(),
            CoseError::Malformed("cose_not_cbor")
        );
        let mut bytes = sign(&key, None, b"x");
        bytes[0] = 0xd1; // tag 17, COSE_Mac0
        assert_eq!(
            Sign1::parse(&bytes).unwrap_err(),
            CoseError::Malformed("cose_wrong_tag")
        );
    }
}
