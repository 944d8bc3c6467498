//! The credential read by independent implementations: Python's pycose checks the COSE_Sign1
//! signature and cbor2 reads the claims of a QR text this crate issued (`interop/verify.py`).
//! Runs where `python3` has both (`.ci/run` installs them and sets ONECARD_INTEROP_TESTS=required);
//! elsewhere it says it was skipped.

mod common;
use common::d;
use credential::{IssuerKey, Profile, issue};
use std::process::Command;

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
    let permit = common::permit("Data Scientist");
    let key = common::key();
    let claims = common::claims(&permit, "北京中关村示例科技有限公司", Profile::Full);
    let text = issue(&claims, &key).unwrap();

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
