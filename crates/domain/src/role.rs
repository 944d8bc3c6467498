//! Who acts: roles, and the scope each account acts in.

use crate::FieldError;
use crate::city::City;
use crate::ids::{AccountId, EmployerId, PersonId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The foreign national, holder of the permit.
    Applicant,
    EmployerHr,
    LabourOfficer,
    ImmigrationOfficer,
    SocialSecurityOfficer,
    Administrator,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Applicant,
        Role::EmployerHr,
        Role::LabourOfficer,
        Role::ImmigrationOfficer,
        Role::SocialSecurityOfficer,
        Role::Administrator,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Applicant => "applicant",
            Role::EmployerHr => "employer_hr",
            Role::LabourOfficer => "labour_officer",
            Role::ImmigrationOfficer => "immigration_officer",
            Role::SocialSecurityOfficer => "social_security_officer",
            Role::Administrator => "administrator",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<Role, FieldError> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| FieldError::new(field, "role_value"))
    }

    pub fn is_officer(&self) -> bool {
        matches!(
            self,
            Role::LabourOfficer | Role::ImmigrationOfficer | Role::SocialSecurityOfficer
        )
    }
}

/// The scope an account acts in, which its role decides: an employer's HR acts for one
/// organisation, an officer for one city, an applicant for themself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Scope {
    Applicant { person_id: PersonId },
    EmployerHr { employer_id: EmployerId },
    LabourOfficer { city: City },
    ImmigrationOfficer { city: City },
    SocialSecurityOfficer { city: City },
    Administrator,
}

impl Scope {
    pub fn role(&self) -> Role {
        match self {
            Scope::Applicant { .. } => Role::Applicant,
            Scope::EmployerHr { .. } => Role::EmployerHr,
            Scope::LabourOfficer { .. } => Role::LabourOfficer,
            Scope::ImmigrationOfficer { .. } => Role::ImmigrationOfficer,
            Scope::SocialSecurityOfficer { .. } => Role::SocialSecurityOfficer,
            Scope::Administrator => Role::Administrator,
        }
    }

    pub fn city(&self) -> Option<City> {
        match self {
            Scope::LabourOfficer { city }
            | Scope::ImmigrationOfficer { city }
            | Scope::SocialSecurityOfficer { city } => Some(*city),
            _ => None,
        }
    }

    pub fn employer_id(&self) -> Option<EmployerId> {
        match self {
            Scope::EmployerHr { employer_id } => Some(*employer_id),
            _ => None,
        }
    }

    pub fn person_id(&self) -> Option<PersonId> {
        match self {
            Scope::Applicant { person_id } => Some(*person_id),
            _ => None,
        }
    }
}

/// An authenticated actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub account_id: AccountId,
    pub username: String,
    pub display_name: String,
    pub scope: Scope,
}

impl Principal {
    pub fn role(&self) -> Role {
        self.scope.role()
    }
}
