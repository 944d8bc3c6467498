//! Any bytes as a fetched status list token: a definite error or a list, at several times.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onecard_fuzz::Verifier;
use std::sync::LazyLock;

static VERIFIER: LazyLock<Verifier> = LazyLock::new(Verifier::new);

fuzz_target!(|data: &[u8]| {
    VERIFIER.check_status_list(data);
});
