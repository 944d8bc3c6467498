//! Notices generated per second on one core, and their size: rendering (layout, font subsets,
//! compression) and sealing (signing, the QR drawing, the incremental update), as the server
//! does on a first download. Targets: at least 50 a second; under 200 KB each.

use credential::{DocumentSeal, Issuer, IssuerKey};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use documents::notice::{self, Notice, NoticeKind};
use std::hint::black_box;

fn seal(n: &Notice, key: &IssuerKey) -> Vec<u8> {
    let body = notice::render(n);
    let seal = DocumentSeal::new(
        Issuer::parse("CN-MOHRSS").expect("issuer"),
        1_790_000_000,
        &n.number,
        n.kind.code(),
        &body,
        None,
    )
    .expect("plain number");
    notice::attach_seal(&body, &seal.sign(key)).expect("sealed")
}

fn notices(c: &mut Criterion) {
    let key = IssuerKey::from_seed(&[7; 32]);
    let mut g = c.benchmark_group("notice");
    g.throughput(Throughput::Elements(1));
    for kind in [
        NoticeKind::NotificationLetter,
        NoticeKind::RefusalDecision,
        NoticeKind::InformationPage,
    ] {
        let n = notice::sample(kind);
        eprintln!("{}: {} bytes", kind.code(), seal(&n, &key).len());
        g.bench_function(format!("render_and_seal/{}", kind.code()), |b| {
            b.iter(|| seal(black_box(&n), &key))
        });
    }
    let n = notice::sample(NoticeKind::NotificationLetter);
    let file = seal(&n, &key);
    let keys = credential::KeySet {
        issuer: "CN-MOHRSS".into(),
        issued_at: 1_790_000_000,
        expires_at: 1_790_000_001,
        entries: vec![credential::KeyEntry::new(key.public(), 0, None)],
    };
    g.bench_function("verify_file/notification_letter", |b| {
        b.iter(|| notice::verify_notice(black_box(&file), &keys, 1_790_000_100).expect("valid"))
    });
    g.finish();
}

criterion_group!(benches, notices);
criterion_main!(benches);
