//! Each refusal of an uploaded file, and the files that pass.

mod common;

use common::*;
use documents::{Limits, MediaType, PdfLimits, check_upload, safe_file_name};
use domain::policy::{DocumentKind, Policy};

use DocumentKind::{ApplicationForm, MedicalReport, NoCriminalRecord, Passport, Photo};

fn refused(u: &documents::Upload<'_>) -> Vec<domain::FieldError> {
    check_upload(u, &limits(), today()).expect_err("refused")
}

// ---- accepted files ----

#[test]
fn a_one_page_pdf_passes_with_its_hash_and_name() {
    let bytes = simple_pdf();
    let mut u = upload(ApplicationForm, "  Application form.PDF ", &bytes);
    u.declared_type = Some("application/pdf");
    let c = check_upload(&u, &limits(), today()).unwrap();
    assert_eq!(c.media_type, MediaType::Pdf);
    assert_eq!(c.size, bytes.len() as u64);
    assert_eq!(c.safe_name, "Application form.PDF");
    assert_eq!(c.dimensions, None);
    assert_eq!(c.sha256_hex().len(), 64);
    assert_ne!(c.sha256, [0; 32]);
}

#[test]
fn a_pdf_with_an_xref_stream_and_its_page_in_an_object_stream_passes() {
    // The page dictionary is only inside the compressed object stream.
    let objstm = "3 0 << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".repeat(8);
    let objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        stream(
            " /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
            &miniz_oxide::deflate::compress_to_vec_zlib(objstm.as_bytes(), 6),
        ),
    ];
    let mut out = b"%PDF-1.5\n".to_vec();
    for (i, body) in objects.iter().enumerate() {
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref_at = out.len();
    out.extend_from_slice(b"5 0 obj\n");
    out.extend_from_slice(&stream(
        " /Type /XRef /Size 6 /W [1 2 1] /Root 1 0 R",
        &[0; 20],
    ));
    out.extend_from_slice(format!("\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    assert!(!String::from_utf8_lossy(&out).contains("/Type /Page "));
    let c = check_upload(&upload(Passport, "p.pdf", &out), &limits(), today()).unwrap();
    assert_eq!(c.media_type, MediaType::Pdf);
}

#[test]
fn a_generic_declared_type_and_a_name_without_extension_say_nothing() {
    let bytes = simple_pdf();
    let mut u = upload(Passport, "passport", &bytes);
    u.declared_type = Some("application/octet-stream");
    assert!(check_upload(&u, &limits(), today()).is_ok());
}

#[test]
fn a_passport_scan_as_jpeg_passes_with_its_size() {
    let bytes = jpeg(800, 600);
    let mut u = upload(Passport, "scan.jpg", &bytes);
    u.declared_type = Some("image/jpeg");
    let c = check_upload(&u, &limits(), today()).unwrap();
    assert_eq!(c.media_type, MediaType::Jpeg);
    assert_eq!(c.dimensions, Some((800, 600)));
}

#[test]
fn a_passport_photo_passes_as_png_and_as_jpeg() {
    for (bytes, name, t) in [
        (png(354, 472), "me.png", MediaType::Png),
        (jpeg(413, 531), "me.jpeg", MediaType::Jpeg),
    ] {
        let mut u = upload(Photo, name, &bytes);
        u.declared_date = Some(date(2026, 10, 1));
        let c = check_upload(&u, &limits(), today()).unwrap();
        assert_eq!(c.media_type, t);
    }
}

// ---- size, emptiness, type ----

#[test]
fn an_empty_file_is_refused() {
    assert_eq!(
        codes(&refused(&upload(Passport, "a.pdf", b""))),
        ["file_empty"]
    );
}

#[test]
fn a_file_over_the_limit_is_refused_with_the_limit() {
    let bytes = simple_pdf();
    let small = Limits {
        max_file_bytes: 100,
        ..limits()
    };
    let e = check_upload(&upload(Passport, "a.pdf", &bytes), &small, today()).unwrap_err();
    assert_eq!(codes(&e), ["file_too_large"]);
    assert_eq!(param(&e[0], "limit"), Some("100"));
}

#[test]
fn a_file_over_what_the_application_may_still_take_is_refused() {
    let bytes = simple_pdf();
    let mut u = upload(Passport, "a.pdf", &bytes);
    u.already_stored = limits().max_application_bytes - 10;
    let e = refused(&u);
    assert_eq!(codes(&e), ["upload_total_too_large"]);
    assert_eq!(
        param(&e[0], "limit"),
        Some(limits().max_application_bytes.to_string().as_str())
    );
}

#[test]
fn a_file_claiming_to_be_a_pdf_but_not_one_is_refused() {
    let mut u = upload(Passport, "passport.pdf", b"MZ\x90\x00 this is a program");
    u.declared_type = Some("application/pdf");
    let e = refused(&u);
    assert_eq!(codes(&e), ["file_type_unsupported"]);
    assert_eq!(param(&e[0], "allowed"), Some("pdf, jpeg, png"));
}

#[test]
fn a_pdf_named_or_declared_as_an_image_is_a_mismatch() {
    let bytes = simple_pdf();
    let e = refused(&upload(Passport, "scan.jpg", &bytes));
    assert_eq!(codes(&e), ["file_type_mismatch"]);
    assert_eq!(param(&e[0], "actual"), Some("pdf"));

    let mut u = upload(Passport, "scan.pdf", &bytes);
    u.declared_type = Some("image/png");
    assert_eq!(codes(&refused(&u)), ["file_type_mismatch"]);

    let e = refused(&upload(Passport, "scan.exe", &bytes));
    assert_eq!(codes(&e), ["file_type_mismatch"]);
    assert_eq!(param(&e[0], "declared"), Some("exe"));
}

#[test]
fn a_photo_must_be_an_image() {
    let bytes = simple_pdf();
    let mut u = upload(Photo, "me.pdf", &bytes);
    u.declared_date = Some(date(2026, 10, 1));
    let e = refused(&u);
    assert_eq!(codes(&e), ["file_type_unsupported"]);
    assert_eq!(param(&e[0], "allowed"), Some("jpeg, png"));
}

// ---- polyglots ----

#[test]
fn a_pdf_carrying_a_zip_is_refused() {
    let mut bytes = simple_pdf();
    bytes.extend_from_slice(b"PK\x05\x06\0\0\0\0\x01\0\x01\0\0\0\0\0\0\0\0\0\0\0");
    let e = refused(&upload(Passport, "a.pdf", &bytes));
    assert_eq!(codes(&e), ["file_polyglot"]);
    assert_eq!(param(&e[0], "other"), Some("zip"));

    let mut bytes = simple_pdf();
    let at = bytes.len() / 2;
    bytes.splice(at..at, b"PK\x03\x04\x14\x00\x00\x00".iter().copied());
    assert_eq!(
        codes(&refused(&upload(Passport, "a.pdf", &bytes))),
        ["file_polyglot"]
    );
}

#[test]
fn an_image_carrying_a_pdf_or_html_is_refused() {
    let mut bytes = png(800, 600);
    bytes.extend_from_slice(&simple_pdf());
    let e = refused(&upload(Passport, "a.png", &bytes));
    assert_eq!(codes(&e), ["file_polyglot"]);
    assert_eq!(param(&e[0], "other"), Some("pdf"));

    let mut bytes = jpeg(800, 600);
    bytes.extend_from_slice(b"<SCRIPT>alert(1)</script>");
    let e = refused(&upload(Passport, "a.jpg", &bytes));
    assert_eq!(param(&e[0], "other"), Some("html"));
}

// ---- names ----

#[test]
fn a_path_or_a_hidden_character_in_the_name_is_refused() {
    let bytes = simple_pdf();
    let long = format!("{}.pdf", "a".repeat(200));
    for (name, reason) in [
        ("../../etc/passwd.pdf", "path"),
        ("dir/a.pdf", "path"),
        ("C:\\temp\\a.pdf", "path"),
        ("a..pdf", "path"),
        ("", "empty"),
        ("   ", "empty"),
        (".", "empty"),
        ("...", "path"),
        ("a\0.pdf", "control"),
        ("a\n.pdf", "control"),
        ("invoice\u{202E}fdp.exe", "control"),
        (long.as_str(), "too_long"),
    ] {
        let e = refused(&upload(Passport, name, &bytes));
        assert_eq!(codes(&e), ["file_name_invalid"], "{name:?}");
        assert_eq!(param(&e[0], "reason"), Some(reason), "{name:?}");
    }
}

#[test]
fn a_name_is_kept_with_unsafe_characters_replaced() {
    assert_eq!(
        safe_file_name("my \"cv\": v2?.pdf").unwrap(),
        "my _cv__ v2_.pdf"
    );
    assert_eq!(safe_file_name(".hidden.pdf").unwrap(), "hidden.pdf");
    assert_eq!(safe_file_name("护照 扫描.pdf").unwrap(), "护照 扫描.pdf");
    assert!(safe_file_name(&"字".repeat(200)).is_ok());
}

// ---- PDF structure ----

#[test]
fn a_pdf_that_does_not_open_is_refused_with_the_reason() {
    let good = simple_pdf();
    let text = String::from_utf8_lossy(&good).into_owned();
    let no_eof = good[..good.len() - 6].to_vec();
    let bad_version = [b"%PDF-9.9".as_slice(), &good[8..]].concat();
    let no_startxref = text.replace("startxref", "startxre_").into_bytes();
    let xref_at = good.windows(6).position(|w| w == b"xref\n0").unwrap();
    let wrong_offset = text
        .replace(&format!("startxref\n{xref_at}"), "startxref\n12")
        .into_bytes();
    let beyond = text
        .replace(&format!("startxref\n{xref_at}"), "startxref\n99999999")
        .into_bytes();
    let no_pages = {
        let mut objects = catalog_and_page();
        objects[2] = b"<< /Type /Pages /Kids [] /Count 0 >>".to_vec();
        pdf(&objects)
    };
    let bad_flate = {
        let mut objects = catalog_and_page();
        objects.push(stream(
            " /Filter /FlateDecode",
            b"\x78\x9cnot deflate at all",
        ));
        pdf(&objects)
    };
    for (bytes, reason) in [
        (b"%PDF-1.4\nhello".to_vec(), "eof"),
        (b"%PDF-".to_vec(), "header"),
        (bad_version, "header"),
        (no_eof, "eof"),
        (no_startxref, "startxref"),
        (wrong_offset, "xref"),
        (beyond, "xref"),
        (no_pages, "pages"),
        (bad_flate, "stream"),
    ] {
        let e = refused(&upload(Passport, "a.pdf", &bytes));
        assert_eq!(codes(&e), ["pdf_invalid"], "{reason}");
        assert_eq!(param(&e[0], "reason"), Some(reason));
    }
}

#[test]
fn a_pdf_version_2_and_an_unfiltered_stream_open() {
    let mut objects = catalog_and_page();
    objects.push(stream("", b"BT ET"));
    let bytes = [b"%PDF-2.0".as_slice(), &pdf(&objects)[8..]].concat();
    assert!(check_upload(&upload(Passport, "a.pdf", &bytes), &limits(), today()).is_ok());
}

#[test]
fn an_encrypted_pdf_is_refused() {
    let mut objects = catalog_and_page();
    objects.push(stream("", b"ciphertext"));
    objects.push(b"<< /Filter /Standard /V 2 /R 3 /O (x) /U (y) /P -4 >>".to_vec());
    let bytes = pdf_with_trailer(&objects, " /Encrypt 5 0 R");
    assert_eq!(
        codes(&refused(&upload(Passport, "a.pdf", &bytes))),
        ["pdf_encrypted"]
    );
}

#[test]
fn a_zip_bomb_inside_a_pdf_is_refused_not_expanded() {
    let mut objects = catalog_and_page();
    objects.push(flate_stream(&vec![0u8; 3 * 1024 * 1024]));
    let bytes = pdf(&objects);
    assert!(bytes.len() < 10_000, "compressed to {}", bytes.len());
    let tight = Limits {
        pdf: PdfLimits {
            max_inflated: 1024 * 1024,
            ..PdfLimits::default()
        },
        ..limits()
    };
    let e = check_upload(&upload(Passport, "a.pdf", &bytes), &tight, today()).unwrap_err();
    assert_eq!(codes(&e), ["pdf_bomb"]);
    assert_eq!(param(&e[0], "limit"), Some("1048576"));
    let size: usize = param(&e[0], "size").unwrap().parse().unwrap();
    assert!(size <= 1024 * 1024, "inflated {size} before stopping");
    let ratio: usize = param(&e[0], "ratio").unwrap().parse().unwrap();
    assert!(ratio > 100);

    // Under the limit but compressed beyond any plausible document.
    let steep = Limits {
        pdf: PdfLimits {
            max_ratio: 100,
            ..PdfLimits::default()
        },
        ..limits()
    };
    let e = check_upload(&upload(Passport, "a.pdf", &bytes), &steep, today()).unwrap_err();
    assert_eq!(codes(&e), ["pdf_bomb"]);
}

#[test]
fn the_inflation_limit_counts_all_streams_together() {
    let mut objects = catalog_and_page();
    for _ in 0..3 {
        objects.push(flate_stream(&vec![b'q'; 400 * 1024]));
    }
    let bytes = pdf(&objects);
    let tight = Limits {
        pdf: PdfLimits {
            max_inflated: 1024 * 1024,
            ..PdfLimits::default()
        },
        ..limits()
    };
    let e = check_upload(&upload(Passport, "a.pdf", &bytes), &tight, today()).unwrap_err();
    assert_eq!(codes(&e), ["pdf_bomb"]);
    assert!(check_upload(&upload(Passport, "a.pdf", &bytes), &limits(), today()).is_ok());
}

// ---- images ----

#[test]
fn a_truncated_image_is_refused() {
    let bytes = png(400, 600);
    let e = refused(&upload(Passport, "a.png", &bytes[..20]));
    assert_eq!(codes(&e), ["image_invalid"]);
}

#[test]
fn a_photo_too_small_or_out_of_proportion_is_refused() {
    let mut cases = vec![
        (png(300, 400), vec!["photo_too_small"]),
        (png(354, 471), vec!["photo_too_small"]),
        (png(600, 600), vec!["photo_aspect"]),
        (png(300, 300), vec!["photo_too_small", "photo_aspect"]),
    ];
    cases.push((jpeg(354, 600), vec!["photo_aspect"]));
    for (bytes, expected) in cases {
        let mut u = upload(Photo, "me", &bytes);
        u.declared_date = Some(date(2026, 11, 1));
        assert_eq!(codes(&refused(&u)), expected);
    }
    let mut bytes = png(300, 400);
    let mut u = upload(Photo, "me.png", &bytes);
    u.declared_date = Some(date(2026, 11, 1));
    let e = refused(&u);
    assert_eq!(param(&e[0], "min_width"), Some("354"));
    assert_eq!(param(&e[0], "min_height"), Some("472"));
    // The bounds of the proportion are inclusive: 0.70 and 0.80.
    for (w, h) in [(420, 600), (480, 600)] {
        bytes = png(w, h);
        u = upload(Photo, "me.png", &bytes);
        u.declared_date = Some(date(2026, 11, 1));
        assert!(check_upload(&u, &limits(), today()).is_ok(), "{w}x{h}");
    }
}

// ---- dates ----

#[test]
fn a_photo_older_than_six_months_or_from_the_future_is_refused() {
    let bytes = png(354, 472);
    let mut u = upload(Photo, "me.png", &bytes);
    u.declared_date = Some(date(2026, 5, 23));
    let e = refused(&u);
    assert_eq!(codes(&e), ["photo_too_old"]);
    assert_eq!(param(&e[0], "earliest"), Some("2026-05-24"));
    assert_eq!(param(&e[0], "months"), Some("6"));

    u.declared_date = Some(date(2026, 5, 24));
    assert!(check_upload(&u, &limits(), today()).is_ok());

    u.declared_date = Some(date(2026, 11, 25));
    assert_eq!(codes(&refused(&u)), ["date_in_future"]);

    u.declared_date = None;
    assert_eq!(codes(&refused(&u)), ["document_date_required"]);
}

#[test]
fn certificates_and_medical_reports_are_valid_six_months() {
    let bytes = simple_pdf();
    for kind in [NoCriminalRecord, MedicalReport] {
        let mut u = upload(kind, "c.pdf", &bytes);
        u.declared_date = Some(date(2026, 5, 24));
        assert!(check_upload(&u, &limits(), today()).is_ok());
        u.declared_date = Some(date(2026, 5, 23));
        let e = refused(&u);
        assert_eq!(codes(&e), ["document_too_old"]);
        assert_eq!(param(&e[0], "date"), Some("2026-05-23"));
        assert_eq!(param(&e[0], "earliest"), Some("2026-05-24"));
        u.declared_date = Some(date(2027, 1, 1));
        assert_eq!(codes(&refused(&u)), ["date_in_future"]);
    }
}

#[test]
fn the_earliest_date_follows_month_ends_as_the_checklist_does() {
    // 28 Feb + 6 months is 28 Aug: too old on 31 Aug; the first accepted is 1 March.
    let bytes = simple_pdf();
    let mut u = upload(MedicalReport, "m.pdf", &bytes);
    u.declared_date = Some(date(2026, 2, 28));
    let e = check_upload(&u, &limits(), date(2026, 8, 31)).unwrap_err();
    assert_eq!(param(&e[0], "earliest"), Some("2026-03-01"));
    u.declared_date = Some(date(2026, 3, 1));
    assert!(check_upload(&u, &limits(), date(2026, 8, 31)).is_ok());
    // 31 Aug + 6 months clamps to 28 Feb: still valid that day.
    u.declared_date = Some(date(2026, 8, 31));
    assert!(check_upload(&u, &limits(), date(2027, 2, 28)).is_ok());
}

#[test]
fn every_failure_of_an_item_is_reported_together() {
    let bytes = png(300, 400);
    let mut u = upload(Photo, "../me.png", &bytes);
    u.declared_date = Some(date(2025, 1, 1));
    let e = refused(&u);
    assert_eq!(
        codes(&e),
        ["file_name_invalid", "photo_too_old", "photo_too_small"]
    );
    assert!(e.iter().all(|e| e.field == "file"));
}

#[test]
fn the_limits_take_the_policy_date_rules() {
    let l = Limits::for_rules(Policy::national_default().documents());
    assert_eq!(l.valid_months.get(&NoCriminalRecord), Some(&6));
    assert_eq!(l.valid_months.get(&MedicalReport), Some(&6));
    assert_eq!(l.valid_months.get(&Photo), Some(&6));
    assert_eq!(l.valid_months.get(&Passport), None);
}

#[test]
fn every_code_returned_is_listed() {
    for c in [
        "file_empty",
        "photo_too_small",
        "pdf_bomb",
        "document_date_required",
    ] {
        assert!(documents::REFUSAL_CODES.contains(&c));
    }
}

#[test]
fn a_file_of_many_empty_streams_is_read_once() {
    // Each stream's dictionary is looked for only back to the previous stream; otherwise this
    // file would take minutes.
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.extend_from_slice(&b"stream\nx\nendstream\n".repeat(200_000));
    let xref = bytes.len();
    bytes.extend_from_slice(format!("xref\n0 1\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    let e = refused(&upload(Passport, "a.pdf", &bytes));
    assert_eq!(codes(&e), ["pdf_invalid"]);
    assert_eq!(param(&e[0], "reason"), Some("pages"));
}

#[test]
fn a_stream_is_read_to_its_direct_length_even_if_its_data_says_endstream() {
    // Stored (uncompressed) deflate block whose content spells the keyword.
    let payload = b"q endstream Q";
    let mut stored = vec![0x78, 0x01, 0x01];
    stored.extend_from_slice(&(payload.len() as u16).to_le_bytes());
    stored.extend_from_slice(&(!(payload.len() as u16)).to_le_bytes());
    stored.extend_from_slice(payload);
    let adler = {
        let (mut a, mut b) = (1u32, 0u32);
        for &x in payload {
            a = (a + u32::from(x)) % 65521;
            b = (b + a) % 65521;
        }
        (b << 16) | a
    };
    stored.extend_from_slice(&adler.to_be_bytes());
    assert_eq!(
        miniz_oxide::inflate::decompress_to_vec_zlib(&stored).unwrap(),
        payload
    );
    let mut objects = catalog_and_page();
    objects.push(stream(" /Filter /FlateDecode", &stored));
    let bytes = pdf(&objects);
    assert!(check_upload(&upload(Passport, "a.pdf", &bytes), &limits(), today()).is_ok());
}

#[test]
fn short_byte_runs_that_occur_by_chance_in_compressed_data_are_not_polyglots() {
    // Found in a real PNG's image data.
    let mut bytes = png(800, 600);
    bytes.extend_from_slice(b"\xe4<%@5\x06\xd3 <svg\x01");
    assert!(check_upload(&upload(Passport, "a.png", &bytes), &limits(), today()).is_ok());
}
