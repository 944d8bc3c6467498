//! The QR image of a credential: drawn, read back from its pixels (rqrr), and verified; and the
//! QR version a full-profile permit takes.

use chrono::NaiveDate;
use credential::{
    Claims, IssuerKey, Kid, Matrix, Profile, StatusRef, TokenId, TokenParams, Verdict, issue,
    verify,
};
use domain::city::City;
use domain::ids::{EmployerId, PermitId, PersonId};
use domain::numbers::PermitNumber;
use domain::permit::{Category, Medium, Permit, PermitStatus};
use domain::values::{Nationality, PassportNumber, PersonName, Text};
use uuid::Uuid;

const T0: i64 = 1_790_000_000;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn credential(employer: &str, position: &str, profile: Profile) -> (String, IssuerKey) {
    let permit = Permit {
        id: PermitId(Uuid::from_u128(1)),
        number: PermitNumber::new("110000", d("2026-01-05"), 4242).unwrap(),
        revision: 1,
        holder_id: PersonId(Uuid::from_u128(2)),
        employer_id: EmployerId(Uuid::from_u128(3)),
        holder_name: PersonName::parse("holder", "MÜLLER", "Anna").unwrap(),
        nationality: Nationality::parse("n", "DEU").unwrap(),
        passport_number: PassportNumber::parse("p", "C01X00T47").unwrap(),
        category: Category::B,
        position: Text::parse("position", position, 200).unwrap(),
        city: City::parse("city", "110000").unwrap(),
        valid_from: d("2026-01-05"),
        valid_to: d("2028-01-04"),
        status: PermitStatus::Valid,
        status_changed_on: None,
        medium: Medium::Electronic,
        application_id: None,
    };
    let params = TokenParams {
        issuer: credential::Issuer::parse("CN-MOHRSS").unwrap(),
        issued_at: T0,
        expires_at: T0 + 60,
        token_id: TokenId::from_bytes(&[0x11; 8]).unwrap(),
        status: StatusRef::new(4242, "https://onecard.example/status/1").unwrap(),
    };
    let key = IssuerKey::from_seed(&[3; 32]);
    let employer = Text::parse("employer", employer, 200).unwrap();
    let claims = Claims::for_permit(&permit, &employer, profile, params);
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
