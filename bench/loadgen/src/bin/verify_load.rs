//! `verify_load`: how many scanned codes a OneCard server verifies per second
//! (`POST /api/v1/verify`), and how long each verification takes, with many verifiers at once.
//!
//! It opens the server's database, reads the issuer's signing key and opens it with the sealing
//! key, finds the permits that are valid today with their status list indexes, and mints dynamic
//! codes exactly as the card's QR does (`crates/server/src/services/card.rs`, `qr`): employment
//! check profile, 8 random bytes of token id, a 60-second lifetime. Then `--clients` keep-alive
//! HTTP/1.1 connections each post one code, wait for the answer and post the next (a closed
//! loop), for `--duration` seconds after an uncounted `--warmup`.
//!
//! Two modes:
//! - `fresh`: every request carries a code never scanned before: a first, valid, online
//!   verification whose token id the server records (its write path). Expected: `valid`. The
//!   codes are minted before the load starts, so that minting does not take CPU from the
//!   measured window.
//! - `replay`: the same few codes over and over, each scanned once before the load: the server
//!   finds each token id already used. Expected: `already_used`.
//! - `bad-signature` and `not-onecard`, for diagnostics: one code with a changed signature byte,
//!   or text that is no code, over and over: what the server spends without the database
//!   (decoding and the signature check), and on the HTTP and JSON path alone.
//!
//! Every other answer counts as an error and is printed. The client is a minimal HTTP/1.1 one on
//! a single thread by default, so that as much of the machine as possible is left to the server.
//!
//! It only ever talks to the one URL it is given, which must be on the loopback interface.

use clap::{Parser, ValueEnum};
use credential::{Claims, IssuerKey, Kid, Profile, SealingKey, StatusRef, TokenId, TokenParams};
use domain::permit::{Permit, PermitStatus};
use domain::values::Text;
use loadgen::{
    Latencies, cpu_seconds, loopback_base, machine_busy_seconds, parse_tag, postgres_backends,
    round2, storage_write_bytes,
};
use serde_json::{Map, Value, json};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use store::{KeyRole, OpenOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long a dynamic code is valid, as the server's `qr_lifetime` (config.rs).
const LIFETIME_SECS: i64 = 60;
/// A code with less than this left before its expiry is not sent: one is minted instead.
const MARGIN_SECS: i64 = 3;
/// Warm-up plus measured time at most, so that codes minted before the load stay valid.
const MAX_RUN_SECS: u64 = 45;
/// Codes minted before the load at most.
const MAX_CODES: u64 = 2_000_000;

#[derive(Parser, Debug)]
#[command(
    name = "verify_load",
    about = "Verifications per second (POST /api/v1/verify) against a local OneCard server"
)]
struct Args {
    /// The server's base URL; must be a loopback address (127.0.0.0/8, ::1 or localhost).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// The server's database, to read the signing key and the permits from. Nothing is written
    /// (opening it checks that its schema is up to date, as the server has made it).
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: String,
    /// The key identity numbers are sealed under, as given to the server (64 hexadecimal
    /// digits); the demo key if none is.
    #[arg(long, env = "ONECARD_DATA_KEY", hide_env_values = true)]
    data_key: Option<String>,
    /// The key that opens the issuer keys: 64 hexadecimal digits, as given to the server.
    #[arg(long, env = "ONECARD_SEALING_KEY", hide_env_values = true)]
    sealing_key: String,
    /// The server's --public-url, on which status list URIs are built (default: --url).
    #[arg(long)]
    public_url: Option<String>,
    /// The issuer named in the codes, as the server's --issuer.
    #[arg(long, default_value = "CN-MOHRSS")]
    issuer: String,
    /// fresh: a new code per request (valid, recorded); replay: the same few codes again
    /// (already_used); bad-signature and not-onecard: diagnostics without the database.
    #[arg(long, value_enum, default_value_t = Mode::Fresh)]
    mode: Mode,
    /// Concurrent connections, each with one request in flight at a time (1 to 4096).
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=4096))]
    clients: u64,
    /// Seconds measured. Warm-up plus duration must fit in 45 s: the codes live 60 s.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=45))]
    duration: u64,
    /// Seconds of load before the measurement starts, not counted.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(0..=30))]
    warmup: u64,
    /// fresh: codes to mint before the load (default: --expect-rate times warm-up plus
    /// duration). If they run out, the rest are minted during the load, and counted.
    #[arg(long)]
    codes: Option<u64>,
    /// fresh: the verifications per second to mint for when --codes is not given.
    #[arg(long, default_value_t = 15_000)]
    expect_rate: u64,
    /// replay: how many codes are scanned over and over.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    replay_codes: u64,
    /// Threads that mint the codes before the load (default: one per core).
    #[arg(long)]
    mint_threads: Option<usize>,
    /// Threads of the load generator's runtime; 1 (the default) runs every connection on one.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Seconds before a request counts as failed ("timeout").
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    timeout: u64,
    /// Hard cap on requests sent, warm-up included.
    #[arg(long, default_value_t = 5_000_000)]
    max_requests: u64,
    /// Processes whose CPU time over the measured window to report, e.g. the server (repeatable).
    #[arg(long = "watch-pid")]
    watch_pids: Vec<u32>,
    /// Also report the CPU time of PostgreSQL's backends for this database over the window.
    #[arg(long)]
    watch_pg_db: Option<String>,
    /// How many answers of each unexpected kind to print.
    #[arg(long, default_value_t = 3)]
    show_errors: usize,
    /// A name for this run in the output, e.g. the backend.
    #[arg(long, default_value = "")]
    label: String,
    /// Extra KEY=VALUE to copy into the JSON line (repeatable).
    #[arg(long = "tag", value_parser = parse_tag)]
    tags: Vec<(String, String)>,
    /// Seconds between progress lines on stderr; 0 for none.
    #[arg(long, default_value_t = 5)]
    progress: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Mode {
    /// A new code per request: valid, and its token id recorded.
    Fresh,
    /// The same few codes again: already_used.
    Replay,
    /// Diagnostics: one code with a byte of its signature changed, over and over: the server
    /// decodes it and checks the signature, and touches no database (bad_signature).
    BadSignature,
    /// Diagnostics: text that is not a code: the HTTP and JSON path alone (not_onecard).
    NotOnecard,
}

impl Mode {
    fn expected(self) -> &'static str {
        match self {
            Mode::Fresh => "valid",
            Mode::Replay => "already_used",
            Mode::BadSignature => "bad_signature",
            Mode::NotOnecard => "not_onecard",
        }
    }
    fn name(self) -> &'static str {
        match self {
            Mode::Fresh => "fresh",
            Mode::Replay => "replay",
            Mode::BadSignature => "bad-signature",
            Mode::NotOnecard => "not-onecard",
        }
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A permit to mint codes for, with what the code names besides the permit.
struct Target {
    permit: Permit,
    employer: Text,
    status: StatusRef,
}

/// Mints codes as the card's QR does, and wraps each in its whole HTTP request.
struct Minter {
    key: IssuerKey,
    issuer: credential::Issuer,
    targets: Vec<Target>,
    /// The request up to the value of Content-Length.
    head: String,
}

/// A request carrying one code, and the code's expiry.
struct Code {
    request: Vec<u8>,
    expires_at: i64,
}

impl Minter {
    fn mint(&self, n: u64) -> Result<Code, String> {
        let (text, expires_at) = self.text(n)?;
        Ok(Code {
            request: self.request(&text),
            expires_at,
        })
    }

    /// The text of a new code, and its expiry.
    fn text(&self, n: u64) -> Result<(String, i64), String> {
        let t = &self.targets[(n % self.targets.len() as u64) as usize];
        let now = unix_now();
        let mut cti = [0u8; 8];
        getrandom::fill(&mut cti).map_err(|e| format!("randomness: {e}"))?;
        let params = TokenParams {
            issuer: self.issuer.clone(),
            issued_at: now,
            expires_at: now + LIFETIME_SECS,
            token_id: TokenId::from_bytes(&cti).expect("8 bytes"),
            status: t.status.clone(),
        };
        let claims = Claims::for_permit(&t.permit, &t.employer, Profile::EmploymentCheck, params);
        let text = credential::issue(&claims, &self.key).map_err(|e| format!("issue: {e}"))?;
        Ok((text, now + LIFETIME_SECS))
    }

    fn request(&self, text: &str) -> Vec<u8> {
        let body = json!({ "text": text }).to_string();
        format!("{}{}\r\n\r\n{body}", self.head, body.len()).into_bytes()
    }

    /// `n` codes, minted on `threads` threads.
    fn mint_many(&self, n: u64, threads: usize) -> Result<Vec<Code>, String> {
        let threads = threads.clamp(1, 64) as u64;
        let per = n.div_ceil(threads);
        let parts: Vec<Result<Vec<Code>, String>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let (from, to) = ((t * per).min(n), ((t + 1) * per).min(n));
                    s.spawn(move || (from..to).map(|i| self.mint(i)).collect())
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err("minting thread".into())))
                .collect()
        });
        let mut codes = Vec::with_capacity(n as usize);
        for p in parts {
            codes.extend(p?);
        }
        Ok(codes)
    }
}

/// Reads the signing key and the permits from the server's database.
async fn load_minter(args: &Args, public_url: &str, host: &str) -> Result<Minter, String> {
    if let Some(path) = args.database_url.strip_prefix("sqlite:") {
        let path = path.trim_start_matches("//");
        let path = path.split('?').next().unwrap_or(path);
        if !std::path::Path::new(path).exists() {
            return Err(format!(
                "no SQLite database at {path}: start the server first"
            ));
        }
    }
    let sealing = SealingKey::parse(&args.sealing_key).map_err(|e| format!("sealing key: {e}"))?;
    let issuer = credential::Issuer::parse(&args.issuer).ok_or("--issuer not valid")?;
    let store = store::open(
        &args.database_url,
        &open_options(args.data_key.as_deref(), 1)?,
    )
    .await
    .map_err(|e| format!("open the database: {e}"))?;
    let result = async {
        let mut tx = store.begin_read().await?;
        let keys = tx.issuer_keys().await?;
        // As the server picks it: the newest signing key not retired.
        let stored = keys
            .iter()
            .rev()
            .filter(|k| k.role == KeyRole::Signing)
            .find(|k| k.retired_at.is_none());
        let permits = tx.list_permits(&Default::default()).await?;
        let today = chrono::Utc::now()
            .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("offset"))
            .date_naive();
        let mut targets = Vec::new();
        for permit in permits {
            if permit.status_on(today) != PermitStatus::Valid {
                continue;
            }
            let Some(global) = tx.status_index(permit.id).await? else {
                continue;
            };
            let employer = tx
                .employer(permit.employer_id)
                .await?
                .map(|e| e.name.to_string())
                .unwrap_or_default();
            targets.push((permit, employer, global));
        }
        Ok::<_, store::StoreError>((stored.cloned(), targets))
    }
    .await;
    store.close().await;
    let (stored, found) = result.map_err(|e| format!("read the database: {e}"))?;
    let stored = stored.ok_or("no signing key that is not retired in the database")?;
    let kid = Kid::from_bytes(&stored.kid).ok_or("the signing key's kid is not valid")?;
    let key = sealing
        .open(&kid, &stored.sealed_seed)
        .map_err(|e| format!("the signing key {kid} does not open: {e}"))?;
    let mut targets = Vec::new();
    for (permit, employer, global) in found {
        let employer = Text::parse("employer", &employer, 200)
            .map_err(|_| format!("employer name of {} not valid", permit.number))?;
        // As services/status_lists.rs: list = index / 2^20, entry = index % 2^20.
        let (list, idx) = (global >> 20, global & ((1 << 20) - 1));
        let status = StatusRef::new(idx, &format!("{public_url}/status/{list}"))
            .ok_or("--public-url not valid in a status URI")?;
        eprintln!(
            "verify_load: permit {} ({}), status index {global} (list {list}, entry {idx})",
            permit.number,
            permit.holder_name.full()
        );
        targets.push(Target {
            permit,
            employer,
            status,
        });
    }
    if targets.is_empty() {
        return Err("no permit valid today with a status index in the database".into());
    }
    eprintln!("verify_load: signing key {kid}");
    Ok(Minter {
        key,
        issuer,
        targets,
        head: format!(
            "POST /api/v1/verify HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: "
        ),
    })
}

/// A parsed answer.
struct Reply {
    status: u16,
    /// The `outcome` of a JSON verification, if there is one.
    outcome: Option<String>,
    /// The body, kept only when it is not the expected answer.
    body: Option<String>,
}

#[derive(Debug)]
enum Failure {
    Connect(String),
    Io(String),
    Timeout,
    Protocol(String),
}

impl Failure {
    fn kind(&self) -> String {
        match self {
            Failure::Connect(_) => "connect".into(),
            Failure::Io(_) => "transport".into(),
            Failure::Timeout => "timeout".into(),
            Failure::Protocol(_) => "protocol".into(),
        }
    }
    fn detail(&self) -> String {
        match self {
            Failure::Connect(e) | Failure::Io(e) | Failure::Protocol(e) => e.clone(),
            Failure::Timeout => "no answer in time".into(),
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The outcome field of a verification's JSON, without parsing the rest.
fn outcome_of(body: &[u8]) -> Option<String> {
    const KEY: &[u8] = b"\"outcome\":\"";
    let at = find(body, KEY)? + KEY.len();
    let len = body[at..].iter().position(|&b| b == b'"')?;
    Some(String::from_utf8_lossy(&body[at..at + len]).into_owned())
}

/// A whole response at the start of `buf`: status, body and whether the server closes; `None`
/// while more bytes are needed.
#[allow(clippy::type_complexity)]
fn parse_response(buf: &[u8]) -> Result<Option<(u16, Cow<'_, [u8]>, bool)>, String> {
    let Some(head_end) = find(buf, b"\r\n\r\n") else {
        if buf.len() > 64 * 1024 {
            return Err("response head over 64 KiB".into());
        }
        return Ok(None);
    };
    let head = std::str::from_utf8(&buf[..head_end]).map_err(|_| "response head not UTF-8")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let status = status_line
        .strip_prefix("HTTP/1.1 ")
        .and_then(|s| s.get(..3))
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| format!("status line {status_line:?}"))?;
    let (mut length, mut chunked, mut close) = (None, false, false);
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(value.parse::<usize>().map_err(|_| "content-length")?);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.to_ascii_lowercase().contains("chunked");
        } else if name.eq_ignore_ascii_case("connection") {
            close = value.eq_ignore_ascii_case("close");
        }
    }
    let body_start = head_end + 4;
    if chunked {
        let mut body = Vec::new();
        let mut at = body_start;
        loop {
            let Some(eol) = find(&buf[at..], b"\r\n") else {
                return Ok(None);
            };
            let size_text = std::str::from_utf8(&buf[at..at + eol]).map_err(|_| "chunk size")?;
            let size_text = size_text.split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(size_text, 16).map_err(|_| "chunk size")?;
            let data = at + eol + 2;
            if size == 0 {
                // No trailers are expected: the empty line ends the message.
                return Ok((buf.len() >= data + 2).then_some((status, Cow::Owned(body), close)));
            }
            if buf.len() < data + size + 2 {
                return Ok(None);
            }
            body.extend_from_slice(&buf[data..data + size]);
            at = data + size + 2;
        }
    }
    let length = length.ok_or("response with neither a length nor chunks")?;
    if buf.len() < body_start + length {
        return Ok(None);
    }
    Ok(Some((
        status,
        Cow::Borrowed(&buf[body_start..body_start + length]),
        close,
    )))
}

/// One keep-alive HTTP/1.1 connection, opened again after a failure.
struct Conn {
    addr: SocketAddr,
    stream: Option<TcpStream>,
    buf: Vec<u8>,
}

impl Conn {
    fn new(addr: SocketAddr) -> Conn {
        Conn {
            addr,
            stream: None,
            buf: Vec::with_capacity(16 * 1024),
        }
    }

    async fn send(&mut self, request: &[u8], expected: &str) -> Result<Reply, Failure> {
        let stream = match &mut self.stream {
            Some(s) => s,
            None => {
                let s = TcpStream::connect(self.addr)
                    .await
                    .map_err(|e| Failure::Connect(e.to_string()))?;
                s.set_nodelay(true)
                    .map_err(|e| Failure::Connect(e.to_string()))?;
                self.stream.insert(s)
            }
        };
        stream
            .write_all(request)
            .await
            .map_err(|e| Failure::Io(format!("write: {e}")))?;
        // One request in flight per connection: nothing of a previous answer is left over.
        self.buf.clear();
        loop {
            if let Some((status, body, close)) =
                parse_response(&self.buf).map_err(Failure::Protocol)?
            {
                let outcome = outcome_of(&body);
                let unexpected = status != 200 || outcome.as_deref() != Some(expected);
                let reply = Reply {
                    status,
                    body: unexpected.then(|| String::from_utf8_lossy(&body).into_owned()),
                    outcome,
                };
                if close {
                    self.stream = None;
                }
                return Ok(reply);
            }
            if self.buf.capacity() - self.buf.len() < 4096 {
                self.buf.reserve(16 * 1024);
            }
            let n = stream
                .read_buf(&mut self.buf)
                .await
                .map_err(|e| Failure::Io(format!("read: {e}")))?;
            if n == 0 {
                return Err(Failure::Io("the server closed the connection".into()));
            }
        }
    }

    /// Sends with a time limit; a connection that failed is dropped.
    async fn exchange(
        &mut self,
        request: &[u8],
        expected: &str,
        limit: Duration,
    ) -> Result<Reply, Failure> {
        let r = match tokio::time::timeout(limit, self.send(request, expected)).await {
            Ok(r) => r,
            Err(_) => Err(Failure::Timeout),
        };
        if r.is_err() {
            self.stream = None;
        }
        r
    }
}

#[derive(Default)]
struct Tally {
    /// Latencies of the measured expected answers, in microseconds.
    ok_us: Vec<u32>,
    /// Measured answers by outcome (`HTTP <status>` without one; transport failures by kind).
    outcomes: BTreeMap<String, u64>,
    /// Measured requests (started in the window), failures included.
    requests: u64,
    warmup_requests: u64,
    /// Unexpected answers during the warm-up.
    warmup_errors: u64,
    /// A few unexpected answers of each kind, warm-up included, to print.
    samples: BTreeMap<String, Vec<String>>,
    /// Codes minted during the load (the pool ran out, or a code was about to expire).
    minted_during: u64,
    last_done: Option<Instant>,
}

struct Shared {
    addr: SocketAddr,
    mode: Mode,
    minter: Minter,
    pool: Vec<Code>,
    next: AtomicUsize,
    replay: Vec<Vec<u8>>,
    measure_from: Instant,
    end: Instant,
    max_requests: u64,
    timeout: Duration,
    show_errors: usize,
    sent: AtomicU64,
    done: AtomicU64,
    minted: AtomicU64,
}

impl Shared {
    /// The next request to send; `true` if its code had to be minted now.
    fn next_request(&self, worker: u64, n: u64) -> Result<(Cow<'_, [u8]>, bool), String> {
        if self.mode != Mode::Fresh {
            let i = ((worker + n) % self.replay.len() as u64) as usize;
            return Ok((Cow::Borrowed(&self.replay[i]), false));
        }
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        if let Some(code) = self.pool.get(i)
            && code.expires_at - unix_now() >= MARGIN_SECS
        {
            return Ok((Cow::Borrowed(&code.request), false));
        }
        let seq = self.minted.fetch_add(1, Ordering::Relaxed);
        Ok((Cow::Owned(self.minter.mint(seq)?.request), true))
    }
}

async fn worker(s: Arc<Shared>, id: u64) -> Tally {
    let mut t = Tally::default();
    let mut conn = Conn::new(s.addr);
    let expected = s.mode.expected();
    for n in 0u64.. {
        if Instant::now() >= s.end || s.sent.fetch_add(1, Ordering::Relaxed) >= s.max_requests {
            break;
        }
        let (request, minted) = match s.next_request(id, n) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("verify_load: worker {id}: {e}");
                break;
            }
        };
        // Timed from here: minting a code (rare) is not part of the server's latency.
        let start = Instant::now();
        let result = conn.exchange(&request, expected, s.timeout).await;
        let done = Instant::now();
        s.done.fetch_add(1, Ordering::Relaxed);
        let (kind, detail) = match &result {
            Ok(r) if r.status == 200 && r.outcome.as_deref() == Some(expected) => (None, None),
            Ok(r) => (
                Some(match &r.outcome {
                    Some(o) => o.clone(),
                    None => format!("HTTP {}", r.status),
                }),
                Some(format!(
                    "HTTP {}: {}",
                    r.status,
                    r.body.as_deref().unwrap_or("")
                )),
            ),
            Err(f) => (Some(f.kind()), Some(f.detail())),
        };
        if let (Some(kind), Some(detail)) = (&kind, detail) {
            let v = t.samples.entry(kind.clone()).or_default();
            if v.len() < s.show_errors {
                v.push(detail);
            }
        }
        if start < s.measure_from {
            t.warmup_requests += 1;
            t.warmup_errors += u64::from(kind.is_some());
        } else {
            t.requests += 1;
            t.minted_during += u64::from(minted);
            t.last_done = Some(done);
            match kind {
                None => {
                    *t.outcomes.entry(expected.to_string()).or_default() += 1;
                    let us = done.duration_since(start).as_micros();
                    t.ok_us.push(u32::try_from(us).unwrap_or(u32::MAX));
                }
                Some(k) => *t.outcomes.entry(k).or_default() += 1,
            }
        }
        if result.is_err() {
            // The server is gone or refusing: do not spin.
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    t
}

/// What the processes involved, and the machine, have used so far.
#[derive(Clone, Copy, Default)]
struct Usage {
    /// CPU seconds of this process.
    own: f64,
    /// CPU seconds of the watched processes (the server).
    watched: f64,
    /// CPU seconds of the PostgreSQL backends for the database.
    pg: f64,
    /// Busy CPU seconds of the whole machine, every core.
    machine: f64,
    /// Bytes the watched processes and the backends wrote to storage.
    written: u64,
}

impl Usage {
    fn now(watch: &[u32], pg_pids: &[String]) -> Usage {
        let watch: Vec<String> = watch.iter().map(u32::to_string).collect();
        let cpu = |pids: &[String]| pids.iter().filter_map(|p| cpu_seconds(p)).sum();
        Usage {
            own: cpu_seconds("self").unwrap_or(0.0),
            watched: cpu(&watch),
            pg: cpu(pg_pids),
            machine: machine_busy_seconds().unwrap_or(0.0),
            written: watch
                .iter()
                .chain(pg_pids)
                .filter_map(|p| storage_write_bytes(p))
                .sum(),
        }
    }

    fn since(self, before: Usage) -> Usage {
        Usage {
            own: self.own - before.own,
            watched: self.watched - before.watched,
            pg: self.pg - before.pg,
            machine: self.machine - before.machine,
            written: self.written.saturating_sub(before.written),
        }
    }
}

async fn run(args: Args) -> Result<bool, String> {
    if args.warmup + args.duration > MAX_RUN_SECS {
        return Err(format!(
            "--warmup plus --duration must be at most {MAX_RUN_SECS} s: the codes, minted before the load, live {LIFETIME_SECS} s"
        ));
    }
    let base = loopback_base(&args.url)?;
    let host = base.host_str().unwrap_or("127.0.0.1").to_string();
    let port = base.port_or_known_default().unwrap_or(80);
    let addr: SocketAddr = if host.eq_ignore_ascii_case("localhost") {
        SocketAddr::from(([127, 0, 0, 1], port))
    } else {
        let ip = host.trim_start_matches('[').trim_end_matches(']');
        SocketAddr::new(ip.parse().map_err(|_| "host")?, port)
    };
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| base.as_str().to_string())
        .trim_end_matches('/')
        .to_string();
    let minter = load_minter(&args, &public_url, &format!("{host}:{port}")).await?;
    let limit = Duration::from_secs(args.timeout);
    let mode = args.mode;

    // By hand first: a new code is valid once, then already used. This also checks that the
    // codes name the status lists the server serves (else: status_unavailable).
    let mut probe = Conn::new(addr);
    let code = minter.mint(u64::MAX)?;
    for want in ["valid", "already_used"] {
        let r = probe
            .exchange(&code.request, want, limit)
            .await
            .map_err(|f| format!("probe: {}: {}", f.kind(), f.detail()))?;
        if r.status != 200 || r.outcome.as_deref() != Some(want) {
            return Err(format!(
                "probe: expected {want}, got HTTP {} {}",
                r.status,
                r.body.unwrap_or_default()
            ));
        }
    }
    // Replay: the codes scanned over and over, each scanned once now.
    let mut replay = Vec::new();
    match mode {
        Mode::Fresh | Mode::Replay => {}
        Mode::BadSignature => {
            // As crates/server/tests/card.rs does: a digit near the end, inside the signature.
            let (text, _) = minter.text(0)?;
            let mut b = text.into_bytes();
            let i = b.len() - 10;
            b[i] = if b[i] == b'0' { b'1' } else { b'0' };
            replay.push(minter.request(&String::from_utf8(b).map_err(|_| "text")?));
        }
        Mode::NotOnecard => replay.push(minter.request("not a OneCard code")),
    }
    if mode == Mode::Replay {
        for i in 0..args.replay_codes {
            let code = minter.mint(i)?;
            let r = probe
                .exchange(&code.request, "valid", limit)
                .await
                .map_err(|f| format!("first scan: {}: {}", f.kind(), f.detail()))?;
            if r.status != 200 || r.outcome.as_deref() != Some("valid") {
                return Err(format!(
                    "first scan of a replayed code: HTTP {} {}",
                    r.status,
                    r.body.unwrap_or_default()
                ));
            }
            replay.push(code.request);
        }
    }
    drop(probe);
    let probes = 2 + u64::from(mode == Mode::Replay) * replay.len() as u64;

    let mut premint_s = 0.0;
    let pool = if mode == Mode::Fresh {
        let n = args
            .codes
            .unwrap_or(args.expect_rate * (args.warmup + args.duration) + args.clients)
            .min(MAX_CODES);
        let threads = args.mint_threads.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        });
        let t = Instant::now();
        let pool = minter.mint_many(n, threads)?;
        premint_s = t.elapsed().as_secs_f64();
        eprintln!(
            "verify_load: minted {n} codes on {threads} threads in {premint_s:.1} s ({:.1} µs each)",
            premint_s * 1e6 * threads as f64 / n.max(1) as f64
        );
        pool
    } else {
        Vec::new()
    };
    let preminted = pool.len() as u64;
    eprintln!(
        "verify_load: {} {} mode (expect {}), {} connections, {} s warm-up, {} s measured",
        base,
        mode.name(),
        mode.expected(),
        args.clients,
        args.warmup,
        args.duration
    );

    let t0 = Instant::now();
    let measure_from = t0 + Duration::from_secs(args.warmup);
    let shared = Arc::new(Shared {
        addr,
        mode,
        minter,
        pool,
        next: AtomicUsize::new(0),
        replay,
        measure_from,
        end: measure_from + Duration::from_secs(args.duration),
        max_requests: args.max_requests,
        timeout: limit,
        show_errors: args.show_errors,
        sent: AtomicU64::new(0),
        done: AtomicU64::new(0),
        minted: AtomicU64::new(0),
    });
    let progress = (args.progress > 0).then(|| {
        let s = shared.clone();
        let every = Duration::from_secs(args.progress);
        tokio::spawn(async move {
            let mut last = 0;
            loop {
                tokio::time::sleep(every).await;
                let done = s.done.load(Ordering::Relaxed);
                eprintln!(
                    "verify_load: t={:>5.1}s  {done} done, {:.0}/s",
                    t0.elapsed().as_secs_f64(),
                    (done - last) as f64 / every.as_secs_f64()
                );
                last = done;
            }
        })
    });
    // CPU times at the start of the measured window.
    let sampler = {
        let watch = args.watch_pids.clone();
        let pg_db = args.watch_pg_db.clone();
        tokio::spawn(async move {
            tokio::time::sleep_until(measure_from.into()).await;
            let pg_pids = pg_db.map(|d| postgres_backends(&d)).unwrap_or_default();
            (Usage::now(&watch, &pg_pids), pg_pids, Instant::now())
        })
    };
    let workers: Vec<_> = (0..args.clients)
        .map(|i| tokio::spawn(worker(shared.clone(), i)))
        .collect();
    let mut total = Tally::default();
    for w in workers {
        let t = w.await.map_err(|e| format!("worker: {e}"))?;
        total.ok_us.extend(t.ok_us);
        for (k, v) in t.outcomes {
            *total.outcomes.entry(k).or_default() += v;
        }
        for (k, v) in t.samples {
            let all = total.samples.entry(k).or_default();
            all.extend(v);
            all.truncate(args.show_errors);
        }
        total.requests += t.requests;
        total.warmup_requests += t.warmup_requests;
        total.warmup_errors += t.warmup_errors;
        total.minted_during += t.minted_during;
        total.last_done = total.last_done.max(t.last_done);
    }
    let (used, pg_pids, cpu_t0) = match sampler.await {
        Ok((before, pids, at)) => (Usage::now(&args.watch_pids, &pids).since(before), pids, at),
        Err(e) => return Err(format!("sampler: {e}")),
    };
    let cpu_window = cpu_t0.elapsed().as_secs_f64();
    if let Some(p) = progress {
        p.abort();
    }

    let lat = Latencies::of(total.ok_us);
    let ok = lat.count;
    let errors = total.requests - ok;
    let elapsed = total
        .last_done
        .map(|d| d.duration_since(shared.measure_from).as_secs_f64())
        .unwrap_or(0.0)
        .max(1e-9);
    let throughput = ok as f64 / elapsed;
    let (mean, p50, p90, p99, max) = (lat.mean, lat.p50, lat.p90, lat.p99, lat.max);
    let capped = shared.sent.load(Ordering::Relaxed) >= args.max_requests;
    let per_request_us = |cpu: f64| {
        if total.requests == 0 {
            0.0
        } else {
            cpu * 1e6 / total.requests as f64
        }
    };
    let (own_cpu, watched_cpu, pg_cpu) = (used.own, used.watched, used.pg);
    // What the rest of the machine used meanwhile: other processes, and kernel work not
    // charged to any of these (interrupts, flushing).
    let other_cpu = (used.machine - own_cpu - watched_cpu - pg_cpu).max(0.0);
    let written_per_request = if total.requests == 0 {
        0.0
    } else {
        used.written as f64 / total.requests as f64
    };

    // Token ids the server should hold after the run: every first scan that answered valid.
    let expected_recorded = match mode {
        Mode::Fresh => 1 + ok + (total.warmup_requests - total.warmup_errors),
        Mode::Replay => probes - 1,
        Mode::BadSignature | Mode::NotOnecard => 1,
    };
    let outcomes_text: Vec<String> = total
        .outcomes
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    let label = if args.label.is_empty() {
        "-"
    } else {
        &args.label
    };
    println!();
    println!("  {:<24} {label}", "run");
    println!("  {:<24} {}", "target", base);
    println!(
        "  {:<24} {}: every answer must be {}",
        "mode",
        mode.name(),
        mode.expected()
    );
    println!(
        "  {:<24} {} connections, {} s after {} s warm-up{}",
        "load",
        args.clients,
        args.duration,
        args.warmup,
        if capped { " (request cap reached)" } else { "" }
    );
    if mode == Mode::Fresh {
        println!(
            "  {:<24} {preminted} before the load ({premint_s:.1} s), {} during the window",
            "codes minted", total.minted_during
        );
    }
    println!("  {:<24} {}", "requests (measured)", total.requests);
    println!("  {:<24} {}", "outcomes", outcomes_text.join(", "));
    println!(
        "  {:<24} {errors} measured, {} in the warm-up",
        "errors", total.warmup_errors
    );
    println!(
        "  {:<24} {throughput:.1} /s over {elapsed:.2} s",
        "verifications"
    );
    println!("  {:<24} {mean:.2} ms", "latency mean");
    println!("  {:<24} {p50:.2} ms", "latency p50");
    println!("  {:<24} {p90:.2} ms", "latency p90");
    println!("  {:<24} {p99:.2} ms", "latency p99");
    println!("  {:<24} {max:.2} ms", "latency max");
    println!(
        "  {:<24} {own_cpu:.2} s over {cpu_window:.2} s ({:.1} µs per request)",
        "CPU of verify_load",
        per_request_us(own_cpu)
    );
    if !args.watch_pids.is_empty() {
        println!(
            "  {:<24} {watched_cpu:.2} s ({:.1} µs per request)",
            "CPU of watched pids",
            per_request_us(watched_cpu)
        );
    }
    if args.watch_pg_db.is_some() {
        println!(
            "  {:<24} {pg_cpu:.2} s ({:.1} µs per request, {} backends)",
            "CPU of PG backends",
            per_request_us(pg_cpu),
            pg_pids.len()
        );
    }
    if !args.watch_pids.is_empty() {
        println!(
            "  {:<24} {:.0} bytes per request",
            "written to storage", written_per_request
        );
    }
    println!(
        "  {:<24} {:.2} s busy in all, {other_cpu:.2} s of it by other processes or the kernel",
        "CPU of the machine", used.machine
    );
    for (kind, samples) in &total.samples {
        for s in samples {
            let s: String = s.chars().take(400).collect();
            println!("  unexpected {kind}: {s}");
        }
    }
    println!();

    let mut line = Map::new();
    line.insert("label".into(), args.label.clone().into());
    for (k, v) in &args.tags {
        line.insert(k.clone(), v.clone().into());
    }
    let extra = json!({
        "url": base.as_str(),
        "mode": mode.name(),
        "expected": mode.expected(),
        "clients": args.clients,
        "warmup_s": args.warmup,
        "duration_s": args.duration,
        "elapsed_s": round2(elapsed),
        "probes": probes,
        "codes_preminted": preminted,
        "premint_s": round2(premint_s),
        "minted_during_window": total.minted_during,
        "warmup_requests": total.warmup_requests,
        "warmup_errors": total.warmup_errors,
        "requests": total.requests,
        "verified": ok,
        "errors": errors,
        "outcomes": total.outcomes,
        "expected_recorded": expected_recorded,
        "capped": capped,
        "throughput_per_s": round2(throughput),
        "latency_ms": { "mean": round2(mean), "p50": round2(p50), "p90": round2(p90), "p99": round2(p99), "max": round2(max) },
        "cpu_window_s": round2(cpu_window),
        "loadgen_cpu_s": round2(own_cpu),
        "loadgen_cpu_us_per_request": round2(per_request_us(own_cpu)),
        "watched_cpu_s": round2(watched_cpu),
        "watched_cpu_us_per_request": round2(per_request_us(watched_cpu)),
        "pg_backend_cpu_s": round2(pg_cpu),
        "pg_backend_cpu_us_per_request": round2(per_request_us(pg_cpu)),
        "storage_bytes_written_per_request": round2(written_per_request),
        "machine_busy_cpu_s": round2(used.machine),
        "other_cpu_s": round2(other_cpu),
    });
    if let Value::Object(m) = extra {
        line.extend(m);
    }
    println!("{}", Value::Object(line));
    Ok(ok > 0)
}

fn main() -> ExitCode {
    let args = Args::parse();
    let rt = if args.threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(args.threads)
            .enable_all()
            .build()
    };
    let rt = match rt {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("verify_load: runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("verify_load: no verification gave the expected answer");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("verify_load: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The store's options: the data key given, or the demo key.
fn open_options(data_key: Option<&str>, connections: u32) -> Result<OpenOptions, String> {
    let key = match data_key {
        Some(k) => store::DataKey::parse(k).map_err(|e| format!("data key: {e}"))?,
        None => store::DataKey::demo(),
    };
    Ok(OpenOptions::new(key).connections(connections))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_with_a_length() {
        let r = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 23\r\n\r\n{\"outcome\":\"valid\",x:1}";
        assert!(parse_response(&r[..r.len() - 1]).unwrap().is_none());
        assert!(parse_response(&r[..20]).unwrap().is_none());
        let (status, body, close) = parse_response(r).unwrap().unwrap();
        assert_eq!((status, close), (200, false));
        assert_eq!(outcome_of(&body).as_deref(), Some("valid"));
        assert!(parse_response(b"HTTP/1.1 200 OK\r\n\r\n").is_err());
        assert!(parse_response(b"HTTP/1.1 20x OK\r\ncontent-length: 0\r\n\r\n").is_err());
    }

    #[test]
    fn chunked_responses() {
        let r = b"HTTP/1.1 422 Unprocessable\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
        assert!(parse_response(&r[..r.len() - 2]).unwrap().is_none());
        let (status, body, close) = parse_response(r).unwrap().unwrap();
        assert_eq!((status, &body[..], close), (422, &b"hello world"[..], true));
    }

    #[test]
    fn outcomes() {
        assert_eq!(
            outcome_of(br#"{"outcome":"already_used","valid":false}"#).as_deref(),
            Some("already_used")
        );
        assert_eq!(outcome_of(br#"{"code":"required"}"#), None);
    }
}
