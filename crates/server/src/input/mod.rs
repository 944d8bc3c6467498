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

mod contributions;
mod one_stop;
mod visas;
pub use contributions::*;
pub use one_stop::*;
pub use visas::*;

/// The version a step was taken on: required, and positive.
fn version(inv: &mut Invalid, v: Option<i64>) -> Option<i64> {
    match v {
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
    }
}

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
    /// new: what you declare about the applicant for the classification; assessed against
    /// the policy in force when the application is submitted.
    pub profile: Option<ProfileInput>,
    /// new: also apply for the work-type residence permit (one-stop acceptance); immigration
    /// reviews it in parallel and both permits are issued together. Needs `submit`.
    pub residence: Option<ResidenceRequestInput>,
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
        let profile = match &self.profile {
            None => Some(None),
            Some(_) if kind != Some(K::New) => {
                inv.push(FieldError::new("profile", "profile_new_only"));
                None
            }
            Some(p) => match p.parse("profile.") {
                Ok(p) => Some(Some(p)),
                Err(e) => {
                    inv.0.extend(e.0);
                    None
                }
            },
        };
        let residence = match &self.residence {
            None => Some(None),
            Some(_) if kind != Some(K::New) => {
                inv.push(FieldError::new("residence", "one_stop_new_only"));
                None
            }
            Some(r) => match r.parse("residence.") {
                Ok(r) => Some(Some(r)),
                Err(e) => {
                    inv.0.extend(e.0);
                    None
                }
            },
        };
        match (details, person_id, passport_number, profile, residence) {
            (
                Some(details),
                Some(person_id),
                Some(passport_number),
                Some(profile),
                Some(residence),
            ) if inv.is_empty() => {
                if let Err(e) = details.check() {
                    return Err(e.into());
                }
                Ok(NewApplication {
                    details,
                    person_id,
                    passport_number,
                    submit: self.submit.unwrap_or(false),
                    profile,
                    residence,
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
    /// approve: why the category differs from the one the policy assessed; required then.
    pub override_reason: Option<String>,
}

impl TransitionInput {
    pub fn parse(&self) -> Result<(Action, i64), Invalid> {
        let mut inv = Invalid::default();
        let version = version(&mut inv, self.version);
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
                let override_reason = match opt(&self.override_reason).trim() {
                    "" => None,
                    r => inv.take(Text::parse("override_reason", r, 500)),
                };
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
                                override_reason: override_reason.clone(),
                            })
                        }
                        _ => None,
                    }
                } else {
                    Some(Action::Approve {
                        grant: None,
                        override_reason: None,
                    })
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
        assert_eq!(
            t.parse().unwrap(),
            (
                Action::Approve {
                    grant: None,
                    override_reason: None
                },
                3
            )
        );
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

/// A yes or no: `true`/`false` in JSON, or a form's checkbox (`on`, `true`, `yes`, `1`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Flag {
    Bool(bool),
    Text(String),
}

fn flag(inv: &mut Invalid, field: &str, f: &Option<Flag>) -> bool {
    match f {
        None => false,
        Some(Flag::Bool(b)) => *b,
        Some(Flag::Text(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "on" | "true" | "yes" | "1" => true,
            "" | "off" | "false" | "no" | "0" => false,
            _ => {
                inv.push(FieldError::new(field, "flag_format"));
                false
            }
        },
    }
}

/// A whole number: a JSON number, or its digits as text (a form field).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Whole {
    Number(i64),
    Text(String),
}

/// The number, if one was given; `None` for an absent or empty field.
fn whole(field: &str, w: &Option<Whole>) -> Result<Option<i64>, FieldError> {
    match w {
        None => Ok(None),
        Some(Whole::Number(n)) => Ok(Some(*n)),
        Some(Whole::Text(s)) if s.trim().is_empty() => Ok(None),
        Some(Whole::Text(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| FieldError::new(field, "number_format")),
    }
}

/// A bounded whole number: absent means zero.
fn bounded<T>(
    inv: &mut Invalid,
    field: &str,
    w: &Option<Whole>,
    new: fn(&str, i64) -> Result<T, FieldError>,
) -> Option<T> {
    match whole(field, w) {
        Ok(n) => inv.take(new(field, n.unwrap_or(0))),
        Err(e) => {
            inv.push(e);
            None
        }
    }
}

/// What the employer declares about the applicant for the classification (points and direct
/// criteria); every field may be left out.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    /// doctorate, master, bachelor or other.
    pub education: Option<String>,
    /// Years of work experience relevant to the position.
    pub experience_years: Option<Whole>,
    /// Months a year the applicant will work in China, 0 to 12.
    pub months_in_china: Option<Whole>,
    /// HSK level passed, 1 to 9; empty for none.
    pub hsk_level: Option<Whole>,
    pub former_chinese_national: Option<Flag>,
    pub degree_taught_in_chinese: Option<Flag>,
    /// A degree from one of the world's top universities.
    pub top_foreign_university: Option<Flag>,
    pub fortune_global_500_experience: Option<Flag>,
    /// The applicant holds patents.
    pub patents: Option<Flag>,
    pub years_worked_in_china: Option<Whole>,
    pub national_talent_programme: Option<Flag>,
    pub international_achievement: Option<Flag>,
    pub postdoctoral_work: Option<Flag>,
    pub skill_certificate: Option<Flag>,
    /// Certified as urgently needed talent by the region.
    pub urgently_needed: Option<Flag>,
    pub innovation_talent: Option<Flag>,
    pub young_graduate: Option<Flag>,
    /// A founder of the employer: the investment test of Category A.
    pub founder: Option<Flag>,
    pub founder_patents: Option<Whole>,
    /// Years the founder's company has operated.
    pub founder_years: Option<Whole>,
    pub founder_investment_usd: Option<Whole>,
    /// The founder's stake, per cent.
    pub founder_stake: Option<Whole>,
    /// Family members come along.
    pub accompanying_family: Option<Flag>,
}

impl ProfileInput {
    /// The profile, with fields named under `prefix` (e.g. `profile.`).
    pub fn parse(&self, prefix: &str) -> Result<domain::profile::Profile, Invalid> {
        use domain::policy::*;
        let mut inv = Invalid::default();
        let f = |n: &str| format!("{prefix}{n}");
        let education = match opt(&self.education).trim() {
            "" => Some(Education::Other),
            s => inv.take(Education::parse(&f("education"), s)),
        };
        let experience_years = bounded(
            &mut inv,
            &f("experience_years"),
            &self.experience_years,
            Years::new,
        );
        let months_in_china = bounded(
            &mut inv,
            &f("months_in_china"),
            &self.months_in_china,
            MonthsPerYear::new,
        );
        let hsk_level = match whole(&f("hsk_level"), &self.hsk_level) {
            Ok(None) => Some(None),
            Ok(Some(n)) => inv.take(HskLevel::new(&f("hsk_level"), n).map(Some)),
            Err(e) => {
                inv.push(e);
                None
            }
        };
        let years_worked_in_china = bounded(
            &mut inv,
            &f("years_worked_in_china"),
            &self.years_worked_in_china,
            Years::new,
        );
        let chinese = |inv: &mut Invalid, hsk_level| ChineseFacts {
            hsk_level,
            former_chinese_national: flag(
                inv,
                &f("former_chinese_national"),
                &self.former_chinese_national,
            ),
            degree_taught_in_chinese: flag(
                inv,
                &f("degree_taught_in_chinese"),
                &self.degree_taught_in_chinese,
            ),
        };
        let chinese = hsk_level.map(|h| chinese(&mut inv, h));
        let talent = TalentFacts {
            national_talent_programme: flag(
                &mut inv,
                &f("national_talent_programme"),
                &self.national_talent_programme,
            ),
            international_achievement: flag(
                &mut inv,
                &f("international_achievement"),
                &self.international_achievement,
            ),
            postdoctoral_work: flag(&mut inv, &f("postdoctoral_work"), &self.postdoctoral_work),
            skill_certificate: flag(&mut inv, &f("skill_certificate"), &self.skill_certificate),
            urgently_needed: flag(&mut inv, &f("urgently_needed"), &self.urgently_needed),
            innovation_talent: flag(&mut inv, &f("innovation_talent"), &self.innovation_talent),
            young_graduate: flag(&mut inv, &f("young_graduate"), &self.young_graduate),
        };
        let founder = if flag(&mut inv, &f("founder"), &self.founder) {
            let patents = bounded(
                &mut inv,
                &f("founder_patents"),
                &self.founder_patents,
                Count::new,
            );
            let years = bounded(
                &mut inv,
                &f("founder_years"),
                &self.founder_years,
                Years::new,
            );
            let investment_usd =
                match whole(&f("founder_investment_usd"), &self.founder_investment_usd) {
                    Ok(n) => inv.take(UsdAmount::new(&f("founder_investment_usd"), n.unwrap_or(0))),
                    Err(e) => {
                        inv.push(e);
                        None
                    }
                };
            let stake = bounded(
                &mut inv,
                &f("founder_stake"),
                &self.founder_stake,
                Percent::new,
            );
            match (patents, years, investment_usd, stake) {
                (Some(patents), Some(years), Some(investment_usd), Some(stake)) => {
                    Some(Some(FounderFacts {
                        patents,
                        years,
                        investment_usd,
                        stake,
                    }))
                }
                _ => None,
            }
        } else {
            Some(None)
        };
        let extras = years_worked_in_china.map(|years_worked_in_china| ExtrasFacts {
            top_foreign_university: flag(
                &mut inv,
                &f("top_foreign_university"),
                &self.top_foreign_university,
            ),
            fortune_global_500_experience: flag(
                &mut inv,
                &f("fortune_global_500_experience"),
                &self.fortune_global_500_experience,
            ),
            patents: flag(&mut inv, &f("patents"), &self.patents),
            years_worked_in_china,
        });
        let accompanying_family = flag(
            &mut inv,
            &f("accompanying_family"),
            &self.accompanying_family,
        );
        match (
            education,
            experience_years,
            months_in_china,
            chinese,
            extras,
            founder,
        ) {
            (
                Some(education),
                Some(experience_years),
                Some(months_in_china),
                Some(chinese),
                Some(extras),
                Some(founder),
            ) if inv.is_empty() => Ok(domain::profile::Profile {
                education,
                experience_years,
                months_in_china,
                chinese,
                extras,
                talent,
                founder,
                accompanying_family,
            }),
            _ => Err(inv),
        }
    }
}

/// A self-assessment: the applicant, the employer and the job, as a visitor types them.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentInput {
    /// Six-digit code of the city where the employer applies (GB/T 2260).
    pub city: Option<String>,
    /// university, research_institute, enterprise, fortune_global_500, high_tech_enterprise,
    /// public_institution or other.
    pub employer_kind: Option<String>,
    pub position: Option<String>,
    /// Annual salary paid in China, in yuan.
    pub annual_salary: Option<String>,
    /// YYYY-MM-DD.
    pub contract_start: Option<String>,
    /// YYYY-MM-DD.
    pub contract_end: Option<String>,
    /// YYYY-MM-DD.
    pub date_of_birth: Option<String>,
    /// ISO 3166 alpha-3.
    pub nationality: Option<String>,
    pub profile: Option<ProfileInput>,
}

impl AssessmentInput {
    /// The facts of a new-permit application assessed on `on`.
    pub fn parse(&self, on: NaiveDate) -> Result<domain::policy::Facts, Invalid> {
        use domain::policy::*;
        let mut inv = Invalid::default();
        let city = inv.take(City::parse("city", opt(&self.city)));
        let employer_kind = inv.take(EmployerKind::parse(
            "employer_kind",
            opt(&self.employer_kind),
        ));
        let position = inv.take(Text::parse("position", opt(&self.position), 100));
        let salary = inv.take(Money::parse("annual_salary", opt(&self.annual_salary)));
        let start = inv.take(parse_date("contract_start", opt(&self.contract_start)));
        let end = inv.take(parse_date("contract_end", opt(&self.contract_end)));
        let period = match (start, end) {
            (Some(s), Some(e)) => inv.take(Period::new("contract_end", s, e)),
            _ => None,
        };
        let born = inv.take(BirthDate::parse(
            "date_of_birth",
            opt(&self.date_of_birth),
            on,
        ));
        let nationality = inv.take(Nationality::parse("nationality", opt(&self.nationality)));
        let profile = match self.profile.clone().unwrap_or_default().parse("profile.") {
            Ok(p) => Some(p),
            Err(e) => {
                inv.0.extend(e.0);
                None
            }
        };
        match (
            city,
            employer_kind,
            position,
            salary,
            period,
            born,
            nationality,
            profile,
        ) {
            (
                Some(city),
                Some(kind),
                Some(position),
                Some(annual_salary),
                Some(period),
                Some(born),
                Some(nationality),
                Some(p),
            ) if inv.is_empty() => Ok(Facts {
                applicant: ApplicantFacts {
                    date_of_birth: born,
                    nationality,
                    profile: p,
                },
                employer: EmployerFacts {
                    kind,
                    city,
                    multinational: false,
                },
                position,
                annual_salary,
                kind: domain::application::ApplicationKind::New,
                region: city,
                requested_period: Some(period),
                assessed_on: on,
                submitted_on: None,
                current_permit: None,
                documents_on_file: Vec::new(),
            }),
            _ => Err(inv),
        }
    }
}

/// A policy file an administrator loads.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyInput {
    /// The file's name, for the messages that point into it.
    pub file_name: Option<String>,
    /// The file's text (TOML; the format is documented in `policies/README.md`).
    pub source: Option<String>,
}

/// A policy file, checked for presence only: the policy engine checks the rest.
pub struct PolicyUpload {
    pub file_name: String,
    pub source: String,
}

impl PolicyInput {
    pub fn parse(&self) -> Result<PolicyUpload, Invalid> {
        let mut inv = Invalid::default();
        let file_name = inv.take(Text::parse("file_name", opt(&self.file_name), 200));
        let source = match opt(&self.source) {
            s if s.trim().is_empty() => {
                inv.push(FieldError::new("source", "required"));
                None
            }
            s => Some(s.to_string()),
        };
        match (file_name, source) {
            (Some(file_name), Some(source)) => Ok(PolicyUpload {
                file_name: file_name.to_string(),
                source,
            }),
            _ => Err(inv),
        }
    }
}
