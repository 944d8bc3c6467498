//! The QR image of a credential: drawn, read back from its pixels (rqrr), and verified; and the
//! QR version a full-profile permit takes, long values shortened to fit.

mod common;
use common::T0;
use credential::{IssuerKey, Kid, Matrix, Profile, Verdict, issue, qr, verify};

fn credential(employer: &str, position: &str, profile: Profile) -> (String, IssuerKey) {
    let key = common::key();
    let claims = common::claims(&common::permit(position), employer, profile);
    (issue(&claims, &key).unwrap(), key)
}

fn read_back(m: &Matrix) -> String {
    let (side, px) = m.pixels(3);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| px[y * side + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1);
    grids[0].decode().expect("readable").1
}

#[test]
fn the_drawn_code_reads_back_and_verifies() {
    for profile in [Profile::EmploymentCheck, Profile::Full] {
        let (text, key) = credential("北京中关村示例科技有限公司", "Data Scientist", profile);
        let m = Matrix::of(&text).unwrap();
        assert!(m.version <= 17, "{profile:?}: version {}", m.version);
        let scanned = read_back(&m);
        assert_eq!(scanned, text);
        let kid = key.kid().clone();
        let public = key.public();
        let lookup = move |k: &Kid| (*k == kid).then_some(public);
        assert!(
            matches!(verify(&scanned, &lookup, T0 + 5), Verdict::Valid { .. }),
            "{profile:?}"
        );
        eprintln!(
            "{profile:?}: {} characters, QR version {} ({} modules a side), SVG {} bytes",
            text.len(),
            m.version,
            m.size,
            m.svg().len()
        );
    }
}

#[test]
fn long_values_are_shortened_to_fit_version_17() {
    let employer =
        "中国科学院深圳先进技术研究院香港中文大学联合共建智能机器人自动化研究中心有限公司";
    let position = "Principal Machine Learning Research Engineer";
    let key = common::key();
    let claims = common::claims(&common::permit(position), employer, Profile::Full);
    // Unshortened, the code would need a larger version than DESIGN.md's 17.
    let full = qr::encode(&qr::sign(&claims, &key), qr::QR_COMPRESSION);
    let unshortened = Matrix::of(&full).unwrap();
    assert!(unshortened.version > 17, "{}", unshortened.version);
    let (text, _) = credential(employer, position, Profile::Full);
    let m = Matrix::of(&text).unwrap();
    eprintln!(
        "extreme full profile: {} characters, QR version {} unshortened; {} characters, version {} as issued",
        full.len(),
        unshortened.version,
        text.len(),
        m.version
    );
    assert!(text.len() <= qr::MAX_QR_TEXT);
    assert!(m.version <= 17, "version {}", m.version);
    assert_eq!(read_back(&m), text, "readable");
}
