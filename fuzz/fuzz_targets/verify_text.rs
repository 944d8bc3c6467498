//! Any bytes as scanned QR text (invalid UTF-8 replaced, as a scanner's text would be): `verify`
//! and the offline check give one definite verdict, and agree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onecard_fuzz::Verifier;
use std::sync::LazyLock;

static VERIFIER: LazyLock<Verifier> = LazyLock::new(Verifier::new);

fuzz_target!(|data: &[u8]| {
    VERIFIER.check_text(&String::from_utf8_lossy(data));
});
