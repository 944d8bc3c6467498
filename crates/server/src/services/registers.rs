//! Other departments' registers, asked to confirm a fact instead of a paper document: the
//! `Register` trait, the HTTP adapter of `docs/registers.md`, and the file register for demos
//! and tests. Callers ask with [`confirm`] BEFORE opening a write transaction (never hold one
//! across a network call), then write the evidence in the transaction that uses it.

use crate::clock::Clock;
use crate::config::{RegisterLocation, RegisterSource};
use async_trait::async_trait;
use chrono::NaiveDate;
use domain::registers::{
    self, AccommodationRecord, Evidence, Fact, LicenceRecord, LicenceStatus, MAX_ANSWER_BYTES,
    Outcome, Record, RegisterKind, Reply,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// What a register gave back: its reply, or the outcome that stands for one that could not be
/// read (no answer, garbage); and the answer as received, bounded.
#[derive(Debug, Clone)]
pub struct Answer {
    pub reply: Result<Reply, Outcome>,
    pub raw: String,
}

impl Answer {
    fn failed(outcome: Outcome, raw: impl Into<String>) -> Answer {
        Answer {
            reply: Err(outcome),
            raw: raw.into(),
        }
    }
}

/// A register that can be asked about facts of its kind.
#[async_trait]
pub trait Register: Send + Sync {
    /// The register as evidence names it.
    fn name(&self) -> &str;
    /// Asks about `fact`. The caller bounds the time it may take.
    async fn ask(&self, fact: &Fact) -> Answer;
}

/// The registers configured, one a kind of fact, and how long each may take to answer.
#[derive(Clone)]
pub struct Registers {
    by_kind: BTreeMap<RegisterKind, Arc<dyn Register>>,
    timeout: Duration,
}

impl Registers {
    /// None configured: every shared-data document falls back to paper.
    pub fn none(timeout: Duration) -> Registers {
        Registers {
            by_kind: BTreeMap::new(),
            timeout,
        }
    }

    /// Opens the configured registers: reads and checks register files, builds HTTP clients.
    pub fn open(sources: &[RegisterSource], timeout: Duration) -> Result<Registers, String> {
        let mut r = Registers::none(timeout);
        for s in sources {
            let register: Arc<dyn Register> = match &s.location {
                RegisterLocation::Http(url) => Arc::new(HttpRegister::new(s.kind, url, timeout)?),
                RegisterLocation::File(path) => Arc::new(FileRegister::load(path)?),
                RegisterLocation::Demo => Arc::new(FileRegister::demo()),
            };
            r = r.with(s.kind, register);
        }
        Ok(r)
    }

    /// Sets the register of one kind of fact.
    pub fn with(mut self, kind: RegisterKind, register: Arc<dyn Register>) -> Registers {
        self.by_kind.insert(kind, register);
        self
    }

    pub fn get(&self, kind: RegisterKind) -> Option<&Arc<dyn Register>> {
        self.by_kind.get(&kind)
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }
}

/// Asks the registers about `facts`, each within the timeout, all at once, and returns the
/// evidence in the order of the facts. A fact whose kind has no register gives none (the
/// checklist then says no register is configured).
pub async fn confirm(registers: &Registers, facts: &[Fact], clock: &dyn Clock) -> Vec<Evidence> {
    let asks = facts.iter().filter_map(|fact| {
        let register = registers.get(fact.register())?.clone();
        Some(async move {
            let asked_at = clock.now();
            let answer = tokio::time::timeout(registers.timeout, register.ask(fact)).await;
            let (answered_at, outcome, raw) = match answer {
                Err(_) => (None, Outcome::no_answer("timeout"), String::new()),
                Ok(Answer {
                    reply: Err(o @ Outcome::NoAnswer { .. }),
                    raw,
                }) => (None, o, raw),
                Ok(Answer { reply, raw }) => {
                    let outcome = match reply {
                        Ok(reply) => registers::judge(fact, &reply, clock.today()),
                        Err(o) => o,
                    };
                    (Some(clock.now()), outcome, raw)
                }
            };
            if !matches!(outcome, Outcome::Confirmed { .. }) {
                tracing::info!(
                    register = register.name(),
                    outcome = outcome.as_str(),
                    reason = outcome.reason().unwrap_or_default(),
                    "register did not confirm: the document is asked for on paper"
                );
            }
            Evidence {
                document: fact.document(),
                fact: fact.register(),
                register: register.name().to_string(),
                asked_at,
                answered_at,
                outcome,
                answer: raw,
            }
        })
    });
    join_all(asks.collect()).await
}

/// Runs the futures together on this task and returns their outputs in order.
async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, o) in futures.iter_mut().zip(out.iter_mut()) {
            if o.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *o = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().map(|o| o.expect("ready")).collect()
}

/// A register reached over HTTP: `POST` of the fact as JSON, a JSON answer (see
/// `docs/registers.md`).
pub struct HttpRegister {
    kind: RegisterKind,
    name: String,
    url: String,
    client: reqwest::Client,
}

impl HttpRegister {
    pub fn new(kind: RegisterKind, url: &str, timeout: Duration) -> Result<HttpRegister, String> {
        if !url.starts_with("http://") {
            return Err(format!("register URL must start with http://: {url}"));
        }
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("register client: {e}"))?;
        Ok(HttpRegister {
            kind,
            name: crate::config::redact_url(url),
            url: url.to_string(),
            client,
        })
    }
}

#[async_trait]
impl Register for HttpRegister {
    fn name(&self) -> &str {
        &self.name
    }

    async fn ask(&self, fact: &Fact) -> Answer {
        let unanswered = |e: &reqwest::Error| {
            Outcome::no_answer(if e.is_timeout() {
                "timeout"
            } else {
                "unreachable"
            })
        };
        let mut response = match self
            .client
            .post(&self.url)
            .json(&fact.request())
            .send()
            .await
        {
            Ok(r) => r,
            Err(e) => return Answer::failed(unanswered(&e), ""),
        };
        let status = response.status();
        if status != reqwest::StatusCode::OK {
            return Answer::failed(
                Outcome::no_answer("status"),
                format!("HTTP {}", status.as_u16()),
            );
        }
        if response
            .content_length()
            .is_some_and(|n| n > MAX_ANSWER_BYTES as u64)
        {
            return Answer::failed(Outcome::garbage("too_large"), "");
        }
        // Read no more than the limit allows, whatever the headers said.
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    body.extend_from_slice(&chunk);
                    if body.len() > MAX_ANSWER_BYTES {
                        return Answer::failed(
                            Outcome::garbage("too_large"),
                            registers::bounded_answer(&body),
                        );
                    }
                }
                Ok(None) => break,
                Err(e) => return Answer::failed(unanswered(&e), registers::bounded_answer(&body)),
            }
        }
        Answer {
            reply: registers::read_reply(self.kind, &body).map_err(Outcome::garbage),
            raw: registers::bounded_answer(&body),
        }
    }
}

/// The text of the demo register file: the demo employer's licence and the demo people's
/// accommodation (see `demo.rs`).
pub const DEMO_FILE: &str = include_str!("../../../../demo/registers.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileData {
    #[serde(default)]
    business_licence: Vec<FileLicence>,
    #[serde(default)]
    accommodation: Vec<FileStay>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLicence {
    uscc: String,
    name: String,
    status: LicenceStatus,
    reference: String,
    as_of: NaiveDate,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileStay {
    nationality: String,
    passport_number: String,
    city: String,
    address: String,
    registered_on: NaiveDate,
    reference: String,
    as_of: NaiveDate,
}

/// A register read from a TOML file of facts at start-up: `[[business_licence]]` and
/// `[[accommodation]]` tables, each a record with its `reference` and `as_of` date.
pub struct FileRegister {
    name: String,
    data: FileData,
}

impl FileRegister {
    pub fn load(path: &Path) -> Result<FileRegister, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("register file {}: {e}", path.display()))?;
        FileRegister::parse(&format!("file:{}", path.display()), &text)
    }

    pub fn parse(name: &str, text: &str) -> Result<FileRegister, String> {
        let data: FileData =
            toml::from_str(text).map_err(|e| format!("register file {name}: {e}"))?;
        Ok(FileRegister {
            name: name.to_string(),
            data,
        })
    }

    /// The built-in demo register.
    pub fn demo() -> FileRegister {
        FileRegister::parse("file:demo", DEMO_FILE).expect("the demo register file is valid")
    }

    fn reply(&self, fact: &Fact) -> Reply {
        match fact {
            Fact::BusinessLicence { uscc, .. } => self
                .data
                .business_licence
                .iter()
                .find(|l| l.uscc.eq_ignore_ascii_case(uscc.as_str()))
                .map_or(Reply::NotFound, |l| Reply::Found {
                    reference: l.reference.clone(),
                    as_of: l.as_of,
                    record: Record::BusinessLicence(LicenceRecord {
                        uscc: l.uscc.clone(),
                        name: l.name.clone(),
                        status: l.status,
                    }),
                }),
            Fact::Accommodation {
                nationality,
                passport_number,
                ..
            } => self
                .data
                .accommodation
                .iter()
                .find(|s| {
                    s.nationality.eq_ignore_ascii_case(nationality.as_str())
                        && s.passport_number
                            .eq_ignore_ascii_case(passport_number.as_str())
                })
                .map_or(Reply::NotFound, |s| Reply::Found {
                    reference: s.reference.clone(),
                    as_of: s.as_of,
                    record: Record::Accommodation(AccommodationRecord {
                        nationality: s.nationality.clone(),
                        passport_number: s.passport_number.clone(),
                        city: s.city.clone(),
                        address: s.address.clone(),
                        registered_on: s.registered_on,
                    }),
                }),
        }
    }
}

#[async_trait]
impl Register for FileRegister {
    fn name(&self) -> &str {
        &self.name
    }

    async fn ask(&self, fact: &Fact) -> Answer {
        let reply = self.reply(fact);
        // The same JSON an HTTP register would send, so that the evidence reads alike.
        let raw = reply.to_json().to_string();
        Answer {
            reply: Ok(reply),
            raw: registers::bounded_answer(raw.as_bytes()),
        }
    }
}
