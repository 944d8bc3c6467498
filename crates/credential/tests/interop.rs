//! The credential read by independent implementations: Python's pycose checks the COSE_Sign1
//! signature and cbor2 reads the claims of a QR text this crate issued (`interop/verify.py`).
//! Runs where `python3` has both (`.ci/run` installs them and sets ONECARD_INTEROP_TESTS=required);
//! elsewhere it says it was skipped.

use chrono::NaiveDate;
use credential::{Claims, IssuerKey, Profile, StatusRef, TokenId, TokenParams, issue};
use domain::city::City;
use domain::ids::{EmployerId, PermitId, PersonId};
use domain::numbers::PermitNumber;
use domain::permit::{Category, Medium, Permit, PermitStatus};
use domain::values::{Nationality, PassportNumber, PersonName, Text};
use std::process::Command;
use uuid::Uuid;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn python_ready() -> bool {
    Command::new("python3")
        .args(["-c", "import cbor2, pycose"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn pycose_verifies_and_cbor2_reads_a_issued_credential() {
    if !python_ready() {
        assert_ne!(
            std::env::var("ONECARD_INTEROP_TESTS").as_deref(),
            Ok("required"),
            "python3 with cbor2 and pycose is required here"
        );
        eprintln!("skipped: python3 with cbor2 and pycose not found (pip install cbor2 pycose)");
        return;
    }
    let permit = Permit {
        id: PermitId(Uuid::from_u128(1)),
        number: PermitNumber::new("110000", d("2026-01-05"), 42).unwrap(),
        revision: 1,
        holder_id: PersonId(Uuid::from_u128(2)),
        employer_id: EmployerId(Uuid::from_u128(3)),
        holder_name: PersonName::parse("holder", "MÜLLER", "Anna").unwrap(),
        nationality: Nationality::parse("n", "DEU").unwrap(),
        passport_number: PassportNumber::parse("p", "C01X00T47").unwrap(),
        category: Category::B,
        position: Text::parse("position", "Data Scientist", 200).unwrap(),
        city: City::parse("city", "110000").unwrap(),
        valid_from: d("2026-01-05"),
        valid_to: d("2028-01-04"),
        status: PermitStatus::Valid,
        status_changed_on: None,
        medium: Medium::Electronic,
        application_id: None,
    };
    let employer = Text::parse("employer", "北京中关村示例科技有限公司", 200).unwrap();
    let params = TokenParams {
        issuer: credential::Issuer::parse("CN-MOHRSS").unwrap(),
        issued_at: 1_790_000_000,
        expires_at: 1_790_000_060,
        token_id: TokenId::from_bytes(&[0x5a; 8]).unwrap(),
        status: StatusRef::new(77, "https://onecard.example/status/1").unwrap(),
    };
    let key = IssuerKey::from_seed(&[7; 32]);
    let claims = Claims::for_permit(&permit, &employer, Profile::Full, params);
    let text = issue(&claims, &key);

    let run = |text: &str| {
        let out = Command::new("python3")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/interop/verify.py"
            ))
            .arg(text)
            .arg(hex(key.public().as_bytes()))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "verify.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let got = run(&text);
    assert_eq!(got["signature_valid"], true, "{got}");
    assert_eq!(got["kid"], hex(key.kid().as_bytes()));
    assert_eq!(got["iss"], "CN-MOHRSS");
    assert_eq!(got["sub"], permit.number.as_str());
    assert_eq!(got["iat"], 1_790_000_000);
    assert_eq!(got["exp"], 1_790_000_060);
    assert_eq!(got["cti"], "5a5a5a5a5a5a5a5a");
    assert_eq!(got["status"]["status_list"]["idx"], 77);
    assert_eq!(
        got["status"]["status_list"]["uri"],
        "https://onecard.example/status/1"
    );
    assert_eq!(got["surname"], "MÜLLER");
    assert_eq!(got["given_names"], "Anna");
    assert_eq!(got["employer"], "北京中关村示例科技有限公司");
    let epoch = d("1970-01-01");
    assert_eq!(
        got["valid_from_days"],
        (permit.valid_from - epoch).num_days()
    );
    assert_eq!(got["valid_to_days"], (permit.valid_to - epoch).num_days());

    // The same text with another key's signature check: pycose says the signature is bad.
    let other = IssuerKey::from_seed(&[8; 32]);
    let out = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/interop/verify.py"
        ))
        .arg(&text)
        .arg(hex(other.public().as_bytes()))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !out.status.success() || stdout.contains("\"signature_valid\": false"),
        "a signature checked with another key must fail: {stdout}"
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
