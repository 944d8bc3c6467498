//! A holder's statement over ten years of monthly contributions in Beijing, each month declared
//! once and one month in four corrected once: 150 declarations folded into 120 months. The
//! declarations are built once; only `Statement::build` is timed. The target is under 50 ms.

use chrono::DateTime;
use criterion::{Criterion, criterion_group, criterion_main};
use domain::city::City;
use domain::contributions::*;
use domain::policy::Policy;
use std::hint::black_box;

fn declarations() -> Vec<Declaration> {
    let city = City::parse("city", "110000").expect("city");
    let rule = Policy::national_default()
        .contribution_rule(city)
        .expect("Beijing has a rule");
    let mut month = ContributionMonth::parse("month", "2016-01").expect("month");
    let insured_from = month.first_day();
    let mut out = Vec::new();
    let mut sequence = 0;
    for i in 0..120_i64 {
        let declared = |yuan: i64| {
            let base = ContributionBase::parse("base", &format!("{yuan}.37")).expect("base");
            declare(rule, month, base, insured_from).expect("within bounds")
        };
        let yuan = 7_000 + i * 200;
        for fix in 0..(if i % 4 == 0 { 2 } else { 1 }) {
            sequence += 1;
            out.push(Declaration {
                sequence,
                declared_at: DateTime::from_timestamp(1_450_000_000 + sequence * 86_400, 0)
                    .expect("time"),
                contribution: declared(yuan + fix * 500),
            });
        }
        month = month.next();
    }
    out
}

fn statement(c: &mut Criterion) {
    let list = declarations();
    let s = Statement::build(&list);
    assert_eq!(s.months.len(), 120);
    assert_eq!(s.years.len(), 10);
    c.bench_function("statement_10_years", |b| {
        b.iter(|| black_box(Statement::build(black_box(&list))))
    });
}

criterion_group!(benches, statement);
criterion_main!(benches);
