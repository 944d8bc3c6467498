//! Any bytes as a notice's PDF file, as uploaded to the verifier: one definite verdict, never a
//! panic, and a file that passes is one whose body its seal binds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onecard_fuzz::Verifier;
use std::sync::LazyLock;

static VERIFIER: LazyLock<Verifier> = LazyLock::new(Verifier::new);

fuzz_target!(|data: &[u8]| {
    VERIFIER.check_notice(data);
});
