//! The ten-year contribution statement (120 months, with totals by year and by insurance) laid
//! out and written as a PDF with subset fonts: the part of the statement download that is not a
//! database read. The target for the whole download is under 50 ms.

use criterion::{Criterion, criterion_group, criterion_main};
use documents::notice::statement::{render, sample};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let s = sample(120);
    c.bench_function("statement_pdf_120_months", |b| {
        b.iter(|| render(black_box(&s)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
