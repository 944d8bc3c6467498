//! The engine: from a policy and the facts of one application to points, category, eligibility,
//! documents, validity and time limits. Pure: the same policy and facts give the same assessment.

use super::calendar::WorkingDays;
use super::documents::{ChecklistItem, DocumentKind, DocumentStatus, Reuse};
use super::facts::{Facts, Period};
use super::points::{BandScore, Factor};
use super::{Policy, Reason, RegionRules};
use crate::application::ApplicationKind;
use crate::city::City;
use crate::permit::Category;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::BTreeMap;

/// A criterion that places an applicant in a category whatever the points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectCriterion {
    NationalTalentProgramme,
    InternationalAchievement,
    /// Salary at least a multiple of the local average wage (A's multiple).
    ASalaryMultiple,
    FounderInvestment,
    PostdocUnderAge,
    BachelorAndExperience,
    SkillCertificate,
    /// Salary at least a multiple of the local average wage (B's multiple).
    BSalaryMultiple,
}

impl DirectCriterion {
    pub fn as_str(&self) -> &'static str {
        match self {
            DirectCriterion::NationalTalentProgramme => "national_talent_programme",
            DirectCriterion::InternationalAchievement => "international_achievement",
            DirectCriterion::ASalaryMultiple => "a_salary_multiple",
            DirectCriterion::FounderInvestment => "founder_investment",
            DirectCriterion::PostdocUnderAge => "postdoc_under_age",
            DirectCriterion::BachelorAndExperience => "bachelor_and_experience",
            DirectCriterion::SkillCertificate => "skill_certificate",
            DirectCriterion::BSalaryMultiple => "b_salary_multiple",
        }
    }

    pub fn category(&self) -> Category {
        match self {
            DirectCriterion::NationalTalentProgramme
            | DirectCriterion::InternationalAchievement
            | DirectCriterion::ASalaryMultiple
            | DirectCriterion::FounderInvestment
            | DirectCriterion::PostdocUnderAge => Category::A,
            DirectCriterion::BachelorAndExperience
            | DirectCriterion::SkillCertificate
            | DirectCriterion::BSalaryMultiple => Category::B,
        }
    }
}

/// A direct criterion met, with the figures that meet it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectMet {
    pub criterion: DirectCriterion,
    pub params: BTreeMap<String, String>,
}

impl DirectMet {
    /// Parameters are moved in, not copied: assessments run in bulk.
    fn new<const N: usize>(criterion: DirectCriterion, params: [(&str, String); N]) -> DirectMet {
        DirectMet {
            criterion,
            params: params
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        }
    }
}

/// The points of one factor and the rule (band) that gave them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactorScore {
    pub factor: Factor,
    pub points: u32,
    pub rule: Reason,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Points {
    /// One entry per factor, in the order of [`Factor::ALL`].
    pub factors: Vec<FactorScore>,
    pub total: u32,
}

impl Points {
    pub fn of(&self, factor: Factor) -> u32 {
        self.factors
            .iter()
            .find(|f| f.factor == factor)
            .map_or(0, |f| f.points)
    }
}

/// Why the category is what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Basis {
    /// The first direct criterion of the category that is met.
    Direct { criterion: DirectCriterion },
    /// Points at or above the category's threshold.
    Points { total: u32, threshold: u32 },
    /// Points below B's threshold and no direct criterion: category C.
    BelowThresholds { total: u32, threshold_b: u32 },
}

/// Whether the case is a full application or only a filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "procedure", rename_all = "snake_case")]
pub enum Procedure {
    Application,
    /// A move between qualifying employers within a cluster during a valid permit.
    ClusterFiling {
        cluster: String,
    },
}

/// Originals to be filed in person after entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhysicalFiling {
    pub days_after_entry: u32,
}

/// Statutory time limits as dates, counted in working days after submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadlines {
    pub submitted_on: NaiveDate,
    pub pre_review: WorkingDays,
    pub decision: WorkingDays,
    /// The decision limit once extended.
    pub decision_extended: WorkingDays,
    /// Which decision limit applies and why.
    pub decision_rule: Reason,
}

/// The outcome of applying a policy to the facts of one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub policy_version: String,
    pub assessed_on: NaiveDate,
    /// Completed years on the assessment day.
    pub age: u32,
    pub points: Points,
    /// Every direct criterion met, A's first.
    pub direct_criteria: Vec<DirectMet>,
    pub category: Category,
    pub basis: Basis,
    /// Rules of the category the facts break; empty if eligible.
    pub failures: Vec<Reason>,
    /// Regional rules and exceptions that changed the outcome or were relied on.
    pub applied_rules: Vec<Reason>,
    pub procedure: Procedure,
    pub documents: Vec<ChecklistItem>,
    /// Category A may be accepted with documents still missing.
    pub accept_with_missing_documents: bool,
    pub physical_filing: Option<PhysicalFiling>,
    pub max_validity_months: u32,
    /// The latest end of the permit, from the start of the period asked for.
    pub valid_to_limit: Option<NaiveDate>,
    /// The region's yearly category C quota, for category C.
    pub c_quota: Option<u32>,
    pub deadlines: Deadlines,
}

impl Assessment {
    pub fn eligible(&self) -> bool {
        self.failures.is_empty()
    }

    /// The documents still to be submitted.
    pub fn to_submit(&self) -> impl Iterator<Item = &ChecklistItem> {
        self.documents.iter().filter(|d| d.to_submit())
    }
}

fn band_reason(rule: &str, value: impl ToString, s: &BandScore) -> Reason {
    let mut r = Reason::new(rule)
        .with("value", value)
        .with("from", s.band.from);
    if let Some(to) = s.band.to {
        r = r.with("to", to);
    }
    if s.capped {
        r = r.with("capped", true);
    }
    r
}

impl Policy {
    /// Applies the policy to `facts`.
    pub fn assess(&self, facts: &Facts) -> Assessment {
        let age = facts.applicant.date_of_birth.age_on(facts.assessed_on);
        let region = self.region(facts.region);
        let points = self.score(facts, age, region);
        let direct_criteria = self.direct_criteria(facts, age, region);
        let met = |c: Category| {
            direct_criteria
                .iter()
                .find(|d| d.criterion.category() == c)
                .map(|d| d.criterion)
        };
        let (first_a, first_b) = (met(Category::A), met(Category::B));
        let t = self.thresholds();
        let category = t.category_for(points.total, first_a.is_some(), first_b.is_some());
        let basis = match (category, first_a, first_b) {
            (Category::A, Some(criterion), _) | (Category::B, _, Some(criterion)) => {
                Basis::Direct { criterion }
            }
            (Category::A, None, _) => Basis::Points {
                total: points.total,
                threshold: t.a,
            },
            (Category::B, _, None) => Basis::Points {
                total: points.total,
                threshold: t.b,
            },
            (Category::C, _, _) => Basis::BelowThresholds {
                total: points.total,
                threshold_b: t.b,
            },
        };

        let mut applied = Vec::new();
        let wage_tests = self.direct_a().salary_multiple_of_local_average.is_some()
            || self.direct_b().salary_multiple_of_local_average.is_some();
        if wage_tests && region.and_then(|r| r.average_wage_yuan).is_none() {
            applied.push(Reason::new("average_wage_unknown").with("region", facts.region));
        }
        let failures = self.eligibility(facts, age, category, &basis, region, &mut applied);
        let procedure = self.procedure(facts);
        if let Procedure::ClusterFiling { cluster } = &procedure {
            applied.push(Reason::new("cluster_transfer_filing").with("cluster", cluster));
        }
        let rules = self.categories().get(category);
        let documents = self.checklist(
            facts,
            category,
            &procedure,
            rules.accept_with_missing_documents,
        );

        let mut max_validity_months = rules.max_validity_months;
        if category == Category::B
            && facts.applicant.profile.talent.young_graduate
            && let Some(months) = region.and_then(|r| r.young_graduate_max_validity_months)
        {
            max_validity_months = months;
            applied.push(
                Reason::new("young_graduate_validity")
                    .with("region", facts.region)
                    .with("months", months),
            );
        }
        let valid_to_limit = facts.requested_period.and_then(|p| {
            p.from()
                .checked_add_months(Months::new(max_validity_months))
        });

        let physical_filing = match (&procedure, facts.kind, region) {
            (Procedure::Application, ApplicationKind::New, Some(r)) => r
                .physical_filing_days_after_entry
                .map(|days_after_entry| PhysicalFiling { days_after_entry }),
            _ => None,
        };

        Assessment {
            policy_version: self.version().to_string(),
            assessed_on: facts.assessed_on,
            age,
            points,
            direct_criteria,
            category,
            basis,
            failures,
            applied_rules: applied,
            procedure,
            documents,
            accept_with_missing_documents: rules.accept_with_missing_documents,
            physical_filing,
            max_validity_months,
            valid_to_limit,
            c_quota: if category == Category::C {
                region.and_then(|r| r.c_quota)
            } else {
                None
            },
            deadlines: self.deadlines(facts),
        }
    }

    /// The points of every factor.
    fn score(&self, f: &Facts, age: u32, region: Option<&RegionRules>) -> Points {
        let p = self.points();
        let a = &f.applicant.profile;
        let mut factors = Vec::with_capacity(Factor::ALL.len());
        let mut push = |factor, points, rule| {
            factors.push(FactorScore {
                factor,
                points,
                rule,
            })
        };

        let s = p.salary.score_scaled(f.annual_salary.fen(), 100);
        push(
            Factor::Salary,
            s.points,
            band_reason("salary_band", f.annual_salary, &s),
        );

        push(
            Factor::Education,
            p.education.points(a.education),
            Reason::new("education_level").with("education", a.education.as_str()),
        );

        let years = a.experience_years.get();
        let s = p.experience.score(i64::from(years));
        push(
            Factor::Experience,
            s.points,
            band_reason("experience_band", years, &s),
        );

        let months = a.months_in_china.get();
        let s = p.months_in_china.score(i64::from(months));
        push(
            Factor::MonthsInChina,
            s.points,
            band_reason("months_in_china_band", months, &s),
        );

        let level = a.chinese.hsk_level.map_or(0, |l| l.get());
        let s = p.chinese.hsk.score(i64::from(level));
        let mut chinese = (s.points, band_reason("hsk_level_band", level, &s));
        for (has, points, rule) in [
            (
                a.chinese.former_chinese_national,
                p.chinese.former_chinese_national,
                "former_chinese_national",
            ),
            (
                a.chinese.degree_taught_in_chinese,
                p.chinese.degree_taught_in_chinese,
                "degree_taught_in_chinese",
            ),
        ] {
            if has && points > chinese.0 {
                chinese = (points, Reason::new(rule));
            }
        }
        push(Factor::Chinese, chinese.0, chinese.1);

        let listed = p.location.regions.contains(&f.region);
        push(
            Factor::Location,
            if listed { p.location.points } else { 0 },
            Reason::new(if listed {
                "listed_region"
            } else {
                "region_not_listed"
            })
            .with("region", f.region),
        );

        let s = p.age.score(i64::from(age));
        push(Factor::Age, s.points, band_reason("age_band", age, &s));

        let x = &p.extras;
        let items: Vec<(&str, u32)> = [
            (
                a.extras.top_foreign_university,
                "top_foreign_university",
                x.top_foreign_university,
            ),
            (
                a.extras.fortune_global_500_experience,
                "fortune_global_500_experience",
                x.fortune_global_500_experience,
            ),
            (a.extras.patents, "patents", x.patents),
            (
                a.extras.years_worked_in_china.get() >= x.years_in_china_min,
                "years_in_china",
                x.years_in_china,
            ),
        ]
        .into_iter()
        .filter(|(has, _, _)| *has)
        .map(|(_, name, points)| (name, points))
        .collect();
        let sum: u32 = items.iter().map(|(_, p)| p).sum();
        let rule = if items.is_empty() {
            Reason::new("no_extras")
        } else {
            let names: Vec<&str> = items.iter().map(|(n, _)| *n).collect();
            let r = Reason::new("extras")
                .with("items", names.join(","))
                .with("sum", sum);
            if sum > x.cap {
                r.with("capped", true)
            } else {
                r
            }
        };
        push(Factor::Extras, sum.min(x.cap), rule);

        let bonus = region.map_or(0, |r| r.provincial_bonus);
        push(
            Factor::ProvincialBonus,
            bonus,
            Reason::new("provincial_bonus").with("region", f.region),
        );

        let total = factors.iter().map(|f| f.points).sum();
        Points { factors, total }
    }

    fn direct_criteria(&self, f: &Facts, age: u32, region: Option<&RegionRules>) -> Vec<DirectMet> {
        let a = &f.applicant.profile;
        let t = &a.talent;
        let salary = f.annual_salary.fen();
        let wage = region.and_then(|r| r.average_wage_yuan);
        let mut out = Vec::new();
        let salary_multiple = |multiple: Option<u32>| -> Option<[(&'static str, String); 4]> {
            let (m, w) = (multiple?, wage?);
            let threshold_yuan = u64::from(m) * w;
            let fen = i64::try_from(threshold_yuan.saturating_mul(100)).unwrap_or(i64::MAX);
            (salary >= fen).then(|| {
                [
                    ("multiple", m.to_string()),
                    ("average_wage_yuan", w.to_string()),
                    ("threshold_yuan", threshold_yuan.to_string()),
                    ("salary_yuan", f.annual_salary.to_string()),
                ]
            })
        };

        let da = self.direct_a();
        if da.national_talent_programme && t.national_talent_programme {
            out.push(DirectMet::new(DirectCriterion::NationalTalentProgramme, []));
        }
        if da.international_achievement && t.international_achievement {
            out.push(DirectMet::new(
                DirectCriterion::InternationalAchievement,
                [],
            ));
        }
        if let Some(params) = salary_multiple(da.salary_multiple_of_local_average) {
            out.push(DirectMet::new(DirectCriterion::ASalaryMultiple, params));
        }
        if let (Some(test), Some(fd)) = (da.founder, a.founder)
            && fd.patents.get() >= test.min_patents
            && fd.years.get() >= test.min_years
            && fd.investment_usd.get() >= test.min_investment_usd
            && fd.stake.get() >= test.min_stake_percent
        {
            out.push(DirectMet::new(
                DirectCriterion::FounderInvestment,
                [
                    ("patents", fd.patents.get().to_string()),
                    ("years", fd.years.get().to_string()),
                    ("investment_usd", fd.investment_usd.get().to_string()),
                    ("stake_percent", fd.stake.get().to_string()),
                ],
            ));
        }
        if let Some(under) = da.postdoc_under_age
            && t.postdoctoral_work
            && age < under
        {
            out.push(DirectMet::new(
                DirectCriterion::PostdocUnderAge,
                [("age", age.to_string()), ("under_age", under.to_string())],
            ));
        }

        let db = self.direct_b();
        if let Some(de) = db.bachelor_and_experience
            && a.education >= de.min_education
            && a.experience_years.get() >= de.min_experience_years
        {
            out.push(DirectMet::new(
                DirectCriterion::BachelorAndExperience,
                [
                    ("education", a.education.as_str().to_string()),
                    ("years", a.experience_years.get().to_string()),
                ],
            ));
        }
        if db.skill_certificate && t.skill_certificate {
            out.push(DirectMet::new(DirectCriterion::SkillCertificate, []));
        }
        if let Some(params) = salary_multiple(db.salary_multiple_of_local_average) {
            out.push(DirectMet::new(DirectCriterion::BSalaryMultiple, params));
        }
        out
    }

    fn eligibility(
        &self,
        f: &Facts,
        age: u32,
        category: Category,
        basis: &Basis,
        region: Option<&RegionRules>,
        applied: &mut Vec<Reason>,
    ) -> Vec<Reason> {
        let a = &f.applicant;
        let p = &a.profile;
        let t = &p.talent;
        let cat = category.as_str();
        let mut failures = Vec::new();
        if a.nationality.as_str() == "CHN" {
            failures.push(Reason::new("not_foreign_national"));
        }
        if let Some(min) = self.min_age()
            && age < min
        {
            failures.push(
                Reason::new("below_minimum_age")
                    .with("age", age)
                    .with("min_age", min),
            );
        }

        let rules = self.categories().get(category);
        let mut max_age = rules.max_age;
        if category == Category::B
            && t.urgently_needed
            && let Some(limit) = region.and_then(|r| r.b_max_age_urgently_needed)
        {
            max_age = Some(limit);
            applied.push(
                Reason::new("urgently_needed_age_limit")
                    .with("region", f.region)
                    .with("max_age", limit),
            );
        }
        if let Some(max) = max_age
            && age > max
        {
            failures.push(
                Reason::new("over_age_limit")
                    .with("category", cat)
                    .with("age", age)
                    .with("max_age", max),
            );
        }

        let by_points = matches!(basis, Basis::Points { .. });
        let has_rule = rules.min_education.is_some() || rules.min_experience_years.is_some();
        if by_points && has_rule {
            if t.innovation_talent
                && region.is_some_and(|r| r.innovation_talent_skips_degree_experience)
            {
                applied.push(
                    Reason::new("innovation_talent_degree_experience_exempt")
                        .with("region", f.region),
                );
                return failures;
            }
            if let Some(min) = rules.min_education
                && p.education < min
            {
                failures.push(
                    Reason::new("degree_required")
                        .with("category", cat)
                        .with("min_education", min.as_str())
                        .with("education", p.education.as_str()),
                );
            }
            let years = p.experience_years.get();
            if let Some(min) = rules.min_experience_years
                && years < min
            {
                if t.young_graduate && region.is_some_and(|r| r.young_graduate_skips_experience) {
                    applied.push(
                        Reason::new("young_graduate_experience_exempt").with("region", f.region),
                    );
                } else {
                    failures.push(
                        Reason::new("experience_required")
                            .with("category", cat)
                            .with("min_years", min)
                            .with("years", years),
                    );
                }
            }
        }
        failures
    }

    /// A move between qualifying employers of one cluster while the current permit is valid is
    /// only filed.
    fn procedure(&self, f: &Facts) -> Procedure {
        if !matches!(f.kind, ApplicationKind::New | ApplicationKind::Change) {
            return Procedure::Application;
        }
        let Some(current) = f.current_permit else {
            return Procedure::Application;
        };
        if current.valid_to < f.assessed_on {
            return Procedure::Application;
        }
        self.clusters()
            .find(|(_, c)| {
                let qualifies = |kind, multinational| {
                    c.transfer_filing_employers
                        .iter()
                        .any(|e| e.matches(kind, multinational))
                };
                c.contains(current.city)
                    && c.contains(f.employer.city)
                    && qualifies(current.employer_kind, current.multinational)
                    && qualifies(f.employer.kind, f.employer.multinational)
            })
            .map_or(Procedure::Application, |(name, _)| {
                Procedure::ClusterFiling {
                    cluster: name.to_string(),
                }
            })
    }

    fn checklist(
        &self,
        f: &Facts,
        category: Category,
        procedure: &Procedure,
        deferrable: bool,
    ) -> Vec<ChecklistItem> {
        let docs = self.documents();
        let mut kinds = docs.required(category, f.kind).to_vec();
        let filing = match procedure {
            Procedure::ClusterFiling { cluster } => self
                .clusters()
                .find(|(name, _)| name == cluster)
                .map(|(name, c)| (name, &c.filing_documents)),
            Procedure::Application => None,
        };
        if let Some((_, filing_docs)) = filing {
            for k in filing_docs {
                if !kinds.contains(k) {
                    kinds.push(*k);
                }
            }
        }
        kinds
            .into_iter()
            .map(|kind| {
                let valid_months = docs.valid_months.get(&kind).copied();
                let status = match filing {
                    Some((name, filing_docs)) if !filing_docs.contains(&kind) => {
                        DocumentStatus::Exempt {
                            reason: Reason::new("cluster_transfer_filing").with("cluster", name),
                        }
                    }
                    _ if docs.shared_data.contains(&kind) => DocumentStatus::Exempt {
                        reason: Reason::new("shared_data"),
                    },
                    _ if kind == DocumentKind::FamilyDocuments
                        && !f.applicant.profile.accompanying_family =>
                    {
                        DocumentStatus::Exempt {
                            reason: Reason::new("no_accompanying_family"),
                        }
                    }
                    _ => self.on_file(f, kind, valid_months),
                };
                let item = ChecklistItem {
                    document: kind,
                    status,
                    valid_months,
                    deferrable: false,
                };
                ChecklistItem {
                    deferrable: deferrable && item.to_submit(),
                    ..item
                }
            })
            .collect()
    }

    /// Whether a document of `kind` on file can stand in for a new one: verified where this
    /// region accepts it, and still within its validity window.
    fn on_file(&self, f: &Facts, kind: DocumentKind, valid_months: Option<u32>) -> DocumentStatus {
        let mut candidates: Vec<_> = f
            .documents_on_file
            .iter()
            .filter(|d| d.kind == kind && d.verified_on <= f.assessed_on)
            .collect();
        candidates.sort_by_key(|d| Reverse(d.issued_on));
        let mut stale = None;
        for d in candidates {
            let Some(reuse) = self.reuse(kind, d.verified_in, f.region) else {
                continue;
            };
            if let Some(months) = valid_months {
                let valid_until = d
                    .issued_on
                    .checked_add_months(Months::new(months))
                    .unwrap_or(NaiveDate::MAX);
                if f.assessed_on > valid_until {
                    stale.get_or_insert(DocumentStatus::Stale {
                        verified_in: d.verified_in,
                        issued_on: d.issued_on,
                        valid_until,
                    });
                    continue;
                }
            }
            return DocumentStatus::OnFile {
                verified_in: d.verified_in,
                verified_on: d.verified_on,
                reuse,
            };
        }
        stale.unwrap_or(DocumentStatus::Required)
    }

    fn reuse(&self, kind: DocumentKind, verified_in: City, region: City) -> Option<Reuse> {
        if verified_in == region {
            return self
                .documents()
                .reusable
                .contains(&kind)
                .then_some(Reuse::SameRegion);
        }
        self.clusters()
            .find(|(_, c)| {
                c.contains(verified_in) && c.contains(region) && c.reuse_documents.contains(&kind)
            })
            .map(|(name, _)| Reuse::Cluster {
                cluster: name.to_string(),
            })
    }

    fn deadlines(&self, f: &Facts) -> Deadlines {
        self.deadlines_for(f.submitted_on.unwrap_or(f.assessed_on), f.requested_period)
    }

    /// The statutory deadlines of an application submitted on `submitted_on`, whether or not it
    /// was assessed: the decision's limit depends on the period asked for.
    pub fn deadlines_for(&self, submitted_on: NaiveDate, period: Option<Period>) -> Deadlines {
        let tl = self.time_limits();
        let (days, rule) = match period {
            Some(p) if p.days() > tl.short_permit_max_days => (
                tl.decision_working_days,
                Reason::new("decision_long_permit").with("period_days", p.days()),
            ),
            Some(p) => (
                tl.short_decision_working_days,
                Reason::new("decision_short_permit").with("period_days", p.days()),
            ),
            None => (tl.decision_working_days, Reason::new("decision_no_period")),
        };
        let [pre_review, decision, decision_extended] = self.calendar().add_working_days_each(
            submitted_on,
            [
                tl.pre_review_working_days,
                days,
                days + tl.decision_extension_working_days,
            ],
        );
        Deadlines {
            submitted_on,
            pre_review,
            decision,
            decision_extended,
            decision_rule: rule
                .with("short_permit_max_days", tl.short_permit_max_days)
                .with("working_days", days),
        }
    }
}
