//! Request bodies of contributions and benefit claims.

use super::{opt, uuid, version};
use crate::services::claims::ClaimInput;
use crate::services::contributions::DeclareInput;
use domain::application::parse_items;
use domain::benefits::{ClaimAction, ClaimDocument, PaymentInstruction};
use domain::contributions::{ContributionBase, ContributionMonth};
use domain::ids::PersonId;
use domain::values::parse_date;
use domain::{FieldError, Invalid};
use serde::Deserialize;
use utoipa::ToSchema;

fn done<T>(inv: Invalid, v: Option<T>) -> Result<T, Invalid> {
    match v {
        Some(v) if inv.is_empty() => Ok(v),
        _ => Err(inv),
    }
}

/// A month's contribution for one employee; declaring a month again corrects it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclarationInput {
    pub person_id: Option<String>,
    /// `YYYY-MM`.
    pub month: Option<String>,
    /// The contribution base in yuan, e.g. "20000" or "20000.50"; within the city's floor and
    /// ceiling.
    pub base: Option<String>,
}

impl DeclarationInput {
    pub fn parse(&self) -> Result<DeclareInput, Invalid> {
        let mut inv = Invalid::default();
        let person = inv.take(uuid("person_id", opt(&self.person_id)));
        let month = inv.take(ContributionMonth::parse("month", opt(&self.month)));
        let base = inv.take(ContributionBase::parse("base", opt(&self.base)));
        let v = match (person, month, base) {
            (Some(p), Some(month), Some(base)) => Some(DeclareInput {
                person_id: PersonId(p),
                month,
                base,
            }),
            _ => None,
        };
        done(inv, v)
    }
}

/// A claim of a benefit of the catalogue.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimCreateInput {
    /// The benefit's key in the catalogue, e.g. `pension_refund`.
    pub benefit: Option<String>,
    /// The documents provided: application_form, passport, employment_contract,
    /// termination_proof, departure_evidence, bank_account, tax_record.
    pub documents: Option<Vec<String>>,
    /// The day the holder leaves China for good, where the benefit asks for it.
    pub leaving_china_on: Option<String>,
}

impl ClaimCreateInput {
    pub fn parse(&self) -> Result<ClaimInput, Invalid> {
        let mut inv = Invalid::default();
        let benefit = match opt(&self.benefit).trim() {
            "" => {
                inv.push(FieldError::new("benefit", "required"));
                None
            }
            b if b.len() > 64 => {
                inv.push(FieldError::new("benefit", "too_long").with("max", 64));
                None
            }
            b => Some(b.to_string()),
        };
        let mut documents = Vec::new();
        for (i, d) in self
            .documents
            .clone()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            match ClaimDocument::from_code(d.trim()) {
                Some(d) if !documents.contains(&d) => documents.push(d),
                Some(_) => {}
                None => inv.push(
                    FieldError::new(format!("documents[{i}]"), "claim_document_value")
                        .with("value", d),
                ),
            }
        }
        let leaving = match opt(&self.leaving_china_on).trim() {
            "" => None,
            d => inv.take(parse_date("leaving_china_on", d)),
        };
        let v = benefit.map(|benefit| ClaimInput {
            benefit,
            documents,
            leaving_china_on: leaving,
        });
        done(inv, v)
    }
}

/// A step on a claim: the social security officer approves (with the payment instruction) or
/// refuses (with the reasons); the holder withdraws.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimStepInput {
    /// approve, refuse or withdraw.
    pub action: Option<String>,
    pub version: Option<i64>,
    /// approve: the amount paid, in yuan.
    pub amount: Option<String>,
    /// approve: the account paid into.
    pub account: Option<String>,
    /// approve: the payment's reference.
    pub reference: Option<String>,
    /// refuse: the reasons.
    pub items: Option<Vec<String>>,
}

impl ClaimStepInput {
    pub fn parse(&self) -> Result<(ClaimAction, i64), Invalid> {
        let mut inv = Invalid::default();
        let version = version(&mut inv, self.version);
        let action = match opt(&self.action).trim() {
            "approve" => match PaymentInstruction::parse(
                opt(&self.amount),
                opt(&self.account),
                opt(&self.reference),
            ) {
                Ok(payment) => Some(ClaimAction::Approve { payment }),
                Err(errors) => {
                    for e in errors {
                        inv.push(e);
                    }
                    None
                }
            },
            "refuse" => inv
                .take(parse_items(
                    "items",
                    &self.items.clone().unwrap_or_default(),
                ))
                .map(|reasons| ClaimAction::Refuse { reasons }),
            "withdraw" => Some(ClaimAction::Withdraw),
            "" => {
                inv.push(FieldError::new("action", "required"));
                None
            }
            _ => {
                inv.push(FieldError::new("action", "claim_action_value"));
                None
            }
        };
        let v = match (action, version) {
            (Some(a), Some(v)) => Some((a, v)),
            _ => None,
        };
        done(inv, v)
    }
}
