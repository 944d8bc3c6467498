//! Writes a sample notice of each kind to the directory given (default `.`), sealed with a
//! fixed test key: `cargo run -p documents --example notice -- /tmp/notices`.

use documents::notice::{self, NoticeKind};

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let key = credential::IssuerKey::from_seed(&[7; 32]);
    for kind in NoticeKind::ALL {
        let n = notice::sample(kind);
        let body = notice::render(&n);
        let seal = credential::DocumentSeal::new(
            credential::Issuer::parse("CN-MOHRSS").expect("issuer"),
            1_790_000_000,
            &n.number,
            kind.code(),
            &body,
            None,
        )
        .expect("plain number");
        let file = notice::attach_seal(&body, &seal.sign(&key)).expect("sealed");
        let path = format!("{dir}/{}.pdf", kind.code());
        std::fs::write(&path, &file).expect("written");
        println!("{path}: {} bytes", file.len());
    }
}
