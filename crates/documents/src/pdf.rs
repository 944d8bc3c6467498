//! Whether a PDF opens, checked without a PDF library: the structure a reader needs to find the
//! pages, and every Flate stream inflated under a hard output limit so that a bomb is refused
//! rather than expanded.

use domain::FieldError;
use miniz_oxide::inflate::{TINFLStatus, decompress_to_vec_zlib_with_limit};

use crate::FIELD;
use crate::sniff::{find, rfind};

/// Limits on what inflating a PDF's streams may produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfLimits {
    /// Bytes all Flate streams of one file may inflate to, together.
    pub max_inflated: usize,
    /// Inflated/compressed ratio above which a stream of over `ratio_floor` inflated bytes is a
    /// bomb, even under `max_inflated`.
    pub max_ratio: usize,
    pub ratio_floor: usize,
}

impl Default for PdfLimits {
    fn default() -> Self {
        Self {
            max_inflated: 64 * 1024 * 1024,
            max_ratio: 1000,
            ratio_floor: 1024 * 1024,
        }
    }
}

/// Readers look for `%%EOF` in the last kilobyte.
const EOF_WINDOW: usize = 1024;

fn invalid(reason: &str) -> FieldError {
    FieldError::new(FIELD, "pdf_invalid").with("reason", reason)
}

/// Checks that `bytes` (which start with `%PDF-`) open as a PDF.
pub(crate) fn check(bytes: &[u8], limits: &PdfLimits) -> Result<(), FieldError> {
    let version = bytes.get(5..8).ok_or_else(|| invalid("header"))?;
    let known = matches!(version, [b'1', b'.', b'0'..=b'7'] | b"2.0");
    if !bytes.starts_with(b"%PDF-") || !known {
        return Err(invalid("header"));
    }
    let tail_at = bytes.len().saturating_sub(EOF_WINDOW);
    if find(&bytes[tail_at..], b"%%EOF").is_none() {
        return Err(invalid("eof"));
    }
    check_startxref(bytes)?;
    // An encrypted file's streams are ciphertext: nothing further can be checked, and the
    // officer could not read it either.
    if has_name(bytes, b"/Encrypt") {
        return Err(FieldError::new(FIELD, "pdf_encrypted"));
    }
    let mut found_page = has_page(bytes);
    let mut budget = limits.max_inflated;
    for stream in Streams::new(bytes) {
        let stream = stream?;
        if !stream.flate {
            continue;
        }
        let out = match decompress_to_vec_zlib_with_limit(stream.data, budget) {
            Ok(out) => out,
            Err(e) if e.status == TINFLStatus::HasMoreOutput => {
                return Err(bomb(limits, e.output.len(), stream.data.len()));
            }
            Err(_) => return Err(invalid("stream")),
        };
        let ratio = out.len() / stream.data.len().max(1);
        if out.len() > limits.ratio_floor && ratio > limits.max_ratio {
            return Err(bomb(limits, out.len(), stream.data.len()));
        }
        budget = budget.saturating_sub(out.len());
        // Page objects of PDF 1.5 and later may sit in compressed object streams.
        found_page = found_page || has_page(&out);
    }
    if !found_page {
        return Err(invalid("pages"));
    }
    Ok(())
}

fn bomb(limits: &PdfLimits, inflated: usize, compressed: usize) -> FieldError {
    FieldError::new(FIELD, "pdf_bomb")
        .with("limit", limits.max_inflated)
        .with("size", inflated)
        .with("ratio", inflated / compressed.max(1))
}

/// The last `startxref` must point at a cross-reference table or a cross-reference stream.
fn check_startxref(bytes: &[u8]) -> Result<(), FieldError> {
    let at = rfind(bytes, b"startxref").ok_or_else(|| invalid("startxref"))?;
    let rest = skip_ws(&bytes[at + b"startxref".len()..]);
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 15 {
        return Err(invalid("startxref"));
    }
    let offset: usize = std::str::from_utf8(&rest[..digits])
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid("startxref"))?;
    let target = bytes.get(offset..).ok_or_else(|| invalid("xref"))?;
    let target = skip_ws(target);
    if target.starts_with(b"xref") {
        return Ok(());
    }
    // `N G obj << /Type /XRef ... >> stream`
    let (_, after) = object_header(target).ok_or_else(|| invalid("xref"))?;
    let dict_end = find(after, b"stream").ok_or_else(|| invalid("xref"))?;
    if name_value(&after[..dict_end], b"/Type").is_some_and(|v| v == b"/XRef") {
        Ok(())
    } else {
        Err(invalid("xref"))
    }
}

/// Parses `N G obj` at the start of `b`; returns the object number and what follows.
fn object_header(b: &[u8]) -> Option<(u64, &[u8])> {
    let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if n == 0 || n > 10 {
        return None;
    }
    let num = std::str::from_utf8(&b[..n]).ok()?.parse().ok()?;
    let rest = &b[n..];
    let rest_ws = skip_ws(rest);
    if rest_ws.len() == rest.len() {
        return None;
    }
    let g = rest_ws.iter().take_while(|c| c.is_ascii_digit()).count();
    if g == 0 {
        return None;
    }
    let rest = skip_ws(&rest_ws[g..]);
    rest.strip_prefix(b"obj").map(|r| (num, r))
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

fn is_delimiter(b: u8) -> bool {
    is_ws(b)
        || matches!(
            b,
            b'/' | b'[' | b']' | b'<' | b'>' | b'(' | b')' | b'{' | b'}' | b'%'
        )
}

fn skip_ws(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| is_ws(**c)).count();
    &b[n..]
}

/// Whether the name `name` (with its slash) occurs as a whole name.
fn has_name(b: &[u8], name: &[u8]) -> bool {
    name_positions(b, name).next().is_some()
}

fn name_positions<'a>(b: &'a [u8], name: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(i) = find(&b[from..], name) {
            let at = from + i;
            from = at + 1;
            let end = at + name.len();
            if b.get(end).is_none_or(|c| is_delimiter(*c)) {
                return Some(end);
            }
        }
        None
    })
}

/// The name that follows the key `key` in a dictionary, e.g. `/XRef` after `/Type`.
fn name_value<'a>(dict: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let end = name_positions(dict, key).next()?;
    name_at(skip_ws(&dict[end..]))
}

fn name_at(b: &[u8]) -> Option<&[u8]> {
    if b.first() != Some(&b'/') {
        return None;
    }
    let n = 1 + b[1..].iter().take_while(|c| !is_delimiter(**c)).count();
    Some(&b[..n])
}

/// Whether `b` holds a page object: `/Type /Page`, not `/Pages`.
fn has_page(b: &[u8]) -> bool {
    name_positions(b, b"/Type").any(|end| name_at(skip_ws(&b[end..])) == Some(b"/Page"))
}

struct Stream<'a> {
    flate: bool,
    data: &'a [u8],
}

/// The streams of a file, found by their `stream` keyword, each with the dictionary of the
/// object it belongs to.
struct Streams<'a> {
    bytes: &'a [u8],
    from: usize,
}

impl<'a> Streams<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, from: 0 }
    }
}

/// How far before its `stream` keyword an object's header is looked for.
const DICT_WINDOW: usize = 64 * 1024;

impl<'a> Iterator for Streams<'a> {
    type Item = Result<Stream<'a>, FieldError>;

    fn next(&mut self) -> Option<Self::Item> {
        let b = self.bytes;
        loop {
            // An object's header is not looked for before the previous `stream` keyword, so
            // that a file of many streams is scanned once, not once per stream.
            let floor = self.from;
            let at = self.from + find(&b[self.from..], b"stream")?;
            let mut data_at = at + b"stream".len();
            self.from = data_at;
            // `endstream` contains `stream`; a keyword ends its line.
            if at >= 3 && &b[at - 3..at] == b"end" {
                continue;
            }
            match b.get(data_at) {
                Some(b'\n') => data_at += 1,
                Some(b'\r') if b.get(data_at + 1) == Some(&b'\n') => data_at += 2,
                Some(b'\r') => data_at += 1,
                _ => continue,
            }
            let window = &b[at.saturating_sub(DICT_WINDOW).max(floor)..at];
            let Some(obj) = rfind(window, b"obj") else {
                continue;
            };
            let dict = &window[obj..];
            // A direct /Length that lands on `endstream` is believed: the data may itself
            // contain the word. Otherwise the first `endstream` ends it.
            if let Some(len) = direct_length(dict)
                && let Some(data) = b.get(data_at..data_at.saturating_add(len))
                && skip_ws(&b[data_at + len..]).starts_with(b"endstream")
            {
                self.from = data_at + len;
                return Some(Ok(Stream {
                    flate: first_filter_is_flate(dict),
                    data,
                }));
            }
            let Some(end) = find(&b[data_at..], b"endstream") else {
                return Some(Err(invalid("stream")));
            };
            let mut data = &b[data_at..data_at + end];
            // The end-of-line before `endstream` is not data.
            if let Some(d) = data.strip_suffix(b"\n") {
                data = d;
            }
            if let Some(d) = data.strip_suffix(b"\r") {
                data = d;
            }
            self.from = data_at + end + b"endstream".len();
            return Some(Ok(Stream {
                flate: first_filter_is_flate(dict),
                data,
            }));
        }
    }
}

/// The stream's `/Length` when it is a number, not a reference (`5 0 R`) to one.
fn direct_length(dict: &[u8]) -> Option<usize> {
    let end = name_positions(dict, b"/Length").next()?;
    let v = skip_ws(&dict[end..]);
    let n = v.iter().take_while(|c| c.is_ascii_digit()).count();
    if n == 0 || n > 15 {
        return None;
    }
    let rest = skip_ws(&v[n..]);
    // `5 0 R`: a reference, its value is elsewhere.
    if rest.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(&v[..n]).ok()?.parse().ok()
}

/// Only a stream whose first filter is Flate starts with zlib data; later filters apply to what
/// the earlier ones produce.
fn first_filter_is_flate(dict: &[u8]) -> bool {
    let Some(end) = name_positions(dict, b"/Filter").next() else {
        return false;
    };
    let mut v = skip_ws(&dict[end..]);
    if let Some(inner) = v.strip_prefix(b"[") {
        v = skip_ws(inner);
    }
    name_at(v) == Some(b"/FlateDecode")
}
