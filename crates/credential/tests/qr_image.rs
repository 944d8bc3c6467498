//! The QR image of a credential: drawn, read back from its pixels (rqrr), and verified; and the
//! QR version a full-profile permit takes.

mod common;
use common::T0;
use credential::{IssuerKey, Kid, Matrix, Profile, Verdict, issue, verify};

fn credential(employer: &str, position: &str, profile: Profile) -> (String, IssuerKey) {
    let key = common::key();
    let claims = common::claims(&common::permit(position), employer, profile);
    (issue(&claims, &key), key)
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
fn long_values_need_a_larger_code() {
    let (text, _) = credential(
        "中国科学院深圳先进技术研究院香港中文大学联合共建智能机器人自动化研究中心有限公司",
        "Principal Machine Learning Research Engineer",
        Profile::Full,
    );
    let m = Matrix::of(&text).unwrap();
    eprintln!(
        "extreme full profile: {} characters, QR version {}",
        text.len(),
        m.version
    );
    assert!(
        m.version > 17,
        "the measured limit of DESIGN.md's version 17"
    );
    assert_eq!(read_back(&m), text, "still readable");
}
