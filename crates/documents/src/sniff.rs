//! What a file is, from its bytes: the media type by the magic number at offset 0, and the
//! signatures of other formats hidden in it. The name and the declared content type are only
//! compared with what the bytes say, never believed.

use domain::FieldError;

use crate::FIELD;

/// The media types an employer may upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaType {
    Pdf,
    Jpeg,
    Png,
}

const PDF_MAGIC: &[u8] = b"%PDF-";
const JPEG_MAGIC: &[u8] = &[0xFF, 0xD8, 0xFF];
const PNG_MAGIC: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

impl MediaType {
    pub const ALL: [MediaType; 3] = [MediaType::Pdf, MediaType::Jpeg, MediaType::Png];

    /// The type whose magic number the bytes start with, if any.
    pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
        Self::ALL.into_iter().find(|t| bytes.starts_with(t.magic()))
    }

    pub fn magic(&self) -> &'static [u8] {
        match self {
            MediaType::Pdf => PDF_MAGIC,
            MediaType::Jpeg => JPEG_MAGIC,
            MediaType::Png => PNG_MAGIC,
        }
    }

    /// The content type to serve the file with.
    pub fn mime(&self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            MediaType::Pdf => "pdf",
            MediaType::Jpeg => "jpeg",
            MediaType::Png => "png",
        }
    }

    /// The type a client's `Content-Type` names; `None` for one we do not take (the caller
    /// decides whether that is a mismatch).
    pub fn from_mime(mime: &str) -> Option<MediaType> {
        let essence = mime.split(';').next().unwrap_or("").trim();
        match essence.to_ascii_lowercase().as_str() {
            "application/pdf" | "application/x-pdf" => Some(MediaType::Pdf),
            "image/jpeg" | "image/jpg" | "image/pjpeg" => Some(MediaType::Jpeg),
            "image/png" | "image/x-png" => Some(MediaType::Png),
            _ => None,
        }
    }

    /// The type a file name's extension names.
    pub fn from_extension(ext: &str) -> Option<MediaType> {
        match ext.to_ascii_lowercase().as_str() {
            "pdf" => Some(MediaType::Pdf),
            "jpg" | "jpeg" | "jpe" => Some(MediaType::Jpeg),
            "png" => Some(MediaType::Png),
            _ => None,
        }
    }
}

/// Refuses a declared content type or a file-name extension that disagrees with the bytes.
/// A generic declared type (`application/octet-stream`, what browsers send when they do not know)
/// and a name without extension say nothing, so they pass.
pub(crate) fn check_declared(
    sniffed: MediaType,
    declared_type: Option<&str>,
    safe_name: &str,
) -> Result<(), FieldError> {
    let mismatch = |declared: &str| {
        FieldError::new(FIELD, "file_type_mismatch")
            .with("declared", declared)
            .with("actual", sniffed.as_str())
    };
    if let Some(declared) = declared_type {
        let essence = declared.split(';').next().unwrap_or("").trim();
        if !essence.is_empty() && !essence.eq_ignore_ascii_case("application/octet-stream") {
            match MediaType::from_mime(essence) {
                Some(t) if t == sniffed => {}
                _ => return Err(mismatch(essence)),
            }
        }
    }
    if let Some((stem, ext)) = safe_name.rsplit_once('.')
        && !stem.is_empty()
    {
        match MediaType::from_extension(ext) {
            Some(t) if t == sniffed => {}
            _ => return Err(mismatch(ext)),
        }
    }
    Ok(())
}

/// A ZIP reader looks for the end-of-central-directory record in the last 64 KiB + 22 bytes.
const ZIP_EOCD_WINDOW: usize = 65_535 + 22;

/// Markers that make a browser or a script host treat the bytes as active content. Each is long
/// enough not to occur by chance in compressed image data (`<%@` and a bare `<svg` do, in one
/// photo of a few hundred).
const ACTIVE_MARKERS: [&[u8]; 6] = [
    b"<script",
    b"<html",
    b"<!doctype html",
    b"<iframe",
    b"<svg xmlns",
    b"<?php",
];

/// Finds a second format in `bytes` where a reader of that format would find it. Returns the
/// name of the other format.
pub(crate) fn polyglot(sniffed: MediaType, bytes: &[u8]) -> Option<&'static str> {
    let tail = &bytes[bytes.len().saturating_sub(ZIP_EOCD_WINDOW)..];
    if find(tail, b"PK\x05\x06").is_some() {
        return Some("zip");
    }
    // A local file header: the four bytes alone occur by chance in compressed data, so also ask
    // for a plausible "version needed to extract" (at most 6.3, high byte zero).
    let mut from = 0;
    while let Some(i) = find(&bytes[from..], b"PK\x03\x04") {
        let at = from + i;
        if let Some(v) = bytes.get(at + 4..at + 6)
            && v[0] <= 63
            && v[1] == 0
        {
            return Some("zip");
        }
        from = at + 1;
    }
    if sniffed != MediaType::Pdf && find(bytes, PDF_MAGIC).is_some() {
        return Some("pdf");
    }
    if ACTIVE_MARKERS
        .iter()
        .any(|m| find_ignore_case(bytes, m).is_some())
    {
        return Some("html");
    }
    None
}

/// The longest file name kept, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// Checks a client's file name and returns the one to store: refused when it is or carries a
/// path, or characters that hide what it is; otherwise trimmed, with characters that are unsafe
/// in a `Content-Disposition` header or on common file systems replaced by `_`.
pub fn safe_file_name(name: &str) -> Result<String, FieldError> {
    let refuse = |reason: &str| FieldError::new(FIELD, "file_name_invalid").with("reason", reason);
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(refuse("empty"));
    }
    if trimmed.chars().count() > MAX_NAME_CHARS {
        return Err(refuse("too_long").with("max", MAX_NAME_CHARS));
    }
    if trimmed.contains(['/', '\\']) || trimmed.contains("..") {
        return Err(refuse("path"));
    }
    if trimmed.chars().any(is_hidden_control) {
        return Err(refuse("control"));
    }
    let replaced: String = trimmed
        .chars()
        .map(|c| match c {
            '"' | ':' | '*' | '?' | '<' | '>' | '|' | ';' => '_',
            c => c,
        })
        .collect();
    // A leading dot hides a file on Unix; a name that is only dots says nothing.
    let safe = replaced.trim_start_matches('.').trim();
    if safe.is_empty() {
        return Err(refuse("empty"));
    }
    Ok(safe.to_string())
}

/// Control characters, and the format characters that reorder or hide text, with which
/// `invoice\u{202E}fdp.exe` reads as `invoiceexe.pdf`.
fn is_hidden_control(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}')
}

pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

pub(crate) fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if haystack.len() < needle.len() {
        return None;
    }
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}
