//! Regional rules: Beijing's exceptions, physical filing, quotas and the Beijing-Tianjin-Hebei
//! cluster's document reuse and transfer filing.

use crate::common::*;
use domain::application::ApplicationKind;
use domain::party::EmployerKind;
use domain::permit::Category;
use domain::policy::*;

fn rules(a: &Assessment) -> Vec<&str> {
    a.applied_rules.iter().map(|r| r.rule.as_str()).collect()
}

fn failures(a: &Assessment) -> Vec<&str> {
    a.failures.iter().map(|r| r.rule.as_str()).collect()
}

/// 65, a bachelor with 10 years: direct B, over the normal age limit.
fn older_engineer() -> Facts {
    let mut f = facts();
    f.applicant.profile.experience_years = years(10);
    aged(&mut f, 65);
    f
}

#[test]
fn beijing_age_limit_70_for_urgently_needed_talent() {
    let mut f = older_engineer();
    f.applicant.profile.talent.urgently_needed = true;
    in_region(&mut f, "110000");
    let a = policy().assess(&f);
    assert_eq!(a.category, Category::B);
    assert!(a.eligible(), "{:?}", a.failures);
    assert_eq!(rules(&a), ["urgently_needed_age_limit"]);
    assert_eq!(a.applied_rules[0].param("max_age"), Some("70"));

    aged(&mut f, 71);
    let a = policy().assess(&f);
    assert_eq!(failures(&a), ["over_age_limit"]);
    assert_eq!(a.failures[0].param("max_age"), Some("70"));

    // Not certified as urgently needed: the normal limit.
    let mut f = older_engineer();
    in_region(&mut f, "110000");
    let a = policy().assess(&f);
    assert_eq!(a.failures[0].param("max_age"), Some("60"));

    // Urgently needed elsewhere: no such exception.
    let mut f = older_engineer();
    f.applicant.profile.talent.urgently_needed = true;
    let a = policy().assess(&f);
    assert_eq!(failures(&a), ["over_age_limit"]);
}

/// 60 points with no degree and no experience (see criteria.rs): B by points.
fn no_degree_60_points(region: &str) -> Facts {
    let mut f = facts();
    f.applicant.profile.education = Education::Other;
    f.annual_salary = yuan("450000");
    f.applicant.profile.months_in_china = months(12);
    f.applicant.profile.chinese.hsk_level = hsk(5);
    f.applicant.profile.extras.patents = true;
    in_region(&mut f, region);
    f
}

#[test]
fn beijing_innovation_talent_skips_degree_and_experience() {
    let mut f = no_degree_60_points("110000");
    let a = policy().assess(&f);
    assert_eq!(failures(&a), ["degree_required", "experience_required"]);
    f.applicant.profile.talent.innovation_talent = true;
    let a = policy().assess(&f);
    assert_eq!((a.category, a.points.total), (Category::B, 60));
    assert!(a.eligible(), "{:?}", a.failures);
    assert_eq!(rules(&a), ["innovation_talent_degree_experience_exempt"]);
    // Not in Shanghai.
    let mut f = no_degree_60_points("310000");
    f.applicant.profile.talent.innovation_talent = true;
    assert_eq!(
        failures(&policy().assess(&f)),
        ["degree_required", "experience_required"]
    );
}

/// 24, a master with no experience: salary 260,000 (14) + master (15) + 12 months (15) + HSK 5
/// (5) + age 24 (10) + top university (5) = 64, B by points.
fn graduate(region: &str) -> Facts {
    let mut f = facts();
    f.applicant.profile.education = Education::Master;
    f.annual_salary = yuan("260000");
    f.applicant.profile.months_in_china = months(12);
    f.applicant.profile.chinese.hsk_level = hsk(5);
    f.applicant.profile.extras.top_foreign_university = true;
    f.applicant.profile.talent.young_graduate = true;
    aged(&mut f, 24);
    in_region(&mut f, region);
    f
}

#[test]
fn beijing_fast_tracks_young_graduates() {
    let f = graduate("110000");
    let a = policy().assess(&f);
    assert_eq!((a.category, a.points.total), (Category::B, 64));
    assert!(a.eligible(), "{:?}", a.failures);
    assert_eq!(a.max_validity_months, 36);
    assert_eq!(
        rules(&a),
        [
            "young_graduate_experience_exempt",
            "young_graduate_validity"
        ]
    );
    let f = graduate("310000");
    let a = policy().assess(&f);
    assert_eq!(failures(&a), ["experience_required"]);
    assert_eq!(a.max_validity_months, 24);
}

#[test]
fn validity_limits_per_category() {
    let mut f = facts();
    f.requested_period = Some(Period::new("p", d("2026-04-01"), d("2031-03-31")).unwrap());
    let a = policy().assess(&f);
    assert_eq!((a.category, a.max_validity_months), (Category::C, 12));
    assert_eq!(a.valid_to_limit, Some(d("2027-04-01")));
    f.applicant.profile.experience_years = years(2);
    assert_eq!(policy().assess(&f).max_validity_months, 24);
    f.applicant.profile.talent.national_talent_programme = true;
    let a = policy().assess(&f);
    assert_eq!(a.max_validity_months, 60);
    assert_eq!(a.valid_to_limit, Some(d("2031-04-01")));
}

#[test]
fn physical_filing_in_shanghai_guangzhou_shenzhen() {
    for (code, days) in [
        ("310000", Some(30)),
        ("440100", Some(30)),
        ("440300", Some(30)),
        ("110000", None),
        ("510100", None),
    ] {
        let mut f = facts();
        in_region(&mut f, code);
        let a = policy().assess(&f);
        assert_eq!(
            a.physical_filing.map(|p| p.days_after_entry),
            days,
            "{code}"
        );
        f.kind = ApplicationKind::Extension;
        assert_eq!(policy().assess(&f).physical_filing, None);
    }
}

#[test]
fn category_c_carries_the_quota() {
    let mut f = facts();
    in_region(&mut f, "320500");
    let a = policy().assess(&f);
    assert_eq!((a.category, a.c_quota), (Category::C, Some(1_500)));
    f.applicant.profile.experience_years = years(2);
    assert_eq!(policy().assess(&f).c_quota, None);
}

fn on_file(kind: DocumentKind, code: &str, issued: &str) -> DocumentOnFile {
    DocumentOnFile {
        kind,
        verified_in: city(code),
        verified_on: d(issued),
        issued_on: d(issued),
    }
}

fn status(a: &Assessment, kind: DocumentKind) -> &DocumentStatus {
    &a.documents
        .iter()
        .find(|i| i.document == kind)
        .unwrap_or_else(|| panic!("{kind:?} not on the checklist"))
        .status
}

#[test]
fn cluster_reuses_documents_verified_in_another_member() {
    use DocumentKind as K;
    let mut f = facts();
    f.applicant.profile.experience_years = years(4);
    in_region(&mut f, "120000");
    f.documents_on_file = vec![
        on_file(K::DegreeCertificate, "110000", "2024-05-01"),
        on_file(K::ExperienceProof, "130100", "2025-09-01"),
        // Within six months of 2026-03-10.
        on_file(K::NoCriminalRecord, "110000", "2026-01-20"),
        // Not among the documents the cluster shares.
        on_file(K::MedicalReport, "110000", "2026-02-01"),
        // Shanghai is not in the cluster.
        on_file(K::Passport, "310000", "2026-02-01"),
    ];
    let a = policy().assess(&f);
    let cluster = Reuse::Cluster {
        cluster: "jing_jin_ji".into(),
    };
    for (kind, city_code) in [
        (K::DegreeCertificate, "110000"),
        (K::ExperienceProof, "130100"),
        (K::NoCriminalRecord, "110000"),
    ] {
        match status(&a, kind) {
            DocumentStatus::OnFile {
                verified_in, reuse, ..
            } => {
                assert_eq!(verified_in.code(), city_code);
                assert_eq!(reuse, &cluster);
            }
            other => panic!("{kind:?}: {other:?}"),
        }
    }
    assert_eq!(status(&a, K::MedicalReport), &DocumentStatus::Required);
    assert_eq!(status(&a, K::Passport), &DocumentStatus::Required);

    // Past its six months, the certificate is asked for again.
    f.documents_on_file[2] = on_file(K::NoCriminalRecord, "110000", "2025-09-09");
    let a = policy().assess(&f);
    assert_eq!(
        status(&a, K::NoCriminalRecord),
        &DocumentStatus::Stale {
            verified_in: city("110000"),
            issued_on: d("2025-09-09"),
            valid_until: d("2026-03-09"),
        }
    );
    f.documents_on_file[2] = on_file(K::NoCriminalRecord, "110000", "2025-09-10");
    assert!(matches!(
        status(&policy().assess(&f), K::NoCriminalRecord),
        DocumentStatus::OnFile { .. }
    ));

    // Outside the cluster, Beijing's verifications do not carry over.
    in_region(&mut f, "310000");
    let a = policy().assess(&f);
    assert_eq!(status(&a, K::DegreeCertificate), &DocumentStatus::Required);
    // ... but Shanghai's own passport does.
    assert!(matches!(
        status(&a, K::Passport),
        DocumentStatus::OnFile {
            reuse: Reuse::SameRegion,
            ..
        }
    ));
}

#[test]
fn exemptions_and_deferral() {
    use DocumentKind as K;
    let mut f = facts();
    let a = policy().assess(&f);
    assert_eq!(
        status(&a, K::BusinessLicence),
        &DocumentStatus::Exempt {
            reason: domain::policy::Reason::new("shared_data")
        }
    );
    assert_eq!(
        status(&a, K::FamilyDocuments),
        &DocumentStatus::Exempt {
            reason: domain::policy::Reason::new("no_accompanying_family")
        }
    );
    assert!(a.documents.iter().all(|d| !d.deferrable));
    f.applicant.profile.accompanying_family = true;
    f.applicant.profile.talent.national_talent_programme = true;
    let a = policy().assess(&f);
    assert_eq!(status(&a, K::FamilyDocuments), &DocumentStatus::Required);
    // Category A may be accepted with documents missing; A is not asked for experience proof.
    assert!(a.accept_with_missing_documents);
    assert!(a.to_submit().all(|d| d.deferrable));
    assert!(a.documents.iter().all(|d| d.document != K::ExperienceProof));
    let windows: Vec<_> = a
        .documents
        .iter()
        .filter_map(|d| d.valid_months.map(|m| (d.document, m)))
        .collect();
    assert_eq!(
        windows,
        [
            (K::NoCriminalRecord, 6),
            (K::MedicalReport, 6),
            (K::Photo, 6)
        ]
    );
}

#[test]
fn registers_settle_shared_data() {
    use DocumentKind as K;
    use domain::registers::{Evidence, Outcome, RegisterKind, apply};
    let at = chrono::DateTime::parse_from_rfc3339("2026-03-10T02:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let evidence = |outcome: Outcome| Evidence {
        document: K::BusinessLicence,
        fact: RegisterKind::BusinessLicence,
        register: "amr".into(),
        asked_at: at,
        answered_at: Some(at),
        outcome,
        answer: "{}".into(),
    };
    let mut f = facts();
    // No register asked: the shared-data document falls back to paper, and says so.
    let mut a = policy().assess(&f);
    apply(&mut a, &[]);
    assert_eq!(
        status(&a, K::BusinessLicence),
        &DocumentStatus::Paper {
            reason: Reason::new("register_not_configured")
        }
    );
    assert!(a.to_submit().any(|d| d.document == K::BusinessLicence));
    // The latest answer counts: a confirmation exempts it with the evidence.
    let mut a = policy().assess(&f);
    let confirmed = Outcome::Confirmed {
        reference: "BL-1".into(),
        as_of: d("2026-03-01"),
    };
    apply(
        &mut a,
        &[evidence(Outcome::no_answer("timeout")), evidence(confirmed)],
    );
    assert_eq!(
        status(&a, K::BusinessLicence),
        &DocumentStatus::Confirmed {
            register: "amr".into(),
            answered_at: at,
            reference: "BL-1".into(),
            as_of: d("2026-03-01"),
        }
    );
    assert!(a.to_submit().all(|d| d.document != K::BusinessLicence));
    // Garbage never exempts; in category A the paper document may follow acceptance.
    f.applicant.profile.talent.national_talent_programme = true;
    let mut a = policy().assess(&f);
    apply(&mut a, &[evidence(Outcome::garbage("not_json"))]);
    let item = a
        .documents
        .iter()
        .find(|d| d.document == K::BusinessLicence)
        .unwrap();
    assert_eq!(
        item.status,
        DocumentStatus::Paper {
            reason: Reason::new("register_garbage")
                .with("register", "amr")
                .with("why", "not_json")
        }
    );
    assert!(item.deferrable);
    // Documents no register speaks of stay as they were.
    assert_eq!(status(&a, K::Passport), &DocumentStatus::Required);
}

#[test]
fn documents_per_kind() {
    use DocumentKind as K;
    let mut f = facts();
    for (kind, expected) in [
        (
            ApplicationKind::Extension,
            vec![
                K::ApplicationForm,
                K::EmploymentContract,
                K::Passport,
                K::Photo,
            ],
        ),
        (
            ApplicationKind::Change,
            vec![K::ApplicationForm, K::Passport, K::ChangeProof],
        ),
        (
            ApplicationKind::Cancellation,
            vec![K::ApplicationForm, K::TerminationProof],
        ),
    ] {
        f.kind = kind;
        let docs: Vec<_> = policy()
            .assess(&f)
            .documents
            .iter()
            .map(|d| d.document)
            .collect();
        assert_eq!(docs, expected, "{kind:?}");
    }
}

fn professor_moving(from: EmployerKind, to: EmployerKind, to_city: &str) -> Facts {
    let mut f = facts();
    f.applicant.profile.education = Education::Doctorate;
    f.applicant.profile.experience_years = years(8);
    f.kind = ApplicationKind::Change;
    in_region(&mut f, to_city);
    f.employer.kind = to;
    f.current_permit = Some(CurrentPermit {
        city: city("110000"),
        employer_kind: from,
        multinational: false,
        valid_to: d("2027-06-30"),
    });
    f
}

#[test]
fn cluster_transfers_are_a_filing() {
    use DocumentKind as K;
    let f = professor_moving(
        EmployerKind::University,
        EmployerKind::ResearchInstitute,
        "120000",
    );
    let a = policy().assess(&f);
    assert_eq!(
        a.procedure,
        Procedure::ClusterFiling {
            cluster: "jing_jin_ji".into()
        }
    );
    assert_eq!(rules(&a), ["cluster_transfer_filing"]);
    let to_submit: Vec<_> = a.to_submit().map(|d| d.document).collect();
    assert_eq!(to_submit, [K::ApplicationForm, K::EmploymentContract]);
    assert!(matches!(
        status(&a, K::ChangeProof),
        DocumentStatus::Exempt { reason } if reason.rule == "cluster_transfer_filing"
    ));

    // To a Fortune Global 500 company in Hebei: a multinational.
    let f = professor_moving(
        EmployerKind::University,
        EmployerKind::FortuneGlobal500,
        "130100",
    );
    assert!(matches!(
        policy().assess(&f).procedure,
        Procedure::ClusterFiling { .. }
    ));

    // To an ordinary enterprise: a full application, unless it is a multinational.
    let mut f = professor_moving(EmployerKind::University, EmployerKind::Enterprise, "120000");
    assert_eq!(policy().assess(&f).procedure, Procedure::Application);
    f.employer.multinational = true;
    assert!(matches!(
        policy().assess(&f).procedure,
        Procedure::ClusterFiling { .. }
    ));

    // Out of the cluster, or with the permit already expired: a full application.
    let f = professor_moving(
        EmployerKind::University,
        EmployerKind::ResearchInstitute,
        "310000",
    );
    assert_eq!(policy().assess(&f).procedure, Procedure::Application);
    let mut f = professor_moving(
        EmployerKind::University,
        EmployerKind::ResearchInstitute,
        "120000",
    );
    f.current_permit.as_mut().unwrap().valid_to = d("2026-03-09");
    assert_eq!(policy().assess(&f).procedure, Procedure::Application);
}
