//! What clients send, as the API and the forms share it: plain strings, parsed here into domain
//! values with every field error collected at once.

use crate::services::accounts::{self, NewAccount};
use crate::services::applications::NewApplication;
use crate::services::employers::NewEmployer;
use crate::services::people::NewPerson;
use chrono::NaiveDate;
use domain::application::{Action, ActionKind, Change, Details, Grant, parse_items};
use domain::city::City;
use domain::ids::{EmployerId, PersonId};
use domain::numbers::PermitNumber;
use domain::party::{EmployerKind, Uscc};
use domain::permit::Category;
use domain::role::{Role, Scope};
use domain::values::*;
use domain::{FieldError, Invalid};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

fn uuid(field: &str, s: &str) -> Result<Uuid, FieldError> {
    if s.trim().is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    Uuid::parse_str(s.trim()).map_err(|_| FieldError::new(field, "id_format"))
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInInput {
    pub username: Option<String>,
    pub password: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmployerInput {
    pub name: Option<String>,
    /// Unified social credit code, 18 characters (GB 32100-2015).
    pub uscc: Option<String>,
    /// Six-digit city code (GB/T 2260).
    pub city: Option<String>,
    /// university, research_institute, enterprise, fortune_global_500, high_tech_enterprise,
    /// public_institution or other.
    pub kind: Option<String>,
}

impl EmployerInput {
    pub fn parse(&self) -> Result<NewEmployer, Invalid> {
        let mut inv = Invalid::default();
        let name = inv.take(Text::parse("name", opt(&self.name), 200));
        let uscc = inv.take(Uscc::parse("uscc", opt(&self.uscc)));
        let city = inv.take(City::parse("city", opt(&self.city)));
        let kind = inv.take(EmployerKind::parse("kind", opt(&self.kind)));
        match (name, uscc, city, kind) {
            (Some(name), Some(uscc), Some(city), Some(kind)) if inv.is_empty() => Ok(NewEmployer {
                name,
                uscc,
                city,
                kind,
            }),
            _ => Err(inv),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    pub surname: Option<String>,
    pub given_names: Option<String>,
    /// ISO 3166-1 alpha-3.
    pub nationality: Option<String>,
    pub passport_number: Option<String>,
    /// YYYY-MM-DD.
    pub date_of_birth: Option<String>,
    /// F, M or X.
    pub sex: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl PersonInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewPerson, Invalid> {
        let mut inv = Invalid::default();
        let name = match PersonName::parse("", opt(&self.surname), opt(&self.given_names)) {
            Ok(n) => Some(n),
            Err(es) => {
                es.into_iter().for_each(|e| inv.push(e));
                None
            }
        };
        let nationality = inv.take(Nationality::parse("nationality", opt(&self.nationality)));
        let passport_number = inv.take(PassportNumber::parse(
            "passport_number",
            opt(&self.passport_number),
        ));
        let date_of_birth = inv.take(parse_birth_date(
            "date_of_birth",
            opt(&self.date_of_birth),
            today,
        ));
        let sex = inv.take(Sex::parse("sex", opt(&self.sex)));
        let email = inv.take(Email::parse("email", opt(&self.email)));
        let phone = if opt(&self.phone).trim().is_empty() {
            Some(None)
        } else {
            inv.take(Phone::parse("phone", opt(&self.phone)).map(Some))
        };
        match (
            name,
            nationality,
            passport_number,
            date_of_birth,
            sex,
            email,
            phone,
        ) {
            (
                Some(name),
                Some(nationality),
                Some(passport_number),
                Some(date_of_birth),
                Some(sex),
                Some(email),
                Some(phone),
            ) if inv.is_empty() => Ok(NewPerson {
                name,
                nationality,
                passport_number,
                date_of_birth,
                sex,
                email,
                phone,
            }),
            _ => Err(inv),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    pub username: Option<String>,
    pub display_name: Option<String>,
    pub password: Option<String>,
    /// applicant, employer_hr, labour_officer, immigration_officer, social_security_officer or
    /// administrator.
    pub role: Option<String>,
    /// For employer_hr.
    pub employer_id: Option<String>,
    /// For applicant.
    pub person_id: Option<String>,
    /// For officers.
    pub city: Option<String>,
}

impl AccountInput {
    pub fn parse(&self) -> Result<NewAccount, Invalid> {
        let mut inv = Invalid::default();
        let username = inv.take(accounts::parse_username("username", opt(&self.username)));
        let display_name = inv.take(Text::parse("display_name", opt(&self.display_name), 100));
        let password = inv.take(
            crate::secrets::check_password("password", opt(&self.password))
                .map(|_| opt(&self.password).to_string()),
        );
        let scope = match inv.take(Role::parse("role", opt(&self.role))) {
            Some(Role::Applicant) => {
                inv.take(
                    uuid("person_id", opt(&self.person_id)).map(|id| Scope::Applicant {
                        person_id: PersonId(id),
                    }),
                )
            }
            Some(Role::EmployerHr) => inv.take(uuid("employer_id", opt(&self.employer_id)).map(
                |id| Scope::EmployerHr {
                    employer_id: EmployerId(id),
                },
            )),
            Some(Role::LabourOfficer) => inv.take(
                City::parse("city", opt(&self.city)).map(|city| Scope::LabourOfficer { city }),
            ),
            Some(Role::ImmigrationOfficer) => inv.take(
                City::parse("city", opt(&self.city)).map(|city| Scope::ImmigrationOfficer { city }),
            ),
            Some(Role::SocialSecurityOfficer) => inv.take(
                City::parse("city", opt(&self.city))
                    .map(|city| Scope::SocialSecurityOfficer { city }),
            ),
            Some(Role::Administrator) => Some(Scope::Administrator),
            None => None,
        };
        match (username, display_name, password, scope) {
            (Some(username), Some(display_name), Some(password), Some(scope)) if inv.is_empty() => {
                Ok(NewAccount {
                    username,
                    display_name: display_name.to_string(),
                    password,
                    scope,
                })
            }
            _ => Err(inv),
        }
    }
}

/// An application of any kind: fill the fields its kind asks for.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationInput {
    /// new, extension, change or cancellation.
    pub kind: Option<String>,
    /// Submit at once; otherwise the application is kept as a draft.
    pub submit: Option<bool>,
    /// new: the employee on your roster.
    pub person_id: Option<String>,
    /// new: position offered.
    pub position: Option<String>,
    /// new: annual salary paid in China, in yuan.
    pub annual_salary: Option<String>,
    /// new: YYYY-MM-DD.
    pub contract_start: Option<String>,
    /// new, extension: YYYY-MM-DD.
    pub contract_end: Option<String>,
    /// new: A, B or C, your own assessment.
    pub requested_category: Option<String>,
    /// extension, change, cancellation: the permit concerned.
    pub permit_number: Option<String>,
    /// change: employer, position, name or passport.
    pub change_what: Option<String>,
    /// change: YYYY-MM-DD, the day the change took effect.
    pub change_date: Option<String>,
    /// change of position.
    pub new_position: Option<String>,
    /// change of name.
    pub new_surname: Option<String>,
    pub new_given_names: Option<String>,
    /// change of passport.
    pub new_passport_number: Option<String>,
    /// change of employer, filed by the new employer: the holder's passport number.
    pub passport_number: Option<String>,
    /// cancellation: YYYY-MM-DD.
    pub employment_end: Option<String>,
    /// cancellation.
    pub reason: Option<String>,
}

impl ApplicationInput {
    pub fn parse(&self) -> Result<NewApplication, Invalid> {
        let mut inv = Invalid::default();
        let field = |n: &str| format!("details.{n}");
        let kind = match opt(&self.kind).trim() {
            "" => {
                inv.push(FieldError::new("kind", "required"));
                None
            }
            k => match domain::application::ApplicationKind::from_code(k) {
                Some(k) => Some(k),
                None => {
                    inv.push(FieldError::new("kind", "unknown_action"));
                    None
                }
            },
        };
        let permit_number = |inv: &mut Invalid| {
            inv.take(PermitNumber::parse(
                &field("permit_number"),
                opt(&self.permit_number),
            ))
        };
        let date = |inv: &mut Invalid, name: &str, v: &Option<String>| {
            inv.take(parse_date(&field(name), opt(v)))
        };
        use domain::application::ApplicationKind as K;
        let details = match kind {
            Some(K::New) => {
                let position = inv.take(Text::parse(&field("position"), opt(&self.position), 100));
                let salary = inv.take(Money::parse(
                    &field("annual_salary"),
                    opt(&self.annual_salary),
                ));
                let start = date(&mut inv, "contract_start", &self.contract_start);
                let end = date(&mut inv, "contract_end", &self.contract_end);
                let requested = if opt(&self.requested_category).trim().is_empty() {
                    Some(None)
                } else {
                    inv.take(
                        Category::parse(
                            &field("requested_category"),
                            opt(&self.requested_category),
                        )
                        .map(Some),
                    )
                };
                match (position, salary, start, end, requested) {
                    (
                        Some(position),
                        Some(annual_salary),
                        Some(contract_start),
                        Some(contract_end),
                        Some(requested_category),
                    ) => Some(Details::New {
                        position,
                        annual_salary,
                        contract_start,
                        contract_end,
                        requested_category,
                    }),
                    _ => None,
                }
            }
            Some(K::Extension) => {
                let n = permit_number(&mut inv);
                let end = date(&mut inv, "contract_end", &self.contract_end);
                n.zip(end)
                    .map(|(permit_number, contract_end)| Details::Extension {
                        permit_number,
                        contract_end,
                    })
            }
            Some(K::Change) => {
                let n = permit_number(&mut inv);
                let change_date = date(&mut inv, "change_date", &self.change_date);
                let change = match opt(&self.change_what).trim() {
                    "employer" => Some(Change::Employer),
                    "position" => inv
                        .take(Text::parse(
                            &field("new_position"),
                            opt(&self.new_position),
                            100,
                        ))
                        .map(|new_position| Change::Position { new_position }),
                    "name" => match PersonName::parse(
                        "details",
                        opt(&self.new_surname),
                        opt(&self.new_given_names),
                    ) {
                        Ok(n) => Some(Change::Name { new_name: n }),
                        Err(es) => {
                            for mut e in es {
                                e.field = e
                                    .field
                                    .replace("details.surname", "details.new_surname")
                                    .replace("details.given_names", "details.new_given_names");
                                inv.push(e);
                            }
                            None
                        }
                    },
                    "passport" => inv
                        .take(PassportNumber::parse(
                            &field("new_passport_number"),
                            opt(&self.new_passport_number),
                        ))
                        .map(|new_passport_number| Change::Passport {
                            new_passport_number,
                        }),
                    "" => {
                        inv.push(FieldError::new(field("change_what"), "required"));
                        None
                    }
                    _ => {
                        inv.push(FieldError::new(field("change_what"), "unknown_action"));
                        None
                    }
                };
                match (n, change_date, change) {
                    (Some(permit_number), Some(change_date), Some(change)) => {
                        Some(Details::Change {
                            permit_number,
                            change,
                            change_date,
                        })
                    }
                    _ => None,
                }
            }
            Some(K::Cancellation) => {
                let n = permit_number(&mut inv);
                let end = date(&mut inv, "employment_end", &self.employment_end);
                let reason = inv.take(Text::parse(&field("reason"), opt(&self.reason), 500));
                match (n, end, reason) {
                    (Some(permit_number), Some(employment_end), Some(reason)) => {
                        Some(Details::Cancellation {
                            permit_number,
                            employment_end,
                            reason,
                        })
                    }
                    _ => None,
                }
            }
            None => None,
        };
        let person_id = match kind {
            Some(K::New) => {
                inv.take(uuid("person_id", opt(&self.person_id)).map(|u| Some(PersonId(u))))
            }
            _ => Some(None),
        };
        let passport_number = match (&details, opt(&self.passport_number).trim()) {
            (
                Some(Details::Change {
                    change: Change::Employer,
                    ..
                }),
                p,
            ) if !p.is_empty() => inv.take(PassportNumber::parse("passport_number", p).map(Some)),
            _ => Some(None),
        };
        match (details, person_id, passport_number) {
            (Some(details), Some(person_id), Some(passport_number)) if inv.is_empty() => {
                if let Err(e) = details.check() {
                    return Err(e.into());
                }
                Ok(NewApplication {
                    details,
                    person_id,
                    passport_number,
                    submit: self.submit.unwrap_or(false),
                    profile: None,
                })
            }
            _ => Err(inv),
        }
    }
}

/// A step on an application.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionInput {
    /// submit, resubmit, withdraw, pass_pre_review, return, accept, start_review, approve,
    /// refuse or request_corrections.
    pub action: Option<String>,
    /// The version of the application the decision was made on.
    pub version: Option<i64>,
    /// return: every missing item; refuse: the reasons; request_corrections: what to correct.
    pub items: Option<Vec<String>>,
    /// approve: A, B or C (not for a cancellation).
    pub category: Option<String>,
    /// approve: YYYY-MM-DD.
    pub valid_from: Option<String>,
    /// approve: YYYY-MM-DD.
    pub valid_to: Option<String>,
}

impl TransitionInput {
    pub fn parse(&self) -> Result<(Action, i64), Invalid> {
        let mut inv = Invalid::default();
        let version = match self.version {
            Some(v) if v > 0 => Some(v),
            Some(_) => {
                inv.push(
                    FieldError::new("version", "invalid_type").with("detail", "a positive number"),
                );
                None
            }
            None => {
                inv.push(FieldError::new("version", "required"));
                None
            }
        };
        let kind = match opt(&self.action).trim() {
            "" => {
                inv.push(FieldError::new("action", "required"));
                None
            }
            a => inv.take(
                ActionKind::from_code(a).ok_or_else(|| FieldError::new("action", "unknown_action")),
            ),
        };
        let items = self.items.clone().unwrap_or_default();
        let action = match kind {
            Some(ActionKind::Submit) => Some(Action::Submit),
            Some(ActionKind::Resubmit) => Some(Action::Resubmit),
            Some(ActionKind::Withdraw) => Some(Action::Withdraw),
            Some(ActionKind::PassPreReview) => Some(Action::PassPreReview),
            Some(ActionKind::Accept) => Some(Action::Accept),
            Some(ActionKind::StartReview) => Some(Action::StartReview),
            Some(ActionKind::Return) => inv
                .take(parse_items("items", &items))
                .map(|missing_items| Action::Return { missing_items }),
            Some(ActionKind::Refuse) => inv
                .take(parse_items("items", &items))
                .map(|reasons| Action::Refuse { reasons }),
            Some(ActionKind::RequestCorrections) => inv
                .take(parse_items("items", &items))
                .map(|items| Action::RequestCorrections { items }),
            Some(ActionKind::Approve) => {
                let any = [&self.category, &self.valid_from, &self.valid_to]
                    .iter()
                    .any(|v| !opt(v).trim().is_empty());
                if any {
                    let category = inv.take(Category::parse("category", opt(&self.category)));
                    let from = inv.take(parse_date("valid_from", opt(&self.valid_from)));
                    let to = inv.take(parse_date("valid_to", opt(&self.valid_to)));
                    match (category, from, to) {
                        (Some(category), Some(valid_from), Some(valid_to)) => {
                            Some(Action::Approve {
                                grant: Some(Grant {
                                    category,
                                    valid_from,
                                    valid_to,
                                }),
                            })
                        }
                        _ => None,
                    }
                } else {
                    Some(Action::Approve { grant: None })
                }
            }
            None => None,
        };
        match (action, version) {
            (Some(a), Some(v)) if inv.is_empty() => Ok((a, v)),
            _ => Err(inv),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiTokenInput {
    pub name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_input_collects_every_error() {
        let input = ApplicationInput {
            kind: Some("new".into()),
            person_id: Some("nope".into()),
            annual_salary: Some("-5".into()),
            contract_start: Some("2026-02-30".into()),
            ..Default::default()
        };
        let errs = input.parse().unwrap_err().0;
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"details.position"), "{fields:?}");
        assert!(fields.contains(&"details.annual_salary"));
        assert!(fields.contains(&"details.contract_start"));
        assert!(fields.contains(&"details.contract_end"));
        assert!(fields.contains(&"person_id"));
    }

    #[test]
    fn approve_with_or_without_grant() {
        let t = TransitionInput {
            action: Some("approve".into()),
            version: Some(3),
            ..Default::default()
        };
        assert_eq!(t.parse().unwrap(), (Action::Approve { grant: None }, 3));
        let t = TransitionInput {
            action: Some("approve".into()),
            version: Some(3),
            category: Some("B".into()),
            ..Default::default()
        };
        let errs = t.parse().unwrap_err().0;
        assert_eq!(errs.len(), 2);
        let t = TransitionInput {
            action: Some("return".into()),
            version: Some(1),
            items: Some(vec![" ".into()]),
            ..Default::default()
        };
        assert_eq!(t.parse().unwrap_err().0[0].code, "items_required");
    }
}
