//! The seal on a notice's file, and its check.
//!
//! A notice is rendered without its seal (the *body*, itself a complete PDF); the seal's content
//! hash is the SHA-256 of the body. The seal is then appended as a PDF incremental update: a
//! content stream drawing the QR code into the square the body left free, the first page
//! rewritten to show it, and a trailer that names the body's length and carries the seal's text.
//! Viewers show the page with its code; a checker splits the file at the named length, hashes the
//! body, and rebuilds the update from the body and the seal text: a single byte changed anywhere
//! in the file fails one or the other.

use super::typeset::{CATALOG, CONTENT1, PAGE_HEIGHT, PAGE_WIDTH, PAGE1, RESOURCES, SEAL_BOX};
use credential::{DocumentSeal, KeyLookup, Matrix, Verdict};
use pdf_writer::{Chunk, Content, Filter, Name, Rect, Ref};
use std::fmt::Write as _;

/// Modules of quiet zone kept white around the code.
const QUIET: f32 = 2.0;
const BODY_KEY: &str = "/OneCardBody ";
const SEAL_KEY: &str = "/OneCardSeal (";

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SealedError {
    /// The body does not end the way a rendered notice ends.
    #[error("the body is not a notice's PDF")]
    NotABody,
    /// The seal text does not fit a QR code.
    #[error("the seal text does not fit a QR code")]
    SealTooLong,
    /// The file carries no seal of ours.
    #[error("the file carries no notice seal")]
    NotSealed,
    /// The file's seal part is not the one its body and seal text make.
    #[error("the file was altered after sealing")]
    Altered,
}

/// Why a notice's file does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeVerdict {
    /// Not a sealed notice at all.
    NotSealed,
    /// A seal is there, but the file is not the one it was made for.
    Altered,
    /// The seal itself is refused: unknown key, bad signature, malformed…
    Refused(Verdict),
}

impl NoticeVerdict {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            NoticeVerdict::NotSealed => "not_sealed",
            NoticeVerdict::Altered => "altered",
            NoticeVerdict::Refused(v) => v.code(),
        }
    }
}

/// Where the body's own cross-reference section is, and how many objects it has.
fn body_tail(body: &[u8]) -> Result<(usize, u32), SealedError> {
    let text = tail_text(body, 512);
    let trailer = text.rfind("trailer").ok_or(SealedError::NotABody)?;
    let size = number_after(&text[trailer..], "/Size ").ok_or(SealedError::NotABody)?;
    let startxref = text.rfind("startxref").ok_or(SealedError::NotABody)?;
    let xref = number_after(&text[startxref..], "startxref\n").ok_or(SealedError::NotABody)?;
    if !text.trim_end().ends_with("%%EOF") || text.contains(SEAL_KEY) {
        return Err(SealedError::NotABody);
    }
    Ok((xref as usize, size as u32))
}

/// The last `n` bytes, as text (lossy: only ASCII keys are looked for in it).
fn tail_text(bytes: &[u8], n: usize) -> String {
    String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(n)..]).into_owned()
}

fn number_after(text: &str, key: &str) -> Option<u64> {
    let at = text.find(key)? + key.len();
    let digits: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    if digits.is_empty() || digits.len() > 12 {
        return None;
    }
    digits.parse().ok()
}

/// The drawing of the code in the seal's square.
fn seal_drawing(text: &str) -> Result<Vec<u8>, SealedError> {
    let m = Matrix::of(text).map_err(|_| SealedError::SealTooLong)?;
    let side = SEAL_BOX.x2 - SEAL_BOX.x1;
    let module = side / (m.size as f32 + 2.0 * QUIET);
    let mut c = Content::new();
    c.save_state().set_fill_gray(1.0);
    c.rect(SEAL_BOX.x1, SEAL_BOX.y1, side, side).fill_nonzero();
    c.set_fill_gray(0.0);
    for y in 0..m.size {
        let mut x = 0;
        while x < m.size {
            if !m.is_dark(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < m.size && m.is_dark(x, y) {
                x += 1;
            }
            c.rect(
                SEAL_BOX.x1 + (QUIET + start as f32) * module,
                SEAL_BOX.y2 - (QUIET + y as f32 + 1.0) * module,
                (x - start) as f32 * module,
                module,
            );
        }
    }
    c.fill_nonzero().restore_state();
    Ok(miniz_oxide::deflate::compress_to_vec_zlib(&c.finish(), 6))
}

/// `body` with `seal_text` appended as an incremental update that draws the code on page one.
pub fn attach_seal(body: &[u8], seal_text: &str) -> Result<Vec<u8>, SealedError> {
    // The seal's text goes into a literal string: Base45 and the prefix use no parenthesis or
    // backslash, and anything else is not a seal.
    if seal_text.is_empty()
        || seal_text.len() > 2048
        || !seal_text.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
        || seal_text.contains(['(', ')', '\\'])
    {
        return Err(SealedError::SealTooLong);
    }
    let (prev, size) = body_tail(body)?;
    let drawing = seal_drawing(seal_text)?;
    let stream = Ref::new(size as i32);

    let mut out = body.to_vec();
    out.push(b'\n');
    let mut objects = Vec::new();
    let mut chunk = Chunk::new();
    chunk.stream(stream, &drawing).filter(Filter::FlateDecode);
    objects.push((stream, out.len()));
    out.extend_from_slice(chunk.as_bytes());

    let mut chunk = Chunk::new();
    let mut page = chunk.page(PAGE1);
    page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
        .parent(super::typeset::PAGE_TREE);
    page.pair(Name(b"Resources"), RESOURCES);
    page.insert(Name(b"Contents"))
        .array()
        .items([CONTENT1, stream]);
    drop(page);
    objects.push((PAGE1, out.len()));
    out.extend_from_slice(chunk.as_bytes());

    objects.sort();
    let xref = out.len();
    let mut x = String::from("xref\n0 1\n0000000000 65535 f \n");
    for (r, offset) in &objects {
        let _ = write!(x, "{} 1\n{offset:010} 00000 n \n", r.get());
    }
    let _ = write!(
        x,
        "trailer\n<< /Size {} /Root {} 0 R /Prev {prev} {BODY_KEY}{} {SEAL_KEY}{seal_text}) >>\nstartxref\n{xref}\n%%EOF\n",
        size + 1,
        CATALOG.get(),
        body.len(),
    );
    out.extend_from_slice(x.as_bytes());
    Ok(out)
}

/// The body and the seal text of a sealed notice's file, if the file is exactly what
/// [`attach_seal`] makes of them.
pub fn split_sealed(file: &[u8]) -> Result<(&[u8], String), SealedError> {
    let text = tail_text(file, 4096);
    let trailer = text.rfind("trailer").ok_or(SealedError::NotSealed)?;
    let trailer = &text[trailer..];
    let Some(seal_at) = trailer.find(SEAL_KEY) else {
        return Err(SealedError::NotSealed);
    };
    let seal = &trailer[seal_at + SEAL_KEY.len()..];
    let seal = &seal[..seal.find(')').ok_or(SealedError::Altered)?];
    let body_len = number_after(trailer, BODY_KEY).ok_or(SealedError::Altered)? as usize;
    if body_len >= file.len() {
        return Err(SealedError::Altered);
    }
    let body = &file[..body_len];
    match attach_seal(body, seal) {
        Ok(rebuilt) if rebuilt == file => Ok((body, seal.to_string())),
        _ => Err(SealedError::Altered),
    }
}

/// Checks a notice's file offline: the seal signed by one of `keys`, and the file unaltered.
/// `now` is seconds since the Unix epoch.
pub fn verify_notice(
    file: &[u8],
    keys: &impl KeyLookup,
    now: i64,
) -> Result<DocumentSeal, NoticeVerdict> {
    let (body, text) = split_sealed(file).map_err(|e| match e {
        SealedError::NotSealed | SealedError::NotABody => NoticeVerdict::NotSealed,
        SealedError::Altered | SealedError::SealTooLong => NoticeVerdict::Altered,
    })?;
    let seal = credential::verify_seal(&text, keys, now).map_err(NoticeVerdict::Refused)?;
    if !seal.matches(body) {
        return Err(NoticeVerdict::Altered);
    }
    Ok(seal)
}
