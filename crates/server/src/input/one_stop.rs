//! Request bodies of the agencies beside the labour authority: residence applications and
//! permits, appointments, and social insurance.

use super::{Flag, Whole, flag, opt, uuid, version, whole};
use crate::services::appointments::PurposeRequest;
use crate::services::insurance::Decision;
use crate::services::residence::{NewResidence, ResidenceRequest};
use chrono::{NaiveDate, NaiveDateTime};
use domain::application::parse_items;
use domain::appointment::parse_slot;
use domain::ids::{OfficeId, ResidenceApplicationId, ResidencePermitId};
use domain::insurance::CardState;
use domain::numbers::PermitNumber;
use domain::residence::{FilingKind, RAction, RActionKind, ResidenceGrant, RoleAtEmployer};
use domain::values::{Text, parse_date};
use domain::{FieldError, Invalid};
use serde::Deserialize;
use utoipa::ToSchema;

/// What a residence application asks: the holder's role and the period.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResidenceRequestInput {
    /// manager, professional or other.
    pub role_at_employer: Option<String>,
    /// The period asked for, in months (3 to 60).
    pub requested_months: Option<Whole>,
}

impl ResidenceRequestInput {
    pub fn parse(&self, prefix: &str) -> Result<ResidenceRequest, Invalid> {
        let mut inv = Invalid::default();
        let role = match opt(&self.role_at_employer).trim() {
            "" => {
                inv.push(FieldError::new(
                    format!("{prefix}role_at_employer"),
                    "required",
                ));
                None
            }
            r => inv.take(RoleAtEmployer::parse(
                &format!("{prefix}role_at_employer"),
                r,
            )),
        };
        let field = format!("{prefix}requested_months");
        let months = match whole(&field, &self.requested_months) {
            Ok(Some(n)) if (3..=60).contains(&n) => Some(n as u32),
            Ok(Some(_)) => {
                inv.push(
                    FieldError::new(field, "out_of_range")
                        .with("min", 3)
                        .with("max", 60),
                );
                None
            }
            Ok(None) => {
                inv.push(FieldError::new(field, "required"));
                None
            }
            Err(e) => {
                inv.push(e);
                None
            }
        };
        match (role, months) {
            (Some(role_at_employer), Some(requested_months)) if inv.is_empty() => {
                Ok(ResidenceRequest {
                    role_at_employer,
                    requested_months,
                })
            }
            _ => Err(inv),
        }
    }
}

/// A residence application on an issued work permit: its number (from the Notification Letter)
/// or the text of the card's QR code, never the permit's details typed in.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResidenceApplyInput {
    pub permit_number: Option<String>,
    /// The text of the e-SSC's QR code, verified online (and so used up).
    pub card_qr: Option<String>,
    pub role_at_employer: Option<String>,
    pub requested_months: Option<Whole>,
}

impl ResidenceApplyInput {
    pub fn parse(&self) -> Result<NewResidence, Invalid> {
        let mut inv = Invalid::default();
        let permit_number = match opt(&self.permit_number).trim() {
            "" => Some(None),
            n => inv.take(PermitNumber::parse("permit_number", n).map(Some)),
        };
        let card_qr = match opt(&self.card_qr).trim() {
            "" => None,
            c if c.len() > 4096 => {
                inv.push(FieldError::new("card_qr", "too_long").with("max", 4096));
                None
            }
            c => Some(c.to_string()),
        };
        let request = ResidenceRequestInput {
            role_at_employer: self.role_at_employer.clone(),
            requested_months: self.requested_months.clone(),
        }
        .parse("");
        let request = match request {
            Ok(r) => Some(r),
            Err(e) => {
                inv.0.extend(e.0);
                None
            }
        };
        match (permit_number, request) {
            (Some(permit_number), Some(request)) if inv.is_empty() => Ok(NewResidence {
                permit_number,
                card_qr,
                request,
            }),
            _ => Err(inv),
        }
    }
}

/// A step on a residence application.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResidenceStepInput {
    /// start_review, inspect_passport, request_corrections, resubmit, approve, refuse or
    /// withdraw.
    pub action: Option<String>,
    /// The version of the application the step was taken on.
    pub version: Option<i64>,
    /// refuse: the reasons; request_corrections: what to correct.
    pub items: Option<Vec<String>>,
    /// approve: YYYY-MM-DD.
    pub valid_from: Option<String>,
    /// approve: YYYY-MM-DD.
    pub valid_to: Option<String>,
}

impl ResidenceStepInput {
    pub fn parse(&self) -> Result<(RAction, i64), Invalid> {
        let mut inv = Invalid::default();
        let version = version(&mut inv, self.version);
        let kind = match opt(&self.action).trim() {
            "" => {
                inv.push(FieldError::new("action", "required"));
                None
            }
            a => inv.take(
                RActionKind::from_code(a)
                    .ok_or_else(|| FieldError::new("action", "unknown_action")),
            ),
        };
        let items = self.items.clone().unwrap_or_default();
        let action = match kind {
            Some(RActionKind::StartReview) => Some(RAction::StartReview),
            Some(RActionKind::InspectPassport) => Some(RAction::InspectPassport),
            Some(RActionKind::Resubmit) => Some(RAction::Resubmit),
            Some(RActionKind::Withdraw) => Some(RAction::Withdraw),
            Some(RActionKind::Refuse) => inv
                .take(parse_items("items", &items))
                .map(|reasons| RAction::Refuse { reasons }),
            Some(RActionKind::RequestCorrections) => inv
                .take(parse_items("items", &items))
                .map(|items| RAction::RequestCorrections { items }),
            Some(RActionKind::Approve) => {
                let from = inv.take(parse_date("valid_from", opt(&self.valid_from)));
                let to = inv.take(parse_date("valid_to", opt(&self.valid_to)));
                match (from, to) {
                    (Some(valid_from), Some(valid_to)) => Some(RAction::Approve {
                        grant: ResidenceGrant {
                            valid_from,
                            valid_to,
                        },
                    }),
                    _ => None,
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

/// Immigration's decision on a residence permit under review.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PermitReviewInput {
    /// true: the permit stands; false: it is cancelled.
    pub keep: Option<Flag>,
    /// Why, for the record (up to 500 characters).
    pub note: Option<String>,
}

impl PermitReviewInput {
    pub fn parse(&self) -> Result<(bool, Text), Invalid> {
        let mut inv = Invalid::default();
        if self.keep.is_none() {
            inv.push(FieldError::new("keep", "required"));
        }
        let keep = flag(&mut inv, "keep", &self.keep);
        let note = inv.take(Text::parse("note", opt(&self.note), 500));
        match note {
            Some(note) if inv.is_empty() => Ok((keep, note)),
            _ => Err(inv),
        }
    }
}

/// A filing that keeps a residence permit.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilingInput {
    /// region_move or degree_study.
    pub kind: Option<String>,
    /// YYYY-MM-DD: when the move or the study began.
    pub filed_on: Option<String>,
    /// The new region and office, or the institution and programme (up to 500 characters).
    pub details: Option<String>,
}

impl FilingInput {
    pub fn parse(&self) -> Result<(FilingKind, NaiveDate, Text), Invalid> {
        let mut inv = Invalid::default();
        let kind = match opt(&self.kind).trim() {
            "" => {
                inv.push(FieldError::new("kind", "required"));
                None
            }
            k => inv.take(FilingKind::parse("kind", k)),
        };
        let on = inv.take(parse_date("filed_on", opt(&self.filed_on)));
        let details = inv.take(Text::parse("details", opt(&self.details), 500));
        match (kind, on, details) {
            (Some(k), Some(o), Some(d)) if inv.is_empty() => Ok((k, o, d)),
            _ => Err(inv),
        }
    }
}

/// A booking at an office.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingInput {
    pub office_id: Option<String>,
    /// YYYY-MM-DDTHH:MM, local time at the office.
    pub slot: Option<String>,
    /// passport_inspection (with the residence application's id) or collect_residence_permit
    /// (with the residence permit's id).
    pub purpose: Option<String>,
    pub subject_id: Option<String>,
}

impl BookingInput {
    pub fn parse(&self) -> Result<(OfficeId, NaiveDateTime, PurposeRequest), Invalid> {
        let mut inv = Invalid::default();
        let office = inv.take(uuid("office_id", opt(&self.office_id)).map(OfficeId));
        let slot = inv.take(parse_slot("slot", opt(&self.slot)));
        let subject = inv.take(uuid("subject_id", opt(&self.subject_id)));
        let purpose = match (opt(&self.purpose).trim(), subject) {
            ("", _) => {
                inv.push(FieldError::new("purpose", "required"));
                None
            }
            ("passport_inspection", Some(s)) => Some(PurposeRequest::PassportInspection(
                ResidenceApplicationId(s),
            )),
            ("collect_residence_permit", Some(s)) => {
                Some(PurposeRequest::CollectResidencePermit(ResidencePermitId(s)))
            }
            ("passport_inspection" | "collect_residence_permit", None) => None,
            _ => {
                inv.push(FieldError::new("purpose", "purpose_value"));
                None
            }
        };
        match (office, slot, purpose) {
            (Some(o), Some(s), Some(p)) if inv.is_empty() => Ok((o, s, p)),
            _ => Err(inv),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescheduleInput {
    /// YYYY-MM-DDTHH:MM, local time at the office.
    pub slot: Option<String>,
}

impl RescheduleInput {
    pub fn parse(&self) -> Result<NaiveDateTime, Invalid> {
        parse_slot("slot", opt(&self.slot)).map_err(Invalid::from)
    }
}

/// A request for social insurance: the permit's number (from the notice) or the card's code.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InsuranceRequestInput {
    pub permit_number: Option<String>,
    pub card_qr: Option<String>,
}

impl InsuranceRequestInput {
    pub fn parse(&self) -> Result<(Option<PermitNumber>, Option<String>), Invalid> {
        let mut inv = Invalid::default();
        let number = match opt(&self.permit_number).trim() {
            "" => None,
            n => inv.take(PermitNumber::parse("permit_number", n)),
        };
        let code = match opt(&self.card_qr).trim() {
            "" => None,
            c if c.len() > 4096 => {
                inv.push(FieldError::new("card_qr", "too_long").with("max", 4096));
                None
            }
            c => Some(c.to_string()),
        };
        if inv.is_empty() {
            Ok((number, code))
        } else {
            Err(inv)
        }
    }
}

/// The social security officer's decision on a registration.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InsuranceDecisionInput {
    /// register or refuse.
    pub decision: Option<String>,
    pub version: Option<i64>,
    /// refuse: the reasons.
    pub items: Option<Vec<String>>,
}

impl InsuranceDecisionInput {
    pub fn parse(&self) -> Result<(Decision, i64), Invalid> {
        let mut inv = Invalid::default();
        let version = match self.version {
            Some(v) if v > 0 => Some(v),
            _ => {
                inv.push(FieldError::new("version", "required"));
                None
            }
        };
        let decision = match opt(&self.decision).trim() {
            "register" => Some(Decision::Register),
            "refuse" => inv
                .take(parse_items(
                    "items",
                    &self.items.clone().unwrap_or_default(),
                ))
                .map(|reasons| Decision::Refuse { reasons }),
            "" => {
                inv.push(FieldError::new("decision", "required"));
                None
            }
            _ => {
                inv.push(FieldError::new("decision", "decision_value"));
                None
            }
        };
        match (decision, version) {
            (Some(d), Some(v)) if inv.is_empty() => Ok((d, v)),
            _ => Err(inv),
        }
    }
}

/// A step of the physical card.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CardStepInput {
    /// ready, issued, reported_lost or cancelled.
    pub state: Option<String>,
}

impl CardStepInput {
    pub fn parse(&self) -> Result<CardState, Invalid> {
        match opt(&self.state).trim() {
            "" => Err(FieldError::new("state", "required").into()),
            s => CardState::parse("state", s).map_err(Invalid::from),
        }
    }
}

/// An issuing office, as an administrator defines it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficeInput {
    /// The city code (six digits).
    pub city: Option<String>,
    pub name: Option<String>,
    pub address: Option<String>,
    /// HH:MM, local time.
    pub opens: Option<String>,
    /// HH:MM, local time.
    pub closes: Option<String>,
    /// Minutes per slot, 5 to 240.
    pub slot_minutes: Option<Whole>,
    /// People served per slot, 1 to 1000.
    pub capacity: Option<Whole>,
    /// The days of the week it opens (mon … sun); Monday to Friday if left out. Public holidays
    /// close it and make-up working weekends open it, as the calendar says.
    pub weekdays: Option<Vec<String>>,
    /// Days it stays closed besides holidays, YYYY-MM-DD.
    pub closed_on: Option<Vec<String>>,
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl OfficeInput {
    pub fn parse(&self, id: OfficeId) -> Result<domain::appointment::Office, Invalid> {
        let mut inv = Invalid::default();
        let city = inv.take(domain::city::City::parse("city", opt(&self.city)));
        let name = inv.take(Text::parse("name", opt(&self.name), 200));
        let address = inv.take(Text::parse("address", opt(&self.address), 200));
        let time = |inv: &mut Invalid, field: &str, v: &Option<String>| {
            inv.take(
                chrono::NaiveTime::parse_from_str(opt(v).trim(), "%H:%M")
                    .map_err(|_| FieldError::new(field, "time_format")),
            )
        };
        let opens = time(&mut inv, "opens", &self.opens);
        let closes = time(&mut inv, "closes", &self.closes);
        let mut number = |field: &str, v: &Option<Whole>| match whole(field, v) {
            Ok(Some(n)) if (0..=100_000).contains(&n) => Some(n as u32),
            Ok(Some(_)) => {
                inv.push(FieldError::new(field, "number_format"));
                None
            }
            Ok(None) => {
                inv.push(FieldError::new(field, "required"));
                None
            }
            Err(e) => {
                inv.push(e);
                None
            }
        };
        let slot_minutes = number("slot_minutes", &self.slot_minutes);
        let capacity = number("capacity", &self.capacity);
        let mut weekdays = 0u8;
        match &self.weekdays {
            None => weekdays = domain::appointment::WEEKDAYS,
            Some(days) => {
                for (i, d) in days.iter().enumerate() {
                    match DAYS
                        .iter()
                        .position(|x| *x == d.trim().to_ascii_lowercase())
                    {
                        Some(n) => weekdays |= 1 << n,
                        None => {
                            inv.push(FieldError::new(format!("weekdays[{i}]"), "weekday_value"))
                        }
                    }
                }
            }
        }
        let mut closed_on = Vec::new();
        for (i, d) in self.closed_on.iter().flatten().enumerate() {
            if let Some(d) = inv.take(parse_date(&format!("closed_on[{i}]"), d)) {
                closed_on.push(d);
            }
        }
        match (city, name, address, opens, closes, slot_minutes, capacity) {
            (
                Some(city),
                Some(name),
                Some(address),
                Some(opens),
                Some(closes),
                Some(slot_minutes),
                Some(capacity),
            ) if inv.is_empty() => {
                let office = domain::appointment::Office {
                    id,
                    city,
                    name,
                    address,
                    opens,
                    closes,
                    slot_minutes,
                    capacity,
                    weekdays,
                    closed_on,
                };
                office.check().map_err(Invalid::from)?;
                Ok(office)
            }
            _ => Err(inv),
        }
    }
}
