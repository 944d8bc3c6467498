//! Documents, in both directions: the checks an uploaded checklist file passes before anything is
//! stored, and the official notices the service issues as sealed bilingual PDFs ([`notice`]).
//! Pure: the bytes, the limits and today's date come in, a verdict or a file goes out.
//!
//! A refusal is a [`FieldError`] on the field `file`, with a stable code and the values its
//! message needs; every check that applies is reported, so the employer sees all at once.

pub mod notice;
mod pdf;
mod photo;
mod sniff;

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use domain::FieldError;
use domain::policy::{DocumentKind, DocumentRules};
use sha2::{Digest, Sha256};

pub use pdf::PdfLimits;
pub use photo::{MIN_PHOTO_HEIGHT, MIN_PHOTO_WIDTH, PHOTO_ASPECT_PERCENT};
pub use sniff::{MAX_NAME_CHARS, MediaType, safe_file_name};

/// The field every refusal names.
pub const FIELD: &str = "file";

/// Every refusal code this crate returns, for the server's list of translated codes.
pub const REFUSAL_CODES: &[&str] = &[
    "file_empty",
    "file_too_large",
    "upload_total_too_large",
    "file_type_unsupported",
    "file_type_mismatch",
    "file_polyglot",
    "file_name_invalid",
    "pdf_invalid",
    "pdf_encrypted",
    "pdf_bomb",
    "image_invalid",
    "photo_too_small",
    "photo_aspect",
    "photo_too_old",
    "document_too_old",
    "document_date_required",
    "date_in_future",
];

/// One file for one checklist item, as the client sent it.
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    pub kind: DocumentKind,
    pub file_name: &'a str,
    /// The client's `Content-Type`, if it sent one.
    pub declared_type: Option<&'a str>,
    pub bytes: &'a [u8],
    /// The date the employer states: when the photo was taken, when the certificate or report
    /// was issued.
    pub declared_date: Option<NaiveDate>,
    /// Bytes the application's other files already take.
    pub already_stored: u64,
}

/// What uploads may be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub max_file_bytes: u64,
    /// All files of one application together.
    pub max_application_bytes: u64,
    pub pdf: PdfLimits,
    /// How many months after its date a document of a kind is accepted (the policy's
    /// `documents.valid_months`); a kind listed here must come with a date.
    pub valid_months: BTreeMap<DocumentKind, u32>,
}

impl Default for Limits {
    /// Size limits only; no date rules (see [`Limits::for_rules`]).
    fn default() -> Self {
        Self {
            max_file_bytes: 10 * 1024 * 1024,
            max_application_bytes: 50 * 1024 * 1024,
            pdf: PdfLimits::default(),
            valid_months: BTreeMap::new(),
        }
    }
}

impl Limits {
    /// The default size limits with the date rules of a policy.
    pub fn for_rules(rules: &DocumentRules) -> Self {
        Self {
            valid_months: rules.valid_months.clone(),
            ..Self::default()
        }
    }
}

/// A file that passed: what to store and serve it as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub media_type: MediaType,
    pub sha256: [u8; 32],
    pub size: u64,
    /// The client's name, safe to store and to put in a `Content-Disposition` header.
    pub safe_name: String,
    /// Width and height in pixels, for an image.
    pub dimensions: Option<(u32, u32)>,
}

impl Checked {
    pub fn sha256_hex(&self) -> String {
        self.sha256.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Checks one uploaded file for a checklist item. `Err` holds every refusal; nothing about the
/// file should be stored then.
pub fn check_upload(
    upload: &Upload<'_>,
    limits: &Limits,
    today: NaiveDate,
) -> Result<Checked, Vec<FieldError>> {
    let mut errors = Vec::new();
    let safe_name = match safe_file_name(upload.file_name) {
        Ok(n) => Some(n),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let content = check_bytes(upload, limits, safe_name.as_deref());
    errors.extend(check_date(upload, limits, today));
    match (content, safe_name) {
        (Ok((media_type, dimensions)), Some(safe_name)) if errors.is_empty() => Ok(Checked {
            media_type,
            sha256: Sha256::digest(upload.bytes).into(),
            size: upload.bytes.len() as u64,
            safe_name,
            dimensions,
        }),
        (content, _) => {
            if let Err(e) = content {
                errors.extend(e);
            }
            Err(errors)
        }
    }
}

type Content = (MediaType, Option<(u32, u32)>);

fn check_bytes(
    upload: &Upload<'_>,
    limits: &Limits,
    safe_name: Option<&str>,
) -> Result<Content, Vec<FieldError>> {
    let bytes = upload.bytes;
    let size = bytes.len() as u64;
    if bytes.is_empty() {
        return Err(vec![FieldError::new(FIELD, "file_empty")]);
    }
    // Too large: refused before any parsing.
    if size > limits.max_file_bytes {
        return Err(vec![
            FieldError::new(FIELD, "file_too_large")
                .with("limit", limits.max_file_bytes)
                .with("size", size),
        ]);
    }
    if upload.already_stored.saturating_add(size) > limits.max_application_bytes {
        return Err(vec![
            FieldError::new(FIELD, "upload_total_too_large")
                .with("limit", limits.max_application_bytes)
                .with("stored", upload.already_stored),
        ]);
    }
    let allowed: &[MediaType] = if upload.kind == DocumentKind::Photo {
        &[MediaType::Jpeg, MediaType::Png]
    } else {
        &MediaType::ALL
    };
    let unsupported = || {
        let names: Vec<_> = allowed.iter().map(MediaType::as_str).collect();
        vec![FieldError::new(FIELD, "file_type_unsupported").with("allowed", names.join(", "))]
    };
    let media_type = MediaType::sniff(bytes).ok_or_else(unsupported)?;
    if !allowed.contains(&media_type) {
        return Err(unsupported());
    }
    sniff::check_declared(media_type, upload.declared_type, safe_name.unwrap_or(""))
        .map_err(|e| vec![e])?;
    if let Some(other) = sniff::polyglot(media_type, bytes) {
        return Err(vec![
            FieldError::new(FIELD, "file_polyglot").with("other", other),
        ]);
    }
    match media_type {
        MediaType::Pdf => {
            pdf::check(bytes, &limits.pdf).map_err(|e| vec![e])?;
            Ok((media_type, None))
        }
        MediaType::Jpeg | MediaType::Png => {
            let (w, h) = photo::dimensions(media_type, bytes).map_err(|e| vec![e])?;
            if upload.kind == DocumentKind::Photo {
                let errors = photo::check_photo(w, h);
                if !errors.is_empty() {
                    return Err(errors);
                }
            }
            Ok((media_type, Some((w, h))))
        }
    }
}

/// The date rules: never in the future; within the kind's months where the policy sets them.
fn check_date(upload: &Upload<'_>, limits: &Limits, today: NaiveDate) -> Vec<FieldError> {
    let months = limits.valid_months.get(&upload.kind).copied();
    let Some(date) = upload.declared_date else {
        return match months {
            Some(_) => vec![FieldError::new(FIELD, "document_date_required")],
            None => Vec::new(),
        };
    };
    if date > today {
        return vec![FieldError::new(FIELD, "date_in_future").with("date", date)];
    }
    let Some(months) = months else {
        return Vec::new();
    };
    if today <= valid_until(date, months) {
        return Vec::new();
    }
    let code = if upload.kind == DocumentKind::Photo {
        "photo_too_old"
    } else {
        "document_too_old"
    };
    vec![
        FieldError::new(FIELD, code)
            .with("date", date)
            .with("earliest", earliest_accepted(today, months))
            .with("months", months),
    ]
}

/// A document dated D is accepted through D + months (as the policy's checklist counts it).
fn valid_until(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// The earliest date accepted today. Month arithmetic clamps to the month's end, so
/// `today - months` may be a few days off either way; step to the exact first date.
fn earliest_accepted(today: NaiveDate, months: u32) -> NaiveDate {
    let mut earliest = today
        .checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN);
    while valid_until(earliest, months) < today {
        match earliest.succ_opt() {
            Some(next) => earliest = next,
            None => break,
        }
    }
    while let Some(prev) = earliest.pred_opt() {
        if valid_until(prev, months) < today {
            break;
        }
        earliest = prev;
    }
    earliest
}
