//! The applicant's profile as a form: the fields the self-assessment page and the application
//! form share, and their conversion into the input the API takes.

use super::PageCtx;
use super::view::{Field, with_choose};
use crate::input::{Flag, ProfileInput, Whole};
use serde::Deserialize;

/// What a profile form sends: every value as text, a ticked box as `on`.
#[derive(Debug, Deserialize, Default, Clone)]
pub struct ProfileForm {
    pub education: Option<String>,
    pub experience_years: Option<String>,
    pub months_in_china: Option<String>,
    pub hsk_level: Option<String>,
    pub former_chinese_national: Option<String>,
    pub degree_taught_in_chinese: Option<String>,
    pub top_foreign_university: Option<String>,
    pub fortune_global_500_experience: Option<String>,
    pub patents: Option<String>,
    pub years_worked_in_china: Option<String>,
    pub national_talent_programme: Option<String>,
    pub international_achievement: Option<String>,
    pub postdoctoral_work: Option<String>,
    pub skill_certificate: Option<String>,
    pub urgently_needed: Option<String>,
    pub innovation_talent: Option<String>,
    pub young_graduate: Option<String>,
    pub founder: Option<String>,
    pub founder_patents: Option<String>,
    pub founder_years: Option<String>,
    pub founder_investment_usd: Option<String>,
    pub founder_stake: Option<String>,
    pub accompanying_family: Option<String>,
}

fn flag(v: &Option<String>) -> Option<Flag> {
    v.clone().map(Flag::Text)
}

fn whole(v: &Option<String>) -> Option<Whole> {
    v.clone().map(Whole::Text)
}

impl ProfileForm {
    /// Whether any field was filled in: an application form left blank has no profile.
    pub fn is_blank(&self) -> bool {
        let f = self;
        [
            &f.education,
            &f.experience_years,
            &f.months_in_china,
            &f.hsk_level,
            &f.former_chinese_national,
            &f.degree_taught_in_chinese,
            &f.top_foreign_university,
            &f.fortune_global_500_experience,
            &f.patents,
            &f.years_worked_in_china,
            &f.national_talent_programme,
            &f.international_achievement,
            &f.postdoctoral_work,
            &f.skill_certificate,
            &f.urgently_needed,
            &f.innovation_talent,
            &f.young_graduate,
            &f.founder,
            &f.founder_patents,
            &f.founder_years,
            &f.founder_investment_usd,
            &f.founder_stake,
            &f.accompanying_family,
        ]
        .iter()
        .all(|v| v.as_deref().is_none_or(|s| s.trim().is_empty()))
    }

    pub fn input(&self) -> ProfileInput {
        ProfileInput {
            education: self.education.clone(),
            experience_years: whole(&self.experience_years),
            months_in_china: whole(&self.months_in_china),
            hsk_level: whole(&self.hsk_level),
            former_chinese_national: flag(&self.former_chinese_national),
            degree_taught_in_chinese: flag(&self.degree_taught_in_chinese),
            top_foreign_university: flag(&self.top_foreign_university),
            fortune_global_500_experience: flag(&self.fortune_global_500_experience),
            patents: flag(&self.patents),
            years_worked_in_china: whole(&self.years_worked_in_china),
            national_talent_programme: flag(&self.national_talent_programme),
            international_achievement: flag(&self.international_achievement),
            postdoctoral_work: flag(&self.postdoctoral_work),
            skill_certificate: flag(&self.skill_certificate),
            urgently_needed: flag(&self.urgently_needed),
            innovation_talent: flag(&self.innovation_talent),
            young_graduate: flag(&self.young_graduate),
            founder: flag(&self.founder),
            founder_patents: whole(&self.founder_patents),
            founder_years: whole(&self.founder_years),
            founder_investment_usd: whole(&self.founder_investment_usd),
            founder_stake: whole(&self.founder_stake),
            accompanying_family: flag(&self.accompanying_family),
        }
    }

    /// The fields, with what was sent; their element ids start with `prefix`.
    pub fn fields(&self, p: &PageCtx, prefix: &str) -> Vec<Field> {
        let educations = ["doctorate", "master", "bachelor", "other"]
            .into_iter()
            .map(|e| (e.to_string(), p.t(&format!("policy-education-{e}"))))
            .collect();
        let number = |name: &'static str, v: &Option<String>| {
            Field::new(p, prefix, name, "number").value(v).optional()
        };
        let check = |name: &'static str, v: &Option<String>| {
            Field::new(p, prefix, name, "checkbox").value(v)
        };
        vec![
            // Starts empty, so that a form left alone sends no profile.
            Field::new(p, prefix, "education", "select")
                .value(&self.education)
                .options(with_choose(p, educations))
                .optional(),
            number("experience_years", &self.experience_years),
            number("months_in_china", &self.months_in_china),
            number("hsk_level", &self.hsk_level),
            check("former_chinese_national", &self.former_chinese_national),
            check("degree_taught_in_chinese", &self.degree_taught_in_chinese),
            check("top_foreign_university", &self.top_foreign_university),
            check(
                "fortune_global_500_experience",
                &self.fortune_global_500_experience,
            ),
            check("patents", &self.patents),
            number("years_worked_in_china", &self.years_worked_in_china),
            check("national_talent_programme", &self.national_talent_programme),
            check("international_achievement", &self.international_achievement),
            check("postdoctoral_work", &self.postdoctoral_work),
            check("skill_certificate", &self.skill_certificate),
            check("urgently_needed", &self.urgently_needed),
            check("innovation_talent", &self.innovation_talent),
            check("young_graduate", &self.young_graduate),
            check("founder", &self.founder),
            number("founder_patents", &self.founder_patents),
            number("founder_years", &self.founder_years),
            number("founder_investment_usd", &self.founder_investment_usd),
            number("founder_stake", &self.founder_stake),
            check("accompanying_family", &self.accompanying_family),
        ]
    }
}
