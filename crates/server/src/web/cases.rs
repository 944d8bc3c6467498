//! What the one-stop pages share: facts, the timeline of a case, and the words for the states of
//! residence applications and permits, insurances, cards and appointments.

use super::PageCtx;
use super::view::{Badge, EventRow, time};
use crate::http::HttpError;
use axum::http::StatusCode;
use domain::appointment::Purpose;
use store::CaseEvent;

/// A label and its value, for a list of facts.
pub struct Fact {
    pub label: String,
    pub value: String,
}

pub fn fact(label: String, value: impl ToString) -> Fact {
    Fact {
        label,
        value: value.to_string(),
    }
}

/// The state of a residence application or an insurance, as a badge.
pub fn case_badge(page: &PageCtx, state: &str) -> Badge {
    Badge {
        class: format!("state state-{}", state.replace('_', "-")),
        text: page.word("case-state", state),
    }
}

pub fn residence_status_badge(page: &PageCtx, status: &str) -> Badge {
    Badge {
        class: format!("state status-{}", status.replace('_', "-")),
        text: page.word("os-rp-status", status),
    }
}

pub fn card_badge(page: &PageCtx, state: &str) -> Badge {
    Badge {
        class: format!("state card-{}", state.replace('_', "-")),
        text: page.word("os-card", state),
    }
}

/// What an appointment is for, in words.
pub fn purpose_word(page: &PageCtx, p: &Purpose) -> String {
    page.word("os-purpose", p.as_str())
}

/// A page id from the address: a malformed one is simply not found.
pub fn parse_uuid(s: &str, code: &'static str) -> Result<uuid::Uuid, HttpError> {
    uuid::Uuid::parse_str(s).map_err(|_| HttpError::new(StatusCode::NOT_FOUND, code))
}

/// The steps of a residence application or an insurance, oldest first.
pub fn case_timeline(page: &PageCtx, events: &[CaseEvent]) -> Vec<EventRow> {
    events
        .iter()
        .map(|e| {
            let by = match (e.actor_role, e.actor_name.is_empty()) {
                (_, true) => page.t("os-by-system"),
                (Some(r), false) => page.tn(
                    "timeline-by-role",
                    &[
                        ("name", e.actor_name.clone()),
                        ("role", page.word("role", r.as_str())),
                    ],
                ),
                (None, false) => page.t1("timeline-by", "name", &e.actor_name),
            };
            let card = e.action.starts_with("card_");
            let notes = e
                .notes
                .iter()
                .map(|n| match n.as_str() {
                    "passport_returned" => page.t("os-note-passport-returned"),
                    s if card => page.t1("os-note-card-serial", "serial", s),
                    s => s.to_string(),
                })
                .collect();
            EventRow {
                at: time(e.at),
                action: page.word("os-event", &e.action),
                by,
                states: page.t1("timeline-state", "to", &page.word("case-state", &e.state)),
                notes,
            }
        })
        .collect()
}
