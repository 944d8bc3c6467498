//! An assessment in words: the rule ids, factors, criteria and documents of a
//! [`domain::policy::Assessment`] turned into sentences of one locale, kept beside the ids and
//! figures they come from, for the JSON API and the pages. The sentences are in
//! `locales/policy.*.ftl`: `policy-rule-<rule id>` for every reason, with its parameters as
//! variables.

use crate::i18n::{Catalog, Locale};
use chrono::{DateTime, NaiveDate, Utc};
use domain::city::City;
use domain::policy::{
    Assessment, Basis, ChecklistItem, DirectCriterion, DirectMet, DocumentStatus, FactorScore,
    Procedure, Reason, Reuse, WorkingDays,
};
use domain::registers::{Evidence, Outcome};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A rule that applied: its id and figures, and what it says.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExplainedRule {
    pub rule: String,
    pub params: BTreeMap<String, String>,
    pub text: String,
}

/// The points of one factor and the band or rule that gave them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExplainedFactor {
    pub factor: String,
    pub label: String,
    pub points: u32,
    pub rule: String,
    pub params: BTreeMap<String, String>,
    pub text: String,
}

/// A direct criterion met, with the figures that meet it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExplainedCriterion {
    pub criterion: String,
    /// The category it places in: `A` or `B`.
    pub category: String,
    pub label: String,
    pub params: BTreeMap<String, String>,
    pub text: String,
}

/// `application` or `cluster_filing`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExplainedProcedure {
    pub id: String,
    pub cluster: Option<String>,
    pub text: String,
}

/// One line of the document checklist.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExplainedDocument {
    pub kind: String,
    pub label: String,
    /// `required`, `stale`, `on_file`, `exempt`, `confirmed` (by a register) or `paper` (a
    /// register did not confirm it).
    pub status: String,
    pub status_label: String,
    pub text: String,
    pub valid_months: Option<u32>,
    pub deferrable: bool,
    pub to_submit: bool,
}

/// A time limit as a date.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExplainedDeadline {
    pub date: NaiveDate,
    pub working_days: u32,
    pub label: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExplainedDeadlines {
    pub submitted_on: NaiveDate,
    pub pre_review: ExplainedDeadline,
    pub decision: ExplainedDeadline,
    pub decision_extended: ExplainedDeadline,
    /// Which decision limit applies and why.
    pub rule: ExplainedRule,
    /// Set when a date relied on a year without a calendar or with a provisional one.
    pub note: Option<String>,
}

/// An assessment with every outcome explained in one locale.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Explained {
    pub policy_version: String,
    /// `A`, `B` or `C`.
    pub category: String,
    pub category_label: String,
    pub category_description: String,
    /// `direct` (criterion), `points` (total, threshold) or `below_thresholds` (total,
    /// threshold_b).
    pub basis: ExplainedRule,
    pub total_points: u32,
    pub factors: Vec<ExplainedFactor>,
    pub direct_criteria: Vec<ExplainedCriterion>,
    pub eligible: bool,
    pub failures: Vec<ExplainedRule>,
    pub applied_rules: Vec<ExplainedRule>,
    pub procedure: ExplainedProcedure,
    pub documents: Vec<ExplainedDocument>,
    pub accept_with_missing_documents: bool,
    pub physical_filing: Option<String>,
    pub max_validity_months: u32,
    pub valid_to_limit: Option<NaiveDate>,
    /// The maximum validity, and the latest end date when a period was asked for.
    pub validity: String,
    pub c_quota: Option<u32>,
    pub c_quota_text: Option<String>,
    pub deadlines: ExplainedDeadlines,
}

/// What a register answered about an application, and what came of it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExplainedCheck {
    /// The document the fact stands for.
    pub document: String,
    pub document_label: String,
    /// `business_licence` or `accommodation`.
    pub fact: String,
    /// The register, by its configured name.
    pub register: String,
    pub asked_at: DateTime<Utc>,
    /// None when no answer came.
    pub answered_at: Option<DateTime<Utc>>,
    /// `confirmed`, `not_confirmed`, `no_answer` or `garbage`.
    pub outcome: String,
    pub outcome_label: String,
    /// Why it was not confirmed: a snake_case code (see docs/registers.md).
    pub reason: Option<String>,
    /// The register's reference and the date its data was current on, when confirmed.
    pub reference: Option<String>,
    pub as_of: Option<NaiveDate>,
    pub text: String,
    /// The answer as received, cut to 4 KiB.
    pub answer: String,
}

/// Explains what registers answered, in `locale`.
pub fn checks(catalog: &Catalog, locale: Locale, evidence: &[Evidence]) -> Vec<ExplainedCheck> {
    let w = Words { catalog, locale };
    evidence.iter().map(|e| w.check(e)).collect()
}

/// Explains `a` in `locale`.
pub fn explain(catalog: &Catalog, locale: Locale, a: &Assessment) -> Explained {
    Words { catalog, locale }.explain(a)
}

/// One line of a document checklist in words.
pub fn document(catalog: &Catalog, locale: Locale, item: &ChecklistItem) -> ExplainedDocument {
    Words { catalog, locale }.document(item)
}

/// The sentence of one reason, as in an assessment's factors, failures and applied rules.
pub fn reason_text(catalog: &Catalog, locale: Locale, r: &Reason) -> String {
    Words { catalog, locale }.reason(r)
}

/// A message id from a prefix and a snake_case id.
fn key(prefix: &str, id: &str) -> String {
    format!("{prefix}-{}", id.replace('_', "-"))
}

type Args = Vec<(String, String)>;

fn arg(name: &str, value: impl ToString) -> (String, String) {
    (name.to_string(), value.to_string())
}

struct Words<'a> {
    catalog: &'a Catalog,
    locale: Locale,
}

impl Words<'_> {
    /// The message `key`. The catalogue passes variables as text, which Fluent cannot match
    /// against plural categories, so each whole number `$x` comes with `$x_plural`.
    fn say(&self, key: &str, mut args: Args) -> String {
        let plurals: Args = args
            .iter()
            .filter_map(|(name, value)| {
                let form = match value.parse::<u64>().ok()? {
                    0 => "zero",
                    1 => "one",
                    _ => "other",
                };
                Some(arg(&format!("{name}_plural"), form))
            })
            .collect();
        args.extend(plurals);
        let args: Vec<(&str, String)> = args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        self.catalog.get(self.locale, key, &args)
    }

    fn t(&self, key: &str) -> String {
        self.catalog.t(self.locale, key)
    }

    /// Sentences one after the other: a space between them in English, none in Chinese.
    fn sentences(&self, parts: &[String]) -> String {
        let sep = match self.locale {
            Locale::En => " ",
            Locale::Zh => "",
        };
        parts.join(sep)
    }

    fn city(&self, c: City) -> String {
        match self.locale {
            Locale::En => c.info().name_en.to_string(),
            Locale::Zh => c.info().name_zh.to_string(),
        }
    }

    /// The label of an id, or the id itself when the catalogue has none (a cluster a new policy
    /// file names, say).
    fn label_or_id(&self, prefix: &str, id: &str) -> String {
        let k = key(prefix, id);
        if self.catalog.has(self.locale, &k) {
            self.t(&k)
        } else {
            id.to_string()
        }
    }

    /// A parameter as a reader wants it: codes become names, the rest stays as it is.
    fn value(&self, name: &str, v: &str) -> String {
        match name {
            "region" => City::parse(name, v).map_or_else(|_| v.to_string(), |c| self.city(c)),
            "cluster" => self.label_or_id("policy-cluster", v),
            "education" | "min_education" => self.label_or_id("policy-education", v),
            "why" => self.label_or_id("policy-register-why", v),
            "items" => {
                let sep = match self.locale {
                    Locale::En => ", ",
                    Locale::Zh => "、",
                };
                v.split(',')
                    .map(|item| self.label_or_id("policy-extra", item))
                    .collect::<Vec<_>>()
                    .join(sep)
            }
            _ => v.to_string(),
        }
    }

    /// The variables of a reason's message. A band also gets `$last`, its last whole value, or
    /// `$to = none` when it is the open top band.
    fn params(&self, params: &BTreeMap<String, String>) -> Args {
        let mut args: Args = params
            .iter()
            .map(|(name, v)| (name.clone(), self.value(name, v)))
            .collect();
        if params.contains_key("from") {
            match params.get("to").and_then(|to| to.parse::<i64>().ok()) {
                Some(to) => args.push(arg("last", to - 1)),
                None => args.push(arg("to", "none")),
            }
        }
        args
    }

    fn reason(&self, r: &Reason) -> String {
        self.say(&key("policy-rule", &r.rule), self.params(&r.params))
    }

    fn rule(&self, r: &Reason) -> ExplainedRule {
        ExplainedRule {
            rule: r.rule.clone(),
            params: r.params.clone(),
            text: self.reason(r),
        }
    }

    fn explain(&self, a: &Assessment) -> Explained {
        let category = a.category.as_str();
        let validity = match a.valid_to_limit {
            Some(date) => self.say(
                "policy-max-validity-until",
                vec![arg("months", a.max_validity_months), arg("date", date)],
            ),
            None => self.say(
                "policy-max-validity",
                vec![arg("months", a.max_validity_months)],
            ),
        };
        Explained {
            policy_version: a.policy_version.clone(),
            category: category.to_string(),
            category_label: self.t(&key("policy-category", &category.to_ascii_lowercase())),
            category_description: self.t(&key(
                "policy-category",
                &format!("{}-description", category.to_ascii_lowercase()),
            )),
            basis: self.basis(a),
            total_points: a.points.total,
            factors: a.points.factors.iter().map(|f| self.factor(f)).collect(),
            direct_criteria: a
                .direct_criteria
                .iter()
                .map(|d| self.criterion(d))
                .collect(),
            eligible: a.eligible(),
            failures: a.failures.iter().map(|r| self.rule(r)).collect(),
            applied_rules: a.applied_rules.iter().map(|r| self.rule(r)).collect(),
            procedure: self.procedure(&a.procedure),
            documents: a.documents.iter().map(|d| self.document(d)).collect(),
            accept_with_missing_documents: a.accept_with_missing_documents,
            physical_filing: a.physical_filing.map(|p| {
                self.say(
                    "policy-physical-filing",
                    vec![arg("days", p.days_after_entry)],
                )
            }),
            max_validity_months: a.max_validity_months,
            valid_to_limit: a.valid_to_limit,
            validity,
            c_quota: a.c_quota,
            c_quota_text: a
                .c_quota
                .map(|q| self.say("policy-c-quota", vec![arg("quota", q)])),
            deadlines: self.deadlines(a),
        }
    }

    /// The basis as a reason with the ids and figures the README lists; a direct criterion is
    /// told with the figures that met it.
    fn basis(&self, a: &Assessment) -> ExplainedRule {
        let category = arg("category", a.category.as_str());
        let (reason, mut args) = match &a.basis {
            Basis::Direct { criterion } => {
                let met = a
                    .direct_criteria
                    .iter()
                    .find(|d| d.criterion == *criterion)
                    .map_or_else(
                        || self.criterion_label(*criterion),
                        |d| self.criterion_met(d),
                    );
                (
                    Reason::new("direct").with("criterion", criterion.as_str()),
                    vec![arg("criterion", met)],
                )
            }
            Basis::Points { total, threshold } => {
                let r = Reason::new("points")
                    .with("total", total)
                    .with("threshold", threshold);
                let args = self.params(&r.params);
                (r, args)
            }
            Basis::BelowThresholds { total, threshold_b } => {
                let r = Reason::new("below_thresholds")
                    .with("total", total)
                    .with("threshold_b", threshold_b);
                let args = self.params(&r.params);
                (r, args)
            }
        };
        args.push(category);
        ExplainedRule {
            text: self.say(&key("policy-rule", &reason.rule), args),
            rule: reason.rule,
            params: reason.params,
        }
    }

    fn factor(&self, f: &FactorScore) -> ExplainedFactor {
        ExplainedFactor {
            factor: f.factor.as_str().to_string(),
            label: self.t(&key("policy-factor", f.factor.as_str())),
            points: f.points,
            rule: f.rule.rule.clone(),
            params: f.rule.params.clone(),
            text: self.reason(&f.rule),
        }
    }

    fn criterion_label(&self, c: DirectCriterion) -> String {
        self.t(&key("policy-criterion", c.as_str()))
    }

    fn criterion_met(&self, d: &DirectMet) -> String {
        self.say(
            &key("policy-criterion", &format!("{}-met", d.criterion.as_str())),
            self.params(&d.params),
        )
    }

    fn criterion(&self, d: &DirectMet) -> ExplainedCriterion {
        ExplainedCriterion {
            criterion: d.criterion.as_str().to_string(),
            category: d.criterion.category().as_str().to_string(),
            label: self.criterion_label(d.criterion),
            params: d.params.clone(),
            text: self.criterion_met(d),
        }
    }

    fn procedure(&self, p: &Procedure) -> ExplainedProcedure {
        match p {
            Procedure::Application => ExplainedProcedure {
                id: "application".into(),
                cluster: None,
                text: self.t("policy-procedure-application"),
            },
            Procedure::ClusterFiling { cluster } => ExplainedProcedure {
                id: "cluster_filing".into(),
                cluster: Some(cluster.clone()),
                text: self.say(
                    "policy-procedure-cluster-filing",
                    vec![arg("cluster", self.value("cluster", cluster))],
                ),
            },
        }
    }

    fn document(&self, item: &ChecklistItem) -> ExplainedDocument {
        let (status, first) = match &item.status {
            DocumentStatus::Required => ("required", self.t("policy-document-required")),
            DocumentStatus::Stale {
                verified_in,
                issued_on,
                valid_until,
            } => (
                "stale",
                self.say(
                    "policy-document-stale",
                    vec![
                        arg("region", self.city(*verified_in)),
                        arg("issued_on", issued_on),
                        arg("valid_until", valid_until),
                    ],
                ),
            ),
            DocumentStatus::OnFile {
                verified_in,
                verified_on,
                reuse,
            } => {
                let mut args = vec![
                    arg("region", self.city(*verified_in)),
                    arg("verified_on", verified_on),
                ];
                let k = match reuse {
                    Reuse::SameRegion => "policy-reuse-same-region",
                    Reuse::Cluster { cluster } => {
                        args.push(arg("cluster", self.value("cluster", cluster)));
                        "policy-reuse-cluster"
                    }
                };
                ("on_file", self.say(k, args))
            }
            DocumentStatus::Exempt { reason } => (
                "exempt",
                self.say(
                    "policy-document-exempt",
                    vec![arg("reason", self.reason(reason))],
                ),
            ),
            DocumentStatus::Confirmed {
                register,
                answered_at,
                reference,
                as_of,
            } => (
                "confirmed",
                self.say(
                    "policy-document-confirmed",
                    vec![
                        arg("register", register),
                        arg("answered_at", answered_at.format("%Y-%m-%d %H:%M UTC")),
                        arg("reference", reference),
                        arg("as_of", as_of),
                    ],
                ),
            ),
            DocumentStatus::Paper { reason } => (
                "paper",
                self.say(
                    "policy-document-paper",
                    vec![arg("reason", self.reason(reason))],
                ),
            ),
        };
        let mut parts = vec![first];
        // What the applicant must know about a document still to be handed in.
        if item.to_submit() {
            if let Some(months) = item.valid_months {
                parts.push(self.say("policy-document-valid-months", vec![arg("months", months)]));
            }
            if item.deferrable {
                parts.push(self.t("policy-document-deferrable"));
            }
        }
        ExplainedDocument {
            kind: item.document.as_str().to_string(),
            label: self.t(&key("policy-document-kind", item.document.as_str())),
            status: status.to_string(),
            status_label: self.t(&key("policy-document-status", status)),
            text: self.sentences(&parts),
            valid_months: item.valid_months,
            deferrable: item.deferrable,
            to_submit: item.to_submit(),
        }
    }

    fn check(&self, e: &Evidence) -> ExplainedCheck {
        let (reference, as_of) = match &e.outcome {
            Outcome::Confirmed { reference, as_of } => (Some(reference.clone()), Some(*as_of)),
            _ => (None, None),
        };
        let text = match (&reference, as_of) {
            (Some(r), Some(d)) => self.say(
                "policy-register-confirmed",
                vec![
                    arg("register", &e.register),
                    arg("reference", r),
                    arg("as_of", d),
                ],
            ),
            _ => self.reason(
                &Reason::new(&format!("register_{}", e.outcome.as_str()))
                    .with("register", &e.register)
                    .with("why", e.outcome.reason().unwrap_or_default()),
            ),
        };
        ExplainedCheck {
            document: e.document.as_str().to_string(),
            document_label: self.t(&key("policy-document-kind", e.document.as_str())),
            fact: e.fact.as_str().to_string(),
            register: e.register.clone(),
            asked_at: e.asked_at,
            answered_at: e.answered_at,
            outcome: e.outcome.as_str().to_string(),
            outcome_label: self.t(&key("policy-register-outcome", e.outcome.as_str())),
            reason: e.outcome.reason().map(str::to_string),
            reference,
            as_of,
            text,
            answer: e.answer.clone(),
        }
    }

    fn deadline(&self, name: &str, w: &WorkingDays) -> ExplainedDeadline {
        ExplainedDeadline {
            date: w.date,
            working_days: w.working_days,
            label: self.t(&format!("policy-deadline-{name}-label")),
            text: self.say(
                &format!("policy-deadline-{name}"),
                vec![arg("date", w.date), arg("working_days", w.working_days)],
            ),
        }
    }

    fn deadlines(&self, a: &Assessment) -> ExplainedDeadlines {
        let d = &a.deadlines;
        let counts = [&d.pre_review, &d.decision, &d.decision_extended];
        let mut notes = Vec::new();
        if counts.iter().any(|w| w.provisional) {
            notes.push(self.t("policy-deadline-provisional"));
        }
        if counts.iter().any(|w| w.fallback) {
            notes.push(self.t("policy-deadline-fallback"));
        }
        ExplainedDeadlines {
            submitted_on: d.submitted_on,
            pre_review: self.deadline("pre-review", &d.pre_review),
            decision: self.deadline("decision", &d.decision),
            decision_extended: self.deadline("decision-extended", &d.decision_extended),
            rule: self.rule(&d.decision_rule),
            note: (!notes.is_empty()).then(|| self.sentences(&notes)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::application::ApplicationKind;
    use domain::party::EmployerKind;
    use domain::permit::Category;
    use domain::policy::Profile;
    use domain::policy::{
        ApplicantFacts, BirthDate, ChineseFacts, DocumentKind, DocumentOnFile, Education,
        EmployerFacts, ExtrasFacts, Factor, Facts, HskLevel, MonthsPerYear, Period, Policy,
        TalentFacts, Years,
    };
    use domain::values::{Money, Nationality, Text};

    /// Every rule id of policies/README.md ("Rule ids in assessments"), with parameters as an
    /// assessment gives them.
    const RULES: &[(&str, &[(&str, &str)])] = &[
        (
            "salary_band",
            &[("value", "80000.00"), ("from", "70000"), ("to", "150000")],
        ),
        ("education_level", &[("education", "master")]),
        (
            "experience_band",
            &[("value", "1"), ("from", "0"), ("to", "2")],
        ),
        ("months_in_china_band", &[("value", "12"), ("from", "9")]),
        (
            "hsk_level_band",
            &[("value", "7"), ("from", "1"), ("capped", "true")],
        ),
        ("age_band", &[("value", "30"), ("from", "26"), ("to", "46")]),
        ("former_chinese_national", &[]),
        ("degree_taught_in_chinese", &[]),
        ("listed_region", &[("region", "610100")]),
        ("region_not_listed", &[("region", "310000")]),
        (
            "extras",
            &[
                ("items", "top_foreign_university,patents,years_in_china"),
                ("sum", "15"),
                ("capped", "true"),
            ],
        ),
        ("no_extras", &[]),
        ("provincial_bonus", &[("region", "130100")]),
        (
            "direct",
            &[
                ("criterion", "Selected by a national talent programme."),
                ("category", "A"),
            ],
        ),
        (
            "points",
            &[("total", "88"), ("threshold", "85"), ("category", "A")],
        ),
        ("below_thresholds", &[("total", "1"), ("threshold_b", "60")]),
        ("not_foreign_national", &[]),
        ("below_minimum_age", &[("age", "17"), ("min_age", "18")]),
        (
            "over_age_limit",
            &[("category", "B"), ("age", "71"), ("max_age", "70")],
        ),
        (
            "degree_required",
            &[
                ("category", "B"),
                ("min_education", "bachelor"),
                ("education", "other"),
            ],
        ),
        (
            "experience_required",
            &[("category", "B"), ("min_years", "2"), ("years", "0")],
        ),
        (
            "urgently_needed_age_limit",
            &[("region", "110000"), ("max_age", "70")],
        ),
        (
            "innovation_talent_degree_experience_exempt",
            &[("region", "110000")],
        ),
        ("young_graduate_experience_exempt", &[("region", "110000")]),
        (
            "young_graduate_validity",
            &[("region", "110000"), ("months", "36")],
        ),
        ("cluster_transfer_filing", &[("cluster", "jing_jin_ji")]),
        ("average_wage_unknown", &[("region", "120000")]),
        ("shared_data", &[]),
        ("no_accompanying_family", &[]),
        (
            "register_not_confirmed",
            &[("register", "file:demo"), ("why", "name_mismatch")],
        ),
        (
            "register_no_answer",
            &[
                ("register", "http://amr.example/licences"),
                ("why", "timeout"),
            ],
        ),
        (
            "register_garbage",
            &[
                ("register", "http://amr.example/licences"),
                ("why", "not_json"),
            ],
        ),
        ("register_not_configured", &[]),
        (
            "decision_long_permit",
            &[
                ("period_days", "365"),
                ("working_days", "20"),
                ("short_permit_max_days", "90"),
            ],
        ),
        (
            "decision_short_permit",
            &[
                ("period_days", "60"),
                ("working_days", "5"),
                ("short_permit_max_days", "90"),
            ],
        ),
        (
            "decision_no_period",
            &[("working_days", "20"), ("short_permit_max_days", "90")],
        ),
    ];

    /// Every reason a register's answer may leave a document on paper (docs/registers.md).
    const REGISTER_WHYS: [&str; 14] = [
        "not_registered",
        "licence_not_in_force",
        "name_mismatch",
        "not_in_city",
        "timeout",
        "unreachable",
        "status",
        "too_large",
        "not_json",
        "wrong_shape",
        "bad_reference",
        "other_subject",
        "as_of_in_future",
        "registered_in_future",
    ];

    const CRITERIA: [DirectCriterion; 8] = [
        DirectCriterion::NationalTalentProgramme,
        DirectCriterion::InternationalAchievement,
        DirectCriterion::ASalaryMultiple,
        DirectCriterion::FounderInvestment,
        DirectCriterion::PostdocUnderAge,
        DirectCriterion::BachelorAndExperience,
        DirectCriterion::SkillCertificate,
        DirectCriterion::BSalaryMultiple,
    ];

    fn reason(rule: &str, params: &[(&str, &str)]) -> Reason {
        params
            .iter()
            .fold(Reason::new(rule), |r, (k, v)| r.with(k, v))
    }

    /// A sentence for a reader: no placeholder left, no id, no snake_case word.
    fn assert_readable(text: &str) {
        assert!(!text.trim().is_empty(), "empty text");
        assert!(
            !text.contains('{') && !text.contains('}'),
            "placeholder in {text:?}"
        );
        // Rule ids with one word ("points", "direct") are plain English; the rest are snake_case.
        for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            assert!(!word.contains('_'), "raw id {word:?} in {text:?}");
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn city(code: &str) -> City {
        City::parse("city", code).unwrap()
    }

    /// A new permit in `region`, assessed (and submitted) on Tuesday 2026-03-10, for a British
    /// national born on `born` with a bachelor's degree and nothing else to speak of.
    fn facts(region: &str, born: &str) -> Facts {
        let on = d("2026-03-10");
        Facts {
            applicant: ApplicantFacts {
                date_of_birth: BirthDate::new("date_of_birth", d(born), on).unwrap(),
                nationality: Nationality::parse("nationality", "GBR").unwrap(),
                profile: Profile {
                    education: Education::Bachelor,
                    experience_years: Years::default(),
                    months_in_china: MonthsPerYear::new("months", 0).unwrap(),
                    chinese: ChineseFacts::default(),
                    extras: ExtrasFacts::default(),
                    talent: TalentFacts::default(),
                    founder: None,
                    accompanying_family: false,
                },
            },
            employer: EmployerFacts {
                kind: EmployerKind::Enterprise,
                city: city(region),
                multinational: false,
            },
            position: Text::parse("position", "Engineer", 100).unwrap(),
            annual_salary: Money::parse("annual_salary", "0").unwrap(),
            kind: ApplicationKind::New,
            region: city(region),
            requested_period: None,
            assessed_on: on,
            submitted_on: None,
            current_permit: None,
            documents_on_file: Vec::new(),
        }
    }

    fn yuan(s: &str) -> Money {
        Money::parse("annual_salary", s).unwrap()
    }

    fn years(n: i64) -> Years {
        Years::new("years", n).unwrap()
    }

    fn months(n: i64) -> MonthsPerYear {
        MonthsPerYear::new("months", n).unwrap()
    }

    fn both(f: &Facts) -> (Explained, Explained) {
        let c = Catalog::default();
        let a = Policy::national_default().assess(f);
        (explain(&c, Locale::En, &a), explain(&c, Locale::Zh, &a))
    }

    fn factor(e: &Explained, f: Factor) -> &ExplainedFactor {
        e.factors.iter().find(|x| x.factor == f.as_str()).unwrap()
    }

    fn document(e: &Explained, k: DocumentKind) -> &str {
        &e.documents
            .iter()
            .find(|x| x.kind == k.as_str())
            .unwrap()
            .text
    }

    /// Every text of an explanation.
    fn texts(e: &Explained) -> Vec<&str> {
        let mut out = vec![
            e.category_label.as_str(),
            &e.category_description,
            &e.basis.text,
            &e.procedure.text,
            &e.validity,
            &e.deadlines.pre_review.label,
            &e.deadlines.pre_review.text,
            &e.deadlines.decision.label,
            &e.deadlines.decision.text,
            &e.deadlines.decision_extended.label,
            &e.deadlines.decision_extended.text,
            &e.deadlines.rule.text,
        ];
        out.extend(e.deadlines.note.as_deref());
        out.extend(e.physical_filing.as_deref());
        out.extend(e.c_quota_text.as_deref());
        for f in &e.factors {
            out.extend([f.label.as_str(), &f.text]);
        }
        for c in &e.direct_criteria {
            out.extend([c.label.as_str(), &c.text]);
        }
        for r in e.failures.iter().chain(&e.applied_rules) {
            out.push(&r.text);
        }
        for doc in &e.documents {
            out.extend([doc.label.as_str(), &doc.status_label, &doc.text]);
        }
        out
    }

    fn assert_all_readable(pair: &(Explained, Explained)) {
        for e in [&pair.0, &pair.1] {
            for t in texts(e) {
                assert_readable(t);
            }
        }
    }

    #[test]
    fn every_id_has_a_message_in_both_languages() {
        // The match fails to compile when a criterion is added, until it is listed above.
        let position = |c: DirectCriterion| match c {
            DirectCriterion::NationalTalentProgramme => 0,
            DirectCriterion::InternationalAchievement => 1,
            DirectCriterion::ASalaryMultiple => 2,
            DirectCriterion::FounderInvestment => 3,
            DirectCriterion::PostdocUnderAge => 4,
            DirectCriterion::BachelorAndExperience => 5,
            DirectCriterion::SkillCertificate => 6,
            DirectCriterion::BSalaryMultiple => 7,
        };
        for (i, c) in CRITERIA.into_iter().enumerate() {
            assert_eq!(position(c), i);
        }
        let c = Catalog::default();
        let mut keys: Vec<String> = RULES.iter().map(|(r, _)| key("policy-rule", r)).collect();
        keys.extend(Factor::ALL.iter().map(|f| key("policy-factor", f.as_str())));
        for cr in CRITERIA {
            keys.push(key("policy-criterion", cr.as_str()));
            keys.push(key("policy-criterion", &format!("{}-met", cr.as_str())));
        }
        keys.extend(
            DocumentKind::ALL
                .iter()
                .map(|k| key("policy-document-kind", k.as_str())),
        );
        for s in [
            "required",
            "stale",
            "on_file",
            "exempt",
            "confirmed",
            "paper",
        ] {
            keys.push(key("policy-document-status", s));
        }
        for o in ["confirmed", "not_confirmed", "no_answer", "garbage"] {
            keys.push(key("policy-register-outcome", o));
        }
        for why in REGISTER_WHYS {
            keys.push(key("policy-register-why", why));
        }
        keys.push("policy-register-confirmed".into());
        keys.extend(
            Education::ALL
                .iter()
                .map(|e| key("policy-education", e.as_str())),
        );
        for x in [
            "top_foreign_university",
            "fortune_global_500_experience",
            "patents",
            "years_in_china",
        ] {
            keys.push(key("policy-extra", x));
        }
        keys.extend(
            Policy::national_default()
                .clusters()
                .map(|(n, _)| key("policy-cluster", n)),
        );
        for cat in [Category::A, Category::B, Category::C] {
            let l = cat.as_str().to_ascii_lowercase();
            keys.push(key("policy-category", &l));
            keys.push(key("policy-category", &format!("{l}-description")));
        }
        for l in Locale::ALL {
            for k in &keys {
                assert!(c.has(l, k), "{} lacks {k}", l.tag());
            }
        }
    }

    #[test]
    fn register_answers_read_in_both_languages() {
        use domain::registers::{Evidence, RegisterKind, apply};
        let at = chrono::DateTime::parse_from_rfc3339("2026-03-10T02:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let evidence = |outcome: Outcome| Evidence {
            document: DocumentKind::BusinessLicence,
            fact: RegisterKind::BusinessLicence,
            register: "http://amr.example/licences".into(),
            asked_at: at,
            answered_at: Some(at),
            outcome,
            answer: "{}".into(),
        };
        let c = Catalog::default();
        for outcome in [
            Outcome::Confirmed {
                reference: "BL-1".into(),
                as_of: d("2026-03-01"),
            },
            Outcome::no_answer("timeout"),
            Outcome::garbage("too_large"),
        ] {
            let e = evidence(outcome);
            let mut a = Policy::national_default().assess(&facts("110000", "1990-01-01"));
            apply(&mut a, std::slice::from_ref(&e));
            for l in Locale::ALL {
                let x = explain(&c, l, &a);
                let line = x
                    .documents
                    .iter()
                    .find(|d| d.kind == "business_licence")
                    .unwrap();
                assert_readable(&line.text);
                assert_readable(&line.status_label);
                assert_eq!(line.to_submit, !e.confirmed());
                let check = &checks(&c, l, std::slice::from_ref(&e))[0];
                assert_readable(&check.text);
                assert_readable(&check.outcome_label);
            }
        }
        let e = evidence(Outcome::no_answer("timeout"));
        assert_eq!(
            checks(&c, Locale::En, &[e])[0].text,
            "The register http://amr.example/licences gave no answer: it did not answer in time."
        );
    }

    #[test]
    fn every_rule_reads_as_a_sentence() {
        let c = Catalog::default();
        for (rule, params) in RULES {
            for l in Locale::ALL {
                let text = reason_text(&c, l, &reason(rule, params));
                assert_readable(&text);
            }
        }
        let r = reason(
            "hsk_level_band",
            &[("value", "0"), ("from", "0"), ("to", "1")],
        );
        assert_eq!(reason_text(&c, Locale::En, &r), "No HSK certificate.");
        assert_eq!(
            reason_text(&c, Locale::Zh, &r),
            "未取得汉语水平考试（HSK）证书。"
        );
        let r = reason(RULES[10].0, RULES[10].1);
        assert_eq!(
            reason_text(&c, Locale::En, &r),
            "Additional merits: graduate of a top foreign university, holder of patents, long \
             service in China; 15 points together. The factor's maximum caps the points."
        );
        assert_eq!(
            reason_text(&c, Locale::Zh, &r),
            "加分项：毕业于世界知名高校、拥有专利、在华工作年限较长，合计 15 分。按该项最高分计。"
        );
    }

    /// A doctor in Beijing paid far above six times the local average wage: category A directly,
    /// with a degree verified in Tianjin reused and a stale certificate to renew.
    #[test]
    fn category_a_by_direct_criterion_in_beijing() {
        let mut f = facts("110000", "1985-05-20");
        f.applicant.profile.education = Education::Doctorate;
        f.applicant.profile.experience_years = years(12);
        f.applicant.profile.months_in_china = months(12);
        f.applicant.profile.extras.fortune_global_500_experience = true;
        f.annual_salary = yuan("1500000");
        f.requested_period = Some(Period::new("p", d("2026-04-01"), d("2031-03-31")).unwrap());
        f.documents_on_file = vec![
            DocumentOnFile {
                kind: DocumentKind::DegreeCertificate,
                verified_in: city("120000"),
                verified_on: d("2025-11-03"),
                issued_on: d("2015-07-01"),
            },
            DocumentOnFile {
                kind: DocumentKind::NoCriminalRecord,
                verified_in: city("110000"),
                verified_on: d("2025-06-01"),
                issued_on: d("2025-05-20"),
            },
        ];
        let pair = both(&f);
        let (en, zh) = &pair;
        assert_all_readable(&pair);

        assert_eq!(
            (en.category.as_str(), en.basis.rule.as_str()),
            ("A", "direct")
        );
        assert_eq!(en.category_label, "Category A (foreign high-end talent)");
        assert_eq!(zh.category_label, "外国高端人才（A类）");
        assert_eq!(
            en.basis.text,
            "Category A by a direct criterion. Annual salary of 1500000.00 yuan, at least 6 times \
             the local average wage of 218000 yuan (1308000 yuan)."
        );
        assert_eq!(
            zh.basis.text,
            "符合A类直接认定条件。工资性年收入 1500000.00 元，不低于当地平均工资 218000 元的 6 倍\
             （1308000 元）。"
        );
        assert_eq!(
            factor(en, Factor::Salary).text,
            "Annual salary of 1500000.00 yuan: top band, 450000 yuan or more."
        );
        assert_eq!(
            factor(zh, Factor::Salary).text,
            "工资性年收入 1500000.00 元，属于 450000 元及以上的最高档。"
        );
        assert_eq!(
            factor(en, Factor::Experience).text,
            "12 years of relevant work experience: band of 2 years or more."
        );
        assert_eq!(
            factor(zh, Factor::Experience).text,
            "相关工作经历 12 年，属于 2 年及以上档。"
        );
        assert_eq!(
            factor(en, Factor::Extras).text,
            "Additional merits: experience at a Fortune Global 500 company; 5 points together."
        );
        assert_eq!(
            factor(zh, Factor::Extras).text,
            "加分项：曾在世界500强企业任职，合计 5 分。"
        );
        assert_eq!(
            document(en, DocumentKind::DegreeCertificate),
            "On file: verified in Tianjin on 2025-11-03 and recognised within the \
             Beijing–Tianjin–Hebei cluster, so not asked for again."
        );
        assert_eq!(
            document(zh, DocumentKind::DegreeCertificate),
            "已存档：天津市已于 2025-11-03 核验，京津冀区域内互认，无需重复提交。"
        );
        assert_eq!(
            document(en, DocumentKind::NoCriminalRecord),
            "To be submitted again: the one verified in Beijing was issued on 2025-05-20 and was \
             accepted only until 2025-11-20. Accepted within 6 months of issue. The application \
             may be accepted before it is provided."
        );
        assert_eq!(
            document(zh, DocumentKind::NoCriminalRecord),
            "须重新提交：北京市核验的材料签发于 2025-05-20，有效期已于 2025-11-20 届满。\
             自签发之日起 6 个月内有效。可容缺受理，后补此项材料。"
        );
        assert_eq!(
            document(en, DocumentKind::BusinessLicence),
            "Not required. It is confirmed from another department's register at submission."
        );
        assert_eq!(
            document(zh, DocumentKind::BusinessLicence),
            "免于提交。提交时通过其他部门登记系统共享数据核验。"
        );
        assert!(en.eligible && en.failures.is_empty());
        assert_eq!(
            en.validity,
            "Up to 60 months: from the start asked for, until 2031-04-01 at the latest."
        );
        assert_eq!(
            zh.validity,
            "最长 60 个月：自申请的起始日起算，最迟至 2031-04-01。"
        );

        let (den, dzh) = (&en.deadlines, &zh.deadlines);
        assert_eq!(
            den.pre_review.text,
            "Online pre-review by 2026-03-17, 5 working days after submission."
        );
        assert_eq!(
            dzh.pre_review.text,
            "网上预审于 2026-03-17 前完成（提交后 5 个工作日内）。"
        );
        // Qingming, Monday 6 April, is no working day.
        assert_eq!(
            den.decision.text,
            "Decision by 2026-04-08, 20 working days after submission."
        );
        assert_eq!(
            dzh.decision.text,
            "于 2026-04-08 前作出审批决定（提交后 20 个工作日内）。"
        );
        assert_eq!(
            den.rule.text,
            "A permit of 1826 days, longer than 90: decided within 20 working days."
        );
        assert_eq!(
            dzh.rule.text,
            "申请期限 1826 天，超过 90 天，应在 20 个工作日内作出决定。"
        );
        assert_eq!(den.note, None);
    }

    /// A young master's graduate in Beijing with HSK 5: category B by points, the experience
    /// minimum waived and a longer permit, as Beijing allows young graduates.
    #[test]
    fn category_b_by_points_with_chinese_in_beijing() {
        let mut f = facts("110000", "2001-01-15");
        f.applicant.profile.education = Education::Master;
        f.applicant.profile.months_in_china = months(12);
        f.applicant.profile.chinese.hsk_level = Some(HskLevel::new("hsk", 5).unwrap());
        f.applicant.profile.talent.young_graduate = true;
        f.annual_salary = yuan("450000");
        let pair = both(&f);
        let (en, zh) = &pair;
        assert_all_readable(&pair);

        assert_eq!((en.category.as_str(), en.total_points), ("B", 65));
        assert_eq!(
            en.basis.text,
            "Category B by points: 65 points reach the threshold of 60."
        );
        assert_eq!(
            zh.basis.text,
            "按计点积分认定为B类：积分 65 分，达到 60 分的标准。"
        );
        assert_eq!(zh.category_label, "外国专业人才（B类）");
        assert_eq!(factor(en, Factor::Chinese).label, "Chinese language");
        assert_eq!(factor(zh, Factor::Chinese).label, "汉语水平");
        assert_eq!(
            factor(en, Factor::Chinese).text,
            "HSK level 5: band of level 1 and above."
        );
        assert_eq!(
            factor(zh, Factor::Chinese).text,
            "汉语水平考试（HSK）5 级，属于 1 级及以上档。"
        );
        assert_eq!(factor(en, Factor::Age).text, "Aged 25: band of 18–25.");
        assert_eq!(
            factor(zh, Factor::Age).text,
            "年龄 25 周岁，属于 18–25 周岁档。"
        );
        assert_eq!(
            factor(en, Factor::Experience).text,
            "0 years of relevant work experience: band of 0–1 years."
        );
        assert_eq!(
            factor(zh, Factor::Experience).text,
            "相关工作经历 0 年，属于 0–1 年档。"
        );
        assert_eq!(
            factor(en, Factor::Education).text,
            "Highest degree: master's degree."
        );
        assert_eq!(factor(zh, Factor::Education).text, "最高学位：硕士。");
        let applied: Vec<_> = en.applied_rules.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(
            applied,
            [
                "Beijing waives the work experience requirement for young graduates.",
                "Beijing grants young graduates in category B permits of up to 36 months.",
            ]
        );
        let applied: Vec<_> = zh.applied_rules.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(
            applied,
            [
                "北京市对外籍青年毕业生不要求工作经历。",
                "北京市对B类外籍青年毕业生的工作许可有效期最长可至 36 个月。",
            ]
        );
        assert!(en.eligible);
        assert_eq!(
            document(en, DocumentKind::ExperienceProof),
            "To be submitted."
        );
        assert_eq!(document(zh, DocumentKind::ExperienceProof), "须提交。");
        assert_eq!(
            document(en, DocumentKind::FamilyDocuments),
            "Not required. No family members accompany the applicant."
        );
        assert_eq!(
            document(zh, DocumentKind::FamilyDocuments),
            "免于提交。无随行家属。"
        );
        assert_eq!(
            (en.validity.as_str(), zh.validity.as_str()),
            ("Up to 36 months.", "最长 36 个月。")
        );
        assert_eq!(
            en.deadlines.rule.text,
            "No period asked for: decided within 20 working days, as a permit longer than 90 days."
        );
    }

    /// A 63-year-old in Chengdu: too few points for B (age earns none past 60), so category C,
    /// within the city's quota.
    #[test]
    fn category_c_over_the_age_limit_of_b_in_chengdu() {
        let mut f = facts("510100", "1962-08-01");
        f.applicant.profile.experience_years = years(1);
        f.applicant.profile.months_in_china = months(6);
        f.annual_salary = yuan("120000");
        let pair = both(&f);
        let (en, zh) = &pair;
        assert_all_readable(&pair);

        assert_eq!((en.category.as_str(), en.total_points), ("C", 43));
        assert_eq!(
            en.basis.text,
            "Category C: 43 points fall short of the 60 needed for category B, and no direct \
             criterion is met."
        );
        assert_eq!(
            zh.basis.text,
            "认定为C类：积分 43 分，低于B类所需的 60 分，且不符合直接认定条件。"
        );
        assert_eq!(zh.category_label, "其他外国人员（C类）");
        assert_eq!(
            factor(en, Factor::Age).text,
            "Aged 63: band of 61 and over."
        );
        assert_eq!(
            factor(zh, Factor::Age).text,
            "年龄 63 周岁，属于 61 周岁及以上档。"
        );
        assert_eq!(
            factor(en, Factor::Location).text,
            "Works in Chengdu, one of the western regions, north-eastern industrial bases and \
             poverty counties that earn location points."
        );
        assert_eq!(
            factor(zh, Factor::Location).text,
            "在成都市工作，属于西部地区、东北等老工业基地或国家扶贫开发工作重点县，予以加分。"
        );
        assert_eq!(
            factor(en, Factor::ProvincialBonus).text,
            "Local incentive points that Chengdu grants to everyone working there."
        );
        assert_eq!(
            factor(zh, Factor::ProvincialBonus).text,
            "成都市对在本地工作的申请人给予的地方鼓励性加分。"
        );
        assert_eq!(
            factor(en, Factor::MonthsInChina).text,
            "Works 6 months a year in China: band of 6–8 months."
        );
        assert_eq!(
            factor(zh, Factor::MonthsInChina).text,
            "每年在华工作 6 个月，属于 6–8 个月档。"
        );
        assert_eq!(
            en.c_quota_text.as_deref(),
            Some("The region may issue 1000 category C permits a year.")
        );
        assert_eq!(
            zh.c_quota_text.as_deref(),
            Some("本地区每年可签发C类工作许可 1000 个。")
        );
        assert_eq!(
            document(en, DocumentKind::MedicalReport),
            "To be submitted. Accepted within 6 months of issue."
        );
        assert_eq!(
            document(zh, DocumentKind::MedicalReport),
            "须提交。自签发之日起 6 个月内有效。"
        );
        assert!(en.eligible && en.direct_criteria.is_empty());
    }

    /// The age limit of B applies however B is reached: a 63-year-old engineer in Shanghai meets
    /// the degree-and-experience criterion and still fails it.
    #[test]
    fn category_b_by_criterion_over_the_age_limit_in_shanghai() {
        let mut f = facts("310000", "1963-01-01");
        f.applicant.profile.experience_years = years(10);
        f.applicant.profile.months_in_china = months(12);
        f.annual_salary = yuan("200000");
        f.requested_period = Some(Period::new("p", d("2026-04-01"), d("2026-06-29")).unwrap());
        let pair = both(&f);
        let (en, zh) = &pair;
        assert_all_readable(&pair);

        assert_eq!(en.category, "B");
        assert_eq!(
            en.basis.text,
            "Category B by a direct criterion. Highest degree: bachelor's degree, with 10 years \
             of relevant work experience."
        );
        assert_eq!(
            zh.basis.text,
            "符合B类直接认定条件。最高学位：学士，具有 10 年相关工作经历。"
        );
        assert!(!en.eligible);
        assert_eq!(en.failures[0].rule, "over_age_limit");
        assert_eq!(
            en.failures[0].text,
            "Aged 63: over the age limit of 60 for category B."
        );
        assert_eq!(
            zh.failures[0].text,
            "年龄 63 周岁，超过B类 60 周岁的年龄上限。"
        );
        assert_eq!(
            en.physical_filing.as_deref(),
            Some(
                "The originals of the documents are to be filed in person within 30 days of entry."
            )
        );
        assert_eq!(
            zh.physical_filing.as_deref(),
            Some("须在入境后 30 日内现场提交申请材料原件。")
        );
        assert_eq!(
            en.deadlines.rule.text,
            "A permit of 90 days, no longer than 90: decided within 5 working days."
        );
        assert_eq!(
            zh.deadlines.rule.text,
            "申请期限 90 天，不超过 90 天，应在 5 个工作日内作出决定。"
        );
    }

    /// By points, B needs a degree and experience: both failures, in words.
    #[test]
    fn category_b_by_points_without_degree_or_experience() {
        let mut f = facts("310000", "1990-01-01");
        f.applicant.profile.education = Education::Other;
        f.applicant.profile.experience_years = years(1);
        f.applicant.profile.months_in_china = months(12);
        f.applicant.profile.chinese.former_chinese_national = true;
        f.applicant.profile.extras.patents = true;
        f.annual_salary = yuan("500000");
        let pair = both(&f);
        let (en, zh) = &pair;
        assert_all_readable(&pair);

        assert_eq!(
            (en.category.as_str(), en.basis.rule.as_str()),
            ("B", "points")
        );
        assert_eq!(
            factor(en, Factor::Chinese).text,
            "Scored as a former Chinese national."
        );
        assert_eq!(factor(zh, Factor::Chinese).text, "按曾具有中国国籍计分。");
        let failures: Vec<_> = en.failures.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(
            failures,
            [
                "Category B by points needs a bachelor's degree or higher; highest qualification \
                 held: below a bachelor's degree.",
                "Category B by points needs at least 2 years of relevant work experience; the \
                 applicant has 1.",
            ]
        );
        let failures: Vec<_> = zh.failures.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(
            failures,
            [
                "按计点积分认定为B类，须具有学士及以上学位；申请人最高学位：学士以下。",
                "按计点积分认定为B类，须具有 2 年以上相关工作经历；申请人为 1 年。",
            ]
        );
    }

    /// A count that runs into a provisional year and on into one without a calendar says so.
    #[test]
    fn deadlines_note_provisional_and_missing_calendars() {
        let mut f = facts("310000", "1990-01-01");
        f.submitted_on = Some(d("2027-12-20"));
        let (en, zh) = both(&f);
        assert_eq!(
            en.deadlines.note.as_deref(),
            Some(
                "Part of the count falls in a year whose holiday arrangement is an estimate, not \
                 yet published by the State Council: the dates may shift. Part of the count falls \
                 in a year without a published holiday calendar: Monday to Friday count as \
                 working days, so the dates may shift."
            )
        );
        assert_eq!(
            zh.deadlines.note.as_deref(),
            Some(
                "部分日期所在年度的节假日安排为预估，国务院办公厅尚未正式公布，日期可能调整。\
                 部分日期所在年度的节假日安排尚未公布，暂按周一至周五计算工作日，日期可能调整。"
            )
        );
    }

    #[test]
    fn a_cluster_filing_is_explained() {
        let mut f = facts("120000", "1985-01-01");
        f.employer.kind = EmployerKind::University;
        f.current_permit = Some(domain::policy::CurrentPermit {
            city: city("110000"),
            employer_kind: EmployerKind::ResearchInstitute,
            multinational: false,
            valid_to: d("2027-01-01"),
        });
        let pair = both(&f);
        let (en, zh) = &pair;
        assert_all_readable(&pair);
        assert_eq!(en.procedure.id, "cluster_filing");
        assert_eq!(
            en.procedure.text,
            "A filing, not a new application: the permit holder moves between qualifying \
             employers within the Beijing–Tianjin–Hebei cluster."
        );
        assert_eq!(
            zh.procedure.text,
            "办理备案，无需重新申请：持证人在京津冀区域内符合条件的用人单位之间流动。"
        );
        assert_eq!(
            document(en, DocumentKind::Passport),
            "Not required. A move between qualifying employers within the Beijing–Tianjin–Hebei \
             cluster, while the permit is valid, is filed rather than applied for anew."
        );
    }
}
