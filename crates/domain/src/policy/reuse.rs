//! Documents verified in one member city of a regional cluster that count as provided for the
//! same person's application in another member city: "someone moving between the three does not
//! submit again documents already verified there".
//!
//! The rule, in order (the first that fails is the answer):
//! 1. the same person;
//! 2. verified by an officer (never checked, or a new one asked for, does not count), on or
//!    before the day of the new application's reading;
//! 3. verified in another city: within one city, reuse is the region's own `documents.reusable`
//!    rule, which the assessment's documents on file apply, not this one;
//! 4. both cities are members of one cluster, and that cluster lists the kind in
//!    `reuse_documents`;
//! 5. a document with a validity window (`documents.valid_months`, such as the no-criminal-record
//!    certificate's six months) is reused only while the window, counted from its declared issue
//!    date, still includes the day of reuse; without a declared issue date it is not reused, since
//!    its age is unknown. Documents without a window are reused whatever their age.

use super::Policy;
use super::documents::DocumentKind;
use crate::city::City;
use crate::ids::PersonId;
use chrono::{Months, NaiveDate};
use serde::Serialize;

/// A document uploaded for an earlier application, as its officer's check left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckedDocument {
    pub person: PersonId,
    pub kind: DocumentKind,
    /// The city of the application it was uploaded for, whose officer checked it.
    pub city: City,
    /// The day an officer marked it verified; `None` if it was never checked or a new one was
    /// asked for.
    pub verified_on: Option<NaiveDate>,
    /// When it was issued, as declared with the upload.
    pub issued_on: Option<NaiveDate>,
}

/// The application that might reuse it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReuseTarget {
    pub person: PersonId,
    pub city: City,
    /// The day of reuse.
    pub on: NaiveDate,
}

/// A reuse allowed: by which cluster, and until when a date-bounded document stays good.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterReuse {
    pub cluster: String,
    pub valid_until: Option<NaiveDate>,
}

/// Why a checked document is not reused, by stable code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum NotReusable {
    OtherPerson,
    NotVerified,
    SameCity,
    /// No cluster has both cities as members.
    NoCommonCluster,
    /// A cluster has both cities, but none lists the kind in `reuse_documents`.
    KindNotReusable,
    /// A date-bounded document with no declared issue date.
    IssueDateUnknown,
    /// A date-bounded document whose window closed on `valid_until`.
    Expired {
        valid_until: NaiveDate,
    },
}

impl NotReusable {
    pub fn code(&self) -> &'static str {
        match self {
            NotReusable::OtherPerson => "other_person",
            NotReusable::NotVerified => "not_verified",
            NotReusable::SameCity => "same_city",
            NotReusable::NoCommonCluster => "no_common_cluster",
            NotReusable::KindNotReusable => "kind_not_reusable",
            NotReusable::IssueDateUnknown => "issue_date_unknown",
            NotReusable::Expired { .. } => "expired",
        }
    }
}

impl Policy {
    /// Whether `doc`, checked on an earlier application, counts as provided for `target` under
    /// a cluster's reuse rule (see the module's documentation for the rule).
    pub fn cluster_reuse(
        &self,
        doc: &CheckedDocument,
        target: &ReuseTarget,
    ) -> Result<ClusterReuse, NotReusable> {
        if doc.person != target.person {
            return Err(NotReusable::OtherPerson);
        }
        match doc.verified_on {
            Some(on) if on <= target.on => {}
            _ => return Err(NotReusable::NotVerified),
        }
        if doc.city == target.city {
            return Err(NotReusable::SameCity);
        }
        let mut common = self
            .clusters()
            .filter(|(_, c)| c.contains(doc.city) && c.contains(target.city))
            .peekable();
        if common.peek().is_none() {
            return Err(NotReusable::NoCommonCluster);
        }
        let (cluster, _) = common
            .find(|(_, c)| c.reuse_documents.contains(&doc.kind))
            .ok_or(NotReusable::KindNotReusable)?;
        let valid_until = match self.documents().valid_months.get(&doc.kind) {
            None => None,
            Some(&months) => {
                let issued = doc.issued_on.ok_or(NotReusable::IssueDateUnknown)?;
                let until = issued
                    .checked_add_months(Months::new(months))
                    .unwrap_or(NaiveDate::MAX);
                if target.on > until {
                    return Err(NotReusable::Expired { valid_until: until });
                }
                Some(until)
            }
        };
        Ok(ClusterReuse {
            cluster: cluster.to_string(),
            valid_until,
        })
    }
}
