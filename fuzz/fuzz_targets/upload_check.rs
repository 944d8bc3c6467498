//! Any bytes as an uploaded document, under any file name and declared type: the check answers
//! with a verdict, never a panic, and a file it accepts is a PDF, JPEG or PNG whose bytes say so.
#![no_main]

use chrono::NaiveDate;
use documents::{Limits, MediaType, Upload, check_upload};
use domain::policy::DocumentKind;
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 5] = ["passport.pdf", "photo.jpg", "scan.png", "../../etc/passwd", "a\u{0}b.pdf"];
const TYPES: [Option<&str>; 4] = [None, Some("application/pdf"), Some("image/jpeg"), Some("image/png")];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let kind = DocumentKind::ALL[usize::from(selector) % DocumentKind::ALL.len()];
    let upload = Upload {
        kind,
        file_name: NAMES[usize::from(selector >> 3) % NAMES.len()],
        declared_type: TYPES[usize::from(selector >> 5) % TYPES.len()],
        bytes,
        declared_date: NaiveDate::from_ymd_opt(2026, 11, 1),
        already_stored: 0,
    };
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    if let Ok(checked) = check_upload(&upload, &Limits::default(), today) {
        let magic_ok = match checked.media_type {
            MediaType::Pdf => bytes.starts_with(b"%PDF-"),
            MediaType::Jpeg => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
            MediaType::Png => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        };
        assert!(magic_ok, "accepted as {:?} without its signature", checked.media_type);
        assert!(!checked.safe_name.contains('/') && !checked.safe_name.contains('\0'));
    }
});
