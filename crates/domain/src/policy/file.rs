//! The TOML file format and its translation into a checked [`Policy`]. The reader refuses unknown
//! keys; the translation refuses values that parse but make no sense, naming the line of each.

use super::calendar::{Calendar, YearCalendar, is_weekend};
use super::documents::DocumentKind;
use super::error::{PolicyError, Problem};
use super::facts::Education;
use super::points::{
    Band, BandProblem, Bands, ChinesePoints, EducationPoints, ExtrasPoints, Factor, LocationPoints,
    PointsTable,
};
use super::{
    Categories, CategoryRules, Cluster, DegreeExperience, DirectA, DirectB, DocumentRules,
    FounderTest, Policy, RegionRules, RequiredPerKind, Thresholds, TimeLimits, TransferEmployer,
};
use crate::benefits::{Benefit, ClaimDocument, Condition};
use crate::city::City;
use crate::contributions::{ContributionRule, Rate, Shares};
use crate::permit::Category;
use crate::values::Money;
use chrono::{Datelike, Days, NaiveDate};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use toml::Spanned;

type Num = Spanned<i64>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    version: Spanned<String>,
    effective_from: Spanned<String>,
    #[serde(default)]
    description: Option<String>,
    thresholds: ThresholdsFile,
    points: PointsFile,
    #[serde(default)]
    direct_a: DirectAFile,
    #[serde(default)]
    direct_b: DirectBFile,
    #[serde(default)]
    eligibility: EligibilityFile,
    categories: CategoriesFile,
    time_limits: TimeLimitsFile,
    documents: DocumentsFile,
    #[serde(default)]
    regions: BTreeMap<Spanned<String>, RegionFile>,
    #[serde(default)]
    clusters: BTreeMap<Spanned<String>, ClusterFile>,
    #[serde(default)]
    calendars: BTreeMap<Spanned<String>, CalendarFile>,
    #[serde(default)]
    residence: ResidenceFile,
    #[serde(default)]
    contributions: BTreeMap<Spanned<String>, ContributionFile>,
    #[serde(default)]
    benefits: BTreeMap<Spanned<String>, BenefitFile>,
}

/// One city's social-insurance contributions.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContributionFile {
    base_floor_yuan: Num,
    base_ceiling_yuan: Num,
    pension: SharesFile,
    medical: SharesFile,
    unemployment: SharesFile,
    work_injury: SharesFile,
    maternity: SharesFile,
}

/// Rates are strings (`"16%"`, `"0.16"`) so that they are read exactly, never as floats.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SharesFile {
    employer: Spanned<String>,
    personal: Spanned<String>,
    #[serde(default)]
    employer_fixed_yuan: Option<Num>,
    #[serde(default)]
    personal_fixed_yuan: Option<Num>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BenefitFile {
    #[serde(default)]
    closes_insurance: bool,
    #[serde(default)]
    documents: Vec<ClaimDocument>,
    conditions: Vec<Spanned<ConditionFile>>,
}

/// One condition: its `rule`, from a closed set, and the keys that rule takes. Read as one flat
/// table (not a tagged enum, which serde buffers, losing the line of an error) and checked by
/// [`condition`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConditionFile {
    rule: ConditionRule,
    #[serde(default)]
    categories: Option<Vec<Category>>,
    #[serde(default)]
    cities: Option<Vec<String>>,
    #[serde(default)]
    city: Option<String>,
    #[serde(default)]
    months: Option<i64>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum ConditionRule {
    NoValidPermit,
    PermitCategoryIn,
    PermitCityIn,
    InsuredCityIn,
    MinContributionMonthsInCity,
    LeavingChina,
    InsuranceOpen,
}

/// Work-type residence permits; every key optional, defaulting to the national rule.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ResidenceFile {
    #[serde(default)]
    standard_max_months: Option<Num>,
    #[serde(default)]
    long_max_months: Option<Num>,
    #[serde(default)]
    long_after_consecutive: Option<Num>,
    #[serde(default)]
    long_each_min_months: Option<Num>,
    #[serde(default)]
    decision_working_days: Option<Num>,
    #[serde(default)]
    qualifying_employers: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThresholdsFile {
    a: Num,
    b: Num,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PointsFile {
    salary: BandsFile,
    education: EducationFile,
    experience: BandsFile,
    months_in_china: BandsFile,
    chinese: ChineseFile,
    location: LocationFile,
    age: BandsFile,
    extras: ExtrasFile,
    provincial_bonus: BonusFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BandsFile {
    cap: Num,
    bands: Vec<Spanned<BandFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BandFile {
    from: i64,
    #[serde(default)]
    to: Option<i64>,
    points: i64,
    #[serde(default)]
    per_unit: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EducationFile {
    cap: Num,
    doctorate: Num,
    master: Num,
    bachelor: Num,
    other: Num,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChineseFile {
    cap: Num,
    bands: Vec<Spanned<BandFile>>,
    former_chinese_national: Num,
    degree_taught_in_chinese: Num,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LocationFile {
    points: Num,
    #[serde(default)]
    regions: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExtrasFile {
    cap: Num,
    top_foreign_university: Num,
    fortune_global_500_experience: Num,
    patents: Num,
    years_in_china: YearsInChinaFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearsInChinaFile {
    min_years: Num,
    points: Num,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BonusFile {
    cap: Num,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DirectAFile {
    #[serde(default)]
    national_talent_programme: bool,
    #[serde(default)]
    international_achievement: bool,
    #[serde(default)]
    salary_multiple_of_local_average: Option<Num>,
    #[serde(default)]
    founder: Option<FounderFile>,
    #[serde(default)]
    postdoc_under_age: Option<Num>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FounderFile {
    min_patents: Num,
    min_years: Num,
    min_investment_usd: Num,
    min_stake_percent: Num,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DirectBFile {
    #[serde(default)]
    bachelor_and_experience: Option<DegreeExperienceFile>,
    #[serde(default)]
    skill_certificate: bool,
    #[serde(default)]
    salary_multiple_of_local_average: Option<Num>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DegreeExperienceFile {
    min_education: Education,
    min_experience_years: Num,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct EligibilityFile {
    #[serde(default)]
    min_age: Option<Num>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoriesFile {
    a: CategoryFile,
    b: CategoryFile,
    c: CategoryFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryFile {
    max_validity_months: Num,
    #[serde(default)]
    max_age: Option<Num>,
    #[serde(default)]
    min_education: Option<Education>,
    #[serde(default)]
    min_experience_years: Option<Num>,
    #[serde(default)]
    accept_with_missing_documents: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TimeLimitsFile {
    pre_review_working_days: Num,
    decision_working_days: Num,
    short_permit_max_days: Num,
    short_decision_working_days: Num,
    decision_extension_working_days: Num,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentsFile {
    #[serde(default)]
    valid_months: BTreeMap<DocumentKind, Num>,
    #[serde(default)]
    reusable: Vec<DocumentKind>,
    #[serde(default)]
    shared_data: Vec<DocumentKind>,
    required: RequiredFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequiredFile {
    a: KindsFile,
    b: KindsFile,
    c: KindsFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KindsFile {
    new: Vec<DocumentKind>,
    extension: Vec<DocumentKind>,
    change: Vec<DocumentKind>,
    cancellation: Vec<DocumentKind>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionFile {
    #[serde(default)]
    average_wage_yuan: Option<Num>,
    #[serde(default)]
    c_quota: Option<Num>,
    #[serde(default)]
    provincial_bonus: Option<Num>,
    #[serde(default)]
    physical_filing_days_after_entry: Option<Num>,
    #[serde(default)]
    b_max_age_urgently_needed: Option<Num>,
    #[serde(default)]
    innovation_talent_skips_degree_experience: bool,
    #[serde(default)]
    young_graduate_skips_experience: bool,
    #[serde(default)]
    young_graduate_max_validity_months: Option<Num>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClusterFile {
    members: Vec<Spanned<String>>,
    #[serde(default)]
    reuse_documents: Vec<DocumentKind>,
    #[serde(default)]
    transfer_filing_employers: Vec<TransferEmployer>,
    #[serde(default)]
    filing_documents: Vec<DocumentKind>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    #[serde(default)]
    provisional: bool,
    #[serde(default)]
    holidays: Vec<Spanned<String>>,
    #[serde(default)]
    make_up_working_days: Vec<Spanned<String>>,
}

/// The file being read, to turn byte offsets into lines.
struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
}

impl Ctx<'_> {
    fn line(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    fn err(&self, span: Range<usize>, problem: Problem) -> PolicyError {
        PolicyError {
            file: self.file.to_string(),
            line: Some(self.line(span.start)),
            problem,
        }
    }

    /// A whole number in `min..=max`.
    fn num(&self, n: &Num, key: &str, min: i64, max: i64) -> Result<u32, PolicyError> {
        self.num_at(n.span(), *n.get_ref(), key, min, max)
    }

    fn num_at(
        &self,
        span: Range<usize>,
        v: i64,
        key: &str,
        min: i64,
        max: i64,
    ) -> Result<u32, PolicyError> {
        if v < min || v > max {
            return Err(self.err(
                span,
                Problem::OutOfRange {
                    key: key.to_string(),
                    value: v,
                    min,
                    max,
                },
            ));
        }
        Ok(u32::try_from(v).expect("range is within u32"))
    }

    fn opt(
        &self,
        n: &Option<Num>,
        key: &str,
        min: i64,
        max: i64,
    ) -> Result<Option<u32>, PolicyError> {
        n.as_ref().map(|n| self.num(n, key, min, max)).transpose()
    }

    fn date(&self, s: &Spanned<String>) -> Result<NaiveDate, PolicyError> {
        date(s.get_ref()).ok_or_else(|| {
            self.err(
                s.span(),
                Problem::DateInvalid {
                    value: s.get_ref().clone(),
                },
            )
        })
    }

    fn city(&self, s: &Spanned<String>) -> Result<City, PolicyError> {
        City::parse("region", s.get_ref()).map_err(|_| {
            self.err(
                s.span(),
                Problem::UnknownRegion {
                    code: s.get_ref().clone(),
                },
            )
        })
    }
}

fn date(s: &str) -> Option<NaiveDate> {
    if s.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Upper bound on any cap or points figure; keeps sums far from overflow.
const MAX_POINTS: i64 = 100;

pub(super) fn parse(file_name: &str, text: &str) -> Result<Policy, PolicyError> {
    let cx = Ctx {
        file: file_name,
        text,
    };
    let raw: PolicyFile = toml::from_str(text).map_err(|e| PolicyError {
        file: file_name.to_string(),
        line: e.span().map(|s| cx.line(s.start)),
        problem: Problem::Syntax {
            message: e.message().to_string(),
        },
    })?;
    build(&cx, raw)
}

fn build(cx: &Ctx, raw: PolicyFile) -> Result<Policy, PolicyError> {
    let version = raw.version.get_ref();
    if version.is_empty()
        || version.len() > 64
        || !version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return Err(cx.err(
            raw.version.span(),
            Problem::VersionFormat {
                value: version.clone(),
            },
        ));
    }
    let effective_from = cx.date(&raw.effective_from)?;
    let points = points(cx, &raw.points)?;
    let thresholds = thresholds(cx, &raw.thresholds, points.max_total())?;
    let regions = regions(cx, &raw.regions, points.provincial_bonus_cap)?;
    Ok(Policy {
        version: version.clone(),
        effective_from,
        description: raw.description,
        thresholds,
        points,
        direct_a: direct_a(cx, &raw.direct_a)?,
        direct_b: direct_b(cx, &raw.direct_b)?,
        min_age: cx.opt(&raw.eligibility.min_age, "eligibility.min_age", 16, 100)?,
        categories: Categories {
            a: category(cx, &raw.categories.a, "a")?,
            b: category(cx, &raw.categories.b, "b")?,
            c: category(cx, &raw.categories.c, "c")?,
        },
        time_limits: time_limits(cx, &raw.time_limits)?,
        documents: documents(cx, raw.documents)?,
        regions,
        clusters: clusters(cx, raw.clusters)?,
        calendar: calendar(cx, &raw.calendars)?,
        residence: residence(cx, &raw.residence)?,
        contributions: contributions(cx, &raw.contributions)?,
        benefits: benefits(cx, raw.benefits)?,
    })
}

/// A condition of the benefit `benefit`, with exactly the keys its rule takes.
fn condition(
    cx: &Ctx,
    benefit: &str,
    c: &Spanned<ConditionFile>,
) -> Result<Condition, PolicyError> {
    let span = c.span();
    let c = c.get_ref();
    let key = |k: &str| format!("benefits.{benefit}.conditions.{k}");
    let (rule_code, takes): (&'static str, &'static [&'static str]) = match c.rule {
        ConditionRule::NoValidPermit => ("no_valid_permit", &[]),
        ConditionRule::PermitCategoryIn => ("permit_category_in", &["categories"]),
        ConditionRule::PermitCityIn => ("permit_city_in", &["cities"]),
        ConditionRule::InsuredCityIn => ("insured_city_in", &["cities"]),
        ConditionRule::MinContributionMonthsInCity => {
            ("min_contribution_months_in_city", &["city", "months"])
        }
        ConditionRule::LeavingChina => ("leaving_china", &[]),
        ConditionRule::InsuranceOpen => ("insurance_open", &[]),
    };
    let given = [
        ("categories", c.categories.is_some()),
        ("cities", c.cities.is_some()),
        ("city", c.city.is_some()),
        ("months", c.months.is_some()),
    ];
    if given
        .iter()
        .any(|(k, present)| *present != takes.contains(k))
    {
        return Err(cx.err(
            span,
            Problem::ConditionKeys {
                rule: rule_code,
                keys: takes.join(", "),
            },
        ));
    }
    let city = |s: &String| {
        City::parse("city", s)
            .map_err(|_| cx.err(span.clone(), Problem::UnknownRegion { code: s.clone() }))
    };
    let cities = |list: &[String]| {
        if list.is_empty() {
            return Err(cx.err(span.clone(), Problem::EmptyList { key: key("cities") }));
        }
        list.iter().map(city).collect::<Result<Vec<_>, _>>()
    };
    let checked = "keys checked above";
    Ok(match c.rule {
        ConditionRule::NoValidPermit => Condition::NoValidPermit,
        ConditionRule::PermitCategoryIn => {
            let categories = c.categories.clone().expect(checked);
            if categories.is_empty() {
                return Err(cx.err(
                    span,
                    Problem::EmptyList {
                        key: key("categories"),
                    },
                ));
            }
            Condition::PermitCategoryIn { categories }
        }
        ConditionRule::PermitCityIn => Condition::PermitCityIn {
            cities: cities(c.cities.as_deref().expect(checked))?,
        },
        ConditionRule::InsuredCityIn => Condition::InsuredCityIn {
            cities: cities(c.cities.as_deref().expect(checked))?,
        },
        ConditionRule::MinContributionMonthsInCity => Condition::MinContributionMonthsInCity {
            city: city(c.city.as_ref().expect(checked))?,
            months: cx.num_at(
                span.clone(),
                c.months.expect(checked),
                &key("months"),
                1,
                600,
            )?,
        },
        ConditionRule::LeavingChina => Condition::LeavingChina,
        ConditionRule::InsuranceOpen => Condition::InsuranceOpen,
    })
}

/// The largest base or fixed amount in yuan a contribution rule may name; far above any real
/// ceiling, it keeps products of base and rate far from overflow.
const MAX_CONTRIBUTION_YUAN: i64 = 10_000_000;

fn contributions(
    cx: &Ctx,
    raw: &BTreeMap<Spanned<String>, ContributionFile>,
) -> Result<BTreeMap<String, ContributionRule>, PolicyError> {
    let mut out = BTreeMap::new();
    for (code, c) in raw {
        let city = cx.city(code)?;
        let key = |k: &str| format!("contributions.{}.{k}", city.code());
        let yuan = |n: &Num, k: &str, min: i64| {
            cx.num(n, &key(k), min, MAX_CONTRIBUTION_YUAN)
                .map(|v| Money::from_fen(i64::from(v) * 100))
        };
        let base_floor = yuan(&c.base_floor_yuan, "base_floor_yuan", 1)?;
        let base_ceiling = yuan(&c.base_ceiling_yuan, "base_ceiling_yuan", 1)?;
        if base_ceiling < base_floor {
            return Err(cx.err(
                c.base_ceiling_yuan.span(),
                Problem::BaseBoundsReversed {
                    key: format!("contributions.{}", city.code()),
                    floor: *c.base_floor_yuan.get_ref(),
                    ceiling: *c.base_ceiling_yuan.get_ref(),
                },
            ));
        }
        let shares = |s: &SharesFile, name: &str| -> Result<Shares, PolicyError> {
            let rate = |r: &Spanned<String>, side: &str| {
                Rate::parse("rate", r.get_ref()).map_err(|_| {
                    cx.err(
                        r.span(),
                        Problem::RateInvalid {
                            key: key(&format!("{name}.{side}")),
                            value: r.get_ref().clone(),
                        },
                    )
                })
            };
            let fixed = |n: &Option<Num>, side: &str| match n {
                Some(n) => yuan(n, &format!("{name}.{side}_fixed_yuan"), 0),
                None => Ok(Money::from_fen(0)),
            };
            Ok(Shares {
                employer: rate(&s.employer, "employer")?,
                personal: rate(&s.personal, "personal")?,
                employer_fixed: fixed(&s.employer_fixed_yuan, "employer")?,
                personal_fixed: fixed(&s.personal_fixed_yuan, "personal")?,
            })
        };
        let rule = ContributionRule {
            city,
            base_floor,
            base_ceiling,
            shares: [
                shares(&c.pension, "pension")?,
                shares(&c.medical, "medical")?,
                shares(&c.unemployment, "unemployment")?,
                shares(&c.work_injury, "work_injury")?,
                shares(&c.maternity, "maternity")?,
            ],
        };
        out.insert(city.code().to_string(), rule);
    }
    Ok(out)
}

fn benefits(
    cx: &Ctx,
    raw: BTreeMap<Spanned<String>, BenefitFile>,
) -> Result<BTreeMap<String, Benefit>, PolicyError> {
    let mut out = BTreeMap::new();
    for (id, b) in raw {
        let name = id.get_ref();
        let ok = (1..=64).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_');
        if !ok {
            return Err(cx.err(
                id.span(),
                Problem::BenefitIdFormat {
                    value: name.clone(),
                },
            ));
        }
        if b.conditions.is_empty() {
            return Err(cx.err(
                id.span(),
                Problem::EmptyList {
                    key: format!("benefits.{name}.conditions"),
                },
            ));
        }
        let conditions = b
            .conditions
            .iter()
            .map(|c| condition(cx, name, c))
            .collect::<Result<Vec<_>, _>>()?;
        out.insert(
            name.clone(),
            Benefit {
                id: name.clone(),
                conditions,
                documents: b.documents,
                closes_insurance: b.closes_insurance,
            },
        );
    }
    Ok(out)
}

fn residence(cx: &Ctx, r: &ResidenceFile) -> Result<crate::residence::ResidenceRules, PolicyError> {
    let d = crate::residence::ResidenceRules::default();
    let months = |n: &Option<Num>, k: &str, default: u32| {
        cx.opt(n, &format!("residence.{k}"), 3, 120)
            .map(|v| v.unwrap_or(default))
    };
    let mut qualifying = Vec::new();
    for s in &r.qualifying_employers {
        let uscc = crate::party::Uscc::parse("uscc", s.get_ref()).map_err(|_| {
            cx.err(
                s.span(),
                Problem::UsccInvalid {
                    value: s.get_ref().clone(),
                },
            )
        })?;
        qualifying.push(uscc);
    }
    Ok(crate::residence::ResidenceRules {
        standard_max_months: months(
            &r.standard_max_months,
            "standard_max_months",
            d.standard_max_months,
        )?,
        long_max_months: months(&r.long_max_months, "long_max_months", d.long_max_months)?,
        long_after_consecutive: cx
            .opt(
                &r.long_after_consecutive,
                "residence.long_after_consecutive",
                0,
                10,
            )?
            .unwrap_or(d.long_after_consecutive),
        long_each_min_months: months(
            &r.long_each_min_months,
            "long_each_min_months",
            d.long_each_min_months,
        )?,
        decision_working_days: cx
            .opt(
                &r.decision_working_days,
                "residence.decision_working_days",
                1,
                365,
            )?
            .unwrap_or(d.decision_working_days),
        qualifying_employers: qualifying,
    })
}

fn bands(
    cx: &Ctx,
    factor: Factor,
    cap: &Num,
    raw: &[Spanned<BandFile>],
) -> Result<Bands, PolicyError> {
    let cap_value = cx.num(cap, &format!("points.{factor}.cap"), 0, MAX_POINTS)?;
    let mut list = Vec::with_capacity(raw.len());
    for b in raw {
        let r = b.get_ref();
        let key = format!("points.{factor}.bands");
        let points = cx.num_at(b.span(), r.points, &format!("{key}.points"), 0, MAX_POINTS)?;
        let per_unit = cx.num_at(
            b.span(),
            r.per_unit,
            &format!("{key}.per_unit"),
            0,
            MAX_POINTS,
        )?;
        list.push(Band {
            from: r.from,
            to: r.to,
            points,
            per_unit,
        });
    }
    Bands::new(factor, cap_value, list).map_err(|(i, p)| {
        let span = raw.get(i).map_or_else(|| cap.span(), Spanned::span);
        let problem = match p {
            BandProblem::Empty => Problem::BandsEmpty { factor },
            BandProblem::NotFromZero { from } => Problem::BandsNotFromZero { factor, from },
            BandProblem::BandEmpty { from, to } => Problem::BandEmpty { factor, from, to },
            BandProblem::Gap { previous_to, from } => Problem::BandGap {
                factor,
                previous_to,
                from,
            },
            BandProblem::Overlap { previous_to, from } => Problem::BandOverlap {
                factor,
                previous_to,
                from,
            },
            BandProblem::OpenNotLast => Problem::OpenBandNotLast { factor },
            BandProblem::LastBounded { to } => Problem::LastBandBounded { factor, to },
            BandProblem::AboveCap { points } => Problem::PointsAboveCap {
                factor,
                points,
                cap: i64::from(cap_value),
            },
            BandProblem::Decrease { from } => Problem::PointsDecrease { factor, from },
        };
        cx.err(span, problem)
    })
}

/// A figure that the factor's cap bounds.
fn capped(cx: &Ctx, n: &Num, key: &str, factor: Factor, cap: u32) -> Result<u32, PolicyError> {
    let v = cx.num(n, key, 0, MAX_POINTS)?;
    if v > cap {
        return Err(cx.err(
            n.span(),
            Problem::PointsAboveCap {
                factor,
                points: i64::from(v),
                cap: i64::from(cap),
            },
        ));
    }
    Ok(v)
}

fn points(cx: &Ctx, p: &PointsFile) -> Result<PointsTable, PolicyError> {
    let bands_of = |factor: Factor, f: &BandsFile| bands(cx, factor, &f.cap, &f.bands);

    let e = &p.education;
    let cap = cx.num(&e.cap, "points.education.cap", 0, MAX_POINTS)?;
    let ed = |n: &Num, key: &str| capped(cx, n, key, Factor::Education, cap);
    let education = EducationPoints {
        cap,
        doctorate: ed(&e.doctorate, "points.education.doctorate")?,
        master: ed(&e.master, "points.education.master")?,
        bachelor: ed(&e.bachelor, "points.education.bachelor")?,
        other: ed(&e.other, "points.education.other")?,
    };
    // A higher degree must never score below a lower one.
    for (lower, higher, from) in [
        (education.other, education.bachelor, &e.bachelor),
        (education.bachelor, education.master, &e.master),
        (education.master, education.doctorate, &e.doctorate),
    ] {
        if higher < lower {
            return Err(cx.err(
                from.span(),
                Problem::PointsDecrease {
                    factor: Factor::Education,
                    from: i64::from(higher),
                },
            ));
        }
    }

    let c = &p.chinese;
    let hsk = bands(cx, Factor::Chinese, &c.cap, &c.bands)?;
    let chinese = ChinesePoints {
        former_chinese_national: capped(
            cx,
            &c.former_chinese_national,
            "points.chinese.former_chinese_national",
            Factor::Chinese,
            hsk.cap(),
        )?,
        degree_taught_in_chinese: capped(
            cx,
            &c.degree_taught_in_chinese,
            "points.chinese.degree_taught_in_chinese",
            Factor::Chinese,
            hsk.cap(),
        )?,
        hsk,
    };

    let location = LocationPoints {
        points: cx.num(&p.location.points, "points.location.points", 0, MAX_POINTS)?,
        regions: p
            .location
            .regions
            .iter()
            .map(|r| cx.city(r))
            .collect::<Result<_, _>>()?,
    };

    let x = &p.extras;
    let cap = cx.num(&x.cap, "points.extras.cap", 0, MAX_POINTS)?;
    let ex = |n: &Num, key: &str| capped(cx, n, key, Factor::Extras, cap);
    let extras = ExtrasPoints {
        cap,
        top_foreign_university: ex(
            &x.top_foreign_university,
            "points.extras.top_foreign_university",
        )?,
        fortune_global_500_experience: ex(
            &x.fortune_global_500_experience,
            "points.extras.fortune_global_500_experience",
        )?,
        patents: ex(&x.patents, "points.extras.patents")?,
        years_in_china_min: cx.num(
            &x.years_in_china.min_years,
            "points.extras.years_in_china.min_years",
            0,
            80,
        )?,
        years_in_china: ex(
            &x.years_in_china.points,
            "points.extras.years_in_china.points",
        )?,
    };

    Ok(PointsTable {
        salary: bands_of(Factor::Salary, &p.salary)?,
        education,
        experience: bands_of(Factor::Experience, &p.experience)?,
        months_in_china: bands_of(Factor::MonthsInChina, &p.months_in_china)?,
        chinese,
        location,
        age: bands_of(Factor::Age, &p.age)?,
        extras,
        provincial_bonus_cap: cx.num(
            &p.provincial_bonus.cap,
            "points.provincial_bonus.cap",
            0,
            MAX_POINTS,
        )?,
    })
}

fn thresholds(cx: &Ctx, t: &ThresholdsFile, max: u32) -> Result<Thresholds, PolicyError> {
    let max = i64::from(max);
    let check = |n: &Num, name: &'static str| {
        let v = *n.get_ref();
        if v < 1 || v > max {
            Err(cx.err(
                n.span(),
                Problem::ThresholdOutOfRange {
                    name,
                    value: v,
                    min: 1,
                    max,
                },
            ))
        } else {
            Ok(u32::try_from(v).expect("in range"))
        }
    };
    let a = check(&t.a, "a")?;
    let b = check(&t.b, "b")?;
    if b >= a {
        return Err(cx.err(
            t.b.span(),
            Problem::ThresholdOrder {
                a: i64::from(a),
                b: i64::from(b),
            },
        ));
    }
    Ok(Thresholds { a, b })
}

fn direct_a(cx: &Ctx, d: &DirectAFile) -> Result<DirectA, PolicyError> {
    let founder = d
        .founder
        .as_ref()
        .map(|f| {
            Ok::<_, PolicyError>(FounderTest {
                min_patents: cx.num(
                    &f.min_patents,
                    "direct_a.founder.min_patents",
                    0,
                    1_000_000,
                )?,
                min_years: cx.num(&f.min_years, "direct_a.founder.min_years", 0, 80)?,
                min_investment_usd: u64::from(cx.num(
                    &f.min_investment_usd,
                    "direct_a.founder.min_investment_usd",
                    0,
                    i64::from(u32::MAX),
                )?),
                min_stake_percent: cx.num(
                    &f.min_stake_percent,
                    "direct_a.founder.min_stake_percent",
                    0,
                    100,
                )?,
            })
        })
        .transpose()?;
    Ok(DirectA {
        national_talent_programme: d.national_talent_programme,
        international_achievement: d.international_achievement,
        salary_multiple_of_local_average: cx.opt(
            &d.salary_multiple_of_local_average,
            "direct_a.salary_multiple_of_local_average",
            1,
            100,
        )?,
        founder,
        postdoc_under_age: cx.opt(&d.postdoc_under_age, "direct_a.postdoc_under_age", 16, 100)?,
    })
}

fn direct_b(cx: &Ctx, d: &DirectBFile) -> Result<DirectB, PolicyError> {
    Ok(DirectB {
        bachelor_and_experience: d
            .bachelor_and_experience
            .as_ref()
            .map(|b| {
                Ok::<_, PolicyError>(DegreeExperience {
                    min_education: b.min_education,
                    min_experience_years: cx.num(
                        &b.min_experience_years,
                        "direct_b.bachelor_and_experience.min_experience_years",
                        0,
                        80,
                    )?,
                })
            })
            .transpose()?,
        skill_certificate: d.skill_certificate,
        salary_multiple_of_local_average: cx.opt(
            &d.salary_multiple_of_local_average,
            "direct_b.salary_multiple_of_local_average",
            1,
            100,
        )?,
    })
}

fn category(cx: &Ctx, c: &CategoryFile, name: &str) -> Result<CategoryRules, PolicyError> {
    let key = |k: &str| format!("categories.{name}.{k}");
    Ok(CategoryRules {
        max_validity_months: cx.num(&c.max_validity_months, &key("max_validity_months"), 1, 120)?,
        max_age: cx.opt(&c.max_age, &key("max_age"), 16, 150)?,
        min_education: c.min_education,
        min_experience_years: cx.opt(
            &c.min_experience_years,
            &key("min_experience_years"),
            0,
            80,
        )?,
        accept_with_missing_documents: c.accept_with_missing_documents,
    })
}

fn time_limits(cx: &Ctx, t: &TimeLimitsFile) -> Result<TimeLimits, PolicyError> {
    let wd = |n: &Num, k: &str| cx.num(n, &format!("time_limits.{k}"), 0, 365);
    Ok(TimeLimits {
        pre_review_working_days: wd(&t.pre_review_working_days, "pre_review_working_days")?,
        decision_working_days: wd(&t.decision_working_days, "decision_working_days")?,
        short_permit_max_days: cx.num(
            &t.short_permit_max_days,
            "time_limits.short_permit_max_days",
            0,
            3650,
        )?,
        short_decision_working_days: wd(
            &t.short_decision_working_days,
            "short_decision_working_days",
        )?,
        decision_extension_working_days: wd(
            &t.decision_extension_working_days,
            "decision_extension_working_days",
        )?,
    })
}

fn documents(cx: &Ctx, d: DocumentsFile) -> Result<DocumentRules, PolicyError> {
    let mut valid_months = BTreeMap::new();
    for (kind, n) in &d.valid_months {
        let key = format!("documents.valid_months.{}", kind.as_str());
        valid_months.insert(*kind, cx.num(n, &key, 1, 120)?);
    }
    let per_kind = |k: KindsFile| RequiredPerKind {
        new: k.new,
        extension: k.extension,
        change: k.change,
        cancellation: k.cancellation,
    };
    Ok(DocumentRules {
        valid_months,
        reusable: d.reusable.into_iter().collect(),
        shared_data: d.shared_data.into_iter().collect(),
        required_a: per_kind(d.required.a),
        required_b: per_kind(d.required.b),
        required_c: per_kind(d.required.c),
    })
}

fn regions(
    cx: &Ctx,
    raw: &BTreeMap<Spanned<String>, RegionFile>,
    bonus_cap: u32,
) -> Result<BTreeMap<String, RegionRules>, PolicyError> {
    let mut out = BTreeMap::new();
    for (code, r) in raw {
        let city = cx.city(code)?;
        let key = |k: &str| format!("regions.{}.{k}", city.code());
        let provincial_bonus = match &r.provincial_bonus {
            Some(n) => capped(
                cx,
                n,
                &key("provincial_bonus"),
                Factor::ProvincialBonus,
                bonus_cap,
            )?,
            None => 0,
        };
        let rules = RegionRules {
            average_wage_yuan: cx
                .opt(
                    &r.average_wage_yuan,
                    &key("average_wage_yuan"),
                    1,
                    100_000_000,
                )?
                .map(u64::from),
            c_quota: cx.opt(&r.c_quota, &key("c_quota"), 0, 10_000_000)?,
            provincial_bonus,
            physical_filing_days_after_entry: cx.opt(
                &r.physical_filing_days_after_entry,
                &key("physical_filing_days_after_entry"),
                1,
                365,
            )?,
            b_max_age_urgently_needed: cx.opt(
                &r.b_max_age_urgently_needed,
                &key("b_max_age_urgently_needed"),
                16,
                150,
            )?,
            innovation_talent_skips_degree_experience: r.innovation_talent_skips_degree_experience,
            young_graduate_skips_experience: r.young_graduate_skips_experience,
            young_graduate_max_validity_months: cx.opt(
                &r.young_graduate_max_validity_months,
                &key("young_graduate_max_validity_months"),
                1,
                120,
            )?,
        };
        out.insert(city.code().to_string(), rules);
    }
    Ok(out)
}

fn clusters(
    cx: &Ctx,
    raw: BTreeMap<Spanned<String>, ClusterFile>,
) -> Result<BTreeMap<String, super::Cluster>, PolicyError> {
    let mut out = BTreeMap::new();
    for (name, c) in raw {
        let mut members: Vec<City> = Vec::new();
        for m in &c.members {
            let city = cx.city(m)?;
            if members.contains(&city) {
                return Err(cx.err(
                    m.span(),
                    Problem::DuplicateMember {
                        code: m.get_ref().clone(),
                    },
                ));
            }
            members.push(city);
        }
        out.insert(
            name.into_inner(),
            Cluster {
                members,
                reuse_documents: c.reuse_documents.into_iter().collect(),
                transfer_filing_employers: c.transfer_filing_employers.into_iter().collect(),
                filing_documents: c.filing_documents,
            },
        );
    }
    Ok(out)
}

fn calendar(
    cx: &Ctx,
    raw: &BTreeMap<Spanned<String>, CalendarFile>,
) -> Result<Calendar, PolicyError> {
    let mut years = BTreeMap::new();
    for (key, c) in raw {
        let year: i32 = key
            .get_ref()
            .parse()
            .ok()
            .filter(|y| (1900..=2200).contains(y))
            .ok_or_else(|| {
                cx.err(
                    key.span(),
                    Problem::YearKey {
                        value: key.get_ref().clone(),
                    },
                )
            })?;
        let holidays = dates(cx, &c.holidays, year)?;
        let make_up = dates(cx, &c.make_up_working_days, year)?;
        let mut make_up_working_days = BTreeSet::new();
        for (d, span) in make_up {
            let date = d.to_string();
            if holidays.contains_key(&d) {
                return Err(cx.err(span, Problem::HolidayAndMakeUp { date }));
            }
            if !is_weekend(d) {
                return Err(cx.err(span, Problem::MakeUpNotWeekend { date }));
            }
            make_up_working_days.insert(d);
        }
        years.insert(
            year,
            YearCalendar {
                holidays: holidays.into_keys().collect(),
                make_up_working_days,
                provisional: c.provisional,
            },
        );
    }
    Ok(Calendar::from_years(years))
}

/// The dates of a list of single dates and inclusive ranges `FROM/TO`, each within `year` and
/// listed once, with the place each came from.
fn dates(
    cx: &Ctx,
    raw: &[Spanned<String>],
    year: i32,
) -> Result<BTreeMap<NaiveDate, Range<usize>>, PolicyError> {
    let mut out = BTreeMap::new();
    for entry in raw {
        let text = entry.get_ref();
        let (from_s, to_s) = text.split_once('/').unwrap_or((text, text));
        let parse = |s: &str| {
            date(s).ok_or_else(|| {
                cx.err(
                    entry.span(),
                    Problem::DateInvalid {
                        value: s.to_string(),
                    },
                )
            })
        };
        let (from, to) = (parse(from_s)?, parse(to_s)?);
        if to < from {
            return Err(cx.err(
                entry.span(),
                Problem::DateRangeReversed {
                    from: from.to_string(),
                    to: to.to_string(),
                },
            ));
        }
        for d in [from, to] {
            if d.year() != year {
                return Err(cx.err(
                    entry.span(),
                    Problem::DateOutsideYear {
                        date: d.to_string(),
                        year,
                    },
                ));
            }
        }
        let mut d = from;
        while d <= to {
            if out.insert(d, entry.span()).is_some() {
                return Err(cx.err(
                    entry.span(),
                    Problem::DuplicateDate {
                        date: d.to_string(),
                    },
                ));
            }
            d = d + Days::new(1);
        }
    }
    Ok(out)
}
