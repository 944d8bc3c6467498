//! Policy as data: classification points, direct criteria, eligibility limits, documents, time
//! limits, regional rules and working-day calendars, read from a versioned TOML file and applied
//! by a pure engine. Reading the file is the caller's job; this module gets its text.
//!
//! Every outcome carries stable snake_case rule ids with parameters, never prose, so that it can
//! be shown in any language, and the version of the policy that produced it.

mod calendar;
mod diff;
mod documents;
mod error;
mod evaluate;
mod facts;
mod file;
mod points;
mod reuse;

pub use calendar::{Calendar, WorkingDays, YearCalendar, is_weekend};
pub use diff::PolicyChange;
pub use documents::{ChecklistItem, DocumentKind, DocumentStatus, Reuse};
pub use error::{PolicyError, Problem};
pub use evaluate::{
    Assessment, Basis, Deadlines, DirectCriterion, DirectMet, FactorScore, PhysicalFiling, Points,
    Procedure,
};
pub use facts::{
    ApplicantFacts, BirthDate, ChineseFacts, Count, CurrentPermit, DocumentOnFile, Education,
    EmployerFacts, ExtrasFacts, Facts, FounderFacts, HskLevel, MonthsPerYear, Percent, Period,
    Profile, TalentFacts, UsdAmount, Years,
};
pub use points::{
    Band, BandProblem, BandScore, Bands, ChinesePoints, EducationPoints, ExtrasPoints, Factor,
    LocationPoints, PointsTable,
};
pub use reuse::{CheckedDocument, ClusterReuse, NotReusable, ReuseTarget};

use crate::application::ApplicationKind;
use crate::city::City;
use crate::party::EmployerKind;
use crate::permit::Category;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// The file name of the shipped default, as errors name it.
pub const NATIONAL_DEFAULT_FILE: &str = "national-2017.toml";
/// The text of the shipped default.
pub const NATIONAL_DEFAULT_TEXT: &str = include_str!("../../../../policies/national-2017.toml");

/// A rule that applied, by stable id, with the values that explain it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub rule: String,
    pub params: BTreeMap<String, String>,
}

impl Reason {
    pub fn new(rule: &str) -> Reason {
        Reason {
            rule: rule.to_string(),
            params: BTreeMap::new(),
        }
    }

    pub fn with(mut self, name: &str, value: impl ToString) -> Reason {
        self.params.insert(name.to_string(), value.to_string());
        self
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }
}

/// Points from which a category is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Thresholds {
    pub a: u32,
    pub b: u32,
}

impl Thresholds {
    /// The category: a direct A criterion or A's points, else a direct B criterion or B's points,
    /// else C. More points, or one more criterion met, never gives a lower category.
    pub fn category_for(&self, total: u32, direct_a: bool, direct_b: bool) -> Category {
        if direct_a || total >= self.a {
            Category::A
        } else if direct_b || total >= self.b {
            Category::B
        } else {
            Category::C
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FounderTest {
    pub min_patents: u32,
    pub min_years: u32,
    pub min_investment_usd: u64,
    pub min_stake_percent: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DegreeExperience {
    pub min_education: Education,
    pub min_experience_years: u32,
}

/// Direct A criteria in force; an absent one is not in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct DirectA {
    pub national_talent_programme: bool,
    pub international_achievement: bool,
    pub salary_multiple_of_local_average: Option<u32>,
    pub founder: Option<FounderTest>,
    pub postdoc_under_age: Option<u32>,
}

/// Direct B criteria in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct DirectB {
    pub bachelor_and_experience: Option<DegreeExperience>,
    pub skill_certificate: bool,
    pub salary_multiple_of_local_average: Option<u32>,
}

/// Limits of one category. The age limit applies however the category is reached; the degree
/// and experience minimums apply when it is reached by points, since each direct criterion is
/// itself the proof of qualification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CategoryRules {
    pub max_validity_months: u32,
    pub max_age: Option<u32>,
    pub min_education: Option<Education>,
    pub min_experience_years: Option<u32>,
    pub accept_with_missing_documents: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Categories {
    pub a: CategoryRules,
    pub b: CategoryRules,
    pub c: CategoryRules,
}

impl Categories {
    pub fn get(&self, c: Category) -> &CategoryRules {
        match c {
            Category::A => &self.a,
            Category::B => &self.b,
            Category::C => &self.c,
        }
    }
}

/// Statutory time limits in working days after submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TimeLimits {
    pub pre_review_working_days: u32,
    /// For permits longer than `short_permit_max_days`, or when no period is asked for.
    pub decision_working_days: u32,
    pub short_permit_max_days: u32,
    pub short_decision_working_days: u32,
    pub decision_extension_working_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct RequiredPerKind {
    pub new: Vec<DocumentKind>,
    pub extension: Vec<DocumentKind>,
    pub change: Vec<DocumentKind>,
    pub cancellation: Vec<DocumentKind>,
}

impl RequiredPerKind {
    pub fn get(&self, kind: ApplicationKind) -> &[DocumentKind] {
        match kind {
            ApplicationKind::New => &self.new,
            ApplicationKind::Extension => &self.extension,
            ApplicationKind::Change => &self.change,
            ApplicationKind::Cancellation => &self.cancellation,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentRules {
    pub valid_months: BTreeMap<DocumentKind, u32>,
    pub reusable: BTreeSet<DocumentKind>,
    pub shared_data: BTreeSet<DocumentKind>,
    pub required_a: RequiredPerKind,
    pub required_b: RequiredPerKind,
    pub required_c: RequiredPerKind,
}

impl DocumentRules {
    pub fn required(&self, category: Category, kind: ApplicationKind) -> &[DocumentKind] {
        match category {
            Category::A => self.required_a.get(kind),
            Category::B => self.required_b.get(kind),
            Category::C => self.required_c.get(kind),
        }
    }
}

/// One region's figures and exceptions.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct RegionRules {
    /// The local average wage, in yuan a year.
    pub average_wage_yuan: Option<u64>,
    /// Category C permits the city may issue a year.
    pub c_quota: Option<u32>,
    pub provincial_bonus: u32,
    /// Originals of a new permit's documents are filed in person within this many days of entry.
    pub physical_filing_days_after_entry: Option<u32>,
    /// Category B age limit for urgently needed talent.
    pub b_max_age_urgently_needed: Option<u32>,
    pub innovation_talent_skips_degree_experience: bool,
    pub young_graduate_skips_experience: bool,
    pub young_graduate_max_validity_months: Option<u32>,
}

/// Employers between which a move within a cluster is only filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferEmployer {
    University,
    ResearchInstitute,
    /// A multinational enterprise; a Fortune Global 500 company is one.
    Multinational,
}

impl TransferEmployer {
    pub fn matches(&self, kind: EmployerKind, multinational: bool) -> bool {
        match self {
            TransferEmployer::University => kind == EmployerKind::University,
            TransferEmployer::ResearchInstitute => kind == EmployerKind::ResearchInstitute,
            TransferEmployer::Multinational => {
                multinational || kind == EmployerKind::FortuneGlobal500
            }
        }
    }
}

/// A group of regions that recognise each other's verifications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cluster {
    pub members: Vec<City>,
    /// Documents verified in one member city that another does not ask again.
    pub reuse_documents: BTreeSet<DocumentKind>,
    /// Moves between these employers within the cluster, during a valid permit, are a filing.
    pub transfer_filing_employers: BTreeSet<TransferEmployer>,
    /// What such a filing asks for.
    pub filing_documents: Vec<DocumentKind>,
}

impl Cluster {
    pub fn contains(&self, city: City) -> bool {
        self.members.contains(&city)
    }
}

/// A checked policy. Built only by [`Policy::parse`], so every band, threshold, region and
/// calendar in it has passed the checks the file format documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    version: String,
    effective_from: NaiveDate,
    description: Option<String>,
    thresholds: Thresholds,
    points: PointsTable,
    direct_a: DirectA,
    direct_b: DirectB,
    min_age: Option<u32>,
    categories: Categories,
    time_limits: TimeLimits,
    documents: DocumentRules,
    /// By city code.
    regions: BTreeMap<String, RegionRules>,
    clusters: BTreeMap<String, Cluster>,
    calendar: Calendar,
    residence: crate::residence::ResidenceRules,
    /// Social-insurance contribution rules, by city code.
    contributions: BTreeMap<String, crate::contributions::ContributionRule>,
    /// What can be claimed through the card, by catalogue key.
    benefits: BTreeMap<String, crate::benefits::Benefit>,
}

impl Policy {
    /// Reads a policy from the text of `file_name`. Errors name the file, the line and the
    /// reason.
    pub fn parse(file_name: &str, text: &str) -> Result<Policy, PolicyError> {
        file::parse(file_name, text)
    }

    /// The shipped default, checked once.
    pub fn national_default() -> &'static Policy {
        static DEFAULT: OnceLock<Policy> = OnceLock::new();
        DEFAULT.get_or_init(|| {
            Policy::parse(NATIONAL_DEFAULT_FILE, NATIONAL_DEFAULT_TEXT)
                .expect("the shipped policy is valid")
        })
    }

    /// Of several versions, the one in force on `on`: the latest that has taken effect.
    pub fn in_force(policies: &[Policy], on: NaiveDate) -> Option<&Policy> {
        policies
            .iter()
            .filter(|p| p.effective_from <= on)
            .max_by_key(|p| p.effective_from)
    }

    pub fn version(&self) -> &str {
        &self.version
    }
    pub fn effective_from(&self) -> NaiveDate {
        self.effective_from
    }
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    pub fn thresholds(&self) -> Thresholds {
        self.thresholds
    }
    pub fn points(&self) -> &PointsTable {
        &self.points
    }
    pub fn direct_a(&self) -> &DirectA {
        &self.direct_a
    }
    pub fn direct_b(&self) -> &DirectB {
        &self.direct_b
    }
    pub fn min_age(&self) -> Option<u32> {
        self.min_age
    }
    pub fn categories(&self) -> &Categories {
        &self.categories
    }
    pub fn time_limits(&self) -> &TimeLimits {
        &self.time_limits
    }
    pub fn documents(&self) -> &DocumentRules {
        &self.documents
    }
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }
    /// Work-type residence permits: their limits and who gets the long one.
    pub fn residence(&self) -> &crate::residence::ResidenceRules {
        &self.residence
    }
    /// The city's contribution rule; none where the policy has no figures for it.
    pub fn contribution_rule(&self, city: City) -> Option<&crate::contributions::ContributionRule> {
        self.contributions.get(city.code())
    }
    /// The benefits catalogue, by key.
    pub fn benefits(&self) -> impl Iterator<Item = &crate::benefits::Benefit> {
        self.benefits.values()
    }
    pub fn benefit(&self, id: &str) -> Option<&crate::benefits::Benefit> {
        self.benefits.get(id)
    }
    pub fn region(&self, city: City) -> Option<&RegionRules> {
        self.regions.get(city.code())
    }
    pub fn clusters(&self) -> impl Iterator<Item = (&str, &Cluster)> {
        self.clusters.iter().map(|(k, v)| (k.as_str(), v))
    }
    /// The most points the table can give.
    pub fn max_points(&self) -> u32 {
        self.points.max_total()
    }
}
