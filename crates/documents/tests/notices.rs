//! The notices as a reader and a verifier meet them: rendered to PNG and text by poppler
//! (`pdftoppm`, `pdftotext`), the seal read back from the rendered page, a byte changed anywhere
//! refused, the layout guarded by golden snapshots, awkward data still laid out.
//!
//! The poppler checks run where its tools are installed, and are required where
//! ONECARD_PDF_TESTS=required (CI); elsewhere they say that they were skipped.

use credential::{DocumentSeal, Issuer, IssuerKey, KeyEntry, KeySet};
use documents::notice::{self, Notice, NoticeKind, NoticeVerdict};
use std::path::{Path, PathBuf};
use std::process::Command;

const T0: i64 = 1_790_000_000;

fn key() -> IssuerKey {
    IssuerKey::from_seed(&[7; 32])
}

fn keys() -> KeySet {
    KeySet {
        issuer: "CN-MOHRSS".into(),
        issued_at: T0,
        expires_at: T0 + 1,
        entries: vec![KeyEntry::new(key().public(), 0, None)],
    }
}

/// The notice's body and its sealed file.
fn sealed(n: &Notice) -> (Vec<u8>, Vec<u8>) {
    let body = notice::render(n);
    let seal = DocumentSeal::new(
        Issuer::parse("CN-MOHRSS").unwrap(),
        T0,
        &n.number,
        n.kind.code(),
        &body,
        None,
    )
    .expect("a plain number");
    let file = notice::attach_seal(&body, &seal.sign(&key())).expect("sealed");
    (body, file)
}

fn poppler() -> bool {
    let here = Command::new("pdftotext").arg("-v").output().is_ok()
        && Command::new("pdftoppm").arg("-v").output().is_ok();
    if !here {
        assert!(
            !std::env::var("ONECARD_PDF_TESTS").is_ok_and(|v| v == "required"),
            "ONECARD_PDF_TESTS=required but pdftotext or pdftoppm is missing (poppler-utils)"
        );
        eprintln!("skipped: poppler-utils (pdftotext, pdftoppm) is not installed");
    }
    here
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("onecard-notices-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text_of(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 text")
}

/// Text with every white space removed: lines wrap wherever the width ends.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn pages_of(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a page count")
}

#[test]
fn every_notice_reads_in_both_languages() {
    if !poppler() {
        return;
    }
    let dir = scratch("text");
    for kind in NoticeKind::ALL {
        let n = notice::sample(kind);
        let (_, file) = sealed(&n);
        assert!(file.len() < 200 * 1024, "{kind:?}: {} bytes", file.len());
        let path = dir.join(format!("{}.pdf", kind.code()));
        std::fs::write(&path, &file).unwrap();
        let text = squash(&text_of(&path));
        let (zh, en) = kind.title();
        let mut expected = vec![
            zh.to_string(),
            en.to_string(),
            n.number.clone(),
            n.holder.name.clone(),
            n.holder.passport_number.clone(),
            n.employer.name.clone(),
            n.employer.uscc.clone(),
            n.authority.zh.clone(),
            n.authority.en.clone(),
            "姓名".into(),
            "Name".into(),
            "用人单位".into(),
            "Employer".into(),
            "扫码验证".into(),
            "Scan to verify".into(),
            "Page 1 of".into(),
        ];
        if let Some(p) = &n.permit {
            expected.extend([p.number.clone(), p.position.clone(), "工作许可证号".into()]);
        }
        if let Some(a) = &n.application {
            expected.push(a.receipt_number.clone());
        }
        expected.extend(n.reasons.iter().cloned());
        for want in expected {
            assert!(
                text.contains(&squash(&want)),
                "{kind:?} lacks {want:?}:\n{text}"
            );
        }
        assert_eq!(pages_of(&path), 1, "{kind:?} fits one page");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_seal_read_from_the_rendered_page_verifies() {
    if !poppler() {
        return;
    }
    let dir = scratch("seal");
    for kind in [NoticeKind::NotificationLetter, NoticeKind::RefusalDecision] {
        let n = notice::sample(kind);
        let (body, file) = sealed(&n);
        let pdf = dir.join("notice.pdf");
        std::fs::write(&pdf, &file).unwrap();
        let out = Command::new("pdftoppm")
            .args(["-r", "150", "-f", "1", "-l", "1", "-png", "-singlefile"])
            .arg(&pdf)
            .arg(dir.join("page"))
            .output()
            .expect("pdftoppm runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let png = std::fs::read(dir.join("page.png")).expect("the page as PNG");
        let texts = credential::texts_in_image(&png).expect("a code on the page");
        assert_eq!(texts.len(), 1, "one code: {texts:?}");
        let seal = credential::verify_seal(&texts[0], &keys(), T0 + 86_400).expect("it verifies");
        assert_eq!(seal.number(), n.number);
        assert_eq!(seal.kind(), kind.code());
        assert!(seal.matches(&body), "the code binds the rendered body");
        // And the file itself, checked whole.
        let from_file = notice::verify_notice(&file, &keys(), T0 + 86_400).expect("file verifies");
        assert_eq!(from_file, seal);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn one_byte_changed_anywhere_is_refused() {
    let (_, file) = sealed(&notice::sample(NoticeKind::DecisionNotice));
    assert!(notice::verify_notice(&file, &keys(), T0).is_ok());
    // Every 89th byte through the file, and every byte of its last 600 (the seal's part).
    let positions = (0..file.len())
        .step_by(89)
        .chain(file.len().saturating_sub(600)..file.len());
    let mut checked = 0;
    for at in positions {
        let mut altered = file.clone();
        altered[at] ^= 0x01;
        let verdict = notice::verify_notice(&altered, &keys(), T0);
        assert!(verdict.is_err(), "byte {at} changed and still valid");
        checked += 1;
    }
    assert!(checked > 600);
    // Bytes added at the end, or the file cut short: refused too.
    let mut longer = file.clone();
    longer.extend_from_slice(b"\n%");
    assert!(notice::verify_notice(&longer, &keys(), T0).is_err());
    assert!(notice::verify_notice(&file[..file.len() - 1], &keys(), T0).is_err());
    // A notice sealed by a key the issuer did not publish.
    let body = notice::render(&notice::sample(NoticeKind::DecisionNotice));
    let n = notice::sample(NoticeKind::DecisionNotice);
    let forged = DocumentSeal::new(
        Issuer::parse("CN-MOHRSS").unwrap(),
        T0,
        &n.number,
        n.kind.code(),
        &body,
        None,
    )
    .unwrap()
    .sign(&IssuerKey::from_seed(&[9; 32]));
    let forged = notice::attach_seal(&body, &forged).unwrap();
    assert!(matches!(
        notice::verify_notice(&forged, &keys(), T0),
        Err(NoticeVerdict::Refused(
            credential::Verdict::UnknownKey { .. }
        ))
    ));
    // The body alone, or any other PDF, carries no seal.
    assert_eq!(
        notice::verify_notice(&body, &keys(), T0),
        Err(NoticeVerdict::NotSealed)
    );
    assert_eq!(
        notice::verify_notice(b"%PDF-1.7\n", &keys(), T0),
        Err(NoticeVerdict::NotSealed)
    );
}

#[test]
fn the_same_notice_gives_the_same_bytes() {
    for kind in NoticeKind::ALL {
        let n = notice::sample(kind);
        assert_eq!(sealed(&n), sealed(&n), "{kind:?}");
    }
    // And another notice gives others.
    let a = notice::render(&notice::sample(NoticeKind::NotificationLetter));
    let mut other = notice::sample(NoticeKind::NotificationLetter);
    other.holder.name = "MÜLLER Annette".into();
    assert_ne!(a, notice::render(&other));
}

/// Odd data: a 200-character employer name with and without spaces, a Chinese name where the
/// passport number goes, long reasons over several pages, a character no font has, empty fields.
fn awkward() -> Notice {
    let mut n = notice::sample(NoticeKind::RefusalDecision);
    n.employer.name = "Zhongguancun International Advanced Materials and Biotechnology \
        Research and Development Consortium for Sustainable Industrial Innovation and \
        Talent Exchange Limited Liability Company"
        .chars()
        .cycle()
        .take(200)
        .collect();
    n.holder.passport_number = "张伟明护照号码".into();
    n.holder.name = "X".repeat(120);
    n.holder.nationality = String::new();
    n.reasons = (1..=40)
        .map(|i| {
            format!(
                "Reason {i}: 申请材料第{i}项与登记信息不一致，the document does not match the \
                 record held by the authority 😀"
            )
        })
        .collect();
    n
}

#[test]
fn awkward_data_still_lays_out() {
    let n = awkward();
    assert_eq!(n.employer.name.chars().count(), 200);
    let layout = notice::describe(&n);
    let pages = layout.matches("page ").count();
    assert!(pages >= 2, "long reasons run over pages: {pages}");
    for line in layout.lines().filter(|l| l.starts_with("  text ")) {
        let mut parts = line.split_whitespace().skip(1);
        let x: f32 = parts.next().unwrap().parse().unwrap();
        let y: f32 = parts.next().unwrap().parse().unwrap();
        assert!((20.0..575.0).contains(&x), "off the page: {line}");
        assert!((20.0..830.0).contains(&y), "off the page: {line}");
    }
    let (_, file) = sealed(&n);
    assert!(file.len() < 200 * 1024, "{} bytes", file.len());
    assert!(notice::verify_notice(&file, &keys(), T0).is_ok());
    if !poppler() {
        return;
    }
    let dir = scratch("awkward");
    let path = dir.join("awkward.pdf");
    std::fs::write(&path, &file).unwrap();
    let text = squash(&text_of(&path));
    for want in [&n.employer.name, &n.holder.passport_number, &n.reasons[39]] {
        let want = squash(want).replace('😀', "?");
        assert!(text.contains(&want), "lacks {want:?}");
    }
    assert_eq!(pages_of(&path), pages);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The layout of each sample notice, against its snapshot in `tests/golden/`. After a deliberate
/// change of layout: `ONECARD_BLESS=1 cargo test -p documents --test notices golden`.
#[test]
fn golden_layouts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let bless = std::env::var("ONECARD_BLESS").is_ok_and(|v| v == "1");
    let mut differ = Vec::new();
    for kind in NoticeKind::ALL {
        let path = dir.join(format!("{}.txt", kind.code()));
        let now = notice::describe(&notice::sample(kind));
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &now).unwrap();
            continue;
        }
        let then = std::fs::read_to_string(&path).unwrap_or_default();
        if then != now {
            differ.push(kind.code());
        }
    }
    assert!(
        differ.is_empty(),
        "layouts differ from tests/golden: {differ:?}; if meant, bless them \
         (ONECARD_BLESS=1 cargo test -p documents --test notices golden) and commit"
    );
}
