//! Arbitrary bytes never panic the checks, and what passes is what its magic number says.

mod common;

use common::*;
use documents::{MediaType, check_upload, safe_file_name};
use domain::policy::DocumentKind;
use proptest::prelude::*;

fn assert_consistent(bytes: &[u8], kind: DocumentKind) {
    let mut u = upload(kind, "file", bytes);
    u.declared_date = Some(date(2026, 10, 1));
    match check_upload(&u, &limits(), today()) {
        Ok(c) => {
            assert!(bytes.starts_with(c.media_type.magic()));
            assert_eq!(MediaType::sniff(bytes), Some(c.media_type));
            assert_eq!(c.size, bytes.len() as u64);
        }
        Err(e) => {
            assert!(!e.is_empty());
            for e in e {
                assert!(documents::REFUSAL_CODES.contains(&e.code), "{}", e.code);
                assert_eq!(e.field, "file");
            }
        }
    }
}

fn prefixes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(Vec::new()),
        Just(b"%PDF-1.7\n".to_vec()),
        Just(b"%PDF-2.0".to_vec()),
        Just(vec![0xFF, 0xD8, 0xFF]),
        Just(vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]),
    ]
}

/// Fragments of PDF syntax, so that random files reach the parser's deeper paths.
fn pdf_tokens() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            Just(b"startxref\n".to_vec()),
            Just(b"xref\n".to_vec()),
            Just(b"%%EOF\n".to_vec()),
            Just(b"1 0 obj << /Filter /FlateDecode /Length 5 >>\nstream\n".to_vec()),
            Just(b"\nendstream endobj\n".to_vec()),
            Just(b"/Type /Page ".to_vec()),
            Just(b"/Type /XRef".to_vec()),
            Just(b"/Encrypt".to_vec()),
            Just(b"[ /FlateDecode".to_vec()),
            Just(vec![0x78, 0x9c]),
            prop::collection::vec(any::<u8>(), 0..16),
            (0u32..5000).prop_map(|n| n.to_string().into_bytes()),
        ],
        0..40,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn arbitrary_bytes_are_refused_or_match_their_magic(
        prefix in prefixes(),
        rest in prop::collection::vec(any::<u8>(), 0..2048),
        photo in any::<bool>(),
    ) {
        let bytes = [prefix, rest].concat();
        let kind = if photo { DocumentKind::Photo } else { DocumentKind::Passport };
        assert_consistent(&bytes, kind);
    }

    #[test]
    fn pdf_shaped_noise_never_panics(tokens in pdf_tokens()) {
        let bytes = [b"%PDF-1.4\n".as_slice(), &tokens].concat();
        assert_consistent(&bytes, DocumentKind::Passport);
    }

    #[test]
    fn a_valid_pdf_with_bytes_changed_never_panics(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = simple_pdf();
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        let len = bytes.len();
        bytes.truncate(len - cut.index(len / 4));
        assert_consistent(&bytes, DocumentKind::Passport);
    }

    #[test]
    fn a_name_is_refused_or_safe(name in "\\PC{0,240}|[a-z./\\\\]{0,20}") {
        if let Ok(safe) = safe_file_name(&name) {
            prop_assert!(!safe.is_empty());
            prop_assert!(safe.chars().count() <= documents::MAX_NAME_CHARS);
            prop_assert!(!safe.contains(['/', '\\', '"', '\0']));
            prop_assert!(!safe.contains(".."));
            prop_assert!(!safe.starts_with('.'));
            prop_assert!(!safe.chars().any(char::is_control));
        }
    }
}
