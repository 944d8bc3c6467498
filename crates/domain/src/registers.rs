//! Shared data instead of paper: the facts another department's register can confirm, how its
//! answer is read and judged, and what a confirmed fact does to a checklist. Pure: asking is the
//! server's job, and the times of asking and answering are passed in.
//!
//! The wire format read here is the contract of `docs/registers.md`. Anything that does not
//! follow it is garbage, and garbage never exempts a document: it falls back to paper with the
//! reason recorded.

use crate::city::City;
use crate::party::Uscc;
use crate::policy::{Assessment, ChecklistItem, DocumentKind, DocumentStatus, Reason};
use crate::values::{Nationality, PassportNumber, Text};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Largest answer body read from a register, in bytes; a larger one is garbage.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;
/// Bytes of an answer kept with the evidence.
pub const STORED_ANSWER_BYTES: usize = 4096;
/// Longest reference a register may give, in characters.
pub const MAX_REFERENCE_CHARS: usize = 64;

/// Which register: one kind of fact each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegisterKind {
    /// The market regulator's register of business licences.
    BusinessLicence,
    /// The public security bureau's register of foreigners' accommodation.
    Accommodation,
}

impl RegisterKind {
    pub const ALL: [RegisterKind; 2] = [RegisterKind::BusinessLicence, RegisterKind::Accommodation];

    pub fn as_str(&self) -> &'static str {
        match self {
            RegisterKind::BusinessLicence => "business_licence",
            RegisterKind::Accommodation => "accommodation",
        }
    }

    pub fn from_code(s: &str) -> Option<RegisterKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The document a confirmed fact of this register replaces.
    pub fn document(&self) -> DocumentKind {
        match self {
            RegisterKind::BusinessLicence => DocumentKind::BusinessLicence,
            RegisterKind::Accommodation => DocumentKind::AccommodationRegistration,
        }
    }
}

/// A fact to be confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "fact", rename_all = "snake_case")]
pub enum Fact {
    /// The employer's business licence is registered and in force, under this name.
    BusinessLicence { uscc: Uscc, name: Text },
    /// The foreigner's accommodation is registered at an address in this city.
    Accommodation {
        nationality: Nationality,
        passport_number: PassportNumber,
        city: City,
    },
}

impl Fact {
    pub fn register(&self) -> RegisterKind {
        match self {
            Fact::BusinessLicence { .. } => RegisterKind::BusinessLicence,
            Fact::Accommodation { .. } => RegisterKind::Accommodation,
        }
    }

    pub fn document(&self) -> DocumentKind {
        self.register().document()
    }

    /// The request body of the HTTP contract.
    pub fn request(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("serialisable")
    }
}

/// A business licence as the register holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicenceRecord {
    pub uscc: String,
    pub name: String,
    pub status: LicenceStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LicenceStatus {
    InForce,
    Suspended,
    Revoked,
    Deregistered,
}

/// An accommodation registration as the register holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccommodationRecord {
    pub nationality: String,
    pub passport_number: String,
    /// The city of the registered address, by its six-digit code.
    pub city: String,
    pub address: String,
    pub registered_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Record {
    BusinessLicence(LicenceRecord),
    Accommodation(AccommodationRecord),
}

/// A register's reply, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    NotFound,
    Found {
        reference: String,
        as_of: NaiveDate,
        record: Record,
    },
}

impl Reply {
    /// The reply in the contract's JSON, as a file register gives it.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Reply::NotFound => serde_json::json!({ "found": false }),
            Reply::Found {
                reference,
                as_of,
                record,
            } => serde_json::json!({
                "found": true, "reference": reference, "as_of": as_of, "record": record,
            }),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    found: bool,
    reference: Option<String>,
    as_of: Option<NaiveDate>,
    record: Option<serde_json::Value>,
}

/// Reads a register's answer body: strict JSON of the contract, for a register of `kind`. The
/// error is the garbage reason.
pub fn read_reply(kind: RegisterKind, body: &[u8]) -> Result<Reply, &'static str> {
    if body.len() > MAX_ANSWER_BYTES {
        return Err("too_large");
    }
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|_| "not_json")?;
    let wire: Wire = serde_json::from_value(value).map_err(|_| "wrong_shape")?;
    match wire {
        Wire {
            found: false,
            reference: None,
            as_of: None,
            record: None,
        } => Ok(Reply::NotFound),
        Wire {
            found: true,
            reference: Some(reference),
            as_of: Some(as_of),
            record: Some(record),
        } => {
            let n = reference.chars().count();
            if n == 0
                || n > MAX_REFERENCE_CHARS
                || reference.chars().any(|c| c.is_control())
                || reference.trim() != reference
            {
                return Err("bad_reference");
            }
            let record = match kind {
                RegisterKind::BusinessLicence => Record::BusinessLicence(
                    serde_json::from_value(record).map_err(|_| "wrong_shape")?,
                ),
                RegisterKind::Accommodation => Record::Accommodation(
                    serde_json::from_value(record).map_err(|_| "wrong_shape")?,
                ),
            };
            Ok(Reply::Found {
                reference,
                as_of,
                record,
            })
        }
        _ => Err("wrong_shape"),
    }
}

/// What came of asking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The register confirms the fact.
    Confirmed { reference: String, as_of: NaiveDate },
    /// The register answered, and does not confirm it (`not_registered`, `licence_not_in_force`,
    /// `name_mismatch`, `not_in_city`).
    NotConfirmed { reason: String },
    /// No answer in time (`timeout`), none at all (`unreachable`), or a refusal to answer
    /// (`status`, an HTTP status other than 200).
    NoAnswer { reason: String },
    /// An answer that breaks the contract (`too_large`, `not_json`, `wrong_shape`,
    /// `bad_reference`, `other_subject`, `as_of_in_future`, `registered_in_future`).
    Garbage { reason: String },
}

impl Outcome {
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Confirmed { .. } => "confirmed",
            Outcome::NotConfirmed { .. } => "not_confirmed",
            Outcome::NoAnswer { .. } => "no_answer",
            Outcome::Garbage { .. } => "garbage",
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            Outcome::Confirmed { .. } => None,
            Outcome::NotConfirmed { reason }
            | Outcome::NoAnswer { reason }
            | Outcome::Garbage { reason } => Some(reason),
        }
    }

    pub fn no_answer(reason: &str) -> Outcome {
        Outcome::NoAnswer {
            reason: reason.to_string(),
        }
    }

    pub fn garbage(reason: &str) -> Outcome {
        Outcome::Garbage {
            reason: reason.to_string(),
        }
    }

    fn not_confirmed(reason: &str) -> Outcome {
        Outcome::NotConfirmed {
            reason: reason.to_string(),
        }
    }

    /// Rebuilds an outcome from its stored columns; `None` if they do not fit together.
    pub fn from_parts(
        outcome: &str,
        reason: Option<String>,
        reference: Option<String>,
        as_of: Option<NaiveDate>,
    ) -> Option<Outcome> {
        Some(match (outcome, reason, reference, as_of) {
            ("confirmed", None, Some(reference), Some(as_of)) => {
                Outcome::Confirmed { reference, as_of }
            }
            ("not_confirmed", Some(reason), None, None) => Outcome::NotConfirmed { reason },
            ("no_answer", Some(reason), None, None) => Outcome::NoAnswer { reason },
            ("garbage", Some(reason), None, None) => Outcome::Garbage { reason },
            _ => return None,
        })
    }
}

/// Names compared as people read them: case and runs of white space do not count.
fn same_name(a: &str, b: &str) -> bool {
    let fold = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    fold(a) == fold(b)
}

/// Whether `reply` confirms `fact` on `today`. A record about some other subject, or dated in
/// the future, is garbage: the register answered a question it was not asked.
pub fn judge(fact: &Fact, reply: &Reply, today: NaiveDate) -> Outcome {
    let (reference, as_of, record) = match reply {
        Reply::NotFound => return Outcome::not_confirmed("not_registered"),
        Reply::Found {
            reference,
            as_of,
            record,
        } => (reference, *as_of, record),
    };
    if as_of > today {
        return Outcome::garbage("as_of_in_future");
    }
    match (fact, record) {
        (Fact::BusinessLicence { uscc, name }, Record::BusinessLicence(r)) => {
            if !r.uscc.trim().eq_ignore_ascii_case(uscc.as_str()) {
                return Outcome::garbage("other_subject");
            }
            if r.status != LicenceStatus::InForce {
                return Outcome::not_confirmed("licence_not_in_force");
            }
            if !same_name(&r.name, name.as_str()) {
                return Outcome::not_confirmed("name_mismatch");
            }
        }
        (
            Fact::Accommodation {
                nationality,
                passport_number,
                city,
            },
            Record::Accommodation(r),
        ) => {
            if !r
                .nationality
                .trim()
                .eq_ignore_ascii_case(nationality.as_str())
                || !r
                    .passport_number
                    .trim()
                    .eq_ignore_ascii_case(passport_number.as_str())
            {
                return Outcome::garbage("other_subject");
            }
            if r.registered_on > as_of {
                return Outcome::garbage("registered_in_future");
            }
            if r.city.trim() != city.code() {
                return Outcome::not_confirmed("not_in_city");
            }
            if r.address.trim().is_empty() {
                return Outcome::garbage("wrong_shape");
            }
        }
        _ => return Outcome::garbage("wrong_shape"),
    }
    Outcome::Confirmed {
        reference: reference.clone(),
        as_of,
    }
}

/// An answer as received, bounded for storage: invalid UTF-8 replaced, cut at a character
/// boundary, with a mark where it was cut.
pub fn bounded_answer(body: &[u8]) -> String {
    let head = &body[..body.len().min(STORED_ANSWER_BYTES)];
    let mut s = String::from_utf8_lossy(head).into_owned();
    if body.len() > STORED_ANSWER_BYTES {
        // A lossy tail may end in part of a character: the replacement is kept, it is evidence.
        while s.len() > STORED_ANSWER_BYTES {
            s.pop();
        }
        s.push('…');
    }
    s
}

/// One question to one register and what came of it, kept with the application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub document: DocumentKind,
    pub fact: RegisterKind,
    /// The register, by its configured name.
    pub register: String,
    pub asked_at: DateTime<Utc>,
    /// None when no answer came.
    pub answered_at: Option<DateTime<Utc>>,
    pub outcome: Outcome,
    /// The answer as received (see `bounded_answer`), or what stood for it (`timeout`).
    pub answer: String,
}

impl Evidence {
    pub fn confirmed(&self) -> bool {
        matches!(self.outcome, Outcome::Confirmed { .. })
    }
}

/// The checklist's line for a document a register was asked about: confirmed, or on paper
/// with the reason.
fn settled(e: &Evidence) -> DocumentStatus {
    match &e.outcome {
        Outcome::Confirmed { reference, as_of } => DocumentStatus::Confirmed {
            register: e.register.clone(),
            answered_at: e.answered_at.unwrap_or(e.asked_at),
            reference: reference.clone(),
            as_of: *as_of,
        },
        other => DocumentStatus::Paper {
            reason: Reason::new(&format!("register_{}", other.as_str()))
                .with("register", &e.register)
                .with("why", other.reason().unwrap_or_default()),
        },
    }
}

/// Applies what the registers answered to an assessment's checklist. A document the policy
/// leaves to shared data, or one still to be submitted, becomes confirmed when the latest
/// answer about it confirms, and is to be submitted on paper, with the reason, otherwise; a
/// shared-data document no register was asked about falls back to paper too.
pub fn apply(assessment: &mut Assessment, evidence: &[Evidence]) {
    let deferrable = assessment.accept_with_missing_documents;
    for item in &mut assessment.documents {
        let shared = matches!(&item.status, DocumentStatus::Exempt { reason } if reason.rule == "shared_data");
        if !(shared || item.to_submit()) {
            continue;
        }
        let latest = evidence.iter().rev().find(|e| e.document == item.document);
        item.status = match latest {
            Some(e) => settled(e),
            None if shared => DocumentStatus::Paper {
                reason: Reason::new("register_not_configured"),
            },
            None => continue,
        };
        *item = ChecklistItem {
            deferrable: deferrable && item.to_submit(),
            ..item.clone()
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::uscc_check;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn uscc() -> Uscc {
        let body = "91110108MA01ABCD1";
        Uscc::parse("u", &format!("{body}{}", uscc_check(body).unwrap())).unwrap()
    }

    fn licence() -> Fact {
        Fact::BusinessLicence {
            uscc: uscc(),
            name: Text::parse("n", "Example  Technology Co., Ltd.", 200).unwrap(),
        }
    }

    fn stay() -> Fact {
        Fact::Accommodation {
            nationality: Nationality::parse("n", "DEU").unwrap(),
            passport_number: PassportNumber::parse("p", "C01X00T47").unwrap(),
            city: City::parse("c", "110000").unwrap(),
        }
    }

    fn licence_answer(status: &str, name: &str) -> String {
        serde_json::json!({
            "found": true, "reference": "BL-1", "as_of": "2026-03-01",
            "record": { "uscc": uscc().as_str(), "name": name, "status": status },
        })
        .to_string()
    }

    fn outcome(fact: &Fact, body: &str) -> Outcome {
        match read_reply(fact.register(), body.as_bytes()) {
            Ok(r) => judge(fact, &r, d("2026-03-10")),
            Err(g) => Outcome::garbage(g),
        }
    }

    #[test]
    fn requests_follow_the_contract() {
        assert_eq!(
            licence().request(),
            serde_json::json!({ "fact": "business_licence", "uscc": uscc().as_str(), "name": "Example Technology Co., Ltd." })
        );
        assert_eq!(
            stay().request(),
            serde_json::json!({ "fact": "accommodation", "nationality": "DEU", "passport_number": "C01X00T47", "city": "110000" })
        );
    }

    #[test]
    fn a_licence_in_force_under_the_name_is_confirmed() {
        assert_eq!(
            outcome(
                &licence(),
                &licence_answer("in_force", "example technology co., ltd.")
            ),
            Outcome::Confirmed {
                reference: "BL-1".into(),
                as_of: d("2026-03-01")
            }
        );
        assert_eq!(
            outcome(
                &licence(),
                &licence_answer("revoked", "Example Technology Co., Ltd.")
            ),
            Outcome::not_confirmed("licence_not_in_force")
        );
        assert_eq!(
            outcome(&licence(), &licence_answer("in_force", "Other Co.")),
            Outcome::not_confirmed("name_mismatch")
        );
        assert_eq!(
            outcome(&licence(), r#"{"found": false}"#),
            Outcome::not_confirmed("not_registered")
        );
    }

    #[test]
    fn an_accommodation_in_the_city_is_confirmed() {
        let answer = |city: &str, on: &str| {
            serde_json::json!({
                "found": true, "reference": "ACC 7", "as_of": "2026-03-09",
                "record": { "nationality": "DEU", "passport_number": "C01X00T47", "city": city,
                            "address": "1 Example Road", "registered_on": on },
            })
            .to_string()
        };
        assert!(matches!(
            outcome(&stay(), &answer("110000", "2026-02-01")),
            Outcome::Confirmed { .. }
        ));
        assert_eq!(
            outcome(&stay(), &answer("310000", "2026-02-01")),
            Outcome::not_confirmed("not_in_city")
        );
        assert_eq!(
            outcome(&stay(), &answer("110000", "2026-03-10")),
            Outcome::garbage("registered_in_future")
        );
    }

    #[test]
    fn garbage_is_named() {
        let f = licence();
        for (body, why) in [
            ("", "not_json"),
            ("<html>", "not_json"),
            ("[]", "wrong_shape"),
            (r#"{"found": "yes"}"#, "wrong_shape"),
            (r#"{"found": true}"#, "wrong_shape"),
            (r#"{"found": false, "reference": "x"}"#, "wrong_shape"),
            (r#"{"found": false, "extra": 1}"#, "wrong_shape"),
        ] {
            assert_eq!(outcome(&f, body), Outcome::garbage(why), "{body}");
        }
        let with = |k: &str, v: serde_json::Value| {
            let mut a: serde_json::Value =
                serde_json::from_str(&licence_answer("in_force", "Example Technology Co., Ltd."))
                    .unwrap();
            a[k] = v;
            a.to_string()
        };
        assert_eq!(
            outcome(&f, &with("reference", "".into())),
            Outcome::garbage("bad_reference")
        );
        assert_eq!(
            outcome(&f, &with("reference", "a\nb".into())),
            Outcome::garbage("bad_reference")
        );
        assert_eq!(
            outcome(&f, &with("as_of", "2027-01-01".into())),
            Outcome::garbage("as_of_in_future")
        );
        assert_eq!(
            outcome(&f, &with("as_of", "soon".into())),
            Outcome::garbage("wrong_shape")
        );
        assert_eq!(
            outcome(
                &f,
                &with(
                    "record",
                    serde_json::json!({ "uscc": "91110000600037341X", "name": "x", "status": "in_force" })
                )
            ),
            Outcome::garbage("other_subject")
        );
        assert_eq!(
            outcome(
                &f,
                &with(
                    "record",
                    serde_json::json!({ "uscc": uscc().as_str(), "name": "x", "status": "in_force", "more": 1 })
                )
            ),
            Outcome::garbage("wrong_shape")
        );
        // An accommodation record where a licence was asked for.
        assert_eq!(
            outcome(
                &f,
                &with(
                    "record",
                    serde_json::json!({ "nationality": "DEU", "passport_number": "C01X00T47", "city": "110000", "address": "x", "registered_on": "2026-01-01" })
                )
            ),
            Outcome::garbage("wrong_shape")
        );
        let huge = format!(
            r#"{{"found": false, "pad": "{}"}}"#,
            "x".repeat(MAX_ANSWER_BYTES)
        );
        assert_eq!(outcome(&f, &huge), Outcome::garbage("too_large"));
    }

    #[test]
    fn answers_are_kept_bounded() {
        assert_eq!(bounded_answer(b"{}"), "{}");
        let long = "é".repeat(STORED_ANSWER_BYTES);
        let kept = bounded_answer(long.as_bytes());
        assert!(kept.len() <= STORED_ANSWER_BYTES + '…'.len_utf8());
        assert!(kept.ends_with('…'));
        assert_eq!(bounded_answer(&[0xff, b'a']), "\u{fffd}a");
    }

    #[test]
    fn outcomes_round_trip_through_their_columns() {
        for o in [
            Outcome::Confirmed {
                reference: "R".into(),
                as_of: d("2026-01-01"),
            },
            Outcome::not_confirmed("name_mismatch"),
            Outcome::no_answer("timeout"),
            Outcome::garbage("not_json"),
        ] {
            let back = Outcome::from_parts(
                o.as_str(),
                o.reason().map(str::to_string),
                match &o {
                    Outcome::Confirmed { reference, .. } => Some(reference.clone()),
                    _ => None,
                },
                match &o {
                    Outcome::Confirmed { as_of, .. } => Some(*as_of),
                    _ => None,
                },
            );
            assert_eq!(back, Some(o));
        }
        assert_eq!(Outcome::from_parts("confirmed", None, None, None), None);
    }
}
