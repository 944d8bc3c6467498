//! The applicant's profile: what an employer declares about a person for the classification,
//! beyond what the person record already holds (name, nationality, date of birth). Kept with the
//! application from creation, assessed against the policy in force when it is submitted.

use crate::FieldError;
use crate::application::Details;
use crate::city::City;
use crate::party::{Employer, Person};
use crate::policy::{ApplicantFacts, BirthDate, EmployerFacts, Facts, Period};
use chrono::NaiveDate;

pub use crate::policy::Profile;

impl Profile {
    /// The applicant's facts on `on`, with the person's date of birth and nationality.
    pub fn applicant(&self, person: &Person, on: NaiveDate) -> Result<ApplicantFacts, FieldError> {
        Ok(ApplicantFacts {
            date_of_birth: BirthDate::new("person.date_of_birth", person.date_of_birth, on)?,
            nationality: person.nationality,
            profile: self.clone(),
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
