//! The QR size budget: whatever `issue` returns is at most `qr::MAX_QR_TEXT` characters (a QR of
//! version 17 or lower at error correction Q). Long employer names and positions are shortened,
//! marked with "…"; ordinary values and names never are.

mod common;
use common::T0;
use credential::qr::{self, IssueError, MAX_QR_TEXT, SHORTENED_MARK};
use credential::{Claims, Kid, Matrix, Profile, Verdict, issue, verify};
use domain::values::PersonName;
use proptest::prelude::*;

/// 40 characters, 120 bytes of UTF-8.
const LONG_EMPLOYER: &str =
    "中国科学院深圳先进技术研究院香港中文大学联合共建智能机器人自动化研究中心有限公司";
/// 30 characters, 90 bytes of UTF-8.
const LONG_POSITION: &str = "人工智能与机器人自动化联合研究中心首席科学家兼高级研究员顾问";

fn check(text: &str) -> Verdict {
    let key = common::key();
    let (kid, public) = (key.kid().clone(), key.public());
    verify(text, &move |k: &Kid| (*k == kid).then_some(public), T0 + 5)
}

fn verified(text: &str) -> Claims {
    match check(text) {
        Verdict::Valid { claims, .. } => *claims,
        v => panic!("{v:?}"),
    }
}

fn position(c: &Claims) -> &str {
    c.permit.details.as_ref().unwrap().position.as_str()
}

/// `short` is `long` itself, or a non-empty head of it with the mark after it.
fn is_shortened_from(short: &str, long: &str) -> bool {
    short == long
        || short
            .strip_suffix(SHORTENED_MARK)
            .is_some_and(|head| !head.is_empty() && long.starts_with(head))
}

#[test]
fn long_chinese_employer_and_position_are_shortened_to_fit() {
    assert_eq!(LONG_EMPLOYER.chars().count(), 40);
    assert_eq!(LONG_POSITION.chars().count(), 30);
    let claims = common::claims(&common::permit(LONG_POSITION), LONG_EMPLOYER, Profile::Full);
    let key = common::key();
    let unshortened = qr::text_len(&claims, &key);
    let text = issue(&claims, &key).unwrap();
    let m = Matrix::of(&text).unwrap();
    let back = verified(&text);
    eprintln!(
        "40-character Chinese employer, 30-character Chinese position: {unshortened} characters \
         unshortened, {} as issued, QR version {}; employer {:?}, position {:?}",
        text.len(),
        m.version,
        back.permit.employer.as_str(),
        position(&back),
    );
    assert!(unshortened > MAX_QR_TEXT);
    assert!(text.len() <= MAX_QR_TEXT, "{} characters", text.len());
    assert!(m.version <= 17, "version {}", m.version);

    // What the QR carries is what `fit` says, and it round-trips.
    assert_eq!(back, qr::fit(&claims, &key).unwrap());
    let employer = back.permit.employer.as_str();
    assert!(employer.ends_with('…'), "{employer}");
    assert!(is_shortened_from(employer, LONG_EMPLOYER));
    // Both keep at least the characters the first pass leaves; the employer was cut first.
    assert!(employer.chars().count() > qr::KEEP_CHARS, "{employer}");
    assert!(position(&back).chars().count() > qr::KEEP_CHARS);
    assert!(position(&back).ends_with('…'));
    assert!(is_shortened_from(position(&back), LONG_POSITION));
    // Everything else is carried whole.
    let mut expected = claims.clone();
    expected.permit.employer = back.permit.employer.clone();
    expected.permit.details.as_mut().unwrap().position =
        back.permit.details.as_ref().unwrap().position.clone();
    assert_eq!(back, expected);
}

#[test]
fn the_longest_fitting_text_is_kept() {
    let key = common::key();
    let claims = common::claims(&common::permit(LONG_POSITION), LONG_EMPLOYER, Profile::Full);
    let fitted = qr::fit(&claims, &key).unwrap();
    assert!(qr::text_len(&fitted, &key) <= MAX_QR_TEXT);
    // One more character of the position would not fit: it was cut no further than needed.
    let kept = position(&fitted).chars().count() - 1;
    let mut longer = fitted.clone();
    longer.permit.details.as_mut().unwrap().position = domain::values::Text::parse(
        "position",
        &format!(
            "{}…",
            LONG_POSITION.chars().take(kept + 1).collect::<String>()
        ),
        200,
    )
    .unwrap();
    assert!(qr::text_len(&longer, &key) > MAX_QR_TEXT);
}

#[test]
fn the_employer_is_shortened_before_the_position() {
    let key = common::key();
    // A long employer with an ordinary position: only the employer is cut.
    let c = common::claims(
        &common::permit("Data Scientist"),
        &LONG_EMPLOYER.repeat(2),
        Profile::Full,
    );
    let back = verified(&issue(&c, &key).unwrap());
    assert!(back.permit.employer.as_str().ends_with('…'));
    assert_eq!(position(&back), "Data Scientist");
    // The employment check has no position: the employer alone makes room.
    let c = common::claims(
        &common::permit("Data Scientist"),
        &"深".repeat(200),
        Profile::EmploymentCheck,
    );
    let text = issue(&c, &key).unwrap();
    assert!(text.len() <= MAX_QR_TEXT);
    assert!(verified(&text).permit.employer.as_str().ends_with('…'));
}

/// Values as the demo and the fixtures have them. The full profile leaves about 73 bytes of UTF-8
/// for employer and position together (with `MÜLLER Anna` and the fixtures' 32-byte status URI):
/// a 13-character Chinese name and a 29-character position, or a 49-character Latin name and a
/// 14-character one.
#[test]
fn ordinary_values_are_never_shortened() {
    let key = common::key();
    let ordinary = [
        ("北京中关村示例科技有限公司", "Data Scientist"),
        (
            "北京中关村示例科技有限公司",
            "Senior Data Platform Engineer",
        ),
        ("北京字节跳动科技有限公司", "Senior Data Platform Engineer"),
        ("北京字节跳动科技有限公司", "高级软件工程师"),
        (
            "Beijing Zhongguancun Example Technology Co., Ltd.",
            "Data Scientist",
        ),
        (
            "Siemens Ltd., China",
            "Principal Machine Learning Research Engineer",
        ),
    ];
    for (employer, pos) in ordinary {
        for profile in [Profile::EmploymentCheck, Profile::Full] {
            let c = common::claims(&common::permit(pos), employer, profile);
            assert_eq!(qr::fit(&c, &key).unwrap(), c, "{employer} / {pos}");
            let text = issue(&c, &key).unwrap();
            assert!(text.len() <= MAX_QR_TEXT);
            assert_eq!(verified(&text), c, "{employer} / {pos}");
        }
    }
}

#[test]
fn names_too_long_for_any_code_are_an_error() {
    let mut permit = common::permit("Data Scientist");
    permit.holder_name = PersonName::parse("holder", &"欧".repeat(64), &"阳".repeat(64)).unwrap();
    let c = common::claims(&permit, "北京中关村示例科技有限公司", Profile::Full);
    let err = issue(&c, &common::key()).unwrap_err();
    assert!(matches!(err, IssueError::TooLong { len } if len > MAX_QR_TEXT));
    assert_eq!(err.code(), "credential_too_long");
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    /// Any employer name and position of 1 to 200 characters, from anywhere in Unicode.
    #[test]
    fn any_free_text_fits_and_verifies(
        employer in proptest::collection::vec(any::<char>(), 1..=200),
        pos in proptest::collection::vec(any::<char>(), 1..=200),
        full in any::<bool>(),
    ) {
        // Control characters are refused on entry; the rest is kept as typed.
        let clean = |cs: Vec<char>| -> String {
            cs.into_iter().map(|c| if c.is_control() { 'x' } else { c }).collect()
        };
        let (employer, pos) = (clean(employer), clean(pos));
        prop_assume!(!employer.trim().is_empty() && !pos.trim().is_empty());
        let profile = if full { Profile::Full } else { Profile::EmploymentCheck };
        let c = common::claims(&common::permit(&pos), &employer, profile);
        let text = issue(&c, &common::key()).unwrap();
        prop_assert!(text.len() <= MAX_QR_TEXT, "{} characters", text.len());
        let back = verified(&text);
        prop_assert!(is_shortened_from(back.permit.employer.as_str(), c.permit.employer.as_str()));
        if full {
            prop_assert!(is_shortened_from(position(&back), position(&c)));
        }
        if qr::text_len(&c, &common::key()) <= MAX_QR_TEXT {
            prop_assert_eq!(&back, &c, "shortened though it fitted");
        }
        prop_assert_eq!(&back.permit.holder_name, &c.permit.holder_name);
        prop_assert_eq!(&back.permit.number, &c.permit.number);
    }
}
