//! Documents: the kinds a policy can ask for, and the checklist an assessment gives, each item
//! required, exempt or already on file.

use super::Reason;
use crate::city::City;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    ApplicationForm,
    /// Degree and qualification certificates, apostilled or authenticated.
    DegreeCertificate,
    /// Proof of relevant work experience.
    ExperienceProof,
    NoCriminalRecord,
    MedicalReport,
    EmploymentContract,
    Passport,
    Photo,
    /// Marriage and birth certificates of accompanying family.
    FamilyDocuments,
    /// The employer's business licence.
    BusinessLicence,
    /// Proof of what changed: a new passport, a name change, a new position.
    ChangeProof,
    /// Proof that the employment ended.
    TerminationProof,
    /// The foreigner's registration of where they stay (a residence permit asks for it).
    AccommodationRegistration,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 13] = [
        DocumentKind::ApplicationForm,
        DocumentKind::DegreeCertificate,
        DocumentKind::ExperienceProof,
        DocumentKind::NoCriminalRecord,
        DocumentKind::MedicalReport,
        DocumentKind::EmploymentContract,
        DocumentKind::Passport,
        DocumentKind::Photo,
        DocumentKind::FamilyDocuments,
        DocumentKind::BusinessLicence,
        DocumentKind::ChangeProof,
        DocumentKind::TerminationProof,
        DocumentKind::AccommodationRegistration,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            DocumentKind::ApplicationForm => "application_form",
            DocumentKind::DegreeCertificate => "degree_certificate",
            DocumentKind::ExperienceProof => "experience_proof",
            DocumentKind::NoCriminalRecord => "no_criminal_record",
            DocumentKind::MedicalReport => "medical_report",
            DocumentKind::EmploymentContract => "employment_contract",
            DocumentKind::Passport => "passport",
            DocumentKind::Photo => "photo",
            DocumentKind::FamilyDocuments => "family_documents",
            DocumentKind::BusinessLicence => "business_licence",
            DocumentKind::ChangeProof => "change_proof",
            DocumentKind::TerminationProof => "termination_proof",
            DocumentKind::AccommodationRegistration => "accommodation_registration",
        }
    }

    pub fn from_code(s: &str) -> Option<DocumentKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How a document on file is reused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "via", rename_all = "snake_case")]
pub enum Reuse {
    /// Verified by the same region's authority before.
    SameRegion,
    /// Verified in another member city of a regional cluster.
    Cluster { cluster: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum DocumentStatus {
    /// To be submitted.
    Required,
    /// To be submitted again: the one on file is past its validity window.
    Stale {
        verified_in: City,
        issued_on: NaiveDate,
        /// The last day it was accepted.
        valid_until: NaiveDate,
    },
    /// Already verified and still good: not asked again.
    OnFile {
        verified_in: City,
        verified_on: NaiveDate,
        reuse: Reuse,
    },
    /// Not asked for, with the rule that says so.
    Exempt { reason: Reason },
    /// Not asked for: another department's register confirmed it (see `crate::registers`).
    Confirmed {
        /// The register that answered, by its configured name.
        register: String,
        answered_at: DateTime<Utc>,
        /// The register's own reference for its answer.
        reference: String,
        /// The date the register's data was current on.
        as_of: NaiveDate,
    },
    /// A register was to confirm it but did not: to be submitted on paper; the reason says why
    /// (not confirmed, no answer in time, an unreadable answer, no register configured).
    Paper { reason: Reason },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub document: DocumentKind,
    pub status: DocumentStatus,
    /// Months after issue during which the document is accepted, if limited.
    pub valid_months: Option<u32>,
    /// The application may be accepted while this document is still missing (category A).
    pub deferrable: bool,
}

impl ChecklistItem {
    /// Whether the applicant still has to submit this document.
    pub fn to_submit(&self) -> bool {
        matches!(
            self.status,
            DocumentStatus::Required | DocumentStatus::Stale { .. } | DocumentStatus::Paper { .. }
        )
    }
}
