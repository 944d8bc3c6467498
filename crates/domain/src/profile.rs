//! The applicant's profile: what an employer declares about a person for the classification,
//! beyond what the person record already holds (name, nationality, date of birth). Kept with the
//! application from creation, assessed against the policy in force when it is submitted.

use crate::FieldError;
use crate::application::Details;
use crate::city::City;
use crate::party::{Employer, Person};
use crate::policy::{
    ApplicantFacts, BirthDate, ChineseFacts, Education, EmployerFacts, ExtrasFacts, Facts,
    FounderFacts, MonthsPerYear, Period, TalentFacts, Years,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub education: Education,
    pub experience_years: Years,
    pub months_in_china: MonthsPerYear,
    pub chinese: ChineseFacts,
    pub extras: ExtrasFacts,
    pub talent: TalentFacts,
    pub founder: Option<FounderFacts>,
    pub accompanying_family: bool,
}

impl Profile {
    /// The applicant's facts on `on`, with the person's date of birth and nationality.
    pub fn applicant(&self, person: &Person, on: NaiveDate) -> Result<ApplicantFacts, FieldError> {
        Ok(ApplicantFacts {
            date_of_birth: BirthDate::new("person.date_of_birth", person.date_of_birth, on)?,
            nationality: person.nationality,
            education: self.education,
            experience_years: self.experience_years,
            months_in_china: self.months_in_china,
            chinese: self.chinese,
            extras: self.extras,
            talent: self.talent,
            founder: self.founder,
            accompanying_family: self.accompanying_family,
        })
    }
}

/// The permit period an application asks for, where its kind has one.
pub fn requested_period(details: &Details) -> Option<Period> {
    match details {
        Details::New {
            contract_start,
            contract_end,
            ..
        } => Period::new("contract_end", *contract_start, *contract_end).ok(),
        _ => None,
    }
}

/// Everything an assessment of a new-permit application reads, as submitted on `on` to the
/// labour authority of `region`.
pub fn facts(
    profile: &Profile,
    details: &Details,
    region: City,
    person: &Person,
    employer: &Employer,
    on: NaiveDate,
) -> Result<Facts, FieldError> {
    let Details::New {
        position,
        annual_salary,
        ..
    } = details
    else {
        return Err(FieldError::new("profile", "profile_new_only"));
    };
    Ok(Facts {
        applicant: profile.applicant(person, on)?,
        employer: EmployerFacts {
            kind: employer.kind,
            city: employer.city,
            multinational: false,
        },
        position: position.clone(),
        annual_salary: *annual_salary,
        kind: details.kind(),
        region,
        requested_period: requested_period(details),
        assessed_on: on,
        submitted_on: Some(on),
        current_permit: None,
        documents_on_file: Vec::new(),
    })
}
