//! The text in the QR: `OC1:` then Base45 of the COSE_Sign1 bytes, zlib-compressed or not.
//!
//! Decoders accept both forms and tell them apart by the first byte (0x78 opens a zlib stream; a
//! COSE_Sign1 opens with 0xD2, its tag, or 0x84, an array of four), as the EU Digital COVID
//! Certificate does. Encoders use [`QR_COMPRESSION`], chosen by measurement (see the README).

use crate::base45;
use crate::claims::Claims;
use crate::cose;
use crate::keys::IssuerKey;

/// Version 1 of the OneCard credential format.
pub const PREFIX: &str = "OC1:";
/// Longer text is refused unread: the largest QR (version 40, alphanumeric, level L) holds 4,296.
pub const MAX_TEXT_LEN: usize = 4096;
/// Inflation stops here, so a zip bomb costs at most this much memory.
pub const MAX_INFLATED_LEN: usize = 16 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Zlib,
}

/// Measured (test `payload_size_and_zlib_decision`): zlib lengthens every payload, as signature,
/// ids and short strings do not repeat. Full profile 498 characters plain, 514 with zlib (both
/// version 17 at Q); employment check 430 and 447 (both version 16); a 40-character Chinese
/// employer name 669 and 685. So the bytes go uncompressed.
pub const QR_COMPRESSION: Compression = Compression::None;

const ZLIB_FIRST_BYTE: u8 = 0x78;

/// Signs the claims and encodes them for the QR.
pub fn issue(claims: &Claims, key: &IssuerKey) -> String {
    encode(&sign(claims, key), QR_COMPRESSION)
}

/// The COSE_Sign1 bytes of the claims, before the QR encoding.
pub fn sign(claims: &Claims, key: &IssuerKey) -> Vec<u8> {
    cose::sign(key, None, &claims.to_cbor())
}

pub fn encode(cose: &[u8], compression: Compression) -> String {
    let body = match compression {
        Compression::None => base45::encode(cose),
        Compression::Zlib => base45::encode(&miniz_oxide::deflate::compress_to_vec_zlib(cose, 9)),
    };
    format!("{PREFIX}{body}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TransportError {
    NotOneCard,
    TooLarge,
    Malformed(&'static str),
}

/// The COSE bytes inside the QR text.
pub(crate) fn decode(text: &str) -> Result<Vec<u8>, TransportError> {
    if text.len() > MAX_TEXT_LEN {
        return Err(TransportError::TooLarge);
    }
    let body = text
        .strip_prefix(PREFIX)
        .ok_or(TransportError::NotOneCard)?;
    let bytes = base45::decode(body).map_err(|e| TransportError::Malformed(e.code()))?;
    if bytes.first() == Some(&ZLIB_FIRST_BYTE) {
        miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&bytes, MAX_INFLATED_LEN)
            .map_err(|_| TransportError::Malformed("zlib"))
    } else {
        Ok(bytes)
    }
}
