//! Files built by hand for the checks: small PDFs with correct cross-reference offsets, and
//! images encoded at a chosen size.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Cursor;

use chrono::NaiveDate;
use documents::{Limits, Upload};
use domain::FieldError;
use domain::policy::DocumentKind;

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The national policy's date rules, spelt out.
pub fn limits() -> Limits {
    Limits {
        valid_months: BTreeMap::from([
            (DocumentKind::NoCriminalRecord, 6),
            (DocumentKind::MedicalReport, 6),
            (DocumentKind::Photo, 6),
        ]),
        ..Limits::default()
    }
}

pub fn upload<'a>(kind: DocumentKind, name: &'a str, bytes: &'a [u8]) -> Upload<'a> {
    Upload {
        kind,
        file_name: name,
        declared_type: None,
        bytes,
        declared_date: None,
        already_stored: 0,
    }
}

pub fn codes(errors: &[FieldError]) -> Vec<&'static str> {
    errors.iter().map(|e| e.code).collect()
}

pub fn param<'a>(e: &'a FieldError, name: &str) -> Option<&'a str> {
    e.params
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.as_str())
}

/// A PDF of the given object bodies (numbered from 1, object 1 the catalog), with a classic
/// cross-reference table and trailer.
pub fn pdf_with_trailer(objects: &[Vec<u8>], trailer_extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R{trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

pub fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    pdf_with_trailer(objects, "")
}

pub fn catalog_and_page() -> Vec<Vec<u8>> {
    vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec(),
    ]
}

pub fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut s = format!("<< /Length {}{dict} >>\nstream\n", data.len()).into_bytes();
    s.extend_from_slice(data);
    s.extend_from_slice(b"\nendstream");
    s
}

pub fn flate_stream(data: &[u8]) -> Vec<u8> {
    stream(
        " /Filter /FlateDecode",
        &miniz_oxide::deflate::compress_to_vec_zlib(data, 9),
    )
}

/// A one-page PDF whose content stream is deflated.
pub fn simple_pdf() -> Vec<u8> {
    let mut objects = catalog_and_page();
    objects.push(flate_stream(b"BT /F1 12 Tf 72 770 Td (Hello) Tj ET"));
    pdf(&objects)
}

pub fn image(format: image::ImageFormat, width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb([200, 180, 160]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    image(image::ImageFormat::Png, width, height)
}

pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    image(image::ImageFormat::Jpeg, width, height)
}
