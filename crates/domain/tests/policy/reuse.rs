//! Reuse of a document verified in another member city of a cluster: every kind and every pair
//! of cities against the shipped policy, and each reason a document is not reused.

use crate::common::*;
use domain::city::City;
use domain::ids::PersonId;
use domain::policy::*;

const JING_JIN_JI: [&str; 3] = ["110000", "120000", "130100"];
const REUSED: [DocumentKind; 3] = [
    DocumentKind::ExperienceProof,
    DocumentKind::DegreeCertificate,
    DocumentKind::NoCriminalRecord,
];

fn person() -> PersonId {
    PersonId(uuid::Uuid::from_u128(1))
}

fn doc(kind: DocumentKind, code: &str) -> CheckedDocument {
    CheckedDocument {
        person: person(),
        kind,
        city: city(code),
        verified_on: Some(d("2026-03-02")),
        issued_on: Some(d("2026-02-01")),
    }
}

fn target(code: &str) -> ReuseTarget {
    ReuseTarget {
        person: person(),
        city: city(code),
        on: d("2026-03-10"),
    }
}

#[test]
fn every_kind_between_every_pair_of_cities() {
    let p = policy();
    for kind in DocumentKind::ALL {
        for from in City::all() {
            for to in City::all() {
                let got = p.cluster_reuse(&doc(kind, from.code()), &target(to.code()));
                let in_cluster =
                    JING_JIN_JI.contains(&from.code()) && JING_JIN_JI.contains(&to.code());
                let want = if from == to {
                    Err(NotReusable::SameCity)
                } else if !in_cluster {
                    Err(NotReusable::NoCommonCluster)
                } else if !REUSED.contains(&kind) {
                    Err(NotReusable::KindNotReusable)
                } else {
                    let months = p.documents().valid_months.get(&kind);
                    Ok(ClusterReuse {
                        cluster: "jing_jin_ji".into(),
                        valid_until: months.map(|_| d("2026-08-01")),
                    })
                };
                assert_eq!(got, want, "{kind:?} {from} -> {to}");
            }
        }
    }
}

#[test]
fn a_degree_verified_in_beijing_counts_in_tianjin_and_hebei_not_in_shanghai() {
    let p = policy();
    let degree = doc(DocumentKind::DegreeCertificate, "110000");
    for to in ["120000", "130100"] {
        let r = p.cluster_reuse(&degree, &target(to)).unwrap();
        assert_eq!(r.cluster, "jing_jin_ji");
        assert_eq!(r.valid_until, None, "a degree does not age");
    }
    assert_eq!(
        p.cluster_reuse(&degree, &target("310000")),
        Err(NotReusable::NoCommonCluster)
    );
    assert_eq!(
        p.cluster_reuse(&degree, &target("110000")),
        Err(NotReusable::SameCity)
    );
    // Old degrees, or ones without a declared date, are still degrees.
    let old = CheckedDocument {
        issued_on: None,
        ..degree
    };
    assert!(p.cluster_reuse(&old, &target("120000")).is_ok());
}

#[test]
fn only_the_same_persons_verified_documents() {
    let p = policy();
    let degree = doc(DocumentKind::DegreeCertificate, "110000");
    let stranger = ReuseTarget {
        person: PersonId(uuid::Uuid::from_u128(2)),
        ..target("120000")
    };
    assert_eq!(
        p.cluster_reuse(&degree, &stranger),
        Err(NotReusable::OtherPerson)
    );
    let unchecked = CheckedDocument {
        verified_on: None,
        ..degree
    };
    assert_eq!(
        p.cluster_reuse(&unchecked, &target("120000")),
        Err(NotReusable::NotVerified)
    );
    // Verified after the day asked about: not yet verified on that day.
    let later = CheckedDocument {
        verified_on: Some(d("2026-03-11")),
        ..degree
    };
    assert_eq!(
        p.cluster_reuse(&later, &target("120000")),
        Err(NotReusable::NotVerified)
    );
    let same_day = CheckedDocument {
        verified_on: Some(d("2026-03-10")),
        ..degree
    };
    assert!(p.cluster_reuse(&same_day, &target("120000")).is_ok());
}

#[test]
fn a_no_criminal_record_certificate_within_its_six_months() {
    let p = policy();
    let on = |day: &str| ReuseTarget {
        on: d(day),
        ..target("120000")
    };
    let cert = CheckedDocument {
        issued_on: Some(d("2025-09-10")),
        verified_on: Some(d("2025-09-20")),
        ..doc(DocumentKind::NoCriminalRecord, "110000")
    };
    // Issued on 10 September: accepted through 10 March, the last day of the window.
    assert_eq!(
        p.cluster_reuse(&cert, &on("2026-03-10")),
        Ok(ClusterReuse {
            cluster: "jing_jin_ji".into(),
            valid_until: Some(d("2026-03-10")),
        })
    );
    assert_eq!(
        p.cluster_reuse(&cert, &on("2026-03-11")),
        Err(NotReusable::Expired {
            valid_until: d("2026-03-10")
        })
    );
    let undated = CheckedDocument {
        issued_on: None,
        ..cert
    };
    assert_eq!(
        p.cluster_reuse(&undated, &on("2026-03-10")),
        Err(NotReusable::IssueDateUnknown)
    );
}

#[test]
fn the_kinds_are_the_clusters_data() {
    // A policy whose cluster reuses degrees only.
    let text = NATIONAL_DEFAULT_TEXT.replace(
        "reuse_documents = [\"experience_proof\", \"degree_certificate\", \"no_criminal_record\"]",
        "reuse_documents = [\"degree_certificate\"]",
    );
    let p = Policy::parse("degrees.toml", &text).unwrap();
    assert!(
        p.cluster_reuse(
            &doc(DocumentKind::DegreeCertificate, "110000"),
            &target("120000")
        )
        .is_ok()
    );
    for kind in [
        DocumentKind::ExperienceProof,
        DocumentKind::NoCriminalRecord,
    ] {
        assert_eq!(
            p.cluster_reuse(&doc(kind, "110000"), &target("120000")),
            Err(NotReusable::KindNotReusable)
        );
    }
    // A second cluster that shares Beijing with the first but reuses nothing: the first still
    // applies between Beijing and Tianjin, and nothing between Beijing and Shanghai.
    let text = format!(
        "{NATIONAL_DEFAULT_TEXT}\n[clusters.beijing_shanghai]\nmembers = [\"110000\", \"310000\"]\n"
    );
    let p = Policy::parse("two.toml", &text).unwrap();
    let degree = doc(DocumentKind::DegreeCertificate, "110000");
    assert!(p.cluster_reuse(&degree, &target("120000")).is_ok());
    assert_eq!(
        p.cluster_reuse(&degree, &target("310000")),
        Err(NotReusable::KindNotReusable)
    );
}

#[test]
fn an_unknown_kind_in_reuse_documents_is_refused_with_its_line() {
    let text = NATIONAL_DEFAULT_TEXT.replace(
        "reuse_documents = [\"experience_proof\",",
        "reuse_documents = [\"diploma\",",
    );
    let err = Policy::parse("bad.toml", &text).expect_err("refused");
    let line = text[..text.find("\"diploma\"").unwrap()]
        .matches('\n')
        .count()
        + 1;
    assert_eq!(err.line, Some(line), "{err}");
    assert!(err.to_string().starts_with(&format!("bad.toml:{line}: ")));
    assert!(err.to_string().contains("diploma"), "{err}");
}
