//! Any bytes as a fetched key set, checked against the pinned root key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onecard_fuzz::Verifier;
use std::sync::LazyLock;

static VERIFIER: LazyLock<Verifier> = LazyLock::new(Verifier::new);

fuzz_target!(|data: &[u8]| {
    VERIFIER.check_key_set(data);
});
