//! Contributions and claims against the shipped policy: declarations under a city's rule, the
//! benefits catalogue's rules, and the claim state machine.

use crate::common::*;
use chrono::DateTime;
use domain::benefits::*;
use domain::contributions::*;
use domain::ids::{ClaimId, EmployerId, PermitId, PersonId};
use domain::numbers::PermitNumber;
use domain::permit::{Category, Medium, Permit, PermitStatus};
use domain::values::{Money, NamePart, Nationality, PassportNumber, PersonName, Text};

fn permit(category: Category, code: &str, from: &str, to: &str) -> Permit {
    Permit {
        id: PermitId(uuid::Uuid::nil()),
        number: PermitNumber::new(code, d(from), 1).unwrap(),
        revision: 1,
        holder_id: PersonId(uuid::Uuid::nil()),
        employer_id: EmployerId(uuid::Uuid::nil()),
        holder_name: PersonName {
            surname: NamePart::from_trusted("MÜLLER".into()),
            given_names: None,
        },
        nationality: Nationality::parse("n", "DEU").unwrap(),
        passport_number: PassportNumber::parse("p", "C01X00T47").unwrap(),
        category,
        position: Text::parse("p", "Engineer", 100).unwrap(),
        city: city(code),
        valid_from: d(from),
        valid_to: d(to),
        status: PermitStatus::Valid,
        status_changed_on: None,
        medium: Medium::Electronic,
        application_id: None,
    }
}

/// `n` months of contributions in `code` from `first`, at 20,000 yuan.
fn months(code: &str, first: &str, n: usize) -> Vec<Declaration> {
    let rule = policy().contribution_rule(city(code)).unwrap();
    let mut m = ContributionMonth::parse("month", first).unwrap();
    let base = ContributionBase::parse("base", "20000").unwrap();
    (0..n)
        .map(|i| {
            let c = declare(rule, m, base, m.first_day()).unwrap();
            m = m.next();
            Declaration {
                sequence: i as i64,
                declared_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
                contribution: c,
            }
        })
        .collect()
}

fn beijing_insured() -> Option<InsuranceStanding> {
    Some(InsuranceStanding {
        city: city("110000"),
        closed: false,
    })
}

const REFUND_DOCS: [ClaimDocument; 5] = [
    ClaimDocument::ApplicationForm,
    ClaimDocument::Passport,
    ClaimDocument::TerminationProof,
    ClaimDocument::DepartureEvidence,
    ClaimDocument::BankAccount,
];

fn refund_facts<'a>(permits: &'a [Permit], contributions: &'a [Declaration]) -> ClaimFacts<'a> {
    ClaimFacts {
        claim_date: d("2026-09-15"),
        permits,
        insurance: beijing_insured(),
        contributions,
        leaving_china_on: Some(d("2026-09-30")),
        documents: &REFUND_DOCS,
    }
}

fn rules(e: &Eligibility) -> Vec<&str> {
    match e {
        Eligibility::Eligible => Vec::new(),
        Eligibility::NotEligible(r) => r.iter().map(|r| r.rule.as_str()).collect(),
    }
}

#[test]
fn shipped_rule_declares_a_month_in_shanghai() {
    let rule = policy().contribution_rule(city("310000")).unwrap();
    let base = ContributionBase::parse("base", "7460").unwrap();
    let m = ContributionMonth::parse("month", "2026-01").unwrap();
    let c = declare(rule, m, base, d("2025-12-01")).unwrap();
    // 16 % of 7,460 yuan; 0.16 % of 7,460 is 11.936 yuan, rounded half up to 11.94.
    assert_eq!(c.line(InsuranceType::Pension).employer.fen(), 119_360);
    assert_eq!(c.line(InsuranceType::WorkInjury).employer.fen(), 1_194);
    let low = ContributionBase::parse("base", "7459").unwrap();
    let e = declare(rule, m, low, d("2025-12-01")).unwrap_err();
    assert_eq!((e.field.as_str(), e.code), ("base", "base_below_floor"));
    assert_eq!(e.params[0], ("floor", "7460.00".to_string()));
}

#[test]
fn pension_refund_when_leaving_for_good() {
    let refund = policy().benefit("pension_refund").unwrap();
    let contributions = months("110000", "2024-01", 24);
    let lapsed = [permit(Category::B, "110000", "2024-01-01", "2026-08-31")];
    assert_eq!(
        assess_claim(refund, &refund_facts(&lapsed, &contributions)),
        Eligibility::Eligible
    );
}

#[test]
fn pension_refund_refused_while_a_valid_permit_remains() {
    let refund = policy().benefit("pension_refund").unwrap();
    let valid = [permit(Category::B, "110000", "2025-01-01", "2026-12-31")];
    let e = assess_claim(refund, &refund_facts(&valid, &[]));
    let Eligibility::NotEligible(reasons) = &e else {
        panic!("eligible with a valid permit")
    };
    assert_eq!(reasons.len(), 1);
    assert_eq!(reasons[0].rule, "valid_permit_remains");
    assert_eq!(reasons[0].param("valid_to"), Some("2026-12-31"));
    // A permit issued but not yet started counts as remaining: its holder is coming back.
    let future = [permit(Category::B, "110000", "2027-01-01", "2027-12-31")];
    assert_eq!(
        rules(&assess_claim(refund, &refund_facts(&future, &[]))),
        ["valid_permit_remains"]
    );
    // A cancelled one does not.
    let mut cancelled = valid.clone();
    cancelled[0].status = PermitStatus::Cancelled;
    assert!(assess_claim(refund, &refund_facts(&cancelled, &[])).is_eligible());
}

#[test]
fn pension_refund_lists_every_unmet_condition() {
    let refund = policy().benefit("pension_refund").unwrap();
    let valid = [permit(Category::A, "110000", "2025-01-01", "2026-12-31")];
    let mut f = refund_facts(&valid, &[]);
    f.leaving_china_on = None;
    f.insurance = Some(InsuranceStanding {
        city: city("110000"),
        closed: true,
    });
    f.documents = &[ClaimDocument::Passport];
    let e = assess_claim(refund, &f);
    assert_eq!(
        rules(&e),
        [
            "valid_permit_remains",
            "leaving_china_not_declared",
            "insurance_closed",
            "document_missing",
            "document_missing",
            "document_missing",
            "document_missing",
        ]
    );
    f.insurance = None;
    assert!(rules(&assess_claim(refund, &f)).contains(&"not_insured"));
}

#[test]
fn beijing_talent_subsidy_needs_category_a_and_a_year_in_beijing() {
    let subsidy = policy().benefit("beijing_talent_subsidy").unwrap();
    let docs = [
        ClaimDocument::ApplicationForm,
        ClaimDocument::Passport,
        ClaimDocument::EmploymentContract,
        ClaimDocument::TaxRecord,
        ClaimDocument::BankAccount,
    ];
    let a = [permit(Category::A, "110000", "2025-01-01", "2029-12-31")];
    let year = months("110000", "2025-01", 12);
    let facts = |permits, contributions, insurance| ClaimFacts {
        claim_date: d("2026-03-01"),
        permits,
        insurance,
        contributions,
        leaving_china_on: None,
        documents: &docs,
    };
    assert!(assess_claim(subsidy, &facts(&a, &year, beijing_insured())).is_eligible());

    // Eleven months is short, and says by how much.
    let e = assess_claim(subsidy, &facts(&a, &year[..11], beijing_insured()));
    let Eligibility::NotEligible(r) = &e else {
        panic!()
    };
    assert_eq!(r[0].rule, "contribution_months_short");
    assert_eq!(
        (
            r[0].param("city"),
            r[0].param("min_months"),
            r[0].param("months")
        ),
        (Some("110000"), Some("12"), Some("11"))
    );

    // Months in another city do not count; corrections count once.
    let mut mixed = months("120000", "2025-01", 6);
    mixed.extend(months("110000", "2025-07", 6));
    assert_eq!(
        rules(&assess_claim(
            subsidy,
            &facts(&a, &mixed, beijing_insured())
        )),
        ["contribution_months_short"]
    );
    let mut corrected = months("110000", "2025-01", 11);
    corrected.extend(months("110000", "2025-01", 11));
    assert_eq!(
        rules(&assess_claim(
            subsidy,
            &facts(&a, &corrected, beijing_insured())
        )),
        ["contribution_months_short"]
    );

    // A category B holder, a Shanghai permit, no permit at all.
    let b = [permit(Category::B, "110000", "2025-01-01", "2026-12-31")];
    let e = assess_claim(subsidy, &facts(&b, &year, beijing_insured()));
    assert_eq!(rules(&e), ["permit_category_not_listed"]);
    let Eligibility::NotEligible(r) = e else {
        panic!()
    };
    assert_eq!(
        (r[0].param("categories"), r[0].param("category")),
        (Some("A"), Some("B"))
    );
    let sh = [permit(Category::A, "310000", "2025-01-01", "2029-12-31")];
    assert_eq!(
        rules(&assess_claim(
            subsidy,
            &facts(&sh, &year, beijing_insured())
        )),
        ["permit_city_not_listed"]
    );
    let e = assess_claim(subsidy, &facts(&[], &year, beijing_insured()));
    assert_eq!(
        rules(&e),
        ["permit_category_not_listed", "permit_city_not_listed"]
    );
    let shanghai_insured = Some(InsuranceStanding {
        city: city("310000"),
        closed: false,
    });
    assert_eq!(
        rules(&assess_claim(subsidy, &facts(&a, &year, shanghai_insured))),
        ["insured_city_not_listed"]
    );
}

fn claim(state: ClaimState) -> Claim {
    Claim {
        id: ClaimId(uuid::Uuid::nil()),
        person_id: PersonId(uuid::Uuid::nil()),
        benefit: "pension_refund".into(),
        state,
        version: 3,
        documents: REFUND_DOCS.to_vec(),
        submitted_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
        decided_at: None,
        payment: None,
        refusal: Vec::new(),
    }
}

fn payment() -> PaymentInstruction {
    PaymentInstruction::parse("48210.55", "DE89370400440532013000", "BJ-2026-000123").unwrap()
}

fn action(kind: ClaimActionKind) -> ClaimAction {
    match kind {
        ClaimActionKind::Approve => ClaimAction::Approve { payment: payment() },
        ClaimActionKind::Refuse => ClaimAction::Refuse {
            reasons: vec![Text::parse("r", "Departure not shown", 500).unwrap()],
        },
        ClaimActionKind::Withdraw => ClaimAction::Withdraw,
    }
}

#[test]
fn claim_transitions_exhaustively() {
    let refund = policy().benefit("pension_refund").unwrap();
    for from in ClaimState::ALL {
        for kind in ClaimActionKind::ALL {
            let expected = match (from, kind) {
                (ClaimState::Submitted, ClaimActionKind::Approve) => Some(ClaimState::Approved),
                (ClaimState::Submitted, ClaimActionKind::Refuse) => Some(ClaimState::Refused),
                (ClaimState::Submitted, ClaimActionKind::Withdraw) => Some(ClaimState::Withdrawn),
                _ => None,
            };
            assert_eq!(claim_next_state(from, kind), expected, "{from:?} {kind:?}");
            let got = apply_claim(
                &claim(from),
                refund,
                &action(kind),
                kind.side(),
                3,
                &Eligibility::Eligible,
            );
            match expected {
                Some(to) => assert_eq!(got.unwrap().to, to, "{from:?} {kind:?}"),
                None => assert_eq!(
                    got.unwrap_err(),
                    ClaimError::Illegal { from, action: kind },
                    "{from:?} {kind:?}"
                ),
            }
            // The other side may never take the action.
            let other = match kind.side() {
                ClaimSide::Holder => ClaimSide::Officer,
                ClaimSide::Officer => ClaimSide::Holder,
            };
            assert!(matches!(
                apply_claim(
                    &claim(from),
                    refund,
                    &action(kind),
                    other,
                    3,
                    &Eligibility::Eligible
                ),
                Err(ClaimError::WrongSide { .. })
            ));
        }
        assert_eq!(from.is_final(), from != ClaimState::Submitted);
        assert_eq!(ClaimState::from_code(from.as_str()), Some(from));
    }
}

#[test]
fn approving_a_refund_closes_the_insurance_and_needs_the_rule_to_hold() {
    let refund = policy().benefit("pension_refund").unwrap();
    let subsidy = policy().benefit("beijing_talent_subsidy").unwrap();
    let approve = action(ClaimActionKind::Approve);
    let submitted = claim(ClaimState::Submitted);
    let out = apply_claim(
        &submitted,
        refund,
        &approve,
        ClaimSide::Officer,
        3,
        &Eligibility::Eligible,
    )
    .unwrap();
    assert_eq!(
        out,
        ClaimOutcome {
            to: ClaimState::Approved,
            close_insurance: true
        }
    );
    let out = apply_claim(
        &submitted,
        subsidy,
        &approve,
        ClaimSide::Officer,
        3,
        &Eligibility::Eligible,
    )
    .unwrap();
    assert!(!out.close_insurance);
    // A permit issued since the claim: the approval is refused with the rule named.
    let valid = [permit(Category::B, "110000", "2026-09-01", "2027-08-31")];
    let now = assess_claim(refund, &refund_facts(&valid, &[]));
    let err = apply_claim(&submitted, refund, &approve, ClaimSide::Officer, 3, &now).unwrap_err();
    let ClaimError::NotEligible(r) = err else {
        panic!("{err:?}")
    };
    assert_eq!(r[0].rule, "valid_permit_remains");
    // A refusal is still possible, and needs reasons; a stale version is refused.
    assert!(
        apply_claim(
            &submitted,
            refund,
            &action(ClaimActionKind::Refuse),
            ClaimSide::Officer,
            3,
            &now
        )
        .is_ok()
    );
    assert_eq!(
        apply_claim(
            &submitted,
            refund,
            &ClaimAction::Refuse { reasons: vec![] },
            ClaimSide::Officer,
            3,
            &now
        )
        .unwrap_err(),
        ClaimError::Invalid(domain::FieldError::new("reasons", "items_required"))
    );
    assert_eq!(
        apply_claim(
            &submitted,
            refund,
            &approve,
            ClaimSide::Officer,
            2,
            &Eligibility::Eligible
        )
        .unwrap_err(),
        ClaimError::Stale {
            current: 3,
            seen: 2
        }
    );
}

#[test]
fn payment_instructions_are_parsed() {
    let p = payment();
    assert_eq!(p.amount, Money::from_fen(4_821_055));
    let errs = PaymentInstruction::parse("0", "", "x").unwrap_err();
    let codes: Vec<(&str, &str)> = errs.iter().map(|e| (e.field.as_str(), e.code)).collect();
    assert_eq!(
        codes,
        [
            ("payment.amount", "amount_zero"),
            ("payment.account", "required")
        ]
    );
    assert_eq!(
        ClaimDocument::DepartureEvidence.document_kind(),
        None::<domain::policy::DocumentKind>
    );
    assert_eq!(
        ClaimDocument::Passport.document_kind(),
        Some(domain::policy::DocumentKind::Passport)
    );
}
