//! Notices: what the service tells a holder or an employer (a decision, corrections asked for, a
//! permit about to expire), and the retry schedule of their delivery. Pure: the caller gives the
//! ids and times.

use crate::FieldError;
use crate::ids::{EmployerId, PersonId};
use chrono::Duration;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Who a notice is for: the holder (a person) or an employer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Recipient {
    Person(PersonId),
    Employer(EmployerId),
}

impl Recipient {
    pub fn kind(&self) -> &'static str {
        match self {
            Recipient::Person(_) => "person",
            Recipient::Employer(_) => "employer",
        }
    }
    pub fn id(&self) -> uuid::Uuid {
        match self {
            Recipient::Person(p) => p.0,
            Recipient::Employer(e) => e.0,
        }
    }
    /// The recipient a stored kind and id name.
    pub fn from_parts(kind: &str, id: uuid::Uuid) -> Option<Recipient> {
        match kind {
            "person" => Some(Recipient::Person(PersonId(id))),
            "employer" => Some(Recipient::Employer(EmployerId(id))),
            _ => None,
        }
    }
}

/// What a notice is about, as a snake_case code: its messages are `notice-<topic>` in the
/// catalogue, and webhook receivers switch on it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Topic(String);

impl Topic {
    pub const APPLICATION_RETURNED: &str = "application_returned";
    pub const CORRECTIONS_REQUESTED: &str = "corrections_requested";
    pub const APPLICATION_APPROVED: &str = "application_approved";
    pub const APPLICATION_REFUSED: &str = "application_refused";
    pub const PERMIT_EXPIRING: &str = "permit_expiring";
    /// One agency approved its half of a one-stop submission; the other has not yet.
    pub const JOINT_PENDING: &str = "joint_pending";
    pub const RESIDENCE_CORRECTIONS_REQUESTED: &str = "residence_corrections_requested";
    pub const RESIDENCE_REFUSED: &str = "residence_refused";
    pub const RESIDENCE_ISSUED: &str = "residence_issued";
    /// The work permit a residence permit rests on was cancelled.
    pub const RESIDENCE_UNDER_REVIEW: &str = "residence_under_review";
    pub const INSURANCE_REGISTERED: &str = "insurance_registered";
    pub const INSURANCE_REFUSED: &str = "insurance_refused";
    /// The physical social security card moved: made, ready, issued, lost, cancelled.
    pub const CARD_STATE: &str = "card_state";
    pub const APPOINTMENT_BOOKED: &str = "appointment_booked";
    pub const APPOINTMENT_REMINDER: &str = "appointment_reminder";
    /// A benefit claimed through the card was approved (with the payment instruction) or
    /// refused (with the reasons).
    pub const CLAIM_APPROVED: &str = "claim_approved";
    pub const CLAIM_REFUSED: &str = "claim_refused";
    /// Immigration recorded a visa for the holder.
    pub const VISA_RECORDED: &str = "visa_recorded";
    /// Repeated failed sign-ins locked the holder's account for a while.
    pub const ACCOUNT_LOCKED: &str = "account_locked";

    /// Every topic the service sends.
    pub const ALL: [&str; 19] = [
        Self::APPLICATION_RETURNED,
        Self::CORRECTIONS_REQUESTED,
        Self::APPLICATION_APPROVED,
        Self::APPLICATION_REFUSED,
        Self::PERMIT_EXPIRING,
        Self::JOINT_PENDING,
        Self::RESIDENCE_CORRECTIONS_REQUESTED,
        Self::RESIDENCE_REFUSED,
        Self::RESIDENCE_ISSUED,
        Self::RESIDENCE_UNDER_REVIEW,
        Self::INSURANCE_REGISTERED,
        Self::INSURANCE_REFUSED,
        Self::CARD_STATE,
        Self::APPOINTMENT_BOOKED,
        Self::APPOINTMENT_REMINDER,
        Self::CLAIM_APPROVED,
        Self::CLAIM_REFUSED,
        Self::VISA_RECORDED,
        Self::ACCOUNT_LOCKED,
    ];

    /// Lower-case ASCII letters, digits and single underscores, starting with a letter, at most
    /// 64 characters.
    pub fn parse(field: &str, s: &str) -> Result<Topic, FieldError> {
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && !s.ends_with('_')
            && !s.contains("__")
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if ok {
            Ok(Topic(s.to_string()))
        } else {
            Err(FieldError::new(field, "topic_format"))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The catalogue key of its messages: `notice-<topic with hyphens>`.
    pub fn message_key(&self) -> String {
        format!("notice-{}", self.0.replace('_', "-"))
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A path on this site (`/applications/…`), never another origin: links in notices are joined to
/// the public URL when they leave it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SitePath(String);

impl SitePath {
    pub fn parse(field: &str, s: &str) -> Result<SitePath, FieldError> {
        let ok = s.starts_with('/')
            && !s.starts_with("//")
            && s.len() <= 512
            && !s.contains('\\')
            && s.bytes().all(|b| b.is_ascii_graphic());
        if ok {
            Ok(SitePath(s.to_string()))
        } else {
            Err(FieldError::new(field, "site_path_format"))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A notice to be sent: to whom, about what, the values its message needs, where to look, and
/// a key that makes a repeated sweep insert it once per recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub recipient: Recipient,
    pub topic: Topic,
    /// Message parameters by name, in the order given.
    pub params: Vec<(String, String)>,
    pub link: Option<SitePath>,
    pub dedupe_key: Option<String>,
}

impl Notice {
    pub fn new(recipient: Recipient, topic: Topic) -> Notice {
        Notice {
            recipient,
            topic,
            params: Vec::new(),
            link: None,
            dedupe_key: None,
        }
    }
    pub fn param(mut self, name: &str, value: impl ToString) -> Notice {
        self.params.push((name.to_string(), value.to_string()));
        self
    }
    pub fn link(mut self, link: SitePath) -> Notice {
        self.link = Some(link);
        self
    }
    pub fn dedupe(mut self, key: impl Into<String>) -> Notice {
        self.dedupe_key = Some(key.into());
        self
    }
    /// The same notice for another recipient (the holder's notice for the employer).
    pub fn to(&self, recipient: Recipient) -> Notice {
        Notice {
            recipient,
            ..self.clone()
        }
    }
}

/// How a notice leaves the inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Webhook,
}

impl Channel {
    pub fn as_str(&self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Webhook => "webhook",
        }
    }
    pub fn parse(s: &str) -> Option<Channel> {
        [Channel::Email, Channel::Webhook]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// After this many failed attempts in a row a delivery is flagged as failing for the
/// administrator; it is still retried.
pub const FAILING_AFTER: u32 = 6;

/// The steps of the back-off schedule; after the last, every `LAST` for ever.
const STEPS_SECS: [i64; 5] = [10, 30, 120, 600, 3600];
const LAST_SECS: i64 = 6 * 3600;

/// How long to wait before the next attempt after `failures` failed attempts (1 after the first
/// failure): 10 s, 30 s, 2 min, 10 min, 1 h, then every 6 h. It never gives up: a receiver that
/// comes back after a week still gets every message.
pub fn backoff(failures: u32) -> Duration {
    let i = failures.max(1) as usize - 1;
    Duration::seconds(STEPS_SECS.get(i).copied().unwrap_or(LAST_SECS))
}

/// Whether a delivery that failed `failures` times in a row should be shown as failing.
pub fn is_failing(failures: u32) -> bool {
    failures >= FAILING_AFTER
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_step_by_step() {
        let secs: Vec<i64> = (0..=9).map(|n| backoff(n).num_seconds()).collect();
        assert_eq!(
            secs,
            [10, 10, 30, 120, 600, 3600, 21600, 21600, 21600, 21600]
        );
        assert_eq!(backoff(u32::MAX).num_seconds(), 21600);
    }

    #[test]
    fn the_schedule_never_shrinks_and_never_stops() {
        for n in 1..1000 {
            assert!(backoff(n + 1) >= backoff(n), "at {n}");
            assert!(backoff(n) > Duration::zero());
            assert!(backoff(n) <= Duration::hours(6));
        }
    }

    #[test]
    fn failing_after_six() {
        assert!(!(0..FAILING_AFTER).any(is_failing));
        assert!((FAILING_AFTER..FAILING_AFTER + 100).all(is_failing));
    }

    #[test]
    fn topics() {
        for good in ["application_approved", "permit_expiring", "a", "x1_y2"] {
            assert_eq!(Topic::parse("t", good).unwrap().as_str(), good);
        }
        for bad in [
            "",
            "Approved",
            "_a",
            "a_",
            "a__b",
            "1a",
            "a-b",
            "a b",
            "日本",
            &"a".repeat(65),
        ] {
            assert_eq!(
                Topic::parse("t", bad).unwrap_err().code,
                "topic_format",
                "{bad}"
            );
        }
        assert_eq!(
            Topic::parse("t", "corrections_requested")
                .unwrap()
                .message_key(),
            "notice-corrections-requested"
        );
    }

    #[test]
    fn site_paths() {
        for good in ["/", "/applications/0190", "/inbox?x=1"] {
            assert!(SitePath::parse("l", good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "https://evil.example",
            "//evil.example",
            "/a b",
            "/\\x",
            "a/b",
        ] {
            assert_eq!(
                SitePath::parse("l", bad).unwrap_err().code,
                "site_path_format",
                "{bad}"
            );
        }
    }

    #[test]
    fn recipients_and_channels_round_trip() {
        let u = uuid::Uuid::nil();
        for r in [
            Recipient::Person(PersonId(u)),
            Recipient::Employer(EmployerId(u)),
        ] {
            assert_eq!(Recipient::from_parts(r.kind(), r.id()), Some(r));
        }
        assert_eq!(Recipient::from_parts("officer", u), None);
        for c in [Channel::Email, Channel::Webhook] {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        assert_eq!(Channel::parse("sms"), None);
    }

    #[test]
    fn a_notice_for_the_employer_too() {
        let n = Notice::new(
            Recipient::Person(PersonId(uuid::Uuid::nil())),
            Topic::parse("t", "application_approved").unwrap(),
        )
        .param("receipt", "R1")
        .dedupe("k");
        let e = Recipient::Employer(EmployerId(uuid::Uuid::max()));
        let m = n.to(e);
        assert_eq!(m.recipient, e);
        assert_eq!(
            (m.topic, m.params, m.dedupe_key),
            (n.topic, n.params, n.dedupe_key)
        );
    }
}
