//! Offline verification of QR text against the bare Ed25519 check it contains, and issuance of a
//! dynamic QR's text, on one core. The target: verification within 1.3× the bare check.

use chrono::NaiveDate;
use credential::{Claims, IssuerKey, Kid, Profile, StatusRef, TokenId, TokenParams, issue, verify};
use criterion::{Criterion, criterion_group, criterion_main};
use domain::city::City;
use domain::ids::{EmployerId, PermitId, PersonId};
use domain::numbers::PermitNumber;
use domain::permit::{Category, Medium, Permit, PermitStatus};
use domain::values::{Nationality, PassportNumber, PersonName, Text};
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use std::hint::black_box;
use uuid::Uuid;

const NOW: i64 = 1_790_000_010;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn claims() -> Claims {
    let permit = Permit {
        id: PermitId(Uuid::from_u128(1)),
        number: PermitNumber::new("110000", d("2026-01-05"), 42).expect("number"),
        revision: 1,
        holder_id: PersonId(Uuid::from_u128(2)),
        employer_id: EmployerId(Uuid::from_u128(3)),
        holder_name: PersonName::parse("holder", "MÜLLER", "Anna").expect("name"),
        nationality: Nationality::parse("n", "DEU").expect("nationality"),
        passport_number: PassportNumber::parse("p", "C01X00T47").expect("passport"),
        category: Category::B,
        position: Text::parse("position", "Data Scientist", 200).expect("position"),
        city: City::parse("city", "110000").expect("city"),
        valid_from: d("2026-01-05"),
        valid_to: d("2028-01-04"),
        status: PermitStatus::Valid,
        status_changed_on: None,
        medium: Medium::Electronic,
        application_id: None,
    };
    let employer = Text::parse("employer", "北京中关村示例科技有限公司", 200).expect("employer");
    let params = TokenParams {
        issuer: credential::Issuer::parse("CN-MOHRSS").expect("issuer"),
        issued_at: NOW - 10,
        expires_at: NOW + 50,
        token_id: TokenId::from_bytes(&[0x5a; 8]).expect("token id"),
        status: StatusRef::new(77, "https://onecard.example/status/1").expect("status"),
    };
    Claims::for_permit(&permit, &employer, Profile::Full, params)
}

fn bench(c: &mut Criterion) {
    let key = IssuerKey::from_seed(&[7; 32]);
    let public = key.public();
    let kid = key.kid().clone();
    let lookup = move |k: &Kid| (*k == kid).then_some(public);
    let claims = claims();
    let text = issue(&claims, &key).expect("fits");
    assert!(matches!(
        verify(&text, &lookup, NOW),
        credential::Verdict::Valid { .. }
    ));

    // The bare check: one Ed25519 verification of a message as long as the signed structure.
    let signing = SigningKey::from_bytes(&[7; 32]);
    let verifying: VerifyingKey = signing.verifying_key();
    let message = vec![0x5a_u8; text.len() * 2 / 3];
    let signature = signing.sign(&message);

    let mut g = c.benchmark_group("credential");
    g.bench_function("ed25519_verify_bare", |b| {
        b.iter(|| {
            verifying
                .verify(black_box(&message), black_box(&signature))
                .is_ok()
        })
    });
    // What the credential's check uses: strict verification refuses malleable signatures.
    g.bench_function("ed25519_verify_strict_bare", |b| {
        b.iter(|| {
            verifying
                .verify_strict(black_box(&message), black_box(&signature))
                .is_ok()
        })
    });
    g.bench_function("verify_qr_text", |b| {
        b.iter(|| verify(black_box(&text), &lookup, NOW))
    });
    g.bench_function("issue_qr_text", |b| {
        b.iter(|| issue(black_box(&claims), &key).expect("fits"))
    });
    // What the card shows every minute: sign, encode, the QR matrix and its SVG.
    g.bench_function("issue_qr_svg", |b| {
        b.iter(|| {
            let text = issue(black_box(&claims), &key).expect("fits");
            credential::Matrix::of(&text).expect("fits").svg()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
