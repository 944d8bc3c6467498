//! Any payload, signed with the right key as a credential, a status list or a key set (the first
//! byte says which): reaches the claim readers that the signature check guards from the other
//! targets, since a fuzzer cannot forge a signature.
#![no_main]

use credential::Claims;
use credential::qr::{self, Compression};
use libfuzzer_sys::fuzz_target;
use onecard_fuzz::{Document, Verifier};
use std::sync::LazyLock;

static VERIFIER: LazyLock<Verifier> = LazyLock::new(Verifier::new);

fuzz_target!(|data: &[u8]| {
    let Some((&kind, payload)) = data.split_first() else {
        return;
    };
    let doc = Document::from_byte(kind);
    let signed = doc.sign(payload);
    match doc {
        Document::Credential => {
            let _ = Claims::from_cbor(payload);
            VERIFIER.check_text(&qr::encode(&signed, Compression::None));
        }
        Document::StatusList => VERIFIER.check_status_list(&signed),
        Document::KeySet => VERIFIER.check_key_set(&signed),
    }
});
