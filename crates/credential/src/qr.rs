//! The text in the QR: `OC1:` then Base45 of the COSE_Sign1 bytes, zlib-compressed or not.
//!
//! Decoders accept both forms and tell them apart by the first byte (0x78 opens a zlib stream; a
//! COSE_Sign1 opens with 0xD2, its tag, or 0x84, an array of four), as the EU Digital COVID
//! Certificate does. Encoders use [`QR_COMPRESSION`], chosen by measurement (see the README), and
//! keep the text within [`MAX_QR_TEXT`] characters by shortening the free texts if they must.

use crate::base45;
use crate::claims::Claims;
use crate::cose;
use crate::keys::IssuerKey;
use domain::values::Text;

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

/// Measured (test `payload_size_and_zlib_decision`, before any shortening): zlib lengthens every
/// payload, as signature, ids and short strings do not repeat. Full profile 498 characters plain,
/// 514 with zlib (both version 17 at Q); employment check 430 and 447 (both version 16); a
/// 40-character Chinese employer name with a 44-character position 669 and 685. So the bytes go
/// uncompressed.
pub const QR_COMPRESSION: Compression = Compression::None;

/// The most characters of QR text a credential takes, as the issue asks of a full-profile permit.
/// Version 17 at error correction Q holds 531 alphanumeric characters, so whatever [`issue`]
/// returns fits version 17 or lower, with room to spare.
pub const MAX_QR_TEXT: usize = 500;
/// Ends a free text that [`issue`] shortened to fit [`MAX_QR_TEXT`].
pub const SHORTENED_MARK: char = '…';
/// Shortening first keeps this many characters of the employer name, then of the position, so
/// that both stay recognisable; only if that is still too long does it cut further.
pub const KEEP_CHARS: usize = 10;

const ZLIB_FIRST_BYTE: u8 = 0x78;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IssueError {
    /// Over [`MAX_QR_TEXT`] even with the employer name and position cut to one character: the
    /// holder's names (never shortened) are too long for a QR code the card can show.
    #[error(
        "the credential needs {len} characters of QR text, over {MAX_QR_TEXT}, even with its free texts shortened"
    )]
    TooLong { len: usize },
}

impl IssueError {
    pub fn code(&self) -> &'static str {
        match self {
            IssueError::TooLong { .. } => "credential_too_long",
        }
    }
}

/// Signs the claims and encodes them for the QR, within [`MAX_QR_TEXT`] characters: the claims as
/// [`fit`] carries them.
pub fn issue(claims: &Claims, key: &IssuerKey) -> Result<String, IssueError> {
    // Most credentials fit as they are: encode the claims once and sign that.
    let mut payload = claims.to_cbor();
    if payload_text_len(&payload, key) > MAX_QR_TEXT {
        payload = fit(claims, key)?.to_cbor();
    }
    let text = encode(&cose::sign(key, None, &payload), QR_COMPRESSION);
    debug_assert_eq!(
        text.len(),
        payload_text_len(&payload, key),
        "sized before signing"
    );
    Ok(text)
}

/// The claims as the QR carries them: unchanged if their text fits [`MAX_QR_TEXT`]; otherwise
/// with the employer name, then the position, shortened character by character and ended with
/// [`SHORTENED_MARK`] until it fits, each first to no fewer than [`KEEP_CHARS`] characters, then
/// to no fewer than one. Names, numbers, dates and category are never shortened; if the text
/// still does not fit, [`IssueError::TooLong`].
///
/// An online verifier shows the full names from the permit's record, so the QR carries a
/// shortened display name only when it must, and an offline verifier shows it as shortened.
pub fn fit(claims: &Claims, key: &IssuerKey) -> Result<Claims, IssueError> {
    let mut fitted = claims.clone();
    let fits = |c: &Claims| text_len(c, key) <= MAX_QR_TEXT;
    if fits(&fitted) {
        return Ok(fitted);
    }
    let steps = [
        (FreeText::Employer, KEEP_CHARS),
        (FreeText::Position, KEEP_CHARS),
        (FreeText::Employer, 1),
        (FreeText::Position, 1),
    ];
    for (field, floor) in steps {
        let Some(original) = field.get(claims) else {
            continue; // the employment check carries no position
        };
        let original = original.as_str().to_string();
        let n = original.chars().count();
        if n <= floor {
            continue;
        }
        let with = |keep: usize| {
            let mut c = fitted.clone();
            field.set(&mut c, shortened(&original, keep));
            c
        };
        // The text grows with every character kept, so the longest that fits is a binary search
        // away: the largest `keep` in `floor..n` whose claims fit, or `floor` if none does.
        let (mut lo, mut hi) = (floor, n - 1);
        if fits(&with(lo)) {
            while lo < hi {
                let mid = lo + (hi - lo).div_ceil(2);
                if fits(&with(mid)) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
        }
        fitted = with(lo);
        if fits(&fitted) {
            return Ok(fitted);
        }
    }
    Err(IssueError::TooLong {
        len: text_len(&fitted, key),
    })
}

/// The characters of QR text `claims` take when `key` signs them, computed without signing.
pub fn text_len(claims: &Claims, key: &IssuerKey) -> usize {
    payload_text_len(&claims.to_cbor(), key)
}

fn payload_text_len(payload: &[u8], key: &IssuerKey) -> usize {
    let cose_len = match QR_COMPRESSION {
        Compression::None => cose::signed_len(key.kid(), None, payload.len()),
        // A compressed length depends on the signature's bytes: sign to know it.
        Compression::Zlib => {
            miniz_oxide::deflate::compress_to_vec_zlib(&cose::sign(key, None, payload), 9).len()
        }
    };
    PREFIX.len() + cose_len / 2 * 3 + cose_len % 2 * 2
}

/// The free texts the issuer may shorten, in the order it shortens them.
#[derive(Debug, Clone, Copy)]
enum FreeText {
    Employer,
    Position,
}

impl FreeText {
    fn get(self, c: &Claims) -> Option<&Text> {
        match self {
            FreeText::Employer => Some(&c.permit.employer),
            FreeText::Position => c.permit.details.as_ref().map(|d| &d.position),
        }
    }
    fn set(self, c: &mut Claims, t: Text) {
        match self {
            FreeText::Employer => c.permit.employer = t,
            FreeText::Position => {
                if let Some(d) = &mut c.permit.details {
                    d.position = t;
                }
            }
        }
    }
}

/// The first `keep` characters of `s` (whole characters, never part of one), without trailing
/// white space, then the mark: still a valid [`Text`], read back unchanged.
fn shortened(s: &str, keep: usize) -> Text {
    let head: String = s.chars().take(keep).collect();
    Text::from_trusted(format!("{}{SHORTENED_MARK}", head.trim_end()))
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
